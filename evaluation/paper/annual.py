"""The official forms of a year as PDF and Excel; reads only.

- A person's rating sheet follows Mẫu số 02 of Phụ lục II (Nghị định 335/2025/NĐ-CP):
  the month totals and the year's mean, the level the person proposed, the level of the
  competent authority (the superior's decided level where there is one, else none
  ticked and the roll-up's level named as the proposal), and the two signature blocks.
  A leader's sheet (a head or deputy) adds the result of the unit they lead and the
  accountability the year weighed (cases in the unit, the head capped by the unit).
- The agency's rating list: everyone rated, by unit, then the count and share of each
  level per unit and for the agency.
- The emulation decision's annex: the individual and collective titles as the board
  decided them (the proposal where the board has not decided yet, marked as a draft
  until the year is published).

Each is printed with the national motto header, the agency, a document number, the
place and date line and signature blocks, and as Excel with the same columns. Loading
is a constant number of queries whatever the agency's size.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pandas as pd
from django.utils.translation import gettext as _

from discipline import pdf
from evaluation import scoring
from evaluation.annual import board_models as bm
from evaluation.annual import models as annual
from evaluation.annual.presenters import title_label
from evaluation.models import Evaluation
from evaluation.presenters import LEVEL_PARAMS
from evaluation.reasons import reason_text
from hrsystem import clock
from hrsystem import selectors as hr_selectors
from hrsystem.exports import workbook
from hrsystem.models import Organisation, Unit

from .documents import header_frame

LEVELS = [(code, str(label)) for code, label in bm.LEVEL_CHOICES]
"""The four levels in the form's order, with the form's wording."""
LEVEL_NAMES = dict(LEVELS)
ACCOUNTABILITY = (scoring.CORRUPTION_IN_UNIT, scoring.HEAD_CAPPED_BY_UNIT)
"""Reason codes that are a leader's accountability for their unit."""
TITLE_ORDER = (
    scoring.TITLE_EMULATION_SOLDIER,
    scoring.TITLE_ADVANCED_WORKER,
    scoring.TITLE_EXCELLENT_COLLECTIVE,
    scoring.TITLE_ADVANCED_COLLECTIVE,
)


@dataclass
class MonthRow:
    number: int
    total: Decimal | None
    note: str


@dataclass
class YearSheet:
    """One person's Mẫu số 02 laid out for printing."""

    document_id: str
    result: annual.AnnualResult
    position: str
    months: list[MonthRow]
    proposed_level: str  # the person's own, from their self-evaluation
    self_comment: str
    decided_level: str  # the competent authority's, where decided
    rater: str
    rater_comment: str
    is_leader: bool
    unit_result: annual.UnitAnnualResult | None = None
    accountability: list[str] = field(default_factory=list)

    @property
    def employee(self):
        return self.result.employee

    @property
    def level(self) -> str:
        """The level the documents print: the decided one, else the roll-up's."""
        return self.decided_level or self.result.level

    @property
    def level_label(self) -> str:
        return LEVEL_NAMES.get(self.level, "")

    @property
    def note(self) -> str:
        return list_note(self)

    @property
    def roll_up_label(self) -> str:
        return LEVEL_NAMES.get(self.result.level, "")

    @property
    def unit_level_label(self) -> str:
        return LEVEL_NAMES.get(self.unit_result.level, "") if self.unit_result else ""


@dataclass
class UnitCount:
    unit: Unit | None  # None: the agency's total
    level: str
    rated: int
    counts: list[tuple[int, Decimal]]  # (count, percent) per level, in LEVELS order

    @property
    def level_label(self) -> str:
        return LEVEL_NAMES.get(self.level, "")


@dataclass
class RatingList:
    document_id: str
    organisation: Organisation
    year: int
    unit: Unit | None  # the list of one unit, or None for the agency's
    sheets: list[YearSheet]
    counts: list[UnitCount]
    leader: str


@dataclass
class TitleRow:
    name: str
    position: str
    unit: str
    title: str


@dataclass
class Annex:
    document_id: str
    organisation: Organisation
    year: int
    unit: Unit | None
    people: list[TitleRow]
    units: list[TitleRow]
    published: bool
    leader: str


