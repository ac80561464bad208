"""The organisation model: agencies, the unit tree, job positions, people and posts held.

Fields and database constraints only. Every write goes through `hrsystem.services`,
which validates overlaps and keeps the unit tree's materialized path; the rules of who
may do what live in `hrsystem.permissions`.
"""

import unicodedata
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from .uploads import qualification_scan_path, validate_scan
from .vietnamese import MAX_LENGTH, name_sort_key

PATH_STEP = 10
"""Digits of one unit id in `Unit.path`; each step is the zero-padded id plus '/'."""


def nfc(text: str) -> str:
    """`text` in Unicode NFC with surrounding blanks removed (Vietnamese names are stored NFC)."""
    return unicodedata.normalize("NFC", text).strip()


def search_key(text: str) -> str:
    """`text` lower-cased without Vietnamese diacritics ('Đặng Thị Ánh' → 'dang thi anh')."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def _dates_ordered(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(end__isnull=True) | Q(end__gte=F("start")),
        name=f"{prefix}_end_after_start",
        violation_error_message=_("Ngày kết thúc phải bằng hoặc sau ngày bắt đầu."),
    )


class Organisation(models.Model):
    """An agency (cơ quan). Its leader is the head of its root unit (see `Post`)."""

    code = models.CharField(_("mã cơ quan"), max_length=32, unique=True)
    name = models.CharField(_("tên cơ quan"), max_length=255)
    on_time_floor = models.DecimalField(
        _("ngưỡng tỷ lệ hồ sơ đúng hạn (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("90"),
        help_text=_("Đơn vị có tỷ lệ hồ sơ đúng hạn dưới ngưỡng này bị giới hạn xếp loại."),
    )
    head_rights_cover_subunits = models.BooleanField(
        _("quyền của trưởng đơn vị bao gồm đơn vị cấp dưới"), default=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(on_time_floor__gte=0) & Q(on_time_floor__lte=100),
                name="organisation_on_time_floor_0_100",
                violation_error_message=_("Ngưỡng phải nằm trong khoảng 0–100."),
            ),
        ]
        permissions = [
            ("manage_org", _("Quản lý cơ cấu tổ chức và nhân sự")),
            ("sign_off_period", _("Phê duyệt kỳ đánh giá của cơ quan")),
            ("review_emulation", _("Xét duyệt thi đua khen thưởng")),
            ("manage_rule_sets", _("Quản lý bộ tiêu chí đánh giá")),
        ]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A unit (đơn vị) in an agency's tree; each agency has exactly one root unit.

    `path` is the zero-padded ids from the root down to this unit, each followed by '/',
    so the subtree is `path__startswith=unit.path` and the ancestors are the ids in the
    path: one query each whatever the depth. `depth` is 0 at the root. Only
    `services.unit_create` and `services.unit_move` may set `parent`, `path` or `depth`.
    """

    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="units", verbose_name=_("cơ quan")
    )
    code = models.CharField(_("mã đơn vị"), max_length=32)
    name = models.CharField(_("tên đơn vị"), max_length=255)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("đơn vị cấp trên"),
    )
    path = models.CharField(_("đường dẫn cây"), max_length=255, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(_("cấp"), default=0, editable=False)
    history = HistoricalRecords(excluded_fields=["path", "depth"])

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"],
                name="unit_code_unique_per_organisation",
                violation_error_message=_("Cơ quan đã có đơn vị mang mã này."),
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(parent__isnull=True),
                name="unit_one_root_per_organisation",
                violation_error_message=_("Cơ quan chỉ có một đơn vị gốc."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="unit_not_own_parent",
                violation_error_message=_("Đơn vị không thể là cấp trên của chính nó."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["path"], name="unit_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]
        permissions = [
            ("view_unit_records", _("Xem hồ sơ đánh giá của đơn vị")),
            ("score_unit_staff", _("Chấm điểm công chức của đơn vị")),
            ("approve_unit_month", _("Duyệt kết quả tháng của đơn vị")),
            ("certify_delay", _("Xác nhận nguyên nhân khách quan của chậm trễ")),
            ("inspect_unit", _("Kiểm tra công vụ đơn vị")),
            ("record_dossiers", _("Ghi nhận hồ sơ một cửa của đơn vị")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to the parent, read from `path` without a query."""
        return [int(step) for step in self.path.split("/")[:-2]]


class UnitUserObjectPermission(UserObjectPermissionBase):
    """Guardian grant of a Unit permission to a user (direct foreign key)."""

    content_object = models.ForeignKey(Unit, models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("quyền người dùng trên đơn vị")
        verbose_name_plural = _("quyền người dùng trên đơn vị")


class UnitGroupObjectPermission(GroupObjectPermissionBase):
    """Guardian grant of a Unit permission to a group (direct foreign key)."""

    content_object = models.ForeignKey(Unit, models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("quyền nhóm trên đơn vị")
        verbose_name_plural = _("quyền nhóm trên đơn vị")


class OrganisationUserObjectPermission(UserObjectPermissionBase):
    """Guardian grant of an Organisation permission to a user (direct foreign key)."""

    content_object = models.ForeignKey(Organisation, models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("quyền người dùng trên cơ quan")
        verbose_name_plural = _("quyền người dùng trên cơ quan")


class OrganisationGroupObjectPermission(GroupObjectPermissionBase):
    """Guardian grant of an Organisation permission to a group (direct foreign key)."""

    content_object = models.ForeignKey(Organisation, models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("quyền nhóm trên cơ quan")
        verbose_name_plural = _("quyền nhóm trên cơ quan")


class JobPosition(models.Model):
    """A job position (vị trí việc làm) of an agency, with its standing tasks."""

    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="job_positions", verbose_name=_("cơ quan")
    )
    code = models.CharField(_("mã vị trí"), max_length=32)
    name = models.CharField(_("tên vị trí việc làm"), max_length=255)
    description = models.TextField(_("mô tả"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vị trí việc làm")
        verbose_name_plural = _("vị trí việc làm")
        ordering = ["organisation", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"],
                name="job_position_code_unique_per_organisation",
                violation_error_message=_("Cơ quan đã có vị trí việc làm mang mã này."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Cadence(models.TextChoices):
    WEEK = "week", _("Tuần")
    MONTH = "month", _("Tháng")
    QUARTER = "quarter", _("Quý")
    YEAR = "year", _("Năm")


class NormBasis(models.TextChoices):
    POINTS = "points", _("Điểm")
    HOURS = "hours", _("Giờ")


class WorkProduct(models.Model):
    """A standard work product of an agency's catalogue (sản phẩm, công việc chuẩn).

    `coefficient` converts one product into standard units (product points / points of
    the standard unit); job positions' standing tasks and every work item point here.
    `is_dossier_processing` marks the product that late citizen dossiers count against.
    """

    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="work_products", verbose_name=_("cơ quan")
    )
    code = models.CharField(_("mã sản phẩm"), max_length=32)
    name = models.CharField(_("tên sản phẩm, công việc"), max_length=255)
    unit_of_measure = models.CharField(_("đơn vị tính"), max_length=64)
    norm = models.DecimalField(_("định mức"), max_digits=8, decimal_places=2)
    norm_basis = models.CharField(
        _("định mức tính theo"), max_length=8, choices=NormBasis.choices, default=NormBasis.POINTS
    )
    coefficient = models.DecimalField(
        _("hệ số quy đổi"), max_digits=7, decimal_places=3, default=Decimal("1")
    )
    job_positions = models.ManyToManyField(
        JobPosition, blank=True, related_name="work_products", verbose_name=_("vị trí việc làm")
    )
    is_dossier_processing = models.BooleanField(
        _("là giải quyết hồ sơ một cửa"),
        default=False,
        help_text=_("Hồ sơ trễ hạn không có lý do khách quan tính chậm tiến độ vào sản phẩm này."),
    )
    active = models.BooleanField(_("đang dùng"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sản phẩm, công việc chuẩn")
        verbose_name_plural = _("danh mục sản phẩm, công việc chuẩn")
        ordering = ["organisation", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"],
                name="work_product_code_unique_per_organisation",
                violation_error_message=_("Cơ quan đã có sản phẩm mang mã này."),
            ),
            models.CheckConstraint(
                condition=Q(coefficient__gt=0) & Q(norm__gt=0),
                name="work_product_coefficient_norm_positive",
                violation_error_message=_("Hệ số quy đổi và định mức phải lớn hơn 0."),
            ),
            models.CheckConstraint(
                condition=Q(norm_basis__in=NormBasis.values), name="work_product_norm_basis_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class StandardTask(models.Model):
    """A standing task (nhiệm vụ thường xuyên) of a job position with its conversion coefficient."""

    job_position = models.ForeignKey(
        JobPosition, models.PROTECT, related_name="tasks", verbose_name=_("vị trí việc làm")
    )
    name = models.CharField(_("tên nhiệm vụ"), max_length=255)
    unit_of_measure = models.CharField(_("đơn vị tính"), max_length=64)
    coefficient = models.DecimalField(
        _("hệ số quy đổi"), max_digits=6, decimal_places=2, default=Decimal("1")
    )
    default_planned = models.DecimalField(
        _("khối lượng giao mặc định"), max_digits=9, decimal_places=2, default=Decimal("1")
    )
    cadence = models.CharField(
        _("chu kỳ"), max_length=8, choices=Cadence.choices, default=Cadence.MONTH
    )
    work_product = models.ForeignKey(
        WorkProduct,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="standard_tasks",
        verbose_name=_("sản phẩm chuẩn"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nhiệm vụ thường xuyên")
        verbose_name_plural = _("nhiệm vụ thường xuyên")
        ordering = ["job_position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(coefficient__gt=0),
                name="standard_task_coefficient_positive",
                violation_error_message=_("Hệ số quy đổi phải lớn hơn 0."),
            ),
            models.CheckConstraint(
                condition=Q(default_planned__gt=0),
                name="standard_task_default_planned_positive",
                violation_error_message=_("Khối lượng giao phải lớn hơn 0."),
            ),
            models.CheckConstraint(
                condition=Q(cadence__in=Cadence.values),
                name="standard_task_cadence_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class QuotaGroup(models.Model):
    """People with similar tasks, ranked together for the annual quota."""

    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="quota_groups", verbose_name=_("cơ quan")
    )
    name = models.CharField(_("tên nhóm"), max_length=255)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nhóm có nhiệm vụ tương đồng")
        verbose_name_plural = _("nhóm có nhiệm vụ tương đồng")
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="quota_group_name_unique_per_organisation",
                violation_error_message=_("Cơ quan đã có nhóm mang tên này."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Category(models.TextChoices):
    CONG_CHUC = "cong_chuc", _("Công chức")
    VIEN_CHUC = "vien_chuc", _("Viên chức")
    HOP_DONG = "hop_dong", _("Hợp đồng")


class Employee(models.Model):
    """A person. The code stays with them across agencies; their unit comes from `Assignment`."""

    code = models.CharField(_("mã cán bộ"), max_length=32, unique=True)
    full_name = models.CharField(_("họ và tên"), max_length=255)
    search_name = models.CharField(
        _("khóa tìm kiếm"),
        max_length=300,
        default="",
        editable=False,
        db_index=True,
        help_text=_("Họ tên và mã, chữ thường, bỏ dấu; cập nhật khi lưu."),
    )
    sort_key = models.CharField(
        _("khóa sắp xếp"),
        max_length=MAX_LENGTH,
        blank=True,
        default="",
        editable=False,
        db_index=True,
        help_text=_("Theo tên rồi họ, đệm, thứ tự chữ cái tiếng Việt; cập nhật khi lưu."),
    )
    category = models.CharField(
        _("loại"), max_length=16, choices=Category.choices, default=Category.CONG_CHUC
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="employee",
        verbose_name=_("tài khoản"),
    )
    quota_group = models.ForeignKey(
        QuotaGroup,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("nhóm có nhiệm vụ tương đồng"),
    )
    email = models.EmailField(_("thư điện tử"), blank=True)
    is_active = models.BooleanField(_("đang công tác"), default=True)
    history = HistoricalRecords(excluded_fields=["search_name", "sort_key"])

    class Meta:
        verbose_name = _("cán bộ, công chức")
        verbose_name_plural = _("cán bộ, công chức")
        ordering = ["sort_key", "code"]
        # the directory's order: a page of a province's people reads 25 rows of it
        indexes = [models.Index(fields=["sort_key", "code"], name="employee_name_order")]
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=Category.values), name="employee_category_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.code})"

    def save(self, *args, **kwargs) -> None:
        self.fill_keys()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.full_name = nfc(self.full_name)
        self.code = self.code.strip()

    def fill_keys(self) -> None:
        """The name in NFC and the search and sort keys, as `save` stores them (bulk
        inserts, which skip `save`, call it themselves)."""
        self.full_name = nfc(self.full_name)
        self.search_name = search_key(f"{self.full_name} {self.code}")
        self.sort_key = name_sort_key(self.full_name)


class Assignment(models.Model):
    """Where a person works from `start` to `end` (inclusive; null = open): unit and position.

    History is never rewritten: a move ends the open assignment and starts a new one,
    so anything scored later keeps the unit it was scored in. At most one assignment per
    person covers a date (checked in `services`; the database allows one open row).
    """

    employee = models.ForeignKey(
        Employee, models.PROTECT, related_name="assignments", verbose_name=_("cán bộ")
    )
    unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="assignments", verbose_name=_("đơn vị")
    )
    job_position = models.ForeignKey(
        JobPosition,
        models.PROTECT,
        related_name="assignments",
        verbose_name=_("vị trí việc làm"),
    )
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quá trình công tác")
        verbose_name_plural = _("quá trình công tác")
        ordering = ["employee", "start"]
        constraints = [
            _dates_ordered("assignment"),
            models.UniqueConstraint(
                fields=["employee"],
                condition=Q(end__isnull=True),
                name="assignment_one_open_per_employee",
                violation_error_message=_("Cán bộ đã có một quá trình công tác chưa kết thúc."),
            ),
        ]
        indexes = [models.Index(fields=["unit", "start", "end"], name="assignment_unit_dates")]

    def __str__(self) -> str:
        return f"{self.employee} @ {self.unit} ({self.start} – {self.end or '…'})"


class PostKind(models.TextChoices):
    HEAD = "head", _("Trưởng")
    DEPUTY = "deputy", _("Phó")
    ACTING = "acting", _("Quyền trưởng / phụ trách")


class Post(models.Model):
    """A leadership post held in a unit from `start` to `end` (inclusive; null = open).

    The agency leader is the head of the agency's root unit (e.g. the Chủ tịch UBND heads
    the root unit "UBND"); deputies of the root unit are the vice-chairs. An acting head
    (quyền / phụ trách) holds a head's rights in that unit for their interval only.
    At most one head per unit at a time and no overlapping acting intervals: checked in
    `services.post_assign` under a row lock on the unit; the database refuses a second
    open-ended head or acting head.
    """

    employee = models.ForeignKey(
        Employee, models.PROTECT, related_name="posts", verbose_name=_("cán bộ")
    )
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="posts", verbose_name=_("đơn vị"))
    kind = models.CharField(_("chức vụ"), max_length=8, choices=PostKind.choices)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"), null=True, blank=True)
    term_end = models.DateField(
        _("hết thời hạn bổ nhiệm"),
        null=True,
        blank=True,
        help_text=_("Ngày hết thời hạn giữ chức vụ: đến hạn xem xét bổ nhiệm lại."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chức vụ")
        verbose_name_plural = _("chức vụ")
        ordering = ["unit", "kind", "start"]
        constraints = [
            _dates_ordered("post"),
            models.CheckConstraint(condition=Q(kind__in=PostKind.values), name="post_kind_valid"),
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gt=F("start")),
                name="post_term_end_after_start",
                violation_error_message=_("Ngày hết thời hạn bổ nhiệm phải sau ngày bắt đầu."),
            ),
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(kind="head", end__isnull=True),
                name="post_one_open_head_per_unit",
                violation_error_message=_("Đơn vị đã có trưởng đơn vị đương nhiệm."),
            ),
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(kind="acting", end__isnull=True),
                name="post_one_open_acting_per_unit",
                violation_error_message=_("Đơn vị đã có người giữ quyền trưởng chưa kết thúc."),
            ),
        ]
        indexes = [
            models.Index(fields=["employee", "start"], name="post_employee_start"),
            models.Index(fields=["unit", "kind", "start"], name="post_unit_kind_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.unit}: {self.employee}"


class DeputyDelegation(models.Model):
    """A deputy's right to score one named staff member of `unit` from `start` to `end`."""

    deputy = models.ForeignKey(
        Employee,
        models.PROTECT,
        related_name="delegations_held",
        verbose_name=_("cấp phó được giao"),
    )
    staff = models.ForeignKey(
        Employee,
        models.PROTECT,
        related_name="delegations_received",
        verbose_name=_("công chức được phân công"),
    )
    unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="delegations", verbose_name=_("đơn vị")
    )
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phân công cấp phó chấm điểm")
        verbose_name_plural = _("phân công cấp phó chấm điểm")
        ordering = ["unit", "deputy", "start"]
        constraints = [
            _dates_ordered("delegation"),
            models.CheckConstraint(
                condition=~Q(deputy=F("staff")),
                name="delegation_not_to_self",
                violation_error_message=_("Không thể phân công cấp phó chấm điểm chính mình."),
            ),
        ]
        indexes = [models.Index(fields=["deputy", "staff"], name="delegation_deputy_staff")]

    def __str__(self) -> str:
        return f"{self.deputy} → {self.staff}"


class Role(models.TextChoices):
    INSPECTOR = "inspector", _("Tổ kiểm tra công vụ")
    HR_OFFICER = "hr_officer", _("Cán bộ tổ chức")
    BOARD_MEMBER = "board_member", _("Thành viên Hội đồng thi đua khen thưởng")
    ONE_STOP_OFFICER = "one_stop_officer", _("Cán bộ bộ phận một cửa")
    SYSTEM_ADMIN = "system_admin", _("Quản trị hệ thống")


class RoleGrant(models.Model):
    """A role held by a login in an agency (or one unit's subtree) from `start` to `end`.

    The grant's permissions are mirrored into guardian rows on the Unit (the scope unit,
    or the agency's root unit when `unit` is empty) and on the Organisation; the dates
    live here. Use `hrsystem.permissions`, never `user.has_perm(perm, obj)`, which
    ignores the dates.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="role_grants",
        verbose_name=_("tài khoản"),
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="role_grants", verbose_name=_("cơ quan")
    )
    unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="role_grants",
        verbose_name=_("phạm vi đơn vị"),
        help_text=_("Để trống: toàn cơ quan."),
    )
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vai trò được giao")
        verbose_name_plural = _("vai trò được giao")
        ordering = ["organisation", "role", "start"]
        constraints = [
            _dates_ordered("role_grant"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="role_grant_role_valid"),
        ]
        indexes = [models.Index(fields=["user", "role"], name="role_grant_user_role")]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.user}"


class JobState(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang chạy")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Không thành công")


class BackgroundJob(models.Model):
    """A long step run as a Celery task (`hrsystem.services.jobs`): who started it, for
    which agency, how far it is (`done` of `total` parts, with a message) and how it
    ended (`result` on success, `error` on failure). Written by the job service only."""

    kind = models.CharField(_("loại việc"), max_length=64)
    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="background_jobs",
        verbose_name=_("cơ quan"),
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="background_jobs",
        verbose_name=_("người khởi chạy"),
    )
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=JobState.choices, default=JobState.QUEUED
    )
    done = models.PositiveIntegerField(_("đã làm"), default=0)
    total = models.PositiveIntegerField(_("tổng số"), default=0)
    message = models.CharField(_("thông báo"), max_length=255, blank=True)
    result = models.JSONField(_("kết quả"), default=dict, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"))
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("việc chạy nền")
        verbose_name_plural = _("việc chạy nền")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=JobState.values), name="background_job_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def percent(self) -> int:
        """How far the job is, 0–100 (100 once done)."""
        if self.state == JobState.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)


class QualificationKind(models.TextChoices):
    GENERAL = "general", _("Trình độ giáo dục phổ thông")
    PROFESSIONAL = "professional", _("Trình độ chuyên môn")
    POLITICAL = "political", _("Lý luận chính trị")
    STATE_MANAGEMENT = "state_mgmt", _("Quản lý nhà nước")
    IT = "it", _("Chứng chỉ tin học")
    LANGUAGE = "language", _("Chứng chỉ ngoại ngữ, tiếng dân tộc")


QUALIFICATION_LEVELS: dict[str, list[tuple[str, str]]] = {
    QualificationKind.GENERAL: [
        ("thpt", _("Trung học phổ thông (12/12)")),
        ("thcs", _("Trung học cơ sở")),
        ("tieu_hoc", _("Tiểu học")),
    ],
    QualificationKind.PROFESSIONAL: [
        ("sau_dai_hoc", _("Sau đại học")),
        ("dai_hoc", _("Đại học")),
        ("cao_dang", _("Cao đẳng")),
        ("trung_cap", _("Trung cấp")),
        ("so_cap", _("Sơ cấp")),
    ],
    QualificationKind.POLITICAL: [
        ("cao_cap", _("Cao cấp")),
        ("trung_cap", _("Trung cấp")),
        ("so_cap", _("Sơ cấp")),
    ],
    QualificationKind.STATE_MANAGEMENT: [
        ("cvcc", _("Chuyên viên cao cấp")),
        ("cvc", _("Chuyên viên chính")),
        ("cv", _("Chuyên viên")),
        ("can_su", _("Cán sự")),
    ],
    QualificationKind.IT: [
        ("nang_cao", _("Ứng dụng công nghệ thông tin nâng cao")),
        ("co_ban", _("Ứng dụng công nghệ thông tin cơ bản")),
    ],
    QualificationKind.LANGUAGE: [
        ("c", _("Bậc 5–6 (C1, C2) hoặc tương đương")),
        ("b", _("Bậc 3–4 (B1, B2) hoặc tương đương")),
        ("a", _("Bậc 1–2 (A1, A2) hoặc tương đương")),
        ("dan_toc", _("Chứng chỉ tiếng dân tộc thiểu số")),
    ],
}
"""Levels of each kind, highest first (a person's highest counts in the statistics)."""


class Qualification(models.Model):
    """One degree, training or certificate of a person: general education, professional
    level and field, political theory, state-management training, IT or language
    certificate, with the day it was awarded and the document that proves it. HR keeps
    them (`services.qualification_record`)."""

    employee = models.ForeignKey(
        Employee, models.CASCADE, related_name="qualifications", verbose_name=_("cán bộ")
    )
    kind = models.CharField(_("loại"), max_length=12, choices=QualificationKind.choices)
    level = models.CharField(_("trình độ"), max_length=16)
    field = models.CharField(_("chuyên ngành, ngôn ngữ"), max_length=255, blank=True)
    institution = models.CharField(_("cơ sở đào tạo, cấp"), max_length=255, blank=True)
    awarded_on = models.DateField(_("ngày cấp"))
    evidence = models.CharField(
        _("số hiệu văn bằng, chứng chỉ"),
        max_length=100,
        help_text=_("Số hiệu, số vào sổ cấp văn bằng hoặc chứng chỉ (bản sao lưu tại hồ sơ)."),
    )
    evidence_file = models.FileField(
        _("bản chụp văn bằng, chứng chỉ"),
        upload_to=qualification_scan_path,
        blank=True,
        validators=[validate_scan],
        help_text=_("Ảnh JPEG, PNG hoặc tệp PDF; chỉ người được xem hồ sơ mới mở được."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người nhập"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("văn bằng, chứng chỉ")
        verbose_name_plural = _("văn bằng, chứng chỉ")
        ordering = ["employee", "kind", "-awarded_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=QualificationKind.values), name="qualification_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee}: {self.level_label}"

    @property
    def level_label(self) -> str:
        return str(dict(QUALIFICATION_LEVELS.get(self.kind, [])).get(self.level, self.level))
