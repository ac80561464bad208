"""The generated province: deterministic, accepted by the engine and the pages, and the
set-based recompute writes exactly what the ORM's row-by-row path wrote before it."""

import random
from decimal import Decimal

import pytest
from django.urls import reverse

from evaluation import adapters, bulk_writes, province, scoring
from evaluation.models import (
    Evaluation,
    Period,
    PeriodState,
    Recomputation,
    UnitPeriod,
    WorkItem,
)
from hrsystem.models import Employee, Post, PostKind

RESULT_COLUMNS = [name for name in adapters.EVALUATION_WRITE_FIELDS if name != "computed_at"]


def _build(seed: int, code: str, months: int = 1, people: int = 60):
    return province.generate(people=people, units=9, months=months, seed=seed, code=code)


def _people(built) -> list[tuple]:
    """Everyone as (number, name, unit code, total, level): the agency's code taken out."""
    prefix = built.organisation.code.replace("-", "")
    rows = Evaluation.objects.filter(period__organisation=built.organisation).order_by(
        "period__number", "employee__code"
    )
    return [
        (code.removeprefix(prefix), name, unit, total, level)
        for code, name, unit, total, level in rows.values_list(
            "employee__code", "employee__full_name", "unit__code", "total", "level"
        )
    ]


def test_the_same_seed_builds_the_same_province(db):
    first, second = _build(5, "A-1", months=2), _build(5, "B-1", months=2)
    assert _people(first) == _people(second)
    assert len(_people(first)) == 2 * 60
    other = _build(6, "C-1")
    assert _people(other)[:60] != _people(first)[:60]


def test_it_builds_a_tree_with_heads_deputies_and_scored_months(db):
    built = _build(3, "T-1", months=2)
    org = built.organisation
    assert Employee.objects.filter(assignments__unit__organisation=org).count() == 60
    units = org.units.all()
    assert units.count() == 9
    assert max(units.values_list("depth", flat=True)) >= 2
    assert all(unit.path.startswith(org.units.get(parent=None).path) for unit in units)
    heads = Post.objects.filter(unit__organisation=org, kind__in=[PostKind.HEAD, PostKind.ACTING])
    assert heads.count() == 9
    january, february = built.periods
    assert (january.state, february.state) == (PeriodState.LOCKED, PeriodState.SCORING)
    rated = Evaluation.objects.filter(period=february, not_rated=False)
    assert rated.count() == 59  # everyone but the agency's leader
    assert not rated.filter(total__isnull=True).exists()


def test_the_pages_accept_it(db, client):
    built = _build(4, "P-1")
    period = built.periods[-1]
    client.force_login(built.leader_user)
    for name in ("overview", "scoring", "completeness"):
        response = client.get(reverse(f"evaluation:{name}", args=[period.pk]))
        assert response.status_code == 200, name


def _orm_recompute(period: Period) -> None:
    """The write path before the rewrite, as a reference: the engine's results stored
    with the ORM's `bulk_update` over model instances."""
    data = adapters.load(period)
    units, people, authority, dossiers = adapters.engine_inputs(period, data)
    outcome = scoring.score_month(
        data.rules,
        units,
        people,
        month=period.number,
        dossiers=dossiers,
        on_time_floor=period.organisation.on_time_floor,
        authority=authority,
    )
    rows = []
    for row in data.evaluations:
        values = adapters._result_values(outcome.people.get(row["employee__code"]))
        values["is_leader"] = row.get("leader_now", row["is_leader"])
        values["is_head"] = row.get("head_now", row["is_head"])
        rows.append(Evaluation(pk=row["id"], **values))
    Evaluation.objects.bulk_update(rows, RESULT_COLUMNS)
    code = {unit_id: unit["code"] for unit_id, unit in data.units.items()}
    unit_rows = []
    for row in UnitPeriod.objects.filter(period=period):
        result = outcome.units.get(code[row.unit_id])
        row.rated_count = result.rated_count if result else 0
        row.score = result.score if result else None
        row.score_level = (result.score_level or "") if result else ""
        row.level = (result.level or "") if result else ""
        row.on_time_rate = result.on_time_rate if result else None
        row.reasons = adapters.reasons_json(result.reasons) if result else []
        unit_rows.append(row)
    UnitPeriod.objects.bulk_update(unit_rows, list(adapters.UNIT_RESULT_FIELDS))


