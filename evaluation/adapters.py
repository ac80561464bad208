"""ORM rows → engine inputs, and engine results → rows: one agency-period at a time.

`period_recompute` reads a whole period (evaluations, criterion scores, work items,
bonus, the discipline ledger, dossiers, posts and delegations) in a constant number of
queries, calls `scoring.score_month` once for the agency, and writes back only the rows
whose figures changed, set-based, audited by one `Recomputation` row per pass. A locked
period is never recomputed, its stored results and snapshot standing, except the units
a reasoned reopening (`services.reopening_open`) put back to be corrected.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from discipline import selectors as ledger
from evaluation import bulk_writes, models, scoring
from evaluation.models import Cadence, PeriodState
from evaluation.rules import RuleSet
from evaluation.rulesets import rule_set_from_snapshot
from evaluation.scoring import FAIL
from hrsystem import clock
from hrsystem import selectors as hr_selectors
from hrsystem.models import DeputyDelegation, Post, PostKind, Unit

logger = logging.getLogger(__name__)

RESULT_FIELDS = (
    "general",
    "quantity_pct",
    "quality_pct",
    "progress_pct",
    "leader_d",
    "leader_dd",
    "leader_e",
    "task_pct",
    "task_points",
    "bonus",
    "deductions",
    "total",
)
"""Decimal result columns shared by `Evaluation` and the engine's `MonthResult`."""

UNIT_RESULT_FIELDS = ("rated_count", "score", "score_level", "level", "on_time_rate", "reasons")

ZERO = Decimal(0)


def reasons_json(reasons) -> list[dict]:
    """Reasons as stored: [{"code": ..., "params": [[name, value], ...]}]."""
    return [{"code": r.code, "params": [list(pair) for pair in r.params]} for r in reasons]


def reasons_from_json(stored) -> list[scoring.Reason]:
    """The engine's `Reason`s back from `reasons_json`, for `reasons.reason_text`."""
    return [
        scoring.Reason(item["code"], tuple(tuple(pair) for pair in item.get("params", ())))
        for item in stored or ()
    ]


def months_of(period: models.Period) -> list[tuple[int, int]]:
    """(year, month) pairs the period covers: one for a month, three for a quarter."""
    if period.cadence == Cadence.MONTHLY:
        return [(period.year, period.number)]
    first = 3 * period.number - 2
    return [(period.year, month) for month in range(first, first + 3)]


def engine_violations(rules: RuleSet, entries) -> tuple[scoring.Violation, ...]:
    """Ledger entries as the engine's violations: a criterion code of the period's rule set
    becomes its index; an unknown or empty code is a deduction from the total."""
    index = {criterion.code: i for i, criterion in enumerate(rules.general_criteria)}
    return tuple(
        scoring.Violation(
            points=entry.points,
            criterion=index.get(entry.criterion_code) if entry.criterion_code else None,
            cap=entry.cap_level or None,
            ref=entry.catalogue_code or f"#{entry.id}",
        )
        for entry in entries
    )


@dataclass
class Loaded:
    """A period's rows as the adapter read them (see `load`)."""

    rules: RuleSet
    evaluations: list[dict]
    criteria: dict[int, list]
    items: dict[int, list[dict]]
    bonus: dict[int, list[scoring.Bonus]]
    units: dict[int, dict]
    leaders: dict[int, int]
    other_leaders: dict[int, set[int]]
    delegations: dict[int, set[int]]
    violations: dict[int, list]
    findings: dict[int, list]
    dossiers: dict[int, tuple[int, int]]
    late_dossiers: dict[int, int]
    failed_below: set[int]


_EVALUATION_COLUMNS = (
    "id",
    "employee_id",
    "employee__code",
    "unit_id",
    "is_leader",
    "is_head",
    "absent",
    "not_rated",
    "joined_late",
    "dd_score",
    "e_score",
    *RESULT_FIELDS,
    "criteria_result",
    "score_level",
    "level",
    "reasons",
)


