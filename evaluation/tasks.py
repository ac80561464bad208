"""Background jobs of the monthly cycle (Celery; run daily by beat, see settings).

`send_deadline_reminders` reminds whoever must act before each deadline of every running
period and, once a deadline has passed, tells their superior (the same person
`hrsystem.selectors.superior_of` names, resolved for the whole agency at once). Each
message has a dedupe key, so running the task twice a day sends nothing new.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date

from celery import shared_task
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from evaluation import models, notifications
from evaluation.models import EvaluationState, PeriodState, UnitPeriodState
from evaluation.selectors import ACTIVE_STATES, DONE_STATES, SCORING_STATES, rights_day
from hrsystem import clock
from hrsystem import selectors as hr_selectors
from hrsystem.models import Unit
from hrsystem.vietnamese import name_sort_key

logger = logging.getLogger(__name__)

REMIND_DAYS_BEFORE = 2
"""Default days before a deadline when the reminder goes out (setting
`EVALUATION_REMIND_DAYS_BEFORE` overrides it)."""


class Chain:
    """Leaders of an agency's units on one day, and who is whose superior."""

    def __init__(self, organisation, on: date):
        units = Unit.objects.filter(organisation=organisation).values_list("id", "parent_id")
        self.parent = dict(units)
        posts = hr_selectors.leader_posts_on(self.parent, on=on)
        self.leader = {unit_id: post.employee for unit_id, post in posts.items()}
        self.led = {}
        for unit_id, employee in self.leader.items():
            self.led.setdefault(employee.pk, unit_id)

    def _up_from(self, unit_id, employee_id):
        while unit_id is not None:
            leader = self.leader.get(unit_id)
            if leader is not None and leader.pk != employee_id:
                return leader
            unit_id = self.parent.get(unit_id)
        return None

    def superior(self, employee_id: int, unit_id: int):
        """The employee's superior: their unit's leader, or for a leader the one above."""
        led = self.led.get(employee_id)
        if led is not None:
            return self._up_from(self.parent.get(led), employee_id)
        return self._up_from(unit_id, employee_id)


def _when(due: date, today: date, before: int) -> str | None:
    if today > due:
        return "escalate"
    if (due - today).days <= before:
        return "remind"
    return None


