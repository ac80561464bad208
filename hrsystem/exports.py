"""Excel exports of the list pages, and the one Excel writer of the project's tables.

A list page declares its columns once (a `Table`) and hands the rows it shows (its own
selector, scope and filters, before pagination) to `respond` when the request asks for
`?export=xlsx`: the page and its export are one view, so they cannot differ in who may
see them, which rows or which filters. The template adds the link with
`{% include "includes/export_xlsx.html" %}`.

The workbook is written in openpyxl's write-only mode to a temporary file and streamed
back, rows read from the queryset in chunks: memory stays bounded at any size. An
export of more than `settings.EXPORT_INLINE_ROWS` rows runs as a background job instead
(`hrsystem.services.jobs`): the job calls the same view again as the same person, with
the same query string, and keeps the file for them to download from the job's page.
A sheet opens with a title block (agency, scope, filters, print date), then the header row,
frozen, with Vietnamese headers; numbers stay numbers, dates are dates (dd/mm/yyyy) and
no text is ever run as a formula.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO
from itertools import islice
from numbers import Number
from operator import attrgetter, itemgetter

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, QueryDict
from django.shortcuts import redirect
from django.urls import resolve, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from hrsystem import clock
from hrsystem.resources import neutralise
from hrsystem.services.jobs import JobKind, job_kind, job_start

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_PARAMETER = "export"
CHUNK = 2000
"""Rows read from the database per round trip while writing (bounded memory)."""
JOB_KIND = "hrsystem.export"
SAMPLE = 200
"""Rows held back to size the columns before the sheet is written."""
MIN_WIDTH, MAX_WIDTH = 8, 60
"""Column widths in characters; longer text wraps inside its cell."""
HEADER_FILL = PatternFill("solid", fgColor="E8ECF1")
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
MAX_SCOPE_NAMES = 5
SHEET_FORBIDDEN = re.compile(r"[][:*?/\\]")
"""Characters Excel refuses in a sheet's name (a period's "3/2026" becomes "3-2026")."""


@dataclass(frozen=True)
class Column:
    """One column: its header (Vietnamese, through gettext) and how a row gives its value:
    an attribute path such as "employee.full_name", or a function of the row. The cell's
    type follows the value (numbers, dates, text)."""

    header: object
    value: str | Callable

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
            value = str(dict(bound.choices).get(value, value)).lstrip("— ")
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


def _text_width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, date):
        return len(DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT)
    return len(str(value))


def _cell(sheet, value, wrap: bool):
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
    elif value is None or isinstance(value, Number) and not isinstance(value, bool):
        cell = WriteOnlyCell(sheet, value=value)
    else:
        cell = WriteOnlyCell(sheet, value=neutralise(str(value)))
        if wrap:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def _rows(rows):
    if isinstance(rows, QuerySet):
        return rows.iterator(chunk_size=CHUNK)
    return iter(rows)


def write_sheet(workbook: Workbook, *, title, columns: list[Column], rows, heading=()) -> None:
    """Add one sheet to a write-only workbook: the `heading` lines (the first bold) and a
    blank line, then the header row (bold, shaded, frozen, with filters) and one line per
    row. Each column is as wide as its longest value among the first SAMPLE rows, within
    MIN_WIDTH–MAX_WIDTH, longer text wrapped; only SAMPLE rows are ever held at once."""
    sheet = workbook.create_sheet(title=SHEET_FORBIDDEN.sub("-", str(title))[:31])
    rows = _rows(rows)
    sample = [[column.of(row) for column in columns] for row in islice(rows, SAMPLE)]
    longest = [
        max([len(str(column.header)), *(_text_width(values[index]) for values in sample)])
        for index, column in enumerate(columns)
    ]
    for index, length in enumerate(longest, start=1):
        width = min(max(length + 2, MIN_WIDTH), MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(index)].width = width
    wrap = [length > MAX_WIDTH for length in longest]
    header_at = len(heading) + (2 if heading else 1)
    sheet.freeze_panes = f"A{header_at + 1}"
    if columns:
        sheet.auto_filter.ref = f"A{header_at}:{get_column_letter(len(columns))}{header_at}"
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
    for values in sample:
        sheet.append([_cell(sheet, value, fold) for value, fold in zip(values, wrap, strict=True)])
    for row in rows:
        sheet.append(
            [_cell(sheet, column.of(row), fold) for column, fold in zip(columns, wrap, strict=True)]
        )


def workbook(sheets: dict) -> bytes:
    """An .xlsx file with one sheet per pandas frame (name cut to Excel's 31 characters),
    written as `write_sheet` writes a list page's: the reports' and forms' workbooks."""
    book = Workbook(write_only=True)
    for name, frame in sheets.items():
        frame = frame.astype(object).where(frame.notna(), None)
        columns = [Column(header, itemgetter(index)) for index, header in enumerate(frame)]
        rows = frame.itertuples(index=False, name=None)
        write_sheet(book, title=name, columns=columns, rows=rows)
    output = BytesIO()
    book.save(output)
    return output.getvalue()


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
    more: Iterable[tuple[Table, object]] = (),
) -> FileResponse:
    """The list page's rows as an .xlsx download: a title block naming the agency, the
    page, the scope, the filters and the print date, then the table (and each of `more`,
    (table, rows) pairs, on a sheet of its own). More than
    `settings.EXPORT_INLINE_ROWS` rows (a queryset, counted in 1 query): a background
    job writes it and the person is sent to the job's page."""
    if (
        isinstance(rows, QuerySet)
        and not getattr(request, "in_background", False)
        and rows.count() > settings.EXPORT_INLINE_ROWS
    ):
        return _start_job(request, organisation)
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
    for other, other_rows in more:
        heading[0] = str(other.title)
        write_sheet(
            workbook, title=other.title, columns=other.columns, rows=other_rows, heading=heading
        )
    return file_response(workbook, f"{table.filename}-{today:%Y-%m-%d}.xlsx")


