"""The discipline ledger's list pages as Excel tables (`hrsystem.exports`): the columns
each page shows, with the same headers."""

from django.utils.translation import gettext_lazy as _

from hrsystem.exports import Column, Table


def _target(record) -> str:
    """The person a violation or complaint is against, else the unit."""
    return record.employee.full_name if record.employee else record.target_unit.name


UNIT_COLUMN = Column(_("Đơn vị"), "unit.name")
OCCURRED = Column(_("Ngày"), "occurred_on")
ITEM = Column(_("Hành vi vi phạm"), "item.description")
POINTS = Column(_("Điểm trừ"), "points")
ITEM_CODE = Column(_("Mã hành vi"), "item.code")
STATUS = Column(_("Trạng thái"), lambda violation: violation.get_status_display())

VIOLATIONS = Table(
    title=_("Vi phạm trong đơn vị"),
    filename="vi-pham",
    columns=[
        OCCURRED,
        Column(_("Đối tượng"), _target),
        UNIT_COLUMN,
        ITEM_CODE,
        ITEM,
        POINTS,
        STATUS,
    ],
)

MY_VIOLATIONS = Table(
    title=_("Vi phạm của tôi"),
    filename="vi-pham-cua-toi",
    columns=[OCCURRED, UNIT_COLUMN, ITEM_CODE, ITEM, POINTS, STATUS],
)

CONTESTED = Table(
    title=_("Khiếu nại chờ quyết định"),
    filename="khieu-nai-cho-quyet-dinh",
    columns=[
        Column(_("Ngày khiếu nại"), "contested_at"),
        Column(_("Đối tượng"), _target),
        ITEM,
        POINTS,
        Column(_("Lý do khiếu nại"), "contest_reason"),
        Column(_("Đợt kiểm tra"), "inspection.title"),
    ],
)

DECISIONS = Table(
    title=_("Người bị kỷ luật"),
    filename="quyet-dinh-ky-luat",
    columns=[
        Column(_("Số quyết định"), "number"),
        Column(_("Ngày"), "decided_on"),
        Column(_("Người bị kỷ luật"), "employee.full_name"),
        UNIT_COLUMN,
        Column(_("Hình thức"), "form.name"),
        Column(_("Hiệu lực từ"), "effect_from"),
        Column(_("Hiệu lực đến"), "effect_to"),
    ],
)

INSPECTIONS = Table(
    title=_("Kiểm tra công vụ"),
    filename="kiem-tra-cong-vu",
    columns=[
        Column(_("Ngày"), "planned_on"),
        Column(_("Nội dung"), "title"),
        Column(_("Hình thức"), lambda inspection: inspection.get_kind_display()),
        Column(
            _("Đơn vị được kiểm tra"),
            lambda inspection: "; ".join(unit.name for unit in inspection.scope.all()),
        ),
        Column(_("Trưởng đoàn"), "head.full_name"),
        Column(_("Trạng thái"), lambda inspection: inspection.get_status_display()),
    ],
)

COMPLAINTS = Table(
    title=_("Phản ánh, kiến nghị"),
    filename="phan-anh-kien-nghi",
    columns=[
        Column(_("Ngày tiếp nhận"), "received_on"),
        Column(_("Đối tượng"), _target),
        UNIT_COLUMN,
        Column(_("Kênh"), lambda complaint: complaint.get_channel_display()),
        Column(_("Nội dung"), "content"),
        Column(_("Kết quả"), lambda complaint: complaint.get_outcome_display()),
    ],
)

DOSSIERS = Table(
    title=_("Hồ sơ một cửa"),
    filename="ho-so-mot-cua",
    columns=[
        Column(_("Mã hồ sơ"), "code"),
        UNIT_COLUMN,
        Column(_("Thủ tục hành chính"), "procedure"),
        Column(_("Tổ chức, công dân"), "citizen_name"),
        Column(_("Cán bộ xử lý"), "officer.full_name"),
        Column(_("Ngày tiếp nhận"), "received_on"),
        Column(_("Hẹn trả"), "due_on"),
        Column(_("Trả kết quả"), "settled_on"),
        Column(_("Tình trạng"), lambda dossier: dossier.get_status_display()),
        Column(
            _("Có nguyên nhân khách quan"),
            lambda dossier: _("Có") if dossier.excused else "",
        ),
    ],
)

SUGGESTIONS = Table(
    title=_("Hộp thư góp ý"),
    filename="hop-thu-gop-y",
    columns=[
        Column(_("Ngày mở hộp thư"), "opened_on"),
        Column(
            _("Đơn vị liên quan"),
            lambda entry: entry.unit.name if entry.unit else _("Toàn cơ quan"),
        ),
        Column(_("Nội dung góp ý"), "content"),
        Column(_("Kết quả xử lý"), "response"),
    ],
)

YEAR_PLANS = Table(
    title=_("Kế hoạch kiểm tra công vụ năm"),
    filename="ke-hoach-kiem-tra",
    columns=[
        Column(_("Năm"), "year"),
        Column(_("Số kế hoạch"), "number"),
        Column(_("Ngày ban hành"), "issued_on"),
        Column(_("Số đợt kiểm tra"), "line_count"),
        Column(_("Đã hoàn thành"), "done_count"),
    ],
)
