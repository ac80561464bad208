"""An agency's organisation from one workbook and back: units, job positions and their
standing tasks, quota groups, people and the posts they hold.

`read` turns an uploaded .xlsx (every sheet) or .csv (one sheet, known by its header
row) into rows, refusing a damaged, oversized or formula-bearing file. `organisation_import`
is a dry run unless confirmed: every row goes through the organisation services (their
rules, permissions with `by`, history rows with `reason`), every refused cell is collected
with its sheet, the row as the spreadsheet numbers it, the column header, the value and
what is expected; one refusal and the whole transaction is rolled back. `export` writes
the workbook `read` reads, so an export re-imported changes nothing.

Shaped like `hrsystem.imports` (the catalogue import): `Report`, `NEW/CHANGED/UNCHANGED`
lines and `read`/`template` are meant to be shared once both land.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import openpyxl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import permissions, services, spreadsheets
from .models import (
    QUALIFICATION_LEVELS,
    Assignment,
    Cadence,
    Category,
    Employee,
    JobPosition,
    Organisation,
    Post,
    PostKind,
    Qualification,
    QualificationKind,
    QuotaGroup,
    StandardTask,
    Unit,
)
from .service_checks import audit_reason, day_text
from .spreadsheets import CellError, neutralise
from .spreadsheets import day as _date
from .spreadsheets import required as _required
from .spreadsheets import text as _text

MAX_BYTES = 30 * 1024 * 1024
"""A province's first load (50,000 people with their posts) is about 5 MB as .xlsx."""
MAX_ROWS = 200_000
"""Rows per sheet, header included."""

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"


@dataclass(frozen=True)
class Sheet:
    key: str
    title: str
    columns: dict[str, str]  # field → header (row 1), in file order
    required: tuple[str, ...]


UNITS = Sheet(
    "units",
    "Đơn vị",
    {"code": "Mã đơn vị", "name": "Tên đơn vị", "parent": "Mã đơn vị cấp trên"},
    ("code", "name"),
)
POSITIONS = Sheet(
    "positions",
    "Vị trí việc làm",
    {"code": "Mã vị trí", "name": "Tên vị trí việc làm", "description": "Mô tả"},
    ("code", "name"),
)
TASKS = Sheet(
    "tasks",
    "Nhiệm vụ thường xuyên",
    {
        "job_position": "Mã vị trí",
        "name": "Tên nhiệm vụ",
        "unit_of_measure": "Đơn vị tính",
        "coefficient": "Hệ số quy đổi",
        "default_planned": "Khối lượng giao",
        "cadence": "Chu kỳ",
    },
    ("job_position", "name", "unit_of_measure"),
)
GROUPS = Sheet("groups", "Nhóm chỉ tiêu", {"name": "Tên nhóm"}, ("name",))
PEOPLE = Sheet(
    "people",
    "Cán bộ",
    {
        "code": "Mã cán bộ",
        "full_name": "Họ và tên",
        "unit": "Mã đơn vị",
        "job_position": "Mã vị trí",
        "category": "Loại cán bộ",
        "email": "Thư điện tử",
        "quota_group": "Nhóm chỉ tiêu",
        "start": "Công tác từ ngày",
    },
    ("code", "full_name", "unit", "job_position", "start"),
)
POSTS = Sheet(
    "posts",
    "Chức vụ",
    {
        "employee": "Mã cán bộ",
        "unit": "Mã đơn vị",
        "kind": "Chức vụ",
        "start": "Từ ngày",
        "end": "Đến ngày",
    },
    ("employee", "unit", "kind", "start"),
)
QUALIFICATIONS = Sheet(
    "qualifications",
    "Văn bằng, chứng chỉ",
    {
        "employee": "Mã cán bộ",
        "kind": "Loại văn bằng",
        "level": "Trình độ",
        "field": "Chuyên ngành hoặc ngôn ngữ",
        "institution": "Nơi đào tạo hoặc cấp",
        "awarded_on": "Ngày cấp",
        "evidence": "Số hiệu văn bằng",
    },
    ("employee", "kind", "level", "awarded_on", "evidence"),
)
SHEETS = (UNITS, POSITIONS, TASKS, GROUPS, PEOPLE, POSTS, QUALIFICATIONS)
"""In the order they are imported: what a row refers to is imported before it."""
BY_KEY = {sheet.key: sheet for sheet in SHEETS}