def _suffix(unit: Unit | None) -> str:
    return f"-{unit.code}" if unit is not None else ""


def sheet_document_id(result: annual.AnnualResult) -> str:
    return f"PXL-{result.organisation.code}-{result.year}-{result.employee.code}"


def list_document_id(organisation: Organisation, year: int, unit: Unit | None = None) -> str:
    return f"DSXL-{organisation.code}-{year}{_suffix(unit)}"


def annex_document_id(organisation: Organisation, year: int, unit: Unit | None = None) -> str:
    return f"PLTD-{organisation.code}-{year}{_suffix(unit)}"


def _month_note(level: str, absent: bool) -> str:
    if absent:
        return _("Vắng mặt")
    return LEVEL_NAMES.get(level, "")


def _results(organisation: Organisation, year: int, unit_ids=None):
    rows = annual.AnnualResult.objects.filter(organisation=organisation, year=year).select_related(
        "organisation", "employee", "unit"
    )
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=unit_ids)
    return list(rows.order_by("unit__path", "-is_head", "employee__sort_key", "employee__code"))


def _sheets(results: list[annual.AnnualResult]) -> list[YearSheet]:
    """The sheets of `results` (one agency-year); 5 queries whatever their number."""
    if not results:
        return []
    organisation, year = results[0].organisation, results[0].year
    ids = [r.employee_id for r in results]
    where = {"organisation": organisation, "year": year, "employee_id__in": ids}
    months: dict[int, list[MonthRow]] = defaultdict(list)
    positions: dict[int, str] = {}
    for employee_id, number, total, level, absent, position in _months(organisation, year, ids):
        months[employee_id].append(MonthRow(number, total, _month_note(level, absent)))
        positions[employee_id] = position  # the last counted month's
    own = {s.employee_id: s for s in bm.SelfAssessment.objects.filter(**where)}
    ratings = {
        r.employee_id: r
        for r in bm.SuperiorRating.objects.filter(**where).select_related("rated_by__employee")
    }
    # the units of every result, never empty: the same queries for staff and leaders
    unit_ids = {r.unit_id for r in results}
    units = {
        u.unit_id: u
        for u in annual.UnitAnnualResult.objects.filter(
            organisation=organisation, year=year, unit_id__in=unit_ids
        )
    }
    cases: dict[int, list[str]] = defaultdict(list)
    for case in annual.CorruptionCase.objects.filter(
        organisation=organisation, year=year, unit_id__in=unit_ids
    ):
        cases[case.unit_id].append(
            _("%(kind)s: %(summary)s (văn bản %(number)s)")
            % {
                "kind": case.get_kind_display(),
                "summary": case.summary,
                "number": case.document_number,
            }
        )
    sheets = []
    for result in results:
        mine, rating = own.get(result.employee_id), ratings.get(result.employee_id)
        leader = result.is_leader or result.is_head
        accountability = []
        if leader:
            accountability = cases.get(result.unit_id, []) + _accountability(result.reasons)
        sheets.append(
            YearSheet(
                document_id=sheet_document_id(result),
                result=result,
                position=positions.get(result.employee_id, ""),
                months=_twelve(months.get(result.employee_id, [])),
                proposed_level=mine.proposed_level if mine else "",
                self_comment=mine.comment if mine else "",
                decided_level=rating.level if rating else "",
                rater=_rater(rating),
                rater_comment=rating.comment if rating else "",
                is_leader=leader,
                unit_result=units.get(result.unit_id) if leader else None,
                accountability=accountability,
            )
        )
    return sheets


def _months(organisation: Organisation, year: int, employee_ids: list[int]):
    """(person, month, total, level, absent, position) of each month the year's roll-up
    counted, by month; 1 query."""
    periods = annual.AnnualRun.periods.through.objects.filter(
        annualrun__organisation=organisation, annualrun__year=year
    ).values("period_id")
    return (
        Evaluation.objects.filter(
            period_id__in=periods, employee_id__in=employee_ids, is_current=True
        )
        .order_by("period__number")
        .values_list(
            "employee_id", "period__number", "total", "level", "absent", "job_position__name"
        )
    )


