"""Checks and steps the evaluation services share: locks, revisions, states, numbers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from evaluation import models, notifications
from evaluation.adapters import period_recompute
from evaluation.models import (
    PERIOD_FLOW,
    PeriodState,
    UnitPeriodState,
)
from hrsystem import clock, permissions
from hrsystem.service_checks import require, save


class ConflictError(ValidationError):
    """The record changed since the form was rendered (someone else saved first)."""


def _on(period: models.Period) -> date:
    """The date whose posts and assignments decide rights over `period`: its end, or today
    while it runs."""
    return min(period.end, clock.today())


def _fail(field: str, message) -> None:
    raise ValidationError({field: message})


def _change_reason(action: str, written: str = "") -> str:
    """The history rows' change reason of a bulk action: the action, then the reason the
    person wrote, cut to the column's length (the full text stays in the row's own field)."""
    column = models.Evaluation.history.model._meta.get_field("history_change_reason")
    return Truncator(f"{action}: {written}" if written else action).chars(column.max_length)


def _under_review(evaluation: models.Evaluation) -> bool:
    """The evaluation was put back to be corrected by a unit's or a person's reopening of
    its published or locked month (`services.reopening_open`, the only way an evaluation
    of such a month leaves the published and locked states): its scorer may correct it
    whatever the period's step."""
    published = (PeriodState.PUBLISHED, PeriodState.LOCKED)
    return evaluation.period.state in published and evaluation.state not in published


def _editable_states(evaluation: models.Evaluation, allowed) -> None:
    """`_period_states` for a scorer's change to `evaluation`, which a reopening lifts."""
    if not _under_review(evaluation):
        _period_states(evaluation.period, allowed)


def _period_states(period: models.Period, allowed, field: str = "period") -> None:
    if period.state == PeriodState.LOCKED:
        _fail(field, _("Kỳ đánh giá đã khoá: không thể thay đổi."))
    if period.state not in allowed:
        _fail(
            field,
            _("Không thể thực hiện khi kỳ đánh giá đang ở trạng thái “%(state)s”.")
            % {"state": period.get_state_display()},
        )


def _lock_in_order(period_id: int, unit_ids: Iterable[int]) -> None:
    """Lock the period row, then the units' period rows, as every write of the month does
    before it locks evaluations: period → unit periods (by id) → evaluations (by id).

    One order everywhere, so a save and a unit's submission never interleave (the
    submission waits for the save, or the save sees the unit submitted) and two writes
    never wait on each other in a circle; 2 queries. A no-op on SQLite, whose writes
    already run one at a time.
    """
    list(models.Period.objects.select_for_update().filter(pk=period_id).values_list("pk"))
    list(
        models.UnitPeriod.objects.select_for_update()
        .filter(period=period_id, unit__in=set(unit_ids))
        .order_by("pk")
        .values_list("pk")
    )


def _locked_evaluation(evaluation: models.Evaluation, revision: int | None):
    """The evaluation row locked for update (after its period and unit period, see
    `_lock_in_order`), with its period; checks the revision."""
    _lock_in_order(evaluation.period_id, [evaluation.unit_id])
    row = (
        models.Evaluation.objects.select_for_update(of=("self",))
        .select_related("period", "employee", "unit")
        .get(pk=evaluation.pk)
    )
    if not row.is_current:
        _fail(
            "evaluation", _("Đây là phiên bản cũ của phiếu đánh giá; hãy mở phiên bản hiện hành.")
        )
    if revision is not None and revision != row.revision:
        raise ConflictError(
            _(
                "Phiếu của %(name)s đã được người khác sửa sau khi bạn mở trang (lần sửa "
                "%(theirs)s, bạn đang sửa lần %(yours)s). Không có gì được lưu: hãy tải lại "
                "trang để xem thay đổi mới nhất rồi nhập lại."
            )
            % {"name": row.employee.full_name, "theirs": row.revision, "yours": revision},
            code="conflict",
        )
    return row


def _bump(evaluation: models.Evaluation, by, fields: Iterable[str] = ()) -> None:
    evaluation.revision += 1
    save(evaluation, by, update_fields=["revision", *fields])


def _is_own(by, evaluation: models.Evaluation) -> bool:
    return evaluation.employee.user_id is not None and evaluation.employee.user_id == by.pk


def _decimal(value, field: str) -> Decimal:
    if isinstance(value, float):
        _fail(field, _("Giá trị phải là số thập phân chính xác."))
    try:
        number = Decimal(str(value).replace(",", ".")) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        _fail(field, _("“%(value)s” không phải là một số.") % {"value": value})
    return number


