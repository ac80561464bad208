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
from evaluation import forms, presenters, quarters, selectors, services, tables
from evaluation.models import (
    Appeal,
    AppealState,
    Evaluation,
    EvaluationState,
    IssuedDocument,
    Period,
    PeriodReopening,
    PeriodState,
    UnitPeriod,
)
from evaluation.presenters import level_label
from evaluation.rulesets import rule_set_from_snapshot
from hrsystem import clock, exports, permissions
from hrsystem.forms import whole_number
from hrsystem.models import PATH_STEP, JobState, Unit
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

    For the agency leader and HR officers, with the units' results of the period's quarter.
    `?unit=<id>` narrows it to that unit's subtree (a large agency's overview shows a unit
    and its children, each opening its own subtree, with breadcrumbs back up). A constant
    number of queries whatever the agency's size.
    """
    period = _get_period_for_user(request, period_pk)
    overview = selectors.period_overview(
        user=request.user, period=period, unit_id=whole_number(request.GET.get("unit"))
    )
    if overview is None:
        raise PermissionDenied
    within = overview.focus.path if overview.focus else ""
    signs_off, manages = _period_roles(request, period)
    rules = rule_set_from_snapshot(period.rule_set_snapshot)
    complaints = discipline_selectors.substantiated_complaints(
        organisation=period.organisation, start=period.start, end=period.end
    ).by_unit
    apologies = discipline_selectors.apologies_by_unit(
        organisation=period.organisation, start=period.start, end=period.end
    )
    if overview.branches:
        complaints = _complaints_by_branch(complaints, overview)
    unit_periods = []
    for unit in overview.units:
        unit_period = unit.unit_period
        unit_period.complaints = complaints.get(unit_period.unit_id, 0)
        unit_period.apologies = apologies.get(unit_period.unit_id, 0)
        rated = unit.people - unit.not_rated
        unit_period.figures = {"total": rated, "scored": rated - unit.unscored}
        unit_period.missing = unit.missing_self_assessment
        unit_period.branch = unit if overview.branches else None
        # a unit with people still to score has no level yet: a 0 is not a result
        unit_period.level_label = (
            None if unit.own_unscored else level_label(rules, unit_period.level)
        )
        unit_period.level_counts = [
            (level_label(rules, level), unit.levels.get(level, 0), level) for level in LEVEL_ORDER
        ]
        unit_periods.append(unit_period)
    if exports.wanted(request):
        labels = [level_label(rules, level) for level in LEVEL_ORDER]
        return exports.respond(
            request,
            tables.overview_table(period, labels),
            unit_periods,
            organisation=period.organisation,
            scope=overview.focus.name
            if overview.focus and overview.focus.parent_id
            else _("Toàn cơ quan"),
        )
    may_issue = manages and period.state in (PeriodState.PUBLISHED, PeriodState.LOCKED)
    if may_issue:
        issued = {
            document.unit_id: document
            for document in IssuedDocument.objects.filter(period=period).defer("pdf", "signed_pdf")
        }
        for unit_period in unit_periods:
            unit_period.issued = issued.get(unit_period.unit_id)
    distribution = overview.levels
    exceptions = list(
        Evaluation.objects.filter(
            period=period, is_current=True, not_rated=False, state__in=selectors.DONE_STATES
        )
        .filter(Q(level="fail") | ~Q(level=F("score_level")), unit__path__startswith=within)
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
            "not_rated": selectors.not_rated(period=period, within=within),
            "focus": overview.focus,
            "ancestors": overview.ancestors,
            "branches": overview.branches,
            "exceptions": exceptions,
            "pending_appeals": pending_appeals,
            "reviews": [
                row
                for row in PeriodReopening.objects.filter(
                    period=period, closed_at__isnull=True
                ).select_related("unit", "evaluation__employee")
                if row.reopened_ids
            ]
            if signs_off or manages
            else [],
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
            "published_people": Evaluation.objects.filter(
                period=period, is_current=True, not_rated=False, absent=False
            ).count()
            if period.state == PeriodState.SIGNED_OFF
            else 0,
            "blockers": selectors.publication_blockers(period=period)
            if period.state in (PeriodState.SUBMITTED, PeriodState.SIGNED_OFF)
            else [],
            "signs_off": signs_off,
            "manages": manages,
            "may_issue": may_issue,
            "next_hr_state": presenters.NEXT_HR_STATE.get(period.state) if manages else None,
            "scores": selectors.evaluations_for_head(user=request.user, period=period).exists(),
            "unit_actions": signs_off
            and period.state in (PeriodState.SCORING, PeriodState.SUBMITTED),
            "return_form": forms.ReasonForm(label=_("Lý do trả lại")),
            "today": clock.today(),
            "quarter": _quarter_of_period(period, [unit.unit.pk for unit in overview.units]),
        },
    )


def _quarter_of_period(period: Period, unit_ids: list[int]) -> quarters.SpanTable:
    """The quarter's results (of the quarter `period` belongs to, the period itself with a
    quarterly cadence) of the units the overview shows (a drill-down's focus and its
    children, not the 3,000 units of a province); 3 queries."""
    return quarters.span_table(
        organisation=period.organisation,
        year=period.year,
        kind=quarters.QUARTER,
        number=quarters.quarter_of_period(period),
        unit_ids=unit_ids,
        with_people=False,
        with_units=True,
    )


def _complaints_by_branch(by_unit: dict[int, int], overview) -> dict[int, int]:
    """Substantiated complaints summed per row of a drill-down: the focus unit's own, and
    each child's whole subtree; 1 query for the units complained about (few)."""
    focus = overview.focus
    roots = {row.unit.path: row.unit.pk for row in overview.units}
    width = len(focus.path) + PATH_STEP + 1
    summed: dict[int, int] = {}
    paths = Unit.objects.filter(pk__in=by_unit, path__startswith=focus.path).values_list(
        "pk", "path"
    )
    for pk, path in paths:
        root = roots.get(path[:width])
        if root is not None:
            summed[root] = summed.get(root, 0) + by_unit[pk]
    return summed


def _back_to_overview(request, period: Period):
    """The overview the units were chosen on: the subtree posted as `unit`, if any."""
    url = reverse("evaluation:overview", args=[period.pk])
    unit = whole_number(request.POST.get("unit"))
    return redirect(f"{url}?unit={unit}" if unit is not None else url)


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
        return _back_to_overview(request, period)
    try:
        if request.POST.get("action") == "return":
            form = forms.ReasonForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Trả lại đơn vị phải ghi rõ lý do."))
                return _back_to_overview(request, period)
            services.unit_return(
                unit_periods=chosen, reason=form.cleaned_data["reason"], by=request.user
            )
            messages.success(request, _("Đã trả lại %(n)s đơn vị.") % {"n": len(chosen)})
        else:
            services.unit_approve(unit_periods=chosen, by=request.user)
            messages.success(request, _("Đã duyệt %(n)s đơn vị.") % {"n": len(chosen)})
    except ValidationError as error:
        _flash_error(request, error)
    return _back_to_overview(request, period)


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
    if exports.wanted(request):
        return exports.respond(
            request,
            tables.completeness_table(period),
            [(unit, person) for unit in board for person in unit.people],
            organisation=period.organisation,
            scope=exports.describe_scope(unit.unit_period.unit.name for unit in board),
        )
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
