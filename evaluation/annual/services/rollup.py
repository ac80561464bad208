"""The agency's annual roll-up: stored month results → `scoring.score_year` → stored
annual results of people and units.

`rollup_year` counts the periods the HR officer chose (by default every locked monthly
period of the year), refuses while a counted month is not locked (naming every open
unit-month), reads the stored months and the year's inputs in a constant number of
queries per batch of people, calls the engine once for the agency (quotas and ranks
are agency-wide), and writes the results set-based: a row per person and per unit keyed
by (agency, year, person or unit), created, changed or removed as the engine says, so a
re-run over the same inputs leaves every row as it was. One `AnnualRecomputation` row
audits each pass. The engine is the only place the rules live; this module only feeds
it and stores what it returns.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from discipline import selectors as ledger
from evaluation import bulk_writes, scoring
from evaluation.annual import locks, models, reasons, selectors
from evaluation.annual.models import RunState
from evaluation.models import Cadence, Evaluation, Period, PeriodState
from evaluation.rules import RuleSet
from evaluation.rulesets import rule_set_from_snapshot
from hrsystem import clock, permissions
from hrsystem.models import Employee, Organisation, Unit
from hrsystem.service_checks import require

logger = logging.getLogger(__name__)

BATCH = 2000
"""People read per batch: a batch costs the same 6 queries whatever its size."""

Progress = Callable[[int, int], None]

RESULT_FIELDS = (
    "unit_id",
    "is_leader",
    "is_head",
    "quota_group",
    "rated",
    "months_worked",
    "months_rated",
    "months_absent",
    "score",
    "mean",
    "months_at_top",
    "score_level",
    "level",
    "title",
    "reasons",
)
UNIT_FIELDS = (
    "rated_count",
    "member_count",
    "score",
    "score_level",
    "level",
    "on_time_rate",
    "title",
    "rank",
    "reasons",
)


class RollupRefused(ValidationError):
    """The roll-up cannot run: `unit_months` lists the counted unit-months not locked."""

    def __init__(self, message, unit_months=()):
        super().__init__({"periods": message})
        self.unit_months = list(unit_months)


@dataclass
class YearInputs:
    """What the engine rates the year from, and how the rows map back."""

    rules: RuleSet
    periods: list[Period]
    units: list[scoring.Unit]
    people: list[scoring.PersonYear]
    dossiers: dict[str, scoring.Dossiers]
    unit_ids: dict[str, int]
    employee_ids: dict[str, int]
    heads: set[str] = field(default_factory=set)


def check_periods(organisation: Organisation, year: int, months: list[int] | None) -> list[Period]:
    """The periods that count, or RollupRefused: none locked, a chosen month not opened,
    a counted month not locked (with the open unit-months), a quarterly cadence, or two
    rule sets in one year; 2 queries."""
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Năm phải từ 2000 đến 2100.")})
    periods = selectors.counted_periods(organisation, year, months)
    if months is not None:
        missing = sorted(set(months) - {p.number for p in periods})
        if missing:
            raise RollupRefused(
                _("Chưa mở kỳ đánh giá của các tháng: %(months)s.")
                % {"months": ", ".join(str(m) for m in missing)}
            )
    if not periods:
        if (
            Period.objects.filter(organisation=organisation, year=year)
            .exclude(cadence=Cadence.MONTHLY)
            .exists()
        ):
            raise RollupRefused(
                _(
                    "Cơ quan đánh giá theo quý trong năm %(year)s: việc tổng hợp năm hiện chỉ"
                    " tính các kỳ tháng."
                )
                % {"year": year}
            )
        raise RollupRefused(
            _("Năm %(year)s chưa có tháng nào đã khoá để tổng hợp.") % {"year": year}
        )
    unlocked = selectors.unlocked_unit_months(periods)
    if unlocked:
        months_open = sorted({p.number for p in periods if p.state != PeriodState.LOCKED})
        raise RollupRefused(
            _("Các tháng được tính phải đã khoá; chưa khoá: %(months)s.")
            % {"months": ", ".join(str(m) for m in months_open)},
            unlocked,
        )
    codes = {p.rule_set_snapshot.get("code") for p in periods}
    if len(codes) > 1:
        raise RollupRefused(
            _("Các tháng được tính dùng nhiều bộ quy tắc khác nhau (%(codes)s).")
            % {"codes": ", ".join(sorted(str(c) for c in codes))}
        )
    return periods


_MONTH_COLUMNS = (
    "employee_id",
    "unit_id",
    "period__number",
    "is_leader",
    "is_head",
    "absent",
    "not_rated",
    "joined_late",
    "total",
    "level",
)


def month_result(row: dict, unit_code: str, employee_code: str) -> scoring.MonthResult:
    """A stored evaluation as the engine's month result: what the year reads of it."""
    rated = not row["absent"] and not row["joined_late"] and row["total"] is not None
    return scoring.MonthResult(
        employee=employee_code,
        unit=unit_code,
        month=row["period__number"],
        rated=rated and bool(row["level"]),
        absent=row["absent"],
        leader=row["is_leader"],
        total=row["total"] if rated else None,
        level=(row["level"] or None) if rated else None,
    )


