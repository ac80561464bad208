"""Reads of the board's review and the year's charts: each proposal with its evidence
and its registration, the board's decisions, the meetings, and the figures the charts
draw. Every function reads in a constant number of queries whatever the agency's size.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Avg, Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from discipline import selectors as ledger
from discipline.models import Violation, ViolationStatus
from evaluation import scoring
from evaluation.annual import board_models as bm
from evaluation.annual import models, selectors
from evaluation.annual.presenters import LEVEL_ORDER, title_label
from evaluation.models import Evaluation
from evaluation.presenters import level_label
from evaluation.rulesets import rule_set_from_snapshot
from hrsystem import selectors as hr_selectors
from hrsystem.models import Employee, Organisation, Role, RoleGrant


def _labeller(run):
    rules = rule_set_from_snapshot(run.rule_set_snapshot) if run and run.rule_set_snapshot else None
    return (lambda level: level_label(rules, level) if level else "") if rules else (lambda v: v)


@dataclass
class PersonProposal:
    """A person's proposed title with everything the board weighs."""

    result: models.AnnualResult
    title_label: str
    level_label: str
    months: list[tuple[int, str, Decimal | None]] = field(default_factory=list)
    violations: int = 0
    disciplines: list[str] = field(default_factory=list)
    initiatives: list[str] = field(default_factory=list)
    registration: str = ""
    decision: bm.TitleDecision | None = None
    decision_label: str = ""
    unit_result: models.UnitAnnualResult | None = None
    level_decision: bm.LevelDecision | None = None
    decided_label: str = ""
    title_follows: str = ""


@dataclass
class UnitProposal:
    result: models.UnitAnnualResult
    title_label: str
    level_label: str
    registration: bm.UnitEmulationRegistration | None = None
    decision: bm.TitleDecision | None = None
    decision_label: str = ""


def _board_people(organisation: Organisation, on: date) -> list[Employee]:
    """Employees holding a board grant in the agency on `on`; 1 query."""
    grants = RoleGrant.objects.filter(
        hr_selectors.active_on(on), role=Role.BOARD_MEMBER, organisation=organisation
    )
    return list(
        Employee.objects.filter(Exists(grants.filter(user=OuterRef("user")))).order_by(
            "sort_key", "code"
        )
    )


def title_for_level(rules, level: str, initiative: bool) -> str:
    """The individual title the engine's rule gives a decided `level` (LĐTT for Tốt or
    Xuất sắc, CSTĐCS with an initiative, Xuất sắc only where the rule set says so);
    the optional share cap of CSTĐCS is the engine's alone."""
    if level not in (scoring.TOP, scoring.GOOD):
        return ""
    if initiative and (not rules.cstdcs_requires_top or level == scoring.TOP):
        return scoring.TITLE_EMULATION_SOLDIER
    return scoring.TITLE_ADVANCED_WORKER


def _title_follows(rules, result, level_decision, initiative: bool) -> str:
    """What the title would be at the decided level, when it differs from the
    engine's proposal ("" when it does not)."""
    if rules is None or level_decision is None or not level_decision.changed:
        return ""
    title = title_for_level(rules, level_decision.level, initiative)
    if title == (result.title or ""):
        return ""
    return title_label(title) if title else _("không có danh hiệu")


