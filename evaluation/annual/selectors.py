"""Reads of the year: which periods count, which unit-months are still open, the annual
inputs of a batch of people, and the stored results the pages and commands show.

Every function reads in a constant number of queries whatever the agency's size.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from evaluation.annual import board_models, models
from evaluation.models import Cadence, Period, PeriodState, UnitPeriod
from hrsystem.models import BackgroundJob, Organisation, QuotaGroup


def year_periods(organisation: Organisation, year: int) -> list[Period]:
    """The agency's monthly periods of `year`, by month; 1 query."""
    return list(
        Period.objects.filter(organisation=organisation, year=year, cadence=Cadence.MONTHLY)
        .select_related("rule_set")
        .order_by("number")
    )


def counted_periods(
    organisation: Organisation, year: int, chosen: list[int] | None = None
) -> list[Period]:
    """The periods a roll-up counts: the months `chosen` (month numbers) or, by default,
    every locked monthly period of the year; 1 query."""
    periods = year_periods(organisation, year)
    if chosen is None:
        return [p for p in periods if p.state == PeriodState.LOCKED]
    wanted = set(chosen)
    return [p for p in periods if p.number in wanted]


@dataclass(frozen=True)
class UnitMonth:
    """A unit's month that is not locked yet: why a roll-up is refused."""

    unit_code: str
    unit_name: str
    month: int
    period_state: str
    unit_state: str


def unlocked_unit_months(periods: list[Period]) -> list[UnitMonth]:
    """Every unit-month of `periods` whose period is not locked, by month then unit;
    1 query."""
    open_ids = [p.pk for p in periods if p.state != PeriodState.LOCKED]
    if not open_ids:
        return []
    rows = (
        UnitPeriod.objects.filter(period_id__in=open_ids)
        .order_by("period__number", "unit__path")
        .values_list("unit__code", "unit__name", "period__number", "period__state", "state")
    )
    return [UnitMonth(*row) for row in rows]


@dataclass
class PeopleInputs:
    """The annual inputs of a batch of people (by employee id)."""

    maternity: dict[int, set[int]]
    initiative: set[int]
    degradation: set[int]


def people_inputs(organisation: Organisation, year: int, employee_ids: list[int]) -> PeopleInputs:
    """Maternity and sick-leave months, recognised initiatives and concluded degradation
    of `employee_ids` in `year`; 3 queries."""
    where = {"organisation": organisation, "year": year, "employee_id__in": employee_ids}
    maternity: dict[int, set[int]] = defaultdict(set)
    for employee_id, months in models.MaternityLeave.objects.filter(**where).values_list(
        "employee_id", "months"
    ):
        maternity[employee_id].update(months)
    initiative = set(
        models.Initiative.objects.filter(**where).values_list("employee_id", flat=True)
    )
    degradation = set(
        models.DegradationConclusion.objects.filter(**where).values_list("employee_id", flat=True)
    )
    return PeopleInputs(dict(maternity), initiative, degradation)


def corruption_unit_ids(organisation: Organisation, year: int) -> set[int]:
    """Units with a corruption, embezzlement or waste case handled in `year`; 1 query."""
    return set(
        models.CorruptionCase.objects.filter(organisation=organisation, year=year).values_list(
            "unit_id", flat=True
        )
    )


def quota_groups(organisation: Organisation) -> list[QuotaGroup]:
    """The agency's quota groups with their number of members (`members`); 1 query."""
    return list(
        QuotaGroup.objects.filter(organisation=organisation)
        .annotate(members_count=Count("members"))
        .order_by("name")
    )


def run_of(organisation: Organisation, year: int) -> models.AnnualRun | None:
    """The agency's run of the year, if any; 1 query."""
    return (
        models.AnnualRun.objects.filter(organisation=organisation, year=year)
        .select_related("by")
        .first()
    )


def latest_job(organisation: Organisation, year: int) -> BackgroundJob | None:
    """The last roll-up job started for the agency's year; 1 query."""
    return (
        BackgroundJob.objects.filter(
            kind="annual.rollup", organisation=organisation, params__year=year
        )
        .order_by("-pk")
        .first()
    )


def unit_ranking(
    organisation: Organisation, year: int, unit_ids: set[int] | None = None
) -> list[models.UnitAnnualResult]:
    """The units' annual results (only `unit_ids` when given), ranked units first (by
    rank), then the unrated by code; 1 query."""
    rows = models.UnitAnnualResult.objects.filter(organisation=organisation, year=year)
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=unit_ids)
    return list(rows.select_related("unit").order_by(F("rank").asc(nulls_last=True), "unit__code"))


def with_decided_level(results: QuerySet) -> QuerySet:
    """`results` (annual results) annotated with `decided`: the level decided by the
    superior's rating or an upheld appeal, else the engine's; no extra query."""
    decided = board_models.LevelDecision.objects.filter(
        organisation=OuterRef("organisation"), year=OuterRef("year"), employee=OuterRef("employee")
    ).values("level")[:1]
    return results.annotate(decided=Coalesce(Subquery(decided), F("level")))


def decided_group_levels(result: models.AnnualResult) -> dict[int, tuple[str, str]]:
    """Result id → (engine level, decided level) of every rated person in `result`'s
    quota group (what the quota step counts); 1 query."""
    rows = with_decided_level(
        models.AnnualResult.objects.filter(
            organisation_id=result.organisation_id,
            year=result.year,
            quota_group=result.quota_group,
            rated=True,
        )
    ).values_list("pk", "level", "decided")
    return {pk: (level, decided) for pk, level, decided in rows}


def level_decision(result: models.AnnualResult) -> board_models.LevelDecision | None:
    """The decided level of `result`'s person, with who decided it; 1 query."""
    return (
        board_models.LevelDecision.objects.filter(
            organisation_id=result.organisation_id,
            year=result.year,
            employee_id=result.employee_id,
        )
        .select_related("decided_by__employee")
        .first()
    )


def level_distribution(organisation: Organisation, year: int) -> dict[int, dict[str, int]]:
    """Unit id → {level code: number of people} of the year's decided levels (the
    engine's where none was decided); 1 query."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        with_decided_level(
            models.AnnualResult.objects.filter(organisation=organisation, year=year, rated=True)
        )
        .values_list("unit_id", "decided")
        .order_by()
    )
    for unit_id, level in rows:
        counts[unit_id][level] = counts[unit_id].get(level, 0) + 1
    return dict(counts)


def inputs_of_year(organisation: Organisation, year: int) -> dict[str, list]:
    """Every annual input of the agency's year, for the HR officer's page; 4 queries."""
    where = {"organisation": organisation, "year": year}
    person = ("employee", "recorded_by")
    return {
        "initiatives": list(
            models.Initiative.objects.filter(**where).select_related(*person).order_by("id")
        ),
        "leaves": list(
            models.MaternityLeave.objects.filter(**where).select_related(*person).order_by("id")
        ),
        "degradations": list(
            models.DegradationConclusion.objects.filter(**where)
            .select_related(*person)
            .order_by("id")
        ),
        "cases": list(
            models.CorruptionCase.objects.filter(**where)
            .select_related("unit", "recorded_by")
            .order_by("id")
        ),
    }


def transferred_months(employee, year: int) -> list:
    """The months `employee` worked at their former agency in `year`, as imported, each
    with its source agency (counted in the year as locked months); 1 query."""
    return list(
        models.TransferredMonth.objects.filter(employee=employee, year=year).order_by("month")
    )
