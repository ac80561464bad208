"""The discipline ledger: catalogue, inspections, violations, decisions, dossiers, feedback.

Fields and database constraints only. Every write goes through `discipline.services`,
which checks permissions, snapshots what the engine reads (points, criterion, cap, legal
basis) and writes the audit history; the engine reads through `discipline.selectors`.
Rows that record a decision or a deduction keep their history (django-simple-history).
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hrsystem.models import Employee, Organisation, Unit

from .validators import evidence_path, validate_evidence

POINTS = {"max_digits": 5, "decimal_places": 2}
CENT = Decimal("0.01")


def percent(part: int, whole: int) -> Decimal | None:
    """`part` / `whole` × 100 rounded half-up to 2 places; None when `whole` is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, ROUND_HALF_UP)


def _ordered(first: str, last: str, name: str, message) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{last}__isnull": True}) | Q(**{f"{last}__gte": F(first)}),
        name=name,
        violation_error_message=message,
    )


def against_person_or_unit(related: str, *, person_label, unit_label) -> type[models.Model]:
    """An abstract base for a record against one person (`employee`) or one unit
    (`target_unit`), labelled `person_label` and `unit_label` on forms.

    `unit` is the unit concerned that day (the person's unit, or the target unit) and
    `organisation` its agency, both snapshots for scope and set-based reads. Reverse
    names: `related` from the agency, the unit and the person, `unit_<related>` from the
    target unit. The model's Meta lists `_target_constraints(prefix)`.
    """

    class AgainstPersonOrUnit(models.Model):
        organisation = models.ForeignKey(
            Organisation, models.PROTECT, related_name=related, verbose_name=_("cơ quan")
        )
        unit = models.ForeignKey(
            Unit, models.PROTECT, related_name=related, verbose_name=_("đơn vị")
        )
        employee = models.ForeignKey(
            Employee,
            models.PROTECT,
            null=True,
            blank=True,
            related_name=related,
            verbose_name=person_label,
        )
        target_unit = models.ForeignKey(
            Unit,
            models.PROTECT,
            null=True,
            blank=True,
            related_name=f"unit_{related}",
            verbose_name=unit_label,
        )

        class Meta:
            abstract = True

    return AgainstPersonOrUnit


def _target_constraints(prefix: str) -> list[models.CheckConstraint]:
    """Exactly one target, and a target unit is the unit concerned."""
    return [
        models.CheckConstraint(
            condition=(Q(employee__isnull=False) & Q(target_unit__isnull=True))
            | (Q(employee__isnull=True) & Q(target_unit__isnull=False)),
            name=f"{prefix}_against_person_or_unit",
            violation_error_message=_("Chọn đúng một đối tượng: một cán bộ hoặc một đơn vị."),
        ),
        models.CheckConstraint(
            condition=Q(target_unit__isnull=True) | Q(target_unit=F("unit")),
            name=f"{prefix}_target_unit_is_unit",
        ),
    ]


def _month_valid(prefix: str, *, nullable: bool = False) -> models.CheckConstraint:
    condition = Q(month__gte=1) & Q(month__lte=12)
    if nullable:
        condition |= Q(month__isnull=True)
    return models.CheckConstraint(
        condition=condition,
        name=f"{prefix}_month_1_12",
        violation_error_message=_("Tháng phải từ 1 đến 12."),
    )


class Level(models.TextChoices):
    """Level codes the engine knows; a cap lowers a level to at most this one."""

    GOOD = "good", _("Tối đa mức Tốt")
    COMPLETE = "complete", _("Tối đa mức Hoàn thành")
    FAIL = "fail", _("Không hoàn thành")


class AppliesTo(models.TextChoices):
    PERSON = "person", _("Cá nhân")
    UNIT = "unit", _("Tập thể đơn vị")
    BOTH = "both", _("Cá nhân và tập thể")


