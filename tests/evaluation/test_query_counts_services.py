"""The recompute and the page selectors run the same number of queries at any unit size."""

import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluation import selectors
from evaluation.adapters import period_recompute
from evaluation.models import Evaluation, WorkItem
from tests.evaluation.cycle import build_cycle, score, to_scoring
from tests.shared import shared_cast

SIZES = (2, 40)


def _count(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


def _cycle(extra: int):
    c = build_cycle(extra_staff=extra)
    to_scoring(c)
    score(c, "binh", "truong_tc")
    return c


@shared_cast("sized", params=SIZES, ids=lambda n: f"{n}-extra-staff")
def sized(param):
    """The cycle in scoring with `param` more people in TC, built once per size for the
    module (tests/shared.py)."""
    return _cycle(param)


def _stale_then_recompute(c) -> None:
    Evaluation.objects.filter(period=c.period).update(total=None, level="")
    WorkItem.objects.filter(evaluation__period=c.period).update(dossier_late=7)
    period_recompute(period=c.period)


def _measure(c) -> dict[str, int]:
    head = c.truong_tc.user
    return {
        "recompute (nothing changes)": _count(lambda: period_recompute(period=c.period)),
        "evaluations_for_head": _count(
            lambda: [
                (e.criterion_scores.all(), e.work_items.all(), e.bonus_entries.all())
                for e in selectors.evaluations_for_head(user=head, period=c.period)
            ]
        ),
        "period_overview": _count(
            lambda: selectors.period_overview(user=c.chu_tich.user, period=c.period)
        ),
        "completeness_board (head)": _count(
            lambda: selectors.completeness_board(user=head, period=c.period)
        ),
        "completeness_board (leader)": _count(
            lambda: selectors.completeness_board(user=c.chu_tich.user, period=c.period)
        ),
        "inbox": _count(lambda: selectors.inbox(user=head)),
    }


EXPECTED = {
    "recompute (nothing changes)": 16,
    "evaluations_for_head": 6,
    "period_overview": 5,  # + the focus unit and its children (drill-down by subtree)
    "completeness_board (head)": 6,  # + whether they read every result (board, HR, leader)
    "completeness_board (leader)": 3,
    "inbox": 11,
}
"""Queries measured on SQLite inside a test transaction (each atomic block adds a
savepoint and its release)."""


def test_it_runs_the_same_queries_whatever_the_unit_size(sized):
    """Both sizes must match the same figures, hence each other."""
    c = sized
    rows = selectors.evaluations_for_head(user=c.truong_tc.user, period=c.period)
    assert len(rows) == 3 + len(c.extra) + 2  # an, binh, pho_tc, the extra staff, KT's two
    jit = int(connection.vendor == "postgresql")  # SET LOCAL jit = off
    assert _measure(c) == {**EXPECTED, "recompute (nothing changes)": 16 + jit}


def test_it_writes_changed_results_in_bulk_not_per_person(sized):
    """Reads stay at 16; writes are one statement per 1,000 evaluations (an UPDATE … FROM
    VALUES on PostgreSQL, one executemany on SQLite), one for the work items, one for the
    unit results and the one audit row of the pass: no history row per person."""
    c = sized
    queries = _count(lambda: _stale_then_recompute(c))
    jit = int(connection.vendor == "postgresql")  # SET LOCAL jit = off
    assert queries == 16 + jit + 1 + 3


def test_it_recomputes_a_whole_agency_in_one_pass(sized):
    c = sized
    started = time.perf_counter()
    outcome = period_recompute(period=c.period)
    assert time.perf_counter() - started < 5
    assert len(outcome.people) == 13 + len(c.extra)
