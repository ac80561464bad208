"""Rule sets stored as versioned, dated data: fields and constraints only.

A `RuleSet` row holds one field per field of the engine's `evaluation.rules.RuleSet`
(level labels as four columns, tuples as comma-separated codes); `evaluation.rulesets`
maps rows to the engine's dataclass. Defaults come from that dataclass, so a new row
starts from the same numbers the engine would assume. Once a period has used a rule set
it is locked: its scoring fields never change again and it cannot be deleted.
"""

from __future__ import annotations

import dataclasses
import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from evaluation import rules
from hrsystem import clock

_ENGINE_DEFAULTS = {
    f.name: f.default
    for f in dataclasses.fields(rules.RuleSet)
    if f.default is not dataclasses.MISSING
}
_ENGINE_LABELS = rules.RuleSet.__dataclass_fields__["level_labels"].default_factory()

LEVEL_CHOICES = [
    ("top", _("Mức cao nhất (Xuất sắc / A)")),
    ("good", _("Mức tốt (Tốt / B)")),
    ("complete", _("Mức hoàn thành (Hoàn thành / C)")),
    ("fail", _("Không hoàn thành (D)")),
]
_LEVEL_CODES = "|".join(rules.LEVELS)

level_list_validator = RegexValidator(
    rf"^({_LEVEL_CODES})(,({_LEVEL_CODES}))*$",
    _("Nhập các mã mức xếp loại (top, good, complete, fail), cách nhau bởi dấu phẩy."),
)
code_list_validator = RegexValidator(
    r"^[a-z0-9_]+(,[a-z0-9_]+)*$",
    _("Nhập các mã (chữ thường, số, gạch dưới), cách nhau bởi dấu phẩy, không có khoảng trắng."),
)

EDITABLE_AFTER_LOCK = (
    "id",
    "legal_basis",
    "self_assessment_days",
    "head_scoring_days",
    "unit_submission_days",
    "agency_signoff_days",
    "appeal_window_days",
    "violation_contest_days",
)
"""The only columns a locked rule set may still change: none of them affects a score."""


def _points(label, *, null=False, name=None):
    """Points on the 0-100 scale: 999.99 at most, two decimal places."""
    default = None if null else _ENGINE_DEFAULTS.get(name)
    return models.DecimalField(
        label, max_digits=5, decimal_places=2, null=null, blank=null, default=default
    )


def _weight(label, name):
    return models.DecimalField(
        label, max_digits=6, decimal_places=3, default=_ENGINE_DEFAULTS[name]
    )


def _fraction(label, name, *, null=False):
    """A rate or share between 0 and 1, four decimal places (0.3000 = 30%)."""
    return models.DecimalField(
        label,
        max_digits=5,
        decimal_places=4,
        null=null,
        blank=null,
        default=_ENGINE_DEFAULTS[name],
    )


def _default_base_levels():
    return ",".join(_ENGINE_DEFAULTS["annual_quota_base_levels"])


def _default_discipline_forms():
    return ",".join(_ENGINE_DEFAULTS["discipline_forms"])


def _rate_in_unit_interval(name: str) -> Q:
    return Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 0, f"{name}__lte": 1})


class Cadence(models.TextChoices):
    MONTHLY = "monthly", _("Hằng tháng")
    QUARTERLY = "quarterly", _("Hằng quý")


class DelayUnit(models.TextChoices):
    DAY = "day", _("Mỗi ngày chậm")
    OCCURRENCE = "occurrence", _("Mỗi lần chậm")


class QuotaRounding(models.TextChoices):
    FLOOR = "floor", _("Làm tròn xuống")
    HALF_UP = "half_up", _("Làm tròn đến số gần nhất (0,5 lên)")


class RuleSetLockedError(ValidationError):
    """An attempt to change or delete a rule set (or its criteria) that a period has used."""


class RuleSetQuerySet(models.QuerySet):
    def delete(self):
        """Refuse to delete any locked rule set among the rows."""
        locked = list(self.filter(is_locked=True).values_list("code", "version"))
        if locked:
            raise RuleSetLockedError(
                _("Không thể xoá bộ quy tắc đã khoá (đã được kỳ đánh giá sử dụng): %(sets)s.")
                % {"sets": ", ".join(f"{code} v{version}" for code, version in locked)}
            )
        return super().delete()

    def update(self, **kwargs):
        """Refuse bulk changes to the frozen fields of locked rows (unlocking included)."""
        frozen = set(kwargs) & set(RuleSet.frozen_field_names())
        if frozen and self.filter(is_locked=True).exists():
            raise RuleSetLockedError(
                _("Bộ quy tắc đã khoá không được sửa các trường: %(fields)s.")
                % {"fields": ", ".join(sorted(frozen))}
            )
        return super().update(**kwargs)