def _d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def reminders_for(period: models.Period, today: date, before: int) -> list[notifications.Message]:
    """The reminders and escalations due today for `period`; 5 queries."""
    chain = Chain(period.organisation, rights_day(period, today))
    messages: list[notifications.Message] = []
    key = f"period:{period.pk}"
    my_month = reverse("evaluation:my_month")
    scoring = reverse("evaluation:scoring", args=[period.pk])
    completeness = reverse("evaluation:completeness", args=[period.pk])
    overview = reverse("evaluation:overview", args=[period.pk])
    evaluations = list(
        models.Evaluation.objects.filter(
            period=period, is_current=True, not_rated=False, absent=False
        ).values_list("employee_id", "employee__user_id", "employee__full_name", "unit_id", "state")
    )

    def escalate(groups, step: str, due: date, what):
        for superior, names in groups.items():
            if superior.user_id:
                messages.append(
                    notifications.Message(
                        user_id=superior.user_id,
                        kind=f"{step}_overdue",
                        title=what % {"period": period, "due": _d(due)},
                        body=", ".join(sorted(names, key=name_sort_key)),
                        url=completeness,
                        dedupe_key=f"{key}:{step}:{due}:escalate",
                    )
                )

    if period.state in (PeriodState.OPEN, *SCORING_STATES):
        due = period.self_assessment_due
        when = _when(due, today, before)
        late = [row for row in evaluations if row[4] == EvaluationState.DRAFT]
        if when == "remind":
            for _employee, user_id, _name, _unit, _state in late:
                if user_id:
                    messages.append(
                        notifications.Message(
                            user_id=user_id,
                            kind="self_assessment_due",
                            title=_("Hạn tự đánh giá %(period)s: %(due)s")
                            % {"period": period, "due": _d(due)},
                            body=_("Hãy kê khai kết quả công việc và gửi phiếu tự đánh giá."),
                            url=my_month,
                            dedupe_key=f"{key}:self_assessment:{due}:remind",
                        )
                    )
        elif when == "escalate":
            groups = defaultdict(list)
            for employee_id, _user, name, unit_id, _state in late:
                superior = chain.superior(employee_id, unit_id)
                if superior is not None:
                    groups[superior].append(name)
            escalate(
                groups,
                "self_assessment",
                due,
                _("Quá hạn tự đánh giá %(period)s (%(due)s): những người chưa gửi"),
            )

    if period.state in SCORING_STATES:
        due = period.scoring_due
        when = _when(due, today, before)
        scorers = defaultdict(list)
        for employee_id, _user, name, unit_id, state in evaluations:
            if state not in DONE_STATES:
                scorer = chain.superior(employee_id, unit_id)
                if scorer is not None:
                    scorers[scorer].append(name)
        if when == "remind":
            for scorer, names in scorers.items():
                if scorer.user_id:
                    messages.append(
                        notifications.Message(
                            user_id=scorer.user_id,
                            kind="scoring_due",
                            title=_("Hạn chấm điểm %(period)s: %(due)s (%(n)s người)")
                            % {"period": period, "due": _d(due), "n": len(names)},
                            body=", ".join(sorted(names, key=name_sort_key)),
                            url=scoring,
                            dedupe_key=f"{key}:scoring:{due}:remind",
                        )
                    )
        elif when == "escalate":
            groups = defaultdict(list)
            for scorer, names in scorers.items():
                above = chain.superior(scorer.pk, None)
                if above is not None:
                    groups[above].append(f"{scorer.full_name} ({len(names)})")
            escalate(groups, "scoring", due, _("Quá hạn chấm điểm %(period)s (%(due)s)"))

    if period.state == PeriodState.SCORING:
        due = period.unit_submission_due
        when = _when(due, today, before)
        pending = models.UnitPeriod.objects.filter(
            period=period, state__in=(UnitPeriodState.DRAFT, UnitPeriodState.RETURNED)
        ).values_list("unit_id", "unit__name")
        groups = defaultdict(list)
        for unit_id, name in pending:
            leader = chain.leader.get(unit_id)
            if leader is None:
                continue
            if when == "remind" and leader.user_id:
                messages.append(
                    notifications.Message(
                        user_id=leader.user_id,
                        kind="unit_submission_due",
                        title=_("Hạn gửi kết quả %(period)s của %(unit)s: %(due)s")
                        % {"period": period, "unit": name, "due": _d(due)},
                        url=f"{scoring}?unit={unit_id}",
                        dedupe_key=f"{key}:unit:{unit_id}:{due}:remind",
                    )
                )
            elif when == "escalate":
                above = chain.superior(leader.pk, unit_id)
                if above is not None:
                    groups[above].append(name)
        escalate(groups, "unit_submission", due, _("Quá hạn gửi kết quả %(period)s (%(due)s)"))

    if period.state in (PeriodState.SCORING, PeriodState.SUBMITTED):
        due = period.sign_off_due
        when = _when(due, today, before)
        root = next((u for u, parent in chain.parent.items() if parent is None), None)
        leader = chain.leader.get(root)
        if when and leader is not None and leader.user_id:
            messages.append(
                notifications.Message(
                    user_id=leader.user_id,
                    kind=f"sign_off_{'due' if when == 'remind' else 'overdue'}",
                    title=_("Hạn phê duyệt kết quả %(period)s: %(due)s")
                    % {"period": period, "due": _d(due)},
                    url=overview,
                    dedupe_key=f"{key}:sign_off:{due}:{when}",
                )
            )
    return messages


@shared_task
def send_deadline_reminders(today: str | None = None) -> int:
    """Send today's reminders and escalations for every running period; the count sent."""
    day = date.fromisoformat(today) if today else clock.today()
    before = getattr(settings, "EVALUATION_REMIND_DAYS_BEFORE", REMIND_DAYS_BEFORE)
    sent = 0
    for period in models.Period.objects.filter(state__in=ACTIVE_STATES).select_related(
        "organisation"
    ):
        sent += len(notifications.notify_many(reminders_for(period, day, before)))
    logger.info("deadline reminders for %s: %d sent", day, sent)
    return sent
