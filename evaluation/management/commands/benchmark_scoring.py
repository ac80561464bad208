"""`manage.py benchmark_scoring`: time the engine at the scale of a province.

Builds, in memory, a deterministic agency tree of --units units and --people people
with --items work items each, then times one month's scoring and the annual roll-up
(quotas and titles included) over 12 months. Prints figures; asserts nothing.
Targets (issue 4): a month under 5 s, a year under 15 s, on one core.
"""

import random
import time
from decimal import Decimal

from django.core.management.base import BaseCommand

from evaluation.rulesets import shipped_rule_set
from evaluation.scoring import (
    Dossiers,
    MonthResult,
    PersonMonth,
    PersonYear,
    Unit,
    Violation,
    WorkItem,
    level_for,
    score_month,
    score_year,
)

DEPARTMENTS = 30


class Command(BaseCommand):
    help = "Time monthly scoring and the annual roll-up for a province-sized agency."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=200_000)
        parser.add_argument("--units", type=int, default=3_000)
        parser.add_argument("--items", type=int, default=5)
        parser.add_argument("--rule-set", default="nd335", choices=["nd335", "hn3814"])
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, people, units, items, rule_set, seed, **options):
        rules = shipped_rule_set(rule_set)
        rng = random.Random(seed)
        tree, staff = _build_agency(rng, units, people)
        inputs = _build_month(rng, rules, staff, items)
        dossiers = {u.code: Dossiers(rng.randint(50, 200), rng.randint(0, 12)) for u in tree}
        self.stdout.write(
            f"{rule_set}: {len(tree):,} units, {len(inputs):,} people, {items} items each"
        )

        started = time.perf_counter()
        cpu = time.process_time()
        outcome = score_month(rules, tree, inputs, month=1, dossiers=dossiers)
        month_wall = time.perf_counter() - started
        month_cpu = time.process_time() - cpu
        self._report("one month", month_wall, month_cpu, len(outcome.people), target=5)

        years = _build_year(rng, rules, staff, outcome.people)
        started = time.perf_counter()
        cpu = time.process_time()
        year = score_year(rules, tree, years, year=2026, dossiers=dossiers)
        year_wall = time.perf_counter() - started
        year_cpu = time.process_time() - cpu
        self._report("annual roll-up (12 months)", year_wall, year_cpu, len(year.people), 15)
        titled = sum(1 for r in year.people.values() if r.title)
        self.stdout.write(f"  titles proposed: {titled:,}; units ranked: {len(year.units):,}")

    def _report(self, what: str, wall: float, cpu: float, count: int, target: int) -> None:
        verdict = "within" if cpu < target else "OVER"
        self.stdout.write(
            f"  {what}: {wall:.2f} s wall, {cpu:.2f} s CPU, "
            f"{cpu / count * 1e6:.1f} µs CPU per person ({verdict} the {target} s target)"
        )


def _build_agency(rng: random.Random, unit_count: int, people: int):
    """A root, DEPARTMENTS departments, the rest as their sub-units; people spread evenly."""
    codes = [f"U{index:05d}" for index in range(unit_count)]
    parents = [None] + ["U00000"] * DEPARTMENTS
    parents += [codes[1 + rng.randrange(DEPARTMENTS)] for _ in range(unit_count - len(parents))]
    staff: dict[str, list[tuple[str, bool]]] = {code: [] for code in codes}
    for index in range(people):
        unit = codes[index % unit_count]
        leader = len(staff[unit]) < 2
        staff[unit].append((f"E{index:07d}", leader))
    tree = [
        Unit(code, parent, staff[code][0][0] if staff[code] else None, outstanding=index % 10 == 0)
        for index, (code, parent) in enumerate(zip(codes, parents, strict=True))
    ]
    return tree, staff


def _build_month(rng: random.Random, rules, staff, items: int) -> list[PersonMonth]:
    maxima = [criterion.max_points for criterion in rules.general_criteria]
    general_variants = [
        tuple(m - Decimal("0.5") * rng.randint(0, 1) if m > 1 else m for m in maxima)
        for _ in range(64)
    ]
    item_variants = [
        tuple(
            WorkItem(
                planned=Decimal(rng.randint(1, 20)),
                done=Decimal(rng.randint(0, 20)),
                coefficient=Decimal(rng.choice(["0.5", "1", "1.5", "2"])),
                major_errors=rng.choice([0, 0, 0, 1]),
                late=(late := rng.choice([0, 0, 0, 1, 2])),
                late_excused=rng.randint(0, late),
            )
            for _ in range(items)
        )
        for _ in range(256)
    ]
    violation = (Violation(Decimal(2), 1, None),)
    inputs = []
    for unit, members in staff.items():
        for code, leader in members:
            inputs.append(
                PersonMonth(
                    employee=code,
                    unit=unit,
                    month=1,
                    leader=leader,
                    absent=rng.random() < 0.01,
                    general=rng.choice(general_variants),
                    items=rng.choice(item_variants),
                    violations=violation if rng.random() < 0.05 else (),
                )
            )
    return inputs


def _build_year(rng: random.Random, rules, staff, january) -> list[PersonYear]:
    """Twelve month results per person: January as scored, other months varied around it."""
    years = []
    for unit, members in staff.items():
        for code, leader in members:
            base = january[code]
            months = [base]
            for month in range(2, 13):
                if not base.rated:
                    months.append(base)
                    continue
                total = max(Decimal(0), min(Decimal(100), base.total + rng.randint(-5, 5)))
                level = level_for(rules, total)
                months.append(
                    MonthResult(
                        code, unit, month, True, total=total, score_level=level, level=level
                    )
                )
            years.append(
                PersonYear(
                    employee=code,
                    unit=unit,
                    leader=leader,
                    quota_group=None if rng.random() < 0.7 else f"G{rng.randint(1, 50)}",
                    months=tuple(months),
                    initiative=rng.random() < 0.05,
                )
            )
    return years
