"""Inspections: the list, planning one, its page with findings on the spot, its
report as PDF."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from discipline import forms, pdf, selectors, services, tables
from discipline import permissions as rules
from discipline.models import (
    Inspection,
    InspectionPlan,
    InspectionPlanLine,
    InspectionStatus,
)
from hrsystem import clock, exports
from hrsystem import permissions as hr
from hrsystem import selectors as hr_selectors
from hrsystem.forms import whole_number
from hrsystem.models import Employee, Role, RoleGrant, Unit
from hrsystem.permissions import Perm

from .common import _catalogue, _export, _page, _render, _require, _run


def _get_inspection_for_user(request, pk: int) -> Inspection:
    """The inspection if the user is on its team, inspects one of its units, or is the
    agency's HR officer."""
    inspection = get_object_or_404(
        Inspection.objects.select_related("head", "organisation", "created_by"), pk=pk
    )
    user = request.user
    if rules.on_team(user, inspection) or rules.manages(user, inspection.organisation):
        return inspection
    inspected = hr.unit_ids_for(user, Perm.INSPECT_UNIT, clock.today())
    if inspection.scope.filter(pk__in=inspected).exists():
        return inspection
    hr.refuse(request, inspection.organisation_id)


@login_required
def inspection_list(request):
    """Inspections of the agency (for its inspectors and HR officer), else the person's own
    teams'."""
    scope = rules.Scope(request)
    if scope.manages or scope.inspect_ids:
        inspections = Inspection.objects.filter(organisation=scope.organisation)
    else:
        inspections = selectors.inspections_of(request.user)
        _require(inspections.exists())
    inspections = (
        inspections.select_related("head")
        .prefetch_related("scope")
        .order_by("-planned_on", "-pk")
        .distinct()
    )
    if exports.wanted(request):
        return _export(
            request,
            tables.INSPECTIONS,
            inspections,
            scope=scope,
            unit_ids=scope.agency_unit_ids if scope.manages or scope.inspect_ids else None,
        )
    return render(
        request,
        "discipline/inspection_list.html",
        {
            "page": _page(request, inspections),
            "may_plan": scope.manages or bool(scope.inspect_ids),
        },
    )


@login_required
def inspection_plan(request):
    """An inspector or the HR officer plans a regular or surprise inspection."""
    scope = rules.Scope(request)
    _require(scope.manages or bool(scope.inspect_ids))
    organisation = scope.organisation
    own = hr_selectors.unit_of_user(request.user, on=scope.today)
    inspected = scope.inspect_ids - {own.pk if own else None}
    units = scope.units(scope.agency_unit_ids if scope.manages else inspected)
    inspectors = RoleGrant.objects.filter(
        hr_selectors.active_on(scope.today), role=Role.INSPECTOR, organisation=organisation
    ).values("user")
    heads = Employee.objects.filter(user__in=inspectors).order_by("sort_key")
    form = forms.InspectionPlanForm(
        request.POST or None,
        units=units,
        heads=heads,
        staff=scope.staff(scope.agency_unit_ids, with_self=True),
        plan_lines=InspectionPlanLine.objects.filter(plan__organisation=organisation)
        .filter(plan__year__gte=scope.today.year - 1)
        .select_related("unit")
        .order_by("-plan__year", "quarter", "unit__path"),
        initial={"planned_on": scope.today, "kind": "regular"},
    )
    if request.method == "POST" and form.is_valid():
        holder = {}

        def plan():
            holder["inspection"] = services.inspection_plan(
                organisation=organisation, by=request.user, **form.cleaned_data
            )

        if _run(form, plan):
            messages.success(request, _("Đã lập kế hoạch kiểm tra."))
            return redirect("discipline:inspection_detail", pk=holder["inspection"].pk)
    return _render(
        request,
        "discipline/form_page.html",
        {
            "form": form,
            "title": _("Lập kế hoạch kiểm tra công vụ"),
            "submit": _("Lập kế hoạch"),
            "back": reverse("discipline:inspection_list"),
        },
        failed=form.is_bound and not form.is_valid(),
    )


def _finding_form(inspection: Inspection, scope: rules.Scope, data=None, files=None):
    roots = list(inspection.scope.all())
    in_scope = Unit.objects.filter(
        Q(pk__in=[unit.pk for unit in roots])
        | Q(
            *[Q(path__startswith=unit.path) for unit in roots],
            _connector=Q.OR,
        )
    ).order_by("path")
    return forms.FindingForm(
        data,
        files,
        staff=scope.staff(in_scope.values_list("pk", flat=True)),
        units=in_scope,
        catalogue=_catalogue(inspection.organisation, scope.today),
    )