@dataclass
class Problem:
    """One refused cell (or row, or file when `row` is None)."""

    sheet: str
    row: int | None
    column: str
    value: str
    expected: str

    def __str__(self) -> str:
        where = _("Trang “%(sheet)s”") % {"sheet": self.sheet}
        if self.row is not None:
            where += ", " + _("dòng %(row)s") % {"row": self.row}
        if self.column:
            where += ", " + _("cột “%(column)s”") % {"column": self.column}
        if self.value:
            where += ", " + _("giá trị “%(value)s”") % {"value": self.value}
        return f"{where}: {self.expected}"


@dataclass
class Line:
    sheet: str
    row: int
    kind: str
    key: str


@dataclass
class Report:
    """What the import did (or, in a dry run, would do), per sheet."""

    lines: list[Line] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    saved: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts(self) -> list[tuple[str, int, int, int]]:
        """(sheet title, new, changed, unchanged) for every sheet, in import order."""
        table = {sheet.title: [0, 0, 0] for sheet in SHEETS}
        for line in self.lines:
            table[line.sheet][(NEW, CHANGED, UNCHANGED).index(line.kind)] += 1
        return [(title, *numbers) for title, numbers in table.items()]

    @property
    def changes(self) -> int:
        return sum(1 for line in self.lines if line.kind != UNCHANGED)


class Refused(Exception):
    """The file cannot be read at all; `problems` say why."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


Rows = list[tuple[int, dict[str, object]]]
"""(row number as the spreadsheet shows it, {field: raw cell value})."""


# --- reading the file ------------------------------------------------------------------


def _file_problem(text: str, sheet: str = "") -> Refused:
    return Refused([Problem(sheet, None, "", "", text)])


def _rows(sheet: Sheet, lines, problems: list[Problem]) -> Rows:
    """Rows of one sheet; `lines` yields lists of `spreadsheets.Cell` from row 1."""
    lines = iter(lines)
    header = next(lines, None)
    if header is None:
        return []
    mapped = spreadsheets.header_map(sheet.columns, sheet.required, [v for v, _f in header])
    for heading in mapped.unknown:
        expected = _("cột không có trong mẫu; các cột của trang này: %(columns)s.") % {
            "columns": ", ".join(sheet.columns.values())
        }
        problems.append(Problem(sheet.title, 1, heading, "", expected))
    for name in mapped.missing:
        problems.append(
            Problem(sheet.title, 1, sheet.columns[name], "", _("thiếu cột bắt buộc này."))
        )
    rows: Rows = []
    for number, cells in enumerate(lines, start=2):
        if spreadsheets.blank_line(cells):
            continue
        values = {}
        for index, (value, formula) in enumerate(cells):
            name = mapped.found.get(index)
            if name is None:
                continue
            if formula:
                problems.append(
                    Problem(
                        sheet.title,
                        number,
                        sheet.columns[name],
                        str(value),
                        spreadsheets.formula_expected(),
                    )
                )
            values[name] = value
        rows.append((number, values))
    return rows


def read(content: bytes, name: str) -> dict[str, Rows]:
    """The uploaded workbook as rows per sheet key; `Refused` when it cannot be taken
    (kind, size, damage, unknown sheet, formula cells, missing or unknown columns)."""
    problems: list[Problem] = []
    book: dict[str, Rows] = {}
    titles = {sheet.title.casefold(): sheet for sheet in SHEETS}
    try:
        with spreadsheets.open_sheets(
            content, name, max_bytes=MAX_BYTES, max_rows=MAX_ROWS
        ) as found:
            for read_sheet in found:
                if read_sheet.title is None:
                    first = next(read_sheet.lines, [])
                    sheet = _sheet_of_csv([value for value, _f in first])
                    lines = itertools.chain([first], read_sheet.lines)
                else:
                    sheet = titles.get(read_sheet.title.casefold())
                    lines = read_sheet.lines
                if sheet is None:
                    expected = _("trang không có trong mẫu; các trang: %(sheets)s.") % {
                        "sheets": ", ".join(s.title for s in SHEETS)
                    }
                    problems.append(Problem(read_sheet.title, None, "", "", expected))
                    continue
                book[sheet.key] = _rows(sheet, lines, problems)
    except spreadsheets.Unreadable as error:
        sheet = titles.get(error.sheet.casefold())
        raise _file_problem(error.message, sheet.title if sheet else error.sheet) from error
    if problems:
        raise Refused(problems)
    return book


def _sheet_of_csv(headers: list[str]) -> Sheet:
    """The sheet a CSV file holds, known by its header row."""
    given = {_text(header).casefold() for header in headers if _text(header)}
    for sheet in SHEETS:
        required = {sheet.columns[name].casefold() for name in sheet.required}
        if required <= given <= {header.casefold() for header in sheet.columns.values()}:
            return sheet
    raise _file_problem(
        _("Dòng 1 của tệp CSV không khớp cột của trang nào trong mẫu (%(sheets)s).")
        % {"sheets": ", ".join(s.title for s in SHEETS)}
    )


# --- reading cells ---------------------------------------------------------------------


def _decimal(value, default: Decimal) -> Decimal:
    return spreadsheets.decimal(value, default)


def _choice(value, choices, default: str | None = None) -> str:
    aliases = {"quyền trưởng": PostKind.ACTING, "phụ trách": PostKind.ACTING}
    return spreadsheets.choice(value, choices, default, aliases if choices is PostKind else None)


# --- the import ------------------------------------------------------------------------


class _Run:
    """One import: what the agency holds, updated as rows are written; the report."""

    def __init__(self, organisation: Organisation, by, report: Report, progress):
        self.organisation, self.by, self.report, self.progress = (
            organisation,
            by,
            report,
            progress,
        )
        self.units = {u.code: u for u in Unit.objects.filter(organisation=organisation)}
        self.positions = {p.code: p for p in JobPosition.objects.filter(organisation=organisation)}
        self.tasks = {
            (t.job_position.code, t.name): t
            for t in StandardTask.objects.filter(
                job_position__organisation=organisation
            ).select_related("job_position")
        }
        self.groups = {g.name: g for g in QuotaGroup.objects.filter(organisation=organisation)}
        self.done = 0

    def problem(self, sheet: Sheet, row: int, name: str | None, value, expected) -> None:
        column = sheet.columns.get(name, "") if name else ""
        shown = "" if value is None else str(value)
        self.report.problems.append(Problem(sheet.title, row, column, shown, str(expected)))

    def refused(self, sheet: Sheet, row: int, values: dict, error: ValidationError, fields):
        """Report a service's ValidationError, each field on its column."""
        messages = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        for name, texts in messages.items():
            column = fields.get(name)
            for text in texts:
                self.problem(sheet, row, column, values.get(column) if column else "", text)

    def line(self, sheet: Sheet, row: int, kind: str, key: str) -> None:
        self.report.lines.append(Line(sheet.title, row, kind, key))
        self.done += 1
        if self.progress:
            self.progress(self.done)


