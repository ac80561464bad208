"""The HR officer's periods: the list, opening one, reopening one unit, one person or
a locked month, and publishing a reopening again."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from evaluation import forms, presenters, selectors, services, tables
from evaluation.jobs import DUES
from evaluation.models import (
    Cadence,
    Evaluation,
    Period,
    PeriodReopening,
    RuleSet,
)
from evaluation.rulesets import rule_set_from_snapshot
from hrsystem import clock, exports, permissions
from hrsystem.models import JobState
from hrsystem.permissions import viewer
from hrsystem.services import job_start

from .access import _get_period_for_user, _messages_of, _require_manage


@login_required
def period_list(request):
    """The periods of the user's agency, newest first, with the step each one is at and
    links to the pages of it the user may open (`selectors.period_access`), their own
    evaluation of it included. The latest PERIODS_SHOWN unless `?all=1`."""
    person = viewer(request)
    organisation = person.organisation
    if organisation is None:
        raise PermissionDenied
    periods = list(
        Period.objects.filter(organisation=organisation)
        .select_related("rule_set", "organisation")
        .order_by("-year", "-number", "-start")
    )
    hidden = 0 if request.GET.get("all") else max(len(periods) - PERIODS_SHOWN, 0)
    if hidden:
        periods = periods[:PERIODS_SHOWN]
    access = selectors.period_access(user=request.user, periods=periods)
    own = dict(
        Evaluation.objects.filter(
            employee__user=request.user.pk, is_current=True, period__in=periods
        ).values_list("period_id", "pk")
    )
    for period in periods:
        period.access = access[period.pk]
        period.own_evaluation = own.get(period.pk)
    if exports.wanted(request):
        return exports.respond(request, tables.PERIODS, periods, organisation=organisation)
    return render(
        request,
        "evaluation/period_list.html",
        {
            "organisation": organisation,
            "periods": periods,
            "hidden": hidden,
            "manages": permissions.can_manage_org(request.user, organisation),
            "next_states": presenters.NEXT_HR_STATE,
        },
    )


PERIODS_SHOWN = 12


"""Periods listed by default: a year of months; rights are checked per period shown."""


def _next_period(organisation) -> tuple[int, int]:
    latest = (
        Period.objects.filter(organisation=organisation)
        .order_by("-year", "-number")
        .values_list("year", "number", "cadence")
        .first()
    )
    if latest is None:
        today = clock.today()
        return today.year, today.month
    year, number, cadence = latest
    last = 12 if cadence == Cadence.MONTHLY else 4
    return (year + 1, 1) if number >= last else (year, number + 1)


def _default_dues(rule_set, year: int, number: int) -> dict:
    end = services.period_bounds(rule_set.cadence, year, number)[1]
    return {
        "self_assessment_due": end + timedelta(days=rule_set.self_assessment_days),
        "scoring_due": end + timedelta(days=rule_set.head_scoring_days),
        "unit_submission_due": end + timedelta(days=rule_set.unit_submission_days),
        "sign_off_due": end + timedelta(days=rule_set.agency_signoff_days),
    }


@login_required
def period_open(request):
    """HR opens a period: the rule-set version in force, deadlines prefilled from it.

    The opening runs as a background job (`evaluation.jobs`): run eagerly it has ended
    here; on Celery workers the page of the job follows its progress."""
    organisation = viewer(request).organisation
    if organisation is None or not permissions.can_manage_org(request.user, organisation):
        raise PermissionDenied
    year, number = _next_period(organisation)
    first_day = date(year, min(number, 12), 1)
    rule_sets = RuleSet.objects.filter(effective_from__lte=first_day).order_by("code", "-version")
    in_force = {}
    for rule_set in rule_sets:
        in_force.setdefault(rule_set.code, rule_set)
    choices = RuleSet.objects.filter(pk__in=[rs.pk for rs in in_force.values()])
    default = in_force.get("nd335") or next(iter(in_force.values()), None)
    initial = {"year": year, "number": number}
    if default is not None:
        initial.update(rule_set=default.pk, **_default_dues(default, year, number))
    form = forms.PeriodOpenForm(request.POST or None, rule_sets=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        job = job_start(
            kind="evaluation.period_open",
            by=request.user,
            organisation=organisation,
            params={
                "year": data["year"],
                "number": data["number"],
                "rule_set": data["rule_set"].pk if data["rule_set"] else None,
                **{name: data[name].isoformat() for name in DUES if data[name]},
            },
        )
        if not job.finished:  # on Celery workers: follow its progress
            return redirect("hrsystem:job_status", job.pk)
        if job.state == JobState.FAILED:
            for key, texts in job.result.get("errors", {None: [job.error]}).items():
                for text in texts:
                    form.add_error(key if key in form.fields else None, text)
        else:
            messages.success(request, job.result["message"])
            return redirect("evaluation:period_list")
    return render(
        request,
        "evaluation/period_open.html",
        {"form": form, "organisation": organisation},
        status=400 if form.errors else 200,
    )


@login_required
def period_reopen(request, period_pk: int):
    """HR reopens one unit, one person (for an appeal) or, a locked month, the whole agency,
    with a written reason (audited): a first post shows the dry run (whose results go back
    to be corrected, whose published results the re-score may move), the second confirms."""
    period = _get_period_for_user(request, period_pk)
    _require_manage(request, period.organisation)
    form = forms.ReopenForm(request.POST or None, period=period)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit_period, evaluation = data.get("unit"), data.get("evaluation")
        scoped = data["scope"] != forms.ReopenForm.ALL
        if scoped:
            kwargs = (
                {"evaluation": evaluation}
                if data["scope"] == forms.ReopenForm.PERSON
                else {"unit": unit_period.unit}
            )
        confirmed = request.POST.get("confirm") == "1"
        try:
            if not confirmed and scoped:
                preview = selectors.reopening_scope(period=period, **kwargs)
            elif scoped:
                reopening = services.reopening_open(
                    period=period, reason=data["reason"], by=request.user, **kwargs
                )
            elif confirmed:
                services.period_reopen(period=period, reason=data["reason"], by=request.user)
            else:
                preview = selectors.ReopeningScope(
                    period, None, None, list(period.evaluations.filter(is_current=True)), []
                )
        except ValidationError as error:
            for text in _messages_of(error):
                form.add_error(None, text)
        else:
            if confirmed and scoped:
                messages.success(request, _("Đã mở lại để xem xét: %(reason)s") % data)
                return redirect("evaluation:reopening", reopening.pk)
            if confirmed:
                messages.success(request, _("Đã mở lại kỳ %(period)s.") % {"period": period})
                return redirect("evaluation:period_list")
    return render(
        request,
        "evaluation/period_reopen.html",
        {
            "form": form,
            "period": period,
            "preview": preview,
            "reopenings": period.reopenings.select_related("by", "unit", "evaluation__employee"),
        },
        status=400 if form.errors else 200,
    )


@login_required
def reopening(request, pk: int):
    """One reopening: whose results it reviews, their published figures beside the figures
    now, and, for the agency leader or HR, publishing the corrected results again."""
    row = get_object_or_404(
        PeriodReopening.objects.select_related("period__organisation", "unit", "by"), pk=pk
    )
    period = _get_period_for_user(request, row.period_id)
    may_publish = permissions.can_sign_off(
        request.user, period.organisation, min(period.end, clock.today())
    ) or permissions.can_manage_org(request.user, period.organisation)
    if not may_publish:
        raise PermissionDenied
    error_messages = []
    if request.method == "POST":
        try:
            services.reopening_publish(reopening=row, by=request.user)
        except ValidationError as error:
            error_messages = _messages_of(error)
        else:
            messages.success(request, _("Đã công bố lại kết quả sau khi xem xét."))
            return redirect("evaluation:reopening", row.pk)
    rules = rule_set_from_snapshot(period.rule_set_snapshot)
    people = presenters.review_rows(row, rules)
    return render(
        request,
        "evaluation/reopening.html",
        {
            "reopening": row,
            "period": period,
            "people": people,
            "error_messages": error_messages,
        },
        status=400 if error_messages else 200,
    )