class DisciplinePolicy(models.Model):
    """An agency's discipline settings: contest window and its Internal Affairs office.

    Without a row (or with empty fields) the agency uses `settings.DISCIPLINE_CONTEST_DAYS`
    and any holder of the inspector role may head an inspection team.
    """

    organisation = models.OneToOneField(
        Organisation,
        models.CASCADE,
        related_name="discipline_policy",
        verbose_name=_("cơ quan"),
    )
    contest_days = models.PositiveSmallIntegerField(
        _("số ngày được khiếu nại vi phạm"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("Để trống: dùng mặc định của hệ thống."),
    )
    internal_affairs_unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đơn vị Nội vụ (trưởng đoàn kiểm tra)"),
        help_text=_(
            "Trưởng đoàn kiểm tra công vụ phải công tác tại đơn vị này và giữ vai trò "
            "tổ kiểm tra công vụ."
        ),
    )
    apology_notice_days = models.PositiveSmallIntegerField(
        _("báo trước hồ sơ sắp đến hạn (ngày làm việc)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(20)],
        help_text=_(
            "Hồ sơ chưa trả có hạn trong số ngày làm việc này được nêu để người đứng đầu "
            "kịp thông báo, xin lỗi. Để trống: dùng mặc định của hệ thống."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("thiết lập kỷ luật của cơ quan")
        verbose_name_plural = _("thiết lập kỷ luật của cơ quan")

    def __str__(self) -> str:
        return str(self.organisation)


class DisciplineForm(models.Model):
    """A discipline form (hình thức kỷ luật); a larger `severity` is a heavier form."""

    code = models.SlugField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên hình thức"), max_length=100)
    severity = models.PositiveSmallIntegerField(_("mức độ nặng"), unique=True)
    leaders_only = models.BooleanField(
        _("chỉ áp dụng với người giữ chức vụ lãnh đạo, quản lý"), default=False
    )

    class Meta:
        verbose_name = _("hình thức kỷ luật")
        verbose_name_plural = _("hình thức kỷ luật")
        ordering = ["severity"]

    def __str__(self) -> str:
        return self.name


class ViolationCatalogueItem(models.Model):
    """One version of a catalogue entry: what the violation is and what it costs.

    Rows are never rewritten once a violation uses them: a change becomes a new version
    (same code, `version` + 1) and the old one ends the day before. `organisation` empty
    means a province-wide default; an agency's own item with the same code replaces it.
    `criterion_code` names a general criterion of the period's rule set; a code the rule
    set does not know makes the points a deduction from the total. `criterion_name` is
    that criterion's name as people read it: discipline never reads the rule sets, so the
    item carries the label with the code, versioned with it.
    """

    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="violation_catalogue",
        verbose_name=_("cơ quan"),
        help_text=_("Để trống: áp dụng chung toàn tỉnh."),
    )
    code = models.SlugField(_("mã vi phạm"), max_length=48)
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    description = models.CharField(_("hành vi vi phạm"), max_length=500)
    legal_basis = models.TextField(_("căn cứ pháp lý"))
    default_points = models.DecimalField(_("điểm trừ mặc định"), **POINTS)
    criterion_code = models.SlugField(  # noqa: DJ001 — null is the engine's "no criterion"
        _("mã tiêu chí bị trừ"),
        max_length=64,
        blank=True,
        null=True,
        help_text=_("Để trống: trừ vào tổng điểm."),
    )
    criterion_name = models.CharField(
        _("tên tiêu chí bị trừ điểm"),
        max_length=300,
        blank=True,
        default="",
        help_text=_("Tên tiêu chí như trong bộ tiêu chí, ví dụ: Kỷ luật, kỷ cương."),
    )
    cap_level = models.CharField(  # noqa: DJ001 — null is "no cap", as the engine reads it
        _("giới hạn mức xếp loại"), max_length=8, choices=Level.choices, null=True, blank=True
    )
    applies_to = models.CharField(
        _("áp dụng cho"), max_length=8, choices=AppliesTo.choices, default=AppliesTo.PERSON
    )
    serious = models.BooleanField(
        _("vi phạm nghiêm trọng của tập thể"),
        default=False,
        help_text=_("Chỉ vi phạm nghiêm trọng của đơn vị mới giới hạn xếp loại đơn vị."),
    )
    office_culture = models.BooleanField(
        _("thuộc quy tắc văn hoá công sở"),
        default=True,
        help_text=_("Tính vào tỷ lệ chấp hành văn hoá công sở của đơn vị."),
    )
    checklist = models.BooleanField(
        _("có trong danh mục kiểm tra"),
        default=False,
        help_text=_(
            "Đoàn kiểm tra đánh dấu đạt / không đạt mục này cho từng đơn vị được kiểm tra."
        ),
    )
    evidence_required = models.BooleanField(
        _("bắt buộc minh chứng khi kiểm tra"),
        default=False,
        help_text=_("Mỗi lần đánh dấu mục này phải kèm ảnh hoặc tệp minh chứng."),
    )
    effective_from = models.DateField(_("áp dụng từ ngày"))
    effective_to = models.DateField(_("áp dụng đến ngày"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("danh mục hành vi vi phạm")
        verbose_name_plural = _("danh mục hành vi vi phạm")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"],
                condition=Q(organisation__isnull=True),
                name="catalogue_code_version_unique_province",
                violation_error_message=_("Danh mục chung đã có phiên bản này của mã vi phạm."),
            ),
            models.UniqueConstraint(
                fields=["organisation", "code", "version"],
                condition=Q(organisation__isnull=False),
                name="catalogue_code_version_unique_per_organisation",
                violation_error_message=_("Cơ quan đã có phiên bản này của mã vi phạm."),
            ),
            models.CheckConstraint(
                condition=Q(default_points__gte=0),
                name="catalogue_points_not_negative",
                violation_error_message=_("Điểm trừ không được âm."),
            ),
            models.CheckConstraint(
                condition=Q(cap_level__isnull=True) | Q(cap_level__in=Level.values),
                name="catalogue_cap_level_valid",
            ),
            models.CheckConstraint(
                condition=Q(applies_to__in=AppliesTo.values), name="catalogue_applies_to_valid"
            ),
            models.CheckConstraint(
                condition=Q(applies_to=AppliesTo.PERSON)
                | Q(cap_level__isnull=True)
                | Q(serious=True),
                name="catalogue_unit_cap_needs_serious",
                violation_error_message=_(
                    "Chỉ vi phạm nghiêm trọng mới được giới hạn xếp loại của đơn vị."
                ),
            ),
            _ordered(
                "effective_from",
                "effective_to",
                "catalogue_effective_dates_ordered",
                _("Ngày hết hiệu lực phải bằng hoặc sau ngày áp dụng."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}: {self.description}"


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", _("Kế hoạch")
    IN_PROGRESS = "in_progress", _("Đang kiểm tra")
    CLOSED = "closed", _("Đã kết thúc")


class InspectionKind(models.TextChoices):
    REGULAR = "regular", _("Thường xuyên, định kỳ")
    SURPRISE = "surprise", _("Đột xuất")


class InspectionPlan(models.Model):
    """The year's inspection plan (kế hoạch kiểm tra công vụ) issued at its start."""

    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="inspection_plans", verbose_name=_("cơ quan")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.CharField(_("số kế hoạch"), max_length=64)
    issued_on = models.DateField(_("ngày ban hành"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người lập"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kế hoạch kiểm tra công vụ năm")
        verbose_name_plural = _("kế hoạch kiểm tra công vụ năm")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"],
                name="inspection_plan_one_per_year",
                violation_error_message=_("Cơ quan đã có kế hoạch kiểm tra của năm này."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.year})"


class InspectionPlanLine(models.Model):
    """One scheduled inspection of the plan: quarter, unit inspected, who leads, kind."""

    plan = models.ForeignKey(
        InspectionPlan, models.CASCADE, related_name="lines", verbose_name=_("kế hoạch")
    )
    quarter = models.PositiveSmallIntegerField(
        _("quý"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="inspection_plan_lines", verbose_name=_("đơn vị")
    )
    lead = models.ForeignKey(
        Employee,
        models.PROTECT,
        related_name="inspection_plan_lines",
        verbose_name=_("người chủ trì"),
    )
    kind = models.CharField(_("hình thức"), max_length=10, choices=InspectionKind.choices)
    content = models.CharField(_("nội dung kiểm tra"), max_length=255)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dòng kế hoạch kiểm tra")
        verbose_name_plural = _("dòng kế hoạch kiểm tra")
        ordering = ["plan", "quarter", "unit__path", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quarter__gte=1) & Q(quarter__lte=4),
                name="inspection_plan_line_quarter_1_4",
                violation_error_message=_("Quý phải từ 1 đến 4."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=InspectionKind.values), name="inspection_plan_line_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"Q{self.quarter}: {self.unit} — {self.content}"


class Inspection(models.Model):
    """A public-duty inspection (kiểm tra công vụ) of some units by a team.

    The head must hold the inspector role on the planned date and, when the agency names
    its Internal Affairs unit (`DisciplinePolicy`), work there (see `services`).
    """

    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="inspections", verbose_name=_("cơ quan")
    )
    title = models.CharField(_("nội dung kiểm tra"), max_length=255)
    kind = models.CharField(_("hình thức"), max_length=10, choices=InspectionKind.choices)
    planned_on = models.DateField(_("ngày kiểm tra dự kiến"))
    plan_reference = models.CharField(
        _("số kế hoạch / quyết định thành lập đoàn"), max_length=64, blank=True
    )
    plan_line = models.ForeignKey(
        InspectionPlanLine,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("dòng kế hoạch năm"),
    )
    scope = models.ManyToManyField(
        Unit, related_name="inspections", verbose_name=_("đơn vị được kiểm tra")
    )
    head = models.ForeignKey(
        Employee,
        models.PROTECT,
        related_name="inspections_headed",
        verbose_name=_("trưởng đoàn"),
    )
    members = models.ManyToManyField(
        Employee,
        blank=True,
        related_name="inspections_joined",
        verbose_name=_("thành viên đoàn"),
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=12,
        choices=InspectionStatus.choices,
        default=InspectionStatus.PLANNED,
    )
    started_on = models.DateField(_("ngày bắt đầu"), null=True, blank=True)
    report = models.TextField(_("báo cáo kết quả kiểm tra"), blank=True)
    closed_at = models.DateTimeField(_("thời điểm kết thúc"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người lập"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đợt kiểm tra công vụ")
        verbose_name_plural = _("đợt kiểm tra công vụ")
        ordering = ["-planned_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=InspectionKind.values), name="inspection_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=InspectionStatus.values), name="inspection_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=InspectionStatus.CLOSED)
                | (Q(closed_at__isnull=False) & ~Q(report="")),
                name="inspection_closed_has_report",
                violation_error_message=_("Đợt kiểm tra đã kết thúc phải có báo cáo."),
            ),
            models.CheckConstraint(
                condition=Q(status=InspectionStatus.PLANNED) | Q(started_on__isnull=False),
                name="inspection_started_has_date",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "planned_on"], name="inspection_org_day")]

    def __str__(self) -> str:
        return f"{self.title} ({self.planned_on:%d/%m/%Y})"


class InspectionCheck(models.Model):
    """One checklist item checked by an inspection team in one unit: met or not, with the
    note and evidence, so an inspection without findings still records what it checked.

    `item` is the catalogue version in force on the day; a re-check of the same item in
    the same unit updates the row and its history keeps the earlier answer.
    """

    inspection = models.ForeignKey(
        Inspection, models.CASCADE, related_name="checks", verbose_name=_("đợt kiểm tra")
    )
    unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="inspection_checks", verbose_name=_("đơn vị")
    )
    item = models.ForeignKey(
        ViolationCatalogueItem,
        models.PROTECT,
        related_name="checks",
        verbose_name=_("mục kiểm tra"),
    )
    met = models.BooleanField(_("đạt"))
    note = models.TextField(_("ghi chú"), blank=True)
    evidence = models.FileField(
        _("tệp minh chứng"),
        upload_to=evidence_path,
        blank=True,
        validators=[validate_evidence],
    )
    checked_on = models.DateField(_("ngày kiểm tra"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người kiểm tra"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kết quả kiểm tra theo danh mục")
        verbose_name_plural = _("kết quả kiểm tra theo danh mục")
        ordering = ["inspection", "unit", "item__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "unit", "item"],
                name="inspection_check_once_per_unit_item",
                violation_error_message=_("Mục này đã được kiểm tra ở đơn vị này."),
            ),
        ]
        indexes = [models.Index(fields=["unit", "checked_on"], name="inspection_check_unit_day")]

    def __str__(self) -> str:
        return f"{self.unit}: {self.item.code} {'✓' if self.met else '✗'}"


class ViolationSource(models.TextChoices):
    INSPECTION = "inspection", _("Kiểm tra công vụ")
    CONDUCT = "conduct", _("Vi phạm quy tắc ứng xử")
    DOSSIER = "dossier", _("Hồ sơ trễ hạn")
    COMPLAINT = "complaint", _("Phản ánh, khiếu nại")


class ViolationStatus(models.TextChoices):
    RECORDED = "recorded", _("Đã ghi nhận")
    CONTESTED = "contested", _("Đang khiếu nại")
    UPHELD = "upheld", _("Giữ nguyên")
    ANNULLED = "annulled", _("Đã huỷ")


class Violation(
    against_person_or_unit(
        "violations", person_label=_("cán bộ vi phạm"), unit_label=_("đơn vị vi phạm")
    )
):
    """A ledger row: one violation against a person (`employee`) or a unit (`target_unit`).

    Points, criterion, cap and legal basis are copied from the catalogue item when
    recorded. The violation hits the month of `occurred_on`; annulled ones never count.
    """

    item = models.ForeignKey(
        ViolationCatalogueItem,
        models.PROTECT,
        related_name="violations",
        verbose_name=_("hành vi vi phạm"),
    )
    occurred_on = models.DateField(_("ngày vi phạm"))
    points = models.DecimalField(_("điểm trừ"), **POINTS)
    criterion_code = models.SlugField(  # noqa: DJ001 — snapshot of the item's
        _("mã tiêu chí bị trừ"), max_length=64, null=True, blank=True
    )
    cap_level = models.CharField(  # noqa: DJ001 — snapshot of the item's
        _("giới hạn mức xếp loại"), max_length=8, choices=Level.choices, null=True, blank=True
    )
    legal_basis = models.TextField(_("căn cứ pháp lý"))
    note = models.TextField(_("ghi chú"), blank=True)
    evidence = models.FileField(
        _("tệp minh chứng"),
        upload_to=evidence_path,
        blank=True,
        validators=[validate_evidence],
    )
    source = models.CharField(_("nguồn"), max_length=12, choices=ViolationSource.choices)
    inspection = models.ForeignKey(
        Inspection,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("đợt kiểm tra"),
    )
    dossier = models.ForeignKey(
        "DossierRecord",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="violations",
        verbose_name=_("hồ sơ trễ hạn"),
    )
    complaint = models.ForeignKey(
        "Complaint",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="violations",
        verbose_name=_("phản ánh"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người ghi nhận"),
    )
    recorded_at = models.DateTimeField(_("thời điểm ghi nhận"), auto_now_add=True)
    contest_deadline = models.DateField(_("hạn khiếu nại"))
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=ViolationStatus.choices,
        default=ViolationStatus.RECORDED,
    )
    contest_reason = models.TextField(_("lý do khiếu nại"), blank=True)
    contested_at = models.DateTimeField(_("thời điểm khiếu nại"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người quyết định"),
    )
    decision_reason = models.TextField(_("lý do quyết định"), blank=True)
    decided_at = models.DateTimeField(_("thời điểm quyết định"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vi phạm")
        verbose_name_plural = _("vi phạm")
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            *_target_constraints("violation"),
            models.CheckConstraint(
                condition=Q(points__gte=0),
                name="violation_points_not_negative",
                violation_error_message=_("Điểm trừ không được âm."),
            ),
            models.CheckConstraint(
                condition=Q(cap_level__isnull=True) | Q(cap_level__in=Level.values),
                name="violation_cap_level_valid",
            ),
            models.CheckConstraint(
                condition=Q(source__in=ViolationSource.values), name="violation_source_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ViolationStatus.values), name="violation_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(source=ViolationSource.INSPECTION) | Q(inspection__isnull=False),
                name="violation_inspection_source_has_inspection",
                violation_error_message=_("Phát hiện qua kiểm tra phải gắn với đợt kiểm tra."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[ViolationStatus.UPHELD, ViolationStatus.ANNULLED])
                | (Q(decided_at__isnull=False) & ~Q(decision_reason="")),
                name="violation_decision_has_reason",
                violation_error_message=_("Quyết định giữ nguyên hoặc huỷ phải có lý do."),
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "occurred_on"], name="violation_org_day"),
            models.Index(fields=["employee", "occurred_on"], name="violation_employee_day"),
            models.Index(fields=["unit", "occurred_on"], name="violation_unit_day"),
        ]

    def __str__(self) -> str:
        target = self.employee or self.target_unit
        return f"{target}: {self.item.description} ({self.occurred_on:%d/%m/%Y})"


class DisciplineDecision(models.Model):
    """A formal discipline decision (quyết định kỷ luật) against one person."""

    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="discipline_decisions",
        verbose_name=_("cơ quan"),
    )
    unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        related_name="discipline_decisions",
        verbose_name=_("đơn vị"),
        help_text=_("Đơn vị công tác của người bị kỷ luật vào ngày quyết định."),
    )
    employee = models.ForeignKey(
        Employee,
        models.PROTECT,
        related_name="discipline_decisions",
        verbose_name=_("người bị kỷ luật"),
    )
    number = models.CharField(_("số quyết định"), max_length=64)
    decided_on = models.DateField(_("ngày quyết định"))
    signer_name = models.CharField(_("người ký"), max_length=255)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=255)
    form = models.ForeignKey(
        DisciplineForm,
        models.PROTECT,
        related_name="decisions",
        verbose_name=_("hình thức kỷ luật"),
    )
    legal_basis = models.TextField(_("căn cứ pháp lý"))
    effect_from = models.DateField(_("có hiệu lực từ ngày"))
    effect_to = models.DateField(_("hết hiệu lực ngày"), null=True, blank=True)
    violations = models.ManyToManyField(
        Violation,
        blank=True,
        related_name="discipline_decisions",
        verbose_name=_("vi phạm liên quan"),
    )
    public_duty = models.BooleanField(_("vi phạm trong thi hành công vụ"), default=True)
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
        verbose_name = _("quyết định kỷ luật")
        verbose_name_plural = _("quyết định kỷ luật")
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"],
                name="discipline_number_unique_per_organisation",
                violation_error_message=_("Cơ quan đã có quyết định kỷ luật mang số này."),
            ),
            _ordered(
                "effect_from",
                "effect_to",
                "discipline_effect_dates_ordered",
                _("Ngày hết hiệu lực phải bằng hoặc sau ngày có hiệu lực."),
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "decided_on"], name="discipline_org_day"),
        ]

    def __str__(self) -> str:
        return f"{self.number}: {self.form} — {self.employee}"


