"""Violations: the person's own, the list, one violation with its contest, the
contested ones, conduct recorded outside an inspection."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from discipline import forms, selectors, services, tables
from discipline import permissions as rules
from discipline.models import (
    AppliesTo,
    Violation,
    ViolationStatus,
)
from hrsystem import clock, exports
from hrsystem import permissions as hr

from .common import _catalogue, _export, _page, _render, _require, _run


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
    if exports.wanted(request):
        return _export(
            request, tables.MY_VIOLATIONS, violations, scope=rules.Scope(request), filters=month
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
    if exports.wanted(request):
        return _export(
            request, tables.VIOLATIONS, violations, scope=scope, unit_ids=scoped, filters=filters
        )
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
                {"decision_reason": "reason", "status": None, "uphold": "outcome"},
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
    contested = (
        _violations()
        .filter(
            pk__in=selectors.contests_to_decide(
                request.user, organisation=scope.organisation, manages=scope.manages
            ).values("pk")
        )
        .order_by("contested_at")
    )
    if exports.wanted(request):
        return _export(
            request,
            tables.CONTESTED,
            contested,
            scope=scope,
            unit_ids=scope.agency_unit_ids if scope.manages else scope.inspect_ids,
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
