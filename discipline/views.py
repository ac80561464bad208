"""Pages of the discipline ledger: inspections and findings, violations and contests,
discipline decisions, the one-stop desk, complaints, suggestions, surveys, commitments
and the dashboards.

Views are thin. Every record named in a URL goes through one `_get_*_for_user` helper
(404 when it belongs to an agency the user has nothing to do with, 403 when it is in their
agency but outside their scope); every form's choices are limited to the person's scope;
every write is a call to `discipline.services`, which checks permission and state again.
List pages run a constant number of queries whatever their length.
"""

from datetime import date
from io import BytesIO

import pandas as pd
import tablib
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrsystem import clock
from hrsystem import permissions as hr
from hrsystem import selectors as hr_selectors
from hrsystem.models import Employee, Role, RoleGrant, Unit
from hrsystem.permissions import Perm

from . import forms, pdf, reports, selectors, services
from . import permissions as rules
from .models import (
    AppliesTo,
    Commitment,
    Complaint,
    ComplaintOutcome,
    DisciplineDecision,
    DossierRecord,
    DossierStatus,
    Inspection,
    InspectionStatus,
    SatisfactionSurvey,
    SuggestionBoxEntry,
    SurveySource,
    Violation,
    ViolationCatalogueItem,
    ViolationStatus,
    percent,
)
from .resources import DossierMonthlyCountResource

PAGE_SIZE = 50
LETTER_STATES = {
    "on_time": gettext_lazy("Đã gửi đúng hạn"),
    "sent_late": gettext_lazy("Gửi sau hạn"),
    "missing": gettext_lazy("Chưa có"),
}
"""What became of a late dossier's apology letter, in words."""
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- who the person is and what they reach ---------------------------------------------


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _run(form, call, aliases=None) -> bool:
    """Run a service call for a valid form; put its refusal on the form. True when saved."""
    try:
        call()
    except ValidationError as error:
        forms.apply_errors(form, error, aliases)
        return False
    return True


def _render(request, template: str, context: dict, *, failed: bool = False):
    response = render(request, template, context)
    if failed:
        response.status_code = 400
    return response


def _year(request, default: int) -> int:
    form = forms.YearForm(request.GET)
    return form.cleaned_data["year"] if form.is_valid() else default


def _month(request, default: date) -> date:
    form = forms.MonthForm(request.GET)
    return form.cleaned_data["month"] if form.is_valid() else default.replace(day=1)


