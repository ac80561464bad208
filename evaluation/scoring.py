"""The scoring engine: pure functions over immutable inputs, Decimal only, no Django.

`score_month` scores one period of an agency (people, units, leader criteria, caps and
the monthly quota); `score_year` rolls rated months up into annual results, quotas,
titles and the unit ranking. Both follow `shared/spec/scoring-rules.md` to the letter;
every number they use comes from a `RuleSet` (see `evaluation.rules`).

Every result carries reasons: a `Reason` with a machine code and parameters naming what
produced it. The codes (their translatable text lives in `evaluation.reasons`):

- ``not_rated_absent``        month: the month is marked absent; the person is not rated.
- ``not_rated_joined_late``   month: joined after the 15th; not rated for the month.
- ``no_work_items``           month: no work items; quantity, quality and progress are 0.
- ``leader_unit_has_fail``    month: a leader's `d` is 50 (someone under them failed).
- ``capped_by_violation``     month (person or unit): a violation's level cap lowered it.
- ``head_capped_by_unit``     month, annual: the head's level was lowered to the unit's.
- ``quota_downgrade``         month, annual: moved from the top level to good by a quota.
- ``no_rated_staff``          unit: no rated person besides the head; no score, no level.
- ``unit_low_on_time_rate``   unit: an on-time dossier rate below the floor lowered it.
- ``not_rated_few_months``    annual: fewer months worked than the rule set's minimum.
- ``capped_absence``          annual: absent the rule set's number of months or more.
- ``discipline_in_year``      annual: a discipline decision dated in the year.
- ``degradation_concluded``   annual: degradation concluded by the competent authority.
- ``corruption_in_unit``      annual: a leader whose unit had a corruption case.

Codes that say a level was lowered appear only when it was; the others whenever their
condition holds. Percentages are 0-100; each displayed component is rounded half-up to
2 places and the next component is computed from the rounded value.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from functools import wraps
from operator import attrgetter, le
from typing import NamedTuple

from .rules import LEVEL_RANK, LEVELS, RuleSet

NOT_RATED_ABSENT = "not_rated_absent"
NOT_RATED_JOINED_LATE = "not_rated_joined_late"
NO_WORK_ITEMS = "no_work_items"
LEADER_UNIT_HAS_FAIL = "leader_unit_has_fail"
CAPPED_BY_VIOLATION = "capped_by_violation"
HEAD_CAPPED_BY_UNIT = "head_capped_by_unit"
QUOTA_DOWNGRADE = "quota_downgrade"
NO_RATED_STAFF = "no_rated_staff"
UNIT_LOW_ON_TIME_RATE = "unit_low_on_time_rate"
NOT_RATED_FEW_MONTHS = "not_rated_few_months"
CAPPED_ABSENCE = "capped_absence"
DISCIPLINE_IN_YEAR = "discipline_in_year"
DEGRADATION_CONCLUDED = "degradation_concluded"
CORRUPTION_IN_UNIT = "corruption_in_unit"

REASON_CODES = (
    NOT_RATED_ABSENT,
    NOT_RATED_JOINED_LATE,
    NO_WORK_ITEMS,
    LEADER_UNIT_HAS_FAIL,
    CAPPED_BY_VIOLATION,
    HEAD_CAPPED_BY_UNIT,
    QUOTA_DOWNGRADE,
    NO_RATED_STAFF,
    UNIT_LOW_ON_TIME_RATE,
    NOT_RATED_FEW_MONTHS,
    CAPPED_ABSENCE,
    DISCIPLINE_IN_YEAR,
    DEGRADATION_CONCLUDED,
    CORRUPTION_IN_UNIT,
)

TITLE_ADVANCED_WORKER = "lao_dong_tien_tien"
TITLE_EMULATION_SOLDIER = "chien_si_thi_dua_co_so"
TITLE_EXCELLENT_COLLECTIVE = "tap_the_lao_dong_xuat_sac"
TITLE_ADVANCED_COLLECTIVE = "tap_the_lao_dong_tien_tien"

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
TOP, GOOD, COMPLETE, FAIL = LEVELS


class ScoringInputError(ValueError):
    """Input the rules forbid (a score above its maximum, a cycle in the unit tree...).

    `path` names the offending field in the caller's terms (`general[2]`, `units`).
    """

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def round2(value: Decimal) -> Decimal:
    """Round half-up to 2 decimal places: the rounding of every displayed component."""
    return value.quantize(CENT, ROUND_HALF_UP)


def _worse(level: str, cap: str) -> str:
    return cap if LEVEL_RANK[cap] > LEVEL_RANK[level] else level


# ---------------------------------------------------------------------------- inputs


@dataclass(frozen=True, slots=True)
class WorkItem:
    """One work item: `coefficient` converts it to standard units (hệ số quy đổi)."""

    planned: Decimal
    done: Decimal
    coefficient: Decimal = ONE
    major_errors: int = 0
    late: int = 0
    late_excused: int = 0


@dataclass(frozen=True, slots=True)
class Violation:
    """A ledger entry: points off `criterion` (or off the total when None), maybe a cap."""

    points: Decimal
    criterion: int | None = None
    cap: str | None = None
    ref: str = ""


@dataclass(frozen=True, slots=True)
class Bonus:
    """Bonus points for an initiative or outstanding result (rule sets with a bonus block)."""

    points: Decimal
    reason: str = ""


@dataclass(frozen=True, slots=True)
class PersonMonth:
    """One person's period as scored: `general` holds the final score per criterion.

    `absent` (the whole period) and `joined_late` (after the 15th) make it not rated.
    """

    employee: str
    unit: str
    month: int
    leader: bool = False
    absent: bool = False
    joined_late: bool = False
    general: tuple[Decimal, ...] = ()
    items: tuple[WorkItem, ...] = ()
    violations: tuple[Violation, ...] = ()
    bonus: tuple[Bonus, ...] = ()
    dd: Decimal = HUNDRED
    e: Decimal = HUNDRED


@dataclass(frozen=True, slots=True)
class UnitCap:
    """A finding against a unit that caps the unit's level (e.g. a serious one)."""

    level: str
    ref: str = ""


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit as scored: its place in the tree and its head for the period (or year)."""

    code: str
    parent: str | None = None
    head: str | None = None
    outstanding: bool = False
    caps: tuple[UnitCap, ...] = ()


@dataclass(frozen=True, slots=True)
class Dossiers:
    """Citizen dossiers a unit settled on time and late in a period (or a year)."""

    on_time: int = 0
    late: int = 0

    def rate(self) -> Decimal | None:
        """On-time rate in percent, 2 places; None when there were no dossiers."""
        settled = self.on_time + self.late
        if settled == 0:
            return None
        return round2(Decimal(self.on_time) * HUNDRED / settled)


@dataclass(frozen=True, slots=True)
class Discipline:
    """A discipline decision: its form (a code of `RuleSet.discipline_forms`) and date."""

    form: str
    date: date


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a result is what it is: a code of this module and what produced it."""

    code: str
    params: tuple[tuple[str, str], ...] = ()