def _duplicates(run: _Run, sheet: Sheet, rows: Rows, key: Callable) -> Rows:
    """Rows whose key has not been seen above; the others reported as duplicates."""
    seen: dict = {}
    kept = []
    for number, values in rows:
        try:
            marker = key(values)
        except CellError:
            kept.append((number, values))
            continue
        if marker in seen:
            first = sheet.required[0]
            run.problem(
                sheet,
                number,
                first,
                values.get(first),
                _("dòng trùng với dòng %(row)s.") % {"row": seen[marker]},
            )
            continue
        seen[marker] = number
        kept.append((number, values))
    return kept


def _cells(run: _Run, sheet: Sheet, number: int, values: dict, readers: dict) -> dict | None:
    """Every cell of the row read by its reader; None (problems reported) if any fails."""
    read_values, failed = {}, False
    for name, reader in readers.items():
        try:
            read_values[name] = reader(values.get(name))
        except CellError as error:
            run.problem(sheet, number, name, values.get(name), error)
            failed = True
    return None if failed else read_values


def _write(run: _Run, sheet: Sheet, number: int, values: dict, fields: dict, write: Callable):
    try:
        return write()
    except ValidationError as error:
        run.refused(sheet, number, values, error, fields)
    return None


def _import_units(run: _Run, rows: Rows) -> None:
    sheet = UNITS
    rows = _duplicates(run, sheet, rows, lambda v: _required(v.get("code")))
    readers = {"code": _required, "name": _required, "parent": lambda v: _required(v, False)}
    pending = []
    for number, values in rows:
        cells = _cells(run, sheet, number, values, readers)
        if cells is not None:
            pending.append((number, values, cells))
    in_file = {cells["code"] for _n, _v, cells in pending}
    for number, _values, cells in pending:
        parent = cells["parent"]
        if parent and parent not in run.units and parent not in in_file:
            run.problem(sheet, number, "parent", parent, _("không có đơn vị mang mã này."))
    # parents before children, whatever the file's order
    while pending:
        ready = [p for p in pending if not p[2]["parent"] or p[2]["parent"] in run.units]
        if not ready:
            for number, _values, cells in pending:
                if cells["parent"] in in_file:
                    run.problem(
                        sheet,
                        number,
                        "parent",
                        cells["parent"],
                        _("đơn vị cấp trên tạo thành vòng hoặc chưa nhập được."),
                    )
            return
        taken = {id(item) for item in ready}
        pending = [item for item in pending if id(item) not in taken]
        new = [item for item in ready if item[2]["code"] not in run.units]
        for item in ready:
            if item[2]["code"] in run.units:
                _unit_row(run, *item)
        if new and not _create_units(run, new):
            return


