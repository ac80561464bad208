"""What the cycle's pages read: scoring scope, overview, board, inbox, results, quota."""

from decimal import Decimal

from evaluation import selectors, services
from evaluation.models import Period, PeriodState
from evaluation.rulesets import shipped_rule_set, snapshot
from tests.evaluation.cycle import (
    FULL,
    advance,
    build_cycle,
    cycle_fixture,  # noqa: F401 — the `cycle` fixture
    ev,
    score,
    to_scoring,
    violation,
)
from tests.evaluation.test_workflow import _through_publication

D = Decimal


def _names(rows) -> set[str]:
    return {row.employee.code.lower() for row in rows}


def test_it_scopes_the_scoring_page_to_who_the_user_scores(cycle):
    c = cycle
    to_scoring(c)
    head = selectors.evaluations_for_head(user=c.truong_tc.user, period=c.period)
    assert _names(head) == {"an", "binh", "pho_tc", "quyen_kt", "cuong"}
    assert _names(selectors.evaluations_for_head(user=c.pho_tc.user, period=c.period)) == {"an"}
    leader = _names(selectors.evaluations_for_head(user=c.chu_tich.user, period=c.period))
    assert {"truong_tc", "pho_chu_tich", "hoi_dong"} <= leader  # rights cover the agency
    assert "chu_tich" not in leader
    assert not selectors.evaluations_for_head(user=c.an.user, period=c.period).exists()


def test_it_shows_the_agency_leader_levels_and_exceptions_per_unit(cycle):
    c = cycle
    advance(c, PeriodState.SELF_ASSESSMENT)
    services.self_assessment_submit(evaluation=ev(c, "an"), revision=0, by=c.an.user, proposed=FULL)
    advance(c, PeriodState.SCORING)
    score(c, "an", "pho_tc")
    overview = selectors.period_overview(user=c.chu_tich.user, period=c.period)
    tc = next(u for u in overview.units if u.unit == c.tc)
    assert (tc.people, tc.missing_self_assessment, tc.unscored) == (4, 3, 3)
    assert tc.levels["fail"] == 1
    assert selectors.period_overview(user=c.an.user, period=c.period) is None


def test_it_lists_who_is_stuck_at_which_step_with_days_left(cycle):
    c = cycle
    advance(c, PeriodState.SELF_ASSESSMENT)
    services.self_assessment_submit(evaluation=ev(c, "an"), revision=0, by=c.an.user, proposed=FULL)
    board = selectors.completeness_board(user=c.truong_tc.user, period=c.period)
    tc = next(u for u in board if u.unit_period.unit == c.tc)
    steps = {p.name: (p.step, p.days_left) for p in tc.people}
    assert steps["Hoàng Văn An"] == ("awaiting_score", 5)
    assert steps["Đặng Thị Bình"] == ("declaring", 3)
    assert tc.days_left_to_submit == 7
    assert selectors.completeness_board(user=c.an.user, period=c.period) == []


def test_it_fills_each_users_inbox_with_what_they_must_do(cycle):
    c = cycle
    advance(c, PeriodState.SELF_ASSESSMENT)
    assert [t.kind for t in selectors.inbox(user=c.an.user).tasks] == ["self_assessment"]
    services.self_assessment_submit(evaluation=ev(c, "an"), revision=0, by=c.an.user, proposed=FULL)
    advance(c, PeriodState.SCORING)
    head = {t.kind: t for t in selectors.inbox(user=c.truong_tc.user).tasks}
    assert head["score"].count == 5 and "submit_unit" in head  # TC and KT below it
    inbox = selectors.inbox(user=c.an.user)
    assert inbox.tasks == [] and inbox.unread == 1  # "self-assessment open"


def test_it_shows_an_employee_their_published_months_with_reasons_and_violations(cycle):
    c = cycle
    violation(c, c.binh, points=D(2), criterion_code="ky_luat_ky_cuong")
    _through_publication(c)
    results = selectors.my_results(employee=c.binh, year=2026)
    (month,) = results.months
    assert month.criteria[1].final == D(5) and month.criteria[1].after_deductions == D(3)
    assert month.violations[0].criterion == "Kỷ luật, kỷ cương" or month.violations[0].criterion
    assert month.violations[0].legal_basis
    assert month.level_label == "Không hoàn thành"
    assert results.trend == [("Tháng 10/2026", D("28.00"), "fail")]
    assert selectors.my_results(employee=c.binh, year=2025).months == []


def test_it_reports_the_monthly_quota_under_hn3814(db):
    c = build_cycle(rule_set_code="hn3814")
    to_scoring(c)
    full = {i: D(5) for i in range(4)}
    for name, by in (("an", "pho_tc"), ("binh", "truong_tc"), ("pho_tc", "truong_tc")):
        evaluation = ev(c, name)
        evaluation.work_items.update(done=10)
        score(c, name, by, final=full)
    situation = selectors.quota_situation(period=c.period, unit_ids=[c.tc.pk])[c.tc.pk]
    # 4 rated (the head included), floor(30% × 4) = 1 may keep A
    assert (situation.rated, situation.limit, situation.holding) == (4, 1, 1)
    assert situation.downgraded == 2 and situation.over == 2
    nd335 = Period(rule_set_snapshot=snapshot(shipped_rule_set("nd335")))
    assert selectors.quota_situation(period=nd335, unit_ids=[c.tc.pk]) == {}