@dataclass(slots=True)
class MonthResult:
    """One person's scored period. Score fields are None when not rated."""

    employee: str
    unit: str
    month: int
    rated: bool
    absent: bool = False
    leader: bool = False
    criteria: tuple[Decimal, ...] = ()
    general: Decimal | None = None
    quantity_pct: Decimal | None = None
    quality_pct: Decimal | None = None
    progress_pct: Decimal | None = None
    leader_d: Decimal | None = None
    leader_dd: Decimal | None = None
    leader_e: Decimal | None = None
    task_pct: Decimal | None = None
    task_points: Decimal | None = None
    bonus: Decimal | None = None
    deductions: Decimal | None = None
    total: Decimal | None = None
    score_level: str | None = None
    level: str | None = None
    reasons: list[Reason] = field(default_factory=list)


@dataclass(slots=True)
class UnitMonthResult:
    """A unit's period: the mean total of its own rated people other than its head."""

    unit: str
    month: int
    rated_count: int
    score: Decimal | None
    score_level: str | None
    level: str | None
    on_time_rate: Decimal | None
    reasons: list[Reason] = field(default_factory=list)


@dataclass(slots=True)
class MonthOutcome:
    """Everything `score_month` produced, keyed by employee and unit code."""

    people: dict[str, MonthResult]
    units: dict[str, UnitMonthResult]


@dataclass(frozen=True, slots=True)
class PersonYear:
    """One person's year: their period results plus the annual conditions."""

    employee: str
    unit: str
    leader: bool = False
    quota_group: str | None = None
    months: tuple[MonthResult, ...] = ()
    maternity_months: frozenset[int] = frozenset()
    disciplines: tuple[Discipline, ...] = ()
    initiative: bool = False
    degradation_concluded: bool = False
    corruption_in_unit: bool = False


@dataclass(slots=True)
class YearResult:
    """One person's annual result; `score` is the mean of rated months (2 places)."""

    employee: str
    unit: str
    rated: bool
    months_worked: int
    score: Decimal | None = None
    mean: Decimal | None = None
    months_at_top: int = 0
    score_level: str | None = None
    level: str | None = None
    title: str | None = None
    reasons: list[Reason] = field(default_factory=list)


@dataclass(slots=True)
class UnitYearResult:
    """A unit's year: score, level, collective title and rank (1 = best)."""

    unit: str
    rated_count: int
    members: int
    score: Decimal | None
    score_level: str | None
    level: str | None
    on_time_rate: Decimal | None
    title: str | None = None
    rank: int | None = None
    reasons: list[Reason] = field(default_factory=list)


