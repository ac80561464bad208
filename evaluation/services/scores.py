"""The scorer's part: final scores, reviews, excused delays, extra work, bonus, and
the bulk approval or return of self-assessments."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from evaluation import models, notifications
from evaluation.models import (
    EvaluationState,
    PeriodState,
    UnitPeriodState,
)
from hrsystem import clock, permissions
from hrsystem.service_checks import require, save

from .common import (
    EMPLOYEE_STATES,
    HEAD_STATES,
    _bump,
    _change_reason,
    _criterion_scores,
    _decimal,
    _editable_states,
    _fail,
    _item_of,
    _lock_in_order,
    _locked_evaluation,
    _on,
    _period_states,
    _recompute_after,
    _scorer,
    _store_criteria,
    _under_review,
    _unit_open_for_head,
    _whole,
)


def _head_may_edit(by, evaluation) -> None:
    _scorer(by, evaluation)
    _editable_states(evaluation, HEAD_STATES)
    if evaluation.state in (EvaluationState.PUBLISHED, EvaluationState.LOCKED):
        _fail("evaluation", _("Kết quả đã công bố: chỉ thay đổi qua kiến nghị."))
    _unit_open_for_head(evaluation)


@transaction.atomic
def work_item_add_ad_hoc(
    *,
    evaluation: models.Evaluation,
    name: str,
    unit_of_measure: str,
    planned,
    revision: int,
    by,
    coefficient=Decimal(1),
    work_product=None,
) -> models.WorkItem:
    """The head assigns an ad-hoc item to a staff member's period (never their own)."""
    evaluation = _locked_evaluation(evaluation, revision)
    _scorer(by, evaluation)
    _editable_states(evaluation, EMPLOYEE_STATES)
    if evaluation.state in (EvaluationState.PUBLISHED, EvaluationState.LOCKED):
        _fail("evaluation", _("Kết quả đã công bố: không giao thêm việc được."))
    _unit_open_for_head(evaluation)
    if work_product is not None:
        if (
            work_product.organisation_id != evaluation.period.organisation_id
            or not work_product.active
        ):
            _fail("work_product", _("Sản phẩm không thuộc danh mục đang dùng của cơ quan."))
        coefficient = work_product.coefficient
        unit_of_measure = unit_of_measure or work_product.unit_of_measure
        name = name or work_product.name
    errors = {}
    planned_value = _decimal(planned, "planned")
    coefficient_value = _decimal(coefficient, "coefficient")
    if planned_value <= 0:
        errors["planned"] = _("Khối lượng giao phải lớn hơn 0.")
    if coefficient_value <= 0:
        errors["coefficient"] = _("Hệ số quy đổi phải lớn hơn 0.")
    if not (name or "").strip():
        errors["name"] = _("Nhập tên công việc.")
    if not (unit_of_measure or "").strip():
        errors["unit_of_measure"] = _("Nhập đơn vị tính.")
    if errors:
        raise ValidationError(errors)
    item = models.WorkItem(
        evaluation=evaluation,
        work_product=work_product,
        name=name.strip(),
        unit_of_measure=unit_of_measure.strip(),
        coefficient=coefficient_value,
        planned=planned_value,
        ad_hoc=True,
        assigned_by=by,
        is_dossier_processing=bool(work_product and work_product.is_dossier_processing),
    )
    item.full_clean(exclude=["evaluation"])
    save(item, by)
    _bump(evaluation, by)
    return item


def _review(item, major_errors, late, review_note, field: str) -> None:
    errors = {}
    for name, value in (("major_errors", major_errors), ("late", late)):
        if value is None:
            continue
        try:
            setattr(item, name, _whole(value, f"{field}.{name}"))
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    if item.late_excused > item.late:
        _fail(
            f"{field}.late",
            _("Số ngày chậm không được ít hơn số ngày đã xác nhận có lý do (%(n)s).")
            % {"n": item.late_excused},
        )
    if review_note is not None:
        item.review_note = review_note.strip()


@transaction.atomic
def delay_certify(
    *, item: models.WorkItem, late_excused: int, reason: str, revision: int, by
) -> models.WorkItem:
    """The head certifies an objective cause for `late_excused` of the item's days late.

    Needs a written reason when above 0; never on one's own item; deputies cannot.
    """
    item = _item_of(item)
    evaluation = _locked_evaluation(item.evaluation, revision)
    require(permissions.can_certify_delay(by, evaluation.employee, _on(evaluation.period)))
    _editable_states(evaluation, EMPLOYEE_STATES)
    if evaluation.state in (EvaluationState.PUBLISHED, EvaluationState.LOCKED):
        _fail("evaluation", _("Kết quả đã công bố: chỉ thay đổi qua kiến nghị."))
    _unit_open_for_head(evaluation)
    value = _whole(late_excused, "late_excused")
    if value > item.late:
        _fail("late_excused", _("Không vượt quá số ngày chậm (%(n)s).") % {"n": item.late})
    reason = (reason or "").strip()
    if value and not reason:
        _fail("excuse_reason", _("Ghi rõ nguyên nhân khách quan của việc chậm."))
    item.late_excused = value
    item.excuse_reason = reason if value else ""
    item.excused_by = by if value else None
    save(item, by)
    _bump(evaluation, by)
    _recompute_after(evaluation.period, by, [evaluation.unit_id])
    return item