def _transferred_months(organisation: Organisation, year: int, batch: list[int]) -> dict:
    """The months the batch's people worked at their former agency in `year`, as
    imported (`models.TransferredMonth`); 1 query."""
    found: dict[int, list[models.TransferredMonth]] = defaultdict(list)
    for month in models.TransferredMonth.objects.filter(
        organisation=organisation, year=year, employee_id__in=batch
    ).order_by("month"):
        found[month.employee_id].append(month)
    return found


def _with_transferred(own: list, transferred, unit_code: str) -> tuple:
    """A person's months: their own, and the months imported from their former agency,
    each counted as a locked month with its stored total and level (the new agency rates
    the year on all of them). A month the person was rated here is this agency's own."""
    if not transferred:
        return tuple(own)
    rated_here = {m.month for m in own if m.rated}
    months = {m.month: m for m in own}
    for imported in transferred:
        if imported.month in rated_here:
            continue
        months[imported.month] = scoring.MonthResult(
            employee=own[0].employee,
            unit=unit_code,
            month=imported.month,
            rated=imported.rated,
            total=imported.total if imported.rated else None,
            level=imported.level if imported.rated else None,
        )
    return tuple(months[number] for number in sorted(months))


def load_year(
    organisation: Organisation, year: int, periods: list[Period], progress: Progress | None = None
) -> YearInputs:
    """Read the year as the engine needs it: 3 queries, then 6 per batch of `BATCH` people.

    A batch's months and its people (code, quota group) are two queries, each by index:
    joined, PostgreSQL hashed the whole employee table once per batch, a cost that grew
    with the agency times the batches.

    A person's unit and leader flag are those of their latest counted month; a unit's
    head is whoever headed it in the last counted month (the year's close). The
    agency leader, rated by the level above, has no month the engine scored and gets no
    month here either. Discipline decisions come from the ledger (`disciplines_in_year`,
    public-duty decisions in effect in the year); dossiers are summed over the counted
    months.
    """
    rules = rule_set_from_snapshot(periods[-1].rule_set_snapshot)
    units = {
        row["id"]: row
        for row in Unit.objects.filter(organisation=organisation).values("id", "code", "parent_id")
    }
    period_ids = [p.pk for p in periods]
    employee_ids = sorted(
        set(
            Evaluation.objects.filter(period_id__in=period_ids, is_current=True)
            .exclude(not_rated=True, joined_late=False)
            .values_list("employee_id", flat=True)
            .order_by()
        )
    )
    corruption = selectors.corruption_unit_ids(organisation, year)
    severity = set(rules.discipline_forms)
    people: list[scoring.PersonYear] = []
    codes: dict[str, int] = {}
    heads: dict[int, str] = {}
    closing = periods[-1].number
    total = len(employee_ids)
    for start in range(0, total, BATCH):
        batch = employee_ids[start : start + BATCH]
        months: dict[int, list[dict]] = defaultdict(list)
        for row in (
            Evaluation.objects.filter(
                period_id__in=period_ids, is_current=True, employee_id__in=batch
            )
            .exclude(not_rated=True, joined_late=False)
            .order_by("employee_id", "period__number")
            .values(*_MONTH_COLUMNS)
        ):
            months[row["employee_id"]].append(row)
        who = {
            pk: (code, group, group_agency)
            for pk, code, group, group_agency in Employee.objects.filter(pk__in=batch)
            .order_by()
            .values_list("pk", "code", "quota_group__name", "quota_group__organisation_id")
        }
        transferred = _transferred_months(organisation, year, batch)
        inputs = selectors.people_inputs(organisation, year, batch)
        decisions = ledger.disciplines_in_year(
            organisation=organisation, year=year, public_duty_only=True, employee_ids=batch
        )
        for employee_id in batch:
            rows = months[employee_id]
            last = rows[-1]
            code, group, group_agency = who[employee_id]
            codes[code] = employee_id
            if last["is_head"] and last["period__number"] == closing:
                heads[last["unit_id"]] = code
            disciplines = []
            for form, _severity, since in decisions.get(employee_id, ()):
                if form not in severity:
                    raise ValidationError(
                        {
                            "disciplines": _(
                                "Hình thức kỷ luật “%(form)s” của %(code)s không có trong bộ"
                                " quy tắc %(rules)s."
                            )
                            % {"form": form, "code": code, "rules": rules.code}
                        }
                    )
                disciplines.append(scoring.Discipline(form, since))
            if group_agency != organisation.pk:
                group = None  # a group of the agency the person came from means nothing here
            people.append(
                scoring.PersonYear(
                    employee=code,
                    unit=units[last["unit_id"]]["code"],
                    leader=last["is_leader"],
                    quota_group=group,
                    months=_with_transferred(
                        [month_result(r, units[r["unit_id"]]["code"], code) for r in rows],
                        transferred.get(employee_id, ()),
                        units[last["unit_id"]]["code"],
                    ),
                    maternity_months=frozenset(inputs.maternity.get(employee_id, ())),
                    disciplines=tuple(disciplines),
                    initiative=employee_id in inputs.initiative,
                    degradation_concluded=employee_id in inputs.degradation,
                    corruption_in_unit=last["unit_id"] in corruption,
                )
            )
        if progress is not None:
            progress(min(start + BATCH, total), total)
    tree = [
        scoring.Unit(
            code=row["code"],
            parent=units[row["parent_id"]]["code"] if row["parent_id"] else None,
            head=heads.get(unit_id),
        )
        for unit_id, row in units.items()
    ]
    return YearInputs(
        rules=rules,
        periods=periods,
        units=tree,
        people=people,
        dossiers=year_dossiers(organisation, year, periods, units),
        unit_ids={row["code"]: unit_id for unit_id, row in units.items()},
        employee_ids=codes,
        heads=set(heads.values()),
    )


