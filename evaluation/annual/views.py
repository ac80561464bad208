"""The year's pages: the HR officer's year (run the roll-up, see why it is refused, the
inputs), the units ranked, and a person's year explained step by step.

Thin views: rights from `hrsystem.permissions`, reads from `selectors`, writes through
`services`; each page reads in a constant number of queries whatever the agency's size.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from evaluation.annual import jobs, models, presenters, selectors, services, tables
from evaluation.annual.forms_scope import units_page_forms
from hrsystem import clock, exports, permissions
from hrsystem import selectors as hr_selectors
from hrsystem.forms import whole_number
from hrsystem.models import Employee
from hrsystem.permissions import Perm, viewer
from hrsystem.services import job_start
from hrsystem.services.jobs import label_of


def _on(year: int) -> date:
    """The day whose posts and grants decide rights over `year`: its last, or today."""
    return min(date(year, 12, 31), clock.today())


def _organisation(request):
    organisation = viewer(request).organisation
    if organisation is None:
        raise Http404
    return organisation


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise Http404
    return year


def _hr_context(request, organisation, year: int, **extra) -> dict:
    run = selectors.run_of(organisation, year)
    periods = selectors.year_periods(organisation, year)
    # ticked: the months the HR officer chose last time (none ticked: every locked month)
    chosen = run is not None and run.periods_chosen
    counted = {p.pk for p in run.periods.all()} if chosen else set()
    job = selectors.latest_job(organisation, year)
    if job is not None:
        job.label = label_of(job.kind)
    return {
        "year": year,
        "organisation": organisation,
        "run": run,
        "job": job,
        "periods": [(p, p.pk in counted) for p in periods],
        "inputs": selectors.inputs_of_year(organisation, year),
        "quota_groups": selectors.quota_groups(organisation),
        **extra,
    }


@login_required
def year_page(request, year: int):
    """The HR officer's year: the last roll-up and the job running it (its progress bar
    polls itself), the months that count, and the year's inputs."""
    year = _year(year)
    organisation = _organisation(request)
    if not permissions.can_manage_org(request.user, organisation):
        raise PermissionDenied
    return render(request, "annual/year.html", _hr_context(request, organisation, year))


@login_required
@require_POST
def year_run(request, year: int):
    """Start the roll-up over the months ticked (none ticked: every locked month) as a
    background job; a refusal (a counted month not locked) lists the open unit-months
    at once and writes nothing."""
    year = _year(year)
    organisation = _organisation(request)
    if not permissions.can_manage_org(request.user, organisation):
        raise PermissionDenied
    months = sorted({whole_number(m) for m in request.POST.getlist("months")} - {None})
    try:
        services.rollup_check(
            organisation=organisation, year=year, by=request.user, months=months or None
        )
    except services.RollupRefused as refused:
        context = _hr_context(
            request, organisation, year, refusal=refused.messages, unlocked=refused.unit_months
        )
        return render(request, "annual/year.html", context, status=409)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("annual:year", year=year)
    job_start(
        kind=jobs.KIND,
        by=request.user,
        organisation=organisation,
        params={"year": year, "months": months or None},
    )
    return redirect("annual:year", year=year)


@login_required
def units_page(request, year: int):
    """The units ranked (score, then on-time rate, then code) with each one's level
    distribution: every unit for the agency leader, HR and the board; a head (or anyone
    who views some units' records) sees the rows of their own units, ranks unchanged."""
    year = _year(year)
    organisation = _organisation(request)
    on = _on(year)
    scope = None
    if not permissions.can_read_results(request.user, organisation, on):
        scope = permissions.unit_ids_for(request.user, Perm.VIEW_UNIT_RECORDS, on)
        if not scope:
            raise PermissionDenied
    run = selectors.run_of(organisation, year)
    ranked = selectors.unit_ranking(organisation, year, scope)
    rows = presenters.ranking(organisation, year, ranked, run)
    if exports.wanted(request):
        return exports.respond(
            request,
            tables.ranking_table(year, rows["levels"]),
            rows["rows"],
            organisation=organisation,
            scope=exports.describe_scope(row["result"].unit.name for row in rows["rows"])
            if scope is not None
            else "",
        )
    return render(
        request,
        "annual/units.html",
        {
            "year": year,
            "organisation": organisation,
            "run": run,
            "own_units": scope is not None,
            **rows,
            **units_page_forms(request.user, organisation, year, on, scope is not None),
        },
    )


@login_required
def my_year(request, year: int):
    employee = viewer(request).employee
    if employee is None:
        raise Http404
    return redirect("annual:person", year=_year(year), employee_id=employee.pk)


@login_required
def person_page(request, year: int, employee_id: int):
    """A person's year explained: months worked, mean, each cap with its reason and legal
    basis, the head capped by the unit, the quota step with its tie-break. For the
    person, their superiors and others who view their unit's records, and whoever reads
    the agency's results (the agency leader, HR, the board)."""
    year = _year(year)
    employee = get_object_or_404(Employee, pk=employee_id)
    on = _on(year)
    result = (
        models.AnnualResult.objects.filter(year=year, employee=employee)
        .select_related("organisation", "unit")
        .first()
    )
    if result is not None:
        organisation = result.organisation
    else:
        assignment = hr_selectors.assignment_on(employee, on=on) or (
            employee.assignments.select_related("unit__organisation").order_by("-start").first()
        )
        if assignment is None:
            raise Http404
        organisation = assignment.unit.organisation
    user = request.user
    reads_results = permissions.can_read_results(user, organisation, on)
    if not (reads_results or permissions.can_view_employee(user, employee, on)):
        permissions.refuse(request, organisation.pk)
    context = {
        "year": year,
        "employee": employee,
        "result": None,
        "reads_results": reads_results,
        "transferred": selectors.transferred_months(employee, year),
    }
    if result is not None:
        context.update(presenters.explain(result))
    return render(request, "annual/person.html", context)