@dataclass(slots=True)
class YearOutcome:
    """Everything `score_year` produced, keyed by employee and unit code."""

    people: dict[str, YearResult]
    units: dict[str, UnitYearResult]


# ---------------------------------------------------------------- one person's month


def level_for(rules: RuleSet, score: Decimal) -> str:
    """The level a score reaches by the rule set's thresholds (before any cap)."""
    if score >= rules.threshold_top:
        return TOP
    if score >= rules.threshold_good:
        return GOOD
    if score >= rules.threshold_complete:
        return COMPLETE
    return FAIL


_MAX_POINTS = attrgetter("max_points")


def general_block(rules: RuleSet, person: PersonMonth) -> tuple[tuple[Decimal, ...], Decimal]:
    """Per-criterion scores after violation deductions (floored at 0) and their sum."""
    criteria = rules.general_criteria
    scores = person.general
    if len(scores) != len(criteria):
        raise ScoringInputError(
            "general", f"expected {len(criteria)} criterion scores, got {len(scores)}"
        )
    # checked in C first (most people are in range); the loop only names the culprit
    if not (all(map(le, scores, map(_MAX_POINTS, criteria))) and min(scores, default=ZERO) >= 0):
        for index, (score, criterion) in enumerate(zip(scores, criteria, strict=True)):
            if not ZERO <= score <= criterion.max_points:
                raise ScoringInputError(
                    f"general[{index}]",
                    f"must be between 0 and {criterion.max_points}, got {score}",
                )
    if not person.violations:
        return tuple(scores), round2(sum(scores, ZERO))
    deducted = list(scores)
    for violation in person.violations:
        if violation.criterion is not None:
            if not 0 <= violation.criterion < len(deducted):
                raise ScoringInputError("violations", f"no criterion {violation.criterion}")
            deducted[violation.criterion] -= violation.points
    floored = tuple(score if score > ZERO else ZERO for score in deducted)
    return floored, round2(sum(floored, ZERO))


class ItemWork(NamedTuple):
    """One work item's converted work (scoring-rules §2), before rounding: what was
    assigned, what counts as done (never more than assigned), and that after the quality
    and the progress penalties."""

    assigned: Decimal
    counted: Decimal
    quality: Decimal
    progress: Decimal


def item_work(rules: RuleSet, item: WorkItem) -> ItemWork:
    """`item`'s contribution to the three task percentages (it is assumed valid)."""
    weight, planned = item.coefficient, item.planned
    counted = weight * (item.done if item.done < planned else planned)
    quality = progress = counted
    if item.major_errors:
        factor = ONE - rules.quality_penalty_per_error * item.major_errors
        quality = counted * factor if factor > ZERO else ZERO
    delays = item.late - item.late_excused
    if delays > 0:
        factor = ONE - rules.progress_penalty_per_delay * delays
        progress = counted * factor if factor > ZERO else ZERO
    return ItemWork(weight * planned, counted, quality, progress)


def task_ratios(
    rules: RuleSet, items: Iterable[WorkItem]
) -> tuple[Decimal, Decimal, Decimal] | None:
    """Quantity, quality and progress percentages over converted work; None without items.

    Raises ScoringInputError naming `items[i].field` for an item the rules forbid.
    """
    assigned = counted = quality = progress = ZERO
    for index, item in enumerate(items):
        late, excused, errors = item.late, item.late_excused, item.major_errors
        if not (
            item.coefficient > ZERO
            and item.planned > ZERO
            and item.done >= ZERO
            and type(errors) is int
            and type(late) is int
            and type(excused) is int
            and errors >= 0
            and 0 <= excused <= late
        ):
            raise ScoringInputError(f"items[{index}]", _item_problem(item))
        work = item_work(rules, item)
        assigned += work.assigned
        counted += work.counted
        quality += work.quality
        progress += work.progress
    if not assigned:
        return None
    return (
        round2(counted * HUNDRED / assigned),
        round2(quality * HUNDRED / assigned),
        round2(progress * HUNDRED / assigned),
    )


def _whole(value) -> bool:
    return type(value) is int and value >= 0  # not bool, not a float that looks whole


def _item_problem(item: WorkItem) -> str:
    if not item.coefficient > ZERO:
        return f"coefficient must be > 0, got {item.coefficient}"
    if not item.planned > ZERO:
        return f"planned must be > 0, got {item.planned}"
    if not item.done >= ZERO:
        return f"done must be >= 0, got {item.done}"
    for name in ("major_errors", "late", "late_excused"):
        if not _whole(getattr(item, name)):
            return f"{name} must be a whole number >= 0, got {getattr(item, name)}"
    return f"late_excused ({item.late_excused}) must not exceed late ({item.late})"


