"""Units and the agency: a unit's submission, the agency leader's approval, return
and sign-off."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from evaluation import bulk_writes, models, notifications
from evaluation.models import (
    EvaluationState,
    PeriodState,
    UnitPeriodState,
)
from hrsystem import clock, permissions
from hrsystem import selectors as hr_selectors
from hrsystem.service_checks import require, save

from .common import (
    _change_reason,
    _fail,
    _locked_period,
    _on,
    _period_states,
    _recompute_after,
    _transition,
)


def _locked_unit_periods(unit_periods) -> list[models.UnitPeriod]:
    """The unit periods locked for update after their period (see `_lock_in_order`)."""
    ids = [u.pk for u in unit_periods]
    periods = set(models.UnitPeriod.objects.filter(pk__in=ids).values_list("period_id", flat=True))
    if len(periods) == 1:
        list(models.Period.objects.select_for_update().filter(pk__in=periods).values_list("pk"))
    rows = list(
        models.UnitPeriod.objects.select_for_update(of=("self",))
        .select_related("period", "period__organisation", "unit")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    if not rows or len(rows) != len(set(ids)):
        _fail("unit_periods", _("Chọn ít nhất một đơn vị hợp lệ."))
    if len({row.period_id for row in rows}) > 1:
        _fail("unit_periods", _("Chỉ thao tác hàng loạt trong cùng một kỳ đánh giá."))
    return rows


@transaction.atomic
def unit_submit(*, unit_period: models.UnitPeriod, by) -> models.UnitPeriod:
    """The unit's head submits its period once every rated staff member is scored.

    The head's own evaluation is scored by their superior and does not hold this up.
    The last unit to submit moves the period to "submitted" for the agency leader.
    """
    (row,) = _locked_unit_periods([unit_period])
    period = row.period
    _period_states(period, (PeriodState.SCORING,))
    require(permissions.can_approve_unit(by, row.unit, _on(period)))
    if row.state not in (UnitPeriodState.DRAFT, UnitPeriodState.RETURNED):
        _fail("state", _("Đơn vị đã gửi kết quả kỳ này."))
    waiting = list(
        models.Evaluation.objects.filter(
            period=period, unit=row.unit, is_current=True, is_head=False, not_rated=False
        )
        .exclude(state=EvaluationState.SCORED)
        .order_by("employee__sort_key")
        .values_list("employee__full_name", flat=True)
    )
    if waiting:
        _fail("state", _("Chưa chấm điểm: %(names)s.") % {"names": ", ".join(waiting)})
    row.state = UnitPeriodState.SUBMITTED
    row.submitted_by = by
    row.submitted_at = clock.now()
    save(row, by)
    pending = models.UnitPeriod.objects.filter(period=period).exclude(
        state__in=[UnitPeriodState.SUBMITTED, UnitPeriodState.APPROVED]
    )
    if not pending.exists():
        _transition(_locked_period(period), PeriodState.SUBMITTED, by)
    return row


def _agency_leader_only(by, period) -> None:
    require(permissions.can_sign_off(by, period.organisation, _on(period)))


@transaction.atomic
def unit_approve(*, unit_periods, by) -> list[models.UnitPeriod]:
    """The agency leader approves submitted units' periods, all or none."""
    rows = _locked_unit_periods(unit_periods)
    period = rows[0].period
    _period_states(period, (PeriodState.SCORING, PeriodState.SUBMITTED))
    _agency_leader_only(by, period)
    for row in rows:
        if row.state != UnitPeriodState.SUBMITTED:
            _fail("unit_periods", _("%(unit)s chưa gửi kết quả.") % {"unit": row.unit.name})
    now = clock.now()
    for row in rows:
        row.state, row.approved_by, row.approved_at = UnitPeriodState.APPROVED, by, now
    bulk_update_with_history(
        rows,
        models.UnitPeriod,
        ["state", "approved_by", "approved_at"],
        default_user=by,
        default_change_reason=_change_reason(_("Phê duyệt kết quả đơn vị")),
    )
    return rows


