"""A small agency with a year of locked months, for the annual tests.

`build_year(months=12)` makes an agency whose structure a scenario file can carry
exactly (each unit keeps one head all year, no deputies, nobody joins late):

    UBND (root: `lanh_dao`, the agency leader, rated by the level above)
    ├─ PA  head `truong_a`, staff a1..a5 (a1, a2 in quota group "Kế toán")
    └─ PB  head `truong_b`, staff b1..b4 (b1, b2 in quota group "Kế toán")

`to_chuc` (PA staff) is the HR officer, `hoi_dong` (PB staff) a board member. Each month
is opened through the services, its inputs seeded as the demo seeds them (criterion
scores and items done drawn from a seed, a few absent months), scored by the recompute
and locked (written directly: a fixture, not a test of the month's workflow).
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from django.core.management import call_command

from evaluation import adapters, scoring
from evaluation.models import CriterionScore, Evaluation, Period, PeriodState, WorkItem
from evaluation.rulesets import SHIPPED_FIXTURE, rule_set_from_snapshot
from hrsystem.models import PostKind, Role
from tests.factories import (
    EmployeeFactory,
    JobPositionFactory,
    OrganisationFactory,
    PeriodFactory,
    PostFactory,
    QuotaGroupFactory,
    RoleGrantFactory,
    StandardTaskFactory,
    UnitFactory,
    UserFactory,
)

YEAR = 2026
PROFILES = (
    (Decimal("0"), Decimal("1")),
    (Decimal("1.5"), Decimal("0.85")),
    (Decimal("3"), Decimal("0.6")),
    (Decimal("6"), Decimal("0.2")),
)
"""(general points lost, share of each item done): top, good, complete and fail months."""


def build_agency() -> SimpleNamespace:
    call_command("loaddata", str(SHIPPED_FIXTURE), verbosity=0)
    org = OrganisationFactory(code="UBND-NAM", name="UBND xã Thử Năm")
    c = SimpleNamespace(org=org, year=YEAR)
    c.root = UnitFactory(organisation=org, code="UBND", name="UBND xã")
    c.pa = UnitFactory(parent=c.root, code="PA", name="Phòng A")
    c.pb = UnitFactory(parent=c.root, code="PB", name="Phòng B")
    position = JobPositionFactory(organisation=org, code="CV", name="Chuyên viên")
    StandardTaskFactory(job_position=position, name="Hồ sơ", coefficient=Decimal(2))
    StandardTaskFactory(job_position=position, name="Báo cáo", coefficient=Decimal(1))
    c.group = QuotaGroupFactory(organisation=org, name="Kế toán")
    c.people = {}

    def person(name, unit, group=None):
        employee = EmployeeFactory(
            code=name.upper(),
            full_name=f"Người {name}",
            unit=unit,
            job_position=position,
            user=UserFactory(username=name),
        )
        if group is not None:
            employee.quota_group = group
            employee.save(update_fields=["quota_group"])
        c.people[name] = employee
        setattr(c, name, employee)
        return employee

    person("lanh_dao", c.root)
    person("truong_a", c.pa)
    person("truong_b", c.pb)
    for n in range(1, 6):
        person(f"a{n}", c.pa, c.group if n <= 2 else None)
    for n in range(1, 5):
        person(f"b{n}", c.pb, c.group if n <= 2 else None)
    person("to_chuc", c.pa)
    person("hoi_dong", c.pb)
    PostFactory(employee=c.lanh_dao, unit=c.root, kind=PostKind.HEAD)
    PostFactory(employee=c.truong_a, unit=c.pa, kind=PostKind.HEAD)
    PostFactory(employee=c.truong_b, unit=c.pb, kind=PostKind.HEAD)
    c.hr = RoleGrantFactory(
        user=c.to_chuc.user, role=Role.HR_OFFICER, organisation=org, start=date(2026, 1, 1)
    ).user
    RoleGrantFactory(
        user=c.hoi_dong.user, role=Role.BOARD_MEMBER, organisation=org, start=date(2026, 1, 1)
    )
    return c


def open_month(c, month: int, *, seed: int = 0, usual=None, absent=()) -> Period:
    """Open `month`, seed everyone's inputs, score it; not locked."""
    rng = random.Random(f"{seed}-{month}")
    usual = usual or {}
    period = PeriodFactory(organisation=c.org, year=c.year, number=month, by=c.hr)
    evaluations = list(Evaluation.objects.filter(period=period).select_related("employee"))
    profile = {}
    for evaluation in evaluations:
        code = evaluation.employee.code
        profile[evaluation.pk] = usual.get(code) or rng.choice(PROFILES)
        if code in absent:
            evaluation.absent = True
            evaluation.save(update_fields=["absent"])
    criteria = period.rule_set_snapshot["general_criteria"]
    for score in CriterionScore.objects.filter(evaluation__period=period):
        lost, _done = profile[score.evaluation_id]
        maximum = Decimal(criteria[score.criterion_index]["max_points"])
        cut = min(maximum, lost / 2) if score.criterion_index in (2, 5) else Decimal(0)
        score.final = score.proposed = maximum - cut
        score.save(update_fields=["final", "proposed"])
    for item in WorkItem.objects.filter(evaluation__period=period):
        _lost, done = profile[item.evaluation_id]
        item.done = (item.planned * done).quantize(Decimal("0.01"))
        item.save(update_fields=["done"])
    adapters.period_recompute(period=period)
    period.refresh_from_db()
    return period


def lock(period: Period) -> None:
    Period.objects.filter(pk=period.pk).update(state=PeriodState.LOCKED)


def build_year(months: int = 12, seed: int = 0) -> SimpleNamespace:
    """The agency with `months` locked months (January on)."""
    c = build_agency()
    usual = {"A1": PROFILES[0], "A2": PROFILES[0], "B1": PROFILES[0], "TRUONG_A": PROFILES[0]}
    c.periods = []
    for month in range(1, months + 1):
        period = open_month(c, month, seed=seed, usual=usual, absent={"B4"} if month <= 3 else ())
        lock(period)
        c.periods.append(period)
    return c


def set_months(c, name: str, totals) -> None:
    """Store `name`'s month results directly: one total per counted month (None: absent),
    the level the thresholds give (a fixture for the year's tests, not a month's scoring)."""
    rules = rule_set_from_snapshot(c.periods[-1].rule_set_snapshot)
    for period, total in zip(c.periods, totals, strict=True):
        rows = Evaluation.objects.filter(period=period, employee=c.people[name], is_current=True)
        if total is None:
            rows.update(absent=True, total=None, level="", score_level="")
        else:
            value = Decimal(total)
            level = scoring.level_for(rules, value)
            rows.update(absent=False, total=value, level=level, score_level=level)


def set_everyone(c, total="80", **overrides) -> None:
    """Every rated person at `total` each month, except `overrides` (name → totals)."""
    for name in c.people:
        if name == "lanh_dao":
            continue
        set_months(c, name, overrides.get(name, [total] * len(c.periods)))