class DossierStatus(models.TextChoices):
    PENDING = "pending", _("Đang giải quyết")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Trễ hạn")


class DossierRecord(models.Model):
    """One citizen dossier at the one-stop desk (bộ phận một cửa) of a unit.

    `status` is derived when it is settled: on time when `settled_on` ≤ `due_on`. A late
    dossier counts as a delay of its officer unless the head certified an objective cause
    (`excused`). It is counted in the month it was settled.
    """

    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="dossiers", verbose_name=_("cơ quan")
    )
    unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="dossiers", verbose_name=_("đơn vị giải quyết")
    )
    code = models.CharField(_("mã hồ sơ"), max_length=64)
    procedure = models.CharField(_("thủ tục hành chính"), max_length=255, blank=True)
    citizen_name = models.CharField(_("tổ chức, công dân"), max_length=255)
    officer = models.ForeignKey(
        Employee,
        models.PROTECT,
        related_name="dossiers_processed",
        verbose_name=_("cán bộ xử lý"),
    )
    received_on = models.DateField(_("ngày tiếp nhận"))
    due_on = models.DateField(_("ngày hẹn trả"))
    settled_on = models.DateField(_("ngày trả kết quả"), null=True, blank=True)
    status = models.CharField(
        _("tình trạng"),
        max_length=8,
        choices=DossierStatus.choices,
        default=DossierStatus.PENDING,
    )
    excused = models.BooleanField(_("có nguyên nhân khách quan"), default=False)
    excuse_reason = models.TextField(_("nguyên nhân khách quan"), blank=True)
    excused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người xác nhận"),
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
        verbose_name = _("hồ sơ thủ tục hành chính")
        verbose_name_plural = _("hồ sơ thủ tục hành chính")
        ordering = ["-received_on", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "code"],
                name="dossier_code_unique_per_unit",
                violation_error_message=_("Đơn vị đã có hồ sơ mang mã này."),
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("received_on")),
                name="dossier_due_after_received",
                violation_error_message=_("Ngày hẹn trả phải bằng hoặc sau ngày tiếp nhận."),
            ),
            models.CheckConstraint(
                condition=Q(settled_on__isnull=True) | Q(settled_on__gte=F("received_on")),
                name="dossier_settled_after_received",
                violation_error_message=_("Ngày trả kết quả phải bằng hoặc sau ngày tiếp nhận."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(settled_on__isnull=True, status=DossierStatus.PENDING)
                    | Q(settled_on__lte=F("due_on"), status=DossierStatus.ON_TIME)
                    | Q(settled_on__gt=F("due_on"), status=DossierStatus.LATE)
                ),
                name="dossier_status_matches_dates",
            ),
            models.CheckConstraint(
                condition=Q(excused=False) | (Q(status=DossierStatus.LATE) & ~Q(excuse_reason="")),
                name="dossier_excuse_only_late_with_reason",
                violation_error_message=_(
                    "Chỉ hồ sơ trễ hạn mới được xác nhận nguyên nhân khách quan, kèm lý do."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "settled_on"], name="dossier_org_settled"),
            models.Index(fields=["organisation", "due_on"], name="dossier_org_due"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.citizen_name}"


