"""A transferred person's monthly results from their former agency, from its spreadsheet:
one row per person and month (xlsx or csv, read by `hrsystem.spreadsheets`), a dry run
that previews new and already recorded rows and lists every refused cell with its row,
column, value and what is expected, then the import, all rows or none, through
`services.transferred_months_record` (HR of the receiving agency, audited with a reason).
Recorded months are read-only: a row already recorded with the same values is unchanged,
with other values refused. `export` writes the file `read` reads."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

import openpyxl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from evaluation.annual import models
from evaluation.annual.services import transferred_months_record
from evaluation.models import LEVEL_CHOICES
from evaluation.rules import RuleSet
from hrsystem import permissions, spreadsheets
from hrsystem.models import Employee, Organisation
from hrsystem.org_import import NEW, UNCHANGED, Problem
from hrsystem.spreadsheets import CellError

TITLE = "Kết quả tháng ở cơ quan cũ"
COLUMNS = {
    "employee": "Mã cán bộ",
    "year": "Năm",
    "month": "Tháng",
    "source_agency": "Cơ quan cũ",
    "total": "Tổng điểm",
    "level": "Mức xếp loại",
    "document_number": "Số văn bản xác nhận",
}
REQUIRED = ("employee", "year", "month", "source_agency", "document_number")
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000


@dataclass
class Line:
    row: int
    kind: str
    key: str


@dataclass
class Report:
    """What the import did (or, in a dry run, would do)."""

    lines: list[Line] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    saved: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def new(self) -> int:
        return sum(1 for line in self.lines if line.kind == NEW)

    @property
    def unchanged(self) -> int:
        return sum(1 for line in self.lines if line.kind == UNCHANGED)


class Refused(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def _problem(row, name, value, expected) -> Problem:
    column = COLUMNS.get(name, "") if name else ""
    return Problem(TITLE, row, column, "" if value is None else str(value), str(expected))


def read(content: bytes, name: str) -> list[tuple[int, dict]]:
    """The file's rows as (row number, {field: cell}); `Refused` when it cannot be taken
    (kind, size, damage, formula cells, missing or unknown columns)."""
    problems: list[Problem] = []
    rows: list[tuple[int, dict]] = []
    try:
        with spreadsheets.open_sheets(
            content, name, max_bytes=MAX_BYTES, max_rows=MAX_ROWS
        ) as sheets:
            lines = sheets[0].lines if sheets else iter(())
            header = next(lines, [])
            mapped = spreadsheets.header_map(COLUMNS, REQUIRED, [v for v, _f in header])
            for heading in mapped.unknown:
                expected = _("cột không có trong mẫu; các cột của trang này: %(columns)s.") % {
                    "columns": ", ".join(COLUMNS.values())
                }
                problems.append(Problem(TITLE, 1, heading, "", expected))
            for missing in mapped.missing:
                problems.append(_problem(1, missing, "", _("thiếu cột bắt buộc này.")))
            for number, cells in enumerate(lines, start=2):
                if spreadsheets.blank_line(cells):
                    continue
                values = {}
                for index, (value, formula) in enumerate(cells):
                    name_ = mapped.found.get(index)
                    if name_ is None:
                        continue
                    if formula:
                        problems.append(
                            _problem(number, name_, value, spreadsheets.formula_expected())
                        )
                    values[name_] = value
                rows.append((number, values))
    except spreadsheets.Unreadable as error:
        raise Refused([Problem(TITLE, None, "", "", error.message)]) from error
    if problems:
        raise Refused(problems)
    return rows


def _whole(value) -> int:
    number = spreadsheets.decimal(value, None)
    if number != number.to_integral_value():
        raise CellError(_("phải là số nguyên."))
    return int(number)


def _total(value) -> Decimal | None:
    if spreadsheets.text(value) == "":
        return None
    return spreadsheets.decimal(value, None)


def _level(value) -> str:
    """A level written as its code, its label or the rule sets' short name; blank: none."""
    shown = spreadsheets.text(value).casefold()
    if not shown:
        return ""
    names = RuleSet.__dataclass_fields__["level_labels"].default_factory()
    for code, label in LEVEL_CHOICES:
        written = {code, str(names[code]).casefold()}
        for language in ("vi", "en"):
            with translation.override(language):
                written.add(str(label).casefold())
        if shown in written:
            return code
    raise CellError(
        _("không có trong danh sách; chọn một trong: %(labels)s.")
        % {"labels": ", ".join(names[code] for code, _label in LEVEL_CHOICES)}
    )


