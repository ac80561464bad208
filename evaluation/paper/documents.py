"""The official forms of a month (or quarter) as PDF and Excel; reads only.

A person's sheet follows Mẫu số 01 of Phụ lục II (Nghị định 335/2025/NĐ-CP): the national
motto header, the agency, the general criteria grouped as the decree numbers them with
the self-assessed and the awarded points, the work items, the summary (general points,
task points, total, comments) and the two signature blocks. The unit's summary list has
the same header, one row per person and the blocks of the preparer and the head.

Every document carries an id, printed on its number line and in its footer.
Loading is a constant number of queries whatever the unit's size.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pandas as pd
from django.utils.translation import gettext as _

from discipline import pdf
from discipline.display import person_name
from hrsystem import clock
from hrsystem import selectors as hr_selectors
from hrsystem.exports import workbook
from hrsystem.models import Unit

from .. import presenters, selectors
from ..models import Evaluation, Period
from ..templatetags.evaluation_charts import score

GROUP_NUMBER = re.compile(r"^\s*[IVXLC]+\s*[.)]\s*")
"""A group name's own roman numbering ('II. Năng lực…'): the form prints it in column TT."""
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


@dataclass
class CriterionGroup:
    number: str
    name: str
    max_points: Decimal
    rows: list
    source: str = ""


@dataclass
class PersonSheet:
    """One person's Mẫu số 01 laid out for printing."""

    document_id: str
    breakdown: presenters.Breakdown
    groups: list[CriterionGroup]
    proposed_total: Decimal | None
    final_total: Decimal | None
    scorer: str


@dataclass
class UnitSummary:
    document_id: str
    period: Period
    unit: Unit
    head: str
    sheets: list[PersonSheet]


def period_label(period: Period) -> str:
    """'tháng 10 năm 2026' or 'quý 3 năm 2026', as the form's period line asks."""
    if period.cadence == "quarterly":
        return _("quý %(number)s năm %(year)s") % {"number": period.number, "year": period.year}
    return _("tháng %(number)s năm %(year)s") % {"number": period.number, "year": period.year}


def person_document_id(evaluation: Evaluation) -> str:
    period = evaluation.period
    return (
        f"PDG-{period.organisation.code}-{period.year}-{period.number:02d}-"
        f"{evaluation.employee.code}-v{evaluation.version}"
    )


def unit_document_id(period: Period, unit: Unit) -> str:
    return f"DSDV-{period.organisation.code}-{period.year}-{period.number:02d}-{unit.code}"


def _sum(values) -> Decimal | None:
    present = [value for value in values if value is not None]
    return sum(present, Decimal(0)) if present else None


def _groups(b: presenters.Breakdown) -> list[CriterionGroup]:
    """The criteria under their groups, numbered I, II, III… and 1, 2, 3… as in the form."""
    groups: list[CriterionGroup] = []
    for row in b.criteria:
        if not groups or groups[-1].source != row.criterion.group:
            number = ROMAN[len(groups)] if len(groups) < len(ROMAN) else str(len(groups) + 1)
            name = GROUP_NUMBER.sub("", row.criterion.group)
            groups.append(CriterionGroup(number, name, Decimal(0), [], row.criterion.group))
        group = groups[-1]
        group.max_points += Decimal(str(row.criterion.max_points))
        group.rows.append((len(group.rows) + 1, row))
    return groups


def _sheet(evaluation: Evaluation, violations: list) -> PersonSheet:
    b = presenters.breakdown(evaluation, violations)
    return PersonSheet(
        document_id=person_document_id(evaluation),
        breakdown=b,
        groups=_groups(b),
        proposed_total=_sum(row.proposed for row in b.criteria),
        final_total=_sum(row.final for row in b.criteria),
        scorer=person_name(evaluation.scored_by),
    )


def _evaluations():
    return selectors.with_details(
        Evaluation.objects.select_related(
            "period__organisation", "scored_by__employee", "employee"
        ).filter(is_current=True)
    )