def score_person(rules: RuleSet, person: PersonMonth, leader_d: Decimal | None) -> MonthResult:
    """Score one rated person up to violation caps; `leader_d` is a leader's `d`, else None.

    Head caps and quotas need the whole unit: `score_month` applies them. Pages use this
    directly for a live preview while a head edits scores.
    """
    criteria, general = general_block(rules, person)
    reasons: list[Reason] = []
    ratios = task_ratios(rules, person.items)
    if ratios is None:
        ratios = (ZERO, ZERO, ZERO)
        reasons.append(Reason(NO_WORK_ITEMS))
    quantity, quality, progress = ratios
    weighted = (
        rules.weight_quantity * quantity
        + rules.weight_quality * quality
        + rules.weight_progress * progress
    )
    weights = rules.weight_quantity + rules.weight_quality + rules.weight_progress
    leader_parts = leader_d is not None and rules.leader_criteria_enabled
    if leader_parts:
        if leader_d == rules.leader_reduced:
            reasons.append(Reason(LEADER_UNIT_HAS_FAIL))
        weighted += (
            rules.weight_leader_d * leader_d
            + rules.weight_leader_dd * person.dd
            + rules.weight_leader_e * person.e
        )
        weights += rules.weight_leader_d + rules.weight_leader_dd + rules.weight_leader_e
    task_pct = round2(weighted / weights)
    task_points = round2(task_pct * rules.task_max / HUNDRED)

    bonus = ZERO
    if person.bonus:
        if rules.bonus_cap is None:
            raise ScoringInputError("bonus", f"rule set {rules.code} has no bonus block")
        bonus = sum((entry.points for entry in person.bonus), ZERO)
        bonus = round2(min(bonus, rules.bonus_cap))
    deductions = ZERO
    caps: list[Violation] = []
    for violation in person.violations:
        if violation.criterion is None:
            deductions += violation.points
        if violation.cap is not None:
            caps.append(violation)
    if rules.deduction_cap is not None and deductions > rules.deduction_cap:
        deductions = rules.deduction_cap
    deductions = round2(deductions)

    total = general + task_points + bonus - deductions
    if total < ZERO:
        total = ZERO
    elif total > HUNDRED:
        total = HUNDRED
    score_level = level_for(rules, total)
    level = score_level
    if caps:
        worst = max(caps, key=lambda violation: LEVEL_RANK[violation.cap])
        if LEVEL_RANK[worst.cap] > LEVEL_RANK[level]:
            level = worst.cap
            refs = ",".join(
                v.ref for v in caps if v.ref and LEVEL_RANK[v.cap] > LEVEL_RANK[score_level]
            )
            reasons.append(Reason(CAPPED_BY_VIOLATION, (("cap", worst.cap), ("refs", refs))))
    return MonthResult(
        employee=person.employee,
        unit=person.unit,
        month=person.month,
        rated=True,
        leader=person.leader,
        criteria=criteria,
        general=general,
        quantity_pct=quantity,
        quality_pct=quality,
        progress_pct=progress,
        leader_d=leader_d if leader_parts else None,
        leader_dd=person.dd if leader_parts else None,
        leader_e=person.e if leader_parts else None,
        task_pct=task_pct,
        task_points=task_points,
        bonus=bonus,
        deductions=deductions,
        total=total,
        score_level=score_level,
        level=level,
        reasons=reasons,
    )


def _not_rated(person: PersonMonth) -> MonthResult:
    return MonthResult(
        employee=person.employee,
        unit=person.unit,
        month=person.month,
        rated=False,
        absent=person.absent,
        leader=person.leader,
        reasons=[Reason(NOT_RATED_ABSENT if person.absent else NOT_RATED_JOINED_LATE)],
    )


# ------------------------------------------------------------------ the unit tree


def units_deepest_first(units: Iterable[Unit]) -> list[Unit]:
    """Units ordered deeper first (then by code); raises ScoringInputError on a bad tree."""
    by_code: dict[str, Unit] = {}
    for unit in units:
        if unit.code in by_code:
            raise ScoringInputError("units", f"duplicate unit code {unit.code}")
        by_code[unit.code] = unit
    depth: dict[str, int] = {}
    for code in by_code:
        chain = []
        current: str | None = code
        while current is not None and current not in depth:
            if current in chain:
                raise ScoringInputError("units", f"the unit tree has a cycle through {current}")
            if current not in by_code:
                raise ScoringInputError("units", f"unknown parent unit {current}")
            chain.append(current)
            current = by_code[current].parent
        base = -1 if current is None else depth[current]
        for offset, member in enumerate(reversed(chain), start=1):
            depth[member] = base + offset
    return sorted(by_code.values(), key=lambda unit: (-depth[unit.code], unit.code))


def _mean2(values: Sequence[Decimal]) -> Decimal:
    return round2(sum(values, ZERO) / len(values))


