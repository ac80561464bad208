"""The year's records: the annual inputs the engine needs beyond the months (each with the
document behind it and who recorded it), the agency's annual run, and the stored annual
results of people and units.

Inputs keep their history (simple-history); results are written by the roll-up only
(`services.rollup.rollup_year`), set-based, and audited by one `AnnualRecomputation` row
per pass, as the month's recompute is.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from evaluation.models import (
    EVIDENCE_EXTENSIONS,
    LEVEL_CHOICES,
    evidence_content_validator,
    evidence_size_validator,
)
from hrsystem import clock


def document_path(instance, filename: str) -> str:
    """Storage name of a year document: a random name under the year's folder."""
    return f"annual/{clock.today():%Y}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


def _year_valid(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(year__gte=2000, year__lte=2100),
        name=f"{prefix}_year_valid",
        violation_error_message=_("Năm phải từ 2000 đến 2100."),
    )


def _has_document(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=~Q(document_number="") & ~Q(issuer=""),
        name=f"{prefix}_has_document",
        violation_error_message=_("Phải ghi số văn bản và cơ quan, người ban hành."),
    )


class YearDocument(models.Model):
    """What every annual input carries: the document behind it and who recorded it."""

    document_number = models.CharField(_("số văn bản"), max_length=64)
    document_date = models.DateField(_("ngày văn bản"))
    issuer = models.CharField(_("cơ quan, người ban hành"), max_length=255)
    document_file = models.FileField(
        _("tệp văn bản"),
        upload_to=document_path,
        blank=True,
        validators=[
            FileExtensionValidator(EVIDENCE_EXTENSIONS),
            evidence_size_validator,
            evidence_content_validator,
        ],
    )
    note = models.TextField(_("ghi chú"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người ghi nhận"),
    )
    recorded_at = models.DateTimeField(_("ghi nhận lúc"))

    class Meta:
        abstract = True


class InitiativeKind(models.TextChoices):
    INITIATIVE = "initiative", _("Sáng kiến")
    RESEARCH = "research", _("Đề tài nghiên cứu khoa học")


class Initiative(YearDocument):
    """A recognised initiative or accepted research of a person in a year; the document
    is the recognition (acceptance) decision, required."""

    organisation = models.ForeignKey(
        "hrsystem.Organisation", models.PROTECT, related_name="+", verbose_name=_("cơ quan")
    )
    employee = models.ForeignKey(
        "hrsystem.Employee",
        models.PROTECT,
        related_name="annual_initiatives",
        verbose_name=_("cán bộ"),
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    kind = models.CharField(
        _("loại"), max_length=16, choices=InitiativeKind.choices, default=InitiativeKind.INITIATIVE
    )
    title = models.CharField(_("tên sáng kiến, đề tài"), max_length=500)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sáng kiến, đề tài được công nhận")
        verbose_name_plural = _("sáng kiến, đề tài được công nhận")
        ordering = ["organisation", "-year", "employee__code"]
        constraints = [
            _year_valid("initiative"),
            _has_document("initiative"),
            models.CheckConstraint(
                condition=Q(kind__in=InitiativeKind.values), name="initiative_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "year"], name="initiative_org_year")]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"


class LeaveKind(models.TextChoices):
    MATERNITY = "maternity", _("Nghỉ thai sản")
    SICK = "sick", _("Nghỉ ốm đau hưởng bảo hiểm xã hội")


class MaternityLeave(YearDocument):
    """Months of a year a person was on maternity leave (or sick leave under social
    insurance, which counts the same, NĐ 335 Điều 11 khoản 2): counted as months worked."""

    organisation = models.ForeignKey(
        "hrsystem.Organisation", models.PROTECT, related_name="+", verbose_name=_("cơ quan")
    )
    employee = models.ForeignKey(
        "hrsystem.Employee",
        models.PROTECT,
        related_name="annual_leaves",
        verbose_name=_("cán bộ"),
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    kind = models.CharField(
        _("loại"), max_length=16, choices=LeaveKind.choices, default=LeaveKind.MATERNITY
    )
    months = models.JSONField(_("các tháng nghỉ"), default=list)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("thời gian nghỉ thai sản, ốm đau")
        verbose_name_plural = _("thời gian nghỉ thai sản, ốm đau")
        ordering = ["organisation", "-year", "employee__code"]
        constraints = [
            _year_valid("maternity_leave"),
            _has_document("maternity_leave"),
            models.CheckConstraint(
                condition=Q(kind__in=LeaveKind.values), name="maternity_leave_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "year"], name="maternity_org_year")]

    def __str__(self) -> str:
        return f"{self.employee_id}: {self.months} ({self.year})"


class TransferredMonth(models.Model):
    """A month a person worked at their former agency, before transferring in, with the
    result that agency stored: imported by the receiving agency's HR officer from the
    former agency's spreadsheet (`evaluation.annual.transfers`), never edited afterwards,
    and counted in the receiving agency's year as a locked month with its stored level
    (scoring-rules.md, Transfers: "the new agency rates the year on all of them")."""

    organisation = models.ForeignKey(
        "hrsystem.Organisation",
        models.PROTECT,
        related_name="+",
        verbose_name=_("cơ quan tiếp nhận"),
    )
    employee = models.ForeignKey(
        "hrsystem.Employee",
        models.PROTECT,
        related_name="transferred_months",
        verbose_name=_("cán bộ"),
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    month = models.PositiveSmallIntegerField(_("tháng"))
    source_agency = models.CharField(_("cơ quan cũ"), max_length=255)
    total = models.DecimalField(
        _("tổng điểm"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    level = models.CharField(_("mức xếp loại"), max_length=16, choices=LEVEL_CHOICES, blank=True)
    document_number = models.CharField(_("số văn bản xác nhận của cơ quan cũ"), max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người nhập"),
    )
    recorded_at = models.DateTimeField(_("nhập lúc"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kết quả tháng ở cơ quan cũ")
        verbose_name_plural = _("kết quả tháng ở cơ quan cũ")
        ordering = ["organisation", "employee__code", "year", "month"]
        constraints = [
            _year_valid("transferred_month"),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="transferred_month_month_valid"
            ),
            models.UniqueConstraint(
                fields=["employee", "year", "month"], name="transferred_month_once"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "year"], name="transferred_org_year")]

    def __str__(self) -> str:
        return f"{self.employee_id}: {self.month}/{self.year} ({self.source_agency})"

    @property
    def rated(self) -> bool:
        return bool(self.level) and self.total is not None


class DegradationConclusion(YearDocument):
    """The competent authority's conclusion that a person showed political, ethical or
    lifestyle degradation in a year (the year is rated Không hoàn thành)."""

    organisation = models.ForeignKey(
        "hrsystem.Organisation", models.PROTECT, related_name="+", verbose_name=_("cơ quan")
    )
    employee = models.ForeignKey(
        "hrsystem.Employee",
        models.PROTECT,
        related_name="degradation_conclusions",
        verbose_name=_("cán bộ"),
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kết luận suy thoái")
        verbose_name_plural = _("kết luận suy thoái")
        ordering = ["organisation", "-year", "employee__code"]
        constraints = [_year_valid("degradation"), _has_document("degradation")]
        indexes = [models.Index(fields=["organisation", "year"], name="degradation_org_year")]

    def __str__(self) -> str:
        return f"{self.document_number} ({self.year})"


class CaseKind(models.TextChoices):
    CORRUPTION = "corruption", _("Tham nhũng")
    EMBEZZLEMENT = "embezzlement", _("Tham ô")
    WASTE = "waste", _("Lãng phí")


class CorruptionCase(YearDocument):
    """A corruption, embezzlement or waste case handled in a unit in a year: the unit's
    leaders are rated Không hoàn thành for the year."""

    organisation = models.ForeignKey(
        "hrsystem.Organisation", models.PROTECT, related_name="+", verbose_name=_("cơ quan")
    )
    unit = models.ForeignKey(
        "hrsystem.Unit", models.PROTECT, related_name="corruption_cases", verbose_name=_("đơn vị")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    kind = models.CharField(
        _("loại vụ việc"), max_length=16, choices=CaseKind.choices, default=CaseKind.CORRUPTION
    )
    summary = models.TextField(_("tóm tắt vụ việc"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vụ việc tham nhũng, tham ô, lãng phí")
        verbose_name_plural = _("vụ việc tham nhũng, tham ô, lãng phí")
        ordering = ["organisation", "-year", "unit__path"]
        constraints = [
            _year_valid("corruption_case"),
            _has_document("corruption_case"),
            models.CheckConstraint(
                condition=Q(kind__in=CaseKind.values), name="corruption_case_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "year"], name="corruption_org_year")]

    def __str__(self) -> str:
        return f"{self.document_number}: {self.get_kind_display()} ({self.year})"


class RunState(models.TextChoices):
    NEW = "new", _("Chưa tổng hợp")
    DONE = "done", _("Đã tổng hợp")


class AnnualRun(models.Model):
    """The agency's annual roll-up of a year: which periods count (all locked periods of
    the year unless the HR officer chose), the rule set it used, its state, when and by
    whom; its progress while it runs is the background job's (`annual.jobs`)."""

    organisation = models.ForeignKey(
        "hrsystem.Organisation",
        models.PROTECT,
        related_name="annual_runs",
        verbose_name=_("cơ quan"),
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    periods = models.ManyToManyField(
        "evaluation.Period", blank=True, related_name="+", verbose_name=_("các kỳ được tính")
    )
    periods_chosen = models.BooleanField(
        _("kỳ do cán bộ tổ chức chọn"),
        default=False,
        help_text=_("Tắt: tính mọi kỳ đã khoá của năm."),
    )
    rule_set = models.ForeignKey(
        "evaluation.RuleSet",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bộ quy tắc áp dụng"),
    )
    rule_set_snapshot = models.JSONField(_("bản chụp bộ quy tắc"), null=True, blank=True)
    state = models.CharField(
        _("trạng thái"), max_length=16, choices=RunState.choices, default=RunState.NEW
    )
    people = models.PositiveIntegerField(_("số người được tính"), default=0)
    computed_at = models.DateTimeField(_("tổng hợp lúc"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người tổng hợp"),
    )

    class Meta:
        verbose_name = _("lần tổng hợp kết quả năm")
        verbose_name_plural = _("lần tổng hợp kết quả năm")
        ordering = ["organisation", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"],
                name="annual_run_unique",
                violation_error_message=_("Cơ quan đã có bản tổng hợp của năm này."),
            ),
            _year_valid("annual_run"),
            models.CheckConstraint(
                condition=Q(state__in=RunState.values), name="annual_run_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.year}"


class AnnualRecomputation(models.Model):
    """The audit of one roll-up pass: one row for the batch, naming who ran it, which
    periods counted and which result rows it created, changed or removed."""

    run = models.ForeignKey(
        AnnualRun, models.PROTECT, related_name="recomputations", verbose_name=_("bản tổng hợp")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    at = models.DateTimeField(_("lúc"))
    months = models.JSONField(_("các tháng được tính"), default=list)
    people = models.PositiveIntegerField(_("số người được tính"))
    created_ids = models.JSONField(_("kết quả cá nhân tạo mới"), default=list)
    changed_ids = models.JSONField(_("kết quả cá nhân thay đổi"), default=list)
    removed = models.PositiveIntegerField(_("kết quả cá nhân bỏ đi"), default=0)
    unit_ids = models.JSONField(_("đơn vị có kết quả thay đổi"), default=list)

    class Meta:
        verbose_name = _("lần tính kết quả năm")
        verbose_name_plural = _("lần tính kết quả năm")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.run} — {self.at:%d/%m/%Y %H:%M}"


def _level_field(label):
    return models.CharField(label, max_length=16, blank=True)


def _score_field(label):
    return models.DecimalField(label, max_digits=5, decimal_places=2, null=True, blank=True)


class AnnualResult(models.Model):
    """One person's year as the engine rated it: score, level, title and every reason
    (code, parameters, text and legal basis). Natural key: agency, year, person."""

    organisation = models.ForeignKey(
        "hrsystem.Organisation", models.PROTECT, related_name="+", verbose_name=_("cơ quan")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    employee = models.ForeignKey(
        "hrsystem.Employee",
        models.PROTECT,
        related_name="annual_results",
        verbose_name=_("cán bộ"),
    )
    unit = models.ForeignKey(
        "hrsystem.Unit", models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    is_leader = models.BooleanField(_("là lãnh đạo đơn vị"), default=False)
    is_head = models.BooleanField(_("là người đứng đầu đơn vị"), default=False)
    quota_group = models.CharField(_("nhóm tính tỷ lệ"), max_length=255, blank=True)
    rated = models.BooleanField(_("được xếp loại"), default=False)
    months_worked = models.PositiveSmallIntegerField(_("số tháng công tác"), default=0)
    months_rated = models.PositiveSmallIntegerField(_("số tháng được xếp loại"), default=0)
    months_absent = models.PositiveSmallIntegerField(_("số tháng vắng mặt"), default=0)
    score = _score_field(_("điểm năm"))
    mean = models.CharField(_("điểm trung bình chưa làm tròn"), max_length=64, blank=True)
    months_at_top = models.PositiveSmallIntegerField(_("số tháng đạt mức cao nhất"), default=0)
    score_level = _level_field(_("mức theo điểm"))
    level = _level_field(_("mức xếp loại năm"))
    title = models.CharField(_("danh hiệu đề xuất"), max_length=32, blank=True)
    reasons = models.JSONField(_("lý do"), default=list, blank=True)
    computed_at = models.DateTimeField(_("tính lúc"))

    class Meta:
        verbose_name = _("kết quả năm của cá nhân")
        verbose_name_plural = _("kết quả năm của cá nhân")
        ordering = ["organisation", "-year", "unit__path", "employee__sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "employee"], name="annual_result_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} — {self.year}"


class UnitAnnualResult(models.Model):
    """A unit's year: score, level, on-time rate, collective title and rank (1 = best)."""

    organisation = models.ForeignKey(
        "hrsystem.Organisation", models.PROTECT, related_name="+", verbose_name=_("cơ quan")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    unit = models.ForeignKey(
        "hrsystem.Unit", models.PROTECT, related_name="annual_results", verbose_name=_("đơn vị")
    )
    rated_count = models.PositiveIntegerField(_("số người được xếp loại (trừ người đứng đầu)"))
    member_count = models.PositiveIntegerField(_("số thành viên được xếp loại"))
    score = _score_field(_("điểm năm của đơn vị"))
    score_level = _level_field(_("mức theo điểm"))
    level = _level_field(_("mức xếp loại năm của đơn vị"))
    on_time_rate = _score_field(_("tỷ lệ hồ sơ đúng hạn trong năm (%)"))
    title = models.CharField(_("danh hiệu tập thể đề xuất"), max_length=32, blank=True)
    rank = models.PositiveIntegerField(_("thứ hạng"), null=True, blank=True)
    reasons = models.JSONField(_("lý do"), default=list, blank=True)
    computed_at = models.DateTimeField(_("tính lúc"))

    class Meta:
        verbose_name = _("kết quả năm của đơn vị")
        verbose_name_plural = _("kết quả năm của đơn vị")
        ordering = ["organisation", "-year", "rank", "unit__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "unit"], name="unit_annual_result_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} — {self.year}"


# The procedure and the board's review live beside the core's models (registered here).
from evaluation.annual.board_models import *  # noqa: E402, F403
from evaluation.annual.personnel_models import *  # noqa: E402, F403
