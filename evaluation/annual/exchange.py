"""An agency's stored year in the shared scenario format, both ways round.

`export_scenario` writes the inputs the database holds (each counted month's criterion
scores, work items, ledger, dossiers, leader criteria; the year's annual inputs) as a
scenario file (`shared/spec/scenario-format.md`); `stored_results` prints the results
the database holds in exactly the document `score_scenario` prints. Anybody can then
re-score the agency with the engine alone and compare the two.

The format carries one unit and one leader flag per person, one head per unit, no
deputy delegation (a deputy answers for the unit's non-leader staff: exact where the
staff are all delegated to them, as in the demo), no late joiner, no finding against a
unit and the default on-time floor; where the agency's year has any of these the export
says so in `warnings`, and the re-scored file may differ there.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from discipline import selectors as ledger
from evaluation import adapters, scoring
from evaluation.annual import models, selectors
from evaluation.models import Evaluation, Period, UnitPeriod
from evaluation.rules import RuleSet
from evaluation.rulesets import rule_set_from_snapshot
from evaluation.scenario import render
from hrsystem.models import Organisation, Unit

DEFAULT_FLOOR = 90


class ExportError(ValueError):
    """Nothing to export (no such month, no counted month)."""


def periods_for(organisation: Organisation, year: int, month: int | None) -> list[Period]:
    """The months shown: `month` alone, else the year's run's counted months (every
    locked month of the year when it has no run yet)."""
    if month is not None:
        periods = [p for p in selectors.year_periods(organisation, year) if p.number == month]
        if not periods:
            raise ExportError(f"no period {month}/{year} for {organisation.code}")
        return periods
    run = selectors.run_of(organisation, year)
    if run is not None and run.periods.exists():
        return list(run.periods.order_by("number"))
    periods = selectors.counted_periods(organisation, year)
    if not periods:
        raise ExportError(f"no locked month in {year} for {organisation.code}")
    return periods


def _text(value) -> str | None:
    return None if value is None else str(value)


@dataclass
class _Person:
    code: str
    unit: str = ""
    leader: bool = False
    leader_flags: set = field(default_factory=set)
    units: set = field(default_factory=set)
    months: list = field(default_factory=list)


def _month_entry(rules: RuleSet, person: scoring.PersonMonth, leader: bool) -> dict:
    if person.absent:
        return {"month": person.month, "absent": True}
    entry = {
        "month": person.month,
        "general": [str(score) for score in person.general],
        "items": [
            {
                "coefficient": str(item.coefficient),
                "planned": str(item.planned),
                "done": str(item.done),
                "major_errors": item.major_errors,
                "late": item.late,
                "late_excused": item.late_excused,
            }
            for item in person.items
        ],
        "violations": [
            {"points": str(v.points), "criterion": v.criterion, "cap": v.cap}
            for v in person.violations
        ],
    }
    if person.bonus:
        entry["bonus"] = [{"points": str(b.points), "reason": b.reason} for b in person.bonus]
    if leader and rules.leader_criteria_enabled:
        entry["leader_criteria"] = {"dd": str(person.dd), "e": str(person.e)}
    return entry


def export_scenario(
    organisation: Organisation, year: int, month: int | None = None
) -> tuple[dict, list[str]]:
    """(the scenario document, warnings): the stored inputs of `month` or of the year's
    counted months; with a month, the file carries no annual inputs (a month alone
    rates no year)."""
    periods = periods_for(organisation, year, month)
    rules = rule_set_from_snapshot(periods[-1].rule_set_snapshot)
    warnings: list[str] = []
    units = {
        row["id"]: row
        for row in Unit.objects.filter(organisation=organisation).values(
            "id", "code", "name", "parent_id"
        )
    }
    people: dict[str, _Person] = {}
    heads: dict[str, set] = {}
    dossiers = []
    closing_heads: dict[str, str | None] = {}
    for period in periods:
        data = adapters.load(period)
        tree, month_people, authority, month_dossiers = adapters.engine_inputs(period, data)
        joined = {row["employee__code"] for row in data.evaluations if row["joined_late"]}
        staff_of: dict[str, set] = {}
        unit_of = {}
        for person in month_people:
            unit_of[person.employee] = person.unit
            if not person.leader:
                staff_of.setdefault(person.unit, set()).add(person.employee)
        narrower = sorted(
            code
            for code, delegated in authority.items()
            if set(delegated) != staff_of.get(unit_of[code], set())
        )
        if narrower:
            warnings.append(
                f"month {period.number}: deputies answer for delegated staff only "
                f"({', '.join(narrower)}); the format gives them all the unit's staff"
            )
        if any(unit.caps for unit in tree):
            warnings.append(f"month {period.number}: findings cap units; the format has none")
        for unit in tree:
            heads.setdefault(unit.code, set()).add(unit.head)
            closing_heads[unit.code] = unit.head
        for person in month_people:
            entry = people.setdefault(person.employee, _Person(person.employee))
            entry.unit = person.unit
            entry.leader = person.leader
            entry.units.add(person.unit)
            entry.leader_flags.add(person.leader)
            if person.employee in joined:
                warnings.append(
                    f"month {period.number}: {person.employee} joined after the 15th; "
                    "the format cannot say so, the month is left out"
                )
                continue
            entry.months.append(person)
        for code, counts in sorted(month_dossiers.items()):
            dossiers.append(
                {
                    "unit": code,
                    "month": period.number,
                    "on_time": counts.on_time,
                    "late": counts.late,
                }
            )
    for code, seen in sorted(heads.items()):
        if len(seen) > 1:
            warnings.append(
                f"unit {code}: its head changed during the year; the file keeps the last"
            )
    for person in people.values():
        if len(person.units) > 1 or len(person.leader_flags) > 1:
            warnings.append(
                f"{person.code}: moved unit or post during the year; the file keeps the last"
            )
    if organisation.on_time_floor != DEFAULT_FLOOR:
        warnings.append(
            f"the agency's on-time floor is {organisation.on_time_floor}; the format's is 90"
        )

    facts = _annual_facts(organisation, year, rules, people) if month is None else {}
    employees = []
    for code in sorted(people):
        person = people[code]
        employee = {
            "code": code,
            "unit": person.unit,
            "leader": person.leader,
            "quota_group": None,
            "maternity_months": [],
            "disciplines": [],
            "initiative": False,
            "degradation_concluded": False,
            "corruption_in_unit": False,
            **facts.get(code, {}),
            "months": [_month_entry(rules, m, person.leader) for m in person.months],
        }
        employees.append(employee)
    exported = set(people)
    scenario_units = []
    for unit in sorted(units.values(), key=lambda row: row["code"]):
        head = closing_heads.get(unit["code"])
        if head is not None and (
            head not in exported or people[head].unit != unit["code"] or not people[head].leader
        ):
            head = None  # the agency leader, rated by the level above, is not in the file
        scenario_units.append(
            {
                "code": unit["code"],
                "name": unit["name"],
                "parent": units[unit["parent_id"]]["code"] if unit["parent_id"] else None,
                "head": head,
                "outstanding_months": [],
            }
        )
    document = {
        "rule_set": rules.code,
        "year": year,
        "units": scenario_units,
        "employees": employees,
        "dossiers": dossiers,
    }
    return document, warnings


def _annual_facts(organisation, year, rules: RuleSet, people: dict[str, _Person]) -> dict:
    """Each person's annual inputs as the roll-up reads them; 6 queries."""
    from hrsystem.models import Employee

    rows = Employee.objects.filter(code__in=list(people)).values_list(
        "id", "code", "quota_group__name", "quota_group__organisation_id"
    )
    ids = {}
    groups = {}
    for pk, code, group, group_org in rows:
        ids[pk] = code
        groups[code] = group if group_org == organisation.pk else None
    inputs = selectors.people_inputs(organisation, year, list(ids))
    decisions = ledger.disciplines_in_year(
        organisation=organisation, year=year, public_duty_only=True, employee_ids=list(ids)
    )
    corruption = {
        code
        for code in Unit.objects.filter(
            pk__in=selectors.corruption_unit_ids(organisation, year)
        ).values_list("code", flat=True)
    }
    facts = {}
    for pk, code in ids.items():
        facts[code] = {
            "quota_group": groups[code],
            "maternity_months": sorted(inputs.maternity.get(pk, ())),
            "disciplines": [
                {"form": form, "date": since.isoformat()}
                for form, _severity, since in decisions.get(pk, ())
                if form in rules.discipline_forms
            ],
            "initiative": pk in inputs.initiative,
            "degradation_concluded": pk in inputs.degradation,
            "corruption_in_unit": people[code].unit in corruption,
        }
    return facts