def _accountability(stored) -> list[str]:
    """The stored reasons that are a leader's accountability, as sentences, a level
    named in the form's words."""
    return [
        reason_text(
            scoring.Reason(
                item["code"],
                tuple(
                    (key, LEVEL_NAMES.get(value, value) if key in LEVEL_PARAMS else value)
                    for key, value in item.get("params", ())
                ),
            )
        )
        for item in stored or ()
        if item["code"] in ACCOUNTABILITY
    ]


def _rater(rating) -> str:
    if rating is None:
        return ""
    user = rating.rated_by
    employee = getattr(user, "employee", None)
    return employee.full_name if employee else user.get_full_name() or user.username


def _twelve(rows: list[MonthRow]) -> list[MonthRow]:
    """Months 1 to 12 as the form prints them: a month not counted is left blank."""
    by_number = {row.number: row for row in rows}
    return [by_number.get(n, MonthRow(n, None, "")) for n in range(1, 13)]


def year_sheet(result: annual.AnnualResult) -> YearSheet:
    """One person's sheet; 6 queries."""
    return _sheets(
        [
            annual.AnnualResult.objects.select_related("organisation", "employee", "unit").get(
                pk=result.pk
            )
        ]
    )[0]


def year_sheets(organisation: Organisation, year: int, unit_ids=None) -> list[YearSheet]:
    """Every person's sheet of the agency's year (only `unit_ids` when given)."""
    return _sheets(_results(organisation, year, unit_ids))


def _leader_name(organisation: Organisation, year: int, unit: Unit | None) -> str:
    on = min(date(year, 12, 31), clock.today())
    unit = unit or Unit.objects.filter(organisation=organisation, parent=None).first()
    leader = hr_selectors.unit_leader(unit, on=on) if unit else None
    return leader.full_name if leader else ""


def _percent(count: int, total: int) -> Decimal:
    if not total:
        return Decimal(0)
    return (Decimal(100) * count / total).quantize(Decimal("0.01"))


def _count(unit, level: str, sheets: list[YearSheet]) -> UnitCount:
    rated = [s for s in sheets if s.result.rated]
    counter = Counter(s.level for s in rated)
    return UnitCount(
        unit=unit,
        level=level,
        rated=len(rated),
        counts=[(counter[code], _percent(counter[code], len(rated))) for code, _label in LEVELS],
    )


def rating_list(organisation: Organisation, year: int, unit: Unit | None = None) -> RatingList:
    """The agency's (or one unit's) annual rating list; constant queries."""
    sheets = year_sheets(organisation, year, [unit.pk] if unit else None)
    by_unit: dict[int, list[YearSheet]] = defaultdict(list)
    for sheet in sheets:
        by_unit[sheet.result.unit_id].append(sheet)
    unit_results = annual.UnitAnnualResult.objects.filter(organisation=organisation, year=year)
    levels = dict(unit_results.values_list("unit_id", "level"))
    units = {s.result.unit_id: s.result.unit for s in sheets}
    counts = [_count(units[pk], levels.get(pk, ""), rows) for pk, rows in by_unit.items()]
    if unit is None:
        counts.append(_count(None, "", sheets))
    return RatingList(
        document_id=list_document_id(organisation, year, unit),
        organisation=organisation,
        year=year,
        unit=unit,
        sheets=sheets,
        counts=counts,
        leader=_leader_name(organisation, year, unit),
    )


def _title_key(row: TitleRow, code: str):
    return (TITLE_ORDER.index(code) if code in TITLE_ORDER else len(TITLE_ORDER), row.unit)