READERS = {
    "employee": spreadsheets.required,
    "year": _whole,
    "month": _whole,
    "source_agency": spreadsheets.required,
    "total": _total,
    "level": _level,
    "document_number": spreadsheets.required,
}
COMPARED = ("source_agency", "total", "level", "document_number")


def transfer_import(
    *, organisation: Organisation, rows: list[tuple[int, dict]], by, reason: str, confirm: bool
) -> Report:
    """Import `rows` (from `read`) into `organisation`: a dry run unless `confirm`. HR of
    the agency only; all rows or none."""
    if not permissions.can_manage_org(by, organisation):
        raise PermissionDenied
    report = Report()
    reason = reason.strip()
    if not reason:
        report.problems.append(Problem(TITLE, None, "", "", _("Hãy ghi lý do nhập tệp.")))
        return report
    read_rows: list[tuple[int, dict, dict]] = []
    seen: dict[tuple, int] = {}
    for number, values in rows:
        cells, failed = {}, False
        for name, reader in READERS.items():
            try:
                cells[name] = reader(values.get(name))
            except CellError as error:
                report.problems.append(_problem(number, name, values.get(name), error))
                failed = True
        if failed:
            continue
        key = (cells["employee"], cells["year"], cells["month"])
        if key in seen:
            report.problems.append(
                _problem(
                    number,
                    "employee",
                    cells["employee"],
                    _("dòng trùng với dòng %(row)s.") % {"row": seen[key]},
                )
            )
            continue
        seen[key] = number
        read_rows.append((number, values, cells))
    people = {
        e.code: e
        for e in Employee.objects.filter(code__in={cells["employee"] for *_r, cells in read_rows})
    }
    stored = {
        (m.employee_id, m.year, m.month): m
        for m in models.TransferredMonth.objects.filter(employee__in=people.values())
    }
    new: list[tuple[int, dict, dict]] = []
    for number, values, cells in read_rows:
        employee = people.get(cells["employee"])
        if employee is None:
            report.problems.append(
                _problem(number, "employee", cells["employee"], _("không có cán bộ mang mã này."))
            )
            continue
        label = f"{employee.code} · {cells['month']:02d}/{cells['year']}"
        record = stored.get((employee.pk, cells["year"], cells["month"]))
        if record is not None and all(getattr(record, n) == cells[n] for n in COMPARED):
            report.lines.append(Line(number, UNCHANGED, label))
            continue
        new.append((number, values, {**cells, "employee": employee, "label": label}))
    with transaction.atomic():  # the service checks the rows read well, even in a refused file
        try:
            transferred_months_record(
                organisation=organisation,
                rows=[{k: v for k, v in row.items() if k != "label"} for *_r, row in new],
                by=by,
                reason=reason,
            )
        except ValidationError as error:
            for key, texts in error.message_dict.items():
                index, _dot, name = key.removeprefix("rows[").partition("].")
                number, values, _row = new[int(index)]
                for text in texts:
                    report.problems.append(_problem(number, name, values.get(name), text))
        report.lines += [Line(number, NEW, row["label"]) for number, _v, row in new]
        report.lines.sort(key=lambda line: line.row)
        report.problems.sort(key=lambda problem: problem.row or 0)
        report.saved = confirm and report.ok
        if not report.saved:
            transaction.set_rollback(True)
    return report


def _rows_of(organisation: Organisation) -> list[list]:
    names = RuleSet.__dataclass_fields__["level_labels"].default_factory()
    months = models.TransferredMonth.objects.filter(organisation=organisation).select_related(
        "employee"
    )
    return [
        [
            m.employee.code,
            m.year,
            m.month,
            m.source_agency,
            m.total,
            names[m.level] if m.level else "",
            m.document_number,
        ]
        for m in months.order_by("employee__code", "year", "month")
    ]


def export(organisation: Organisation, kind: str) -> bytes:
    """The agency's imported months as the file `read` reads (headers alone when none)."""
    rows = _rows_of(organisation)
    if kind == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(COLUMNS.values())
        for row in rows:
            writer.writerow(["" if v is None else spreadsheets.neutralise(v) for v in row])
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    workbook = openpyxl.Workbook(write_only=True)
    worksheet = workbook.create_sheet(TITLE)
    worksheet.append(list(COLUMNS.values()))
    for row in rows:
        worksheet.append([spreadsheets.neutralise(value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