# --- the stored results, printed as score_scenario prints them --------------------------


def _month_result(row: dict, unit_code: str, number: int) -> scoring.MonthResult:
    rated = bool(row["level"]) and not row["absent"] and not row["joined_late"]
    values = {name: (row[name] if rated else None) for name in adapters.RESULT_FIELDS}
    return scoring.MonthResult(
        employee=row["employee__code"],
        unit=unit_code,
        month=number,
        rated=rated,
        absent=row["absent"],
        level=row["level"] or None,
        reasons=adapters.reasons_from_json(row["reasons"]),
        **{k: v for k, v in values.items() if k in _MONTH_NUMBERS},
    )


_MONTH_NUMBERS = (
    "general",
    "quantity_pct",
    "quality_pct",
    "progress_pct",
    "task_pct",
    "task_points",
    "bonus",
    "deductions",
    "total",
)


def stored_outcomes(organisation: Organisation, year: int, month: int | None = None):
    """The stored results as the engine's outcomes (months, then the year): what
    `render` prints. With a month, the year is the engine's over that stored month
    alone, as a one-month scenario rates it."""
    periods = periods_for(organisation, year, month)
    rules = rule_set_from_snapshot(periods[-1].rule_set_snapshot)
    units = dict(Unit.objects.filter(organisation=organisation).values_list("id", "code"))
    months: dict[int, scoring.MonthOutcome] = {}
    by_person: dict[str, list[scoring.MonthResult]] = {}
    last_unit: dict[str, str] = {}
    leader: dict[str, bool] = {}
    rows = (
        Evaluation.objects.filter(period__in=periods, is_current=True)
        .exclude(not_rated=True, joined_late=False)
        .order_by("period__number", "employee__code")
        .values(
            "period__number",
            "employee__code",
            "unit_id",
            "absent",
            "joined_late",
            "is_leader",
            "level",
            "reasons",
            *adapters.RESULT_FIELDS,
        )
    )
    for period in periods:
        months[period.number] = scoring.MonthOutcome(people={}, units={})
    for row in rows:
        number = row["period__number"]
        code = row["employee__code"]
        result = _month_result(row, units[row["unit_id"]], number)
        months[number].people[code] = result
        by_person.setdefault(code, []).append(result)
        last_unit[code] = units[row["unit_id"]]
        leader[code] = row["is_leader"]
    stored_units = {
        (row["period__number"], row["unit_id"]): row
        for row in UnitPeriod.objects.filter(period__in=periods).values(
            "period__number", "unit_id", *adapters.UNIT_RESULT_FIELDS
        )
    }
    for period in periods:
        for unit_id, code in units.items():
            row = stored_units.get((period.number, unit_id))
            months[period.number].units[code] = scoring.UnitMonthResult(
                unit=code,
                month=period.number,
                rated_count=row["rated_count"] if row else 0,
                score=row["score"] if row else None,
                score_level=(row["score_level"] or None) if row else None,
                level=(row["level"] or None) if row else None,
                on_time_rate=row["on_time_rate"] if row else None,
                reasons=adapters.reasons_from_json(row["reasons"])
                if row
                else [scoring.Reason(scoring.NO_RATED_STAFF)],
            )
    if month is not None:
        people = [
            scoring.PersonYear(code, last_unit[code], leader[code], months=tuple(results))
            for code, results in by_person.items()
        ]
        tree = [scoring.Unit(code) for code in units.values()]
        year_outcome = scoring.score_year(rules, tree, people, year=year)
    else:
        if selectors.run_of(organisation, year) is None:
            raise ExportError(
                f"{organisation.code} {year} is not rolled up yet: run rollup_year first"
            )
        year_outcome = _stored_year(organisation, year, units)
    return rules, months, year_outcome