UNIT_FIELDS = {"code": "code", "name": "name", "parent": "parent"}


def _create_units(run: _Run, new: list) -> bool:
    """One level of new units, created together (`services.unit_create_many`); False
    (each refused row reported on its cells) when the service refuses them."""
    rows = [
        {
            "code": cells["code"],
            "name": cells["name"],
            "parent": run.units.get(cells["parent"]) if cells["parent"] else None,
        }
        for _n, _v, cells in new
    ]
    try:
        made = services.unit_create_many(organisation=run.organisation, rows=rows, by=run.by)
    except ValidationError as error:
        for key, texts in error.message_dict.items():
            index, _dot, name = key.removeprefix("rows[").partition("].")
            number, values, _cells = new[int(index)]
            column = UNIT_FIELDS.get(name)
            for text in texts:
                run.problem(UNITS, number, column, values.get(column) if column else "", text)
        return False
    for (number, _values, _cells), unit in zip(new, made, strict=True):
        run.units[unit.code] = unit
        run.line(UNITS, number, NEW, unit.code)
    return True


def _unit_row(run: _Run, number: int, values: dict, cells: dict) -> None:
    sheet, code = UNITS, cells["code"]
    parent = run.units.get(cells["parent"]) if cells["parent"] else None
    unit = run.units[code]
    fields = UNIT_FIELDS
    renamed = unit.name != cells["name"]
    moved = unit.parent_id != (parent.pk if parent else None)
    if (
        renamed
        and _write(
            run,
            sheet,
            number,
            values,
            fields,
            lambda: services.unit_update(unit=unit, name=cells["name"], by=run.by),
        )
        is None
    ):
        return
    if (
        moved
        and _write(
            run,
            sheet,
            number,
            values,
            fields,
            lambda: services.unit_move(unit=unit, parent=parent, by=run.by),
        )
        is None
    ):
        return
    run.line(sheet, number, CHANGED if renamed or moved else UNCHANGED, code)


def _import_positions(run: _Run, rows: Rows) -> None:
    sheet = POSITIONS
    rows = _duplicates(run, sheet, rows, lambda v: _required(v.get("code")))
    readers = {
        "code": _required,
        "name": _required,
        "description": lambda v: _required(v, False),
    }
    fields = {name: name for name in sheet.columns}
    for number, values in rows:
        cells = _cells(run, sheet, number, values, readers)
        if cells is None:
            continue
        position = run.positions.get(cells["code"])
        if position is None:
            made = _write(
                run,
                sheet,
                number,
                values,
                fields,
                lambda c=cells: services.job_position_create(
                    organisation=run.organisation, by=run.by, **c
                ),
            )
            if made is not None:
                run.positions[made.code] = made
                run.line(sheet, number, NEW, made.code)
            continue
        changes = {
            name: cells[name]
            for name in ("name", "description")
            if getattr(position, name) != cells[name]
        }
        if changes and (
            _write(
                run,
                sheet,
                number,
                values,
                fields,
                lambda p=position, c=changes: services.job_position_update(
                    job_position=p, by=run.by, **c
                ),
            )
            is None
        ):
            continue
        run.line(sheet, number, CHANGED if changes else UNCHANGED, position.code)


def _import_tasks(run: _Run, rows: Rows) -> None:
    sheet = TASKS
    rows = _duplicates(
        run,
        sheet,
        rows,
        lambda v: (_required(v.get("job_position")), _required(v.get("name")).casefold()),
    )
    readers = {
        "job_position": _required,
        "name": _required,
        "unit_of_measure": _required,
        "coefficient": lambda v: _decimal(v, Decimal("1")),
        "default_planned": lambda v: _decimal(v, Decimal("1")),
        "cadence": lambda v: _choice(v, Cadence, Cadence.MONTH),
    }
    fields = {name: name for name in sheet.columns}
    compared = ("unit_of_measure", "coefficient", "default_planned", "cadence")
    for number, values in rows:
        cells = _cells(run, sheet, number, values, readers)
        if cells is None:
            continue
        position = run.positions.get(cells["job_position"])
        if position is None:
            run.problem(
                sheet,
                number,
                "job_position",
                cells["job_position"],
                _("không có vị trí việc làm mang mã này."),
            )
            continue
        key = (position.code, cells["name"])
        task = run.tasks.get(key)
        data = {name: cells[name] for name in compared}
        if task is None:
            made = _write(
                run,
                sheet,
                number,
                values,
                fields,
                lambda p=position, c=cells, d=data: services.standard_task_create(
                    job_position=p, name=c["name"], by=run.by, **d
                ),
            )
            if made is not None:
                run.tasks[key] = made
                run.line(sheet, number, NEW, f"{position.code} · {made.name}")
            continue
        changes = {name: value for name, value in data.items() if getattr(task, name) != value}
        if changes and (
            _write(
                run,
                sheet,
                number,
                values,
                fields,
                lambda t=task, c=changes: services.standard_task_update(task=t, by=run.by, **c),
            )
            is None
        ):
            continue
        run.line(sheet, number, CHANGED if changes else UNCHANGED, f"{position.code} · {task.name}")


