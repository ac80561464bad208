"""Scenario files (`shared/spec/scenario-format.md`): parse, validate, score, render.

`parse_scenario(text, rule_set_lookup)` returns a `Scenario` or raises `ScenarioError`
listing every problem with its JSON path; nothing is scored until the whole file is
valid. `run_scenario(scenario)` scores it with the same engine as the web app and
`render(result)` gives the documented JSON document. No Django, no database.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from .rules import RuleSet
from .scoring import (
    Bonus,
    Discipline,
    Dossiers,
    MonthOutcome,
    MonthResult,
    PersonMonth,
    PersonYear,
    ScoringInputError,
    Unit,
    Violation,
    WorkItem,
    YearOutcome,
    round2,
    score_month,
    score_year,
    units_deepest_first,
)

LEADER_CRITERION_VALUES = (Decimal(100), Decimal(50))
CAP_CODES = ("fail", "complete", "good")


class ScenarioError(ValueError):
    """A scenario that cannot be scored; `problems` holds "path: message" lines."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class EmployeeFacts:
    """The annual conditions of one employee, as read from the file."""

    code: str
    unit: str
    leader: bool
    quota_group: str | None
    maternity_months: frozenset[int]
    disciplines: tuple[Discipline, ...]
    initiative: bool
    degradation_concluded: bool
    corruption_in_unit: bool


@dataclass
class Scenario:
    """A validated scenario, ready for `run_scenario`."""

    rules: RuleSet
    year: int
    units: list[dict]
    employees: list[EmployeeFacts]
    months: dict[int, list[PersonMonth]]
    dossiers: dict[tuple[str, int], Dossiers]


@dataclass
class ScenarioResult:
    """What `run_scenario` produced: one outcome per month and the year."""

    rules: RuleSet
    months: dict[int, MonthOutcome]
    year: YearOutcome