def _whole(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        _fail(field, _("Phải là số nguyên không âm."))
    return value


def _criteria(evaluation: models.Evaluation) -> list:
    return evaluation.rule_set_snapshot["general_criteria"]


def _criterion_scores(evaluation, scores: dict, field: str) -> dict[int, Decimal]:
    """`scores` (criterion index → value) checked against the snapshot's maxima in Decimal."""
    criteria = _criteria(evaluation)
    cleaned, errors = {}, {}
    for index, value in scores.items():
        name = f"{field}[{index}]"
        if not isinstance(index, int) or not 0 <= index < len(criteria):
            errors[name] = _("Không có tiêu chí số %(index)s.") % {"index": index}
            continue
        try:
            number = _decimal(value, name)
        except ValidationError as error:
            errors.update(error.message_dict)
            continue
        maximum = Decimal(criteria[index]["max_points"])
        if number < 0 or number > maximum:
            errors[name] = _(
                "Tiêu chí “%(name)s”: điểm phải từ 0 đến %(max)s, không phải %(value)s."
            ) % {
                "name": criteria[index]["name"],
                "max": maximum,
                "value": number,
            }
        elif number != number.quantize(Decimal("0.01")):
            errors[name] = _("Điểm chỉ có tối đa 2 chữ số thập phân.")
        else:
            cleaned[index] = number
    if errors:
        raise ValidationError(errors)
    return cleaned


def _store_criteria(evaluation, values: dict[int, Decimal], column: str, by) -> None:
    rows = list(
        models.CriterionScore.objects.select_for_update().filter(
            evaluation=evaluation, criterion_index__in=list(values)
        )
    )
    for row in rows:
        setattr(row, column, values[row.criterion_index])
    if rows:
        bulk_update_with_history(rows, models.CriterionScore, [column], default_user=by)


def _item_of(item: models.WorkItem, evaluation_id: int | None = None) -> models.WorkItem:
    row = models.WorkItem.objects.select_for_update().get(pk=item.pk)
    if evaluation_id is not None and row.evaluation_id != evaluation_id:
        raise PermissionDenied(_("Sản phẩm này không thuộc phiếu đánh giá đang sửa."))
    return row


def _scorer(by, evaluation) -> None:
    """Refuse unless `by` may score this evaluation's person over its period."""
    require(permissions.can_score(by, evaluation.employee, _on(evaluation.period)))


def _unit_open_for_head(evaluation) -> None:
    """Refuse changes to a staff member's evaluation once their unit has submitted.

    A head's own evaluation is scored by their superior and is not part of the unit's
    submission: it stays open until the period is signed off.
    """
    if evaluation.is_head:
        return
    state = (
        models.UnitPeriod.objects.filter(period=evaluation.period_id, unit=evaluation.unit_id)
        .values_list("state", flat=True)
        .first()
    )
    if state in (UnitPeriodState.SUBMITTED, UnitPeriodState.APPROVED):
        _fail(
            "unit",
            _("Đơn vị đã gửi kết quả kỳ này: chỉ sửa được khi lãnh đạo cơ quan trả lại."),
        )


NEXT_STATE = dict(zip(PERIOD_FLOW, PERIOD_FLOW[1:], strict=False))


def _transition(period: models.Period, to: str, by, **fields) -> models.Period:
    if period.state == PeriodState.LOCKED:
        _fail("state", _("Kỳ đánh giá đã khoá: chỉ cán bộ tổ chức mở lại được, có ghi lý do."))
    if NEXT_STATE.get(period.state) != to:
        _fail(
            "state",
            _("Không thể chuyển kỳ từ “%(from)s” sang “%(to)s”.")
            % {"from": period.get_state_display(), "to": PeriodState(to).label},
        )
    period.state = to
    for name, value in fields.items():
        setattr(period, name, value)
    save(period, by)
    return period


def _locked_period(period: models.Period) -> models.Period:
    return (
        models.Period.objects.select_for_update().select_related("organisation").get(pk=period.pk)
    )


def _notify_everyone(
    period: models.Period, *, kind: str, title: str, body: str, key: str, rated_only=False
) -> None:
    """One message to every person of the period with a login (only those rated, if
    `rated_only`); 1 query + the send."""
    users = models.Evaluation.objects.filter(
        period=period, is_current=True, employee__user__isnull=False
    )
    if rated_only:
        users = users.filter(not_rated=False)
    notifications.notify_many(
        [
            notifications.Message(
                user_id=user_id, kind=kind, title=title, body=body, dedupe_key=key
            )
            for user_id in users.values_list("employee__user_id", flat=True)
        ]
    )


EMPLOYEE_STATES = (PeriodState.OPEN, PeriodState.SELF_ASSESSMENT, PeriodState.SCORING)


HEAD_STATES = (PeriodState.SELF_ASSESSMENT, PeriodState.SCORING)


def _recompute_after(period: models.Period, by, units=None) -> None:
    """Re-score what a scoring write can move (see `adapters.period_recompute`).

    With `units` (the ids of the units whose people changed) only those units, their
    ancestors and their people: a head's `d` reads every level beneath them, a head is
    capped by the unit's level and the quota counts the unit's people, so one change
    moves results up its chain and nowhere else; without, the whole agency. Reads are
    constant and only changed rows are written.
    """
    period_recompute(period=period, by=by, units=units)