def person_sheet(evaluation: Evaluation) -> PersonSheet:
    """The sheet of one evaluation (any version); 6 queries."""
    evaluation = selectors.with_details(
        Evaluation.objects.select_related("period__organisation", "scored_by__employee")
    ).get(pk=evaluation.pk)
    return _sheet(evaluation, presenters.violations_of(evaluation))


def unit_summary(period: Period, unit: Unit) -> UnitSummary:
    """Everyone rated in `unit` in `period` (current versions, by name); constant queries."""
    evaluations = list(
        _evaluations().filter(period=period, unit=unit).order_by("employee__full_name", "pk")
    )
    violations = selectors.violations_by_employee(period=period)
    head = hr_selectors.unit_leader(unit, on=min(period.end, clock.today()))
    return UnitSummary(
        document_id=unit_document_id(period, unit),
        period=period,
        unit=unit,
        head=head.full_name if head else "",
        sheets=[_sheet(e, violations.get(e.employee_id, [])) for e in evaluations],
    )


def units_of_period(period: Period) -> list[Unit]:
    """The units with at least one current evaluation in `period`, in tree order."""
    return list(
        Unit.objects.filter(evaluations__period=period, evaluations__is_current=True)
        .distinct()
        .order_by("path")
    )


# --- PDF ---------------------------------------------------------------------------------


def _context(period: Period, document_id: str, printed_on: date | None) -> dict:
    return {
        "organisation": period.organisation,
        "period": period,
        "period_label": period_label(period),
        "document_id": document_id,
        "printed_on": printed_on or clock.today(),
    }


def person_pdf(sheet: PersonSheet, *, printed_on: date | None = None) -> bytes:
    evaluation = sheet.breakdown.evaluation
    context = _context(evaluation.period, sheet.document_id, printed_on)
    context["sheets"] = [sheet]
    return pdf.render_pdf("evaluation/paper/person_sheet_pdf.html", context)


def unit_sheets_pdf(summary: UnitSummary, *, printed_on: date | None = None) -> bytes:
    """Every person's sheet of the unit, one after the other, in one file."""
    context = _context(summary.period, summary.document_id + "-PDG", printed_on)
    context["sheets"] = summary.sheets
    return pdf.render_pdf("evaluation/paper/person_sheet_pdf.html", context)


def unit_summary_pdf(summary: UnitSummary, *, printed_on: date | None = None) -> bytes:
    context = _context(summary.period, summary.document_id, printed_on)
    context.update(summary=summary, row_tables=pdf.chunks(enumerate(summary.sheets, 1)))
    return pdf.render_pdf("evaluation/paper/unit_summary_pdf.html", context)


# --- Excel (the PDF's columns) ---------------------------------------------------------