def _leader_criterion(evaluation, value, reason, name: str) -> tuple[Decimal, str]:
    rules = evaluation.rule_set_snapshot
    full, reduced = Decimal(rules["leader_full"]), Decimal(rules["leader_reduced"])
    number = _decimal(value, name)
    if number not in (full, reduced):
        _fail(name, _("Chỉ chọn %(full)s hoặc %(reduced)s.") % {"full": full, "reduced": reduced})
    reason = (reason or "").strip()
    if number == reduced and not reason:
        _fail(f"{name}_reason", _("Ghi rõ lý do khi đánh giá %(reduced)s.") % {"reduced": reduced})
    return number, reason


def _enter_done(item: models.WorkItem, done, undeclared: bool, by, field: str) -> None:
    """The scorer enters the quantity done of a person who did not declare it; a declared
    quantity is the person's own and stays."""
    value = _decimal(done, field)
    if value == item.done:
        return
    if item.source_system:  # API (issue 14): only with a reason, `work_item_source_override`
        _fail(
            field,
            _("Khối lượng này do hệ thống %(system)s gửi: sửa bằng nút “Sửa khối lượng” có lý do.")
            % {"system": item.source_system},
        )
    if not undeclared:
        _fail(field, _("Người này đã tự kê khai khối lượng hoàn thành: không sửa thay được."))
    if value < 0 or value != value.quantize(Decimal("0.01")):
        _fail(field, _("Khối lượng hoàn thành không âm, tối đa 2 chữ số thập phân."))
    item.done, item.done_entered_by = value, by


@transaction.atomic
def evaluation_score(
    *,
    evaluation: models.Evaluation,
    revision: int,
    by,
    final: dict | None = None,
    items: dict | None = None,
    head_comment: str | None = None,
    dd=None,
    dd_reason: str = "",
    e=None,
    e_reason: str = "",
    absent: bool | None = None,
) -> models.Evaluation:
    """The scorer gives the final scores and the result is computed by the engine.

    `final` maps criterion index → score (every criterion must end up with one; the
    proposal is not copied silently); `items` maps work-item id → {major_errors, late,
    review_note, and done: the quantity done of a person who did not declare (still a
    draft), recorded as entered by the scorer}; `dd`/`e` (leaders only) are the
    superior's 100 or 50, with a reason at 50. The scorer is the head, the acting head, a
    deputy the person is delegated to, or, for a leader, their superior; never the person.
    Recomputes the agency's period.
    """
    evaluation = _locked_evaluation(evaluation, revision)
    _head_may_edit(by, evaluation)
    undeclared = evaluation.state == EvaluationState.DRAFT
    if (
        evaluation.period.state == PeriodState.SELF_ASSESSMENT
        and evaluation.state == EvaluationState.DRAFT
    ):
        _fail(
            "evaluation",
            _("Người này đang tự đánh giá; chấm điểm khi kỳ chuyển sang bước chấm điểm."),
        )
    values = _criterion_scores(evaluation, final or {}, "final")
    fields = ["state", "scored_by", "scored_at", "head_comment", "absent"]
    if absent is not None:
        evaluation.absent = bool(absent)
    if dd is not None or e is not None:
        if not evaluation.is_leader:
            _fail("dd", _("Tiêu chí đ, e chỉ áp dụng cho người giữ chức vụ lãnh đạo."))
        if dd is not None:
            evaluation.dd_score, evaluation.dd_reason = _leader_criterion(
                evaluation, dd, dd_reason, "dd"
            )
        if e is not None:
            evaluation.e_score, evaluation.e_reason = _leader_criterion(
                evaluation, e, e_reason, "e"
            )
        evaluation.leader_assessed_by = by
        fields += ["dd_score", "dd_reason", "e_score", "e_reason", "leader_assessed_by"]
    if items:
        rows = {
            i.pk: i for i in models.WorkItem.objects.select_for_update().filter(pk__in=list(items))
        }
        for item_id, change in items.items():
            row = rows.get(item_id)
            if row is None or row.evaluation_id != evaluation.pk:
                raise PermissionDenied(_("Sản phẩm này không thuộc phiếu đánh giá đang chấm."))
            _review(
                row,
                change.get("major_errors"),
                change.get("late"),
                change.get("review_note"),
                f"items[{item_id}]",
            )
            if change.get("done") is not None:
                _enter_done(row, change["done"], undeclared, by, f"items[{item_id}].done")
        bulk_update_with_history(
            list(rows.values()),
            models.WorkItem,
            ["major_errors", "late", "review_note", "done", "done_entered_by"],
            default_user=by,
        )
    _store_criteria(evaluation, values, "final", by)
    if not evaluation.absent:
        missing = models.CriterionScore.objects.filter(evaluation=evaluation, final__isnull=True)
        errors = {
            f"final[{i}]": _("Chưa chấm tiêu chí này.")
            for i in missing.values_list("criterion_index", flat=True)
        }
        if errors:
            raise ValidationError(errors)
    if head_comment is not None:
        evaluation.head_comment = head_comment.strip()
    evaluation.state = EvaluationState.SCORED
    evaluation.scored_by = by
    evaluation.scored_at = clock.now()
    _bump(evaluation, by, fields)
    _recompute_after(evaluation.period, by, [evaluation.unit_id])
    evaluation.refresh_from_db()
    return evaluation