class ApologyReason(models.TextChoices):
    LATE_DOSSIER = "late_dossier", _("Hồ sơ trễ hạn")
    ATTITUDE = "attitude", _("Thái độ phục vụ")
    WRONG_RESULT = "wrong_result", _("Kết quả giải quyết sai")


class ApologyChannel(models.TextChoices):
    LETTER = "letter", _("Thư, văn bản")
    IN_PERSON = "in_person", _("Trực tiếp")
    PHONE = "phone", _("Điện thoại")
    ELECTRONIC = "electronic", _("Thư điện tử, cổng dịch vụ công")


class ApologyLetter(models.Model):
    """An apology (xin lỗi) to a citizen for a failing of the agency: a late dossier, the
    staff's attitude (a substantiated complaint) or a wrong result.

    It answers exactly one dossier or one substantiated complaint; `unit` is the unit
    concerned (the dossier's or the complaint's), for the head's accountability and the
    monthly report. A late-dossier apology is due before the dossier's due date; one sent
    after it is flagged.
    """

    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="apologies", verbose_name=_("cơ quan")
    )
    unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="apologies", verbose_name=_("đơn vị")
    )
    reason = models.CharField(
        _("xin lỗi vì"),
        max_length=16,
        choices=ApologyReason.choices,
        default=ApologyReason.LATE_DOSSIER,
    )
    dossier = models.OneToOneField(
        DossierRecord,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="apology_letter",
        verbose_name=_("hồ sơ"),
    )
    complaint = models.OneToOneField(
        "Complaint",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="apology",
        verbose_name=_("phản ánh"),
    )
    recipient = models.CharField(_("gửi tổ chức, công dân"), max_length=255, blank=True)
    cause = models.TextField(_("nguyên nhân đã nêu"), blank=True)
    signed_by = models.ForeignKey(
        Employee,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="apologies_signed",
        verbose_name=_("người ký"),
    )
    channel = models.CharField(
        _("hình thức"), max_length=12, choices=ApologyChannel.choices, default=ApologyChannel.LETTER
    )
    number = models.CharField(_("số văn bản"), max_length=64, blank=True)
    sent_on = models.DateField(_("ngày gửi"))
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
        verbose_name = _("lời xin lỗi")
        verbose_name_plural = _("lời xin lỗi")
        ordering = ["-sent_on"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(dossier__isnull=False) & Q(complaint__isnull=True))
                | (Q(dossier__isnull=True) & Q(complaint__isnull=False)),
                name="apology_answers_dossier_or_complaint",
                violation_error_message=_("Lời xin lỗi gắn với đúng một hồ sơ hoặc một phản ánh."),
            ),
            models.CheckConstraint(
                condition=Q(reason__in=ApologyReason.values), name="apology_reason_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=ApologyChannel.values), name="apology_channel_valid"
            ),
            models.CheckConstraint(
                condition=~Q(reason=ApologyReason.LATE_DOSSIER) | Q(dossier__isnull=False),
                name="apology_late_dossier_has_dossier",
            ),
            models.CheckConstraint(
                condition=~Q(reason=ApologyReason.ATTITUDE) | Q(complaint__isnull=False),
                name="apology_attitude_has_complaint",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "sent_on"], name="apology_org_sent")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.recipient} ({self.sent_on:%d/%m/%Y})"