def _import_groups(run: _Run, rows: Rows) -> None:
    sheet = GROUPS
    rows = _duplicates(run, sheet, rows, lambda v: _required(v.get("name")).casefold())
    for number, values in rows:
        cells = _cells(run, sheet, number, values, {"name": _required})
        if cells is None:
            continue
        if cells["name"] in run.groups:
            run.line(sheet, number, UNCHANGED, cells["name"])
            continue
        made = _write(
            run,
            sheet,
            number,
            values,
            {"name": "name"},
            lambda c=cells: services.quota_group_create(
                organisation=run.organisation, name=c["name"], by=run.by
            ),
        )
        if made is not None:
            run.groups[made.name] = made
            run.line(sheet, number, NEW, made.name)


def _import_people(run: _Run, rows: Rows) -> dict[str, Employee]:
    """Import the people sheet; returns the agency's people by code for the posts."""
    sheet = PEOPLE
    rows = _duplicates(run, sheet, rows, lambda v: _required(v.get("code")))
    readers = {
        "code": _required,
        "full_name": _required,
        "unit": _required,
        "job_position": _required,
        "category": lambda v: _choice(v, Category, Category.CONG_CHUC),
        "email": lambda v: _required(v, False),
        "quota_group": lambda v: _required(v, False),
        "start": lambda v: _date(v, True),
    }
    codes = [_text(values.get("code")) for _n, values in rows]
    people = {e.code: e for e in Employee.objects.filter(code__in=codes)}
    placed = _current_assignments(people.values())
    new: list[tuple[int, dict, dict]] = []
    fields = {
        "code": "code",
        "full_name": "full_name",
        "unit": "unit",
        "job_position": "job_position",
        "category": "category",
        "email": "email",
        "quota_group": "quota_group",
        "start": "start",
        "user": "code",
    }
    for number, values in rows:
        cells = _cells(run, sheet, number, values, readers)
        if cells is None:
            continue
        unit = run.units.get(cells["unit"])
        position = run.positions.get(cells["job_position"])
        group = run.groups.get(cells["quota_group"]) if cells["quota_group"] else None
        if unit is None:
            run.problem(sheet, number, "unit", cells["unit"], _("không có đơn vị mang mã này."))
        if position is None:
            run.problem(
                sheet,
                number,
                "job_position",
                cells["job_position"],
                _("không có vị trí việc làm mang mã này."),
            )
        if cells["quota_group"] and group is None:
            run.problem(
                sheet, number, "quota_group", cells["quota_group"], _("không có nhóm mang tên này.")
            )
        if unit is None or position is None or (cells["quota_group"] and group is None):
            continue
        employee = people.get(cells["code"])
        record = {
            "full_name": cells["full_name"],
            "category": cells["category"],
            "email": cells["email"],
            "quota_group": group,
        }
        if employee is None:
            new.append(
                (
                    number,
                    values,
                    {
                        "code": cells["code"],
                        "unit": unit,
                        "job_position": position,
                        "start": cells["start"],
                        **record,
                    },
                )
            )
            continue
        current = placed.get(employee.pk)
        if current is None or current.unit.organisation_id != run.organisation.pk:
            run.problem(
                sheet,
                number,
                "code",
                cells["code"],
                _(
                    "mã cán bộ này đã dùng cho %(name)s ở cơ quan khác; chuyển công tác "
                    "trong trang của cán bộ."
                )
                % {"name": employee.full_name},
            )
            continue
        changes = {
            name: value
            for name, value in record.items()
            if (
                getattr(employee, name + "_id")
                if name == "quota_group"
                else getattr(employee, name)
            )
            != (value.pk if name == "quota_group" and value else value)
        }
        moved = current.unit_id != unit.pk or current.job_position_id != position.pk
        if changes and (
            _write(
                run,
                sheet,
                number,
                values,
                fields,
                lambda e=employee, c=changes: services.employee_update(employee=e, by=run.by, **c),
            )
            is None
        ):
            continue
        if moved and (
            _write(
                run,
                sheet,
                number,
                values,
                fields,
                lambda e=employee, u=unit, p=position, s=cells["start"]: services.employee_transfer(
                    employee=e, unit=u, job_position=p, start=s, by=run.by
                ),
            )
            is None
        ):
            continue
        run.line(sheet, number, CHANGED if changes or moved else UNCHANGED, employee.code)
    _create_people(run, new, fields, people)
    return people