@transaction.atomic
def evaluation_score_row(
    *,
    evaluation: models.Evaluation,
    revision: int,
    by,
    items: list[models.WorkItem],
    reviews: dict,
    certify: bool,
    final: dict | None = None,
    **scores,
) -> models.Evaluation:
    """One row of the scoring page saved as one change, all or nothing.

    `reviews` maps the id of each of `items` (the person's items as shown) to the typed
    major_errors, late, late_excused and excuse_reason; the excusals count only when
    `certify` (the scorer was offered them). Excusals lowered are certified first (so
    days late may go down), then `evaluation_score` with `final` and `scores`
    (head_comment, absent, dd, dd_reason, e, e_reason), then excusals raised; each call
    carries the revision the previous one left, so a stale `revision` raises
    ConflictError and saves nothing.
    """
    stored = {item.pk: item for item in items}
    if not certify:
        for pk, item in stored.items():
            reviews[pk].update(late_excused=item.late_excused, excuse_reason=item.excuse_reason)
    lowered = [pk for pk, r in reviews.items() if r["late_excused"] < stored[pk].late_excused]
    raised = [
        pk
        for pk, r in reviews.items()
        if pk not in lowered
        and (
            r["late_excused"] != stored[pk].late_excused
            or (r["late_excused"] and r["excuse_reason"] != stored[pk].excuse_reason)
        )
    ]

    def certify_each(pks: list[int], revision: int) -> int:
        for pk in pks:
            delay_certify(
                item=stored[pk],
                late_excused=reviews[pk]["late_excused"],
                reason=reviews[pk]["excuse_reason"],
                revision=revision,
                by=by,
            )
            revision += 1
        return revision

    revision = certify_each(lowered, revision)
    evaluation = evaluation_score(
        evaluation=evaluation,
        revision=revision,
        by=by,
        final=final,
        items={
            pk: {"major_errors": r["major_errors"], "late": r["late"], "done": r.get("done")}
            for pk, r in reviews.items()
        },
        **scores,
    )
    certify_each(raised, evaluation.revision)
    return evaluation


@transaction.atomic
def bonus_add(
    *, evaluation: models.Evaluation, points, reason: str, revision: int, by
) -> models.BonusEntry:
    """The scorer awards bonus points with a reason; refused when the rule set has no bonus."""
    evaluation = _locked_evaluation(evaluation, revision)
    _head_may_edit(by, evaluation)
    cap = evaluation.rule_set_snapshot.get("bonus_cap")
    if cap is None:
        _fail("points", _("Bộ quy tắc của kỳ này không có điểm thưởng."))
    value = _decimal(points, "points")
    if value <= 0 or value > Decimal(cap):
        _fail("points", _("Điểm thưởng phải lớn hơn 0 và không quá %(cap)s.") % {"cap": cap})
    if not (reason or "").strip():
        _fail("reason", _("Ghi rõ sáng kiến hoặc thành tích được thưởng."))
    entry = models.BonusEntry(
        evaluation=evaluation, points=value, reason=reason.strip(), awarded_by=by
    )
    save(entry, by)
    _bump(evaluation, by)
    _recompute_after(evaluation.period, by, [evaluation.unit_id])
    return entry