def _start_job(request, organisation):
    job = job_start(
        kind=JOB_KIND,
        by=request.user,
        organisation=organisation,
        params={
            "path": request.path,
            "query": request.GET.urlencode(),
            "language": translation.get_language(),
        },
    )
    return redirect("hrsystem:job_status", pk=job.pk)


def _may_export(user, organisation, params) -> bool:
    """Anyone signed in may queue an export: the job runs the list page's own view as
    them, which refuses what the page refuses."""
    return user.is_authenticated


def _export_finish(job) -> dict:
    """Run the list page's view again as the person who asked, with their query string,
    and keep the file it answers under the job's folder."""
    params = job.params
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = params["path"]
    request.GET = QueryDict(params["query"])
    request.META = {"SERVER_NAME": "localhost", "SERVER_PORT": "80", "REQUEST_METHOD": "GET"}
    request.user = job.by
    request.htmx = False
    request.in_background = True
    match = resolve(params["path"])
    with translation.override(params["language"]):
        response = match.func(request, *match.args, **match.kwargs)
    if not isinstance(response, FileResponse) or response.get("Content-Type") != XLSX:
        raise ValidationError(_("Trang này không có bản xuất Excel."))
    filename = response.filename
    with tempfile.TemporaryFile() as copy:
        for chunk in response.streaming_content:
            copy.write(chunk)
        copy.seek(0)
        default_storage.save(f"{EXPORT_FOLDER}/{job.pk}/{filename}", copy)
    # the file only: closing the response would send `request_finished`, which closes
    # the database connection this job (and, eager, its caller) is still using
    response.file_to_stream.close()
    return {
        "message": _("Đã xuất %(file)s.") % {"file": filename},
        "url": reverse("hrsystem:job_file", kwargs={"pk": job.pk}),
        "file": filename,
    }


def job_file(job) -> FileResponse:
    """The file an export job wrote, as an attachment."""
    filename = job.result["file"]
    handle = default_storage.open(f"{EXPORT_FOLDER}/{job.pk}/{filename}", "rb")
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)


EXPORT_FOLDER = "exports"
job_kind(JOB_KIND, JobKind(gettext_lazy("Xuất Excel"), _may_export, _export_finish))