def _unit_level(
    rules: RuleSet,
    score: Decimal,
    on_time_rate: Decimal | None,
    on_time_floor: Decimal,
    caps: Sequence[UnitCap],
) -> tuple[str, list[Reason]]:
    score_level = level_for(rules, score)
    level = score_level
    reasons: list[Reason] = []
    if on_time_rate is not None and on_time_rate < on_time_floor:
        capped = _worse(level, rules.unit_low_on_time_cap)
        if capped != level:
            level = capped
            reasons.append(
                Reason(
                    UNIT_LOW_ON_TIME_RATE,
                    (("rate", str(on_time_rate)), ("floor", str(on_time_floor))),
                )
            )
    if caps:
        worst = max(caps, key=lambda cap: LEVEL_RANK[cap.level])
        capped = _worse(level, worst.level)
        if capped != level:
            level = capped
            refs = ",".join(cap.ref for cap in caps if cap.ref)
            reasons.append(Reason(CAPPED_BY_VIOLATION, (("cap", worst.level), ("refs", refs))))
    return level, reasons


def _cap_head(rules: RuleSet, result: MonthResult | YearResult, unit_level: str | None) -> None:
    if not rules.head_capped_by_unit or unit_level is None or result.level is None:
        return
    if LEVEL_RANK[result.level] < LEVEL_RANK[unit_level]:
        result.level = unit_level
        result.reasons.append(Reason(HEAD_CAPPED_BY_UNIT, (("unit_level", unit_level),)))


def quota_limit(rules: RuleSet, rate: Decimal, base: int) -> int:
    """How many may hold the top level: rate × base, rounded as the rule set says."""
    rounding = ROUND_FLOOR if rules.quota_rounding == "floor" else ROUND_HALF_UP
    return int((rate * base).to_integral_value(rounding))


def _apply_quota(holders: list, limit: int, sort_key, base: int) -> None:
    """Keep the first `limit` holders of the top level by `sort_key`; move the rest to good."""
    if len(holders) <= limit:
        return
    holders.sort(key=sort_key)
    for rank, result in enumerate(holders[limit:], start=limit + 1):
        result.level = GOOD
        result.reasons.append(
            Reason(
                QUOTA_DOWNGRADE, (("rank", str(rank)), ("limit", str(limit)), ("base", str(base)))
            )
        )


# ------------------------------------------------------------------------- a month


def _pauses_cyclic_gc(function):
    """Run `function` with Python's cyclic garbage collector paused, then restore it.

    The engine builds only acyclic values (frozen dataclasses, tuples, Decimals) that
    reference counting frees; at a province's size the collector would otherwise rescan
    every live input and result many times over (about a third of a 200,000-person month).
    """

    @wraps(function)
    def paused(*args, **kwargs):
        if not gc.isenabled():
            return function(*args, **kwargs)
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            gc.enable()

    return paused