def engine_item(item: models.WorkItem, review: dict | None = None) -> scoring.WorkItem:
    """`item` as the engine reads it, its uncertified late dossiers added to its days late;
    `review` (major_errors, late, late_excused, and done for a person who did not declare)
    replaces the stored values, as a head types them."""
    review = review or {}
    return scoring.WorkItem(
        planned=item.planned,
        done=review.get("done", item.done),
        coefficient=item.coefficient,
        major_errors=review.get("major_errors", item.major_errors),
        late=review.get("late", item.late) + item.dossier_late,
        late_excused=review.get("late_excused", item.late_excused),
    )


def person_preview(
    evaluation: models.Evaluation,
    rules: RuleSet,
    *,
    finals: dict,
    reviews: dict,
    leader: dict | None,
    items,
    ledger_entries,
) -> tuple[scoring.PersonMonth, Decimal | None]:
    """(the person's month, the leader's `d`) for `scoring.score_person` from values a
    scorer typed but has not saved: `finals` (criterion index → score or None), `reviews`
    (item id → review), `leader` (the đ and e typed, else the stored ones). Expects the
    evaluation's bonus entries prefetched; no query."""
    person = scoring.PersonMonth(
        employee=evaluation.employee.code,
        unit=evaluation.unit.code,
        month=evaluation.period.number,
        leader=evaluation.is_leader,
        general=tuple(finals.get(index) or ZERO for index in range(len(rules.general_criteria))),
        items=tuple(engine_item(item, reviews[item.pk]) for item in items),
        violations=engine_violations(rules, ledger_entries),
        bonus=tuple(
            scoring.Bonus(points=entry.points, reason=entry.reason)
            for entry in evaluation.bonus_entries.all()
        ),
        dd=leader["dd"] if leader else (evaluation.dd_score or rules.leader_full),
        e=leader["e"] if leader else (evaluation.e_score or rules.leader_full),
    )
    leader_d = None
    if evaluation.is_leader:
        leader_d = evaluation.leader_d if evaluation.leader_d is not None else rules.leader_full
    return person, leader_d


def leaders_in_period(unit_ids, start: date, end: date):
    """(unit id → who leads it in the period, unit id → its other leaders); 1 query.

    The leader is the head or acting head whose post covers the period's last day, else
    the one who held it latest; an acting head wins over a head. The other leaders are
    the deputies and any other head or acting head of the unit during the period (a
    head replaced mid-month is still scored as a leader).
    """
    posts = Post.objects.filter(
        hr_selectors.overlapping(start, end), unit_id__in=list(unit_ids), start__lte=end
    ).values_list("unit_id", "employee_id", "kind", "start", "end")
    best: dict[int, tuple] = {}
    others: dict[int, set[int]] = defaultdict(set)
    for unit_id, employee_id, kind, since, until in posts:
        others[unit_id].add(employee_id)
        if kind == PostKind.DEPUTY:
            continue
        rank = (until is None or until >= end, kind == PostKind.ACTING, since)
        if unit_id not in best or rank > best[unit_id][0]:
            best[unit_id] = (rank, employee_id)
    leaders = {unit_id: pair[1] for unit_id, pair in best.items()}
    for unit_id, leader in leaders.items():
        others[unit_id].discard(leader)
    return leaders, dict(others)


