"""The employee's part: declared work and the self-assessment."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from evaluation import models
from evaluation.models import (
    EvaluationState,
    PeriodState,
)
from hrsystem import clock
from hrsystem.service_checks import save

from .common import (
    EMPLOYEE_STATES,
    _bump,
    _criterion_scores,
    _decimal,
    _fail,
    _is_own,
    _item_of,
    _locked_evaluation,
    _period_states,
    _recompute_after,
    _store_criteria,
)


def _own_draft(by, evaluation) -> None:
    if not _is_own(by, evaluation):
        raise PermissionDenied(
            _("Chỉ người được đánh giá mới kê khai, tự đánh giá phiếu của mình.")
        )
    _period_states(evaluation.period, EMPLOYEE_STATES)
    if evaluation.state != EvaluationState.DRAFT:
        _fail("evaluation", _("Phiếu đã gửi tự đánh giá hoặc đã được chấm: không sửa được nữa."))
    if (
        evaluation.period.state == PeriodState.SCORING
        and clock.today() > evaluation.period.scoring_due
    ):
        _fail("evaluation", _("Đã quá hạn chấm điểm của kỳ: không thể tự đánh giá nữa."))


def _declare(
    item: models.WorkItem, done, evidence_number, evidence_file, self_note, field: str
) -> None:
    if done is not None:
        value = _decimal(done, field)
        if value < 0:
            _fail(
                field,
                _("Khối lượng hoàn thành của “%(name)s” không được âm.") % {"name": item.name},
            )
        if value != value.quantize(Decimal("0.01")):
            _fail(field, _("Khối lượng chỉ có tối đa 2 chữ số thập phân."))
        # API (issue 14): a quantity a source system sent is not the person's to change
        if item.source_system and value != item.done:
            _fail(
                field,
                _("Khối lượng của “%(name)s” do hệ thống %(system)s gửi: không sửa được.")
                % {"name": item.name, "system": item.source_system},
            )
        item.done = value
    if evidence_number is not None:
        item.evidence_number = evidence_number.strip()
    if evidence_file is not None:
        item.evidence_file = evidence_file
        item.evidence_name = PurePath(evidence_file.name or "").name[:255]
    if self_note is not None:
        item.self_note = self_note.strip()
    try:
        item.full_clean(exclude=["evaluation", "standard_task", "work_product"])
    except ValidationError as error:
        # `done` names the single item's field; `done[<id>]` one item of a batch
        where = field[len("done") :]
        raise ValidationError(
            {f"{name}{where}": messages for name, messages in error.message_dict.items()}
        ) from error


@transaction.atomic
def work_item_declare(
    *,
    item: models.WorkItem,
    revision: int,
    by,
    done=None,
    evidence_number: str | None = None,
    evidence_file=None,
    self_note: str | None = None,
) -> models.WorkItem:
    """The employee declares an item of their own draft: done quantity, evidence, note."""
    item = _item_of(item)
    evaluation = _locked_evaluation(item.evaluation, revision)
    _own_draft(by, evaluation)
    _declare(item, done, evidence_number, evidence_file, self_note, "done")
    save(item, by)
    _bump(evaluation, by)
    _recompute_after(evaluation.period, by, [evaluation.unit_id])
    return item


@transaction.atomic
def self_assessment_save(
    *,
    evaluation: models.Evaluation,
    revision: int,
    by,
    proposed: dict | None = None,
    done: dict | None = None,
    comment: str | None = None,
) -> models.Evaluation:
    """Save the employee's draft: proposed criterion scores, done quantities, comment."""
    evaluation = _locked_evaluation(evaluation, revision)
    _own_draft(by, evaluation)
    _save_self(evaluation, proposed or {}, done or {}, comment, by)
    _bump(evaluation, by, ["self_comment"])
    _recompute_after(evaluation.period, by, [evaluation.unit_id])
    return evaluation


def _save_self(evaluation, proposed: dict, done: dict, comment, by) -> None:
    values = _criterion_scores(evaluation, proposed, "proposed")
    items = {i.pk: i for i in models.WorkItem.objects.select_for_update().filter(pk__in=list(done))}
    for item_id in done:
        if item_id not in items or items[item_id].evaluation_id != evaluation.pk:
            raise PermissionDenied(_("Sản phẩm này không thuộc phiếu đánh giá đang sửa."))
    for item_id, value in done.items():
        _declare(items[item_id], value, None, None, None, f"done[{item_id}]")
    _store_criteria(evaluation, values, "proposed", by)
    if items:
        bulk_update_with_history(list(items.values()), models.WorkItem, ["done"], default_user=by)
    if comment is not None:
        evaluation.self_comment = comment.strip()


@transaction.atomic
def self_assessment_submit(
    *,
    evaluation: models.Evaluation,
    revision: int,
    by,
    proposed: dict | None = None,
    done: dict | None = None,
    comment: str | None = None,
) -> models.Evaluation:
    """Save and submit the employee's self-assessment; afterwards it is read-only to them.

    Every criterion needs a proposed score. A late submission is accepted until the
    scoring deadline; a missing one never blocks the head.
    """
    evaluation = _locked_evaluation(evaluation, revision)
    _own_draft(by, evaluation)
    _save_self(evaluation, proposed or {}, done or {}, comment, by)
    missing = models.CriterionScore.objects.filter(evaluation=evaluation, proposed__isnull=True)
    errors = {
        f"proposed[{i}]": _("Chưa tự chấm tiêu chí này.")
        for i in missing.values_list("criterion_index", flat=True)
    }
    if errors:
        raise ValidationError(errors)
    evaluation.state = EvaluationState.SELF_SUBMITTED
    evaluation.self_submitted_at = clock.now()
    evaluation.return_reason = ""
    _bump(evaluation, by, ["self_comment", "state", "self_submitted_at", "return_reason"])
    _recompute_after(evaluation.period, by, [evaluation.unit_id])
    return evaluation


@transaction.atomic
def self_assessment_record(
    *,
    evaluation: models.Evaluation,
    revision: int,
    by,
    declarations: Iterable[tuple[models.WorkItem, dict]] = (),
    proposed: dict | None = None,
    comment: str | None = None,
    submit: bool = False,
) -> models.Evaluation:
    """The employee's month page saved as one change, all or nothing: each (item, values)
    of `declarations` through `work_item_declare` (values: done, evidence_number,
    evidence_file, self_note), then `self_assessment_submit` when `submit`, else
    `self_assessment_save`; each call carries the revision the previous one left, so a
    stale `revision` raises ConflictError and saves nothing."""
    for item, values in declarations:
        work_item_declare(item=item, revision=revision, by=by, **values)
        revision += 1
    send = self_assessment_submit if submit else self_assessment_save
    return send(evaluation=evaluation, revision=revision, by=by, proposed=proposed, comment=comment)
