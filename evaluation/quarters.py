"""Quarter and half-year results read from the published months (NĐ 335 Điều 17 khoản 3).

A quarter's score is the mean of its rated monthly totals, a half-year's the mean of its
rated months; the arithmetic is the engine's (`scoring.quarter_result`,
`scoring.half_year_result`), this module only reads the months. Only published or locked
periods count; a span with one of its periods not yet published (not opened, running, or
reopened for correction) is *provisional*. A month reopened after publication leaves the
span until it is published again, with its new totals; each month behind a result says
when it was last reopened and why, so the change is visible.

With a quarterly cadence the period is the quarter itself: its total is the quarter's
score (a mean over one value), never a second aggregation.

Every reader runs 3 queries for people (4 with the units' results), whatever the number
of people: periods, reopenings, evaluations (and unit periods), all set-based.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Q

from evaluation import models
from evaluation.models import Cadence, PeriodState
from evaluation.rules import RuleSet
from evaluation.rulesets import rule_set_from_snapshot
from evaluation.scoring import (
    SpanResult,
    half_year_months,
    half_year_result,
    income_coefficient,
    quarter_months,
    quarter_of,
    quarter_result,
)

VISIBLE_STATES = (PeriodState.PUBLISHED, PeriodState.LOCKED)

QUARTER = "quarter"
HALF_YEAR = "half"


@dataclass(frozen=True)
class SpanPeriod:
    """One period behind a span: a month (or, with a quarterly cadence, the quarter)."""

    pk: int
    cadence: str
    number: int
    label: str
    published: bool
    reopened_at: datetime | None
    reopen_reason: str


@dataclass(frozen=True)
class MonthCell:
    """A person's (or a unit's) result in one period behind a span."""

    period: SpanPeriod
    total: Decimal | None
    level: str | None
    level_label: str | None

    @property
    def counted(self) -> bool:
        """Is this period's total part of the span's mean (published and rated)?"""
        return self.period.published and self.total is not None


@dataclass
class SpanRow:
    """One person's or one unit's quarter or half-year with the periods behind it."""

    key: int
    code: str
    name: str
    unit_id: int | None
    unit_name: str
    unit_path: str
    result: SpanResult
    level_label: str | None
    months: list[MonthCell]
    coefficient: Decimal | None = None


@dataclass
class SpanTable:
    """An agency's quarter or half-year: its periods, people and units."""

    kind: str
    year: int
    number: int
    periods: list[SpanPeriod]
    provisional: bool
    rules: RuleSet | None
    people: list[SpanRow] = field(default_factory=list)
    units: list[SpanRow] = field(default_factory=list)

    @property
    def has_income(self) -> bool:
        """Does the rule set deciding this span carry an income table?"""
        return bool(self.rules and self.rules.income_coefficients)


def _span_months(kind: str, number: int) -> tuple[int, ...]:
    return quarter_months(number) if kind == QUARTER else half_year_months(number)


def _covers(period: models.Period, months: tuple[int, ...]) -> bool:
    return _months_of(period) <= set(months)


def quarter_of_period(period: models.Period) -> int:
    """The quarter a period belongs to: the period itself with a quarterly cadence."""
    return period.number if period.cadence == Cadence.QUARTERLY else quarter_of(period.number)


def _months_of(period) -> set[int]:
    if period.cadence == Cadence.QUARTERLY:
        return set(quarter_months(period.number))
    return {period.number}


def _provisional(periods: list[models.Period], months: tuple[int, ...]) -> bool:
    """Is a month of the span not covered by a published period (not opened yet, still
    running, or reopened)? Then the span's result may still change."""
    covered = set()
    for period in periods:
        if period.state in VISIBLE_STATES:
            covered |= _months_of(period)
    return not set(months) <= covered


def _periods(organisation_filter: Q, year: int, months: tuple[int, ...]):
    """The span's periods, oldest first, and their latest reopenings; 2 queries."""
    found = [
        period
        for period in models.Period.objects.filter(organisation_filter, year=year)
        .only("pk", "cadence", "number", "year", "state", "start", "rule_set_snapshot")
        .order_by("start")
        if _covers(period, months)
    ]
    reopenings = {}
    for period_id, at, reason in (
        models.PeriodReopening.objects.filter(period__in=[p.pk for p in found])
        .order_by("period_id", "at")
        .values_list("period_id", "at", "reason")
    ):
        reopenings[period_id] = (at, reason)
    return found, reopenings