def _stored_year(organisation, year: int, units: dict[int, str]) -> scoring.YearOutcome:
    people = {}
    for row in models.AnnualResult.objects.filter(organisation=organisation, year=year).values(
        "employee__code", "unit_id", "rated", "months_worked", "score", "level", "title", "reasons"
    ):
        people[row["employee__code"]] = scoring.YearResult(
            employee=row["employee__code"],
            unit=units[row["unit_id"]],
            rated=row["rated"],
            months_worked=row["months_worked"],
            score=row["score"],
            level=row["level"] or None,
            title=row["title"] or None,
            reasons=[scoring.Reason(r["code"]) for r in row["reasons"]],
        )
    unit_results = {}
    for row in models.UnitAnnualResult.objects.filter(organisation=organisation, year=year).values(
        "unit_id", "rated_count", "member_count", "score", "level", "title", "rank", "on_time_rate"
    ):
        code = units[row["unit_id"]]
        unit_results[code] = scoring.UnitYearResult(
            unit=code,
            rated_count=row["rated_count"],
            members=row["member_count"],
            score=row["score"],
            score_level=None,
            level=row["level"] or None,
            on_time_rate=row["on_time_rate"],
            title=row["title"] or None,
            rank=row["rank"],
        )
    return scoring.YearOutcome(people=people, units=unit_results)


def stored_results(organisation: Organisation, year: int, month: int | None = None) -> dict:
    """The stored results in the document `score_scenario` prints."""
    from evaluation.scenario import ScenarioResult

    rules, months, year_outcome = stored_outcomes(organisation, year, month)
    return render(ScenarioResult(rules, months, year_outcome))
