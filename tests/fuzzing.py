"""What the fuzz tests share: the hostile strings, hypothesis's settings for them, and a
`fuzz_cases` fixture counting the cases each test runs (the terminal summary adds them
up, see tests/conftest.py)."""

import io

import openpyxl
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

FUZZ = settings(
    max_examples=60,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
)

HOSTILE = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "1e400",
            "NaN",
            "Infinity",
            "9" * 40,
            "-" + "9" * 40,
            "9999-12",
            "0000-00",
            "2026-13",
            "2026-02-30",
            "٣",  # Arabic-Indic three
            "１２",  # full-width twelve
            "߃",  # NKo three
            "²",
            "' OR 1=1 --",
            "1; DROP TABLE auth_user",
            "<script>alert(1)</script>",
            '"><img src=x onerror=alert(1)>',
            "%00",
            "\x00",
            "a\x00b",
            "x" * 5000,
            "mười",
            "true",
            "[]",
            "{}",
        ]
    ),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.text(max_size=40),
    st.text(alphabet=st.characters(categories=["Nd"]), min_size=1, max_size=6),
)
"""Strings a careless or hostile request may carry."""

FORMULAS = st.sampled_from(
    ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1:A2)", "=1/0", "\t=1"]
)

CELLS = st.one_of(
    HOSTILE,
    FORMULAS,
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(),
)
"""What a spreadsheet cell may hold (openpyxl writes each as its own type)."""


@st.composite
def spreadsheets(draw, headers: list[str], plausible: list[list]):
    """A table as a file: the real headers (sometimes one dropped, doubled or renamed)
    over rows that start from `plausible` ones with a few cells made hostile; returns
    (file name, bytes), as .xlsx or .csv, or a file that is neither."""
    columns = list(headers)
    change = draw(st.sampled_from(["none", "none", "drop", "double", "rename"]))
    if change == "drop":
        del columns[draw(st.integers(0, len(columns) - 1))]
    elif change == "double":
        columns.append(draw(st.sampled_from(columns)))
    elif change == "rename":
        columns[draw(st.integers(0, len(columns) - 1))] = draw(st.text(max_size=12))
    rows = []
    for _ in range(draw(st.integers(0, 4))):
        row = list(draw(st.sampled_from(plausible)))[: len(columns)]
        row += [""] * (len(columns) - len(row))
        for index in draw(st.lists(st.integers(0, len(columns) - 1), max_size=3)):
            row[index] = draw(CELLS)
        rows.append(row)
    kind = draw(st.sampled_from(["xlsx", "xlsx", "csv", "csv", "junk"]))
    if kind == "junk":
        return draw(st.sampled_from(["so-lieu.xlsx", "so-lieu.csv"])), draw(st.binary(max_size=200))
    if kind == "csv":
        lines = [columns, *rows]
        text = "\n".join(",".join(_csv_cell(cell) for cell in line) for line in lines)
        return "so-lieu.csv", text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig"])))
    book = openpyxl.Workbook()
    sheet = book.active
    for line in [columns, *rows]:
        sheet.append([_xlsx_cell(cell) for cell in line])
    buffer = io.BytesIO()
    book.save(buffer)
    return "so-lieu.xlsx", buffer.getvalue()


def _csv_cell(cell) -> str:
    text = "" if cell is None else str(cell)
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n\r') else text


def _xlsx_cell(cell):
    if isinstance(cell, str):  # openpyxl refuses control characters in a cell
        return "".join(c for c in cell if c >= " " or c in "\t\n")
    return cell


class Cases:
    """Counts the cases a fuzz test runs: call it once per case."""

    def __init__(self, minimum: int):
        self.run = 0
        self.minimum = minimum
        self.outcomes: dict[str, int] = {}
        self.must_see: set[str] = set()

    def __call__(self) -> None:
        self.run += 1

    def saw(self, outcome: str) -> None:
        """Tally how a case ended (accepted, refused…): a test may ask that each was seen."""
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


EXAMPLES = 60
"""Cases per import fuzz test: enough to reach every column and kind of file, few enough
to keep the suite fast (`--hypothesis-profile=hunt` searches wider)."""


@pytest.fixture(name="fuzz_cases")
def fuzz_cases_fixture(request, record_property):
    """A `Cases` counter for the test; the total is recorded for the terminal summary and
    a passing test must have run at least its `minimum` (hypothesis ran every example)."""
    cases = Cases(EXAMPLES)
    yield cases
    record_property("fuzz_cases", cases.run)
    call = getattr(request.node, "report_call", None)
    if call is not None and call.passed:
        assert cases.run >= cases.minimum, (cases.run, cases.minimum)
        assert cases.must_see <= set(cases.outcomes), cases.outcomes  # both ways were tried
