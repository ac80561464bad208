"""Excel exports of the list pages, and the one Excel writer of the project's tables.

A list page declares its columns once (a `Table`) and hands the rows it shows (its own
selector, scope and filters, before pagination) to `respond` when the request asks for
`?export=xlsx`: the page and its export are one view, so they cannot differ in who may
see them, which rows or which filters. The template adds the link with
`{% include "includes/export_xlsx.html" %}`.

The workbook is written in openpyxl's write-only mode to a temporary file and streamed
back, rows read from the queryset in chunks: memory stays bounded at any size. A sheet
opens with a title block (agency, scope, filters, print date), then the header row,
frozen, with Vietnamese headers; numbers stay numbers, dates are dates (dd/mm/yyyy) and
no text is ever run as a formula.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from operator import attrgetter

from django import forms
from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from hrsystem import clock
from hrsystem.resources import neutralise

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_PARAMETER = "export"
CHUNK = 2000
"""Rows read from the database per round trip while writing (bounded memory)."""

DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
HEADER_FILL = PatternFill("solid", start_color="DDE4EE")
WIDTHS = {"text": 30, "number": 12, "date": 12, "datetime": 17}
MAX_SCOPE_NAMES = 5


@dataclass(frozen=True)
class Column:
    """One column: its header (Vietnamese, through gettext), how a row gives its value
    (an attribute path such as "employee.full_name", or a function of the row) and the
    cell's kind ("text", "number", "date", "datetime")."""

    header: object
    value: str | Callable
    kind: str = "text"
    width: int | None = None

    def of(self, row):
        if callable(self.value):
            return self.value(row)
        try:
            return attrgetter(self.value)(row)
        except AttributeError:  # a missing relation (None) along the path
            return None


@dataclass(frozen=True)
class Table:
    """A list page's export: title (the page's heading), file name stem and columns."""

    title: object
    filename: str
    columns: list[Column] = field(default_factory=list)


def wanted(request) -> bool:
    """Whether the request asks for the page's Excel export rather than the page."""
    return request.GET.get(EXPORT_PARAMETER) == "xlsx"


def describe_filters(form: forms.Form | None) -> list[str]:
    """ "Label: value" of each filter the form was given and accepted, in its order."""
    if form is None or not form.is_bound or not form.is_valid():
        return []
    described = []
    for name, bound in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", [], ()):
            continue
        if isinstance(bound, forms.ChoiceField) and not isinstance(bound, forms.ModelChoiceField):
            value = dict(bound.choices).get(value, value)
        elif isinstance(value, date):
            value = value.strftime("%m/%Y" if name == "month" else "%d/%m/%Y")
        described.append(f"{bound.label}: {value}")
    return described


def describe_scope(names: Iterable[str]) -> str:
    """The units an export covers, the first few by name."""
    names = list(names)
    shown = ", ".join(names[:MAX_SCOPE_NAMES])
    if len(names) > MAX_SCOPE_NAMES:
        shown += " " + _("và %(count)s đơn vị khác") % {"count": len(names) - MAX_SCOPE_NAMES}
    return shown


def _cell(sheet, value, kind: str):
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        cell = WriteOnlyCell(sheet, value=value)
    elif isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
    elif value is None:
        cell = WriteOnlyCell(sheet, value=None)
    else:
        cell = WriteOnlyCell(sheet, value=neutralise(str(value)))
        if kind == "text":
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def _rows(rows):
    if isinstance(rows, QuerySet):
        return rows.iterator(chunk_size=CHUNK)
    return rows


def write_sheet(workbook: Workbook, *, title, columns: list[Column], rows, heading=()) -> None:
    """Add one sheet to a write-only workbook: the `heading` lines (bold first), a blank
    line, the header row (frozen, filtered) and one line per row."""
    sheet = workbook.create_sheet(title=str(title)[:31])
    for index, column in enumerate(columns, start=1):
        width = column.width or max(WIDTHS[column.kind], len(str(column.header)) + 2)
        sheet.column_dimensions[get_column_letter(index)].width = width
    header_at = len(heading) + (2 if heading else 1)
    sheet.freeze_panes = f"A{header_at + 1}"
    if columns:
        last = get_column_letter(len(columns))
        sheet.auto_filter.ref = f"A{header_at}:{last}{header_at}"
    for number, line in enumerate(heading):
        cell = WriteOnlyCell(sheet, value=neutralise(str(line)))
        cell.font = Font(bold=number == 0, size=13 if number == 0 else 11)
        sheet.append([cell])
    if heading:
        sheet.append([])
    headers = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=str(column.header))
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        headers.append(cell)
    sheet.append(headers)
    for row in _rows(rows):
        sheet.append([_cell(sheet, column.of(row), column.kind) for column in columns])


def file_response(workbook: Workbook, filename: str) -> FileResponse:
    """The workbook saved to a temporary file and streamed as an attachment."""
    output = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    workbook.save(output)
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=filename, content_type=XLSX)


def respond(
    request,
    table: Table,
    rows,
    *,
    organisation=None,
    scope: str = "",
    filters: forms.Form | None = None,
    notes: Iterable[str] = (),
) -> FileResponse:
    """The list page's rows as an .xlsx download: a title block naming the agency, the
    page, the scope, the filters and the print date, then the table."""
    today = clock.today()
    heading = [str(table.title)]
    if organisation is not None:
        heading.append(_("Cơ quan: %(name)s") % {"name": organisation.name})
    if scope:
        heading.append(_("Phạm vi: %(scope)s") % {"scope": scope})
    described = [*notes, *describe_filters(filters)]
    if described:
        heading.append(_("Bộ lọc: %(filters)s") % {"filters": "; ".join(map(str, described))})
    heading.append(_("Ngày in: %(day)s") % {"day": today.strftime("%d/%m/%Y")})
    workbook = Workbook(write_only=True)
    write_sheet(workbook, title=table.title, columns=table.columns, rows=rows, heading=heading)
    return file_response(workbook, f"{table.filename}-{today:%Y-%m-%d}.xlsx")