@_pauses_cyclic_gc
def score_month(
    rules: RuleSet,
    units: Iterable[Unit],
    people: Iterable[PersonMonth],
    *,
    month: int,
    dossiers: Mapping[str, Dossiers] | None = None,
    on_time_floor: Decimal = Decimal(90),
    authority: Mapping[str, Iterable[str]] | None = None,
    failed_below: Iterable[str] = (),
) -> MonthOutcome:
    """Score one period of one agency: every person, every unit, caps and the quota.

    `units` must hold every unit the people belong to, with the head for the period.
    Leaders are scored bottom-up (deeper units first; within a unit staff, then
    deputies, then the head) because `d` depends on the final levels beneath them.
    The unit's head for the period (an acting head included) is scored as a leader.
    `authority` optionally names, per deputy, the staff delegated to them; by default a
    deputy answers for the unit's non-leader staff. `failed_below` names the units with
    a failed person somewhere beneath them in units not given (a partial re-score gives
    only a unit and its ancestors; their heads' `d` still sees the rest of the tree).
    Raises ScoringInputError on input the rules forbid.
    """
    dossiers = dossiers or {}
    failed_below = set(failed_below)
    authority = authority or {}
    ordered = units_deepest_first(units)
    known = {unit.code for unit in ordered}
    by_unit: dict[str, list[PersonMonth]] = defaultdict(list)
    results: dict[str, MonthResult] = {}
    seen: set[str] = set()
    for person in people:
        if person.employee in seen:
            raise ScoringInputError("people", f"employee {person.employee} appears twice")
        seen.add(person.employee)
        if person.unit not in known:
            raise ScoringInputError("people", f"unknown unit {person.unit}")
        if person.absent or person.joined_late:
            results[person.employee] = _not_rated(person)
        else:
            by_unit[person.unit].append(person)

    unit_results: dict[str, UnitMonthResult] = {}
    subtree_fail: dict[str, bool] = {}
    children: dict[str, list[str]] = defaultdict(list)
    for unit in ordered:
        if unit.parent is not None:
            children[unit.parent].append(unit.code)

    for unit in ordered:
        members = by_unit.get(unit.code, [])
        head_person = None
        deputies: list[PersonMonth] = []
        own: list[MonthResult] = []
        for person in members:
            if person.employee == unit.head:
                head_person = person
            elif person.leader:
                deputies.append(person)
            else:
                result = score_person(rules, person, None)
                results[person.employee] = result
                own.append(result)
        staff_failed = {r.employee for r in own if r.level == FAIL}
        for deputy in deputies:
            delegated = authority.get(deputy.employee)
            if delegated is None:
                failed = bool(staff_failed)
            else:
                failed = any(code in staff_failed for code in delegated)
            d = rules.leader_reduced if failed else rules.leader_full
            result = score_person(rules, deputy, d)
            results[deputy.employee] = result
            own.append(result)

        on_time_rate = dossiers[unit.code].rate() if unit.code in dossiers else None
        if own:
            score = _mean2([r.total for r in own])
            level, reasons = _unit_level(rules, score, on_time_rate, on_time_floor, unit.caps)
            unit_result = UnitMonthResult(
                unit.code,
                month,
                len(own),
                score,
                level_for(rules, score),
                level,
                on_time_rate,
                reasons,
            )
        else:
            unit_result = UnitMonthResult(
                unit.code, month, 0, None, None, None, on_time_rate, [Reason(NO_RATED_STAFF)]
            )
        unit_results[unit.code] = unit_result

        any_fail = (
            any(r.level == FAIL for r in own)
            or any(subtree_fail[child] for child in children.get(unit.code, ()))
            or unit.code in failed_below
        )
        if head_person is not None:
            d = rules.leader_reduced if any_fail else rules.leader_full
            head_result = score_person(rules, head_person, d)
            _cap_head(rules, head_result, unit_result.level)
            results[head_person.employee] = head_result
            any_fail = any_fail or head_result.level == FAIL
        subtree_fail[unit.code] = any_fail

    if rules.monthly_quota_rate is not None:
        _monthly_quota(rules, ordered, results)
    return MonthOutcome(people=results, units=unit_results)


def _monthly_quota(
    rules: RuleSet, units: Sequence[Unit], results: Mapping[str, MonthResult]
) -> None:
    by_unit: dict[str, list[MonthResult]] = defaultdict(list)
    for result in results.values():
        if result.rated:
            by_unit[result.unit].append(result)
    for unit in units:
        rated = by_unit.get(unit.code)
        if not rated:
            continue
        rate = rules.monthly_quota_rate
        if unit.outstanding and rules.monthly_quota_outstanding_rate is not None:
            rate = rules.monthly_quota_outstanding_rate
        limit = quota_limit(rules, rate, len(rated))
        holders = [r for r in rated if r.level == TOP]
        _apply_quota(
            holders,
            limit,
            lambda r: (-r.total, -r.task_pct, -r.general, r.employee),
            len(rated),
        )


# -------------------------------------------------------------------------- a year


@_pauses_cyclic_gc
def score_year(
    rules: RuleSet,
    units: Iterable[Unit],
    people: Iterable[PersonYear],
    *,
    year: int,
    dossiers: Mapping[str, Dossiers] | None = None,
    on_time_floor: Decimal = Decimal(90),
) -> YearOutcome:
    """Annual results of one agency: people, units, quotas, titles and the unit ranking.

    `units` carry the head at the year's close; `dossiers` are each unit's sums over the
    year. Person steps run in the rules' order: months worked, mean score and level,
    caps (absence, discipline, degradation, corruption), head capped by unit, quota per
    quota group, then titles. Collective titles and ranking follow.
    """
    dossiers = dossiers or {}
    ordered = units_deepest_first(units)
    known = {unit.code for unit in ordered}
    severity = {form: index for index, form in enumerate(rules.discipline_forms)}
    cap_from = severity[rules.annual_cap_discipline_from]
    collective_from = severity[rules.collective_discipline_from]

    results: dict[str, YearResult] = {}
    people_list = list(people)
    blocks_collective: set[str] = set()
    for person in people_list:
        if person.employee in results:
            raise ScoringInputError("people", f"employee {person.employee} appears twice")
        if person.unit not in known:
            raise ScoringInputError("people", f"unknown unit {person.unit}")
        result = _annual_person(rules, person, year, severity, cap_from)
        results[person.employee] = result
        if any(
            d.date.year == year and severity[d.form] >= collective_from for d in person.disciplines
        ):
            blocks_collective.add(person.employee)

    by_unit: dict[str, list[YearResult]] = defaultdict(list)
    for result in results.values():
        if result.rated:
            by_unit[result.unit].append(result)

    unit_results: dict[str, UnitYearResult] = {}
    for unit in ordered:
        members = by_unit.get(unit.code, [])
        staff = [r for r in members if r.employee != unit.head]
        rate = dossiers[unit.code].rate() if unit.code in dossiers else None
        if staff:
            score = _mean2([r.score for r in staff])
            level, reasons = _unit_level(rules, score, rate, on_time_floor, unit.caps)
            unit_results[unit.code] = UnitYearResult(
                unit.code,
                len(staff),
                len(members),
                score,
                level_for(rules, score),
                level,
                rate,
                reasons=reasons,
            )
        else:
            unit_results[unit.code] = UnitYearResult(
                unit.code, 0, len(members), None, None, None, rate, reasons=[Reason(NO_RATED_STAFF)]
            )
        if unit.head is not None and unit.head in results and results[unit.head].unit == unit.code:
            head = results[unit.head]
            if head.rated:
                _cap_head(rules, head, unit_results[unit.code].level)

    if rules.annual_quota_rate is not None:
        _annual_quota(rules, ordered, people_list, results)
    _individual_titles(rules, people_list, results)
    _collective_titles(rules, by_unit, unit_results, blocks_collective)
    _rank_units(unit_results)
    return YearOutcome(people=results, units=unit_results)