class _Reader:
    """Collects problems while reading typed values at JSON paths."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def obj(self, value, path: str) -> dict | None:
        if not isinstance(value, dict):
            self.problem(path, "must be an object")
            return None
        return value

    def array(self, parent: dict, key: str, path: str, required: bool = False) -> list:
        if key not in parent or parent[key] is None:
            if required:
                self.problem(f"{path}.{key}" if path else key, "is required")
            return []
        value = parent[key]
        if not isinstance(value, list):
            self.problem(f"{path}.{key}" if path else key, "must be a list")
            return []
        return value

    def required(self, parent: dict, key: str, path: str) -> bool:
        if key not in parent:
            self.problem(f"{path}.{key}" if path else key, "is required")
            return False
        return True

    def text(self, value, path: str, nullable: bool = False) -> str | None:
        if value is None and nullable:
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(path, "must be a non-empty text" + (" or null" if nullable else ""))
            return None
        return value

    def boolean(self, parent: dict, key: str, path: str) -> bool:
        value = parent.get(key, False)
        if not isinstance(value, bool):
            self.problem(f"{path}.{key}", "must be true or false")
            return False
        return value

    def number(self, value, path: str) -> Decimal | None:
        if isinstance(value, bool) or value is None:
            self.problem(path, "must be a number")
            return None
        if isinstance(value, (int, Decimal)):
            number = Decimal(value)
        elif isinstance(value, str):
            try:
                number = Decimal(value.strip())
            except InvalidOperation:
                self.problem(path, f"{value!r} is not a number")
                return None
        else:
            self.problem(path, "must be a number")
            return None
        if not number.is_finite():
            self.problem(path, f"{value!r} is not a finite number")
            return None
        return number

    def whole(self, value, path: str, minimum: int = 0) -> int | None:
        number = self.number(value, path)
        if number is None:
            return None
        if number != number.to_integral_value():
            self.problem(path, f"must be a whole number, got {value}")
            return None
        if number < minimum:
            self.problem(path, f"must be >= {minimum}, got {value}")
            return None
        return int(number)

    def month(self, value, path: str) -> int | None:
        number = self.whole(value, path, minimum=1)
        if number is not None and number > 12:
            self.problem(path, f"must be a month from 1 to 12, got {value}")
            return None
        return number


def _reject_constant(name: str) -> str:
    return name


def parse_scenario(text: str, rule_set_lookup: Callable[[str, date], RuleSet]) -> Scenario:
    """Validate a scenario document; raise ScenarioError naming every bad JSON path.

    `rule_set_lookup(code, on)` returns the rule set in force on `on` or raises
    LookupError for an unknown code.
    """
    try:
        data = json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ScenarioError([f"$: not valid JSON ({exc.msg} at line {exc.lineno})"]) from exc
    read = _Reader()
    if read.obj(data, "$") is None:
        raise ScenarioError(read.problems)

    rules = None
    year = None
    if read.required(data, "year", ""):
        year = read.whole(data["year"], "year", minimum=1900)
    if read.required(data, "rule_set", ""):
        code = read.text(data["rule_set"], "rule_set")
        if code is not None:
            try:
                rules = rule_set_lookup(code, date(year or 2026, 12, 31))
            except LookupError as exc:
                read.problem("rule_set", f"unknown rule set {code!r} ({exc})")

    units = _read_units(read, data)
    unit_codes = {u["code"] for u in units if u["code"] is not None}
    employees, months, leaders_of = _read_employees(read, data, rules, unit_codes)
    _check_heads(read, units, leaders_of)
    dossiers = _read_dossiers(read, data, unit_codes)
    if read.problems:
        raise ScenarioError(read.problems)
    return Scenario(rules, year, units, employees, months, dossiers)


def _read_units(read: _Reader, data: dict) -> list[dict]:
    units = []
    seen: set[str] = set()
    for index, raw in enumerate(read.array(data, "units", "", required=True)):
        path = f"units[{index}]"
        if read.obj(raw, path) is None:
            continue
        for key in ("code", "name", "parent", "head"):
            read.required(raw, key, path)
        code = read.text(raw.get("code"), f"{path}.code")
        if code is not None and code in seen:
            read.problem(f"{path}.code", f"duplicate unit code {code}")
            code = None
        if code is not None:
            seen.add(code)
        read.text(raw.get("name"), f"{path}.name")
        parent = read.text(raw.get("parent"), f"{path}.parent", nullable=True)
        head = read.text(raw.get("head"), f"{path}.head", nullable=True)
        outstanding = set()
        for m_index, value in enumerate(read.array(raw, "outstanding_months", path)):
            month = read.month(value, f"{path}.outstanding_months[{m_index}]")
            if month is not None:
                outstanding.add(month)
        units.append(
            {"code": code, "parent": parent, "head": head, "outstanding": outstanding, "path": path}
        )
    codes = {u["code"] for u in units if u["code"]}
    for unit in units:
        if unit["parent"] is not None and unit["parent"] not in codes:
            read.problem(f"{unit['path']}.parent", f"unknown unit {unit['parent']}")
    valid = [u for u in units if u["code"] and (u["parent"] is None or u["parent"] in codes)]
    try:
        units_deepest_first(Unit(u["code"], u["parent"]) for u in valid)
    except ScoringInputError:
        parents = {u["code"]: u["parent"] for u in valid}
        for unit in valid:
            seen_codes, current = set(), unit["code"]
            while current is not None and current not in seen_codes:
                seen_codes.add(current)
                current = parents.get(current)
            if current == unit["code"]:
                read.problem(f"{unit['path']}.parent", "the unit tree has a cycle here")
    return units


def _read_employees(read: _Reader, data: dict, rules: RuleSet | None, unit_codes: set[str]):
    employees: list[EmployeeFacts] = []
    months: dict[int, list[PersonMonth]] = defaultdict(list)
    leaders_of: dict[str, set[str]] = defaultdict(set)
    seen: set[str] = set()
    forms = rules.discipline_forms if rules else ()
    for index, raw in enumerate(read.array(data, "employees", "", required=True)):
        path = f"employees[{index}]"
        if read.obj(raw, path) is None:
            continue
        for key in ("code", "unit", "leader", "months"):
            read.required(raw, key, path)
        code = read.text(raw.get("code"), f"{path}.code")
        if code is not None and code in seen:
            read.problem(f"{path}.code", f"duplicate employee code {code}")
        if code is not None:
            seen.add(code)
        unit = read.text(raw.get("unit"), f"{path}.unit")
        if unit is not None and unit not in unit_codes:
            read.problem(f"{path}.unit", f"unknown unit {unit}")
        leader = read.boolean(raw, "leader", path)
        if leader and code and unit:
            leaders_of[unit].add(code)
        quota_group = read.text(raw.get("quota_group"), f"{path}.quota_group", nullable=True)
        maternity = set()
        for m_index, value in enumerate(read.array(raw, "maternity_months", path)):
            month = read.month(value, f"{path}.maternity_months[{m_index}]")
            if month is not None:
                maternity.add(month)
        disciplines = []
        for d_index, entry in enumerate(read.array(raw, "disciplines", path)):
            d_path = f"{path}.disciplines[{d_index}]"
            if read.obj(entry, d_path) is None:
                continue
            form = entry.get("form")
            if form not in forms:
                read.problem(f"{d_path}.form", f"must be one of {', '.join(forms)}, got {form!r}")
            try:
                when = date.fromisoformat(entry.get("date"))
            except (TypeError, ValueError):
                read.problem(f"{d_path}.date", f"not an ISO date: {entry.get('date')!r}")
                continue
            if form in forms:
                disciplines.append(Discipline(form, when))
        employees.append(
            EmployeeFacts(
                code=code,
                unit=unit,
                leader=leader,
                quota_group=quota_group,
                maternity_months=frozenset(maternity),
                disciplines=tuple(disciplines),
                initiative=read.boolean(raw, "initiative", path),
                degradation_concluded=read.boolean(raw, "degradation_concluded", path),
                corruption_in_unit=read.boolean(raw, "corruption_in_unit", path),
            )
        )
        seen_months: set[int] = set()
        for m_index, entry in enumerate(read.array(raw, "months", path)):
            m_path = f"{path}.months[{m_index}]"
            if read.obj(entry, m_path) is None or not read.required(entry, "month", m_path):
                continue
            month = read.month(entry["month"], f"{m_path}.month")
            if month is None:
                continue
            if month in seen_months:
                read.problem(f"{m_path}.month", f"month {month} repeated for {code}")
                continue
            seen_months.add(month)
            person = _read_month(read, entry, m_path, rules, code, unit, leader, month)
            if person is not None:
                months[month].append(person)
    return employees, months, leaders_of


def _read_month(read, entry, path, rules, code, unit, leader, month) -> PersonMonth | None:
    absent = read.boolean(entry, "absent", path)
    if absent:
        return PersonMonth(code, unit, month, leader=leader, absent=True)
    for key in ("general", "items"):
        read.required(entry, key, path)
    general = []
    raw_general = entry.get("general", [])
    if not isinstance(raw_general, list):
        read.problem(f"{path}.general", "must be a list")
        raw_general = []
    criteria = rules.general_criteria if rules else ()
    lengths_match = len(raw_general) == len(criteria)
    if rules and "general" in entry and not lengths_match:
        read.problem(
            f"{path}.general",
            f"expected {len(criteria)} scores for {rules.code}, got {len(raw_general)}",
        )
    for index, value in enumerate(raw_general):
        score = read.number(value, f"{path}.general[{index}]")
        if score is None:
            continue
        if lengths_match and not 0 <= score <= criteria[index].max_points:
            read.problem(
                f"{path}.general[{index}]",
                f"must be between 0 and {criteria[index].max_points}, got {value}",
            )
        general.append(score)

    items = []
    for index, raw in enumerate(read.array(entry, "items", path)):
        item = _read_item(read, raw, f"{path}.items[{index}]")
        if item is not None:
            items.append(item)

    violations = []
    for index, raw in enumerate(read.array(entry, "violations", path)):
        v_path = f"{path}.violations[{index}]"
        if read.obj(raw, v_path) is None or not read.required(raw, "points", v_path):
            continue
        points = read.number(raw["points"], f"{v_path}.points")
        if points is not None and points < 0:
            read.problem(f"{v_path}.points", f"must be >= 0, got {raw['points']}")
        criterion = raw.get("criterion")
        if criterion is not None:
            criterion = read.whole(criterion, f"{v_path}.criterion")
            if criterion is not None and rules is not None and criterion >= len(criteria):
                read.problem(
                    f"{v_path}.criterion",
                    f"must be 0 to {len(criteria) - 1} or null, got {criterion}",
                )
        cap = raw.get("cap")
        if cap is not None and cap not in CAP_CODES:
            read.problem(f"{v_path}.cap", f"must be null or one of {', '.join(CAP_CODES)}")
        if points is not None:
            violations.append(Violation(points, criterion, cap, ref=v_path))

    bonus = []
    raw_bonus = read.array(entry, "bonus", path)
    if raw_bonus and rules is not None and rules.bonus_cap is None:
        read.problem(f"{path}.bonus", f"rule set {rules.code} has no bonus block")
    for index, raw in enumerate(raw_bonus):
        b_path = f"{path}.bonus[{index}]"
        if read.obj(raw, b_path) is None or not read.required(raw, "points", b_path):
            continue
        points = read.number(raw["points"], f"{b_path}.points")
        if points is not None and points < 0:
            read.problem(f"{b_path}.points", f"must be >= 0, got {raw['points']}")
        if points is not None:
            bonus.append(Bonus(points, str(raw.get("reason", ""))))

    dd = e = Decimal(100)
    if "leader_criteria" in entry and entry["leader_criteria"] is not None:
        lc_path = f"{path}.leader_criteria"
        raw = read.obj(entry["leader_criteria"], lc_path)
        if not leader:
            read.problem(lc_path, "only a leader has leader criteria")
        elif raw is not None:
            for key in raw:
                if key not in ("dd", "e"):
                    read.problem(f"{lc_path}.{key}", "only dd and e are given (d is computed)")
            values = []
            for key in ("dd", "e"):
                value = read.number(raw.get(key, 100), f"{lc_path}.{key}")
                if value is not None and value not in LEADER_CRITERION_VALUES:
                    read.problem(f"{lc_path}.{key}", f"must be 100 or 50, got {raw.get(key)}")
                values.append(value if value is not None else Decimal(100))
            dd, e = values
    return PersonMonth(
        code,
        unit,
        month,
        leader=leader,
        general=tuple(general),
        items=tuple(items),
        violations=tuple(violations),
        bonus=tuple(bonus),
        dd=dd,
        e=e,
    )


def _read_item(read: _Reader, raw, path: str) -> WorkItem | None:
    if read.obj(raw, path) is None:
        return None
    ok = read.required(raw, "planned", path) & read.required(raw, "done", path)
    if not ok:
        return None
    planned = read.number(raw["planned"], f"{path}.planned")
    if planned is not None and planned <= 0:
        read.problem(f"{path}.planned", f"must be > 0, got {raw['planned']}")
        planned = None
    done = read.number(raw["done"], f"{path}.done")
    if done is not None and done < 0:
        read.problem(f"{path}.done", f"must be >= 0, got {raw['done']}")
        done = None
    coefficient = read.number(raw.get("coefficient", 1), f"{path}.coefficient")
    if coefficient is not None and coefficient <= 0:
        read.problem(f"{path}.coefficient", f"must be > 0, got {raw.get('coefficient')}")
        coefficient = None
    errors = read.whole(raw.get("major_errors", 0), f"{path}.major_errors")
    late = read.whole(raw.get("late", 0), f"{path}.late")
    excused = read.whole(raw.get("late_excused", 0), f"{path}.late_excused")
    if late is not None and excused is not None and excused > late:
        read.problem(f"{path}.late_excused", f"must be <= late ({late}), got {excused}")
        return None
    if None in (planned, done, coefficient, errors, late, excused):
        return None
    return WorkItem(planned, done, coefficient, errors, late, excused)


def _check_heads(read: _Reader, units: list[dict], leaders_of: dict[str, set[str]]) -> None:
    for unit in units:
        head = unit["head"]
        if head is None or unit["code"] is None:
            continue
        if head not in leaders_of.get(unit["code"], set()):
            read.problem(
                f"{unit['path']}.head", f"{head} is not an employee marked leader of {unit['code']}"
            )


def _read_dossiers(read: _Reader, data: dict, unit_codes: set[str]) -> dict:
    dossiers: dict[tuple[str, int], Dossiers] = {}
    for index, raw in enumerate(read.array(data, "dossiers", "")):
        path = f"dossiers[{index}]"
        if read.obj(raw, path) is None:
            continue
        for key in ("unit", "month"):
            read.required(raw, key, path)
        unit = read.text(raw.get("unit"), f"{path}.unit")
        if unit is not None and unit not in unit_codes:
            read.problem(f"{path}.unit", f"unknown unit {unit!r}")
        month = read.month(raw.get("month"), f"{path}.month")
        on_time = read.whole(raw.get("on_time", 0), f"{path}.on_time")
        late = read.whole(raw.get("late", 0), f"{path}.late")
        if (unit, month) in dossiers:
            read.problem(f"{path}.month", f"a second dossier row for {unit} in month {month}")
        elif None not in (on_time, late, month) and unit in unit_codes:
            dossiers[(unit, month)] = Dossiers(on_time, late)
    return dossiers


def run_scenario(scenario: Scenario) -> ScenarioResult:
    """Score every month of the scenario, then the year."""
    rules = scenario.rules
    outcomes: dict[int, MonthOutcome] = {}
    for month in sorted(scenario.months):
        units = [
            Unit(u["code"], u["parent"], u["head"], outstanding=month in u["outstanding"])
            for u in scenario.units
        ]
        dossiers = {unit: counts for (unit, m), counts in scenario.dossiers.items() if m == month}
        outcomes[month] = score_month(
            rules, units, scenario.months[month], month=month, dossiers=dossiers
        )
    results_of: dict[str, list[MonthResult]] = defaultdict(list)
    for month in sorted(outcomes):
        for result in outcomes[month].people.values():
            results_of[result.employee].append(result)
    people = [
        PersonYear(
            employee=facts.code,
            unit=facts.unit,
            leader=facts.leader,
            quota_group=facts.quota_group,
            months=tuple(results_of.get(facts.code, ())),
            maternity_months=facts.maternity_months,
            disciplines=facts.disciplines,
            initiative=facts.initiative,
            degradation_concluded=facts.degradation_concluded,
            corruption_in_unit=facts.corruption_in_unit,
        )
        for facts in scenario.employees
    ]
    year_dossiers: dict[str, Dossiers] = {}
    for (unit, _month), counts in scenario.dossiers.items():
        before = year_dossiers.get(unit, Dossiers())
        year_dossiers[unit] = Dossiers(before.on_time + counts.on_time, before.late + counts.late)
    year_units = [Unit(u["code"], u["parent"], u["head"]) for u in scenario.units]
    year = score_year(rules, year_units, people, year=scenario.year, dossiers=year_dossiers)
    return ScenarioResult(rules, outcomes, year)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(round2(value))


def render(result: ScenarioResult) -> dict:
    """The documented output document, lists sorted by employee or unit code, then month."""
    rules = result.rules
    months = []
    units = []
    for month, outcome in result.months.items():
        for person in outcome.people.values():
            months.append(
                {
                    "employee": person.employee,
                    "month": month,
                    "rated": person.rated,
                    "general": _money(person.general),
                    "quantity_pct": _money(person.quantity_pct),
                    "quality_pct": _money(person.quality_pct),
                    "progress_pct": _money(person.progress_pct),
                    "task_pct": _money(person.task_pct),
                    "task_points": _money(person.task_points),
                    "bonus": _money(person.bonus),
                    "deductions": _money(person.deductions),
                    "total": _money(person.total),
                    "level": person.level,
                    "level_label": rules.label(person.level),
                    "reasons": [reason.code for reason in person.reasons],
                }
            )
        for unit in outcome.units.values():
            units.append(
                {
                    "unit": unit.unit,
                    "month": month,
                    "score": _money(unit.score),
                    "level": unit.level,
                    "on_time_rate": _money(unit.on_time_rate),
                    "reasons": [reason.code for reason in unit.reasons],
                }
            )
    annual = [
        {
            "employee": person.employee,
            "rated": person.rated,
            "score": _money(person.score),
            "level": person.level,
            "reasons": [reason.code for reason in person.reasons],
            "title": person.title,
        }
        for person in result.year.people.values()
    ]
    annual_units = [
        {
            "unit": unit.unit,
            "score": _money(unit.score),
            "level": unit.level,
            "title": unit.title,
            "rank": unit.rank,
        }
        for unit in result.year.units.values()
    ]
    months.sort(key=lambda row: (row["employee"], row["month"]))
    units.sort(key=lambda row: (row["unit"], row["month"]))
    annual.sort(key=lambda row: row["employee"])
    annual_units.sort(key=lambda row: row["unit"])
    return {
        "rule_set": rules.code,
        "months": months,
        "units": units,
        "annual": annual,
        "annual_units": annual_units,
    }