def annex(organisation: Organisation, year: int, unit: Unit | None = None) -> Annex:
    """The titles of the year as the board decided them (the proposal where it has not);
    only `unit`'s people and unit when given; 6 queries."""
    where = {"organisation": organisation, "year": year}
    decisions = bm.TitleDecision.objects.filter(**where)
    by_person = {d.employee_id: d.final_title for d in decisions if d.employee_id}
    by_unit = {d.unit_id: d.final_title for d in decisions if d.unit_id}
    results = annual.AnnualResult.objects.filter(**where).select_related("employee", "unit")
    unit_results = annual.UnitAnnualResult.objects.filter(**where).select_related("unit")
    if unit is not None:
        results, unit_results = results.filter(unit=unit), unit_results.filter(unit=unit)
    people = []
    titled = [
        r
        for r in results.order_by("unit__path", "employee__sort_key", "employee__code")
        if by_person.get(r.employee_id, r.title)
    ]
    positions = {
        row[0]: row[-1] for row in _months(organisation, year, [r.employee_id for r in titled])
    }
    for r in titled:
        code = by_person.get(r.employee_id, r.title)
        if code:
            position = positions.get(r.employee_id, "")
            row = TitleRow(r.employee.full_name, position, r.unit.name, title_label(code))
            people.append((_title_key(row, code), row))
    units = []
    for u in unit_results.order_by("unit__path"):
        code = by_unit.get(u.unit_id, u.title)
        if code:
            row = TitleRow(u.unit.name, "", u.unit.name, title_label(code))
            units.append((_title_key(row, code), row))
    review = bm.AnnualReview.objects.filter(**where).first()
    return Annex(
        document_id=annex_document_id(organisation, year, unit),
        organisation=organisation,
        year=year,
        unit=unit,
        people=[row for _key, row in sorted(people, key=lambda pair: pair[0][0])],
        units=[row for _key, row in sorted(units, key=lambda pair: pair[0][0])],
        published=bool(review and review.published),
        leader=_leader_name(organisation, year, None),
    )


# --- PDF ---------------------------------------------------------------------------------


def _context(organisation, year: int, document_id: str, printed_on: date | None) -> dict:
    return {
        "organisation": organisation,
        "year": year,
        "document_id": document_id,
        "printed_on": printed_on or clock.today(),
        "levels": LEVELS,
    }


def sheets_pdf(sheets: list[YearSheet], document_id: str, *, printed_on=None) -> bytes:
    """The sheets one after the other, each from a new page, in one file."""
    first = sheets[0].result
    context = _context(first.organisation, first.year, document_id, printed_on)
    context["sheets"] = sheets
    return pdf.render_pdf("evaluation/paper/year_sheet_pdf.html", context)


def sheet_pdf(sheet: YearSheet, *, printed_on: date | None = None) -> bytes:
    return sheets_pdf([sheet], sheet.document_id, printed_on=printed_on)


def rating_list_pdf(document: RatingList, *, printed_on: date | None = None) -> bytes:
    context = _context(document.organisation, document.year, document.document_id, printed_on)
    context.update(
        document=document,
        row_tables=pdf.chunks(enumerate(document.sheets, 1)),
        count_columns=LEVELS,
    )
    return pdf.render_pdf("evaluation/paper/year_list_pdf.html", context)


def annex_pdf(document: Annex, *, printed_on: date | None = None) -> bytes:
    context = _context(document.organisation, document.year, document.document_id, printed_on)
    context["document"] = document
    return pdf.render_pdf("evaluation/paper/year_annex_pdf.html", context)


# --- Excel (the PDF's columns) ---------------------------------------------------------


def MONTH_COLUMNS() -> list[str]:  # noqa: N802 (a constant, translated when called)
    return [_("Tháng"), _("Tổng điểm theo dõi, đánh giá"), _("Ghi chú")]


def LIST_COLUMNS() -> list[str]:  # noqa: N802
    return [
        _("TT"),
        _("Họ và tên"),
        _("Chức vụ, chức danh"),
        _("Đơn vị"),
        _("Số tháng được xếp loại"),
        _("Tổng điểm trung bình cả năm"),
        _("Mức xếp loại chất lượng"),
        _("Ghi chú"),
    ]


def COUNT_COLUMNS() -> list[str]:  # noqa: N802
    columns = [_("Đơn vị"), _("Mức xếp loại của đơn vị"), _("Số người được xếp loại")]
    for _code, label in LEVELS:
        columns += [label, _("Tỷ lệ %(level)s (%%)") % {"level": label}]
    return columns


def PERSON_TITLE_COLUMNS() -> list[str]:  # noqa: N802
    return [_("TT"), _("Họ và tên"), _("Chức vụ, chức danh"), _("Đơn vị"), _("Danh hiệu")]


