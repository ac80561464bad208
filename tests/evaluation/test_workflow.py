"""The monthly cycle's services: every transition, and every refusal of it.

The cast is `tests/evaluation/cycle.py`'s: October 2026 of UBND huyện Thử Nghiệm under
nd335. truong_tc heads TC (staff an, binh; deputy pho_tc scores an by delegation);
chu_tich leads the agency; to_chuc is the HR officer.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from evaluation import services
from evaluation.models import (
    CriterionScore,
    Evaluation,
    EvaluationState,
    Notification,
    Period,
    PeriodState,
    UnitPeriod,
    UnitPeriodState,
    WorkItem,
)
from evaluation.services import ConflictError
from tests.evaluation.cycle import (
    FULL,
    advance,
    cycle_fixture,  # noqa: F401 — the `cycle` fixture
    ev,
    items,
    load_rule_sets,
    score,
    to_scoring,
)
from tests.factories import PeriodFactory
from tests.hrsystem.cast import build_cast

D = Decimal


def _fresh(obj):
    obj.refresh_from_db()
    return obj


def _errors(excinfo) -> dict:
    return excinfo.value.message_dict


# --- opening and advancing ---------------------------------------------------------------


def test_it_opens_a_period_with_everyone_prefilled_and_locks_the_rule_set(cycle):
    c = cycle
    period = c.period
    assert period.state == PeriodState.OPEN
    assert period.rule_set.is_locked
    assert period.rule_set_snapshot["code"] == "nd335"
    evaluations = Evaluation.objects.filter(period=period)
    assert evaluations.count() == 14
    an = ev(c, "an")
    assert an.unit == c.tc and not an.is_leader and an.version == 1 and an.is_current
    assert an.rule_set_snapshot == period.rule_set_snapshot
    assert CriterionScore.objects.filter(evaluation=an).count() == 10
    assert [(i.name, i.coefficient, i.planned) for i in an.work_items.order_by("id")] == [
        ("Thẩm định hồ sơ A", D(2), D(10)),
        ("Báo cáo B", D(1), D(10)),
    ]
    assert ev(c, "truong_tc").is_head and ev(c, "pho_tc").is_leader
    assert not ev(c, "pho_tc").is_head
    assert ev(c, "chu_tich").not_rated  # rated by the level above the agency
    assert UnitPeriod.objects.filter(period=period).count() == 7
    assert period.history.first().history_user == c.to_chuc.user
    assert an.history.first().history_user == c.to_chuc.user


def test_it_refuses_to_open_a_period_for_anyone_but_hr(db):
    load_rule_sets()
    c = build_cast()
    with pytest.raises(PermissionDenied):
        PeriodFactory(organisation=c.org, by=c.truong_tc.user)
    assert not Period.objects.exists()


def test_it_refuses_a_second_period_a_bad_number_and_disordered_deadlines(cycle):
    c = cycle
    hr = c.to_chuc.user
    with pytest.raises(ValidationError) as error:
        PeriodFactory(organisation=c.org, number=10, by=hr)
    assert "number" in _errors(error)
    with pytest.raises(ValidationError) as error:
        PeriodFactory(organisation=c.org, number=13, by=hr)
    assert "number" in _errors(error)
    with pytest.raises(ValidationError) as error:
        PeriodFactory(
            organisation=c.org,
            number=9,
            by=hr,
            scoring_due=c.period.start + timedelta(days=40),
            self_assessment_due=c.period.start + timedelta(days=50),
        )
    assert "scoring_due" in _errors(error)


def test_it_advances_one_step_at_a_time_and_refuses_illegal_moves(cycle):
    c = cycle
    with pytest.raises(ValidationError) as error:
        services.period_advance(period=c.period, to=PeriodState.SCORING, by=c.to_chuc.user)
    assert "state" in _errors(error)
    with pytest.raises(PermissionDenied):
        services.period_advance(
            period=c.period, to=PeriodState.SELF_ASSESSMENT, by=c.truong_tc.user
        )
    advance(c, PeriodState.SELF_ASSESSMENT)
    assert Notification.objects.filter(user=c.an.user, kind="self_assessment_open").exists()
    advance(c, PeriodState.SCORING)
    with pytest.raises(ValidationError) as error:
        advance(c, PeriodState.SUBMITTED)
    assert "chưa gửi" in str(error.value)
    assert _fresh(c.period).state == PeriodState.SCORING


# --- the employee ------------------------------------------------------------------------


def test_it_lets_the_employee_declare_their_own_items(cycle):
    c = cycle
    evaluation = ev(c, "an")
    item = items(evaluation)["Thẩm định hồ sơ A"]
    services.work_item_declare(
        item=item, revision=0, by=c.an.user, done="7,5", evidence_number="12/QĐ", self_note="ok"
    )
    item = _fresh(item)
    assert item.done == D("7.5") and item.evidence_number == "12/QĐ"
    assert _fresh(evaluation).revision == 1
    assert item.history.first().history_user == c.an.user


def test_it_refuses_a_declaration_on_someone_elses_item(cycle):
    c = cycle
    item = items(ev(c, "an"))["Báo cáo B"]
    for who in ("binh", "truong_tc"):
        with pytest.raises(PermissionDenied):
            services.work_item_declare(item=item, revision=0, by=getattr(c, who).user, done=1)
    assert _fresh(item).done == 0


def test_it_refuses_a_negative_done_quantity(cycle):
    c = cycle
    item = items(ev(c, "an"))["Báo cáo B"]
    with pytest.raises(ValidationError) as error:
        services.work_item_declare(item=item, revision=0, by=c.an.user, done="-1")
    assert "done" in _errors(error)
    with pytest.raises(ValidationError):
        services.work_item_declare(item=item, revision=0, by=c.an.user, done="abc")
    assert _fresh(item).done == 0 and ev(c, "an").revision == 0


def test_it_refuses_a_stale_revision_and_changes_nothing(cycle):
    c = cycle
    evaluation = ev(c, "an")
    a, b = items(evaluation).values()
    services.work_item_declare(item=a, revision=0, by=c.an.user, done=3)
    with pytest.raises(ConflictError) as error:
        services.work_item_declare(item=b, revision=0, by=c.an.user, done=4)
    assert "tải lại" in str(error.value)
    assert _fresh(b).done == 0 and ev(c, "an").revision == 1


def test_it_submits_a_self_assessment_that_then_is_read_only(cycle):
    c = cycle
    advance(c, PeriodState.SELF_ASSESSMENT)
    evaluation = ev(c, "an")
    item = items(evaluation)["Báo cáo B"]
    services.self_assessment_submit(
        evaluation=evaluation,
        revision=0,
        by=c.an.user,
        proposed=FULL,
        done={item.pk: D(9)},
        comment="Hoàn thành tốt",
    )
    evaluation = ev(c, "an")
    assert evaluation.state == EvaluationState.SELF_SUBMITTED
    assert evaluation.self_comment == "Hoàn thành tốt"
    assert _fresh(item).done == D(9)
    assert evaluation.criterion_scores.get(criterion_index=0).proposed == D(5)
    with pytest.raises(ValidationError):
        services.work_item_declare(item=item, revision=evaluation.revision, by=c.an.user, done=1)
    with pytest.raises(ValidationError):
        services.self_assessment_save(
            evaluation=evaluation, revision=evaluation.revision, by=c.an.user, proposed={0: 1}
        )


def test_it_refuses_proposals_above_the_maximum_negative_or_missing(cycle):
    c = cycle
    evaluation = ev(c, "an")
    with pytest.raises(ValidationError) as error:
        services.self_assessment_submit(
            evaluation=evaluation, revision=0, by=c.an.user, proposed={0: D("5.5"), 1: D(-1)}
        )
    assert {"proposed[0]", "proposed[1]"} <= set(_errors(error))
    assert "5.00" in _errors(error)["proposed[0]"][0] or "5" in _errors(error)["proposed[0]"][0]
    with pytest.raises(ValidationError) as error:
        services.self_assessment_submit(
            evaluation=evaluation, revision=0, by=c.an.user, proposed={0: D(5)}
        )
    assert "proposed[9]" in _errors(error)
    assert not CriterionScore.objects.filter(evaluation=evaluation, proposed__isnull=False).exists()
    assert ev(c, "an").state == EvaluationState.DRAFT


def test_it_refuses_a_self_assessment_after_the_scoring_deadline(cycle):
    c = cycle
    to_scoring(c)
    c.period.scoring_due = c.period.self_assessment_due = c.period.start + timedelta(days=35)
    c.period.save()
    with pytest.raises(ValidationError) as error:
        services.self_assessment_submit(
            evaluation=ev(c, "an"), revision=0, by=c.an.user, proposed=FULL
        )
    assert "quá hạn" in str(error.value)


# --- the head ----------------------------------------------------------------------------


def test_it_lets_the_head_add_an_ad_hoc_item_but_not_staff_nor_to_themself(cycle):
    c = cycle
    evaluation = ev(c, "an")
    item = services.work_item_add_ad_hoc(
        evaluation=evaluation,
        name="Báo cáo đột xuất",
        unit_of_measure="báo cáo",
        planned="1",
        revision=0,
        by=c.truong_tc.user,
    )
    assert item.ad_hoc and item.assigned_by == c.truong_tc.user
    with pytest.raises(PermissionDenied):
        services.work_item_add_ad_hoc(
            evaluation=ev(c, "an"),
            name="x",
            unit_of_measure="x",
            planned=1,
            revision=1,
            by=c.binh.user,
        )
    own = ev(c, "truong_tc")
    with pytest.raises(PermissionDenied):
        services.work_item_add_ad_hoc(
            evaluation=own,
            name="x",
            unit_of_measure="x",
            planned=1,
            revision=0,
            by=c.truong_tc.user,
        )
    with pytest.raises(ValidationError) as error:
        services.work_item_add_ad_hoc(
            evaluation=ev(c, "an"),
            name="",
            unit_of_measure="x",
            planned=0,
            revision=1,
            by=c.truong_tc.user,
        )
    assert {"planned", "name"} <= set(_errors(error))


def test_it_certifies_a_delay_with_a_reason_never_by_a_deputy_nor_for_oneself(cycle):
    c = cycle
    to_scoring(c)
    item = items(ev(c, "an"))["Báo cáo B"]
    WorkItem.objects.filter(pk=item.pk).update(late=2)  # the head found it 2 days late
    with pytest.raises(ValidationError) as error:
        services.delay_certify(
            item=item, late_excused=1, reason=" ", revision=0, by=c.truong_tc.user
        )
    assert "excuse_reason" in _errors(error)
    with pytest.raises(ValidationError) as error:
        services.delay_certify(
            item=item, late_excused=3, reason="Mất điện", revision=0, by=c.truong_tc.user
        )
    assert "late_excused" in _errors(error)
    with pytest.raises(PermissionDenied):
        services.delay_certify(
            item=item, late_excused=1, reason="Mất điện", revision=0, by=c.pho_tc.user
        )
    services.delay_certify(
        item=item, late_excused=1, reason="Mất điện", revision=0, by=c.truong_tc.user
    )
    item = _fresh(item)
    assert (item.late_excused, item.excuse_reason, item.excused_by) == (
        1,
        "Mất điện",
        c.truong_tc.user,
    )
    own = items(ev(c, "truong_tc"))["Báo cáo B"]
    with pytest.raises(PermissionDenied):
        services.delay_certify(item=own, late_excused=0, reason="", revision=0, by=c.truong_tc.user)


def test_it_scores_through_the_engine_even_without_a_self_assessment(cycle):
    c = cycle
    to_scoring(c)
    result = score(c, "binh", "truong_tc", head_comment="Tốt")
    assert result.state == EvaluationState.SCORED
    assert result.scored_by == c.truong_tc.user and result.head_comment == "Tốt"
    assert result.general == D("30.00") and result.total == D("30.00")  # nothing declared
    assert result.level == "fail"
    assert result.reasons == []


def test_it_refuses_scores_above_the_maximum_negative_or_missing(cycle):
    c = cycle
    to_scoring(c)
    evaluation = ev(c, "binh")
    for bad in ({**FULL, 0: D("5.01")}, {**FULL, 3: D("-0.5")}):
        with pytest.raises(ValidationError) as error:
            score(c, "binh", "truong_tc", final=bad)
        assert set(_errors(error)) & {"final[0]", "final[3]"}
    with pytest.raises(ValidationError) as error:
        score(c, "binh", "truong_tc", final={0: D(5)})
    assert "final[1]" in _errors(error)
    evaluation = _fresh(evaluation)
    assert evaluation.state == EvaluationState.DRAFT and evaluation.revision == 0
    assert not CriterionScore.objects.filter(evaluation=evaluation, final__isnull=False).exists()


def test_it_refuses_scoring_by_the_wrong_unit_oneself_or_a_stale_form(cycle):
    c = cycle
    to_scoring(c)
    with pytest.raises(PermissionDenied):
        score(c, "binh", "thanh_tra")  # another unit's staff
    with pytest.raises(PermissionDenied):
        score(c, "truong_tc", "truong_tc")  # oneself
    with pytest.raises(PermissionDenied):
        score(c, "binh", "pho_tc")  # not delegated
    evaluation = ev(c, "binh")
    score(c, "binh", "truong_tc")
    with pytest.raises(ConflictError):
        services.evaluation_score(
            evaluation=evaluation, revision=0, final=FULL, by=c.truong_tc.user, head_comment="x"
        )
    assert ev(c, "binh").head_comment == ""


def test_it_refuses_to_score_a_draft_while_self_assessment_runs(cycle):
    c = cycle
    advance(c, PeriodState.SELF_ASSESSMENT)
    with pytest.raises(ValidationError):
        score(c, "binh", "truong_tc")


def test_it_lets_the_superior_set_dd_and_e_for_a_leader_with_a_reason_at_50(cycle):
    c = cycle
    to_scoring(c)
    with pytest.raises(ValidationError) as error:
        score(c, "truong_tc", "chu_tich", dd=50)
    assert "dd_reason" in _errors(error)
    with pytest.raises(ValidationError) as error:
        score(c, "truong_tc", "chu_tich", dd=70, dd_reason="x")
    assert "dd" in _errors(error)
    with pytest.raises(ValidationError) as error:
        score(c, "binh", "truong_tc", e=100)
    assert "dd" in _errors(error)
    with pytest.raises(PermissionDenied):
        score(c, "truong_tc", "pho_tc", dd=100)
    result = score(c, "truong_tc", "chu_tich", dd=50, dd_reason="Chậm kế hoạch quý", e=100)
    assert (result.dd_score, result.e_score, result.leader_dd) == (D(50), D(100), D("50.00"))
    assert result.leader_d is not None and result.leader_assessed_by == c.chu_tich.user


def test_it_refuses_bonus_points_under_a_rule_set_without_a_bonus_block(cycle):
    c = cycle
    to_scoring(c)
    with pytest.raises(ValidationError) as error:
        services.bonus_add(
            evaluation=ev(c, "an"), points=2, reason="Sáng kiến", revision=0, by=c.truong_tc.user
        )
    assert "points" in _errors(error)


def test_it_approves_submitted_self_assessments_in_bulk_all_or_none(cycle):
    c = cycle
    advance(c, PeriodState.SELF_ASSESSMENT)
    for name in ("an", "binh"):
        services.self_assessment_submit(
            evaluation=ev(c, name), revision=0, by=getattr(c, name).user, proposed=FULL
        )
    advance(c, PeriodState.SCORING)
    with pytest.raises(ValidationError):
        services.evaluations_bulk_approve(
            evaluations=[ev(c, "an"), ev(c, "pho_tc")], by=c.truong_tc.user
        )
    assert ev(c, "an").state == EvaluationState.SELF_SUBMITTED
    done = services.evaluations_bulk_approve(
        evaluations=[ev(c, "an"), ev(c, "binh")], by=c.truong_tc.user
    )
    assert {e.state for e in done} == {EvaluationState.SCORED}
    assert ev(c, "an").criterion_scores.get(criterion_index=5).final == D("2.5")
    assert ev(c, "an").general == D("30.00")


def test_it_returns_self_assessments_in_bulk_with_one_reason(cycle):
    c = cycle
    advance(c, PeriodState.SELF_ASSESSMENT)
    services.self_assessment_submit(evaluation=ev(c, "an"), revision=0, by=c.an.user, proposed=FULL)
    with pytest.raises(ValidationError) as error:
        services.evaluations_bulk_return(evaluations=[ev(c, "an")], reason="", by=c.truong_tc.user)
    assert "reason" in _errors(error)
    with pytest.raises(PermissionDenied):
        services.evaluations_bulk_return(evaluations=[ev(c, "an")], reason="Sai", by=c.cuong.user)
    services.evaluations_bulk_return(
        evaluations=[ev(c, "an")], reason="Thiếu minh chứng", by=c.truong_tc.user
    )
    an = ev(c, "an")
    assert an.state == EvaluationState.DRAFT and an.return_reason == "Thiếu minh chứng"
    assert Notification.objects.get(user=c.an.user, kind="self_assessment_returned").body == (
        "Thiếu minh chứng"
    )


# --- units, sign-off, publication, lock ---------------------------------------------------


def _score_everyone(c) -> None:
    """Score every rated person of the cast by whoever scores them on 31/10."""
    scorers = {
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
    for name, by in scorers.items():
        score(c, name, by)


def _unit_period(c, unit) -> UnitPeriod:
    return UnitPeriod.objects.get(period=c.period, unit=unit)


def _submit_all(c) -> None:
    """Every unit submits; the last one moves the period to "submitted"."""
    for unit in (c.root, c.vp, c.mc, c.nv, c.tt, c.kt, c.tc):
        assert _fresh(c.period).state == PeriodState.SCORING
        by = c.truong_tc if unit in (c.tc, c.kt) else c.chu_tich
        services.unit_submit(unit_period=_unit_period(c, unit), by=by.user)
    c.period = _fresh(c.period)
    assert c.period.state == PeriodState.SUBMITTED


def test_it_submits_a_unit_only_when_its_staff_are_scored_by_its_head(cycle):
    c = cycle
    to_scoring(c)
    tc = _unit_period(c, c.tc)
    with pytest.raises(ValidationError) as error:
        services.unit_submit(unit_period=tc, by=c.truong_tc.user)
    assert "Hoàng Văn An" in str(error.value)
    for name, by in (("an", "pho_tc"), ("binh", "truong_tc"), ("pho_tc", "truong_tc")):
        score(c, name, by)
    with pytest.raises(PermissionDenied):
        services.unit_submit(unit_period=tc, by=c.an.user)
    with pytest.raises(PermissionDenied):
        services.unit_submit(unit_period=tc, by=c.pho_tc.user)
    services.unit_submit(unit_period=tc, by=c.truong_tc.user)  # truong_tc's own score pends
    tc = _fresh(tc)
    assert tc.state == UnitPeriodState.SUBMITTED and tc.submitted_by == c.truong_tc.user
    with pytest.raises(ValidationError):
        services.unit_submit(unit_period=tc, by=c.truong_tc.user)
    with pytest.raises(ValidationError) as error:
        score(c, "binh", "truong_tc")
    assert "unit" in _errors(error)
    assert score(c, "truong_tc", "chu_tich").state == EvaluationState.SCORED  # not the unit's


def test_it_lets_only_the_agency_leader_return_or_approve_units(cycle):
    c = cycle
    to_scoring(c)
    _score_everyone(c)
    _submit_all(c)
    tc = _unit_period(c, c.tc)
    with pytest.raises(PermissionDenied):
        services.unit_return(unit_periods=[tc], reason="Xem lại", by=c.truong_tc.user)
    with pytest.raises(ValidationError) as error:
        services.unit_return(unit_periods=[tc], reason="", by=c.chu_tich.user)
    assert "reason" in _errors(error)
    services.unit_return(
        unit_periods=[tc, _unit_period(c, c.kt)], reason="Xem lại", by=c.chu_tich.user
    )
    assert _fresh(tc).state == UnitPeriodState.RETURNED and _fresh(tc).return_reason == "Xem lại"
    assert _fresh(c.period).state == PeriodState.SCORING
    assert Notification.objects.filter(user=c.truong_tc.user, kind="unit_returned").exists()
    with pytest.raises(ValidationError):
        services.unit_approve(unit_periods=[tc], by=c.chu_tich.user)
    score(c, "binh", "truong_tc", head_comment="Đã xem lại")
    services.unit_submit(unit_period=tc, by=c.truong_tc.user)
    services.unit_approve(unit_periods=[tc], by=c.chu_tich.user)
    assert _fresh(tc).state == UnitPeriodState.APPROVED


def _through_publication(c) -> None:
    to_scoring(c)
    _score_everyone(c)
    _submit_all(c)
    services.period_sign_off(period=c.period, by=c.chu_tich.user)
    c.period = services.period_publish(period=c.period, by=c.chu_tich.user)


def test_it_signs_off_publishes_and_locks_in_order(cycle):
    c = cycle
    to_scoring(c)
    with pytest.raises(ValidationError):
        services.period_sign_off(period=c.period, by=c.chu_tich.user)
    _score_everyone(c)
    _submit_all(c)
    with pytest.raises(PermissionDenied):
        services.period_sign_off(period=c.period, by=c.to_chuc.user)
    with pytest.raises(ValidationError):
        services.period_publish(period=c.period, by=c.chu_tich.user)
    services.period_sign_off(period=c.period, by=c.chu_tich.user)
    assert all(
        u.state == UnitPeriodState.APPROVED for u in UnitPeriod.objects.filter(period=c.period)
    )
    period = services.period_publish(period=c.period, by=c.chu_tich.user)
    assert period.state == PeriodState.PUBLISHED and period.appeal_due > period.end
    assert ev(c, "an").state == EvaluationState.PUBLISHED
    assert Notification.objects.filter(user=c.an.user, kind="results_published").count() == 1
    with pytest.raises(ValidationError) as error:
        services.period_lock(period=period, by=c.to_chuc.user)
    assert "kiến nghị" in str(error.value)
    period.appeal_due = period.start
    period.save()
    with pytest.raises(PermissionDenied):
        services.period_lock(period=period, by=c.chu_tich.user)
    period = services.period_lock(period=period, by=c.to_chuc.user)
    assert period.state == PeriodState.LOCKED and ev(c, "an").state == EvaluationState.LOCKED


def test_it_keeps_a_locked_period_immutable(cycle):
    c = cycle
    _through_publication(c)
    c.period.appeal_due = c.period.start
    c.period.save()
    services.period_lock(period=c.period, by=c.to_chuc.user)
    total = ev(c, "an").total
    with pytest.raises(ValidationError) as error:
        score(c, "an", "pho_tc", final={**FULL, 0: D(1)})
    assert "khoá" in str(error.value)
    with pytest.raises(ValidationError):
        services.work_item_declare(
            item=items(ev(c, "an"))["Báo cáo B"],
            revision=ev(c, "an").revision,
            by=c.an.user,
            done=1,
        )
    with pytest.raises(ValidationError):
        services.appeal_file(evaluation=ev(c, "an"), reason="x", by=c.an.user)
    from evaluation.adapters import period_recompute

    assert period_recompute(period=c.period) is None
    assert ev(c, "an").total == total


def test_it_reopens_a_locked_period_only_for_hr_with_a_reason_and_audits_it(cycle):
    c = cycle
    _through_publication(c)
    with pytest.raises(ValidationError):
        services.period_reopen(period=c.period, reason="Sai sót", by=c.to_chuc.user)  # not locked
    c.period.appeal_due = c.period.start
    c.period.save()
    services.period_lock(period=c.period, by=c.to_chuc.user)
    with pytest.raises(PermissionDenied):
        services.period_reopen(period=c.period, reason="Sai sót", by=c.chu_tich.user)
    with pytest.raises(ValidationError) as error:
        services.period_reopen(period=c.period, reason="  ", by=c.to_chuc.user)
    assert "reason" in _errors(error)
    reopening = services.period_reopen(
        period=c.period, reason="Nhập nhầm điểm của Tổ Kế toán", by=c.to_chuc.user
    )
    assert (reopening.by, reopening.state_before) == (c.to_chuc.user, PeriodState.LOCKED)
    period = _fresh(c.period)
    assert period.state == PeriodState.SCORING and period.locked_at is None
    assert period.history.first().history_user == c.to_chuc.user
    assert _unit_period(c, c.kt).state == UnitPeriodState.RETURNED
    score(c, "cuong", "truong_tc", final={**FULL, 0: D(4)})
    assert ev(c, "cuong").general == D("29.00")


# --- appeals -----------------------------------------------------------------------------


def test_it_upholds_an_appeal_as_a_new_version_and_keeps_the_old(cycle):
    c = cycle
    _through_publication(c)
    old = ev(c, "binh")
    with pytest.raises(PermissionDenied):
        services.appeal_file(evaluation=old, reason="Chưa đúng", by=c.an.user)
    appeal = services.appeal_file(evaluation=old, reason="Tiêu chí 1 chưa đúng", by=c.binh.user)
    with pytest.raises(ValidationError):
        services.appeal_file(evaluation=old, reason="Lần hai", by=c.binh.user)
    # binh's superior is truong_tc, whose superior is chu_tich
    assert services.appeal_decider(old) == c.chu_tich
    assert Notification.objects.filter(user=c.chu_tich.user, kind="appeal_filed").exists()
    with pytest.raises(PermissionDenied):
        services.appeal_decide(
            appeal=appeal, upheld=True, reason="x", final={0: 4}, by=c.truong_tc.user
        )
    with pytest.raises(ValidationError) as error:
        services.appeal_decide(
            appeal=appeal, upheld=True, reason="", final={0: 4}, by=c.chu_tich.user
        )
    assert "decision_reason" in _errors(error)
    appeal = services.appeal_decide(
        appeal=appeal,
        upheld=True,
        reason="Chấm lại tiêu chí 1",
        final={0: D(4)},
        by=c.chu_tich.user,
    )
    new = ev(c, "binh")
    old = _fresh(old)
    assert (old.version, old.is_current, new.version, new.is_current) == (1, False, 2, True)
    assert appeal.resulting_evaluation == new and appeal.state == "upheld"
    assert old.general == D("30.00") and new.general == D("29.00")
    assert new.work_items.count() == old.work_items.count() == 2
    assert new.state == EvaluationState.PUBLISHED
    assert Notification.objects.filter(user=c.binh.user, kind="appeal_decided").exists()


def test_it_rejects_an_appeal_with_a_reason_and_refuses_one_after_the_window(cycle):
    c = cycle
    _through_publication(c)
    appeal = services.appeal_file(evaluation=ev(c, "an"), reason="Xin xem lại", by=c.an.user)
    services.appeal_decide(
        appeal=appeal,
        upheld=False,
        reason="Đúng quy định",
        by=services.appeal_decider(ev(c, "an")).user,
    )
    appeal.refresh_from_db()
    assert appeal.state == "rejected" and ev(c, "an").version == 1
    with pytest.raises(ValidationError):
        services.appeal_decide(appeal=appeal, upheld=False, reason="x", by=c.chu_tich.user)
    c.period.appeal_due = c.period.end
    c.period.save()
    with pytest.raises(ValidationError) as error:
        services.appeal_file(evaluation=ev(c, "binh"), reason="Muộn", by=c.binh.user)
    assert "hết hạn" in str(error.value)


# --- snapshots ---------------------------------------------------------------------------


def test_it_refuses_items_of_another_evaluation_and_unsafe_evidence_files(cycle):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = cycle
    binh_item = items(ev(c, "binh"))["Báo cáo B"]
    with pytest.raises(PermissionDenied):
        services.self_assessment_save(
            evaluation=ev(c, "an"), revision=0, by=c.an.user, done={binh_item.pk: 1}
        )
    to_scoring(c)
    with pytest.raises(PermissionDenied):
        score(c, "an", "truong_tc", items={binh_item.pk: {"late": 3}})
    assert _fresh(binh_item).late == 0
    own_item = items(ev(c, "binh"))["Báo cáo B"]
    with pytest.raises(ValidationError) as error:
        services.work_item_declare(
            item=own_item,
            revision=0,
            by=c.binh.user,
            evidence_file=SimpleUploadedFile("virus.exe", b"MZ"),
        )
    assert "evidence_file" in _errors(error)
    assert not _fresh(own_item).evidence_file


def test_it_keeps_the_unit_snapshot_of_a_person_who_moves(cycle):
    from datetime import date

    from hrsystem import services as hr_services
    from hrsystem.models import JobPosition

    c = cycle
    to_scoring(c)
    hr_services.employee_transfer(
        employee=c.binh,
        unit=c.tt,
        job_position=JobPosition.objects.get(organisation=c.org, code="CV"),
        start=date(2026, 11, 2),
    )
    score(c, "binh", "truong_tc")
    evaluation = ev(c, "binh")
    assert evaluation.unit == c.tc
    assert WorkItem.objects.filter(evaluation=evaluation).count() == 2


def test_it_awards_bonus_points_with_a_reason_under_hn3814(db):
    from tests.evaluation.cycle import build_cycle

    c = build_cycle(rule_set_code="hn3814")
    to_scoring(c)
    evaluation = ev(c, "an")
    with pytest.raises(ValidationError) as error:
        services.bonus_add(
            evaluation=evaluation, points=11, reason="x", revision=0, by=c.truong_tc.user
        )
    assert "points" in _errors(error)
    with pytest.raises(ValidationError) as error:
        services.bonus_add(
            evaluation=evaluation, points=2, reason=" ", revision=0, by=c.truong_tc.user
        )
    assert "reason" in _errors(error)
    with pytest.raises(PermissionDenied):
        services.bonus_add(evaluation=evaluation, points=2, reason="x", revision=0, by=c.an.user)
    entry = services.bonus_add(
        evaluation=evaluation,
        points="2,5",
        reason="Sáng kiến số hoá hồ sơ",
        revision=0,
        by=c.truong_tc.user,
    )
    assert entry.awarded_by == c.truong_tc.user
    assert ev(c, "an").bonus == D("2.50")
