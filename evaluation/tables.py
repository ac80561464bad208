"""The monthly cycle's list pages as Excel tables (`hrsystem.exports`): the columns each
page shows, with the same headers."""

from django.utils.translation import gettext_lazy as _

from evaluation import selectors
from evaluation.presenters import level_label
from evaluation.templatetags.evaluation_labels import level_name, unit_status_label
from hrsystem.exports import Column, Table

PERIODS = Table(
    title=_("Kỳ đánh giá"),
    filename="ky-danh-gia",
    columns=[
        Column(_("Kỳ"), str),
        Column(_("Bộ quy tắc"), "rule_set.name"),
        Column(_("Phiên bản"), "rule_set.version"),
        Column(_("Trạng thái"), lambda period: period.get_state_display()),
        Column(_("Tự đánh giá"), "self_assessment_due"),
        Column(_("Thủ trưởng chấm điểm"), "scoring_due"),
        Column(_("Đơn vị gửi kết quả"), "unit_submission_due"),
        Column(_("Lãnh đạo cơ quan phê duyệt"), "sign_off_due"),
    ],
)

MY_RESULTS = Table(
    title=_("Kết quả đánh giá của tôi"),
    filename="ket-qua-cua-toi",
    columns=[
        Column(_("Kỳ"), lambda row: str(row[0].period)),
        Column(_("Phiên bản"), lambda row: row[0].version),
        Column(_("Tiêu chí chung"), lambda row: row[0].general),
        Column(_("Nhiệm vụ"), lambda row: row[0].task_points),
        Column(_("Điểm thưởng"), lambda row: row[0].bonus),
        Column(_("Điểm trừ"), lambda row: row[0].deductions),
        Column(_("Tổng điểm"), lambda row: row[0].total),
        Column(_("Mức xếp loại"), lambda row: row[1]),
    ],
)


def overview_table(period, level_labels) -> Table:
    """The period overview's unit table: one column per level (named as the period's
    rule set names them, in the order of each unit's `level_counts`)."""
    levels = [
        Column(label, lambda up, index=index: up.level_counts[index][1])
        for index, label in enumerate(level_labels)
    ]
    return Table(
        title=_("Tổng hợp %(period)s") % {"period": period},
        filename=f"tong-hop-{period.year}-{period.number:02d}",
        columns=[
            Column(_("Đơn vị"), "unit.name"),
            Column(_("Trạng thái"), lambda up: unit_status_label(up, period)[0]),
            Column(_("Chưa tự đánh giá"), "missing"),
            Column(_("Được đánh giá"), lambda up: up.figures["total"]),
            Column(_("Đã chấm"), lambda up: up.figures["scored"]),
            *levels,
            Column(_("Mức đơn vị"), "level_label"),
            Column(_("Điểm đơn vị"), lambda up: up.score if up.level_label else None),
            Column(_("Phản ánh đúng"), "complaints"),
            Column(_("Xin lỗi"), "apologies"),
        ],
    )


def scoring_table(period, rules) -> Table:
    """The head's scoring list: each person they score this period, with the result so far
    (the level named as the period's rule set names it)."""
    return Table(
        title=_("Chấm điểm %(period)s") % {"period": period},
        filename=f"cham-diem-{period.year}-{period.number:02d}",
        columns=[
            Column(_("Họ và tên"), "employee.full_name"),
            Column(_("Mã cán bộ"), "employee.code"),
            Column(_("Đơn vị"), "unit.name"),
            Column(_("Trạng thái"), lambda evaluation: evaluation.get_state_display()),
            Column(_("Tiêu chí chung"), "general"),
            Column(_("Nhiệm vụ"), "task_points"),
            Column(_("Điểm thưởng"), "bonus"),
            Column(_("Điểm trừ"), "deductions"),
            Column(_("Tổng điểm"), "total"),
            Column(
                _("Mức xếp loại"),
                lambda evaluation: level_label(rules, evaluation.level) or "",
            ),
            Column(_("Nhận xét của người chấm"), "head_comment"),
        ],
    )


def _span_score(row):
    return row.result.score if row and row.result.rated else None


def _span_level(row):
    return level_name(row.level_label) if row and row.result.rated else _("Chưa xếp loại")


def month_total(cell):
    """A month behind a quarter: its total, else why there is none."""
    if not cell.period.published:
        return _("chưa công bố")
    return _("không xếp loại") if cell.total is None else cell.total


def quarter_table(table, half) -> Table:
    """The quarter's people (`(row, half-year row)` pairs, as the page lists them): the
    quarter's score and level, one column per month behind it, then the half-year's."""
    months = [
        Column(period.label, lambda pair, index=index: month_total(pair[0].months[index]))
        for index, period in enumerate(table.periods)
    ]
    return Table(
        title=_("Kết quả quý %(q)s/%(y)s") % {"q": table.number, "y": table.year},
        filename=f"ket-qua-quy-{table.number}-{table.year}",
        columns=[
            Column(_("Mã cán bộ"), lambda pair: pair[0].code),
            Column(_("Họ và tên"), lambda pair: pair[0].name),
            Column(_("Đơn vị"), lambda pair: pair[0].unit_name),
            Column(_("Điểm quý"), lambda pair: _span_score(pair[0])),
            Column(_("Mức xếp loại quý"), lambda pair: _span_level(pair[0])),
            *months,
            Column(
                _("Điểm 6 tháng (nửa năm %(h)s)") % {"h": half.number},
                lambda pair: _span_score(pair[1]),
            ),
            Column(_("Mức xếp loại 6 tháng"), lambda pair: _span_level(pair[1])),
        ],
    )


STEP_LABELS = {
    selectors.STEP_DECLARING: _("Chưa gửi tự đánh giá"),
    selectors.STEP_AWAITING_SCORE: _("Chờ chấm điểm"),
    selectors.STEP_SCORED: _("Đã chấm"),
    selectors.STEP_NOT_RATED: _("Không xếp loại"),
}


def completeness_table(period) -> Table:
    """The progress board, one line per person (`(unit, person)` pairs): the step they
    are at, its due date and the days left."""
    return Table(
        title=_("Tiến độ đánh giá %(period)s") % {"period": period},
        filename=f"tien-do-{period.year}-{period.number:02d}",
        columns=[
            Column(_("Đơn vị"), lambda pair: pair[0].unit_period.unit.name),
            Column(_("Họ và tên"), lambda pair: pair[1].name),
            Column(_("Bước"), lambda pair: STEP_LABELS[pair[1].step]),
            Column(_("Bị trả lại"), lambda pair: _("Có") if pair[1].returned else ""),
            Column(_("Hạn"), lambda pair: pair[1].due),
            Column(_("Còn (ngày)"), lambda pair: pair[1].days_left),
            Column(_("Lý do không xếp loại"), lambda pair: pair[1].not_rated_reason),
        ],
    )
