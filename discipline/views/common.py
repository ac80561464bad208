"""What the ledger's pages share: form runs, 400 renders, year and month filters,
the catalogue in force, paging, spreadsheet downloads."""

from __future__ import annotations

from datetime import date

import pandas as pd
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from discipline import forms, selectors
from discipline.models import (
    AppliesTo,
    ViolationCatalogueItem,
)
from hrsystem import exports
from hrsystem.service_checks import require as _require  # noqa: F401 — the pages' 403

PAGE_SIZE = 50


LETTER_STATES = {
    "on_time": gettext_lazy("Đã gửi đúng hạn"),
    "sent_late": gettext_lazy("Gửi sau hạn"),
    "missing": gettext_lazy("Chưa có"),
}


"""What became of a late dossier's apology letter, in words."""


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


def _export(request, table, rows, *, scope, unit_ids=None, filters=None, notes=()):
    """A list page's rows as its Excel export, the title block naming the agency and the
    units the page covers (`unit_ids`; the whole agency for its HR officer, else the
    person's own records when None)."""
    if unit_ids is None:
        covered = scope.person.employee.full_name if scope.person.employee else ""
    elif scope.manages or set(unit_ids) >= scope.agency_unit_ids:
        covered = gettext_lazy("Toàn cơ quan")
    else:
        covered = exports.describe_scope(scope.units(unit_ids).values_list("name", flat=True))
    return exports.respond(
        request,
        table,
        rows,
        organisation=scope.organisation,
        scope=covered,
        filters=filters,
        notes=notes,
    )


def _xlsx(sheets: dict[str, pd.DataFrame], filename: str) -> HttpResponse:
    """An Excel download, one sheet per frame (see `hrsystem.exports.workbook`)."""
    response = HttpResponse(exports.workbook(sheets), content_type=exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