def _span_period(period: models.Period, reopenings: dict) -> SpanPeriod:
    at, reason = reopenings.get(period.pk, (None, ""))
    return SpanPeriod(
        period.pk,
        period.cadence,
        period.number,
        str(period),
        period.state in VISIBLE_STATES,
        at,
        reason,
    )


def _deciding_rules(periods: list[models.Period]) -> RuleSet | None:
    """The rule set whose thresholds and income table decide the span: that of its
    latest published period (else of its latest period); None without periods."""
    published = [p for p in periods if p.state in VISIBLE_STATES]
    chosen = (published or periods)[-1:] if periods else []
    return rule_set_from_snapshot(chosen[0].rule_set_snapshot) if chosen else None


def _result(kind: str, rules: RuleSet, cells: list[MonthCell]) -> SpanResult:
    totals = [cell.total for cell in cells if cell.period.published]
    return quarter_result(rules, totals) if kind == QUARTER else half_year_result(rules, totals)


def _cells(rules, span_periods, found: dict[int, tuple]) -> list[MonthCell]:
    cells = []
    for period in span_periods:
        total, level = found.get(period.pk, (None, None))
        if not period.published:
            total = level = None  # an unpublished result is nobody's to read yet
        cells.append(MonthCell(period, total, level, rules.label(level) if level else None))
    return cells


def span_table(
    *,
    organisation,
    year: int,
    kind: str,
    number: int,
    unit_ids=None,
    employee_ids=None,
    with_people: bool = True,
    with_units: bool = False,
) -> SpanTable:
    """An agency's quarter (`kind` QUARTER, `number` 1-4) or half-year (HALF_YEAR, 1-2):
    every person with a published month in it (limited to `unit_ids` and `employee_ids`
    when given; the unit is that of their latest month; none without `with_people`),
    and with `with_units` every unit's mean of its monthly unit scores. 3 queries (2
    without people), one more with the units."""
    months = _span_months(kind, number)
    periods, reopenings = _periods(Q(organisation=organisation), year, months)
    span_periods = [_span_period(period, reopenings) for period in periods]
    rules = _deciding_rules(periods)
    table = SpanTable(
        kind,
        year,
        number,
        span_periods,
        _provisional(periods, months),
        rules,
    )
    visible = [p.pk for p in span_periods if p.published]
    if rules is None or not visible:
        return table
    if with_units:
        table.units = _unit_rows(kind, rules, span_periods, visible, unit_ids)
    if not with_people:
        return table
    evaluations = models.Evaluation.objects.filter(period__in=visible, is_current=True)
    if unit_ids is not None:
        evaluations = evaluations.filter(unit_id__in=unit_ids)
    if employee_ids is not None:
        evaluations = evaluations.filter(employee_id__in=employee_ids)
    people: dict[int, dict] = {}
    by_person: dict[int, dict[int, tuple]] = defaultdict(dict)
    order = {pk: index for index, pk in enumerate(visible)}
    for row in evaluations.order_by().values(
        "employee_id",
        "employee__code",
        "employee__full_name",
        "employee__sort_key",
        "unit_id",
        "unit__name",
        "unit__path",
        "period_id",
        "total",
        "level",
        "not_rated",
        "absent",
    ):
        rated = row["total"] is not None and not row["not_rated"] and not row["absent"]
        by_person[row["employee_id"]][row["period_id"]] = (
            row["total"] if rated else None,
            (row["level"] or None) if rated else None,
        )
        known = people.get(row["employee_id"])
        if known is None or order[row["period_id"]] > order[known["period_id"]]:
            people[row["employee_id"]] = row
    for employee_id, row in people.items():
        cells = _cells(rules, span_periods, by_person[employee_id])
        result = _result(kind, rules, cells)
        table.people.append(
            SpanRow(
                employee_id,
                row["employee__code"],
                row["employee__full_name"],
                row["unit_id"],
                row["unit__name"],
                row["unit__path"],
                result,
                rules.label(result.level),
                cells,
                income_coefficient(rules, result.level),
            )
        )
    table.people.sort(
        key=lambda r: (r.unit_path, people[r.key]["employee__sort_key"] or "", r.name, r.code)
    )
    return table


