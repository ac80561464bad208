"""The year's official forms as files: a person's rating sheet (Mẫu số 02), the rating
list and the emulation decision's annex (of the agency, or of one unit), every sheet as
a background job, and the published list's or annex's issuing and signing.

In scope: a person their own sheet (and whoever may see their year); a unit's list and
annex to whoever views the unit's records; the agency's to those who read every unit's
results (the agency leader, HR, the board).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evaluation import services as evaluation_services
from evaluation.annual import models
from evaluation.paper import annual as forms
from evaluation.views.paper import XLSX, _file, start_sheets_job
from hrsystem import permissions
from hrsystem.models import Employee, Unit
from hrsystem.permissions import Perm

from .views import _on, _organisation, _year

PDF = "application/pdf"
KINDS = ("list", "annex")


@login_required
def person_form(request, year: int, employee_id: int, fmt: str):
    """A person's rating sheet (Mẫu số 02; a leader's adds the unit's result), to the
    person and whoever may see their year."""
    if fmt not in ("pdf", "xlsx"):
        raise Http404
    year = _year(year)
    employee = get_object_or_404(Employee, pk=employee_id)
    result = get_object_or_404(
        models.AnnualResult.objects.select_related("organisation"), year=year, employee=employee
    )
    on = _on(year)
    user = request.user
    if not (
        permissions.can_read_results(user, result.organisation, on)
        or permissions.can_view_employee(user, employee, on)
    ):
        permissions.refuse(request, result.organisation_id)
    sheet = forms.year_sheet(result)
    name = sheet.document_id.lower()
    if fmt == "pdf":
        return _file(forms.sheet_pdf(sheet), PDF, f"{name}.pdf", inline=True)
    return _file(forms.sheet_xlsx(sheet), XLSX, f"{name}.xlsx", inline=False)


def scoped_unit(request, organisation, year: int) -> Unit | None:
    """The unit `?unit=` (or POST `unit`) names, if the user may print its forms; None for
    the agency, which only those who read every unit's results may print."""
    on = _on(year)
    raw = request.POST.get("unit") or request.GET.get("unit") or ""
    unit = None
    if raw:
        if not raw.isdigit():
            raise Http404
        unit = get_object_or_404(Unit, pk=int(raw), organisation=organisation)
    if permissions.can_read_results(request.user, organisation, on):
        return unit
    if unit is None or unit.pk not in permissions.unit_ids_for(
        request.user, Perm.VIEW_UNIT_RECORDS, on
    ):
        raise PermissionDenied
    return unit


@login_required
def year_form(request, year: int, kind: str, fmt: str):
    """The rating list or the emulation annex of the agency (or `?unit=` one unit)."""
    if kind not in KINDS or fmt not in ("pdf", "xlsx"):
        raise Http404
    year = _year(year)
    organisation = _organisation(request)
    unit = scoped_unit(request, organisation, year)
    if kind == "list":
        document = forms.rating_list(organisation, year, unit)
        render_pdf, render_xlsx = forms.rating_list_pdf, forms.rating_list_xlsx
    else:
        document = forms.annex(organisation, year, unit)
        render_pdf, render_xlsx = forms.annex_pdf, forms.annex_xlsx
    name = document.document_id.lower()
    if fmt == "pdf":
        return _file(render_pdf(document), PDF, f"{name}.pdf", inline=True)
    return _file(render_xlsx(document), XLSX, f"{name}.xlsx", inline=False)


@login_required
@require_POST
def sheets_job(request, year: int):
    """Every rating sheet of the agency (or of `unit`) as one PDF or a zip (`bundle`),
    printed by a background job."""
    year = _year(year)
    return start_sheets_job(request, _organisation(request), {"year": year})


@login_required
@require_POST
def issue(request, year: int, kind: str):
    """Issue the published year's list or annex of the agency (archived) and, with
    `sign`, sign it with the agency's certificate (HR; the services check)."""
    if kind not in KINDS:
        raise Http404
    year = _year(year)
    organisation = _organisation(request)
    try:
        document = evaluation_services.year_document_issue(
            organisation=organisation, year=year, kind=kind, by=request.user
        )
        if request.POST.get("sign"):
            evaluation_services.document_sign(document=document, by=request.user)
            messages.success(request, _("Đã ký số %(number)s.") % {"number": document.document_id})
        else:
            messages.success(
                request, _("Đã phát hành %(number)s.") % {"number": document.document_id}
            )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("annual:units", year=year)