def _stored(period: Period) -> tuple[list, list]:
    return (
        list(
            Evaluation.objects.filter(period=period)
            .order_by("pk")
            .values_list("pk", *RESULT_COLUMNS)
        ),
        list(
            UnitPeriod.objects.filter(period=period)
            .order_by("pk")
            .values_list("pk", *adapters.UNIT_RESULT_FIELDS)
        ),
    )


def _stale(period: Period) -> None:
    Evaluation.objects.filter(period=period).update(total=None, general=None, level="", reasons=[])
    UnitPeriod.objects.filter(period=period).update(score=None, level="", rated_count=0)


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_the_set_based_recompute_writes_what_the_orm_path_wrote(db, monkeypatch, seed):
    """On generated agencies, with batches small enough that every table takes several."""
    built = _build(seed, f"R-{seed}", people=80)
    period = built.periods[-1]
    rng = random.Random(seed)
    done = {  # a month where results move
        pk: {"done": (planned * rng.choice((0, 1, 2)) / 2).quantize(Decimal("0.01"))}
        for pk, planned in WorkItem.objects.filter(evaluation__period=period).values_list(
            "pk", "planned"
        )
    }
    bulk_writes.update_rows(WorkItem, done, ["done"])
    _stale(period)
    _orm_recompute(period)
    expected = _stored(period)
    _stale(period)
    monkeypatch.setattr(bulk_writes, "BATCH", 7)
    monkeypatch.setattr(bulk_writes, "BATCH_PG", 7)
    adapters.period_recompute(period=period, by=built.hr_user)
    assert _stored(period) == expected
    record = Recomputation.objects.filter(period=period).latest("pk")
    assert record.by == built.hr_user
    # every row but the agency leader's: not rated here, its stale row already matches
    assert len(record.evaluation_ids) == period.evaluations.count() - 1


def test_a_recompute_that_changes_nothing_leaves_no_audit_row(db):
    built = _build(21, "N-1")
    period = built.periods[-1]
    before = Recomputation.objects.count()
    adapters.period_recompute(period=period)
    assert Recomputation.objects.count() == before


@pytest.mark.parametrize("seed", [31, 32, 33])
def test_a_partial_re_score_equals_a_full_recompute(db, seed):
    """A staff member deep in the tree fails: re-scoring their unit and its ancestors
    stores what a whole-agency recompute stores, and reaches the heads above them."""
    built = _build(seed, f"S-{seed}", people=150)
    period = built.periods[-1]
    staff = Evaluation.objects.filter(
        period=period, is_leader=False, not_rated=False, unit__depth__gte=2
    ).order_by("pk")
    evaluation = random.Random(seed).choice(list(staff))
    WorkItem.objects.filter(evaluation=evaluation).update(done=0)
    adapters.period_recompute(period=period, units=[evaluation.unit_id], by=built.hr_user)
    partial = _stored(period)
    record = Recomputation.objects.latest("pk")
    assert record.people < period.evaluations.count() - 1  # not the whole agency
    heads_above = Evaluation.objects.filter(
        period=period, is_head=True, not_rated=False, unit__in=evaluation.unit.ancestor_ids
    )
    assert heads_above and {head.leader_d for head in heads_above} == {Decimal(50)}
    _stale(period)
    adapters.period_recompute(period=period)
    assert _stored(period) == partial


def test_the_admin_lists_each_recompute_with_what_it_changed(db, admin_client):
    built = _build(41, "A-41")
    response = admin_client.get(reverse("admin:evaluation_recomputation_changelist"))
    assert response.status_code == 200
    record = Recomputation.objects.filter(period=built.periods[-1]).latest("pk")
    assert f">{len(record.evaluation_ids)}<" in response.content.decode()
    add = admin_client.get(reverse("admin:evaluation_recomputation_add"))
    assert add.status_code == 403