def UNIT_TITLE_COLUMNS() -> list[str]:  # noqa: N802
    return [_("TT"), _("Tên tập thể"), _("Danh hiệu")]


def list_note(sheet: YearSheet) -> str:
    """The list's remark: not rated, or no decision of the competent authority yet."""
    if not sheet.result.rated:
        return _("Không xếp loại")
    if not sheet.decided_level:
        return _("Theo kết quả tổng hợp (chưa có quyết định của cấp trên)")
    return ""


def list_row(number: int, sheet: YearSheet) -> tuple:
    r = sheet.result
    return (
        number,
        r.employee.full_name,
        sheet.position,
        r.unit.name,
        r.months_rated,
        r.score,
        sheet.level_label if r.rated else "",
        sheet.note,
    )


def count_row(row: UnitCount) -> tuple:
    cells = [row.unit.name if row.unit else _("Toàn cơ quan"), row.level_label, row.rated]
    for count, percent in row.counts:
        cells += [count, percent]
    return tuple(cells)


def _year_header(organisation, year: int, document_id: str, lines) -> pd.DataFrame:
    return header_frame(organisation, document_id, [(_("Năm"), str(year)), *lines])


def sheet_xlsx(sheet: YearSheet) -> bytes:
    r = sheet.result
    lines = [
        (_("Họ và tên"), r.employee.full_name),
        (_("Chức vụ, chức danh"), sheet.position),
        (_("Đơn vị công tác"), r.unit.name),
        (_("Tổng điểm trung bình cả năm"), r.score),
        (
            _("Công chức tự đánh giá, xếp loại chất lượng"),
            LEVEL_NAMES.get(sheet.proposed_level, ""),
        ),
        (_("Ý kiến tự đánh giá"), sheet.self_comment),
        (
            _("Kết quả xếp loại chất lượng của cấp có thẩm quyền"),
            LEVEL_NAMES.get(sheet.decided_level, ""),
        ),
        (_("Mức theo kết quả tổng hợp"), LEVEL_NAMES.get(r.level, "")),
        (_("Nhận xét của cấp có thẩm quyền"), sheet.rater_comment),
    ]
    if sheet.is_leader:
        unit = sheet.unit_result
        lines += [
            (_("Điểm năm của đơn vị"), unit.score if unit else None),
            (_("Mức xếp loại của đơn vị"), LEVEL_NAMES.get(unit.level, "") if unit else ""),
            (_("Trách nhiệm người đứng đầu"), "; ".join(sheet.accountability)),
        ]
    months = [(str(m.number), m.total, m.note) for m in sheet.months] + [
        (_("Tổng điểm trung bình cả năm"), r.score, "")
    ]
    return workbook(
        {
            _("Phiếu xếp loại"): _year_header(r.organisation, r.year, sheet.document_id, lines),
            _("Kết quả theo tháng"): pd.DataFrame(months, columns=MONTH_COLUMNS()),
        }
    )


def rating_list_xlsx(document: RatingList) -> bytes:
    lines = [(_("Đơn vị"), document.unit.name)] if document.unit else []
    rows = [list_row(number, sheet) for number, sheet in enumerate(document.sheets, 1)]
    return workbook(
        {
            _("Thông tin"): _year_header(
                document.organisation, document.year, document.document_id, lines
            ),
            _("Danh sách"): pd.DataFrame(rows, columns=LIST_COLUMNS()),
            _("Tổng hợp theo đơn vị"): pd.DataFrame(
                [count_row(row) for row in document.counts], columns=COUNT_COLUMNS()
            ),
        }
    )


def annex_xlsx(document: Annex) -> bytes:
    people = [
        (n, row.name, row.position, row.unit, row.title) for n, row in enumerate(document.people, 1)
    ]
    units = [(n, row.name, row.title) for n, row in enumerate(document.units, 1)]
    return workbook(
        {
            _("Thông tin"): _year_header(
                document.organisation, document.year, document.document_id, []
            ),
            _("Cá nhân"): pd.DataFrame(people, columns=PERSON_TITLE_COLUMNS()),
            _("Tập thể"): pd.DataFrame(units, columns=UNIT_TITLE_COLUMNS()),
        }
    )