@login_required
def inspection_detail(request, pk: int):
    """An inspection with its findings. Its head starts and closes it (with the report);
    team members record findings on the spot while it is in progress."""
    inspection = _get_inspection_for_user(request, pk)
    scope = rules.Scope(request)
    user = request.user
    is_head = inspection.head.user_id == user.pk
    on_team = rules.on_team(user, inspection)
    in_progress = inspection.status == InspectionStatus.IN_PROGRESS
    finding_form = report_form = None
    if on_team and in_progress:
        finding_form = _finding_form(inspection, scope)
    if is_head and in_progress:
        report_form = forms.ReportForm(initial={"report": inspection.report})
    failed = False
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "start" and is_head:
            try:
                services.inspection_start(inspection=inspection, by=user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Đã bắt đầu kiểm tra."))
            return redirect("discipline:inspection_detail", pk=inspection.pk)
        if action == "finding" and finding_form is not None:
            finding_form = _finding_form(inspection, scope, request.POST, request.FILES)
            if finding_form.is_valid() and _run(
                finding_form,
                lambda: services.finding_record(
                    inspection=inspection,
                    item=finding_form.cleaned_data["item"],
                    points=finding_form.cleaned_data["points"],
                    note=finding_form.cleaned_data["note"],
                    evidence=finding_form.cleaned_data["evidence"] or None,
                    by=user,
                    **finding_form.target_kwargs(),
                ),
                {"inspection": None},
            ):
                messages.success(request, _("Đã ghi nhận vi phạm."))
                return redirect("discipline:inspection_detail", pk=inspection.pk)
            failed = True
        elif action == "close" and report_form is not None:
            report_form = forms.ReportForm(request.POST)
            if report_form.is_valid() and _run(
                report_form,
                lambda: services.inspection_close(
                    inspection=inspection, report=report_form.cleaned_data["report"], by=user
                ),
            ):
                messages.success(request, _("Đã kết thúc đợt kiểm tra."))
                return redirect("discipline:inspection_detail", pk=inspection.pk)
            failed = True
        else:
            raise PermissionDenied
    findings = inspection.findings.select_related("employee", "target_unit", "item").order_by(
        "occurred_on", "pk"
    )
    checks = selectors.check_counts(inspection=inspection)
    scope_units = list(inspection.scope.order_by("path"))
    for unit in scope_units:
        unit.checks = checks.get(unit.pk)
    return _render(
        request,
        "discipline/inspection_detail.html",
        {
            "inspection": inspection,
            "scope_units": scope_units,
            "members": inspection.members.order_by("sort_key"),
            "findings": findings,
            "may_start": is_head and inspection.status == InspectionStatus.PLANNED,
            "finding_form": finding_form,
            "report_form": report_form,
        },
        failed=failed,
    )


@login_required
def inspection_report_pdf(request, pk: int):
    """The inspection report as a PDF: team, scope, findings and conclusions, dated the
    day the inspection closed (today while it is open)."""
    inspection = _get_inspection_for_user(request, pk)
    today = clock.today()
    closed = inspection.closed_at
    findings = list(
        inspection.findings.select_related("employee", "target_unit", "unit", "item").order_by(
            "occurred_on", "pk"
        )
    )
    return pdf.pdf_response(
        "discipline/inspection_report_pdf.html",
        {
            "inspection": inspection,
            "organisation": inspection.organisation,
            "scope_units": list(inspection.scope.order_by("path")),
            "members": list(inspection.members.order_by("sort_key")),
            "finding_tables": pdf.chunks(enumerate(findings, 1)),
            "finding_count": len(findings),
            "report_day": timezone.localdate(closed) if closed else today,
            "printed_on": today,
        },
        f"bien-ban-kiem-tra-{inspection.pk}.pdf",
    )


@login_required
def inspection_checklist(request, pk: int, unit_pk: int):
    """The checklist of an inspection in one unit of its scope, built for a phone: every
    catalogue item checked met / not met with its note and evidence, one item per form."""
    inspection = _get_inspection_for_user(request, pk)
    unit = get_object_or_404(inspection.scope.all(), pk=unit_pk)
    today = clock.today()
    may_check = inspection.status == InspectionStatus.IN_PROGRESS and rules.can_record_finding(
        request.user, inspection, unit, today
    )
    rows = selectors.inspection_checklist(inspection=inspection, unit=unit, on=today)
    posted = None
    if request.method == "POST":
        _require(may_check)
        item_pk = whole_number(request.POST.get("item"))
        row = next((row for row in rows if row.item.pk == item_pk), None)
        _require(row is not None)
        posted = (item_pk, forms.CheckForm(request.POST, request.FILES, prefix=f"i{item_pk}"))
        form = posted[1]
        if form.is_valid() and _run(
            form,
            lambda: services.inspection_check(
                inspection=inspection,
                unit=unit,
                item=row.item,
                by=request.user,
                **form.cleaned_data,
            ),
            {"inspection": None, "unit": None, "item": None},
        ):
            messages.success(request, _("Đã lưu: %(item)s") % {"item": row.item.description})
            return redirect(
                f"{reverse('discipline:inspection_checklist', args=[inspection.pk, unit.pk])}"
                f"#item-{item_pk}"
            )
    entries = []
    for row in rows:
        form = None
        if may_check:
            if posted is not None and posted[0] == row.item.pk:
                form = posted[1]
            else:
                initial = {"met": "yes" if row.check.met else "no"} if row.check else {}
                if row.check:
                    initial["note"] = row.check.note
                form = forms.CheckForm(prefix=f"i{row.item.pk}", initial=initial)
        entries.append((row, form))
    return _render(
        request,
        "discipline/inspection_checklist.html",
        {
            "inspection": inspection,
            "unit": unit,
            "entries": entries,
            "checked": sum(1 for row in rows if row.check is not None),
            "may_check": may_check,
        },
        failed=posted is not None,
    )


def _plans_scope(request) -> rules.Scope:
    scope = rules.Scope(request)
    _require(scope.manages or bool(scope.inspect_ids))
    return scope


@login_required
def year_plans(request):
    """The agency's year inspection plans with their completion, and a form to record
    the plan issued at the start of a year."""
    scope = _plans_scope(request)
    may_plan = rules.may_plan_inspections(request.user, scope.organisation, scope.today)
    form = None
    if may_plan:
        form = forms.YearPlanForm(
            request.POST or None,
            initial={"year": scope.today.year, "issued_on": scope.today},
        )
    if request.method == "POST":
        _require(form is not None)
        holder = {}

        def issue():
            holder["plan"] = services.inspection_year_plan_issue(
                organisation=scope.organisation, by=request.user, **form.cleaned_data
            )

        if form.is_valid() and _run(form, issue):
            messages.success(request, _("Đã ghi nhận kế hoạch kiểm tra năm."))
            return redirect("discipline:year_plan_detail", pk=holder["plan"].pk)
    plans = (
        InspectionPlan.objects.filter(organisation=scope.organisation)
        .annotate(
            line_count=Count("lines", distinct=True),
            done_count=Count(
                "lines",
                filter=Q(lines__inspections__status=InspectionStatus.CLOSED),
                distinct=True,
            ),
        )
        .order_by("-year")
    )
    if exports.wanted(request):
        return _export(
            request, tables.YEAR_PLANS, plans, scope=scope, unit_ids=scope.agency_unit_ids
        )
    return _render(
        request,
        "discipline/year_plans.html",
        {"page": _page(request, plans), "form": form},
        failed=request.method == "POST",
    )


@login_required
def year_plan_detail(request, pk: int):
    """A year's inspection plan: its lines by quarter with each one's state and the
    plan's completion; an inspector or the HR officer adds lines."""
    scope = _plans_scope(request)
    plan = get_object_or_404(InspectionPlan, pk=pk, organisation=scope.organisation)
    may_plan = rules.may_plan_inspections(request.user, scope.organisation, scope.today)
    form = None
    if may_plan:
        inspectors = RoleGrant.objects.filter(
            hr_selectors.active_on(scope.today),
            role=Role.INSPECTOR,
            organisation=scope.organisation,
        ).values("user")
        form = forms.PlanLineForm(
            request.POST or None,
            units=scope.units(scope.agency_unit_ids),
            leads=Employee.objects.filter(user__in=inspectors).order_by("sort_key"),
        )
    if request.method == "POST":
        _require(form is not None)
        if form.is_valid() and _run(
            form,
            lambda: services.inspection_plan_line_add(
                plan=plan, by=request.user, **form.cleaned_data
            ),
        ):
            messages.success(request, _("Đã thêm đợt kiểm tra vào kế hoạch."))
            return redirect("discipline:year_plan_detail", pk=plan.pk)
    return _render(
        request,
        "discipline/year_plan_detail.html",
        {"plan": plan, "progress": selectors.plan_progress(plan=plan), "form": form},
        failed=request.method == "POST",
    )
