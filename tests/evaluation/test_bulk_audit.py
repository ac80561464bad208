"""Bulk state changes leave one history row per changed row, naming who acted and why,
in a number of queries that does not grow with the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluation import services
from evaluation.models import (
    CriterionScore,
    Evaluation,
    EvaluationState,
    PeriodState,
    UnitPeriod,
    UnitPeriodState,
)
from tests.evaluation.cycle import FULL, advance, build_cycle, ev, score

SIZES = (1, 6)
"""Extra TC staff: few enough that SQLite writes each bulk statement in one batch."""

QUERIES = {
    "bulk return, bulk approve": (15, 34),  # 3 of them lock period → units → rows
    "publish, lock": (
        15,
        10,
    ),  # publish: 2 check contests and appeals, 1 finds webhook subscribers;
    # lock: 1 refuses while a per-unit or per-person reopening is open
}
"""Queries measured on SQLite inside a test transaction; the same at every size. On
PostgreSQL each bulk write but the return adds one: `SET LOCAL jit = off`."""


def _expected(step: str) -> tuple[int, int]:
    first, second = QUERIES[step]
    jit = int(connection.vendor == "postgresql")
    return (first + (jit if step == "publish, lock" else 0), second + jit)


SCORERS = {
    "pho_chu_tich": "chu_tich",
    "truong_tc": "chu_tich",
    "hoi_dong": "chu_tich",
    "mot_cua": "chu_tich",
    "thanh_tra": "chu_tich",
    "truong_nv": "chu_tich",
    "quyen_nv": "chu_tich",
    "to_chuc": "chu_tich",
    "quyen_kt": "truong_tc",
    "cuong": "truong_tc",
    "pho_tc": "truong_tc",
    "an": "pho_tc",
    "binh": "truong_tc",
}
"""Who scores each rated member of the cast on 31/10."""


def _count(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


def _latest(row):
    return row.history.order_by("-history_id").first()


def _audited(row, reason: str):
    """The one history row of `row` that the bulk action wrote, found by its reason (a
    recompute that follows writes its own rows)."""
    (change,) = row.history.filter(history_change_reason=reason)
    return change


def _self_submitted(extra: int):
    """binh and the extra TC staff have submitted their self-assessment; scoring is open."""
    c = build_cycle(extra_staff=extra)
    advance(c, PeriodState.SELF_ASSESSMENT)
    c.submitted = [ev(c, "binh"), *(Evaluation.objects.get(employee=e) for e in c.extra)]
    for evaluation in c.submitted:
        services.self_assessment_submit(
            evaluation=evaluation, revision=0, by=evaluation.employee.user, proposed=FULL
        )
    advance(c, PeriodState.SCORING)
    return c


def _current(evaluations) -> list[Evaluation]:
    return list(Evaluation.objects.filter(pk__in=[e.pk for e in evaluations]))


@pytest.mark.parametrize("extra", SIZES)
def test_it_audits_each_evaluation_approved_in_bulk(db, extra):
    c = _self_submitted(extra)
    head = c.truong_tc.user
    services.evaluations_bulk_approve(evaluations=_current(c.submitted), by=head)
    reason = "Duyệt hàng loạt tự đánh giá"
    for evaluation in _current(c.submitted):
        change = _audited(evaluation, reason)
        assert (change.state, change.history_user) == (EvaluationState.SCORED, head)
    scores = CriterionScore.objects.filter(evaluation__in=c.submitted)
    assert scores.count() == 10 * len(c.submitted)
    assert all(_audited(s, reason).history_user == head for s in scores)


@pytest.mark.parametrize("extra", SIZES)
def test_it_audits_each_evaluation_returned_in_bulk_with_the_reason(db, extra):
    c = _self_submitted(extra)
    head = c.truong_tc.user
    services.evaluations_bulk_return(
        evaluations=_current(c.submitted), reason="Thiếu minh chứng", by=head
    )
    for evaluation in _current(c.submitted):
        latest = _latest(evaluation)
        assert (latest.state, latest.history_user) == (EvaluationState.DRAFT, head)
        assert latest.history_change_reason == "Trả lại tự đánh giá: Thiếu minh chứng"
        assert latest.return_reason == "Thiếu minh chứng"


def test_it_cuts_a_long_reason_to_the_history_column_and_keeps_it_whole_on_the_row(db):
    c = _self_submitted(1)
    reason = "Thiếu minh chứng cho khối lượng đã kê khai. " * 5
    services.evaluations_bulk_return(
        evaluations=_current(c.submitted), reason=reason, by=c.truong_tc.user
    )
    latest = _latest(ev(c, "binh"))
    assert len(latest.history_change_reason) == 100
    assert latest.history_change_reason.endswith("…")
    assert latest.return_reason == reason.strip()


@pytest.mark.parametrize("extra", SIZES)
def test_bulk_approve_and_return_run_the_same_queries_at_any_size(db, extra):
    c = _self_submitted(extra)
    head = c.truong_tc.user
    returned = _count(
        lambda: services.evaluations_bulk_return(
            evaluations=_current(c.submitted), reason="Xem lại", by=head
        )
    )
    for evaluation in _current(c.submitted):
        services.self_assessment_submit(
            evaluation=evaluation,
            revision=evaluation.revision,
            by=evaluation.employee.user,
            proposed=FULL,
        )
    approved = _count(
        lambda: services.evaluations_bulk_approve(evaluations=_current(c.submitted), by=head)
    )
    assert (returned, approved) == _expected("bulk return, bulk approve")


# --- units, sign-off, publication, lock, reopening -------------------------------------


def _submitted_units(extra: int):
    """Everyone scored, every unit submitted: the period awaits the leader's sign-off."""
    c = build_cycle(extra_staff=extra)
    advance(c, PeriodState.SELF_ASSESSMENT, PeriodState.SCORING)
    for name, by in SCORERS.items():
        score(c, name, by)
    for employee in c.extra:
        evaluation = Evaluation.objects.get(employee=employee)
        services.evaluation_score(
            evaluation=evaluation, revision=evaluation.revision, final=FULL, by=c.truong_tc.user
        )
    for unit in (c.root, c.vp, c.mc, c.nv, c.tt, c.kt, c.tc):
        head = c.truong_tc if unit in (c.tc, c.kt) else c.chu_tich
        services.unit_submit(
            unit_period=UnitPeriod.objects.get(period=c.period, unit=unit), by=head.user
        )
    c.period.refresh_from_db()
    return c