def load(period: models.Period, scope: set[int] | None = None) -> Loaded:
    """Read everything the engine needs for `period`; 12 queries (14 for a quarter).

    With `scope` (unit ids: some units and all their ancestors), only those units and
    their people, plus (one more query) which of them have a failed person beneath
    them outside the scope.
    """
    organisation = period.organisation
    start, end = period.start, period.end
    current = models.Evaluation.objects.filter(period=period, is_current=True)
    mine = {"evaluation__period": period, "evaluation__is_current": True}
    if scope is not None:
        current = current.filter(unit_id__in=scope)
    evaluations = [
        dict(zip(_EVALUATION_COLUMNS, row, strict=True))
        for row in current.order_by("id").values_list(*_EVALUATION_COLUMNS)
    ]
    # the whole agency's ledger, or (a scope) only its units' and people's rows
    people = None
    if scope is not None:  # a few units' people: index lookups, not a join over the period
        mine = {"evaluation_id__in": [row["id"] for row in evaluations]}
        people = sorted({row["employee_id"] for row in evaluations})
    criteria: dict[int, list] = defaultdict(list)
    for evaluation_id, proposed, final in (
        models.CriterionScore.objects.filter(**mine)
        .order_by("evaluation_id", "criterion_index")
        .values_list("evaluation_id", "proposed", "final")
    ):
        criteria[evaluation_id].append(final if final is not None else proposed)
    items: dict[int, list[dict]] = defaultdict(list)
    for row in (
        models.WorkItem.objects.filter(**mine)
        .order_by("evaluation_id", "id")
        .values(
            "id",
            "evaluation_id",
            "coefficient",
            "planned",
            "done",
            "major_errors",
            "late",
            "late_excused",
            "dossier_late",
            "is_dossier_processing",
        )
    ):
        items[row["evaluation_id"]].append(row)
    bonus: dict[int, list[scoring.Bonus]] = defaultdict(list)
    for evaluation_id, points, reason in models.BonusEntry.objects.filter(**mine).values_list(
        "evaluation_id", "points", "reason"
    ):
        bonus[evaluation_id].append(scoring.Bonus(points, reason))
    units = Unit.objects.filter(organisation=organisation)
    if scope is not None:
        units = units.filter(pk__in=scope)
    units = {row["id"]: row for row in units.values("id", "code", "parent_id")}
    leaders, other_leaders = leaders_in_period(units, start, end)
    delegations: dict[int, set[int]] = defaultdict(set)
    delegated = DeputyDelegation.objects.filter(
        hr_selectors.overlapping(start, end), unit__organisation=organisation, start__lte=end
    )
    if people is not None:
        delegated = delegated.filter(deputy_id__in=people)
    for deputy_id, staff_id in delegated.values_list("deputy_id", "staff_id"):
        delegations[deputy_id].add(staff_id)
    late_dossiers: dict[int, int] = defaultdict(int)
    for year, month in months_of(period):
        for officer_id, count in ledger.late_dossier_delays(
            organisation=organisation, year=year, month=month, officer_ids=people
        ).items():
            late_dossiers[officer_id] += count
    return Loaded(
        rules=rule_set_from_snapshot(period.rule_set_snapshot),
        evaluations=evaluations,
        criteria=criteria,
        items=items,
        bonus=bonus,
        units=units,
        leaders=leaders,
        other_leaders=other_leaders,
        delegations=delegations,
        violations=ledger.person_deductions(
            organisation=organisation, start=start, end=end, employee_ids=people
        ),
        findings=ledger.unit_findings(
            organisation=organisation, start=start, end=end, unit_ids=scope
        ),
        dossiers=ledger.dossier_counts(
            organisation=organisation, start=start, end=end, unit_ids=scope
        ),
        late_dossiers=late_dossiers,
        failed_below=set() if scope is None else _failed_below(period, scope),
    )


def _failed_below(period: models.Period, scope: set[int]) -> set[int]:
    """The units of `scope` with a failed person beneath them in a unit outside it (the
    stored results stand for the rest of the tree); 1 query."""
    failed = set()
    for path in (
        models.Evaluation.objects.filter(period=period, is_current=True, level=FAIL)
        .exclude(unit_id__in=scope)
        .order_by()
        .values_list("unit__path", flat=True)
        .distinct()
    ):
        failed.update(int(step) for step in path.split("/")[:-1])
    return failed & scope


def scope_of(unit_ids) -> set[int]:
    """The units `unit_ids` and all their ancestors: what a change in them can move
    (a unit's own results, its quota, and the heads above it); 1 query."""
    return {
        int(step)
        for path in Unit.objects.filter(pk__in=list(unit_ids)).values_list("path", flat=True)
        for step in path.split("/")[:-1]
    }


def _dossier_item(items: list[dict]) -> dict | None:
    return next((item for item in items if item["is_dossier_processing"]), None)