class RuleSet(models.Model):
    """One version of a rule set (nd335, hn3814...), in effect from `effective_from`."""

    code = models.SlugField(_("mã bộ quy tắc"), max_length=32, help_text=_("Ví dụ: nd335, hn3814."))
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    name = models.CharField(_("tên"), max_length=200)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    effective_from = models.DateField(_("áp dụng từ ngày"))
    cadence = models.CharField(
        _("chu kỳ đánh giá"), max_length=16, choices=Cadence.choices, default=Cadence.MONTHLY
    )
    is_locked = models.BooleanField(
        _("đã khoá"),
        default=False,
        help_text=_(
            "Đã được kỳ đánh giá sử dụng: không sửa, không xoá; muốn thay đổi thì tạo "
            "phiên bản mới."
        ),
    )

    general_max = models.DecimalField(
        _("điểm tối đa khối tiêu chí chung"), max_digits=5, decimal_places=2
    )
    task_max = _points(_("điểm tối đa khối kết quả nhiệm vụ"), name="task_max")
    weight_quantity = _weight(_("trọng số tỷ lệ số lượng"), "weight_quantity")
    weight_quality = _weight(_("trọng số tỷ lệ chất lượng"), "weight_quality")
    weight_progress = _weight(_("trọng số tỷ lệ tiến độ"), "weight_progress")
    quality_penalty_per_error = _fraction(
        _("mức trừ chất lượng mỗi lần đánh giá chưa đạt"), "quality_penalty_per_error"
    )
    progress_penalty_per_delay = _fraction(
        _("mức trừ tiến độ mỗi đơn vị chậm"), "progress_penalty_per_delay"
    )
    delay_unit = models.CharField(
        _("đơn vị tính chậm tiến độ"),
        max_length=16,
        choices=DelayUnit.choices,
        default=_ENGINE_DEFAULTS["delay_unit"],
    )
    leader_criteria_enabled = models.BooleanField(
        _("chấm tiêu chí lãnh đạo (d, đ, e)"), default=_ENGINE_DEFAULTS["leader_criteria_enabled"]
    )
    weight_leader_d = _weight(_("trọng số tiêu chí d"), "weight_leader_d")
    weight_leader_dd = _weight(_("trọng số tiêu chí đ"), "weight_leader_dd")
    weight_leader_e = _weight(_("trọng số tiêu chí e"), "weight_leader_e")
    leader_full = _points(_("điểm tiêu chí lãnh đạo khi đạt"), name="leader_full")
    leader_reduced = _points(_("điểm tiêu chí lãnh đạo khi không đạt"), name="leader_reduced")
    bonus_cap = _points(_("điểm thưởng tối đa"), null=True)
    deduction_cap = _points(_("tổng điểm trừ tối đa"), null=True)
    threshold_top = _points(_("ngưỡng điểm mức cao nhất"), name="threshold_top")
    threshold_good = _points(_("ngưỡng điểm mức tốt"), name="threshold_good")
    threshold_complete = _points(_("ngưỡng điểm mức hoàn thành"), name="threshold_complete")
    label_top = models.CharField(
        _("tên mức cao nhất"), max_length=40, default=_ENGINE_LABELS["top"]
    )
    label_good = models.CharField(_("tên mức tốt"), max_length=40, default=_ENGINE_LABELS["good"])
    label_complete = models.CharField(
        _("tên mức hoàn thành"), max_length=40, default=_ENGINE_LABELS["complete"]
    )
    label_fail = models.CharField(
        _("tên mức không hoàn thành"), max_length=40, default=_ENGINE_LABELS["fail"]
    )
    head_capped_by_unit = models.BooleanField(
        _("xếp loại người đứng đầu không cao hơn đơn vị"),
        default=_ENGINE_DEFAULTS["head_capped_by_unit"],
    )
    unit_low_on_time_cap = models.CharField(
        _("mức tối đa của đơn vị khi tỷ lệ hồ sơ đúng hạn thấp"),
        max_length=16,
        choices=LEVEL_CHOICES,
        default=_ENGINE_DEFAULTS["unit_low_on_time_cap"],
    )
    monthly_quota_rate = _fraction(
        _("tỷ lệ tối đa mức cao nhất hằng tháng"), "monthly_quota_rate", null=True
    )
    monthly_quota_outstanding_rate = _fraction(
        _("tỷ lệ tối đa mức cao nhất hằng tháng của đơn vị xuất sắc"),
        "monthly_quota_outstanding_rate",
        null=True,
    )
    annual_min_months = models.PositiveSmallIntegerField(
        _("số tháng công tác tối thiểu để xếp loại năm"),
        default=_ENGINE_DEFAULTS["annual_min_months"],
    )
    annual_absence_cap_months = models.PositiveSmallIntegerField(
        _("số tháng vắng bị giới hạn xếp loại năm"),
        default=_ENGINE_DEFAULTS["annual_absence_cap_months"],
    )
    annual_absence_cap_level = models.CharField(
        _("mức tối đa khi vắng nhiều tháng"),
        max_length=16,
        choices=LEVEL_CHOICES,
        default=_ENGINE_DEFAULTS["annual_absence_cap_level"],
    )
    annual_quota_rate = _fraction(
        _("tỷ lệ tối đa Xuất sắc trong năm"), "annual_quota_rate", null=True
    )
    annual_quota_outstanding_rate = _fraction(
        _("tỷ lệ tối đa Xuất sắc trong năm của đơn vị xuất sắc"),
        "annual_quota_outstanding_rate",
        null=True,
    )
    annual_quota_base_levels = models.CharField(
        _("các mức tính vào cơ số tỷ lệ năm"),
        max_length=64,
        validators=[level_list_validator],
        default=_default_base_levels,
        help_text=_("Mã mức, cách nhau bởi dấu phẩy, ví dụ: top,good."),
    )
    quota_rounding = models.CharField(
        _("cách làm tròn số suất theo tỷ lệ"),
        max_length=16,
        choices=QuotaRounding.choices,
        default=_ENGINE_DEFAULTS["quota_rounding"],
    )
    discipline_forms = models.CharField(
        _("các hình thức kỷ luật (nhẹ đến nặng)"),
        max_length=200,
        validators=[code_list_validator],
        default=_default_discipline_forms,
        help_text=_("Mã hình thức, cách nhau bởi dấu phẩy, theo mức độ tăng dần."),
    )
    annual_cap_discipline_from = models.CharField(
        _("hình thức kỷ luật nhẹ nhất làm Không hoàn thành cả năm"),
        max_length=32,
        default=_ENGINE_DEFAULTS["annual_cap_discipline_from"],
    )
    cstdcs_requires_top = models.BooleanField(
        _("Chiến sĩ thi đua cơ sở phải xếp loại Xuất sắc"),
        default=_ENGINE_DEFAULTS["cstdcs_requires_top"],
    )
    cstdcs_share_cap = _fraction(
        _("tỷ lệ tối đa Chiến sĩ thi đua cơ sở"), "cstdcs_share_cap", null=True
    )
    collective_excellent_min_share = _fraction(
        _("tỷ lệ Lao động tiên tiến tối thiểu cho Tập thể lao động xuất sắc"),
        "collective_excellent_min_share",
    )
    collective_advanced_min_share = _fraction(
        _("tỷ lệ Lao động tiên tiến phải vượt cho Tập thể lao động tiên tiến"),
        "collective_advanced_min_share",
    )
    collective_discipline_from = models.CharField(
        _("hình thức kỷ luật nhẹ nhất làm tập thể mất danh hiệu"),
        max_length=32,
        default=_ENGINE_DEFAULTS["collective_discipline_from"],
    )

    self_assessment_days = models.PositiveSmallIntegerField(
        _("hạn tự đánh giá (ngày sau kỳ)"), default=3
    )
    head_scoring_days = models.PositiveSmallIntegerField(
        _("hạn thủ trưởng chấm điểm (ngày sau kỳ)"), default=5
    )
    unit_submission_days = models.PositiveSmallIntegerField(
        _("hạn đơn vị gửi kết quả (ngày sau kỳ)"), default=7
    )
    agency_signoff_days = models.PositiveSmallIntegerField(
        _("hạn cơ quan phê duyệt (ngày sau kỳ)"), default=10
    )
    appeal_window_days = models.PositiveSmallIntegerField(
        _("thời hạn kiến nghị kết quả (ngày)"), default=5
    )
    violation_contest_days = models.PositiveSmallIntegerField(
        _("thời hạn giải trình vi phạm (ngày)"), default=5
    )

    history = HistoricalRecords()

    objects = RuleSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("bộ quy tắc chấm điểm")
        verbose_name_plural = _("bộ quy tắc chấm điểm")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"],
                name="ruleset_code_version_unique",
                violation_error_message=_("Đã có phiên bản này của bộ quy tắc."),
            ),
            models.UniqueConstraint(
                fields=["code", "effective_from"],
                name="ruleset_code_effective_unique",
                violation_error_message=_("Đã có một phiên bản áp dụng từ ngày này."),
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1),
                name="ruleset_version_positive",
                violation_error_message=_("Phiên bản phải từ 1 trở lên."),
            ),
            models.CheckConstraint(
                condition=Q(general_max__gt=0) & Q(task_max__gt=0),
                name="ruleset_block_maxima_positive",
                violation_error_message=_("Điểm tối đa của khối chung và khối nhiệm vụ phải > 0."),
            ),
            models.CheckConstraint(
                condition=Q(threshold_complete__gt=0)
                & Q(threshold_good__gt=F("threshold_complete"))
                & Q(threshold_top__gt=F("threshold_good"))
                & Q(threshold_top__lte=100),
                name="ruleset_thresholds_ordered",
                violation_error_message=_(
                    "Ngưỡng điểm phải tăng dần: 0 < hoàn thành < tốt < cao nhất ≤ 100."
                ),
            ),
            models.CheckConstraint(
                condition=Q(weight_quantity__gte=0)
                & Q(weight_quality__gte=0)
                & Q(weight_progress__gte=0)
                & Q(weight_leader_d__gte=0)
                & Q(weight_leader_dd__gte=0)
                & Q(weight_leader_e__gte=0),
                name="ruleset_weights_non_negative",
                violation_error_message=_("Trọng số không được âm."),
            ),
            models.CheckConstraint(
                condition=Q(quality_penalty_per_error__gte=0)
                & Q(quality_penalty_per_error__lte=1)
                & Q(progress_penalty_per_delay__gte=0)
                & Q(progress_penalty_per_delay__lte=1),
                name="ruleset_penalties_fraction",
                violation_error_message=_("Mức trừ chất lượng, tiến độ phải trong khoảng 0–1."),
            ),
            models.CheckConstraint(
                condition=Q(leader_reduced__gte=0) & Q(leader_full__gt=F("leader_reduced")),
                name="ruleset_leader_points_ordered",
                violation_error_message=_("Điểm tiêu chí lãnh đạo: 0 ≤ khi không đạt < khi đạt."),
            ),
            models.CheckConstraint(
                condition=(Q(bonus_cap__isnull=True) | Q(bonus_cap__gt=0))
                & (Q(deduction_cap__isnull=True) | Q(deduction_cap__gt=0)),
                name="ruleset_caps_positive",
                violation_error_message=_("Điểm thưởng, điểm trừ tối đa phải > 0 (hoặc để trống)."),
            ),
            models.CheckConstraint(
                condition=_rate_in_unit_interval("monthly_quota_rate")
                & _rate_in_unit_interval("monthly_quota_outstanding_rate")
                & _rate_in_unit_interval("annual_quota_rate")
                & _rate_in_unit_interval("annual_quota_outstanding_rate")
                & _rate_in_unit_interval("cstdcs_share_cap")
                & _rate_in_unit_interval("collective_excellent_min_share")
                & _rate_in_unit_interval("collective_advanced_min_share"),
                name="ruleset_rates_fraction",
                violation_error_message=_("Tỷ lệ phải trong khoảng 0–1 (0,30 = 30%)."),
            ),
            models.CheckConstraint(
                condition=Q(monthly_quota_outstanding_rate__isnull=True)
                | Q(monthly_quota_rate__isnull=False)
                & Q(monthly_quota_outstanding_rate__gte=F("monthly_quota_rate")),
                name="ruleset_monthly_outstanding_rate_above_rate",
                violation_error_message=_(
                    "Tỷ lệ hằng tháng của đơn vị xuất sắc cần tỷ lệ thường và không thấp hơn nó."
                ),
            ),
            models.CheckConstraint(
                condition=Q(annual_quota_outstanding_rate__isnull=True)
                | Q(annual_quota_rate__isnull=False)
                & Q(annual_quota_outstanding_rate__gte=F("annual_quota_rate")),
                name="ruleset_annual_outstanding_rate_above_rate",
                violation_error_message=_(
                    "Tỷ lệ năm của đơn vị xuất sắc cần tỷ lệ thường và không thấp hơn nó."
                ),
            ),
            models.CheckConstraint(
                condition=Q(annual_min_months__gte=1)
                & Q(annual_min_months__lte=12)
                & Q(annual_absence_cap_months__gte=1)
                & Q(annual_absence_cap_months__lte=12),
                name="ruleset_annual_months_in_year",
                violation_error_message=_("Số tháng phải từ 1 đến 12."),
            ),
            models.CheckConstraint(
                condition=Q(unit_low_on_time_cap__in=rules.LEVELS)
                & Q(annual_absence_cap_level__in=rules.LEVELS),
                name="ruleset_cap_levels_known",
                violation_error_message=_("Mức giới hạn phải là một mã mức xếp loại."),
            ),
            models.CheckConstraint(
                condition=Q(cadence__in=Cadence.values)
                & Q(delay_unit__in=DelayUnit.values)
                & Q(quota_rounding__in=QuotaRounding.values),
                name="ruleset_choices_known",
                violation_error_message=_(
                    "Chu kỳ, đơn vị tính chậm hoặc cách làm tròn không hợp lệ."
                ),
            ),
            models.CheckConstraint(
                condition=Q(head_scoring_days__gte=F("self_assessment_days"))
                & Q(unit_submission_days__gte=F("head_scoring_days"))
                & Q(agency_signoff_days__gte=F("unit_submission_days")),
                name="ruleset_deadlines_ordered",
                violation_error_message=_(
                    "Các hạn phải theo thứ tự: tự đánh giá ≤ thủ trưởng chấm ≤ đơn vị gửi ≤ "
                    "cơ quan phê duyệt."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.code} v{self.version} — {self.name}"

    def save(self, *args, **kwargs):
        """Save, refusing any change to the frozen fields of a locked row."""
        changed = self.locked_changes()
        if changed:
            raise RuleSetLockedError(
                _(
                    "Bộ quy tắc %(code)s v%(version)s đã khoá: không được sửa %(fields)s; "
                    "hãy tạo phiên bản mới."
                )
                % {"code": self.code, "version": self.version, "fields": ", ".join(changed)}
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        """Delete an unlocked rule set with its criteria; a locked one is refused."""
        if self.pk is not None and RuleSet.objects.filter(pk=self.pk, is_locked=True).exists():
            raise RuleSetLockedError(
                _("Không thể xoá bộ quy tắc đã khoá %(code)s v%(version)s.")
                % {"code": self.code, "version": self.version}
            )
        return super().delete(*args, **kwargs)

    @classmethod
    def frozen_field_names(cls) -> list[str]:
        """Fields a locked rule set may never change: the engine's numbers, the dating, the lock."""
        return [f.name for f in cls._meta.concrete_fields if f.name not in EDITABLE_AFTER_LOCK]

    def locked_changes(self) -> list[str]:
        """The frozen fields this unsaved state changes on a row stored as locked (else [])."""
        if self.pk is None:
            return []
        names = self.frozen_field_names()
        stored = RuleSet.objects.filter(pk=self.pk, is_locked=True).values(*names).first()
        if stored is None:
            return []
        return [name for name in names if getattr(self, name) != stored[name]]

    def clean(self):
        changed = self.locked_changes()
        if changed:
            raise RuleSetLockedError(
                {
                    name: _(
                        "Bộ quy tắc đã khoá (đã được kỳ đánh giá sử dụng): không được sửa; "
                        "hãy tạo phiên bản mới."
                    )
                    for name in changed
                }
            )


class GeneralCriterionQuerySet(models.QuerySet):
    def delete(self):
        """Refuse to delete criteria of a locked rule set."""
        if self.filter(rule_set__is_locked=True).exists():
            raise RuleSetLockedError(_("Không thể xoá tiêu chí của bộ quy tắc đã khoá."))
        return super().delete()

    def update(self, **kwargs):
        """Refuse bulk changes to criteria of a locked rule set."""
        if self.filter(rule_set__is_locked=True).exists():
            raise RuleSetLockedError(_("Không thể sửa tiêu chí của bộ quy tắc đã khoá."))
        return super().update(**kwargs)


class GeneralCriterion(models.Model):
    """One criterion of a rule set's general block, shown in `order` under its group."""

    rule_set = models.ForeignKey(
        RuleSet,
        on_delete=models.CASCADE,
        related_name="criteria",
        verbose_name=_("bộ quy tắc"),
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    group = models.CharField(_("nhóm tiêu chí"), max_length=200)
    code = models.SlugField(_("mã tiêu chí"), max_length=64)
    name = models.CharField(_("tên tiêu chí"), max_length=300)
    max_points = models.DecimalField(
        _("điểm tối đa"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    history = HistoricalRecords()

    objects = GeneralCriterionQuerySet.as_manager()

    class Meta:
        verbose_name = _("tiêu chí chung")
        verbose_name_plural = _("tiêu chí chung")
        ordering = ["rule_set", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "order"],
                name="criterion_rule_set_order_unique",
                violation_error_message=_("Thứ tự tiêu chí bị trùng trong bộ quy tắc."),
            ),
            models.UniqueConstraint(
                fields=["rule_set", "code"],
                name="criterion_rule_set_code_unique",
                violation_error_message=_("Mã tiêu chí bị trùng trong bộ quy tắc."),
            ),
            models.CheckConstraint(
                condition=Q(max_points__gt=0),
                name="criterion_max_points_positive",
                violation_error_message=_("Điểm tối đa của tiêu chí phải > 0."),
            ),
        ]

    def __str__(self):
        return f"{self.order}. {self.name} ({self.max_points})"

    def save(self, *args, **kwargs):
        """Save, refusing any write to a criterion of a locked rule set."""
        self._refuse_if_locked()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        """Delete, refused for a criterion of a locked rule set."""
        self._refuse_if_locked()
        return super().delete(*args, **kwargs)

    def _refuse_if_locked(self):
        held_by = Q(pk=self.rule_set_id)
        if self.pk:
            held_by |= Q(criteria__pk=self.pk)
        if RuleSet.objects.filter(held_by, is_locked=True).exists():
            raise RuleSetLockedError(
                _(
                    "Bộ quy tắc đã khoá: không được thêm, sửa hay xoá tiêu chí; "
                    "hãy tạo phiên bản mới."
                )
            )

    def clean(self):
        self._refuse_if_locked()


class IncomeCoefficientQuerySet(models.QuerySet):
    def delete(self):
        """Refuse to delete income coefficients of a locked rule set."""
        if self.filter(rule_set__is_locked=True).exists():
            raise RuleSetLockedError(_("Không thể xoá hệ số thu nhập của bộ quy tắc đã khoá."))
        return super().delete()

    def update(self, **kwargs):
        """Refuse bulk changes to income coefficients of a locked rule set."""
        if self.filter(rule_set__is_locked=True).exists():
            raise RuleSetLockedError(_("Không thể sửa hệ số thu nhập của bộ quy tắc đã khoá."))
        return super().update(**kwargs)


class IncomeCoefficient(models.Model):
    """One line of a rule set's optional extra-income table (NĐ 335 Điều 23): the
    coefficient a quarter's level gives. A rule set without lines has no table, and
    nothing about money is shown. Kept in the period's snapshot like the criteria."""

    rule_set = models.ForeignKey(
        RuleSet,
        on_delete=models.CASCADE,
        related_name="income_coefficients",
        verbose_name=_("bộ quy tắc"),
    )
    level = models.CharField(_("mức xếp loại quý"), max_length=16, choices=LEVEL_CHOICES)
    coefficient = models.DecimalField(
        _("hệ số thu nhập tăng thêm"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Ví dụ: Xuất sắc 1,2; Tốt 1,0; Hoàn thành 0,8; Không hoàn thành 0."),
    )
    history = HistoricalRecords()

    objects = IncomeCoefficientQuerySet.as_manager()

    class Meta:
        verbose_name = _("hệ số thu nhập tăng thêm theo quý")
        verbose_name_plural = _("hệ số thu nhập tăng thêm theo quý")
        ordering = ["rule_set", "coefficient"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "level"],
                name="income_coefficient_rule_set_level_unique",
                violation_error_message=_("Mỗi mức xếp loại chỉ có một hệ số trong bộ quy tắc."),
            ),
            models.CheckConstraint(
                condition=Q(coefficient__gte=0),
                name="income_coefficient_non_negative",
                violation_error_message=_("Hệ số thu nhập không được âm."),
            ),
            models.CheckConstraint(
                condition=Q(level__in=rules.LEVELS),
                name="income_coefficient_level_known",
                violation_error_message=_("Mức xếp loại phải là một mã mức."),
            ),
        ]

    def __str__(self):
        return f"{self.get_level_display()}: {self.coefficient}"

    def save(self, *args, **kwargs):
        """Save, refusing any write to a line of a locked rule set."""
        self._refuse_if_locked()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        """Delete, refused for a line of a locked rule set."""
        self._refuse_if_locked()
        return super().delete(*args, **kwargs)

    def _refuse_if_locked(self):
        held_by = Q(pk=self.rule_set_id)
        if self.pk:
            held_by |= Q(income_coefficients__pk=self.pk)
        if RuleSet.objects.filter(held_by, is_locked=True).exists():
            raise RuleSetLockedError(
                _(
                    "Bộ quy tắc đã khoá: không được thêm, sửa hay xoá hệ số thu nhập; "
                    "hãy tạo phiên bản mới."
                )
            )

    def clean(self):
        self._refuse_if_locked()


# --- the monthly cycle -----------------------------------------------------------------

EVIDENCE_EXTENSIONS = ("pdf", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx", "odt", "ods")
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


def evidence_size_validator(file) -> None:
    """Refuse an evidence file above `EVIDENCE_MAX_BYTES` (10 MB)."""
    if file.size > EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("Tệp minh chứng quá lớn (%(size)s MB); tối đa 10 MB.")
            % {"size": round(file.size / 1024 / 1024, 1)},
            code="file_too_large",
        )


EVIDENCE_SIGNATURES = (
    (b"%PDF-", (".pdf",)),
    (b"\xff\xd8\xff", (".jpg", ".jpeg")),
    (b"\x89PNG\r\n\x1a\n", (".png",)),
    (b"PK\x03\x04", (".docx", ".xlsx", ".odt", ".ods")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", (".doc", ".xls")),
)
"""Leading bytes of each accepted kind of evidence and the name endings it may carry:
PDF, JPEG, PNG, Office Open XML and OpenDocument (ZIP), legacy Word and Excel (OLE2)."""


def evidence_content_validator(file) -> None:
    """Refuse an evidence file whose content is not a kind its name ending allows (an
    HTML page named .pdf, a program named .docx): the first bytes decide, not the name."""
    name = (file.name or "").lower()
    if not name.endswith(tuple(f".{ending}" for ending in EVIDENCE_EXTENSIONS)):
        return  # the ending itself is refused by FileExtensionValidator
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(8)
    file.seek(position)
    if not any(
        head.startswith(magic) and name.endswith(endings) for magic, endings in EVIDENCE_SIGNATURES
    ):
        raise ValidationError(
            _(
                "Tệp “%(name)s” không phải PDF, ảnh, Word hoặc Excel đúng như tên tệp: "
                "nội dung của tệp không khớp với đuôi tên."
            )
            % {"name": PurePath(file.name or "").name},
            code="evidence_content",
        )


def evidence_path(instance, filename: str) -> str:
    """Storage name of a work evidence file: a random name under the month's folder with
    the (checked) ending; the name the person gave is kept in `evidence_name`."""
    return f"evidence/{clock.today():%Y/%m}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


def _score(label, **kwargs):
    """A score or percentage shown to people: 0-999.99, two places."""
    return models.DecimalField(label, max_digits=5, decimal_places=2, **kwargs)


def _result(label):
    return _score(label, null=True, blank=True)


def _by(label, related_name):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=label,
    )


class PeriodState(models.TextChoices):
    OPEN = "open", _("Đã mở")
    SELF_ASSESSMENT = "self_assessment", _("Tự đánh giá")
    SCORING = "scoring", _("Thủ trưởng chấm điểm")
    SUBMITTED = "submitted", _("Các đơn vị đã gửi")
    SIGNED_OFF = "signed_off", _("Lãnh đạo cơ quan đã phê duyệt")
    PUBLISHED = "published", _("Đã công bố")
    LOCKED = "locked", _("Đã khoá")


PERIOD_FLOW = tuple(PeriodState.values)
"""Period states in their only order; `services.period_advance` moves one step at a time."""


class Period(models.Model):
    """One evaluation period (a month or a quarter) of an agency under one rule-set version.

    The rule set is locked when the period opens and its snapshot kept here; results of
    a locked period are never recomputed.
    """

    organisation = models.ForeignKey(
        "hrsystem.Organisation", models.PROTECT, related_name="periods", verbose_name=_("cơ quan")
    )
    rule_set = models.ForeignKey(
        RuleSet, models.PROTECT, related_name="periods", verbose_name=_("bộ quy tắc áp dụng")
    )
    rule_set_snapshot = models.JSONField(_("bản chụp bộ quy tắc"), editable=False)
    cadence = models.CharField(_("chu kỳ"), max_length=16, choices=Cadence.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveSmallIntegerField(_("kỳ số"), help_text=_("Tháng 1–12 hoặc quý 1–4."))
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    self_assessment_due = models.DateField(_("hạn tự đánh giá"))
    scoring_due = models.DateField(_("hạn thủ trưởng chấm điểm"))
    unit_submission_due = models.DateField(_("hạn đơn vị gửi kết quả"))
    sign_off_due = models.DateField(_("hạn lãnh đạo cơ quan phê duyệt"))
    state = models.CharField(
        _("trạng thái"), max_length=16, choices=PeriodState.choices, default=PeriodState.OPEN
    )
    opened_by = _by(_("người mở kỳ"), "+")
    opened_at = models.DateTimeField(_("mở lúc"), auto_now_add=True)
    signed_off_by = _by(_("người phê duyệt"), "+")
    signed_off_at = models.DateTimeField(_("phê duyệt lúc"), null=True, blank=True)
    published_at = models.DateTimeField(_("công bố lúc"), null=True, blank=True)
    appeal_due = models.DateField(_("hạn kiến nghị"), null=True, blank=True)
    locked_at = models.DateTimeField(_("khoá lúc"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["rule_set_snapshot"])

    class Meta:
        verbose_name = _("kỳ đánh giá")
        verbose_name_plural = _("kỳ đánh giá")
        ordering = ["organisation", "-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "cadence", "year", "number"],
                name="period_unique_per_organisation",
                violation_error_message=_("Cơ quan đã mở kỳ đánh giá này."),
            ),
            models.CheckConstraint(
                condition=Q(cadence=Cadence.MONTHLY, number__gte=1, number__lte=12)
                | Q(cadence=Cadence.QUARTERLY, number__gte=1, number__lte=4),
                name="period_number_in_cadence",
                violation_error_message=_("Kỳ số phải là tháng 1–12 hoặc quý 1–4."),
            ),
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="period_end_after_start",
                violation_error_message=_("Ngày kết thúc kỳ phải sau ngày bắt đầu."),
            ),
            models.CheckConstraint(
                condition=Q(scoring_due__gte=F("self_assessment_due"))
                & Q(unit_submission_due__gte=F("scoring_due"))
                & Q(sign_off_due__gte=F("unit_submission_due")),
                name="period_deadlines_ordered",
                violation_error_message=_(
                    "Các hạn phải theo thứ tự: tự đánh giá ≤ chấm điểm ≤ đơn vị gửi ≤ phê duyệt."
                ),
            ),
            models.CheckConstraint(
                condition=Q(state__in=PeriodState.values), name="period_state_valid"
            ),
        ]
        indexes = [models.Index(fields=["state", "sign_off_due"], name="period_state_due")]

    def __str__(self):
        if self.cadence == Cadence.QUARTERLY:
            return _("Quý %(n)s/%(y)s") % {"n": self.number, "y": self.year}
        return _("Tháng %(n)s/%(y)s") % {"n": self.number, "y": self.year}

    @property
    def is_locked(self) -> bool:
        return self.state == PeriodState.LOCKED


class UnitPeriodState(models.TextChoices):
    DRAFT = "draft", _("Đang chấm")
    SUBMITTED = "submitted", _("Đã gửi")
    RETURNED = "returned", _("Bị trả lại")
    APPROVED = "approved", _("Đã duyệt")


class UnitPeriod(models.Model):
    """A unit's period: its submission by the head, approval or return by the agency
    leader, and the unit's own result (written by the recompute)."""

    period = models.ForeignKey(
        Period, models.PROTECT, related_name="unit_periods", verbose_name=_("kỳ đánh giá")
    )
    unit = models.ForeignKey(
        "hrsystem.Unit", models.PROTECT, related_name="unit_periods", verbose_name=_("đơn vị")
    )
    state = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=UnitPeriodState.choices,
        default=UnitPeriodState.DRAFT,
    )
    submitted_by = _by(_("người gửi"), "+")
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    returned_by = _by(_("người trả lại"), "+")
    returned_at = models.DateTimeField(_("trả lại lúc"), null=True, blank=True)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    approved_by = _by(_("người duyệt"), "+")
    approved_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    rated_count = models.PositiveIntegerField(_("số người được xếp loại"), default=0)
    score = _result(_("điểm đơn vị"))
    score_level = models.CharField(_("mức theo điểm"), max_length=16, blank=True)
    level = models.CharField(_("mức xếp loại đơn vị"), max_length=16, blank=True)
    on_time_rate = _result(_("tỷ lệ hồ sơ đúng hạn (%)"))
    reasons = models.JSONField(_("lý do"), default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kết quả kỳ của đơn vị")
        verbose_name_plural = _("kết quả kỳ của đơn vị")
        ordering = ["period", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "unit"],
                name="unit_period_unique",
                violation_error_message=_("Đơn vị đã có hồ sơ của kỳ này."),
            ),
            models.CheckConstraint(
                condition=Q(state__in=UnitPeriodState.values), name="unit_period_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state=UnitPeriodState.RETURNED) | ~Q(return_reason=""),
                name="unit_period_return_has_reason",
                violation_error_message=_("Trả lại kết quả đơn vị phải ghi rõ lý do."),
            ),
        ]

    def __str__(self):
        return f"{self.unit} — {self.period}"


