"""The agency leader's pages: the overview with units to approve or return, the
period's steps, and the completeness board."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from discipline import selectors as discipline_selectors
from evaluation import forms, presenters, selectors, services
from evaluation.models import (
    Appeal,
    AppealState,
    Evaluation,
    EvaluationState,
    Period,
    PeriodState,
    UnitPeriod,
)
from evaluation.presenters import level_label
from evaluation.rulesets import rule_set_from_snapshot
from hrsystem import clock, permissions
from hrsystem.forms import whole_number
from hrsystem.models import JobState
from hrsystem.services import job_start

from .access import _flash_error, _get_period_for_user, _on

LEVEL_ORDER = ("top", "good", "complete", "fail")


def _period_roles(request, period: Period) -> tuple[bool, bool]:
    """(signs off: the agency leader, manages: an HR officer) for this period's agency."""
    on = _on(period)
    return (
        permissions.can_sign_off(request.user, period.organisation, on),
        permissions.can_manage_org(request.user, period.organisation, on),
    )


@login_required
def overview(request, period_pk: int):
    """Every unit's status, the level distribution, who is not rated and why, the
    exceptions, and the next step of the period with who takes it.

    For the agency leader and HR officers; 11 queries whatever the agency's size.
    """
    period = _get_period_for_user(request, period_pk)
    overview = selectors.period_overview(user=request.user, period=period)
    if overview is None:
        raise PermissionDenied
    signs_off, manages = _period_roles(request, period)
    rules = rule_set_from_snapshot(period.rule_set_snapshot)
    complaints = discipline_selectors.substantiated_complaints(
        organisation=period.organisation, start=period.start, end=period.end
    ).by_unit
    unit_periods = []
    for unit in overview.units:
        unit_period = unit.unit_period
        unit_period.complaints = complaints.get(unit_period.unit_id, 0)
        rated = unit.people - unit.not_rated
        unit_period.figures = {"total": rated, "scored": rated - unit.unscored}
        unit_period.missing = unit.missing_self_assessment
        # a unit with people still to score has no level yet: a 0 is not a result
        unit_period.level_label = None if unit.unscored else level_label(rules, unit_period.level)
        unit_period.level_counts = [
            (level_label(rules, level), unit.levels.get(level, 0), level) for level in LEVEL_ORDER
        ]
        unit_periods.append(unit_period)
    distribution = overview.levels
    exceptions = list(
        Evaluation.objects.filter(
            period=period, is_current=True, not_rated=False, state__in=selectors.DONE_STATES
        )
        .filter(Q(level="fail") | ~Q(level=F("score_level")))
        .select_related("employee", "unit")
        .order_by("unit__path", "employee__full_name")[:200]
    )
    for evaluation in exceptions:
        evaluation.level_label = level_label(rules, evaluation.level)
        evaluation.reason_texts = presenters.reason_texts(evaluation.reasons, rules)
    pending_appeals = Appeal.objects.filter(
        evaluation__period=period, state=AppealState.PENDING
    ).count()
    return render(
        request,
        "evaluation/overview.html",
        {
            "period": period,
            "rules": rules,
            "unit_periods": unit_periods,
            "bars": [
                (level_label(rules, level), distribution[level], level) for level in LEVEL_ORDER
            ],
            "not_rated": selectors.not_rated(period=period),
            "exceptions": exceptions,
            "pending_appeals": pending_appeals,
            "not_submitted": list(
                Evaluation.objects.filter(
                    period=period,
                    is_current=True,
                    state=EvaluationState.DRAFT,
                    not_rated=False,
                    absent=False,
                )
                .order_by("unit__path", "employee__sort_key")
                .values_list("employee__full_name", flat=True)
            )
            if period.state == PeriodState.SELF_ASSESSMENT and manages
            else [],
            "published_people": sum(unit.people - unit.not_rated for unit in overview.units),
            "blockers": selectors.publication_blockers(period=period)
            if period.state in (PeriodState.SUBMITTED, PeriodState.SIGNED_OFF)
            else [],
            "signs_off": signs_off,
            "manages": manages,
            "next_hr_state": presenters.NEXT_HR_STATE.get(period.state) if manages else None,
            "scores": selectors.evaluations_for_head(user=request.user, period=period).exists(),
            "unit_actions": signs_off
            and period.state in (PeriodState.SCORING, PeriodState.SUBMITTED),
            "return_form": forms.ReasonForm(label=_("Lý do trả lại")),
            "today": clock.today(),
        },
    )