def _annual_person(
    rules: RuleSet, person: PersonYear, year: int, severity: Mapping[str, int], cap_from: int
) -> YearResult:
    rated = [m for m in person.months if m.rated]
    worked = len({m.month for m in rated} | set(person.maternity_months))
    if worked < rules.annual_min_months or not rated:
        return YearResult(
            person.employee, person.unit, False, worked, reasons=[Reason(NOT_RATED_FEW_MONTHS)]
        )
    mean = sum((m.total for m in rated), ZERO) / len(rated)
    score = round2(mean)
    level = level_for(rules, score)
    result = YearResult(
        person.employee,
        person.unit,
        True,
        worked,
        score=score,
        mean=mean,
        months_at_top=sum(1 for m in rated if m.level == TOP),
        score_level=level,
    )
    absent = sum(1 for m in person.months if m.absent)
    if absent >= rules.annual_absence_cap_months:
        level = _worse(level, rules.annual_absence_cap_level)
        result.reasons.append(Reason(CAPPED_ABSENCE, (("months", str(absent)),)))
    in_year = [
        d for d in person.disciplines if d.date.year == year and severity[d.form] >= cap_from
    ]
    if in_year:
        level = FAIL
        result.reasons.append(
            Reason(DISCIPLINE_IN_YEAR, tuple(("decision", f"{d.form}:{d.date}") for d in in_year))
        )
    if person.degradation_concluded:
        level = FAIL
        result.reasons.append(Reason(DEGRADATION_CONCLUDED))
    if person.leader and person.corruption_in_unit:
        level = FAIL
        result.reasons.append(Reason(CORRUPTION_IN_UNIT))
    result.level = level
    return result


def _annual_quota(
    rules: RuleSet,
    units: Sequence[Unit],
    people: Sequence[PersonYear],
    results: Mapping[str, YearResult],
) -> None:
    outstanding_units = {unit.code for unit in units if unit.outstanding}
    groups: dict[str | None, list[YearResult]] = defaultdict(list)
    for person in people:
        result = results[person.employee]
        if result.rated:
            groups[person.quota_group].append(result)
    for members in groups.values():
        rate = rules.annual_quota_rate
        if rules.annual_quota_outstanding_rate is not None and all(
            r.unit in outstanding_units for r in members
        ):
            rate = rules.annual_quota_outstanding_rate
        base = sum(1 for r in members if r.level in rules.annual_quota_base_levels)
        limit = quota_limit(rules, rate, base)
        holders = [r for r in members if r.level == TOP]
        _apply_quota(
            holders, limit, lambda r: (-r.score, -r.months_at_top, -r.mean, r.employee), base
        )


def _individual_titles(
    rules: RuleSet, people: Sequence[PersonYear], results: Mapping[str, YearResult]
) -> None:
    """LĐTT for good or top; CSTĐCS for LĐTT with an initiative (options: top only, share cap)."""
    advanced = 0
    soldiers: list[YearResult] = []
    for person in people:
        result = results[person.employee]
        if result.level not in (TOP, GOOD):
            continue
        result.title = TITLE_ADVANCED_WORKER
        advanced += 1
        if person.initiative and (not rules.cstdcs_requires_top or result.level == TOP):
            result.title = TITLE_EMULATION_SOLDIER
            soldiers.append(result)
    if rules.cstdcs_share_cap is not None:
        limit = quota_limit(rules, rules.cstdcs_share_cap, advanced)
        soldiers.sort(key=lambda r: (-r.score, -r.months_at_top, -r.mean, r.employee))
        for result in soldiers[limit:]:
            result.title = TITLE_ADVANCED_WORKER


