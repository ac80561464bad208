"""Reading an uploaded spreadsheet, shared by every import of the app (the catalogue in
`hrsystem.imports`, the organisation in `hrsystem.org_import`, a transferred person's
results in `hrsystem.transfer_results`): the kind sniffed from the name (.xlsx or .csv),
the size and row limits, a damaged file, formula cells, the header row mapped to fields,
and cells read as text, numbers written "92,5" or "92.5", dates and choices, each refusal
saying what is expected in the user's language."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import openpyxl
import tablib
from django.utils.translation import gettext as _

KINDS = ("xlsx", "csv")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a text cell as a formula (or a DDE command)."""

Cell = tuple[object, bool]
"""(the cell's value, whether it holds a formula)."""


class Unreadable(Exception):
    """The file (or one of its sheets, `sheet`) cannot be read at all; the message says why."""

    def __init__(self, message: str, sheet: str = ""):
        super().__init__(message)
        self.message, self.sheet = message, sheet


class CellError(ValueError):
    """A cell that cannot be read; the message says what is expected."""


@dataclass
class Sheet:
    """One sheet of a workbook as read: its title (None for a CSV file) and its lines,
    each a list of `Cell`s from row 1 (the header)."""

    title: str | None
    lines: Iterator[list[Cell]]


def formula_expected() -> str:
    return _("ô chứa công thức; hãy dán giá trị (Paste Values) thay cho công thức.")


def too_many_rows(max_rows: int) -> str:
    return _("Trang có quá %(max)s dòng: hãy chia tệp.") % {"max": max_rows}


def _limited(lines: Iterator[list[Cell]], max_rows: int, title: str) -> Iterator[list[Cell]]:
    for number, line in enumerate(lines, start=1):
        if number > max_rows:
            raise Unreadable(too_many_rows(max_rows), title)
        yield line