def _catalogue(organisation, on: date, applies_to: str | None = None):
    """The catalogue in force as a queryset (for a choice field), by description; 2 queries."""
    items = selectors.catalogue_for(organisation=organisation, on=on)
    if applies_to is not None:
        items = [item for item in items if item.applies_to in (applies_to, AppliesTo.BOTH)]
    return ViolationCatalogueItem.objects.filter(pk__in=[item.pk for item in items]).order_by(
        "description"
    )


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# --- inspections -----------------------------------------------------------------------


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
    units = scope.units(scope.agency_unit_ids if scope.manages else scope.inspect_ids)
    inspectors = RoleGrant.objects.filter(
        hr_selectors.active_on(scope.today), role=Role.INSPECTOR, organisation=organisation
    ).values("user")
    heads = Employee.objects.filter(user__in=inspectors).order_by("sort_key")
    form = forms.InspectionPlanForm(
        request.POST or None,
        units=units,
        heads=heads,
        staff=scope.staff(scope.agency_unit_ids, with_self=True),
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
    return _render(
        request,
        "discipline/inspection_detail.html",
        {
            "inspection": inspection,
            "scope_units": inspection.scope.order_by("path"),
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


# --- violations ------------------------------------------------------------------------


def _violations():
    return Violation.objects.select_related(
        "employee",
        "target_unit",
        "unit",
        "item",
        "inspection__head",
        "organisation",
        "decided_by__employee",
    )


def _get_violation_for_user(request, pk: int) -> Violation:
    """The violation if it is against the person, in a unit they view or inspect, or one
    whose contest they decide (the inspection's head, the agency's HR officer)."""
    if selectors.violations_visible_to(request.user, on=clock.today()).filter(pk=pk).exists():
        return _violations().get(pk=pk)
    violation = get_object_or_404(_violations(), pk=pk)
    if rules.can_decide_contest(request.user, violation, clock.today()):
        return violation
    hr.refuse(request, violation.organisation_id)


@login_required
def my_violations(request):
    """Every violation against the person (optionally of one month), each with its
    deduction, criterion, legal basis, evidence and status, and a contest form while the
    window is open."""
    today = clock.today()
    violations = selectors.own_violations(request.user).select_related("decided_by__employee")
    month = forms.MonthForm(request.GET)
    chosen = month.cleaned_data["month"] if month.is_valid() else None
    if chosen is not None:
        violations = violations.filter(
            occurred_on__range=selectors.month_bounds(chosen.year, chosen.month)
        )
    rows = [
        (
            violation,
            violation.status == ViolationStatus.RECORDED and today <= violation.contest_deadline,
        )
        for violation in violations
    ]
    return render(
        request,
        "discipline/my_violations.html",
        {
            "rows": rows,
            "month": chosen,
            "month_form": forms.MonthForm(initial={"month": chosen}),
            "contest_form": forms.ContestForm(),
        },
    )


@login_required
def violation_list(request):
    """Violations in the units the person leads, views or inspects, filtered by unit,
    month, type and status, newest first."""
    scope = rules.Scope(request)
    scoped = scope.view_ids | scope.inspect_ids
    _require(bool(scoped))
    units = scope.units(scoped)
    catalogue = selectors.catalogue_for(organisation=scope.organisation, on=scope.today)
    violations = selectors.violations_visible_to(request.user, on=scope.today).filter(
        unit_id__in=scoped
    )
    filters = forms.ViolationFilterForm(request.GET, units=units, catalogue=catalogue)
    if filters.is_valid():
        data = filters.cleaned_data
        if data["unit"]:
            violations = violations.filter(unit__path__startswith=data["unit"].path)
        if data["month"]:
            violations = violations.filter(
                occurred_on__range=selectors.month_bounds(data["month"].year, data["month"].month)
            )
        if data["item"]:
            violations = violations.filter(item__code=data["item"])
        if data["status"]:
            violations = violations.filter(status=data["status"])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "discipline/violation_list.html",
        {
            "filters": filters,
            "page": _page(request, violations),
            "query": query.urlencode(),
            "may_record": bool(scope.lead_ids | scope.inspect_ids),
        },
    )


@login_required
def violation_detail(request, pk: int):
    """One violation with its reasons; the person contests it within the window, the
    inspection's head (or HR) decides the contest."""
    violation = _get_violation_for_user(request, pk)
    user, today = request.user, clock.today()
    may_contest = (
        rules.can_contest(user, violation, today)
        and violation.status == ViolationStatus.RECORDED
        and today <= violation.contest_deadline
    )
    may_decide = (
        rules.can_decide_contest(user, violation, today)
        and violation.status == ViolationStatus.CONTESTED
    )
    contest_form = forms.ContestForm() if may_contest else None
    decide_form = forms.DecideForm() if may_decide else None
    failed = False
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "contest":
            contest_form = forms.ContestForm(request.POST)
            if contest_form.is_valid() and _run(
                contest_form,
                lambda: services.violation_contest(
                    violation=violation, reason=contest_form.cleaned_data["reason"], by=user
                ),
                {"contest_reason": "reason", "contest_deadline": None, "status": None},
            ):
                messages.success(
                    request, _("Đã gửi khiếu nại. Trưởng đoàn kiểm tra sẽ quyết định.")
                )
                return redirect("discipline:violation_detail", pk=violation.pk)
        elif action == "decide":
            decide_form = forms.DecideForm(request.POST)
            if decide_form.is_valid() and _run(
                decide_form,
                lambda: services.violation_decide(
                    violation=violation,
                    uphold=decide_form.cleaned_data["outcome"] == "uphold",
                    reason=decide_form.cleaned_data["reason"],
                    by=user,
                ),
                {"decision_reason": "reason", "status": None},
            ):
                messages.success(request, _("Đã quyết định khiếu nại."))
                return redirect("discipline:violation_detail", pk=violation.pk)
        else:
            raise PermissionDenied
        failed = True
    return _render(
        request,
        "discipline/violation_detail.html",
        {
            "violation": violation,
            "contest_form": contest_form,
            "decide_form": decide_form,
            "history": violation.history.select_related("history_user__employee").order_by(
                "history_date"
            ),
        },
        failed=failed,
    )


@login_required
def violation_evidence(request, pk: int):
    """The evidence file of a violation the person may see, never by its stored path."""
    violation = _get_violation_for_user(request, pk)
    if not violation.evidence:
        raise Http404
    ending = violation.evidence.name.rsplit(".", 1)[-1].lower()
    return FileResponse(
        violation.evidence.open("rb"),
        filename=f"minh-chung-{violation.pk}.{ending}",
        as_attachment=False,
    )


@login_required
def contested_list(request):
    """Contests awaiting the person's decision: from inspections they head and, for the HR
    officer, of violations recorded outside an inspection."""
    scope = rules.Scope(request)
    _require(scope.manages or bool(scope.inspect_ids))
    condition = Q(inspection__head__user=request.user.pk)
    if scope.manages:
        condition |= Q(inspection__isnull=True, organisation=scope.organisation)
    contested = (
        _violations()
        .filter(condition, status=ViolationStatus.CONTESTED)
        .exclude(employee__user=request.user.pk)
        .order_by("contested_at")
    )
    return render(request, "discipline/contested_list.html", {"page": _page(request, contested)})


@login_required
def conduct_record(request):
    """A head (for their staff) or an inspector records a conduct breach outside an
    inspection."""
    scope = rules.Scope(request)
    reach = scope.lead_ids | scope.inspect_ids
    _require(bool(reach))
    form = forms.ConductForm(
        request.POST or None,
        request.FILES or None,
        staff=scope.staff(reach),
        catalogue=_catalogue(scope.organisation, scope.today, AppliesTo.PERSON),
        initial={"occurred_on": scope.today},
    )
    if request.method == "POST" and form.is_valid():
        holder = {}

        def record():
            data = dict(form.cleaned_data)
            data["evidence"] = data["evidence"] or None
            holder["violation"] = services.violation_record(by=request.user, **data)

        if _run(form, record):
            messages.success(request, _("Đã ghi nhận vi phạm."))
            return redirect("discipline:violation_detail", pk=holder["violation"].pk)
    return _render(
        request,
        "discipline/form_page.html",
        {
            "form": form,
            "title": _("Ghi nhận vi phạm quy tắc ứng xử"),
            "submit": _("Ghi nhận"),
            "back": reverse("discipline:violation_list"),
            "multipart": True,
        },
        failed=form.is_bound and not form.is_valid(),
    )


# --- discipline decisions --------------------------------------------------------------


@login_required
def decision_list(request):
    """The year's discipline decisions the person may see: their own, their units', or all
    of the agency for its HR officer — the people disciplined in the year."""
    scope = rules.Scope(request)
    year = _year(request, scope.today.year)
    decisions = DisciplineDecision.objects.filter(decided_on__year=year)
    if scope.manages:
        decisions = decisions.filter(organisation=scope.organisation)
    else:
        decisions = decisions.filter(
            Q(employee__user=request.user.pk) | Q(unit_id__in=scope.view_ids)
        )
    decisions = decisions.select_related("employee", "unit", "form").order_by(
        "decided_on", "number"
    )
    return render(
        request,
        "discipline/decision_list.html",
        {
            "year": year,
            "year_form": forms.YearForm(initial={"year": year}),
            "page": _page(request, decisions),
            "query": f"year={year}",
            "may_record": scope.manages,
        },
    )


@login_required
def decision_record(request):
    """The HR officer enters a discipline decision."""
    scope = rules.Scope(request)
    _require(scope.manages)
    staff = scope.staff(scope.agency_unit_ids)
    violations = (
        Violation.objects.filter(organisation=scope.organisation, employee__isnull=False)
        .exclude(status=ViolationStatus.ANNULLED)
        .select_related("employee", "item")
        .order_by("employee__sort_key", "-occurred_on")
    )
    form = forms.DecisionForm(
        request.POST or None,
        staff=staff,
        violations=violations,
        initial={"decided_on": scope.today, "effect_from": scope.today},
    )
    if request.method == "POST" and form.is_valid():
        holder = {}

        def decide():
            holder["decision"] = services.discipline_decide(by=request.user, **form.cleaned_data)

        if _run(form, decide):
            messages.success(request, _("Đã nhập quyết định kỷ luật."))
            return redirect("discipline:decision_detail", pk=holder["decision"].pk)
    return _render(
        request,
        "discipline/form_page.html",
        {
            "form": form,
            "title": _("Nhập quyết định kỷ luật"),
            "submit": _("Lưu quyết định"),
            "back": reverse("discipline:decision_list"),
        },
        failed=form.is_bound and not form.is_valid(),
    )


@login_required
def decision_detail(request, pk: int):
    """One discipline decision with its linked violations."""
    decision = get_object_or_404(
        DisciplineDecision.objects.select_related("employee", "unit", "form", "organisation"),
        pk=pk,
    )
    scope = rules.Scope(request)
    if not (
        decision.employee.user_id == request.user.pk
        or decision.unit_id in scope.view_ids
        or rules.manages(request.user, decision.organisation)
    ):
        hr.refuse(request, decision.organisation_id)
    return render(
        request,
        "discipline/decision_detail.html",
        {
            "decision": decision,
            "violations": decision.violations.select_related("item").order_by("occurred_on"),
        },
    )


# --- the one-stop desk -----------------------------------------------------------------


def _desk_scope(request) -> rules.Scope:
    scope = rules.Scope(request)
    _require(bool(scope.reach))
    return scope


@login_required
def desk(request):
    """The one-stop desk for a month: dossiers received or settled in it, in the person's
    units, and the late dossiers whose apology letter is missing or late."""
    scope = _desk_scope(request)
    month = _month(request, scope.today)
    first, last = selectors.month_bounds(month.year, month.month)
    dossiers = (
        DossierRecord.objects.filter(unit_id__in=scope.reach)
        .filter(Q(received_on__range=(first, last)) | Q(settled_on__range=(first, last)))
        .select_related("unit", "officer", "apology_letter")
        .order_by("unit__path", "due_on", "code")
    )
    flags = [
        flag
        for flag in selectors.apology_letter_flags(
            organisation=scope.organisation, start=first, end=last, today=scope.today
        )
        if flag.unit_id in scope.reach
    ]
    return render(
        request,
        "discipline/desk.html",
        {
            "month": month,
            "month_form": forms.MonthForm(initial={"month": month}),
            "page": _page(request, dossiers),
            "flags": flags,
            "may_record": bool(scope.desk_ids),
        },
    )


@login_required
def dossier_record(request):
    """The one-stop officer records a dossier received (and its result, if settled)."""
    scope = rules.Scope(request)
    _require(bool(scope.desk_ids))
    form = forms.DossierForm(
        request.POST or None,
        units=scope.units(scope.desk_ids),
        staff=scope.staff(scope.agency_unit_ids),
        initial={"received_on": scope.today},
    )
    if request.method == "POST" and form.is_valid():
        holder = {}

        def record():
            holder["dossier"] = services.dossier_record(by=request.user, **form.cleaned_data)

        if _run(form, record):
            messages.success(request, _("Đã ghi nhận hồ sơ."))
            return redirect("discipline:dossier_detail", pk=holder["dossier"].pk)
    return _render(
        request,
        "discipline/form_page.html",
        {
            "form": form,
            "title": _("Tiếp nhận hồ sơ"),
            "submit": _("Ghi nhận hồ sơ"),
            "back": reverse("discipline:desk"),
        },
        failed=form.is_bound and not form.is_valid(),
    )


def _get_dossier_for_user(request, pk: int) -> DossierRecord:
    dossier = get_object_or_404(
        DossierRecord.objects.select_related("unit", "officer", "organisation"), pk=pk
    )
    if dossier.unit_id in rules.Scope(request).reach:
        return dossier
    hr.refuse(request, dossier.organisation_id)


@login_required
def dossier_detail(request, pk: int):
    """A dossier: the desk records its result and apology letter; the officer's head
    certifies an objective cause of a late one."""
    dossier = _get_dossier_for_user(request, pk)
    user, today = request.user, clock.today()
    letter = getattr(dossier, "apology_letter", None)
    may_desk = rules.can_record_desk(user, dossier.unit, today)
    may_letter = (may_desk or rules.leads(user, dossier.unit, today)) and letter is None
    may_excuse = (
        dossier.status == DossierStatus.LATE
        and not dossier.excused
        and hr.can_certify_delay(user, dossier.officer, dossier.settled_on or today)
    )
    settle_form = forms.SettleForm() if may_desk and dossier.settled_on is None else None
    letter_form = (
        forms.LetterForm() if may_letter and dossier.status != DossierStatus.ON_TIME else None
    )
    excuse_form = forms.ExcuseForm() if may_excuse else None
    failed = False
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "settle" and settle_form is not None:
            settle_form = forms.SettleForm(request.POST)
            saved = settle_form.is_valid() and _run(
                settle_form,
                lambda: services.dossier_settle(
                    dossier=dossier, by=user, **settle_form.cleaned_data
                ),
            )
        elif action == "letter" and letter_form is not None:
            letter_form = forms.LetterForm(request.POST)
            saved = letter_form.is_valid() and _run(
                letter_form,
                lambda: services.apology_letter_record(
                    dossier=dossier, by=user, **letter_form.cleaned_data
                ),
                {"dossier": None},
            )
        elif action == "excuse" and excuse_form is not None:
            excuse_form = forms.ExcuseForm(request.POST)
            saved = excuse_form.is_valid() and _run(
                excuse_form,
                lambda: services.dossier_excuse(
                    dossier=dossier, reason=excuse_form.cleaned_data["reason"], by=user
                ),
                {"excuse_reason": "reason", "dossier": None},
            )
        else:
            raise PermissionDenied
        if saved:
            messages.success(request, _("Đã lưu."))
            return redirect("discipline:dossier_detail", pk=dossier.pk)
        failed = True
    return _render(
        request,
        "discipline/dossier_detail.html",
        {
            "dossier": dossier,
            "letter": letter,
            "settle_form": settle_form,
            "letter_form": letter_form,
            "excuse_form": excuse_form,
        },
        failed=failed,
    )


def _import_errors(result) -> list[str]:
    """Every error of an import result as a sentence naming the row and the column."""
    found = [str(error.error) for error in result.base_errors]
    for number, errors in result.row_errors():
        found += [
            _("Dòng %(row)s: %(error)s") % {"row": number + 1, "error": error.error}
            for error in errors
        ]
    for invalid in result.invalid_rows:
        for texts in invalid.error_dict.values():
            found += list(texts)
    return found


def _dataset(upload) -> tablib.Dataset:
    content = upload.read()
    if upload.name.lower().endswith(".xlsx"):
        return tablib.Dataset().load(BytesIO(content), format="xlsx")
    return tablib.Dataset().load(content.decode("utf-8-sig"), format="csv")


@login_required
def count_import(request):
    """Import units' monthly dossier counts from a spreadsheet: every row is checked
    first, and nothing is saved while any row has an error."""
    scope = rules.Scope(request)
    _require(bool(scope.desk_ids) or scope.manages)
    form = forms.CountImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            dataset = _dataset(form.cleaned_data["file"])
        except Exception:  # noqa: BLE001 — any unreadable file is the same mistake to the user
            form.add_error("file", _("Không đọc được tệp: hãy lưu lại dưới dạng .xlsx hoặc .csv."))
        else:
            resource = DossierMonthlyCountResource()
            checked = resource.import_data(dataset, dry_run=True, user=request.user)
            errors = _import_errors(checked)
            if not errors:
                resource.import_data(dataset, dry_run=False, user=request.user)
                messages.success(
                    request,
                    _("Đã nhập số liệu của %(count)s dòng.") % {"count": len(dataset)},
                )
                return redirect("discipline:desk")
    return _render(
        request,
        "discipline/count_import.html",
        {"form": form, "import_errors": errors},
        failed=bool(errors) or (form.is_bound and not form.is_valid()),
    )


def _timeliness(request):
    scope = _desk_scope(request)
    month = _month(request, scope.today)
    report = selectors.timeliness_report(
        organisation=scope.organisation, year=month.year, month=month.month
    )
    units = [row for row in report.units if row.unit_id in scope.reach]
    late = [(unit, dossier) for unit in units for dossier in unit.late_dossiers]
    return scope, month, report, units, late


@login_required
def timeliness(request):
    """The monthly dossier timeliness report (due by the 15th of the next month)."""
    scope, month, report, units, late = _timeliness(request)
    return render(
        request,
        "discipline/timeliness.html",
        {
            "month": month,
            "month_form": forms.MonthForm(initial={"month": month}),
            "report": report,
            "units": units,
            "late": late,
            "organisation": scope.organisation,
            "query": f"month={month:%Y-%m}",
        },
    )


@login_required
def timeliness_pdf(request):
    scope, month, report, units, late = _timeliness(request)
    return pdf.pdf_response(
        "discipline/timeliness_pdf.html",
        {
            "organisation": scope.organisation,
            "report": report,
            "units": units,
            "late_tables": pdf.chunks(late),
            "printed_on": scope.today,
        },
        f"bao-cao-dung-han-{month:%Y-%m}.pdf",
    )


def _xlsx(sheets: dict[str, pd.DataFrame], filename: str) -> HttpResponse:
    """An Excel download, one sheet per frame (see `reports.workbook`)."""
    response = HttpResponse(reports.workbook(sheets), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def timeliness_xlsx(request):
    _scope, month, _report, units, late = _timeliness(request)
    summary = pd.DataFrame.from_records(
        [
            (unit.unit_code, unit.unit_name, unit.on_time, unit.late, unit.on_time_rate)
            for unit in units
        ],
        columns=[_("Mã đơn vị"), _("Đơn vị"), _("Đúng hạn"), _("Trễ hạn"), _("Tỷ lệ đúng hạn (%)")],
    )
    late = pd.DataFrame.from_records(
        [
            (
                unit.unit_name,
                dossier.code,
                dossier.citizen_name,
                dossier.officer_name,
                dossier.due_on,
                dossier.settled_on,
                dossier.days_late,
                _("Có") if dossier.excused else _("Không"),
                LETTER_STATES[dossier.apology_letter],
            )
            for unit, dossier in late
        ],
        columns=[
            _("Đơn vị"),
            _("Mã hồ sơ"),
            _("Tổ chức, công dân"),
            _("Cán bộ xử lý"),
            _("Ngày hẹn trả"),
            _("Ngày trả kết quả"),
            _("Số ngày trễ"),
            _("Nguyên nhân khách quan"),
            _("Thư xin lỗi"),
        ],
    )
    return _xlsx(
        {_("Tổng hợp"): summary, _("Hồ sơ trễ hạn"): late},
        f"bao-cao-dung-han-{month:%Y-%m}.xlsx",
    )


# --- complaints, suggestions, surveys --------------------------------------------------


@login_required
def complaint_list(request):
    """Complaints about the person's units, newest first, and a form to record one."""
    scope = _desk_scope(request)
    may_record = bool(scope.desk_ids or scope.inspect_ids) or scope.manages
    form = None
    if may_record:
        units = scope.units(scope.reach)
        form = forms.ComplaintForm(
            request.POST or None,
            staff=scope.staff(scope.reach),
            units=units,
            initial={"received_on": scope.today},
        )
    if request.method == "POST":
        _require(form is not None)
        if form.is_valid():
            data = dict(form.cleaned_data)
            target = form.target_kwargs()
            for name in ("target", "employee", "unit"):
                data.pop(name)
            if _run(form, lambda: services.complaint_record(by=request.user, **data, **target)):
                messages.success(request, _("Đã ghi nhận phản ánh."))
                return redirect("discipline:complaint_list")
    complaints = (
        Complaint.objects.filter(unit_id__in=scope.reach)
        .select_related("employee", "target_unit", "unit")
        .order_by("-received_on", "-pk")
    )
    return _render(
        request,
        "discipline/complaint_list.html",
        {"page": _page(request, complaints), "form": form},
        failed=request.method == "POST",
    )


@login_required
def complaint_detail(request, pk: int):
    """A complaint; an inspector of the unit or the HR officer concludes it."""
    complaint = get_object_or_404(
        Complaint.objects.select_related("employee", "target_unit", "unit", "organisation"),
        pk=pk,
    )
    scope = rules.Scope(request)
    if complaint.unit_id not in scope.reach:
        hr.refuse(request, complaint.organisation_id)
    may_decide = complaint.outcome == ComplaintOutcome.PENDING and rules.can_decide_complaint(
        request.user, complaint, scope.today
    )
    form = forms.ComplaintDecideForm(request.POST or None) if may_decide else None
    if request.method == "POST":
        _require(form is not None)
        if form.is_valid() and _run(
            form,
            lambda: services.complaint_decide(
                complaint=complaint,
                substantiated=form.cleaned_data["outcome"] == "yes",
                note=form.cleaned_data["note"],
                by=request.user,
            ),
            {"decision_note": "note", "outcome": None},
        ):
            messages.success(request, _("Đã kết luận phản ánh."))
            return redirect("discipline:complaint_detail", pk=complaint.pk)
    return _render(
        request,
        "discipline/complaint_detail.html",
        {"complaint": complaint, "form": form},
        failed=request.method == "POST",
    )


@login_required
def suggestion_list(request):
    """Suggestion-box entries of the agency, and a form for the desk or the HR officer."""
    scope = _desk_scope(request)
    form = None
    if scope.desk_ids or scope.manages:
        form = forms.SuggestionForm(
            request.POST or None,
            units=scope.units(scope.agency_unit_ids if scope.manages else scope.desk_ids),
            initial={"opened_on": scope.today},
        )
    if request.method == "POST":
        _require(form is not None)
        if form.is_valid() and _run(
            form,
            lambda: services.suggestion_record(
                organisation=scope.organisation, by=request.user, **form.cleaned_data
            ),
        ):
            messages.success(request, _("Đã ghi nhận góp ý."))
            return redirect("discipline:suggestion_list")
    entries = (
        SuggestionBoxEntry.objects.filter(organisation=scope.organisation)
        .filter(Q(unit__isnull=True) | Q(unit_id__in=scope.reach))
        .select_related("unit")
        .order_by("-opened_on", "-pk")
    )
    return _render(
        request,
        "discipline/suggestion_list.html",
        {"page": _page(request, entries), "form": form},
        failed=request.method == "POST",
    )


@login_required
def survey_dashboard(request):
    """Satisfaction of the year per unit: a bar chart of the year's totals with the same
    figures as a table, each survey, and a form for the desk or the HR officer."""
    scope = _desk_scope(request)
    year = _year(request, scope.today.year)
    form = None
    if scope.desk_ids or scope.manages:
        form = forms.SurveyForm(
            request.POST or None,
            units=scope.units(scope.agency_unit_ids if scope.manages else scope.desk_ids),
            initial={"year": year, "month": scope.today.month},
        )
    if request.method == "POST":
        _require(form is not None)
        if form.is_valid() and _run(
            form, lambda: services.survey_record(by=request.user, **form.cleaned_data)
        ):
            messages.success(request, _("Đã ghi nhận kết quả khảo sát."))
            return redirect(f"{reverse('discipline:survey_dashboard')}?year={year}")
    codes = set(scope.units(scope.reach).values_list("code", flat=True))
    totals = reports.survey_year_totals(organisation=scope.organisation, year=year)
    totals = totals[totals["unit_code"].isin(codes)].assign(
        source=lambda frame: [SurveySource(code).label for code in frame["source"]]
    )
    surveys = (
        SatisfactionSurvey.objects.filter(year=year, unit_id__in=scope.reach)
        .select_related("unit")
        .order_by("unit__path", "source", "month", "period_label")
    )
    return _render(
        request,
        "discipline/survey_dashboard.html",
        {
            "year": year,
            "year_form": forms.YearForm(initial={"year": year}),
            "totals": totals.to_dict("records"),
            "bars": [(row["unit_name"], row["satisfied_pct"]) for _i, row in totals.iterrows()],
            "surveys": surveys,
            "form": form,
        },
        failed=request.method == "POST",
    )


# --- commitments -----------------------------------------------------------------------


@login_required
def commitment_board(request):
    """The year's conduct commitments: who has signed and who has not. The person signs
    their own; the HR officer issues the year's commitments to everyone."""
    scope = rules.Scope(request)
    year = _year(request, scope.today.year)
    organisation = scope.organisation
    issue_form = (
        forms.CommitmentsIssueForm(request.POST or None, initial={"year": year})
        if scope.manages
        else None
    )
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "sign":
            commitment = Commitment.objects.filter(
                pk=request.POST.get("commitment") or 0, signer__user=request.user.pk
            ).first()
            if commitment is None:
                raise Http404
            try:
                services.commitment_sign(commitment=commitment, by=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Đã ký bản cam kết."))
            return redirect(f"{reverse('discipline:commitment_board')}?year={commitment.year}")
        _require(action == "issue" and issue_form is not None)
        issued = []
        if issue_form.is_valid() and _run(
            issue_form,
            lambda: issued.extend(
                services.commitments_issue_year(
                    organisation=organisation,
                    on=scope.today,
                    by=request.user,
                    **issue_form.cleaned_data,
                )
            ),
        ):
            messages.success(
                request, _("Đã phát hành %(count)s bản cam kết.") % {"count": len(issued)}
            )
            year = issue_form.cleaned_data["year"]
            return redirect(f"{reverse('discipline:commitment_board')}?year={year}")
    commitments = Commitment.objects.filter(organisation=organisation, year=year)
    if not (scope.manages or organisation.pk in _leading_agencies(scope)):
        commitments = commitments.filter(
            Q(signer__user=request.user.pk) | Q(unit_id__in=scope.view_ids)
        )
    commitments = list(
        commitments.select_related("signer", "counterpart", "unit").order_by(
            "level", "unit__path", "signer__full_name"
        )
    )
    signed = sum(1 for commitment in commitments if commitment.signed_on)
    return _render(
        request,
        "discipline/commitment_board.html",
        {
            "year": year,
            "year_form": forms.YearForm(initial={"year": year}),
            "commitments": commitments,
            "signed": signed,
            "unsigned": len(commitments) - signed,
            "issue_form": issue_form,
        },
        failed=request.method == "POST",
    )


def _leading_agencies(scope: rules.Scope) -> set[int]:
    """Agencies whose root unit the person leads today (the agency leader sees all)."""
    return {post.unit.organisation_id for post in scope.person.posts if post.unit.parent_id is None}


# --- dashboards ------------------------------------------------------------------------


def _report_frames(request):
    scope = rules.Scope(request)
    _require(bool(scope.view_ids) or scope.manages)
    year = _year(request, scope.today.year)
    month = _month(request, scope.today)
    if month.year != year:
        month = date(year, 12 if year < scope.today.year else scope.today.month, 1)
    codes = set(scope.units(scope.reach).values_list("code", flat=True))
    organisation = scope.organisation

    def mine(frame):
        return frame[frame["unit_code"].isin(codes)].reset_index(drop=True)

    first, last = selectors.month_bounds(month.year, month.month)
    frames = {
        "violations": mine(
            reports.violations_by_unit_type_month(organisation=organisation, year=year)
        ),
        "compliance": mine(
            reports.office_culture_compliance(organisation=organisation, start=first, end=last)
        ),
        "on_time": mine(reports.on_time_rates(organisation=organisation, year=year)),
        "disciplined": reports.people_disciplined(organisation=organisation, year=year),
    }
    if not scope.manages:
        frames["disciplined"] = frames["disciplined"][
            frames["disciplined"]["unit_code"].isin(codes)
        ]
    return scope, year, month, frames


def _pivot(frame: pd.DataFrame, index: list[str], value: str) -> list[dict]:
    """Rows of `frame` grouped by `index` with one `months` list (1–12) of `value`."""
    rows: dict[tuple, dict] = {}
    for record in frame.to_dict("records"):
        key = tuple(record[name] for name in index)
        row = rows.setdefault(key, {**dict(zip(index, key, strict=True)), "months": [None] * 12})
        row["months"][int(record["month"]) - 1] = record[value]
    return list(rows.values())


@login_required
def report_dashboard(request):
    """Violations by unit, type and month; office-culture compliance per unit; on-time
    rates per unit and month; people disciplined — charts with their tables."""
    scope, year, month, frames = _report_frames(request)
    on_time = frames["on_time"]
    year_rates = []
    if not on_time.empty:
        sums = on_time.groupby(["unit_code", "unit_name"], sort=False)[["on_time", "late"]].sum()
        for (_code, name), row in sums.iterrows():
            total = int(row["on_time"]) + int(row["late"])
            year_rates.append((name, percent(int(row["on_time"]), total)))
    compliance = frames["compliance"].to_dict("records")
    return render(
        request,
        "discipline/report_dashboard.html",
        {
            "year": year,
            "month": month,
            "filter_query": f"year={year}&month={month:%Y-%m}",
            "year_form": forms.YearForm(initial={"year": year}),
            "month_form": forms.MonthForm(initial={"month": month}),
            "violations": _pivot(
                frames["violations"], ["unit_code", "unit_name", "code", "description"], "count"
            ),
            "compliance": compliance,
            "compliance_bars": [(row["unit_name"], row["rate"]) for row in compliance],
            "on_time": _pivot(on_time, ["unit_code", "unit_name"], "rate"),
            "year_rates": year_rates,
            "disciplined": frames["disciplined"].to_dict("records"),
            "month_numbers": range(1, 13),
        },
    )


@login_required
def report_xlsx(request):
    """The dashboards' tables as an Excel workbook; violations read by their description,
    the catalogue code beside it."""
    _scope, year, month, frames = _report_frames(request)
    headings = {
        "unit_code": _("Mã đơn vị"),
        "unit_name": _("Đơn vị"),
        "description": _("Hành vi vi phạm"),
        "code": _("Mã trong danh mục"),
        "month": _("Tháng"),
        "count": _("Số vi phạm"),
        "points": _("Điểm trừ"),
        "staff": _("Số người"),
        "compliant": _("Số người chấp hành"),
        "rate": _("Tỷ lệ (%)"),
        "on_time": _("Đúng hạn"),
        "late": _("Trễ hạn"),
        "reported": _("Số liệu báo cáo"),
        "number": _("Số quyết định"),
        "decided_on": _("Ngày quyết định"),
        "employee_code": _("Mã cán bộ"),
        "full_name": _("Họ và tên"),
        "form": _("Hình thức kỷ luật"),
        "severity": _("Mức độ"),
        "public_duty": _("Vi phạm công vụ"),
        "effect_from": _("Hiệu lực từ"),
        "effect_to": _("Hiệu lực đến"),
        "signer_name": _("Người ký"),
        "legal_basis": _("Căn cứ pháp lý"),
    }
    sheets = {
        _("Vi phạm %(year)s") % {"year": year}: frames["violations"][
            ["unit_code", "unit_name", "description", "code", "month", "count", "points"]
        ],
        _("Văn hoá công sở %(month)s") % {"month": f"{month:%m-%Y}"}: frames["compliance"],
        _("Đúng hạn %(year)s") % {"year": year}: frames["on_time"],
        _("Kỷ luật %(year)s") % {"year": year}: frames["disciplined"],
    }
    return _xlsx(
        {name: frame.rename(columns=headings) for name, frame in sheets.items()},
        f"bao-cao-ky-luat-{year}.xlsx",
    )