def _collective_titles(
    rules: RuleSet,
    by_unit: Mapping[str, list[YearResult]],
    unit_results: Mapping[str, UnitYearResult],
    blocks_collective: set[str],
) -> None:
    for code, unit_result in unit_results.items():
        members = by_unit.get(code, [])
        if not members:
            continue
        blocked = any(r.employee in blocks_collective for r in members)
        if blocked:
            continue
        count = len(members)
        advanced = sum(1 for r in members if r.title is not None)
        soldiers = sum(1 for r in members if r.title == TITLE_EMULATION_SOLDIER)
        all_complete = all(LEVEL_RANK[r.level] <= LEVEL_RANK[COMPLETE] for r in members)
        if (
            all_complete
            and advanced >= rules.collective_excellent_min_share * count
            and soldiers > 0
        ):
            unit_result.title = TITLE_EXCELLENT_COLLECTIVE
        elif advanced > rules.collective_advanced_min_share * count:
            unit_result.title = TITLE_ADVANCED_COLLECTIVE


def _rank_units(unit_results: Mapping[str, UnitYearResult]) -> None:
    scored = [r for r in unit_results.values() if r.score is not None]
    scored.sort(
        key=lambda r: (
            -r.score,
            r.on_time_rate is None,
            -(r.on_time_rate or ZERO),
            r.unit,
        )
    )
    for rank, result in enumerate(scored, start=1):
        result.rank = rank


# ------------------------------------------------------- quarters and half-years


QUARTER_MONTHS = 3
HALF_YEAR_MONTHS = 6


@dataclass(frozen=True, slots=True)
class SpanResult:
    """A quarter's or half-year's result from its monthly totals (NĐ 335 Điều 17 khoản 3).

    `score` is the mean of the rated months' totals rounded half-up to 2 places, `level`
    the level that score reaches by the rule set's thresholds; both are None when no
    month of the span was rated. `rated_months` counts the periods the mean is over
    (months; with a quarterly cadence, quarters).
    """

    rated_months: int
    score: Decimal | None
    level: str | None

    @property
    def rated(self) -> bool:
        return self.score is not None


def quarter_of(month: int) -> int:
    """The quarter (1-4) a month (1-12) falls in."""
    if not 1 <= month <= 12:
        raise ScoringInputError("month", f"{month} is not a month of the year")
    return (month - 1) // QUARTER_MONTHS + 1


def half_of(month: int) -> int:
    """The half-year (1 or 2) a month (1-12) falls in."""
    if not 1 <= month <= 12:
        raise ScoringInputError("month", f"{month} is not a month of the year")
    return (month - 1) // HALF_YEAR_MONTHS + 1


def quarter_months(quarter: int) -> tuple[int, ...]:
    """The months (1-12) of a quarter (1-4)."""
    if not 1 <= quarter <= 4:
        raise ScoringInputError("quarter", f"{quarter} is not a quarter (1-4)")
    first = (quarter - 1) * QUARTER_MONTHS + 1
    return tuple(range(first, first + QUARTER_MONTHS))


def half_year_months(half: int) -> tuple[int, ...]:
    """The months (1-12) of a half-year (1 or 2)."""
    if half not in (1, 2):
        raise ScoringInputError("half", f"{half} is not a half-year (1 or 2)")
    first = (half - 1) * HALF_YEAR_MONTHS + 1
    return tuple(range(first, first + HALF_YEAR_MONTHS))


def _span(rules: RuleSet, totals: Iterable[Decimal | None], most: int, name: str) -> SpanResult:
    values = list(totals)
    if len(values) > most:
        raise ScoringInputError(name, f"{len(values)} monthly totals, at most {most}")
    rated = [value for value in values if value is not None]
    if not rated:
        return SpanResult(0, None, None)
    score = _mean2(rated)
    return SpanResult(len(rated), score, level_for(rules, score))


def quarter_result(rules: RuleSet, totals: Iterable[Decimal | None]) -> SpanResult:
    """A quarter from its monthly totals (None for a month not rated): the mean of the
    rated ones, 2 places half-up, with the level by the same thresholds as a month.

    With a quarterly cadence the period is the quarter: its total is the quarter's
    score, which is exactly this function over one value.
    """
    return _span(rules, totals, QUARTER_MONTHS, "quarter")


def half_year_result(rules: RuleSet, totals: Iterable[Decimal | None]) -> SpanResult:
    """A half-year from its monthly (or its two quarterly) totals, None for one not
    rated: the mean of the rated ones, 2 places half-up, level by the same thresholds."""
    return _span(rules, totals, HALF_YEAR_MONTHS, "half")


def income_coefficient(rules: RuleSet, level: str | None) -> Decimal | None:
    """The extra-income coefficient the rule set's table gives a quarter's level (Điều
    23); None when the rule set has no table, or the quarter no level."""
    if level is None or not rules.income_coefficients:
        return None
    return rules.income_coefficients.get(level)