def engine_inputs(period: models.Period, data: Loaded):
    """(units, people, authority, dossiers) for `scoring.score_month` from loaded rows.

    Leader flags come from the posts held in the period (`leaders_in_period`); the
    leaders other than the unit's head answer for the staff delegated to them (nobody
    when none). Late
    dossiers with no certified cause are added, as days late, to the officer's
    dossier-processing item (`WorkItem.dossier_late`); an officer without such an item
    keeps them out of the task block and the adapter logs it.
    """
    rules = data.rules
    codes = {row["employee_id"]: row["employee__code"] for row in data.evaluations}
    units = [
        scoring.Unit(
            code=unit["code"],
            parent=data.units[unit["parent_id"]]["code"] if unit["parent_id"] else None,
            head=codes.get(data.leaders.get(unit_id)),
            caps=tuple(
                scoring.UnitCap(entry.cap_level, entry.catalogue_code or f"#{entry.id}")
                for entry in data.findings.get(unit_id, ())
                if entry.cap_level
            ),
        )
        for unit_id, unit in data.units.items()
    ]
    people, authority = [], {}
    for row in data.evaluations:
        if row["not_rated"] and not row["joined_late"]:
            continue  # the agency leader, rated by the level above
        employee_id, unit_id = row["employee_id"], row["unit_id"]
        code = codes[employee_id]
        is_head = data.leaders.get(unit_id) == employee_id
        is_deputy = employee_id in data.other_leaders.get(unit_id, ())
        leader = is_head or is_deputy
        if is_deputy and not is_head:
            authority[code] = [
                codes[staff] for staff in data.delegations.get(employee_id, ()) if staff in codes
            ]
        own_items = data.items.get(row["id"], [])
        late = data.late_dossiers.get(employee_id, 0)
        target = _dossier_item(own_items)
        if target is not None:
            target["dossier_late_new"] = late
        elif late:
            logger.warning(
                "period %s: %s has %d late dossiers but no dossier-processing item",
                period.pk,
                code,
                late,
            )
        general = data.criteria.get(row["id"], [])
        people.append(
            scoring.PersonMonth(
                employee=code,
                unit=data.units[unit_id]["code"],
                month=period.number,
                leader=leader,
                absent=row["absent"],
                joined_late=row["joined_late"],
                general=tuple(score if score is not None else ZERO for score in general),
                items=tuple(
                    scoring.WorkItem(
                        planned=item["planned"],
                        done=item["done"],
                        coefficient=item["coefficient"],
                        major_errors=item["major_errors"],
                        late=item["late"] + item.get("dossier_late_new", item["dossier_late"]),
                        late_excused=item["late_excused"],
                    )
                    for item in own_items
                ),
                violations=engine_violations(rules, data.violations.get(employee_id, ())),
                bonus=tuple(data.bonus.get(row["id"], ())),
                dd=row["dd_score"] if row["dd_score"] is not None else rules.leader_full,
                e=row["e_score"] if row["e_score"] is not None else rules.leader_full,
            )
        )
        row["leader_now"], row["head_now"] = leader, is_head
    dossiers = {
        data.units[unit_id]["code"]: scoring.Dossiers(on_time, late)
        for unit_id, (on_time, late) in data.dossiers.items()
        if unit_id in data.units
    }
    return units, people, authority, dossiers


def _result_values(result: scoring.MonthResult | None) -> dict:
    if result is None or not result.rated:
        values = dict.fromkeys(RESULT_FIELDS)
        values.update(
            criteria_result=[],
            score_level="",
            level="",
            reasons=reasons_json(result.reasons) if result else [],
        )
        return values
    values = {name: getattr(result, name) for name in RESULT_FIELDS}
    values.update(
        criteria_result=[str(score) for score in result.criteria],
        score_level=result.score_level or "",
        level=result.level or "",
        reasons=reasons_json(result.reasons),
    )
    return values


EVALUATION_WRITE_FIELDS = (
    *RESULT_FIELDS,
    "criteria_result",
    "score_level",
    "level",
    "reasons",
    "is_leader",
    "is_head",
    "computed_at",
)
"""Columns the recompute writes on each changed evaluation (all of them, set-based)."""


