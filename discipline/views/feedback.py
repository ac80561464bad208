"""Citizens' feedback: complaints, suggestions, satisfaction surveys."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from discipline import forms, reports, services, tables
from discipline import permissions as rules
from discipline.models import (
    ApologyReason,
    Complaint,
    ComplaintOutcome,
    SatisfactionSurvey,
    SuggestionBoxEntry,
    SurveySource,
)
from hrsystem import exports
from hrsystem import permissions as hr

from .common import _export, _page, _render, _require, _run, _year
from .desk import _desk_scope


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
    if exports.wanted(request):
        return _export(request, tables.COMPLAINTS, complaints, scope=scope, unit_ids=scope.reach)
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
        Complaint.objects.select_related(
            "employee", "target_unit", "unit", "organisation", "apology__signed_by"
        ),
        pk=pk,
    )
    scope = rules.Scope(request)
    if complaint.unit_id not in scope.reach:
        hr.refuse(request, complaint.organisation_id)
    may_decide = complaint.outcome == ComplaintOutcome.PENDING and rules.can_decide_complaint(
        request.user, complaint, scope.today
    )
    form = forms.ComplaintDecideForm(request.POST or None) if may_decide else None
    apology = getattr(complaint, "apology", None)
    apology_form = None
    if (
        complaint.outcome == ComplaintOutcome.SUBSTANTIATED
        and apology is None
        and rules.can_apologise(request.user, complaint.unit, scope.today, for_complaint=True)
    ):
        apology_form = forms.ApologyForm(
            request.POST if request.POST.get("action") == "apology" else None,
            reasons=[ApologyReason.ATTITUDE, ApologyReason.WRONG_RESULT],
            signers=scope.staff(scope.agency_unit_ids, with_self=True),
            initial={"recipient": complaint.complainant, "sent_on": scope.today},
        )
    if request.method == "POST":
        if request.POST.get("action") == "apology":
            _require(apology_form is not None)
            if apology_form.is_valid() and _run(
                apology_form,
                lambda: services.apology_record(
                    complaint=complaint, by=request.user, **apology_form.cleaned_data
                ),
                {"complaint": None},
            ):
                messages.success(request, _("Đã lưu lời xin lỗi."))
                return redirect("discipline:complaint_detail", pk=complaint.pk)
        else:
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
        {"complaint": complaint, "form": form, "apology": apology, "apology_form": apology_form},
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
    if exports.wanted(request):
        return _export(request, tables.SUGGESTIONS, entries, scope=scope, unit_ids=scope.reach)
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
