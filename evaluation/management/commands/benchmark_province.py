"""`manage.py benchmark_province --people N`: the database path at province size.

Reuses the province `PROV-<N>-<seed>` that `generate_province --people N` builds
(building it when missing, with `--months` months, by default a year), then, inside one
transaction rolled back at the end (so the province can be reused), times through the
services: open the next year's first month, fill it (set-based, as the generator does;
then ANALYZE, untimed, as autovacuum would before anyone scores), recompute it (every
row changes), one head's save, sign-off and publication; then the annual roll-up
(`rollup_year`) of the generated year, once its last month, left in scoring by the
generator, is locked in bulk (untimed), so that every generated month counts. Each row
shows wall time, this process's CPU time (the database server's is not in it: on a
shared machine wall time also counts waiting for a core), statements and the process's
peak RSS so far.

Then pandas reads the recomputed month's stored rows and computes the month totals per
unit (people rated, the sum of totals in hundredths, people per level); they must equal
the engine's outcome of the recompute, summed per unit, exactly. The last line is
`people=N rollup_s=X pandas_s=Y ratio=Z agree=yes|no`, where rollup_s is the
recompute's wall time.
"""

from __future__ import annotations

import random
import resource
import time
from collections import defaultdict

import pandas as pd
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count

from evaluation import province, services
from evaluation.adapters import period_recompute
from evaluation.annual import services as annual
from evaluation.models import Evaluation, PeriodState, UnitPeriod, UnitPeriodState
from hrsystem.models import Organisation, Post, PostKind


class Rollback(Exception):
    """Raised at the end of the timed steps to undo them."""


