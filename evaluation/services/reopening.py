"""Reopening one unit's, or one person's, published month for correction, and publishing
it again: the rest of the agency keeps its results, the people the correction may move
see their published figures until the new ones are published."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from evaluation import bulk_writes, models, notifications, selectors
from evaluation.models import EvaluationState, PeriodState, UnitPeriodState
from hrsystem import clock, permissions
from hrsystem import selectors as hr_selectors
from hrsystem.service_checks import require, save

from .common import (
    _change_reason,
    _fail,
    _locked_period,
    _on,
)

logger = logging.getLogger(__name__)

REVIEWABLE = (PeriodState.PUBLISHED, PeriodState.LOCKED)


def _reviewable(period: models.Period) -> None:
    if period.state not in REVIEWABLE:
        _fail("state", _("Chỉ mở lại một đơn vị hay một người của kỳ đã công bố hoặc đã khoá."))


@transaction.atomic
def reopening_open(
    *,
    period: models.Period,
    reason: str,
    by,
    unit=None,
    evaluation: models.Evaluation | None = None,
) -> models.PeriodReopening:
    """Reopen one unit (`unit`) or one person (`evaluation`, e.g. for an appeal) of a
    published or locked month (HR officer, written reason, audited).

    The period keeps its state and everyone else their result. The reopened people's
    evaluations go back to "scored" for their scorers to correct; the unit (unless the
    one person is its head) goes back to its head with the reason, to be submitted again.
    The published figures of everyone the re-score may move
    (`selectors.reopening_scope`) are kept and shown until `reopening_publish`. They are
    told, and so is whoever corrects.
    """
    period = _locked_period(period)
    require(permissions.can_manage_org(by, period.organisation))
    _reviewable(period)
    reason = (reason or "").strip()
    if not reason:
        _fail("reason", _("Ghi rõ lý do mở lại."))
    if (unit is None) == (evaluation is None):
        _fail("scope", _("Chọn một đơn vị hoặc một người để mở lại."))
    if evaluation is not None:
        evaluation = models.Evaluation.objects.select_related("unit", "employee").get(
            pk=evaluation.pk
        )
        if evaluation.period_id != period.pk or not evaluation.is_current:
            _fail("evaluation", _("Phiếu này không phải phiếu hiện hành của kỳ."))
    elif unit.organisation_id != period.organisation_id:
        _fail("unit", _("Đơn vị không thuộc cơ quan của kỳ này."))
    scope = selectors.reopening_scope(period=period, unit=unit, evaluation=evaluation)
    if not scope.editable:
        _fail("unit", _("Đơn vị không có ai được đánh giá trong kỳ này."))
    open_ids = {
        pk
        for reopening in models.PeriodReopening.objects.filter(
            period=period, closed_at__isnull=True
        )
        for pk in reopening.reopened_ids
    }
    busy = [row.employee.full_name for row in scope.editable if row.pk in open_ids]
    if busy:
        _fail(
            "scope",
            _("Đang xem xét lại kết quả của: %(names)s.") % {"names": ", ".join(busy)},
        )
    reopening = models.PeriodReopening(
        period=period,
        unit=scope.unit if evaluation is None else None,
        evaluation=evaluation,
        reason=reason,
        by=by,
        state_before=period.state,
        state_after=period.state,
        reopened_ids=[row.pk for row in scope.editable],
        published=scope.published(),
    )
    save(reopening, by)
    change_reason = _change_reason(_("Mở lại để xem xét"), reason)
    bulk_writes.move_rows(
        models.Evaluation.objects.filter(pk__in=reopening.reopened_ids),
        by=by,
        reason=change_reason,
        state=EvaluationState.SCORED,
        revision=F("revision") + 1,
    )
    if scope.returns_unit:
        bulk_writes.move_rows(
            models.UnitPeriod.objects.filter(period=period, unit=scope.unit),
            by=by,
            reason=change_reason,
            state=UnitPeriodState.RETURNED,
            return_reason=reason,
            returned_by=by,
            returned_at=clock.now(),
        )
    _tell_reopened(reopening, scope)
    logger.warning("period %s reopened for %s by %s: %s", period, scope.unit, by, reason)
    return reopening


def _tell_reopened(reopening: models.PeriodReopening, scope) -> None:
    """The people reopened, those whose result may move, and who corrects (the unit's
    leader, or the one person's scorer); 1 query + the send."""
    period = reopening.period
    key = f"reopening:{reopening.pk}"
    messages = []
    for row in scope.editable:
        messages.append(
            notifications.Message(
                user_id=row.employee.user_id,
                kind="result_reviewed",
                title=_("Kết quả %(period)s của bạn đang được xem xét lại") % {"period": period},
                body=_("Lý do: %(reason)s. Kết quả đã công bố vẫn giữ đến khi công bố lại.")
                % {"reason": reopening.reason},
                url=reverse("evaluation:result_detail", args=[row.pk]),
                dedupe_key=f"{key}:reopened",
            )
        )
    for row in scope.may_change:
        messages.append(
            notifications.Message(
                user_id=row.employee.user_id,
                kind="result_may_change",
                title=_("Kết quả %(period)s của bạn có thể thay đổi") % {"period": period},
                body=_(
                    "Kết quả của %(unit)s đang được xem xét lại (%(reason)s); kết quả của bạn "
                    "có thể thay đổi theo khi công bố lại."
                )
                % {"unit": scope.unit.name, "reason": reopening.reason},
                url=reverse("evaluation:result_detail", args=[row.pk]),
                dedupe_key=f"{key}:may_change",
            )
        )
    on = _on(period)
    correctors = [  # the head of a unit reopened is scored by their superior
        hr_selectors.superior_of(row.employee, on=on)
        for row in scope.editable
        if row.is_head and not row.not_rated
    ]
    if scope.returns_unit:
        correctors.append(hr_selectors.unit_leader(scope.unit, on=on))
    for corrector in filter(None, correctors):
        messages.append(
            notifications.Message(
                user_id=corrector.user_id,
                kind="unit_returned",
                title=_("Mở lại kết quả %(period)s để sửa: %(what)s")
                % {
                    "period": period,
                    "what": scope.evaluation.employee.full_name
                    if scope.evaluation is not None
                    else scope.unit.name,
                },
                body=reopening.reason,
                url=reverse("evaluation:scoring", args=[period.pk]) + f"?unit={scope.unit.pk}",
                dedupe_key=f"{key}:correct",
            )
        )
    leader = hr_selectors.agency_leader(period.organisation, on=on)
    if leader is not None:
        messages.append(
            notifications.Message(
                user_id=leader.user_id,
                kind="reopened",
                title=_("Mở lại kết quả %(period)s: %(what)s")
                % {"period": period, "what": scope.unit.name},
                body=_("%(reason)s. Công bố lại sau khi đơn vị sửa và gửi lại.")
                % {"reason": reopening.reason},
                url=reverse("evaluation:reopening", args=[reopening.pk]),
                dedupe_key=f"{key}:leader",
            )
        )
    notifications.notify_many([m for m in messages if m.user_id])


@transaction.atomic
def reopening_publish(*, reopening: models.PeriodReopening, by) -> models.PeriodReopening:
    """Publish the corrected results of a unit's or a person's reopening again (the agency
    leader or HR): every reopened person scored and, when the unit went back to its head,
    the unit submitted again. The people go back to the period's published (or locked)
    state, the unit to approved; the kept figures stop showing; everyone whose published
    result changed, and everyone reopened, is told."""
    period = _locked_period(reopening.period)
    reopening = models.PeriodReopening.objects.select_for_update().get(pk=reopening.pk)
    require(
        permissions.can_sign_off(by, period.organisation, _on(period))
        or permissions.can_manage_org(by, period.organisation)
    )
    if not reopening.is_open:
        _fail("state", _("Lần mở lại này đã được công bố lại."))
    rows = list(
        models.Evaluation.objects.filter(pk__in=reopening.reopened_ids).select_related("employee")
    )
    waiting = [row.employee.full_name for row in rows if row.state != EvaluationState.SCORED]
    if waiting:
        _fail("state", _("Chưa chấm lại: %(names)s.") % {"names": ", ".join(waiting)})
    unit_id = reopening.unit_id or rows[0].unit_id
    unit_period = models.UnitPeriod.objects.get(period=period, unit_id=unit_id)
    if unit_period.state in (UnitPeriodState.DRAFT, UnitPeriodState.RETURNED):
        _fail(
            "state",
            _("%(unit)s chưa gửi lại kết quả sau khi sửa.") % {"unit": unit_period.unit.name},
        )
    change_reason = _change_reason(_("Công bố lại sau khi xem xét"), reopening.reason)
    final = (
        EvaluationState.LOCKED if period.state == PeriodState.LOCKED else EvaluationState.PUBLISHED
    )
    bulk_writes.move_rows(
        models.Evaluation.objects.filter(pk__in=reopening.reopened_ids),
        by=by,
        reason=change_reason,
        state=final,
        revision=F("revision") + 1,
    )
    if unit_period.state == UnitPeriodState.SUBMITTED:
        bulk_writes.move_rows(
            models.UnitPeriod.objects.filter(pk=unit_period.pk),
            by=by,
            reason=change_reason,
            state=UnitPeriodState.APPROVED,
            approved_by=by,
            approved_at=clock.now(),
        )
    reopening.closed_by, reopening.closed_at = by, clock.now()
    save(reopening, by)
    _tell_published_again(reopening)
    return reopening


def _tell_published_again(reopening: models.PeriodReopening) -> None:
    """Everyone reopened, and everyone whose published figures moved; 1 query + the send."""
    reopened = set(reopening.reopened_ids)
    rows = models.Evaluation.objects.filter(
        pk__in=[int(key) for key in reopening.published]
    ).values("pk", "employee__user_id", *selectors.REVIEW_FIGURES)
    messages = []
    for row in rows:
        before = reopening.published[str(row["pk"])]
        moved = any(
            before[name] != ("" if row[name] is None else str(row[name]))
            for name in selectors.REVIEW_FIGURES
        )
        if row["pk"] in reopened or moved:
            messages.append(
                notifications.Message(
                    user_id=row["employee__user_id"],
                    kind="result_republished",
                    title=_("Đã công bố lại kết quả %(period)s") % {"period": reopening.period},
                    body=_("Kết quả của bạn đã thay đổi sau khi xem xét lại.")
                    if moved
                    else _("Kết quả của bạn không thay đổi sau khi xem xét lại."),
                    url=reverse("evaluation:result_detail", args=[row["pk"]]),
                    dedupe_key=f"reopening:{reopening.pk}:published",
                )
            )
    notifications.notify_many([m for m in messages if m.user_id])
