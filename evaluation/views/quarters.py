"""Quarter and half-year results: the units' and people's page for heads and the agency
leader, and the HR officer's quarterly income list with its Excel and PDF.

Each page reads through `evaluation.quarters` (set-based, a constant number of queries)
and shows only the units `hrsystem.permissions` puts in the user's scope.
"""

from __future__ import annotations

import pandas as pd
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from discipline import pdf
from evaluation import quarters, tables
from evaluation.models import Period, PeriodState
from evaluation.scoring import half_of, quarter_of
from hrsystem import clock, exports, permissions
from hrsystem.exports import XLSX, workbook
from hrsystem.forms import whole_number
from hrsystem.models import Unit
from hrsystem.permissions import viewer


def _organisation(request):
    organisation = viewer(request).organisation
    if organisation is None:
        raise PermissionDenied
    return organisation


def _chosen_quarter(request, organisation) -> tuple[int, int]:
    """`?year=&quarter=` when both are valid, else the quarter of the agency's latest
    published period, else today's quarter; 0 or 1 query."""
    year, quarter = whole_number(request.GET.get("year")), whole_number(request.GET.get("quarter"))
    if year is not None and 2000 <= year <= 2100 and quarter in (1, 2, 3, 4):
        return year, quarter
    latest = (
        Period.objects.filter(
            organisation=organisation, state__in=(PeriodState.PUBLISHED, PeriodState.LOCKED)
        )
        .order_by("-end")
        .values_list("year", "cadence", "number")
        .first()
    )
    if latest is None:
        today = clock.today()
        return today.year, quarter_of(today.month)
    year, cadence, number = latest
    return year, number if cadence == "quarterly" else quarter_of(number)


def _navigation(year: int, quarter: int) -> dict:
    previous = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    following = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
    return {"year": year, "quarter": quarter, "previous": previous, "following": following}


@login_required
def quarter_results(request):
    """A quarter's results per unit and per person, with the months behind each and the
    half-year the quarter closes or opens: every unit for the agency leader, the units
    whose records a head, deputy or HR officer views for them; `?unit=` narrows to one
    of them and its sub-units. A constant number of queries at any size."""
    organisation = _organisation(request)
    scope = permissions.results_unit_ids(request.user, organisation, clock.today())
    if not scope:
        raise PermissionDenied
    unit = None
    unit_id = whole_number(request.GET.get("unit"))
    if unit_id is not None:
        unit = Unit.objects.filter(pk=unit_id, organisation=organisation).first()
        if unit is None or unit.pk not in scope:
            raise PermissionDenied
        scope &= set(Unit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))
    year, quarter = _chosen_quarter(request, organisation)
    table = quarters.span_table(
        organisation=organisation,
        year=year,
        kind=quarters.QUARTER,
        number=quarter,
        unit_ids=scope,
        with_units=True,
    )
    half = quarters.span_table(
        organisation=organisation,
        year=year,
        kind=quarters.HALF_YEAR,
        number=half_of(quarter * 3),
        unit_ids=scope,
        with_units=True,
    )
    halves = {row.key: row for row in half.people}
    unit_halves = {row.key: row for row in half.units}
    people = [(row, halves.get(row.key)) for row in table.people]
    if exports.wanted(request):
        return exports.respond(
            request,
            tables.quarter_table(table, half),
            people,
            organisation=organisation,
            scope=unit.name if unit else exports.describe_scope(row.name for row in table.units),
        )
    return render(
        request,
        "evaluation/quarter_results.html",
        {
            "organisation": organisation,
            "unit": unit,
            "table": table,
            "half": half,
            "people": people,
            "units": [(row, unit_halves.get(row.key)) for row in table.units],
            **_navigation(year, quarter),
        },
    )


def _income(request):
    """The income list's quarter and rows for an HR officer, their units only; 403 else."""
    organisation = _organisation(request)
    scope = permissions.income_unit_ids(request.user, organisation, clock.today())
    if scope is None:
        raise PermissionDenied
    year, quarter = _chosen_quarter(request, organisation)
    table = quarters.span_table(
        organisation=organisation,
        year=year,
        kind=quarters.QUARTER,
        number=quarter,
        unit_ids=scope,
    )
    return organisation, table


@login_required
def income_list(request):
    """The HR officer's quarterly income list (NĐ 335 Điều 23): each person's quarter
    score, level and the months behind it, with the coefficient the rule set's table
    gives; without a table, the results alone and no word about money. A constant
    number of queries at any size."""
    organisation, table = _income(request)
    return render(
        request,
        "evaluation/income_list.html",
        {
            "organisation": organisation,
            "table": table,
            "query": f"year={table.year}&quarter={table.number}",
            **_navigation(table.year, table.number),
        },
    )


@login_required
def income_xlsx(request):
    """The income list as an Excel sheet (`hrsystem.exports.workbook`: numbers stay
    numbers, text never runs as a formula), one column per month behind the quarter."""
    _organisation_, table = _income(request)
    columns = [_("Mã cán bộ"), _("Họ và tên"), _("Đơn vị"), _("Điểm quý"), _("Mức xếp loại quý")]
    if table.has_income:
        columns.append(_("Hệ số thu nhập tăng thêm"))
    columns += [period.label for period in table.periods]
    records = []
    for row in table.people:
        record = [row.code, row.name, row.unit_name, row.result.score, row.level_label or ""]
        if table.has_income:
            record.append(row.coefficient)
        records.append(record + [tables.month_total(cell) for cell in row.months])
    sheet = _("Quý %(q)s-%(y)s") % {"q": table.number, "y": table.year}
    response = HttpResponse(
        workbook({sheet: pd.DataFrame.from_records(records, columns=columns)}),
        content_type=XLSX,
    )
    response["Content-Disposition"] = (
        f'attachment; filename="ket-qua-quy-{table.number}-{table.year}.xlsx"'
    )
    return response


@login_required
def income_pdf(request):
    """The income list as a signed-off document (A4 landscape, Vietnamese intact)."""
    organisation, table = _income(request)
    return pdf.pdf_response(
        "evaluation/income_pdf.html",
        {
            "organisation": organisation,
            "table": table,
            "row_tables": pdf.chunks(enumerate(table.people, start=1)),
            "printed_on": clock.today(),
        },
        f"ket-qua-quy-{table.number}-{table.year}.pdf",
    )