class DossierMonthlyCount(models.Model):
    """A unit's reported dossier counts for a month, for units that report counts only.

    Where a unit has this row for a month, it replaces that unit-month's individual
    dossier records in every count (never both), so nothing is counted twice.
    """

    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="dossier_counts",
        verbose_name=_("cơ quan"),
    )
    unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="dossier_counts", verbose_name=_("đơn vị")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    month = models.PositiveSmallIntegerField(_("tháng"))
    on_time = models.PositiveIntegerField(_("số hồ sơ đúng hạn"))
    late = models.PositiveIntegerField(_("số hồ sơ trễ hạn"))
    officer = models.ForeignKey(
        Employee,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cán bộ một cửa báo cáo"),
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
        verbose_name = _("số liệu hồ sơ theo tháng")
        verbose_name_plural = _("số liệu hồ sơ theo tháng")
        ordering = ["-year", "-month", "unit"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "month"],
                name="dossier_count_unique_per_unit_month",
                violation_error_message=_("Đơn vị đã có số liệu hồ sơ của tháng này."),
            ),
            _month_valid("dossier_count"),
        ]
        permissions = [
            ("import_dossiermonthlycount", _("Nhập số liệu hồ sơ theo tháng từ tệp")),
            ("export_dossiermonthlycount", _("Xuất số liệu hồ sơ theo tháng ra tệp")),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.month:02d}/{self.year}"