@contextmanager
def open_sheets(content: bytes, name: str, *, max_bytes: int, max_rows: int):
    """The sheets of the uploaded file (every sheet of an .xlsx, the one of a .csv), their
    lines read lazily; `Unreadable` for a kind, size, damage or length we do not take."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in KINDS:
        raise Unreadable(_("Chỉ nhận tệp .xlsx hoặc .csv."))
    if len(content) > max_bytes:
        raise Unreadable(
            _("Tệp lớn hơn %(mb)s MB: hãy chia tệp.") % {"mb": max_bytes // (1024 * 1024)}
        )
    if extension == "csv":
        try:
            lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        except (UnicodeDecodeError, csv.Error) as error:
            raise Unreadable(_("Không đọc được tệp CSV: hãy lưu với mã UTF-8.")) from error
        cells = ([(value, False) for value in line] for line in lines)
        yield [Sheet(None, _limited(cells, max_rows, ""))]
        return
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as error:  # zipfile, XML and openpyxl raise many kinds on a damaged file
        raise Unreadable(
            _("Không đọc được tệp: hãy lưu lại bằng Excel dưới dạng .xlsx.")
        ) from error
    try:
        sheets = []
        for worksheet in workbook.worksheets:
            title = worksheet.title.strip()
            if (worksheet.max_row or 0) > max_rows:
                raise Unreadable(too_many_rows(max_rows), title)
            cells = (
                [(cell.value, getattr(cell, "data_type", None) == "f") for cell in row]
                for row in worksheet.iter_rows()
            )
            sheets.append(Sheet(title, _limited(cells, max_rows, title)))
        yield sheets
    finally:
        workbook.close()


def blank_line(cells: list[Cell]) -> bool:
    return all(value is None or text(value) == "" for value, _formula in cells)


@dataclass
class Header:
    """Row 1 mapped to fields: `found` column index → field; the headers not in the
    template (`unknown`) and the required fields without a column (`missing`)."""

    found: dict[int, str]
    unknown: list[str]
    missing: list[str]


def header_map(columns: dict[str, str], required, headers: list) -> Header:
    """Map `headers` (row 1) onto `columns` (field → heading), case-insensitively."""
    by_heading = {heading.casefold(): name for name, heading in columns.items()}
    found, unknown = {}, []
    for index, heading in enumerate(headers):
        shown = text(heading)
        if not shown:
            continue
        name = by_heading.get(shown.casefold())
        if name is None:
            unknown.append(shown)
        else:
            found[index] = name
    missing = [name for name in required if name not in found.values()]
    return Header(found, unknown, missing)


# --- cells -----------------------------------------------------------------------------


def neutralise(value):
    """`value` safe to write in a spreadsheet cell: text that a spreadsheet would run as a
    formula (`=HYPERLINK(...)` typed as a signer's name) gets a leading apostrophe and reads
    as the text it is; numbers, dates and other text are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def text(value) -> str:
    """A cell as stripped text (a code typed as a number reads 101, not 101.0)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    shown = "" if value is None else str(value)
    if shown.startswith("'") and shown[1:].startswith(FORMULA_STARTS):
        shown = shown[1:]  # a cell `neutralise` wrote, read back as it was typed
    return shown.strip()


def parse_decimal(value) -> Decimal:
    """A number written "92,5" or "92.5" (or a spreadsheet number) as a Decimal."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | float):
        return Decimal(str(value))
    shown = str(value).strip().replace(" ", "")
    if "," in shown and "." in shown:
        raise ValueError(shown)
    try:
        return Decimal(shown.replace(",", "."))
    except InvalidOperation as error:
        raise ValueError(shown) from error


def required(value, needed: bool = True) -> str:
    shown = text(value)
    if needed and not shown:
        raise CellError(_("ô trống; ô này bắt buộc."))
    return shown


def decimal(value, default: Decimal | None) -> Decimal:
    """A number cell; blank is `default` (refused when there is none)."""
    if text(value) == "":
        if default is None:
            raise CellError(_("ô trống; ô này bắt buộc."))
        return default
    try:
        return parse_decimal(value)
    except ValueError:
        raise CellError(_("không phải số; nhập một số, ví dụ 1,5 hoặc 1.5.")) from None


def day(value, needed: bool) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    shown = text(value)
    if not shown:
        if needed:
            raise CellError(_("ô trống; nhập ngày dạng dd/mm/yyyy."))
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(shown, pattern).date()
        except ValueError:
            continue
    raise CellError(_("không phải ngày; nhập ngày dạng dd/mm/yyyy, ví dụ 01/01/2026."))


def choice(value, choices, default: str | None = None, aliases: dict | None = None) -> str:
    """A value of `choices` written as its value or label (or one of `aliases`)."""
    shown = text(value).casefold()
    if not shown and default is not None:
        return default
    for choice_value, label in choices.choices:
        if shown in (str(choice_value).casefold(), str(label).casefold()):
            return choice_value
    if aliases and shown in aliases:
        return aliases[shown]
    raise CellError(
        _("không có trong danh sách; chọn một trong: %(labels)s.")
        % {"labels": ", ".join(str(label) for _v, label in choices.choices)}
    )


def dataset(content: bytes, name: str, *, max_bytes: int, max_rows: int) -> tablib.Dataset:
    """The first sheet of the file as a `tablib.Dataset` (row 1 the headers, blank lines
    left out) for a django-import-export resource; `Unreadable` as `open_sheets`, and for a
    formula cell, naming its row and column. Lines are kept as the spreadsheet numbers
    them (the resource reports row numbers), but for a CSV line with no cell at all."""
    with open_sheets(content, name, max_bytes=max_bytes, max_rows=max_rows) as sheets:
        lines = sheets[0].lines if sheets else iter(())
        header = next(lines, [])
        headings = [text(value) or None for value, _formula in header]
        rows = []
        for number, cells in enumerate(lines, start=2):
            if not cells:
                continue
            for index, (_value, formula) in enumerate(cells):
                if formula:
                    column = headings[index] if index < len(headings) else ""
                    raise Unreadable(
                        _("Dòng %(row)s, cột “%(column)s”: %(message)s")
                        % {"row": number, "column": column, "message": formula_expected()}
                    )
            values = [value for value, _formula in cells][: len(headings)]
            rows.append(values + [None] * (len(headings) - len(values)))
    return tablib.Dataset(*rows, headers=headings)