def _create_people(run: _Run, new: list, fields: dict, people: dict[str, Employee]) -> None:
    """The new people of the sheet, created together (`services.employee_create_many`);
    each refused row reported on its cells."""
    if not new:
        return
    try:
        made = services.employee_create_many(
            organisation=run.organisation, rows=[row for _n, _v, row in new], by=run.by
        )
    except ValidationError as error:
        for key, texts in error.message_dict.items():
            index, _dot, name = key.removeprefix("rows[").partition("].")
            number, values, _row = new[int(index)]
            column = fields.get(name)
            for text in texts:
                run.problem(PEOPLE, number, column, values.get(column) if column else "", text)
        return
    for (number, _values, _row), employee in zip(new, made, strict=True):
        people[employee.code] = employee
        run.line(PEOPLE, number, NEW, employee.code)


def _current_assignments(people) -> dict[int, Assignment]:
    """Each person's latest assignment (the one an export writes); 1 query."""
    latest: dict[int, Assignment] = {}
    rows = (
        Assignment.objects.filter(employee__in=[p.pk for p in people])
        .select_related("unit")
        .order_by("employee_id", "start")
    )
    for assignment in rows:
        latest[assignment.employee_id] = assignment
    return latest


def _import_posts(run: _Run, rows: Rows, people: dict[str, Employee]) -> None:
    sheet = POSTS
    readers = {
        "employee": _required,
        "unit": _required,
        "kind": lambda v: _choice(v, PostKind),
        "start": lambda v: _date(v, True),
        "end": lambda v: _date(v, False),
    }

    def key(values):
        return (
            _required(values.get("employee")),
            _required(values.get("unit")),
            _choice(values.get("kind"), PostKind),
            _date(values.get("start"), True),
        )

    rows = _duplicates(run, sheet, rows, key)
    missing = {_text(v.get("employee")) for _n, v in rows} - set(people)
    people.update({e.code: e for e in Employee.objects.filter(code__in=missing)})
    stored = {
        (p.employee.code, p.unit.code, p.kind, p.start): p
        for p in Post.objects.filter(unit__organisation=run.organisation).select_related(
            "employee", "unit"
        )
    }
    fields = {
        "employee": "employee",
        "unit": "unit",
        "kind": "kind",
        "start": "start",
        "end": "end",
    }
    new: list[tuple[int, dict, str, dict]] = []
    for number, values in rows:
        cells = _cells(run, sheet, number, values, readers)
        if cells is None:
            continue
        employee, unit = people.get(cells["employee"]), run.units.get(cells["unit"])
        if employee is None:
            run.problem(
                sheet, number, "employee", cells["employee"], _("không có cán bộ mang mã này.")
            )
        if unit is None:
            run.problem(sheet, number, "unit", cells["unit"], _("không có đơn vị mang mã này."))
        if employee is None or unit is None:
            continue
        label = f"{employee.code} · {unit.code} · {day_text(cells['start'])}"
        post = stored.get((employee.code, unit.code, cells["kind"], cells["start"]))
        if post is None:
            new.append(
                (
                    number,
                    values,
                    label,
                    {
                        "employee": employee,
                        "unit": unit,
                        "kind": cells["kind"],
                        "start": cells["start"],
                        "end": cells["end"],
                    },
                )
            )
            continue
        if post.end == cells["end"]:
            run.line(sheet, number, UNCHANGED, label)
            continue
        if cells["end"] is None:
            run.problem(
                sheet,
                number,
                "end",
                "",
                _("chức vụ đã kết thúc ngày %(day)s; không mở lại được bằng tệp nhập.")
                % {"day": day_text(post.end)},
            )
            continue
        if (
            _write(
                run,
                sheet,
                number,
                values,
                fields,
                lambda p=post, c=cells: services.post_end(post=p, end=c["end"], by=run.by),
            )
            is not None
        ):
            run.line(sheet, number, CHANGED, label)

    if not new:
        return
    try:
        services.post_assign_many(
            organisation=run.organisation, rows=[row for *_r, row in new], by=run.by
        )
    except ValidationError as error:
        for key, texts in error.message_dict.items():
            index, _dot, name = key.removeprefix("rows[").partition("].")
            number, values, _label, _row = new[int(index)]
            column = fields.get(name)
            for text in texts:
                run.problem(sheet, number, column, values.get(column) if column else "", text)
        return
    for number, _values, label, _row in new:
        run.line(sheet, number, NEW, label)