class ComplaintChannel(models.TextChoices):
    HOTLINE = "hotline", _("Đường dây nóng")
    SUGGESTION_BOX = "box", _("Hộp thư góp ý")
    DIRECT = "direct", _("Trực tiếp")
    ONLINE = "online", _("Trực tuyến")


class ComplaintOutcome(models.TextChoices):
    PENDING = "pending", _("Đang xác minh")
    SUBSTANTIATED = "substantiated", _("Phản ánh đúng")
    UNSUBSTANTIATED = "unsubstantiated", _("Phản ánh không đúng")


class Complaint(
    against_person_or_unit(
        "complaints", person_label=_("cán bộ bị phản ánh"), unit_label=_("đơn vị bị phản ánh")
    )
):
    """A citizen's complaint (phản ánh, kiến nghị) against a person or a unit.

    A substantiated one counts against the person and, for head accountability, their
    unit, in the month it was decided (`decided_on`).
    """

    channel = models.CharField(_("kênh tiếp nhận"), max_length=8, choices=ComplaintChannel.choices)
    received_on = models.DateField(_("ngày tiếp nhận"))
    complainant = models.CharField(_("người phản ánh"), max_length=255, blank=True)
    content = models.TextField(_("nội dung"))
    outcome = models.CharField(
        _("kết quả xác minh"),
        max_length=16,
        choices=ComplaintOutcome.choices,
        default=ComplaintOutcome.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người kết luận"),
    )
    decided_on = models.DateField(_("ngày kết luận"), null=True, blank=True)
    decision_note = models.TextField(_("kết luận"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người tiếp nhận"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        ordering = ["-received_on", "-pk"]
        constraints = [
            *_target_constraints("complaint"),
            models.CheckConstraint(
                condition=Q(channel__in=ComplaintChannel.values), name="complaint_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=ComplaintOutcome.values), name="complaint_outcome_valid"
            ),
            models.CheckConstraint(
                condition=(Q(outcome=ComplaintOutcome.PENDING) & Q(decided_on__isnull=True))
                | (
                    ~Q(outcome=ComplaintOutcome.PENDING)
                    & Q(decided_on__isnull=False)
                    & ~Q(decision_note="")
                ),
                name="complaint_outcome_has_decision",
                violation_error_message=_("Kết luận phản ánh phải có ngày và nội dung kết luận."),
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "decided_on"], name="complaint_org_decided"),
        ]

    def __str__(self) -> str:
        target = self.employee or self.target_unit
        return f"{target}: {self.get_channel_display()} {self.received_on:%d/%m/%Y}"


class SuggestionBoxEntry(models.Model):
    """A note taken from the suggestion box (hộp thư góp ý) of an agency or unit."""

    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="suggestions",
        verbose_name=_("cơ quan"),
    )
    unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("đơn vị liên quan"),
    )
    opened_on = models.DateField(_("ngày mở hộp thư"))
    content = models.TextField(_("nội dung góp ý"))
    response = models.TextField(_("kết quả xử lý"), blank=True)
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
        verbose_name = _("góp ý qua hộp thư")
        verbose_name_plural = _("góp ý qua hộp thư")
        ordering = ["-opened_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.opened_on:%d/%m/%Y}: {self.content[:60]}"


class SurveySource(models.TextChoices):
    SIPAS = "sipas", _("SIPAS – Chỉ số hài lòng về sự phục vụ hành chính")
    INTERNAL = "internal", _("Khảo sát của cơ quan")
    OTHER = "other", _("Nguồn khác")


class SatisfactionSurvey(models.Model):
    """Citizen satisfaction results of a unit for a month (or a labelled period of a year)."""

    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="surveys", verbose_name=_("cơ quan")
    )
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="surveys", verbose_name=_("đơn vị"))
    year = models.PositiveSmallIntegerField(_("năm"))
    month = models.PositiveSmallIntegerField(_("tháng"), null=True, blank=True)
    period_label = models.CharField(
        _("kỳ khảo sát"), max_length=64, blank=True, help_text=_("Ví dụ: 6 tháng đầu năm.")
    )
    source = models.CharField(_("nguồn"), max_length=8, choices=SurveySource.choices)
    respondents = models.PositiveIntegerField(_("số người được khảo sát"))
    satisfied = models.PositiveIntegerField(_("số người hài lòng"))
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
        verbose_name = _("kết quả khảo sát sự hài lòng")
        verbose_name_plural = _("kết quả khảo sát sự hài lòng")
        ordering = ["-year", "-month", "unit"]
        constraints = [
            models.CheckConstraint(
                condition=Q(respondents__gt=0),
                name="survey_respondents_positive",
                violation_error_message=_("Số người được khảo sát phải lớn hơn 0."),
            ),
            models.CheckConstraint(
                condition=Q(satisfied__lte=F("respondents")),
                name="survey_satisfied_within_respondents",
                violation_error_message=_(
                    "Số người hài lòng không được lớn hơn số người được khảo sát."
                ),
            ),
            models.CheckConstraint(
                condition=Q(month__isnull=False) | ~Q(period_label=""),
                name="survey_has_month_or_label",
                violation_error_message=_("Nhập tháng hoặc tên kỳ khảo sát."),
            ),
            _month_valid("survey", nullable=True),
            models.UniqueConstraint(
                fields=["unit", "source", "year", "month", "period_label"],
                name="survey_unique_per_unit_period",
                violation_error_message=_("Đơn vị đã có kết quả khảo sát của kỳ này."),
            ),
        ]

    def __str__(self) -> str:
        if self.month:
            return f"{self.unit} {self.month:02d}/{self.year}"
        return f"{self.unit} {self.period_label} {self.year}"

    @property
    def satisfied_pct(self) -> Decimal | None:
        """Satisfied share in percent, rounded half-up to 2 places."""
        return percent(self.satisfied, self.respondents)