def board_review(organisation: Organisation, year: int, run, on: date) -> dict:
    """Everything the board's review page shows; 14 queries whatever the size."""
    label = _labeller(run)
    rules = rule_set_from_snapshot(run.rule_set_snapshot) if run and run.rule_set_snapshot else None
    level_decisions = {
        d.employee_id: d
        for d in bm.LevelDecision.objects.filter(organisation=organisation, year=year)
    }
    registrations = dict(
        bm.TitleRegistration.objects.filter(organisation=organisation, year=year).values_list(
            "employee_id", "title"
        )
    )
    decisions = list(
        bm.TitleDecision.objects.filter(organisation=organisation, year=year).select_related(
            "decided_by"
        )
    )
    by_person = {d.employee_id: d for d in decisions if d.employee_id}
    by_unit = {d.unit_id: d for d in decisions if d.unit_id}
    wanted = Q(title__gt="") | Q(
        employee_id__in=list(registrations) + list(by_person) + list(level_decisions)
    )
    results = list(
        models.AnnualResult.objects.filter(wanted, organisation=organisation, year=year)
        .select_related("employee", "unit")
        .order_by("unit__path", "employee__sort_key", "employee__code")
    )
    ids = [r.employee_id for r in results]
    units = {
        u.unit_id: u
        for u in models.UnitAnnualResult.objects.filter(
            organisation=organisation, year=year
        ).select_related("unit")
    }
    months: dict[int, list] = defaultdict(list)
    period_ids = list(run.periods.values_list("pk", flat=True)) if run else []
    for employee_id, number, level, total in (
        Evaluation.objects.filter(period_id__in=period_ids, employee_id__in=ids, is_current=True)
        .order_by("period__number")
        .values_list("employee_id", "period__number", "level", "total")
    ):
        months[employee_id].append((number, label(level), total))
    violations = dict(
        Violation.objects.filter(
            organisation=organisation, employee_id__in=ids, occurred_on__year=year
        )
        .exclude(status=ViolationStatus.ANNULLED)
        .values("employee_id")
        .annotate(n=Count("id"))
        .values_list("employee_id", "n")
    )
    disciplines = ledger.disciplines_in_year(organisation=organisation, year=year, employee_ids=ids)
    initiatives: dict[int, list[str]] = defaultdict(list)
    for employee_id, title, number in models.Initiative.objects.filter(
        organisation=organisation, year=year, employee_id__in=ids
    ).values_list("employee_id", "title", "document_number"):
        initiatives[employee_id].append(f"{title} ({number})")
    people = []
    for result in results:
        decision = by_person.get(result.employee_id)
        level_decision = level_decisions.get(result.employee_id)
        people.append(
            PersonProposal(
                result=result,
                title_label=title_label(result.title),
                level_label=label(result.level),
                months=months.get(result.employee_id, []),
                violations=violations.get(result.employee_id, 0),
                disciplines=[
                    f"{code} ({day:%d/%m/%Y})"
                    for code, _s, day in disciplines.get(result.employee_id, [])
                ],
                initiatives=initiatives.get(result.employee_id, []),
                registration=title_label(registrations.get(result.employee_id, "")),
                decision=decision,
                decision_label=title_label(decision.final_title) if decision else "",
                unit_result=units.get(result.unit_id),
                level_decision=level_decision,
                decided_label=label(level_decision.level) if level_decision else "",
                title_follows=_title_follows(
                    rules, result, level_decision, result.employee_id in initiatives
                ),
            )
        )
    unit_registrations = {
        r.unit_id: r
        for r in bm.UnitEmulationRegistration.objects.filter(organisation=organisation, year=year)
    }
    unit_rows = []
    for unit_id, result in sorted(
        units.items(), key=lambda item: (item[1].rank or 10**6, item[1].unit.code)
    ):
        decision = by_unit.get(unit_id)
        if not (result.title or decision or unit_id in unit_registrations):
            continue
        unit_rows.append(
            UnitProposal(
                result=result,
                title_label=title_label(result.title),
                level_label=label(result.level),
                registration=unit_registrations.get(unit_id),
                decision=decision,
                decision_label=title_label(decision.final_title) if decision else "",
            )
        )
    review = bm.AnnualReview.objects.filter(organisation=organisation, year=year).first()
    present = set(review.members_present.values_list("pk", flat=True)) if review else set()
    appeals = list(
        bm.AnnualAppeal.objects.filter(
            organisation=organisation, year=year, state=bm.AppealState.PENDING
        ).select_related("employee")
    )
    return {
        "people": people,
        "units": unit_rows,
        "review": review,
        "members": [(m, m.pk in present) for m in _board_people(organisation, on)],
        "appeals": appeals,
        "undecided": sum(1 for p in people if p.result.title and p.decision is None)
        + sum(1 for u in unit_rows if u.result.title and u.decision is None),
    }


def person_procedure(organisation: Organisation, year: int, employee: Employee) -> dict:
    """A person's self-evaluation, superior's rating, registration, decision and appeals
    of the year; 5 queries."""
    where = {"organisation": organisation, "year": year, "employee": employee}
    return {
        "self_assessment": bm.SelfAssessment.objects.filter(**where).first(),
        "rating": bm.SuperiorRating.objects.filter(**where).select_related("rated_by").first(),
        "registration": bm.TitleRegistration.objects.filter(**where).first(),
        "decision": bm.TitleDecision.objects.filter(**where).first(),
        "appeals": list(bm.AnnualAppeal.objects.filter(**where)),
    }


def charts(organisation: Organisation, year: int, run, unit_ids: set[int] | None) -> dict:
    """Level distribution per unit, the mean month total per month and each head's
    accountability over the year, limited to `unit_ids` (None: every unit); 4 queries."""
    label = _labeller(run)
    results = models.AnnualResult.objects.filter(organisation=organisation, year=year)
    unit_results = models.UnitAnnualResult.objects.filter(
        organisation=organisation, year=year
    ).select_related("unit")
    months = Evaluation.objects.filter(
        period__in=run.periods.all() if run else [], is_current=True, total__isnull=False
    )
    if unit_ids is not None:
        results = results.filter(unit_id__in=unit_ids)
        unit_results = unit_results.filter(unit_id__in=unit_ids)
        months = months.filter(unit_id__in=unit_ids)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    heads: dict[int, models.AnnualResult] = {}
    rows = selectors.with_decided_level(results.filter(rated=True))
    for row in rows.select_related("employee").order_by():
        counts[row.unit_id][row.decided] = counts[row.unit_id].get(row.decided, 0) + 1
        if row.is_head:
            heads[row.unit_id] = row
    trend = [
        (f"{number:02d}", total, "")
        for number, total in months.values("period__number")
        .annotate(mean=Avg("total"))
        .order_by("period__number")
        .values_list("period__number", "mean")
    ]
    units = []
    for unit_result in unit_results.order_by("unit__path"):
        own = counts.get(unit_result.unit_id, {})
        head = heads.get(unit_result.unit_id)
        capped = head is not None and any(
            reason.get("code") == scoring.HEAD_CAPPED_BY_UNIT for reason in head.reasons
        )
        units.append(
            {
                "result": unit_result,
                "level_label": label(unit_result.level),
                "bars": [(label(level), own.get(level, 0), level) for level in LEVEL_ORDER],
                "head": head,
                "head_level_label": label(head.level) if head else "",
                "head_capped": capped,
                "fails": own.get(LEVEL_ORDER[-1], 0),
            }
        )
    return {"units": units, "trend": trend}