def _chosen_unit_periods(request, period: Period) -> list[UnitPeriod]:
    ids = {whole_number(pk) for pk in request.POST.getlist("unit_periods")} - {None}
    return list(UnitPeriod.objects.filter(period=period, pk__in=ids).select_related("unit"))


@login_required
@require_POST
def units_action(request, period_pk: int):
    """The agency leader approves the chosen units, or returns them with one reason."""
    period = _get_period_for_user(request, period_pk)
    chosen = _chosen_unit_periods(request, period)
    if not chosen:
        messages.error(request, _("Hãy chọn ít nhất một đơn vị."))
        return redirect("evaluation:overview", period_pk=period.pk)
    try:
        if request.POST.get("action") == "return":
            form = forms.ReasonForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Trả lại đơn vị phải ghi rõ lý do."))
                return redirect("evaluation:overview", period_pk=period.pk)
            services.unit_return(
                unit_periods=chosen, reason=form.cleaned_data["reason"], by=request.user
            )
            messages.success(request, _("Đã trả lại %(n)s đơn vị.") % {"n": len(chosen)})
        else:
            services.unit_approve(unit_periods=chosen, by=request.user)
            messages.success(request, _("Đã duyệt %(n)s đơn vị.") % {"n": len(chosen)})
    except ValidationError as error:
        _flash_error(request, error)
    return redirect("evaluation:overview", period_pk=period.pk)


PERIOD_ACTIONS = {
    "advance": None,
    "recompute": None,
    "sign_off": None,
    "publish": None,
    "lock": services.period_lock,
}
JOB_ACTIONS = {
    "recompute": "evaluation.recompute",
    "sign_off": "evaluation.sign_off",
    "publish": "evaluation.publish",
}
"""Steps run as background jobs (`evaluation.jobs`): with Celery workers the page
follows the job's progress; run eagerly, the job has ended and the step is reported as
before."""


@login_required
@require_POST
def period_action(request, period_pk: int, action: str):
    """Move the period one step: HR's steps, sign-off, publication, lock; or re-score it."""
    period = _get_period_for_user(request, period_pk)
    if action not in PERIOD_ACTIONS:
        raise Http404
    try:
        if action == "advance":
            services.period_advance(period=period, to=request.POST.get("to", ""), by=request.user)
        elif action in JOB_ACTIONS:
            job = job_start(
                kind=JOB_ACTIONS[action],
                by=request.user,
                organisation=period.organisation,
                params={"period": period.pk},
            )
            if not job.finished:
                return redirect("hrsystem:job_status", job.pk)
            if job.state == JobState.FAILED:
                raise ValidationError(job.error.split("\n"))
        else:
            PERIOD_ACTIONS[action](period=period, by=request.user)
    except ValidationError as error:
        _flash_error(request, error)
    else:
        period.refresh_from_db()
        messages.success(
            request,
            _("Kỳ %(period)s: %(state)s.")
            % {"period": period, "state": period.get_state_display()},
        )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("evaluation:period_list")
    return redirect(back)


@login_required
def completeness(request, period_pk: int):
    """Who has not submitted and who is stuck at which step, per unit, with days left;
    who is not rated and why.

    The agency leader and HR see every unit; heads and deputies the units whose records
    they view (`selectors.completeness_board`); 11 queries whatever the size.
    """
    period = _get_period_for_user(request, period_pk)
    today = clock.today()
    board = selectors.completeness_board(user=request.user, period=period, today=today)
    oversees = selectors.may_oversee(request.user, period)
    if not board and not oversees:
        raise PermissionDenied
    units = []
    for unit in board:
        steps = {step: [] for step in STEPS}
        for person in unit.people:
            steps[person.step].append(person)
        units.append((unit, steps))
    deadlines = [
        (_("Tự đánh giá"), period.self_assessment_due),
        (_("Thủ trưởng chấm điểm"), period.scoring_due),
        (_("Đơn vị gửi kết quả"), period.unit_submission_due),
        (_("Lãnh đạo cơ quan phê duyệt"), period.sign_off_due),
    ]
    return render(
        request,
        "evaluation/completeness.html",
        {
            "period": period,
            "units": units,
            "deadlines": [
                (label, due, (due - today).days, (today - due).days) for label, due in deadlines
            ],
            "oversees": oversees,
            "scores": selectors.evaluations_for_head(user=request.user, period=period).exists(),
        },
    )


STEPS = (
    selectors.STEP_DECLARING,
    selectors.STEP_AWAITING_SCORE,
    selectors.STEP_SCORED,
    selectors.STEP_NOT_RATED,
)