class Command(BaseCommand):
    help = "Time a province's month on the database and check it against pandas."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=2_000)
        parser.add_argument("--units", type=int, default=0, help="default: people / 65")
        parser.add_argument(
            "--months", type=int, default=12, help="months of a province built here (1–12)"
        )
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, people, units, months, seed, **options):
        code = f"PROV-{people}-{seed}"
        self.rows: list[tuple] = []
        self.stdout.write(f"database: {connection.vendor}; province {code}")
        built = self._province(code, people, units or max(2, people // 65), months, seed)
        try:
            with transaction.atomic():
                self._month(built, seed)
                raise Rollback
        except Rollback:
            pass
        self._table()
        self.stdout.write(
            f"people={people} rollup_s={self.rollup_s:.3f} pandas_s={self.pandas_s:.3f} "
            f"ratio={self.rollup_s / self.pandas_s:.1f} agree={'yes' if self.agree else 'no'}"
        )

    # --- the province -------------------------------------------------------------------

    def _province(self, code, people, units, months, seed) -> province.Province:
        organisation = Organisation.objects.filter(code=code).first()
        if organisation is None:
            started = time.perf_counter()
            built = province.generate(
                people=people,
                units=units,
                months=months,
                seed=seed,
                code=code,
                progress=lambda text: self.stdout.write(f"  generating: {text}"),
            )
            self.stdout.write(f"  generated in {time.perf_counter() - started:.1f} s")
            return built
        built = province.existing(organisation)
        if not any(month.year == province.YEAR for month in built.periods):
            raise CommandError(f"{code} has no month of {province.YEAR}: is it still generating?")
        self.stdout.write("  reusing it")
        return built

    # --- the timed steps ----------------------------------------------------------------

    def _step(self, name: str, call):
        """Run `call`, counting statements with an execute wrapper (Django's query capture
        would format every bulk statement's SQL and distort the time)."""
        count = [0]

        def counted(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            started, cpu = time.perf_counter(), time.process_time()
            result = call()
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.rows.append((name, f"{wall:.3f}", f"{cpu:.3f}", str(count[0]), f"{peak:.0f}"))
        self.stdout.write(f"  {name}: {wall:.3f} s")
        return result, wall

    def _month(self, built: province.Province, seed: int) -> None:
        org = built.organisation
        period, _wall = self._step(
            "open a month",
            lambda: services.period_open(
                organisation=org, year=province.YEAR + 1, number=1, by=built.hr_user
            ),
        )
        rng = random.Random(seed)
        self._step("fill the month (generator)", lambda: province.fill_month(period, rng))
        province.analyze()  # autovacuum's part, days before the heads score: not timed
        outcome, self.rollup_s = self._step(
            "recompute (every row changes)", lambda: period_recompute(period=period)
        )
        self._pandas(period, outcome)
        save = self._head_save(period)
        self._step("one head's save", save)
        UnitPeriod.objects.filter(period=period).update(state=UnitPeriodState.SUBMITTED)
        type(period).objects.filter(pk=period.pk).update(state=PeriodState.SUBMITTED)
        period.state = PeriodState.SUBMITTED
        self._step(
            "sign-off", lambda: services.period_sign_off(period=period, by=built.leader_user)
        )
        self._step("publish", lambda: services.period_publish(period=period, by=built.leader_user))
        year = [month for month in built.periods if month.year == province.YEAR]
        for month in year:
            if month.state != PeriodState.LOCKED:
                province.lock(month)  # the cycle's end, in bulk: not timed
        run, _wall = self._step(
            f"annual roll-up ({len(year)} month{'s' if len(year) > 1 else ''})",
            lambda: annual.rollup_year(org, province.YEAR, built.hr_user),
        )
        self.stdout.write(f"  annual roll-up: {run.people} people")

    def _head_save(self, period):
        """The head of the largest unit re-scoring one of its staff (full marks): the
        call to time, its lookups made beforehand."""
        unit_id = (
            Evaluation.objects.filter(period=period, is_head=False, not_rated=False)
            .values("unit_id")
            .annotate(n=Count("id"))
            .order_by("-n", "unit_id")
            .values_list("unit_id", flat=True)
            .first()
        )
        head = (
            Post.objects.filter(unit_id=unit_id, kind__in=[PostKind.HEAD, PostKind.ACTING])
            .select_related("employee__user")
            .first()
            .employee
        )
        evaluation = (
            Evaluation.objects.filter(
                period=period, unit_id=unit_id, is_head=False, not_rated=False
            )
            .exclude(employee=head)
            .order_by("pk")
            .first()
        )
        final = {
            index: criterion["max_points"]
            for index, criterion in enumerate(period.rule_set_snapshot["general_criteria"])
        }
        return lambda: services.evaluation_score(
            evaluation=evaluation, revision=evaluation.revision, final=final, by=head.user
        )

    # --- the same month in pandas -------------------------------------------------------

    def _pandas(self, period, outcome) -> None:
        started = time.perf_counter()
        frame = pd.DataFrame.from_records(
            Evaluation.objects.filter(period=period, is_current=True, total__isnull=False)
            .values_list("unit__code", "total", "level")
            .iterator(chunk_size=5000),
            columns=["unit", "total", "level"],
        )
        # Decimal totals as integer hundredths: exact sums, no float rounding
        frame["hundredths"] = (frame["total"].map(lambda d: int(d * 100))).astype("int64")
        totals = frame.groupby("unit").agg(rated=("hundredths", "size"), sum=("hundredths", "sum"))
        levels = frame.groupby(["unit", "level"]).size()
        self.pandas_s = time.perf_counter() - started
        expected = defaultdict(lambda: [0, 0])
        expected_levels: dict[tuple[str, str], int] = defaultdict(int)
        for result in outcome.people.values():
            if result.rated:
                expected[result.unit][0] += 1
                expected[result.unit][1] += int(result.total * 100)
                expected_levels[(result.unit, result.level)] += 1
        got = {unit: [int(r["rated"]), int(r["sum"])] for unit, r in totals.iterrows()}
        self.agree = got == dict(expected) and {key: int(n) for key, n in levels.items()} == dict(
            expected_levels
        )
        self.rows.append(("pandas: month totals per unit", f"{self.pandas_s:.3f}", "—", "1", "—"))

    def _table(self) -> None:
        header = ("step", "wall s", "CPU s", "queries", "peak RSS MiB")
        widths = [max(len(row[i]) for row in [header, *self.rows]) for i in range(len(header))]
        for row in [header, tuple("-" * w for w in widths), *self.rows]:
            self.stdout.write(
                "  ".join(
                    cell.ljust(w) if i == 0 else cell.rjust(w)
                    for i, (cell, w) in enumerate(zip(row, widths, strict=True))
                )
            )