def header_frame(organisation, document_id: str, lines: list[tuple[str, object]]) -> pd.DataFrame:
    """The workbook's first sheet: the header lines every form prints, then `lines`."""
    rows = [
        (_("Quốc hiệu"), _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")),
        (_("Tiêu ngữ"), _("Độc lập - Tự do - Hạnh phúc")),
        (_("Cơ quan"), organisation.name),
        (_("Số"), document_id),
        *lines,
    ]
    return pd.DataFrame(rows, columns=[_("Mục"), _("Nội dung")])


def _criteria_frame(sheet: PersonSheet) -> pd.DataFrame:
    rows = []
    for group in sheet.groups:
        rows.append((group.number, group.name, group.max_points, None, None))
        for number, row in group.rows:
            rows.append(
                (str(number), row.criterion.name, row.criterion.max_points, row.proposed, row.final)
            )
    rows.append(
        (
            "",
            _("Tổng cộng"),
            sheet.breakdown.rules.general_max,
            sheet.proposed_total,
            sheet.final_total,
        )
    )
    return pd.DataFrame(rows, columns=CRITERIA_COLUMNS())


def CRITERIA_COLUMNS() -> list[str]:  # noqa: N802 (a constant, translated when called)
    return [
        _("TT"),
        _("Tiêu chí chấm điểm"),
        _("Điểm tối đa"),
        _("Điểm do cá nhân tự chấm"),
        _("Điểm cấp có thẩm quyền chấm"),
    ]


def ITEM_COLUMNS() -> list[str]:  # noqa: N802
    return [
        _("TT"),
        _("Sản phẩm, công việc"),
        _("Đơn vị tính"),
        _("Hệ số quy đổi"),
        _("Khối lượng giao"),
        _("Khối lượng hoàn thành"),
        _("Số lần chưa đạt"),
        _("Số ngày chậm"),
        _("Nhận xét của người chấm"),
    ]


def SUMMARY_COLUMNS() -> list[str]:  # noqa: N802
    return [
        _("TT"),
        _("Họ và tên"),
        _("Chức vụ, chức danh"),
        _("Điểm tiêu chí chung"),
        _("Điểm tiêu chí kết quả thực hiện nhiệm vụ"),
        _("Điểm thưởng"),
        _("Điểm trừ"),
        _("Tổng điểm theo dõi, đánh giá"),
        _("Mức xếp loại"),
        _("Ghi chú"),
    ]


def _items_frame(sheet: PersonSheet) -> pd.DataFrame:
    rows = [
        (
            number,
            row.item.name,
            row.item.unit_of_measure,
            row.item.coefficient,
            row.item.planned,
            row.item.done,
            row.item.major_errors,
            row.late,
            row.item.review_note,
        )
        for number, row in enumerate(sheet.breakdown.items, 1)
    ]
    return pd.DataFrame(rows, columns=ITEM_COLUMNS())


def note(sheet: PersonSheet) -> str:
    """The summary list's remark: not rated, absent, or the reasons behind the level."""
    evaluation = sheet.breakdown.evaluation
    if evaluation.absent:
        return _("Vắng mặt cả kỳ")
    if evaluation.not_rated:
        return _("Không xếp loại")
    return "; ".join(sheet.breakdown.reasons)


def summary_row(number: int, sheet: PersonSheet) -> tuple:
    evaluation = sheet.breakdown.evaluation
    return (
        number,
        evaluation.employee.full_name,
        evaluation.job_position.name,
        evaluation.general,
        evaluation.task_points,
        evaluation.bonus,
        evaluation.deductions,
        evaluation.total,
        sheet.breakdown.level or "",
        note(sheet),
    )


def person_xlsx(sheet: PersonSheet) -> bytes:
    evaluation = sheet.breakdown.evaluation
    e = evaluation
    header = header_frame(
        e.period.organisation,
        sheet.document_id,
        [
            (_("Kỳ theo dõi, đánh giá"), period_label(e.period)),
            (_("Họ và tên"), e.employee.full_name),
            (_("Chức vụ, chức danh"), e.job_position.name),
            (_("Đơn vị công tác"), e.unit.name),
            (_("Điểm tiêu chí chung"), score(e.general)),
            (_("Điểm tiêu chí kết quả thực hiện nhiệm vụ"), score(e.task_points)),
            (_("Tổng điểm theo dõi, đánh giá công chức"), score(e.total)),
            (_("Mức xếp loại"), sheet.breakdown.level or ""),
            (_("Ý kiến tự đánh giá"), e.self_comment),
            (_("Ý kiến nhận xét của cấp có thẩm quyền theo dõi, đánh giá"), e.head_comment),
        ],
    )
    return workbook(
        {
            _("Phiếu đánh giá"): header,
            _("Tiêu chí chung"): _criteria_frame(sheet),
            _("Kết quả nhiệm vụ"): _items_frame(sheet),
        }
    )


def unit_summary_xlsx(summary: UnitSummary) -> bytes:
    header = header_frame(
        summary.period.organisation,
        summary.document_id,
        [
            (_("Kỳ theo dõi, đánh giá"), period_label(summary.period)),
            (_("Đơn vị"), summary.unit.name),
            (_("Thủ trưởng đơn vị"), summary.head),
        ],
    )
    rows = [summary_row(number, sheet) for number, sheet in enumerate(summary.sheets, 1)]
    return workbook(
        {
            _("Thông tin"): header,
            _("Danh sách"): pd.DataFrame(rows, columns=SUMMARY_COLUMNS()),
        }
    )