class EvaluationState(models.TextChoices):
    DRAFT = "draft", _("Đang kê khai")
    SELF_SUBMITTED = "self_submitted", _("Đã tự đánh giá")
    SCORED = "scored", _("Đã chấm điểm")
    PUBLISHED = "published", _("Đã công bố")
    LOCKED = "locked", _("Đã khoá")


class Evaluation(models.Model):
    """One person's evaluation of one period, in one version.

    `unit`, `job_position` and `is_leader` are snapshots of the period: a later move never
    rewrites them; the rule set it is scored against is the period's snapshot. An upheld
    appeal adds version + 1 and keeps the old row (`is_current` False). Every write
    checks and increments `revision`, so a stale form never overwrites a newer change.
    Result columns are written by the recompute only.
    """

    period = models.ForeignKey(
        Period, models.PROTECT, related_name="evaluations", verbose_name=_("kỳ đánh giá")
    )
    employee = models.ForeignKey(
        "hrsystem.Employee", models.PROTECT, related_name="evaluations", verbose_name=_("cán bộ")
    )
    unit = models.ForeignKey(
        "hrsystem.Unit",
        models.PROTECT,
        related_name="evaluations",
        verbose_name=_("đơn vị (trong kỳ)"),
    )
    job_position = models.ForeignKey(
        "hrsystem.JobPosition",
        models.PROTECT,
        related_name="evaluations",
        verbose_name=_("vị trí việc làm (trong kỳ)"),
    )
    is_leader = models.BooleanField(_("là lãnh đạo đơn vị trong kỳ"), default=False)
    is_head = models.BooleanField(_("là người đứng đầu đơn vị trong kỳ"), default=False)
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    is_current = models.BooleanField(_("phiên bản hiện hành"), default=True)
    state = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=EvaluationState.choices,
        default=EvaluationState.DRAFT,
    )
    absent = models.BooleanField(_("vắng mặt cả kỳ"), default=False)
    not_rated = models.BooleanField(
        _("không xếp loại"),
        default=False,
        help_text=_("Vào làm sau ngày 15 của tháng, hoặc lãnh đạo cơ quan (do cấp trên xếp loại)."),
    )
    joined_late = models.BooleanField(_("vào làm sau ngày 15 của kỳ"), default=False)
    dd_score = _score(_("tiêu chí đ (do cấp trên đánh giá)"), null=True, blank=True)
    dd_reason = models.TextField(_("lý do tiêu chí đ"), blank=True)
    e_score = _score(_("tiêu chí e (do cấp trên đánh giá)"), null=True, blank=True)
    e_reason = models.TextField(_("lý do tiêu chí e"), blank=True)
    leader_assessed_by = _by(_("người đánh giá tiêu chí lãnh đạo"), "+")

    general = _result(_("điểm tiêu chí chung"))
    criteria_result = models.JSONField(
        _("điểm từng tiêu chí sau khấu trừ"), default=list, blank=True
    )
    quantity_pct = _result(_("tỷ lệ số lượng (%)"))
    quality_pct = _result(_("tỷ lệ chất lượng (%)"))
    progress_pct = _result(_("tỷ lệ tiến độ (%)"))
    leader_d = _result(_("tiêu chí d"))
    leader_dd = _result(_("tiêu chí đ"))
    leader_e = _result(_("tiêu chí e"))
    task_pct = _result(_("kết quả nhiệm vụ (%)"))
    task_points = _result(_("điểm kết quả nhiệm vụ"))
    bonus = _result(_("điểm thưởng"))
    deductions = _result(_("điểm trừ"))
    total = _result(_("tổng điểm"))
    score_level = models.CharField(_("mức theo điểm"), max_length=16, blank=True)
    level = models.CharField(_("mức xếp loại"), max_length=16, blank=True)
    reasons = models.JSONField(_("lý do"), default=list, blank=True)
    computed_at = models.DateTimeField(_("tính lúc"), null=True, blank=True)

    self_comment = models.TextField(_("ý kiến tự đánh giá"), blank=True)
    self_submitted_at = models.DateTimeField(_("tự đánh giá lúc"), null=True, blank=True)
    head_comment = models.TextField(_("nhận xét của người chấm"), blank=True)
    return_reason = models.TextField(_("lý do trả lại tự đánh giá"), blank=True)
    scored_by = _by(_("người chấm"), "+")
    scored_at = models.DateTimeField(_("chấm lúc"), null=True, blank=True)
    revision = models.PositiveIntegerField(_("lần sửa"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phiếu đánh giá")
        verbose_name_plural = _("phiếu đánh giá")
        ordering = ["period", "unit", "employee"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "employee", "version"],
                name="evaluation_version_unique",
                violation_error_message=_("Đã có phiên bản này của phiếu đánh giá."),
            ),
            models.UniqueConstraint(
                fields=["period", "employee"],
                condition=Q(is_current=True),
                name="evaluation_one_current",
                violation_error_message=_("Mỗi người chỉ có một phiếu hiện hành trong kỳ."),
            ),
            models.CheckConstraint(
                condition=Q(state__in=EvaluationState.values), name="evaluation_state_valid"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="evaluation_version_positive"),
            models.CheckConstraint(
                condition=(Q(dd_score__isnull=True) | Q(dd_score__gte=0, dd_score__lte=100))
                & (Q(e_score__isnull=True) | Q(e_score__gte=0, e_score__lte=100)),
                name="evaluation_leader_scores_0_100",
                violation_error_message=_("Tiêu chí đ, e phải trong khoảng 0–100."),
            ),
            models.CheckConstraint(
                condition=Q(total__isnull=True) | Q(total__gte=0, total__lte=100),
                name="evaluation_total_0_100",
            ),
        ]
        indexes = [
            models.Index(fields=["period", "unit", "is_current"], name="evaluation_period_unit"),
            models.Index(fields=["employee", "is_current"], name="evaluation_employee"),
            # the overview's counts by unit, state and level read this index alone on
            # PostgreSQL (an index-only scan instead of the wide rows: 20 → 9 ms at 20,000)
            models.Index(
                fields=["period", "unit"],
                include=["state", "level", "not_rated", "absent"],
                condition=Q(is_current=True),
                name="evaluation_current_counts",
            ),
        ]

    def __str__(self):
        return f"{self.employee} — {self.period} (v{self.version})"

    @property
    def rule_set_snapshot(self) -> dict:
        """The rule set this evaluation is scored against: its period's snapshot, kept
        once per period (taken when the period opened and never rewritten)."""
        return self.period.rule_set_snapshot