@transaction.atomic
def period_recompute(*, period: models.Period, by=None, units=None) -> scoring.MonthOutcome | None:
    """Score the agency's period through the engine and store what changed.

    With `units` (unit ids), only what a change in them can move: those units, their
    ancestors and the people in them (`scope_of`), the rest of the tree standing for
    itself through its stored levels (`scoring.score_month`'s `failed_below`); the
    results equal a whole recompute's.

    Constant reads: the period, `load` and the unit periods (14 queries); writes only the
    rows whose figures changed, set-based (`bulk_writes.update_rows`: one statement per
    batch of rows, JIT off on PostgreSQL), audited by one `Recomputation` row naming
    `by` and the rows changed. Returns the engine's outcome, or None for a locked
    period, which keeps its stored results (but for the units of an open reopening, which
    are all it re-scores). Raises ValidationError naming the input the
    engine refused.
    """
    period = (
        models.Period.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=period.pk)
    )
    if period.state == PeriodState.LOCKED:
        units = _reviewed_units(period)  # a reopening re-scores its units only
        if not units:
            return None
    bulk_writes.jit_off()
    data = load(period, None if units is None else scope_of(units))
    tree, people, authority, dossiers = engine_inputs(period, data)
    try:
        outcome = scoring.score_month(
            data.rules,
            tree,
            people,
            month=period.number,
            dossiers=dossiers,
            on_time_floor=period.organisation.on_time_floor,
            authority=authority,
            failed_below=[data.units[unit_id]["code"] for unit_id in data.failed_below],
        )
    except scoring.ScoringInputError as error:
        raise ValidationError({error.path: error.message}) from error
    now = clock.now()
    changed: dict[int, dict] = {}
    for row in data.evaluations:
        values = _result_values(outcome.people.get(row["employee__code"]))
        values["is_leader"] = row.get("leader_now", row["is_leader"])
        values["is_head"] = row.get("head_now", row["is_head"])
        if any(row.get(name) != value for name, value in values.items()):
            changed[row["id"]] = {**values, "computed_at": now}
    bulk_writes.update_rows(models.Evaluation, changed, EVALUATION_WRITE_FIELDS)
    items = _store_dossier_late(data)
    unit_periods = _store_units(period, data, outcome)
    if changed or items or unit_periods:
        models.Recomputation.objects.create(
            period=period,
            by=by,
            at=now,
            people=len(people),
            evaluation_ids=sorted(changed),
            work_item_ids=items,
            unit_period_ids=unit_periods,
        )
    logger.info("period %s recomputed: %d people, %d changed", period.pk, len(people), len(changed))
    return outcome


def _reviewed_units(period: models.Period) -> set[int]:
    """The units of the people a reopening put back to be corrected; 1 query."""
    ids = [
        pk
        for reopened in models.PeriodReopening.objects.filter(
            period=period, closed_at__isnull=True
        ).values_list("reopened_ids", flat=True)
        for pk in reopened
    ]
    if not ids:
        return set()
    return set(models.Evaluation.objects.filter(pk__in=ids).values_list("unit_id", flat=True))


def _store_dossier_late(data: Loaded) -> list[int]:
    changed = {}
    for items in data.items.values():
        for item in items:
            new = item.get("dossier_late_new", 0 if item["is_dossier_processing"] else None)
            if new is not None and new != item["dossier_late"]:
                changed[item["id"]] = {"dossier_late": new}
    bulk_writes.update_rows(models.WorkItem, changed, ["dossier_late"])
    return sorted(changed)


def _store_units(period: models.Period, data: Loaded, outcome) -> list[int]:
    rows = models.UnitPeriod.objects.filter(period=period, unit_id__in=list(data.units)).values(
        "id", "unit_id", *UNIT_RESULT_FIELDS
    )
    changed = {}
    for row in rows:
        result = outcome.units.get(data.units[row["unit_id"]]["code"])
        values = {
            "rated_count": result.rated_count if result else 0,
            "score": result.score if result else None,
            "score_level": (result.score_level or "") if result else "",
            "level": (result.level or "") if result else "",
            "on_time_rate": result.on_time_rate if result else None,
            "reasons": reasons_json(result.reasons) if result else [],
        }
        if any(row[name] != value for name, value in values.items()):
            changed[row["id"]] = values
    bulk_writes.update_rows(models.UnitPeriod, changed, UNIT_RESULT_FIELDS)
    return sorted(changed)
