"""Small builders for the pure engine tests: the two shipped rule sets written out in
Python (so these tests do not read fixture files), people, work items and month results.

Every number is a `Decimal` built from a string; `D("2.5")`, never `Decimal(2.5)`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from evaluation.rules import Criterion, RuleSet
from evaluation.scoring import (
    Bonus,
    Discipline,
    MonthResult,
    PersonMonth,
    PersonYear,
    Violation,
    WorkItem,
)


def D(value: str | int) -> Decimal:  # noqa: N802 - reads like a literal in the tests
    """A Decimal from a string or an int (never from a float)."""
    if isinstance(value, float):
        raise TypeError("write decimals as strings")
    return Decimal(value)


_ND335_GROUP_I = "I. Phẩm chất chính trị, đạo đức, văn hoá công vụ, kỷ luật, kỷ cương"
_ND335_GROUP_II = "II. Năng lực chuyên môn, trách nhiệm, thái độ phục vụ"
_ND335_GROUP_III = "III. Đổi mới, sáng tạo, dám nghĩ, dám làm"

ND335 = RuleSet(
    code="nd335",
    version=1,
    name="Nghị định 335/2025/NĐ-CP — công chức",
    general_criteria=(
        Criterion(
            "pham_chat_dao_duc_van_hoa",
            "Phẩm chất chính trị, đạo đức, văn hoá công vụ",
            _ND335_GROUP_I,
            D("5"),
        ),
        Criterion("ky_luat_ky_cuong", "Kỷ luật, kỷ cương", _ND335_GROUP_I, D("5")),
        Criterion("nang_luc_chuyen_mon", "Năng lực chuyên môn", _ND335_GROUP_II, D("2.5")),
        Criterion("dap_ung_yeu_cau", "Đáp ứng yêu cầu nhiệm vụ", _ND335_GROUP_II, D("2.5")),
        Criterion("tinh_than_trach_nhiem", "Tinh thần trách nhiệm", _ND335_GROUP_II, D("2.5")),
        Criterion(
            "phuc_vu_nhan_dan_phoi_hop",
            "Thái độ phục vụ nhân dân, phối hợp",
            _ND335_GROUP_II,
            D("2.5"),
        ),
        Criterion("doi_moi_sang_tao", "Đổi mới, sáng tạo", _ND335_GROUP_III, D("2.5")),
        Criterion("dam_nghi", "Dám nghĩ", _ND335_GROUP_III, D("2.5")),
        Criterion("dam_lam", "Dám làm", _ND335_GROUP_III, D("2.5")),
        Criterion("dam_chiu_trach_nhiem", "Dám chịu trách nhiệm", _ND335_GROUP_III, D("2.5")),
    ),
    general_max=D("30"),
    task_max=D("70"),
    bonus_cap=None,
    monthly_quota_rate=None,
    monthly_quota_outstanding_rate=None,
    annual_quota_rate=D("0.20"),
)
"""nd335 as shipped: 30 general points in ten criteria, 70 task points, no bonus, no
monthly quota, annual quota 20% of those rated Tốt or Xuất sắc."""

_HN_GROUP = "Ý thức, đạo đức, kỷ luật"

HN3814 = RuleSet(
    code="hn3814",
    version=1,
    name="Quyết định 3814-QĐ/TU Hà Nội — xếp loại hằng tháng A/B/C/D",
    general_criteria=(
        Criterion("chinh_tri_tu_tuong", "Chính trị tư tưởng", _HN_GROUP, D("5")),
        Criterion("dao_duc_loi_song", "Đạo đức, lối sống", _HN_GROUP, D("5")),
        Criterion("tac_phong_le_loi", "Tác phong, lề lối làm việc", _HN_GROUP, D("5")),
        Criterion("y_thuc_to_chuc_ky_luat", "Ý thức tổ chức kỷ luật", _HN_GROUP, D("5")),
    ),
    general_max=D("20"),
    task_max=D("70"),
    bonus_cap=D("10"),
    level_labels={"top": "A", "good": "B", "complete": "C", "fail": "D"},
    monthly_quota_rate=D("0.30"),
    monthly_quota_outstanding_rate=D("0.40"),
    annual_quota_rate=D("0.20"),
)
"""hn3814 as shipped: 20 general points in four criteria, 70 task points, bonus ≤ 10,
monthly quota 30% A (40% in an outstanding unit), annual quota 20%."""


def with_rules(rules: RuleSet, **changes) -> RuleSet:
    """A variant of a rule set (another version with some numbers changed)."""
    return replace(rules, **changes)


def general_summing(rules: RuleSet, amount: str | Decimal) -> tuple[Decimal, ...]:
    """Criterion scores adding up to `amount`, filling the criteria in order up to their maxima.

    nd335, 25 → (5, 5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 0, 0).
    """
    left = D(amount) if isinstance(amount, str) else amount
    scores = []
    for criterion in rules.general_criteria:
        take = min(left, criterion.max_points)
        scores.append(take)
        left -= take
    if left != 0:
        raise ValueError(f"{amount} is more than the general block of {rules.code}")
    return tuple(scores)


def item(
    planned: str | int,
    done: str | int,
    coefficient: str | int = 1,
    *,
    errors: int = 0,
    late: int = 0,
    excused: int = 0,
) -> WorkItem:
    """A work item: `planned` assigned, `done` done, hệ số `coefficient`."""
    return WorkItem(
        planned=D(planned),
        done=D(done),
        coefficient=D(coefficient),
        major_errors=errors,
        late=late,
        late_excused=excused,
    )


def done_pct(pct: str | int) -> tuple[WorkItem, ...]:
    """One item of 100 units with `pct` done: quantity = quality = progress = pct."""
    return (item(100, pct),)


def person(
    rules: RuleSet,
    code: str,
    unit: str = "VP",
    *,
    month: int = 1,
    general: str | Decimal | tuple[Decimal, ...] | None = None,
    items: tuple[WorkItem, ...] | None = None,
    leader: bool = False,
    absent: bool = False,
    joined_late: bool = False,
    violations: tuple[Violation, ...] = (),
    bonus: tuple[str, ...] = (),
    dd: str | int = 100,
    e: str | int = 100,
) -> PersonMonth:
    """One person's month. `general` is either the criterion scores or the sum to spread
    over them (default: the block's maximum); `items` default to all work done."""
    if general is None:
        scores = tuple(c.max_points for c in rules.general_criteria)
    elif isinstance(general, tuple):
        scores = general
    else:
        scores = general_summing(rules, general)
    return PersonMonth(
        employee=code,
        unit=unit,
        month=month,
        leader=leader,
        absent=absent,
        joined_late=joined_late,
        general=() if absent else scores,
        items=() if absent else (done_pct(100) if items is None else items),
        violations=violations,
        bonus=tuple(Bonus(D(points), reason="Sáng kiến") for points in bonus),
        dd=D(dd),
        e=D(e),
    )


def month_result(
    code: str,
    month: int,
    total: str | None,
    level: str | None = None,
    *,
    unit: str = "VP",
) -> MonthResult:
    """A month result as the annual roll-up reads it; `total=None` is an absent month.

    `level` defaults to the level of `total` by the shipped thresholds (90 / 70 / 50).
    """
    if total is None:
        return MonthResult(employee=code, unit=unit, month=month, rated=False, absent=True)
    value = D(total)
    if level is None:
        if value >= 90:
            level = "top"
        elif value >= 70:
            level = "good"
        elif value >= 50:
            level = "complete"
        else:
            level = "fail"
    return MonthResult(
        employee=code,
        unit=unit,
        month=month,
        rated=True,
        total=value,
        score_level=level,
        level=level,
    )


def year_of(
    code: str,
    totals: list[str | None],
    *,
    unit: str = "VP",
    levels: list[str | None] | None = None,
    leader: bool = False,
    quota_group: str | None = None,
    maternity: tuple[int, ...] = (),
    disciplines: tuple[tuple[str, str], ...] = (),
    initiative: bool = False,
    degradation: bool = False,
    corruption: bool = False,
) -> PersonYear:
    """A person's year from monthly totals (months 1, 2, ...; None = absent month)."""
    levels = levels or [None] * len(totals)
    months = tuple(
        month_result(code, index, total, level, unit=unit)
        for index, (total, level) in enumerate(zip(totals, levels, strict=True), start=1)
    )
    return PersonYear(
        employee=code,
        unit=unit,
        leader=leader,
        quota_group=quota_group,
        months=months,
        maternity_months=frozenset(maternity),
        disciplines=tuple(Discipline(form, date.fromisoformat(day)) for form, day in disciplines),
        initiative=initiative,
        degradation_concluded=degradation,
        corruption_in_unit=corruption,
    )


def codes(result) -> list[str]:
    """The reason codes of a result, in order."""
    return [reason.code for reason in result.reasons]