class CriterionScore(models.Model):
    """A general criterion of one evaluation: the person's proposal and the final score."""

    evaluation = models.ForeignKey(
        Evaluation, models.CASCADE, related_name="criterion_scores", verbose_name=_("phiếu")
    )
    criterion_index = models.PositiveSmallIntegerField(_("thứ tự tiêu chí"))
    criterion_code = models.SlugField(_("mã tiêu chí"), max_length=64)
    proposed = _score(_("điểm tự chấm"), null=True, blank=True)
    final = _score(_("điểm chấm"), null=True, blank=True)
    comment = models.TextField(_("ghi chú"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("điểm tiêu chí chung")
        verbose_name_plural = _("điểm tiêu chí chung")
        ordering = ["evaluation", "criterion_index"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "criterion_index"], name="criterion_score_unique"
            ),
            models.CheckConstraint(
                condition=(Q(proposed__isnull=True) | Q(proposed__gte=0))
                & (Q(final__isnull=True) | Q(final__gte=0)),
                name="criterion_score_non_negative",
                violation_error_message=_("Điểm không được âm."),
            ),
        ]

    def __str__(self):
        return f"{self.criterion_code}: {self.final}"


class WorkItem(models.Model):
    """A work item (kê khai) of one evaluation: planned and done, reviews and delays.

    `name`, `unit_of_measure` and `coefficient` are snapshots: changing or retiring the
    task or product later never rewrites them. `dossier_late` is written by the
    recompute from the one-stop ledger (late dossiers with no certified cause) and adds
    to the head's `late` on the dossier-processing item.
    """

    evaluation = models.ForeignKey(
        Evaluation, models.CASCADE, related_name="work_items", verbose_name=_("phiếu")
    )
    standard_task = models.ForeignKey(
        "hrsystem.StandardTask",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="work_items",
        verbose_name=_("nhiệm vụ thường xuyên"),
    )
    work_product = models.ForeignKey(
        "hrsystem.WorkProduct",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="work_items",
        verbose_name=_("sản phẩm chuẩn"),
    )
    name = models.CharField(_("sản phẩm, công việc"), max_length=255)
    unit_of_measure = models.CharField(_("đơn vị tính"), max_length=64)
    coefficient = models.DecimalField(_("hệ số quy đổi"), max_digits=7, decimal_places=3)
    planned = models.DecimalField(_("khối lượng giao"), max_digits=9, decimal_places=2)
    done = models.DecimalField(
        _("khối lượng hoàn thành"), max_digits=9, decimal_places=2, default=Decimal(0)
    )
    major_errors = models.PositiveSmallIntegerField(_("số lần đánh giá chưa đạt"), default=0)
    late = models.PositiveSmallIntegerField(_("số ngày chậm"), default=0)
    late_excused = models.PositiveSmallIntegerField(
        _("số ngày chậm có lý do khách quan"), default=0
    )
    excuse_reason = models.TextField(_("lý do khách quan"), blank=True)
    excused_by = _by(_("người xác nhận lý do"), "+")
    dossier_late = models.PositiveSmallIntegerField(
        _("hồ sơ trễ hạn (tự động)"), default=0, editable=False
    )
    is_dossier_processing = models.BooleanField(_("là giải quyết hồ sơ"), default=False)
    ad_hoc = models.BooleanField(_("việc phát sinh"), default=False)
    assigned_by = _by(_("người giao"), "+")
    evidence_number = models.CharField(_("số văn bản minh chứng"), max_length=100, blank=True)
    evidence_file = models.FileField(
        _("tệp minh chứng"),
        upload_to=evidence_path,
        blank=True,
        validators=[
            FileExtensionValidator(EVIDENCE_EXTENSIONS),
            evidence_size_validator,
            evidence_content_validator,
        ],
    )
    evidence_name = models.CharField(_("tên tệp minh chứng"), max_length=255, blank=True)
    done_entered_by = _by(_("khối lượng do người chấm nhập"), "+")
    self_note = models.TextField(_("ghi chú của người thực hiện"), blank=True)
    review_note = models.TextField(_("nhận xét của người chấm"), blank=True)
    # API (issue 14): where a done quantity sent by another system came from
    source_system = models.CharField(_("hệ thống nguồn"), max_length=120, blank=True)
    source_reference = models.CharField(_("số hiệu văn bản nguồn"), max_length=100, blank=True)
    source_quantity = models.DecimalField(
        _("khối lượng hệ thống gửi"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    source_received_at = models.DateTimeField(_("nhận từ hệ thống lúc"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sản phẩm, công việc trong kỳ")
        verbose_name_plural = _("sản phẩm, công việc trong kỳ")
        ordering = ["evaluation", "ad_hoc", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(coefficient__gt=0) & Q(planned__gt=0) & Q(done__gte=0),
                name="work_item_quantities_valid",
                violation_error_message=_(
                    "Hệ số và khối lượng giao phải > 0; khối lượng hoàn thành không âm."
                ),
            ),
            models.CheckConstraint(
                condition=Q(late_excused__lte=F("late")),
                name="work_item_excused_within_late",
                violation_error_message=_("Số ngày chậm có lý do không vượt số ngày chậm."),
            ),
            models.CheckConstraint(
                condition=Q(late_excused=0) | ~Q(excuse_reason=""),
                name="work_item_excuse_has_reason",
                violation_error_message=_("Xác nhận lý do khách quan phải ghi rõ lý do."),
            ),
        ]

    def __str__(self):
        return self.name


class BonusEntry(models.Model):
    """Bonus points for an initiative or outstanding result (rule sets with a bonus block)."""

    evaluation = models.ForeignKey(
        Evaluation, models.CASCADE, related_name="bonus_entries", verbose_name=_("phiếu")
    )
    points = _score(_("điểm thưởng"))
    reason = models.TextField(_("lý do"))
    awarded_by = _by(_("người đề nghị"), "+")
    awarded_at = models.DateTimeField(_("lúc"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("điểm thưởng")
        verbose_name_plural = _("điểm thưởng")
        ordering = ["evaluation", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(points__gt=0) & ~Q(reason=""),
                name="bonus_positive_with_reason",
                violation_error_message=_("Điểm thưởng phải > 0 và có lý do."),
            ),
        ]

    def __str__(self):
        return f"+{self.points}: {self.reason}"


class AppealState(models.TextChoices):
    PENDING = "pending", _("Đang chờ giải quyết")
    UPHELD = "upheld", _("Chấp nhận")
    REJECTED = "rejected", _("Không chấp nhận")


class Appeal(models.Model):
    """An employee's appeal of a published result; an upheld one points to the new version."""

    evaluation = models.ForeignKey(
        Evaluation, models.PROTECT, related_name="appeals", verbose_name=_("phiếu bị kiến nghị")
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("người gửi")
    )
    filed_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)
    reason = models.TextField(_("nội dung kiến nghị"))
    state = models.CharField(
        _("trạng thái"), max_length=16, choices=AppealState.choices, default=AppealState.PENDING
    )
    decided_by = _by(_("người giải quyết"), "+")
    decision_reason = models.TextField(_("lý do quyết định"), blank=True)
    decided_at = models.DateTimeField(_("giải quyết lúc"), null=True, blank=True)
    resulting_evaluation = models.OneToOneField(
        Evaluation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="source_appeal",
        verbose_name=_("phiếu sau kiến nghị"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kiến nghị kết quả")
        verbose_name_plural = _("kiến nghị kết quả")
        ordering = ["-filed_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="appeal_has_reason",
                violation_error_message=_("Kiến nghị phải ghi rõ nội dung."),
            ),
            models.CheckConstraint(
                condition=Q(state=AppealState.PENDING) | ~Q(decision_reason=""),
                name="appeal_decision_has_reason",
                violation_error_message=_("Quyết định phải ghi rõ lý do."),
            ),
            models.UniqueConstraint(
                fields=["evaluation"],
                condition=Q(state=AppealState.PENDING),
                name="appeal_one_pending",
                violation_error_message=_("Phiếu này đã có kiến nghị đang chờ giải quyết."),
            ),
        ]

    def __str__(self):
        return f"{self.evaluation} — {self.get_state_display()}"

    @property
    def decider_name(self) -> str:
        """Who signed the decision, by the name on their staff record (their login's
        name, then the login itself, for an account with no staff record)."""
        user = self.decided_by
        if user is None:
            return ""
        employee = getattr(user, "employee", None)
        return employee.full_name if employee is not None else user.get_full_name() or user.username


class PeriodReopening(models.Model):
    """A published or locked period reopened by an HR officer, with the written reason
    (the audit): the whole agency, one unit (`unit`) or one person (`evaluation`, for an
    appeal). A unit's or a person's reopening keeps the published figures of everyone
    whose result it may move (`published`) to show until it is published again
    (`closed_at`)."""

    period = models.ForeignKey(
        Period, models.PROTECT, related_name="reopenings", verbose_name=_("kỳ đánh giá")
    )
    unit = models.ForeignKey(
        "hrsystem.Unit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đơn vị mở lại"),
    )
    evaluation = models.ForeignKey(
        Evaluation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="reopenings",
        verbose_name=_("phiếu mở lại"),
    )
    reason = models.TextField(_("lý do mở lại"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("người mở lại")
    )
    at = models.DateTimeField(_("lúc"), auto_now_add=True)
    state_before = models.CharField(_("trạng thái trước"), max_length=16)
    state_after = models.CharField(_("trạng thái sau"), max_length=16)
    reopened_ids = models.JSONField(_("phiếu được sửa lại"), default=list, blank=True)
    published = models.JSONField(
        _("kết quả đã công bố lúc mở lại"),
        default=dict,
        blank=True,
        help_text=_("Mã phiếu → tổng điểm, mức xếp loại, lý do đã công bố."),
    )
    closed_by = _by(_("người công bố lại"), "+")
    closed_at = models.DateTimeField(_("công bố lại lúc"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lần mở lại kỳ đánh giá")
        verbose_name_plural = _("lần mở lại kỳ đánh giá")
        ordering = ["-at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="period_reopening_has_reason",
                violation_error_message=_("Mở lại kỳ phải ghi rõ lý do."),
            ),
        ]

    def __str__(self):
        return f"{self.period} — {self.at:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None and bool(self.reopened_ids)


class Recomputation(models.Model):
    """The audit of one system recompute of a period: one row for the whole batch, not a
    history row per field per person. It names who triggered it, when, and which
    evaluations, work items and unit results it changed; the users' own edits keep
    their history rows."""

    period = models.ForeignKey(
        Period, models.PROTECT, related_name="recomputations", verbose_name=_("kỳ đánh giá")
    )
    by = _by(_("người thực hiện thay đổi dẫn tới tính lại"), "+")
    at = models.DateTimeField(_("lúc"))
    people = models.PositiveIntegerField(_("số người được tính"))
    evaluation_ids = models.JSONField(_("phiếu có kết quả thay đổi"), default=list)
    work_item_ids = models.JSONField(_("sản phẩm có số hồ sơ trễ thay đổi"), default=list)
    unit_period_ids = models.JSONField(_("đơn vị có kết quả thay đổi"), default=list)

    class Meta:
        verbose_name = _("lần tính lại kết quả")
        verbose_name_plural = _("lần tính lại kết quả")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["period", "at"], name="recomputation_period_at")]

    def __str__(self):
        return f"{self.period} — {self.at:%d/%m/%Y %H:%M}"


class Notification(models.Model):
    """One message to a user: the in-app inbox row and the record that it was sent.

    `dedupe_key` (unique per user when set) makes re-sending the same reminder a no-op.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="notifications",
        verbose_name=_("người nhận"),
    )
    kind = models.CharField(_("loại"), max_length=32)
    title = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"), blank=True)
    url = models.CharField(_("đường dẫn"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    dedupe_key = models.CharField(_("khoá chống trùng"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_dedupe",
            ),
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.title


class SigningCertificate(models.Model):
    """The agency's signing certificate (PKCS#12), uploaded by the administrator.

    The archive and its passphrase are kept encrypted (`paper.signing.seal`); nothing
    ever serves them back. Subject, issuer and validity are read from the certificate
    at upload and are all the admin shows.
    """

    organisation = models.ForeignKey(
        "hrsystem.Organisation",
        models.PROTECT,
        related_name="signing_certificates",
        verbose_name=_("cơ quan"),
    )
    name = models.CharField(_("tên gợi nhớ"), max_length=120)
    sealed_pkcs12 = models.BinaryField(_("tệp PKCS#12 (đã mã hoá)"), editable=False)
    sealed_passphrase = models.BinaryField(_("mật khẩu (đã mã hoá)"), editable=False)
    subject = models.CharField(_("chủ thể"), max_length=500, editable=False)
    issuer = models.CharField(_("tổ chức cấp"), max_length=500, editable=False)
    serial_number = models.CharField(_("số hiệu"), max_length=80, editable=False)
    fingerprint = models.CharField(_("dấu vân tay SHA-256"), max_length=64, editable=False)
    valid_from = models.DateTimeField(_("hiệu lực từ"), editable=False)
    valid_until = models.DateTimeField(_("hiệu lực đến"), editable=False)
    is_active = models.BooleanField(_("đang dùng để ký"), default=True)
    uploaded_by = _by(_("người tải lên"), "+")
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)
    # who uploaded, retired it, when: the sealed archive is never copied into the history
    history = HistoricalRecords(excluded_fields=["sealed_pkcs12", "sealed_passphrase"])

    class Meta:
        verbose_name = _("chứng thư số của cơ quan")
        verbose_name_plural = _("chứng thư số của cơ quan")
        ordering = ["organisation", "-uploaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(is_active=True),
                name="signing_certificate_one_active",
                violation_error_message=_("Mỗi cơ quan chỉ có một chứng thư số đang dùng."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.subject})"


class TrustedCertificate(models.Model):
    """A certificate authority whose signers the app accepts on forms signed outside it
    (a person's USB token): its certificate only, never a key."""

    organisation = models.ForeignKey(
        "hrsystem.Organisation",
        models.PROTECT,
        related_name="trusted_certificates",
        verbose_name=_("cơ quan"),
    )
    name = models.CharField(_("tên tổ chức cung cấp dịch vụ chứng thực"), max_length=200)
    der = models.BinaryField(_("chứng thư (DER)"), editable=False)
    subject = models.CharField(_("chủ thể"), max_length=500, editable=False)
    valid_until = models.DateTimeField(_("hiệu lực đến"), editable=False)
    history = HistoricalRecords(excluded_fields=["der"])  # who trusted it, and when

    class Meta:
        verbose_name = _("chứng thư gốc được tin cậy")
        verbose_name_plural = _("chứng thư gốc được tin cậy")
        ordering = ["organisation", "name"]

    def __str__(self):
        return self.name


class IssuedDocument(models.Model):
    """A form PDF the app issued (its bytes and SHA-256), and its signed copy once signed,
    in the app with the agency's certificate or outside it and uploaded back: a unit's
    summary list of a period (period and unit), or the agency's list or annex of a year
    (year only)."""

    organisation = models.ForeignKey(
        "hrsystem.Organisation",
        models.PROTECT,
        related_name="issued_documents",
        verbose_name=_("cơ quan"),
    )
    period = models.ForeignKey(
        Period,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_documents",
        verbose_name=_("kỳ đánh giá"),
    )
    unit = models.ForeignKey(
        "hrsystem.Unit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_documents",
        verbose_name=_("đơn vị"),
    )
    year = models.PositiveSmallIntegerField(_("năm (văn bản của năm)"), null=True, blank=True)
    document_id = models.CharField(_("số văn bản"), max_length=120, unique=True)
    pdf = models.BinaryField(_("bản phát hành"), editable=False)
    sha256 = models.CharField(_("SHA-256 bản phát hành"), max_length=64)
    size = models.PositiveIntegerField(_("kích thước (byte)"))
    issued_by = _by(_("người phát hành"), "+")
    issued_at = models.DateTimeField(_("phát hành lúc"), auto_now_add=True)
    signed_pdf = models.BinaryField(_("bản đã ký"), null=True, editable=False)
    signed_sha256 = models.CharField(_("SHA-256 bản đã ký"), max_length=64, blank=True)
    signer = models.CharField(_("người ký (chủ thể chứng thư)"), max_length=500, blank=True)
    signed_externally = models.BooleanField(_("ký ngoài ứng dụng"), default=False)
    signed_by = _by(_("người ký / tải lên"), "+")
    signed_at = models.DateTimeField(_("ký lúc"), null=True, blank=True)
    # who issued and who signed, with the digests; the PDF bytes stay in the row only
    history = HistoricalRecords(excluded_fields=["pdf", "signed_pdf"])

    class Meta:
        verbose_name = _("văn bản đã phát hành")
        verbose_name_plural = _("văn bản đã phát hành")
        ordering = ["period", "unit"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period__isnull=False, unit__isnull=False, year__isnull=True)
                | Q(period__isnull=True, unit__isnull=True, year__isnull=False),
                name="issued_document_period_or_year",
            ),
        ]

    def __str__(self):
        return self.document_id

    @property
    def is_signed(self) -> bool:
        return bool(self.signed_sha256)