def year_dossiers(
    organisation: Organisation, year: int, periods: list[Period], units: dict[int, dict]
) -> dict[str, scoring.Dossiers]:
    """Each unit's dossiers summed over the counted months; 2 queries."""
    counted = {p.number for p in periods}
    sums: dict[str, tuple[int, int]] = {}
    for (unit_id, y, month), (on_time, late, _reported) in ledger.monthly_dossier_counts(
        organisation=organisation, start=date(year, 1, 1), end=date(year, 12, 31)
    ).items():
        if y != year or month not in counted or unit_id not in units:
            continue
        code = units[unit_id]["code"]
        before = sums.get(code, (0, 0))
        sums[code] = (before[0] + on_time, before[1] + late)
    return {code: scoring.Dossiers(*pair) for code, pair in sums.items()}


def score(organisation: Organisation, year: int, data: YearInputs) -> scoring.YearOutcome:
    """The engine's year over `data`; ValidationError naming the input it refused."""
    try:
        return scoring.score_year(
            data.rules,
            data.units,
            data.people,
            year=year,
            dossiers=data.dossiers,
            on_time_floor=organisation.on_time_floor,
        )
    except scoring.ScoringInputError as error:
        raise ValidationError({error.path: error.message}) from error


def _person_values(result: scoring.YearResult, person: scoring.PersonYear, data) -> dict:
    rated_months = [m for m in person.months if m.rated]
    return {
        "unit_id": data.unit_ids[result.unit],
        "is_leader": person.leader,
        "is_head": person.employee in data.heads,
        "quota_group": person.quota_group or "",
        "rated": result.rated,
        "months_worked": result.months_worked,
        "months_rated": len(rated_months),
        "months_absent": sum(1 for m in person.months if m.absent),
        "score": result.score,
        "mean": "" if result.mean is None else str(result.mean),
        "months_at_top": result.months_at_top,
        "score_level": result.score_level or "",
        "level": result.level or "",
        "title": result.title or "",
        "reasons": reasons.stored(result.reasons),
    }


def _unit_values(result: scoring.UnitYearResult) -> dict:
    return {
        "rated_count": result.rated_count,
        "member_count": result.members,
        "score": result.score,
        "score_level": result.score_level or "",
        "level": result.level or "",
        "on_time_rate": result.on_time_rate,
        "title": result.title or "",
        "rank": result.rank,
        "reasons": reasons.stored(result.reasons),
    }


