"""The ledger's events told to the people they concern, through the inbox and the
notification channels (`discipline.signals` → `evaluation.notifications`); connected in
`EvaluationConfig.ready`."""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from evaluation import notifications
from hrsystem import clock
from hrsystem import selectors as hr_selectors


def _concerned_user_id(violation) -> int | None:
    """The login of the person a violation is against, or of the unit's leader today."""
    if violation.employee_id is not None:
        return violation.employee.user_id
    leader = hr_selectors.unit_leader(violation.target_unit, on=clock.today())
    return leader.user_id if leader is not None else None


def violation_recorded(sender, *, violation, **kwargs) -> None:
    """Tell the person (or the unit's leader) what was recorded and until when to contest."""
    user_id = _concerned_user_id(violation)
    if user_id is None:
        return
    notifications.notify(
        user_id=user_id,
        kind="violation_recorded",
        title=_("Vi phạm được ghi nhận: %(item)s") % {"item": violation.item.description},
        body=_("Trừ %(points)s điểm, ngày %(day)s. Có thể khiếu nại đến hết ngày %(due)s.")
        % {
            "points": violation.points,
            "day": date_format(violation.occurred_on, "SHORT_DATE_FORMAT"),
            "due": date_format(violation.contest_deadline, "SHORT_DATE_FORMAT"),
        },
        url=reverse("discipline:violation_detail", args=[violation.pk]),
        dedupe_key=f"violation:{violation.pk}:recorded",
    )


def contest_decided(sender, *, violation, **kwargs) -> None:
    """Tell whoever may contest the violation how their contest was decided, and why."""
    user_id = _concerned_user_id(violation)
    if user_id is None:
        return
    notifications.notify(
        user_id=user_id,
        kind="contest_decided",
        title=_("Khiếu nại vi phạm đã được giải quyết: %(outcome)s")
        % {"outcome": violation.get_status_display()},
        body=violation.decision_reason,
        url=reverse("discipline:violation_detail", args=[violation.pk]),
        dedupe_key=f"violation:{violation.pk}:decided",
    )
