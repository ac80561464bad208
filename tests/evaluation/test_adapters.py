"""period_recompute end to end: the spec's worked example, leaders, caps, dossiers."""

from decimal import Decimal

from evaluation import services
from evaluation.adapters import period_recompute
from evaluation.models import UnitPeriod
from tests.evaluation.cycle import (
    WORKED_GENERAL,
    cycle_fixture,  # noqa: F401 — the `cycle` fixture
    ev,
    items,
    score,
    to_scoring,
    violation,
)

D = Decimal


def _worked_items(c, name: str, by: str) -> dict:
    evaluation = ev(c, name)
    a, b = items(evaluation).values()
    return evaluation, a, b


def test_it_reproduces_the_worked_example(cycle):
    c = cycle
    to_scoring(c)
    violation(c, c.an, points=D(2), criterion_code="ky_luat_ky_cuong")
    evaluation, a, b = _worked_items(c, "an", "pho_tc")
    a.done, b.done = D(10), D(8)
    a.save()
    b.save()
    result = score(
        c,
        "an",
        "pho_tc",
        final=WORKED_GENERAL,
        items={b.pk: {"major_errors": 1, "late": 1}},
    )
    assert result.general == D("27.50")
    assert result.criteria_result[1] == "3.00"
    assert (result.quantity_pct, result.quality_pct, result.progress_pct) == (
        D("93.33"),
        D("86.67"),
        D("86.67"),
    )
    assert result.task_pct == D("88.89")
    assert result.task_points == D("62.22")
    assert result.total == D("89.72")
    assert result.level == "good"
    assert result.leader_d is None


def test_it_is_idempotent_and_writes_nothing_when_nothing_changed(
    cycle, django_assert_max_num_queries
):
    c = cycle
    period_recompute(period=c.period)
    with django_assert_max_num_queries(14):
        period_recompute(period=c.period)
    assert UnitPeriod.objects.filter(period=c.period).count() > 0
    assert services  # the services module imports the adapter lazily