@transaction.atomic
def unit_return(*, unit_periods, reason: str, by) -> list[models.UnitPeriod]:
    """The agency leader returns units' periods to their heads with one written reason.

    The period goes back to scoring; each unit's leader is notified.
    """
    reason = (reason or "").strip()
    if not reason:
        _fail("reason", _("Ghi rõ lý do trả lại."))
    rows = _locked_unit_periods(unit_periods)
    period = _locked_period(rows[0].period)
    _period_states(period, (PeriodState.SCORING, PeriodState.SUBMITTED))
    _agency_leader_only(by, period)
    for row in rows:
        if row.state not in (UnitPeriodState.SUBMITTED, UnitPeriodState.APPROVED):
            _fail("unit_periods", _("%(unit)s chưa gửi kết quả.") % {"unit": row.unit.name})
    now = clock.now()
    for row in rows:
        row.state, row.returned_by, row.returned_at, row.return_reason = (
            UnitPeriodState.RETURNED,
            by,
            now,
            reason,
        )
        row.approved_by, row.approved_at = None, None
    bulk_update_with_history(
        rows,
        models.UnitPeriod,
        ["state", "returned_by", "returned_at", "return_reason", "approved_by", "approved_at"],
        default_user=by,
        default_change_reason=_change_reason(_("Trả lại kết quả đơn vị"), reason),
    )
    if period.state == PeriodState.SUBMITTED:
        period.state = PeriodState.SCORING
        save(period, by)
    leaders = hr_selectors.leader_posts_on([row.unit_id for row in rows], on=_on(period))
    notifications.notify_many(
        [
            notifications.Message(
                user_id=leaders[row.unit_id].employee.user_id,
                kind="unit_returned",
                title=_("Kết quả %(period)s của %(unit)s bị trả lại")
                % {"period": period, "unit": row.unit.name},
                body=reason,
                url=reverse("evaluation:scoring", args=[period.pk]) + f"?unit={row.unit_id}",
                dedupe_key=f"unit_period:{row.pk}:returned:{now.isoformat()}",
            )
            for row in rows
            if row.unit_id in leaders and leaders[row.unit_id].employee.user_id
        ]
    )
    return rows


@transaction.atomic
def period_sign_off(*, period: models.Period, by, rescore=None) -> models.Period:
    """The agency leader signs off the period: every unit submitted, all approved at once.

    The results are re-scored before the state moves: the whole agency, or with
    `rescore` (unit ids) only their scope, for a caller that has just re-scored the rest
    (the sign-off job's subtrees, `evaluation.jobs`)."""
    period = _locked_period(period)
    _agency_leader_only(by, period)
    _period_states(period, (PeriodState.SUBMITTED,))
    units = list(models.UnitPeriod.objects.select_for_update().filter(period=period))
    pending = [
        u for u in units if u.state not in (UnitPeriodState.SUBMITTED, UnitPeriodState.APPROVED)
    ]
    if pending:
        _fail("state", _("Còn %(n)s đơn vị chưa gửi kết quả.") % {"n": len(pending)})
    unscored = models.Evaluation.objects.filter(
        period=period, is_current=True, not_rated=False
    ).exclude(state=EvaluationState.SCORED)
    names = list(
        unscored.order_by("employee__sort_key").values_list("employee__full_name", flat=True)[:10]
    )
    if names:
        _fail("state", _("Chưa chấm điểm: %(names)s.") % {"names": ", ".join(names)})
    now = clock.now()
    bulk_writes.jit_off()
    models.UnitPeriod.objects.filter(period=period, state=UnitPeriodState.SUBMITTED).update(
        state=UnitPeriodState.APPROVED, approved_by=by, approved_at=now
    )
    bulk_writes.copy_to_history(
        models.UnitPeriod.objects.filter(period=period),
        by=by,
        reason=_change_reason(_("Ký duyệt kỳ đánh giá")),
    )
    _recompute_after(period, by, rescore)
    return _transition(period, PeriodState.SIGNED_OFF, by, signed_off_by=by, signed_off_at=now)