def _write_people(organisation, year, data, outcome, now) -> tuple[list[int], list[int], int]:
    existing = {
        row["employee_id"]: row
        for row in models.AnnualResult.objects.filter(organisation=organisation, year=year).values(
            "id", "employee_id", *RESULT_FIELDS
        )
    }
    new, created, changed = [], [], {}

    def insert() -> None:  # a batch at a time: no model instance per person of the agency
        rows = models.AnnualResult.objects.bulk_create(new, batch_size=1000)
        created.extend(r.pk for r in rows if r.pk)
        new.clear()

    for person in data.people:
        values = _person_values(outcome.people[person.employee], person, data)
        employee_id = data.employee_ids[person.employee]
        row = existing.pop(employee_id, None)
        if row is None:
            new.append(
                models.AnnualResult(
                    organisation=organisation,
                    year=year,
                    employee_id=employee_id,
                    computed_at=now,
                    **values,
                )
            )
            if len(new) == BATCH:
                insert()
        elif any(row[name] != value for name, value in values.items()):
            changed[row["id"]] = {**values, "computed_at": now}
    insert()
    bulk_writes.update_rows(models.AnnualResult, changed, [*RESULT_FIELDS, "computed_at"])
    stale = [row["id"] for row in existing.values()]
    if stale:
        models.AnnualResult.objects.filter(pk__in=stale).delete()
    return sorted(created), sorted(changed), len(stale)


def _write_units(organisation, year, data, outcome, now) -> list[int]:
    existing = {
        row["unit_id"]: row
        for row in models.UnitAnnualResult.objects.filter(
            organisation=organisation, year=year
        ).values("id", "unit_id", *UNIT_FIELDS)
    }
    new, changed = [], {}
    for code, result in outcome.units.items():
        values = _unit_values(result)
        unit_id = data.unit_ids[code]
        row = existing.pop(unit_id, None)
        if row is None:
            new.append(
                models.UnitAnnualResult(
                    organisation=organisation, year=year, unit_id=unit_id, computed_at=now, **values
                )
            )
        elif any(row[name] != value for name, value in values.items()):
            changed[row["id"]] = {**values, "computed_at": now}
    created = models.UnitAnnualResult.objects.bulk_create(new, batch_size=1000)
    bulk_writes.update_rows(models.UnitAnnualResult, changed, [*UNIT_FIELDS, "computed_at"])
    stale = [row["id"] for row in existing.values()]
    if stale:
        models.UnitAnnualResult.objects.filter(pk__in=stale).delete()
    return sorted([r.pk for r in created if r.pk] + list(changed))


def rollup_check(*, organisation: Organisation, year: int, by, months: list[int] | None = None):
    """The checks of `rollup_year` alone (rights, counted periods); writes nothing.
    Pages call it before queueing the job, so a refusal shows at once."""
    if by is not None:
        require(permissions.can_manage_org(by, organisation))
    locks.ensure_open(organisation, year)
    return check_periods(organisation, year, months)


def rollup_year(
    organisation: Organisation,
    year: int,
    by,
    periods: list[int] | None = None,
    progress: Progress | None = None,
) -> models.AnnualRun:
    """Rate the agency's year through the engine and store the results.

    `periods`: the month numbers that count (the HR officer's choice); None counts every
    locked monthly period of the year. `by` is the HR officer (None: a trusted system
    caller, the command line). `progress(done, total)` is told after each batch read and
    once written. Raises PermissionDenied, RollupRefused (with the open unit-months) or
    ValidationError (an input the engine refused), writing nothing then.
    """
    counted = rollup_check(organisation=organisation, year=year, by=by, months=periods)
    bulk_writes.jit_off()
    data = load_year(organisation, year, counted, progress)
    outcome = score(organisation, year, data)
    with transaction.atomic():
        run, _created = models.AnnualRun.objects.select_for_update().get_or_create(
            organisation=organisation, year=year
        )
        now = clock.now()
        created, changed, removed = _write_people(organisation, year, data, outcome, now)
        units = _write_units(organisation, year, data, outcome, now)
        run.periods.set(counted)
        run.periods_chosen = periods is not None
        run.rule_set = counted[-1].rule_set
        run.rule_set_snapshot = counted[-1].rule_set_snapshot
        run.state = RunState.DONE
        run.people = len(data.people)
        run.computed_at = now
        run.by = by
        run.save()
        models.AnnualRecomputation.objects.create(
            run=run,
            by=by,
            at=now,
            months=[p.number for p in counted],
            people=len(data.people),
            created_ids=created,
            changed_ids=changed,
            removed=removed,
            unit_ids=units,
        )
    if progress is not None:
        progress(len(data.people), len(data.people))
    logger.info(
        "year %s of %s rolled up: %d people, %d new, %d changed, %d removed",
        year,
        organisation.code,
        len(data.people),
        len(created),
        len(changed),
        removed,
    )
    return run