def _level(kind: str, value) -> str:
    """A level of `kind` written as its stored value or its label."""
    shown = _text(value).casefold()
    levels = QUALIFICATION_LEVELS[kind]
    for stored, label in levels:
        if shown in (stored, str(label).casefold()):
            return stored
    raise CellError(
        _("không có trong danh sách; chọn một trong: %(labels)s.")
        % {"labels": ", ".join(str(label) for _v, label in levels)}
    )


def _import_qualifications(run: _Run, rows: Rows, people: dict[str, Employee]) -> None:
    """Each person's degrees and certificates, known by (person, kind, document number):
    new ones recorded together (`services.qualification_record_many`), changed ones
    corrected (`services.qualification_update`)."""
    sheet = QUALIFICATIONS
    readers = {
        "employee": _required,
        "kind": lambda v: _choice(v, QualificationKind),
        "field": lambda v: _required(v, False),
        "institution": lambda v: _required(v, False),
        "awarded_on": lambda v: _date(v, True),
        "evidence": _required,
    }

    def key(values):
        return (
            _required(values.get("employee")),
            _choice(values.get("kind"), QualificationKind),
            _required(values.get("evidence")),
        )

    rows = _duplicates(run, sheet, rows, key)
    missing = {_text(v.get("employee")) for _n, v in rows} - set(people)
    people.update({e.code: e for e in Employee.objects.filter(code__in=missing)})
    stored = {
        (q.employee.code, q.kind, q.evidence): q
        for q in Qualification.objects.filter(
            employee__in=[p.pk for p in people.values() if p.pk]
        ).select_related("employee")
    }
    fields = {name: name for name in sheet.columns}
    new: list[tuple[int, dict, str, dict]] = []
    for number, values in rows:
        cells = _cells(run, sheet, number, values, readers)
        if cells is None:
            continue
        try:
            cells["level"] = _level(cells["kind"], values.get("level"))
        except CellError as error:
            run.problem(sheet, number, "level", values.get("level"), error)
            continue
        employee = people.get(cells.pop("employee"))
        if employee is None:
            run.problem(
                sheet, number, "employee", values.get("employee"), _("không có cán bộ mang mã này.")
            )
            continue
        label = f"{employee.code} · {cells['evidence']}"
        record = stored.get((employee.code, cells["kind"], cells["evidence"]))
        if record is None:
            new.append((number, values, label, {"employee": employee, **cells}))
            continue
        changes = {
            name: cells[name]
            for name in ("level", "field", "institution", "awarded_on")
            if getattr(record, name) != cells[name]
        }
        if changes and (
            _write(
                run,
                sheet,
                number,
                values,
                fields,
                lambda q=record, c=changes: services.qualification_update(
                    qualification=q, by=run.by, **c
                ),
            )
            is None
        ):
            continue
        run.line(sheet, number, CHANGED if changes else UNCHANGED, label)
    if not new:
        return
    try:
        services.qualification_record_many(
            organisation=run.organisation, rows=[row for *_r, row in new], by=run.by
        )
    except ValidationError as error:
        for key_, texts in error.message_dict.items():
            index, _dot, name = key_.removeprefix("rows[").partition("].")
            number, values, _label, _row = new[int(index)]
            column = fields.get(name)
            for text in texts:
                run.problem(sheet, number, column, values.get(column) if column else "", text)
        return
    for number, _values, label, _row in new:
        run.line(sheet, number, NEW, label)


def row_count(book: dict[str, Rows]) -> int:
    """How many rows the file holds (for a progress bar)."""
    return sum(len(rows) for rows in book.values())