def _unit_rows(kind, rules, span_periods, visible, unit_ids) -> list[SpanRow]:
    """Each unit's span: the mean of its rated monthly unit scores; 1 query."""
    unit_periods = models.UnitPeriod.objects.filter(period__in=visible)
    if unit_ids is not None:
        unit_periods = unit_periods.filter(unit_id__in=unit_ids)
    units: dict[int, dict] = {}
    by_unit: dict[int, dict[int, tuple]] = defaultdict(dict)
    for row in unit_periods.order_by().values(
        "unit_id", "unit__code", "unit__name", "unit__path", "period_id", "score", "level"
    ):
        by_unit[row["unit_id"]][row["period_id"]] = (row["score"], row["level"] or None)
        units.setdefault(row["unit_id"], row)
    rows = []
    for unit_id, row in units.items():
        cells = _cells(rules, span_periods, by_unit[unit_id])
        result = _result(kind, rules, cells)
        rows.append(
            SpanRow(
                unit_id,
                row["unit__code"],
                row["unit__name"],
                unit_id,
                row["unit__name"],
                row["unit__path"],
                result,
                rules.label(result.level),
                cells,
            )
        )
    return sorted(rows, key=lambda r: r.unit_path)


@dataclass
class PersonSpans:
    """A person's quarters and half-years of one year, for their results page."""

    quarters: list[tuple[SpanTable, SpanRow | None]]
    halves: list[tuple[SpanTable, SpanRow | None]]


def person_spans(*, employee, year: int) -> PersonSpans:
    """The person's four quarters and two half-years of `year` in the agency of their
    latest evaluation that year (none: empty); the periods of the year, their
    reopenings and the person's evaluations are each read once: 4 queries."""
    latest = (
        models.Evaluation.objects.filter(employee=employee, period__year=year, is_current=True)
        .order_by("-period__start")
        .values_list("period__organisation_id", flat=True)
        .first()
    )
    if latest is None:
        return PersonSpans([], [])
    months = tuple(range(1, 13))
    periods, reopenings = _periods(Q(organisation_id=latest), year, months)
    found = {}
    for period_id, total, level, not_rated, absent in models.Evaluation.objects.filter(
        employee=employee,
        is_current=True,
        period__in=[p.pk for p in periods if p.state in VISIBLE_STATES],
    ).values_list("period_id", "total", "level", "not_rated", "absent"):
        rated = total is not None and not not_rated and not absent
        found[period_id] = (total if rated else None, (level or None) if rated else None)

    def spans(kind: str, numbers) -> list[tuple[SpanTable, SpanRow | None]]:
        built = []
        for number in numbers:
            span_months = _span_months(kind, number)
            inside = [p for p in periods if _covers(p, span_months)]
            span_periods = [_span_period(p, reopenings) for p in inside]
            rules = _deciding_rules(inside)
            table = SpanTable(
                kind,
                year,
                number,
                span_periods,
                _provisional(inside, span_months),
                rules,
            )
            row = None
            if rules is not None and any(p.pk in found for p in span_periods):
                cells = _cells(rules, span_periods, found)
                result = _result(kind, rules, cells)
                row = SpanRow(
                    employee.pk,
                    employee.code,
                    employee.full_name,
                    None,
                    "",
                    "",
                    result,
                    rules.label(result.level),
                    cells,
                )
            built.append((table, row))
        return built

    return PersonSpans(spans(QUARTER, range(1, 5)), spans(HALF_YEAR, (1, 2)))


def quarter_rows(organisation, year: int, quarter: int) -> list[dict]:
    """The quarter's people as plain data for `manage.py show_results --quarter`: employee
    code, quarter, score and level (None when not rated), whether it is provisional,
    and the published months behind it with their totals and levels."""
    table = span_table(organisation=organisation, year=year, kind=QUARTER, number=quarter)
    rows = []
    for row in sorted(table.people, key=lambda r: r.code):
        rows.append(
            {
                "employee": row.code,
                "quarter": quarter,
                "score": None if row.result.score is None else str(row.result.score),
                "level": row.result.level,
                "provisional": table.provisional,
                "months": [
                    {
                        "period": cell.period.number,
                        "cadence": cell.period.cadence,
                        "total": None if cell.total is None else str(cell.total),
                        "level": cell.level,
                    }
                    for cell in row.months
                    if cell.period.published
                ],
            }
        )
    return rows