def _heads_may_edit(by, rows: list[models.Evaluation]) -> None:
    """`_head_may_edit` for rows of one period, in constant queries whatever their number."""
    period = rows[0].period
    allowed = permissions.scorable_ids(by, [row.employee for row in rows], _on(period))
    require(all(row.employee_id in allowed for row in rows))
    if not all(_under_review(row) for row in rows):
        _period_states(period, HEAD_STATES)
    if any(row.state in (EvaluationState.PUBLISHED, EvaluationState.LOCKED) for row in rows):
        _fail("evaluation", _("Kết quả đã công bố: chỉ thay đổi qua kiến nghị."))
    staff_units = {row.unit_id for row in rows if not row.is_head}
    closed = models.UnitPeriod.objects.filter(
        period=period,
        unit__in=staff_units,
        state__in=(UnitPeriodState.SUBMITTED, UnitPeriodState.APPROVED),
    )
    if staff_units and closed.exists():
        _fail(
            "unit",
            _("Đơn vị đã gửi kết quả kỳ này: chỉ sửa được khi lãnh đạo cơ quan trả lại."),
        )


def _many(evaluations) -> list[models.Evaluation]:
    ids = [e.pk for e in evaluations]
    scope = set(models.Evaluation.objects.filter(pk__in=ids).values_list("period_id", "unit_id"))
    if len({period_id for period_id, _unit in scope}) > 1:
        _fail("evaluations", _("Chỉ thao tác hàng loạt trong cùng một kỳ đánh giá."))
    if scope:
        _lock_in_order(next(iter(scope))[0], [unit_id for _period, unit_id in scope])
    rows = list(
        models.Evaluation.objects.select_for_update(of=("self",))
        .select_related("period", "employee", "unit")
        .filter(pk__in=ids, is_current=True)
        .order_by("pk")
    )
    if len(rows) != len(set(ids)):
        _fail("evaluations", _("Có phiếu không tồn tại hoặc không còn là phiên bản hiện hành."))
    if len({row.period_id for row in rows}) > 1:
        _fail("evaluations", _("Chỉ thao tác hàng loạt trong cùng một kỳ đánh giá."))
    return rows


@transaction.atomic
def evaluations_bulk_approve(*, evaluations, by) -> list[models.Evaluation]:
    """The scorer accepts the submitted self-assessments as final, all or none.

    Each evaluation must be self-submitted and scorable by `by`; each criterion's
    proposal becomes its final score. Recomputes the period once.
    """
    rows = _many(evaluations)
    if not rows:
        return rows
    _heads_may_edit(by, rows)
    for row in rows:
        if row.state != EvaluationState.SELF_SUBMITTED:
            _fail(
                "evaluations",
                _("%(name)s chưa gửi tự đánh giá: hãy chấm từng tiêu chí.")
                % {"name": row.employee.full_name},
            )
    scores = list(models.CriterionScore.objects.select_for_update().filter(evaluation__in=rows))
    for score in scores:
        score.final = score.proposed
    reason = _change_reason(_("Duyệt hàng loạt tự đánh giá"))
    bulk_update_with_history(
        scores, models.CriterionScore, ["final"], default_user=by, default_change_reason=reason
    )
    now = clock.now()
    for row in rows:
        row.state = EvaluationState.SCORED
        row.scored_by = by
        row.scored_at = now
        row.revision += 1
    bulk_update_with_history(
        rows,
        models.Evaluation,
        ["state", "scored_by", "scored_at", "revision"],
        default_user=by,
        default_change_reason=reason,
    )
    _recompute_after(rows[0].period, by, {row.unit_id for row in rows})
    return rows


@transaction.atomic
def evaluations_bulk_return(*, evaluations, reason: str, by) -> list[models.Evaluation]:
    """The scorer returns self-assessments to their authors with one reason, all or none."""
    reason = (reason or "").strip()
    if not reason:
        _fail("reason", _("Ghi rõ lý do trả lại."))
    rows = _many(evaluations)
    if not rows:
        return rows
    _heads_may_edit(by, rows)
    if any(_under_review(row) for row in rows):
        _fail("evaluations", _("Phiếu đang được xem xét lại: người chấm sửa, không trả lại."))
    for row in rows:
        if row.state not in (EvaluationState.SELF_SUBMITTED, EvaluationState.SCORED):
            _fail(
                "evaluations",
                _("Phiếu của %(name)s chưa gửi tự đánh giá.") % {"name": row.employee.full_name},
            )
    for row in rows:
        row.state = EvaluationState.DRAFT
        row.return_reason = reason
        row.revision += 1
    bulk_update_with_history(
        rows,
        models.Evaluation,
        ["state", "return_reason", "revision"],
        default_user=by,
        default_change_reason=_change_reason(_("Trả lại tự đánh giá"), reason),
    )
    notifications.notify_many(
        [
            notifications.Message(
                user_id=row.employee.user_id,
                kind="self_assessment_returned",
                title=_("Phiếu tự đánh giá %(period)s bị trả lại") % {"period": row.period},
                body=reason,
                dedupe_key=f"evaluation:{row.pk}:returned:{row.revision}",
            )
            for row in rows
            if row.employee.user_id
        ]
    )
    return rows