def organisation_import(
    *,
    organisation: Organisation,
    book: dict[str, Rows],
    by,
    reason: str,
    confirm: bool,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Import `book` (from `read`) into `organisation`: a dry run unless `confirm`.

    `by` must be allowed to manage the agency (`by=None`: a trusted command); every
    history row records `by` and `reason`. All rows or none.
    """
    if by is not None and not permissions.can_manage_org(by, organisation):
        raise PermissionDenied
    report = Report()
    reason = reason.strip()
    if confirm and not reason:
        report.problems.append(Problem("", None, "", "", _("Hãy ghi lý do nhập tệp.")))
        return report
    with transaction.atomic(), audit_reason(reason) if reason else nullcontext():
        run = _Run(organisation, by, report, progress)
        _import_units(run, book.get(UNITS.key, []))
        _import_positions(run, book.get(POSITIONS.key, []))
        _import_groups(run, book.get(GROUPS.key, []))
        _import_tasks(run, book.get(TASKS.key, []))
        people = _import_people(run, book.get(PEOPLE.key, []))
        _import_posts(run, book.get(POSTS.key, []), people)
        _import_qualifications(run, book.get(QUALIFICATIONS.key, []), people)
        order = {sheet.title: index for index, sheet in enumerate(SHEETS)}
        report.lines.sort(key=lambda line: (order[line.sheet], line.row))
        report.problems.sort(key=lambda p: (order.get(p.sheet, -1), p.row or 0))
        report.saved = confirm and report.ok
        if not report.saved:
            transaction.set_rollback(True)
    return report


# --- the export ------------------------------------------------------------------------


def _sheet_rows(organisation: Organisation, sheet: Sheet) -> list[list]:
    """The rows of one sheet as stored (without the header); a constant number of queries."""
    if sheet is UNITS:
        units = Unit.objects.filter(organisation=organisation).select_related("parent")
        return [[u.code, u.name, u.parent.code if u.parent else ""] for u in units.order_by("path")]
    if sheet is POSITIONS:
        positions = JobPosition.objects.filter(organisation=organisation).order_by("code")
        return [[p.code, p.name, p.description] for p in positions]
    if sheet is TASKS:
        tasks = (
            StandardTask.objects.filter(job_position__organisation=organisation)
            .select_related("job_position")
            .order_by("job_position__code", "name")
        )
        return [
            [
                t.job_position.code,
                t.name,
                t.unit_of_measure,
                t.coefficient,
                t.default_planned,
                t.get_cadence_display(),
            ]
            for t in tasks
        ]
    if sheet is GROUPS:
        groups = QuotaGroup.objects.filter(organisation=organisation).order_by("name")
        return [[g.name] for g in groups]
    if sheet is PEOPLE:
        # everyone ever placed in the agency, by their latest assignment: those now in
        # another agency are that agency's to export
        return [
            [
                a.employee.code,
                a.employee.full_name,
                a.unit.code,
                a.job_position.code,
                a.employee.get_category_display(),
                a.employee.email,
                a.employee.quota_group.name if a.employee.quota_group else "",
                a.start,
            ]
            for a in _latest_assignments(organisation)
        ]
    if sheet is QUALIFICATIONS:
        people = {a.employee_id for a in _latest_assignments(organisation)}
        ever = Assignment.objects.filter(unit__organisation=organisation).values("employee")
        records = (
            Qualification.objects.filter(employee__in=ever)
            .select_related("employee")
            .order_by("employee__code", "kind", "awarded_on", "evidence")
        )
        return [
            [
                q.employee.code,
                q.get_kind_display(),
                q.level_label,
                q.field,
                q.institution,
                q.awarded_on,
                q.evidence,
            ]
            for q in records
            if q.employee_id in people
        ]
    posts = (
        Post.objects.filter(unit__organisation=organisation)
        .select_related("employee", "unit")
        .order_by("unit__code", "start", "employee__code")
    )
    return [
        [p.employee.code, p.unit.code, p.get_kind_display(), p.start, p.end or ""] for p in posts
    ]


def _latest_assignments(organisation: Organisation) -> list[Assignment]:
    """The latest assignment of everyone ever placed in the agency, for those whose latest
    is in it (those now in another agency are that agency's to export); 1 query."""
    ever = Assignment.objects.filter(unit__organisation=organisation).values("employee")
    assignments = (
        Assignment.objects.filter(employee__in=ever)
        .select_related("employee__quota_group", "unit", "job_position")
        .order_by("employee__code", "start")
    )
    latest = {a.employee_id: a for a in assignments}
    return [a for a in latest.values() if a.unit.organisation_id == organisation.pk]


def export(organisation: Organisation, sheets=SHEETS) -> bytes:
    """The agency's organisation as the workbook `read` reads (headers alone when empty)."""
    workbook = openpyxl.Workbook(write_only=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet.title)
        worksheet.append(list(sheet.columns.values()))
        for row in _sheet_rows(organisation, sheet):
            worksheet.append([_cell(value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _cell(value):
    if isinstance(value, str):
        return neutralise(value)
    return value


def export_csv(organisation: Organisation, sheet: Sheet) -> bytes:
    """One sheet as CSV (UTF-8 with BOM so Excel shows Vietnamese), dates dd/mm/yyyy."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(sheet.columns.values())
    for row in _sheet_rows(organisation, sheet):
        writer.writerow(
            [
                day_text(v) if isinstance(v, date) else neutralise(v) if isinstance(v, str) else v
                for v in row
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
