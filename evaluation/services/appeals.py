"""Appeals of a published result: filing one, who decides it, the decision."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from discipline.services import violation_annul_on_appeal
from evaluation import models, notifications
from evaluation.models import (
    AppealState,
    EvaluationState,
    PeriodState,
)
from hrsystem import clock
from hrsystem import selectors as hr_selectors
from hrsystem.api import events as api_events  # API (issue 14)
from hrsystem.service_checks import save

from .common import (
    _bump,
    _criterion_scores,
    _decimal,
    _fail,
    _is_own,
    _locked_evaluation,
    _on,
    _period_states,
    _recompute_after,
    _store_criteria,
    _whole,
)
from .scores import _leader_criterion, _review


def _correct_item(row: models.WorkItem, change: dict, field: str, by) -> None:
    """Apply an appeal decision's correction of one work item: the quantity done, the
    errors, the days late and those excused (with their reason), the note."""
    if change.get("done") is not None:
        done = _decimal(change["done"], f"{field}.done")
        if done < 0 or done != done.quantize(Decimal("0.01")):
            _fail(f"{field}.done", _("Khối lượng hoàn thành không âm, tối đa 2 chữ số thập phân."))
        if done != row.done:
            row.done, row.done_entered_by = done, by
    if change.get("late_excused") is not None:
        excused = _whole(change["late_excused"], f"{field}.late_excused")
        reason = (change.get("excuse_reason") or "").strip()
        if excused and not reason:
            _fail(f"{field}.excuse_reason", _("Ghi rõ nguyên nhân khách quan của việc chậm."))
        row.late_excused = excused
        row.excuse_reason = reason if excused else ""
        row.excused_by = by if excused else None
    _review(row, change.get("major_errors"), change.get("late"), change.get("review_note"), field)
    save(row, by)


@transaction.atomic
def appeal_file(*, evaluation: models.Evaluation, reason: str, by) -> models.Appeal:
    """The employee appeals their published result within the period's appeal window."""
    evaluation = _locked_evaluation(evaluation, None)
    if not _is_own(by, evaluation):
        raise PermissionDenied(_("Chỉ người được đánh giá mới kiến nghị kết quả của mình."))
    _period_states(evaluation.period, (PeriodState.PUBLISHED,))
    if evaluation.state != EvaluationState.PUBLISHED:  # reopened: `services.reopening_open`
        _fail("reason", _("Kết quả đang được xem xét lại: kiến nghị sau khi công bố lại."))
    if clock.today() > evaluation.period.appeal_due:
        _fail(
            "reason",
            _("Đã hết hạn kiến nghị (%(due)s).")
            % {"due": evaluation.period.appeal_due.strftime("%d/%m/%Y")},
        )
    reason = (reason or "").strip()
    if not reason:
        _fail("reason", _("Ghi rõ nội dung kiến nghị."))
    if models.Appeal.objects.filter(evaluation=evaluation, state=AppealState.PENDING).exists():
        _fail("reason", _("Bạn đã có kiến nghị đang chờ giải quyết."))
    appeal = models.Appeal(evaluation=evaluation, filed_by=by, reason=reason)
    save(appeal, by)
    decider = appeal_decider(evaluation)
    if decider is not None and decider.user_id:
        notifications.notify(
            user_id=decider.user_id,
            kind="appeal_filed",
            title=_("Kiến nghị kết quả của %(name)s") % {"name": evaluation.employee.full_name},
            body=reason,
            dedupe_key=f"appeal:{appeal.pk}:filed",
        )
    return appeal


def appeal_decider(evaluation: models.Evaluation):
    """Who decides an appeal of `evaluation`: the superior's superior, else the agency leader."""
    on = _on(evaluation.period)
    superior = hr_selectors.superior_of(evaluation.employee, on=on)
    above = hr_selectors.superior_of(superior, on=on) if superior is not None else None
    return above or hr_selectors.agency_leader(evaluation.period.organisation, on=on)