class CommitmentLevel(models.TextChoices):
    AGENCY_UNIT = "agency_unit", _("Lãnh đạo cơ quan – trưởng đơn vị")
    UNIT_STAFF = "unit_staff", _("Trưởng đơn vị – công chức")


class Commitment(models.Model):
    """A yearly conduct commitment (bản cam kết) one person signs with their counterpart.

    A row with no `signed_on` is an outstanding signature.
    """

    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="commitments", verbose_name=_("cơ quan")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    level = models.CharField(_("cấp cam kết"), max_length=12, choices=CommitmentLevel.choices)
    unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="commitments", verbose_name=_("đơn vị")
    )
    signer = models.ForeignKey(
        Employee,
        models.PROTECT,
        related_name="commitments_signed",
        verbose_name=_("người cam kết"),
    )
    counterpart = models.ForeignKey(
        Employee,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments_received",
        verbose_name=_("người nhận cam kết"),
    )
    template = models.CharField(
        _("mẫu cam kết"),
        max_length=255,
        help_text=_("Ví dụ: Mẫu cam kết thực hiện “4 xin, 4 luôn”, “5 không” năm 2026."),
    )
    text = models.TextField(_("nội dung cam kết"), blank=True)
    signed_on = models.DateField(_("ngày ký"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bản cam kết")
        verbose_name_plural = _("bản cam kết")
        ordering = ["-year", "level", "unit", "signer"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "level", "signer"],
                name="commitment_one_per_signer_level_year",
                violation_error_message=_("Người này đã có bản cam kết cấp này trong năm."),
            ),
            models.CheckConstraint(
                condition=Q(level__in=CommitmentLevel.values), name="commitment_level_valid"
            ),
            models.CheckConstraint(
                condition=Q(counterpart__isnull=True) | ~Q(counterpart=F("signer")),
                name="commitment_not_with_oneself",
                violation_error_message=_("Không thể cam kết với chính mình."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signer} — {self.get_level_display()} {self.year}"
