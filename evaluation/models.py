"""Rule sets stored as versioned, dated data: fields and constraints only.

A `RuleSet` row holds one field per field of the engine's `evaluation.rules.RuleSet`
(level labels as four columns, tuples as comma-separated codes); `evaluation.rulesets`
maps rows to the engine's dataclass. Defaults come from that dataclass, so a new row
starts from the same numbers the engine would assume. Once a period has used a rule set
it is locked: its scoring fields never change again and it cannot be deleted.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from evaluation import rules

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
