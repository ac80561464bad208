"""Discipline decisions: the list, recording one, one decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from discipline import forms, services, tables
from discipline import permissions as rules
from discipline.models import (
    DisciplineDecision,
    Violation,
    ViolationStatus,
)
from hrsystem import exports
from hrsystem import permissions as hr

from .common import _export, _page, _render, _require, _run, _year


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
    if exports.wanted(request):
        return _export(
            request,
            tables.DECISIONS,
            decisions,
            scope=scope,
            unit_ids=scope.view_ids if scope.manages or scope.view_ids else None,
            notes=[_("Năm %(year)s") % {"year": year}],
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