def _copy_version(old: models.Evaluation, by) -> models.Evaluation:
    scores = list(old.criterion_scores.all())
    items = list(old.work_items.all())
    bonuses = list(old.bonus_entries.all())
    old.is_current = False
    old.revision += 1
    save(old, by, update_fields=["is_current", "revision"])
    new = models.Evaluation.objects.get(pk=old.pk)
    new.pk = None
    new._state.adding = True
    new.version = old.version + 1
    new.is_current = True
    new.revision = 0
    save(new, by)
    for rows, model in (
        (scores, models.CriterionScore),
        (items, models.WorkItem),
        (bonuses, models.BonusEntry),
    ):
        for row in rows:
            row.pk = None
            row._state.adding = True
            row.evaluation = new
        bulk_create_with_history(rows, model, default_user=by)
    return new


@transaction.atomic
def appeal_decide(
    *,
    appeal: models.Appeal,
    upheld: bool,
    reason: str,
    by,
    final: dict | None = None,
    items: dict | None = None,
    dd=None,
    dd_reason: str = "",
    e=None,
    e_reason: str = "",
    annul=(),
) -> models.Appeal:
    """Decide a pending appeal (the superior's superior, or the agency leader).

    Upheld: a new version of the evaluation carries the changes (`final`; `items` keyed
    by the old item ids, each with any of done, major_errors, late, late_excused with
    excuse_reason, review_note; `dd`, `e`), the old one is kept; `annul` lists the ids of
    the person's violations of the month whose deduction the decision removes (annulled
    in the ledger with the decision's reason). The person's unit and the units above are
    re-scored. Rejected: only the reason is recorded. The author is notified.
    """
    appeal = (
        models.Appeal.objects.select_for_update().select_related("evaluation").get(pk=appeal.pk)
    )
    evaluation = _locked_evaluation(appeal.evaluation, None)
    period = evaluation.period
    _period_states(period, (PeriodState.PUBLISHED,))
    if appeal.state != AppealState.PENDING:
        _fail("appeal", _("Kiến nghị này đã được giải quyết."))
    decider = appeal_decider(evaluation)
    if _is_own(by, evaluation) or decider is None or decider.user_id != by.pk:
        raise PermissionDenied(
            _("Chỉ cấp trên của người chấm (hoặc lãnh đạo cơ quan) giải quyết kiến nghị.")
        )
    reason = (reason or "").strip()
    if not reason:
        _fail("decision_reason", _("Ghi rõ lý do quyết định."))
    if upheld:
        if not (final or items or dd is not None or e is not None or annul):
            _fail("final", _("Chấp nhận kiến nghị phải kèm điểm được sửa."))
        values = _criterion_scores(evaluation, final or {}, "final")
        new = _copy_version(evaluation, by)
        _store_criteria(new, values, "final", by)
        if items:
            mapping = dict(
                zip(
                    evaluation.work_items.order_by("id").values_list("id", flat=True),
                    new.work_items.order_by("id"),
                    strict=True,
                )
            )
            for item_id, change in items.items():
                if item_id not in mapping:
                    raise PermissionDenied(_("Sản phẩm này không thuộc phiếu bị kiến nghị."))
                _correct_item(mapping[item_id], change, f"items[{item_id}]", by)
        fields = []
        if dd is not None:
            new.dd_score, new.dd_reason = _leader_criterion(new, dd, dd_reason, "dd")
            fields += ["dd_score", "dd_reason"]
        if e is not None:
            new.e_score, new.e_reason = _leader_criterion(new, e, e_reason, "e")
            fields += ["e_score", "e_reason"]
        new.scored_by, new.scored_at = by, clock.now()
        _bump(new, by, [*fields, "scored_by", "scored_at"])
        appeal.resulting_evaluation = new
        for violation_id in annul:
            violation_annul_on_appeal(
                violation_id=violation_id,
                employee_id=evaluation.employee_id,
                start=period.start,
                end=period.end,
                reason=reason,
                by=by,
            )
        _recompute_after(period, by, [new.unit_id])
        api_events.result_revised(new)  # API (issue 14): webhooks to subscribed systems
    appeal.state = AppealState.UPHELD if upheld else AppealState.REJECTED
    appeal.decided_by, appeal.decision_reason, appeal.decided_at = by, reason, clock.now()
    save(appeal, by)
    notifications.notify(
        user_id=appeal.filed_by_id,
        kind="appeal_decided",
        title=_("Kiến nghị kết quả %(period)s: %(state)s")
        % {"period": period, "state": appeal.get_state_display()},
        body=reason,
        dedupe_key=f"appeal:{appeal.pk}:decided",
    )
    return appeal
