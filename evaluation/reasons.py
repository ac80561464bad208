"""Translatable text for the engine's reason codes, and for the parameters they carry.

The engine (`evaluation.scoring`) emits codes only; pages, PDFs and exports show
`reason_text(reason)`, which explains the code in the user's language with the values
that produced it (which cap, which rank in the quota, which decision).
"""

from django.utils.translation import gettext_lazy as _

from . import scoring

REASON_TEXT = {
    scoring.NOT_RATED_ABSENT: _("Vắng mặt cả kỳ: không xếp loại kỳ này."),
    scoring.NOT_RATED_JOINED_LATE: _("Nhận công tác sau ngày 15: không xếp loại kỳ này."),
    scoring.NO_WORK_ITEMS: _(
        "Không có sản phẩm, công việc trong kỳ: số lượng, chất lượng, tiến độ tính bằng 0."
    ),
    scoring.LEADER_UNIT_HAS_FAIL: _(
        "Có người thuộc quyền quản lý bị xếp loại Không hoàn thành: tiêu chí “Kết quả của"
        " người thuộc quyền” (d) chỉ tính 50 điểm thay vì 100."
    ),
    scoring.CAPPED_BY_VIOLATION: _("Vi phạm đã ghi nhận giới hạn mức xếp loại."),
    scoring.HEAD_CAPPED_BY_UNIT: _(
        "Người đứng đầu không được xếp loại cao hơn mức xếp loại của đơn vị mình phụ trách."
    ),
    scoring.QUOTA_DOWNGRADE: _("Vượt tỷ lệ cho mức cao nhất: chuyển xuống mức liền kề."),
    scoring.NO_RATED_STAFF: _("Đơn vị không có công chức được xếp loại (ngoài người đứng đầu)."),
    scoring.UNIT_LOW_ON_TIME_RATE: _(
        "Tỷ lệ hồ sơ giải quyết đúng hạn thấp hơn mức sàn của cơ quan."
    ),
    scoring.NOT_RATED_FEW_MONTHS: _("Thời gian công tác trong năm không đủ để xếp loại."),
    scoring.CAPPED_ABSENCE: _("Nghỉ việc quá số tháng cho phép trong năm."),
    scoring.DISCIPLINE_IN_YEAR: _("Bị xử lý kỷ luật trong năm."),
    scoring.DEGRADATION_CONCLUDED: _(
        "Cấp có thẩm quyền kết luận suy thoái về tư tưởng chính trị, đạo đức, lối sống."
    ),
    scoring.CORRUPTION_IN_UNIT: _(
        "Đơn vị do mình phụ trách xảy ra tham nhũng, lãng phí được xử lý trong năm."
    ),
}

PARAM_LABELS = {
    "cap": _("mức giới hạn"),
    "refs": _("căn cứ"),
    "unit_level": _("mức của đơn vị"),
    "rank": _("thứ tự"),
    "limit": _("số được giữ"),
    "base": _("cơ sở tính tỷ lệ"),
    "rate": _("tỷ lệ đúng hạn"),
    "floor": _("mức sàn"),
    "months": _("số tháng"),
    "decision": _("quyết định"),
}


NOT_RATED_AGENCY_LEADER = _("Lãnh đạo cơ quan: do cấp trên trực tiếp đánh giá, xếp loại.")


def not_rated_text(*, absent: bool, joined_late: bool) -> str:
    """Why a person is not rated this period: absent all period, joined after the 15th,
    or (neither) the agency leader, whom the level above rates."""
    if absent:
        return str(REASON_TEXT[scoring.NOT_RATED_ABSENT])
    if joined_late:
        return str(REASON_TEXT[scoring.NOT_RATED_JOINED_LATE])
    return str(NOT_RATED_AGENCY_LEADER)


def reason_text(reason: scoring.Reason) -> str:
    """The reason in the active language, followed by the values that produced it."""
    text = str(REASON_TEXT[reason.code])
    if not reason.params:
        return text
    details = "; ".join(f"{PARAM_LABELS.get(key, key)}: {value}" for key, value in reason.params)
    return f"{text} ({details})"