def _assert_every_evaluation(c, state, user, reason) -> None:
    rows = Evaluation.objects.filter(period=c.period, is_current=True)
    assert rows.count() == 14 + len(c.extra)  # the cast (its leader too) and the extra staff
    for row in rows:
        latest = _latest(row)
        assert (latest.state, latest.history_user, latest.history_change_reason) == (
            state,
            user,
            reason,
        )


@pytest.mark.parametrize("extra", SIZES)
def test_it_audits_units_returned_and_approved_by_the_leader(db, extra):
    c = _submitted_units(extra)
    leader = c.chu_tich.user
    units = list(UnitPeriod.objects.filter(period=c.period, unit__in=[c.tc, c.kt]))
    services.unit_return(unit_periods=units, reason="Xem lại điểm", by=leader)
    for unit in units:
        latest = _latest(unit)
        assert (latest.state, latest.history_user) == (UnitPeriodState.RETURNED, leader)
        assert latest.history_change_reason == "Trả lại kết quả đơn vị: Xem lại điểm"
    for unit in units:
        services.unit_submit(unit_period=unit, by=c.truong_tc.user)
    services.unit_approve(unit_periods=units, by=leader)
    assert {_latest(u).history_change_reason for u in units} == {"Phê duyệt kết quả đơn vị"}


@pytest.mark.parametrize("extra", SIZES)
def test_it_audits_every_evaluation_published_locked_and_reopened(db, extra):
    c = _submitted_units(extra)
    leader, hr = c.chu_tich.user, c.to_chuc.user
    services.period_sign_off(period=c.period, by=leader)
    assert {_latest(u).history_change_reason for u in UnitPeriod.objects.all()} == {
        "Ký duyệt kỳ đánh giá"
    }
    period = services.period_publish(period=c.period, by=leader)
    _assert_every_evaluation(c, EvaluationState.PUBLISHED, leader, "Công bố kết quả")
    period.appeal_due = period.start
    period.save()
    services.period_lock(period=period, by=hr)
    _assert_every_evaluation(c, EvaluationState.LOCKED, hr, "Khoá kỳ đánh giá")
    services.period_reopen(period=period, reason="Nhập nhầm điểm", by=hr)
    _assert_every_evaluation(c, EvaluationState.SCORED, hr, "Mở lại kỳ đánh giá: Nhập nhầm điểm")


@pytest.mark.parametrize("extra", SIZES)
def test_publish_and_lock_run_the_same_queries_at_any_size(db, extra):
    c = _submitted_units(extra)
    services.period_sign_off(period=c.period, by=c.chu_tich.user)
    published = _count(lambda: services.period_publish(period=c.period, by=c.chu_tich.user))
    c.period.refresh_from_db()
    c.period.appeal_due = c.period.start
    c.period.save()
    locked = _count(lambda: services.period_lock(period=c.period, by=c.to_chuc.user))
    assert (published, locked) == _expected("publish, lock")
