"""The rule set as the engine sees it: immutable, Decimal-only, no Django.

A `RuleSet` is built from database rows (`evaluation.models`) or from the shipped
fixture files (`fixtures/reference/rulesets.json`) by `evaluation.rulesets`; the
engine in `evaluation.scoring` reads nothing else. Every number in the rules of
`scoring-rules.md` is a field here, so a province that scores differently ships a
new rule-set version, not a code change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

LEVELS = ("top", "good", "complete", "fail")
"""Level codes from best to worst; a lower index is a better level."""

LEVEL_RANK = {code: index for index, code in enumerate(LEVELS)}

DISCIPLINE_FORMS = ("khien_trach", "canh_cao", "cach_chuc", "buoc_thoi_viec")
"""Discipline forms for công chức in increasing severity (the default catalogue)."""


class RuleSetError(ValueError):
    """A rule set whose numbers contradict each other (raised by `RuleSet.validate`)."""


@dataclass(frozen=True, slots=True)
class Criterion:
    """One general criterion: `max_points` is the most a person can get on it."""

    code: str
    name: str
    group: str
    max_points: Decimal


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Everything the engine needs to score one rule set version.

    Percent fields are 0-100; rates (quotas, shares) are fractions (0.30 = 30%).
    `None` means "this rule set has no such block" (bonus) or "no limit".
    """

    code: str
    version: int
    name: str
    general_criteria: tuple[Criterion, ...]
    general_max: Decimal
    task_max: Decimal = Decimal(70)
    weight_quantity: Decimal = Decimal(1)
    weight_quality: Decimal = Decimal(1)
    weight_progress: Decimal = Decimal(1)
    quality_penalty_per_error: Decimal = Decimal("0.25")
    progress_penalty_per_delay: Decimal = Decimal("0.25")
    delay_unit: str = "day"
    leader_criteria_enabled: bool = True
    weight_leader_d: Decimal = Decimal(1)
    weight_leader_dd: Decimal = Decimal(1)
    weight_leader_e: Decimal = Decimal(1)
    leader_full: Decimal = Decimal(100)
    leader_reduced: Decimal = Decimal(50)
    bonus_cap: Decimal | None = None
    deduction_cap: Decimal | None = None
    threshold_top: Decimal = Decimal(90)
    threshold_good: Decimal = Decimal(70)
    threshold_complete: Decimal = Decimal(50)
    level_labels: dict[str, str] = field(
        default_factory=lambda: {
            "top": "Xuất sắc",
            "good": "Tốt",
            "complete": "Hoàn thành",
            "fail": "Không hoàn thành",
        }
    )
    head_capped_by_unit: bool = True
    unit_low_on_time_cap: str = "complete"
    monthly_quota_rate: Decimal | None = None
    monthly_quota_outstanding_rate: Decimal | None = None
    annual_min_months: int = 6
    annual_absence_cap_months: int = 3
    annual_absence_cap_level: str = "complete"
    annual_quota_rate: Decimal | None = Decimal("0.20")
    annual_quota_outstanding_rate: Decimal | None = None
    annual_quota_base_levels: tuple[str, ...] = ("top", "good")
    quota_rounding: str = "floor"
    discipline_forms: tuple[str, ...] = DISCIPLINE_FORMS
    annual_cap_discipline_from: str = "khien_trach"
    cstdcs_requires_top: bool = False
    cstdcs_share_cap: Decimal | None = None
    collective_excellent_min_share: Decimal = Decimal("0.70")
    collective_advanced_min_share: Decimal = Decimal("0.50")
    collective_discipline_from: str = "canh_cao"
    income_coefficients: dict[str, Decimal] = field(default_factory=dict)
    """Extra income by quarter level (NĐ 335 Điều 23), e.g. {"top": 1.2, "good": 1.0};
    empty when the rule set has no such table (nothing about money is shown)."""

    def label(self, level: str | None) -> str | None:
        """The rule set's own name for a level code (Xuất sắc, A, ...)."""
        return None if level is None else self.level_labels[level]

    def validate(self) -> None:
        """Raise RuleSetError naming the field when the numbers contradict each other."""
        total = sum((c.max_points for c in self.general_criteria), Decimal(0))
        if total != self.general_max:
            raise RuleSetError(
                f"general_criteria: maxima add up to {total}, not the block's {self.general_max}"
            )
        if any(c.max_points <= 0 for c in self.general_criteria):
            raise RuleSetError("general_criteria: every maximum must be > 0")
        blocks = self.general_max + self.task_max + (self.bonus_cap or Decimal(0))
        if blocks != Decimal(100):
            raise RuleSetError(
                f"task_max: general {self.general_max} + task {self.task_max}"
                f" + bonus cap {self.bonus_cap or 0} must make 100"
            )
        if not (Decimal(0) < self.threshold_complete < self.threshold_good < self.threshold_top):
            raise RuleSetError("threshold_top: need 0 < complete < good < top thresholds")
        weights = (self.weight_quantity, self.weight_quality, self.weight_progress)
        if any(w < 0 for w in weights) or sum(weights) <= 0:
            raise RuleSetError("weight_quantity: task sub-score weights must be >= 0, sum > 0")
        if set(self.level_labels) != set(LEVELS):
            raise RuleSetError("level_labels: need a label for top, good, complete and fail")
        for name in ("unit_low_on_time_cap", "annual_absence_cap_level"):
            if getattr(self, name) not in LEVEL_RANK:
                raise RuleSetError(f"{name}: not a level code")
        if self.quota_rounding not in ("floor", "half_up"):
            raise RuleSetError("quota_rounding: floor or half_up")
        if not set(self.annual_quota_base_levels) <= set(LEVELS):
            raise RuleSetError("annual_quota_base_levels: only level codes")
        for name in ("annual_cap_discipline_from", "collective_discipline_from"):
            if getattr(self, name) not in self.discipline_forms:
                raise RuleSetError(f"{name}: not one of the discipline forms")
        if not set(self.income_coefficients) <= set(LEVELS):
            raise RuleSetError("income_coefficients: only level codes")
        if any(value < 0 for value in self.income_coefficients.values()):
            raise RuleSetError("income_coefficients: a coefficient is never negative")
        for name in (
            "monthly_quota_rate",
            "monthly_quota_outstanding_rate",
            "annual_quota_rate",
            "annual_quota_outstanding_rate",
            "cstdcs_share_cap",
        ):
            rate = getattr(self, name)
            if rate is not None and not Decimal(0) <= rate <= Decimal(1):
                raise RuleSetError(f"{name}: a rate between 0 and 1")
