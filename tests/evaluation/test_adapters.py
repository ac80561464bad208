"""period_recompute end to end: the spec's worked example, leaders, caps, dossiers."""

from decimal import Decimal

import pytest

from evaluation.adapters import period_recompute
from evaluation.models import Evaluation, UnitPeriod, WorkItem
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


def test_it_writes_nothing_when_nothing_changed(cycle):
    c = cycle
    period_recompute(period=c.period)
    before = Evaluation.history.count()
    period_recompute(period=c.period)
    assert Evaluation.history.count() == before


def _fail_month(c, name: str, by: str) -> None:
    """Score `name` with nothing done: 30 general points, 0 task points → fail."""
    score(c, name, by)


def _good_month(c, name: str, by: str) -> None:
    evaluation = ev(c, name)
    for item in evaluation.work_items.all():
        item.done = item.planned
        item.save()
    score(c, name, by)


def test_it_gives_a_head_d_50_when_a_staff_member_fails_and_a_deputy_only_for_delegated_staff(
    cycle,
):
    c = cycle
    to_scoring(c)
    _good_month(c, "an", "pho_tc")
    _fail_month(c, "binh", "truong_tc")
    _good_month(c, "pho_tc", "truong_tc")
    _good_month(c, "truong_tc", "chu_tich")
    deputy, head = ev(c, "pho_tc"), ev(c, "truong_tc")
    assert deputy.leader_d == D(100)  # an (delegated) passed; binh is not theirs
    assert head.leader_d == D(50)
    assert {"code": "leader_unit_has_fail", "params": []} in head.reasons
    # six equal parts: 100, 100, 100, d 50, dd 100, e 100 → 91.67 %
    assert head.task_pct == D("91.67")
    unit = UnitPeriod.objects.get(period=c.period, unit=c.tc)
    # unit score: mean of an, binh and pho_tc (head excluded)
    assert unit.rated_count == 3
    assert unit.score == ((ev(c, "an").total + ev(c, "binh").total + deputy.total) / 3).quantize(
        D("0.01")
    )


def test_it_caps_the_head_by_the_unit_level(cycle):
    c = cycle
    to_scoring(c)
    for name, by in (("an", "pho_tc"), ("binh", "truong_tc"), ("pho_tc", "truong_tc")):
        _fail_month(c, name, by)
    _good_month(c, "truong_tc", "chu_tich")
    head = ev(c, "truong_tc")
    assert head.score_level in ("top", "good") and head.level == "fail"
    assert any(r["code"] == "head_capped_by_unit" for r in head.reasons)


def test_it_deducts_violations_by_criterion_from_the_total_and_applies_caps(cycle):
    c = cycle
    to_scoring(c)
    violation(c, c.binh, points=D("1.5"), criterion_code="khong_co_tieu_chi_nay")
    violation(c, c.binh, points=D(1), cap_level="complete")
    _good_month(c, "binh", "truong_tc")
    binh = ev(c, "binh")
    assert binh.general == D("30.00")
    assert binh.deductions == D("2.50")
    assert binh.total == D("97.50") and binh.score_level == "top"
    assert binh.level == "complete"
    assert binh.reasons[0]["code"] == "capped_by_violation"


def test_it_counts_unexcused_late_dossiers_against_the_dossier_item(cycle):
    from datetime import date

    from discipline.models import DossierRecord, DossierStatus

    c = cycle
    to_scoring(c)
    evaluation = ev(c, "mot_cua")
    item = items(evaluation)["Thẩm định hồ sơ A"]
    WorkItem.objects.filter(pk=item.pk).update(is_dossier_processing=True, done=10)
    WorkItem.objects.filter(evaluation=evaluation).exclude(pk=item.pk).update(done=10)
    for n, excused in ((1, False), (2, True)):
        DossierRecord.objects.create(
            organisation=c.org,
            unit=c.mc,
            code=f"HS{n}",
            citizen_name="Nguyễn Văn Dân",
            officer=c.mot_cua,
            received_on=date(2026, 10, 1),
            due_on=date(2026, 10, 5),
            settled_on=date(2026, 10, 7),
            status=DossierStatus.LATE,
            excused=excused,
            excuse_reason="Mất điện" if excused else "",
        )
    score(c, "mot_cua", "chu_tich")
    item.refresh_from_db()
    assert item.dossier_late == 1 and item.late == 0
    result = ev(c, "mot_cua")
    # A (w 2 × 10) loses 25% of its progress: (20 × 0.75 + 10) / 30 = 83.33
    assert result.progress_pct == D("83.33")
    unit = UnitPeriod.objects.get(period=c.period, unit=c.mc)
    assert unit.on_time_rate == D("0.00")


def test_it_prefills_items_from_the_catalogue_product_of_a_standing_task(db):
    from hrsystem import services as hr_services
    from hrsystem.models import JobPosition
    from tests.evaluation.cycle import load_rule_sets
    from tests.factories import PeriodFactory, WorkProductFactory
    from tests.hrsystem.cast import build_cast

    load_rule_sets()
    c = build_cast()
    product = WorkProductFactory(
        organisation=c.org, coefficient=D("1.5"), is_dossier_processing=True
    )
    hr_services.standard_task_create(
        job_position=JobPosition.objects.get(organisation=c.org, code="CV"),
        name="Giải quyết hồ sơ một cửa",
        unit_of_measure="hồ sơ",
        default_planned=D(40),
    )
    from hrsystem.models import StandardTask

    StandardTask.objects.update(work_product=product)
    period = PeriodFactory(organisation=c.org, by=c.to_chuc.user)
    item = WorkItem.objects.get(evaluation__period=period, evaluation__employee=c.mot_cua)
    assert (item.work_product, item.coefficient, item.planned) == (product, D("1.5"), D(40))
    assert item.is_dossier_processing


def test_it_keeps_results_when_the_task_or_product_is_retired(cycle):
    from django.db.models import ProtectedError

    c = cycle
    with pytest.raises(ProtectedError):
        c.task_a.delete()
    c.task_a.name = "Tên mới"
    c.task_a.save()
    assert items(ev(c, "an"))["Thẩm định hồ sơ A"].coefficient == D(2)


def test_it_leaves_a_person_who_joined_after_the_15th_not_rated_with_the_reason(db):
    from datetime import date

    from hrsystem.models import JobPosition
    from tests.evaluation.cycle import load_rule_sets
    from tests.factories import EmployeeFactory, PeriodFactory
    from tests.hrsystem.cast import build_cast

    load_rule_sets()
    c = build_cast()
    newcomer = EmployeeFactory(
        unit=c.tc,
        job_position=JobPosition.objects.get(organisation=c.org, code="CV"),
        start=date(2026, 10, 16),
    )
    period = PeriodFactory(organisation=c.org, by=c.to_chuc.user)
    period_recompute(period=period)
    evaluation = Evaluation.objects.get(period=period, employee=newcomer)
    assert evaluation.not_rated and evaluation.joined_late
    assert evaluation.total is None and evaluation.level == ""
    assert evaluation.reasons == [{"code": "not_rated_joined_late", "params": []}]
    leader = Evaluation.objects.get(period=period, employee=c.chu_tich)
    assert leader.not_rated and not leader.joined_late and leader.reasons == []


def test_it_takes_the_acting_head_as_the_units_head_and_keeps_the_outgoing_head_a_leader(db):
    from tests.evaluation.cycle import build_cycle

    c = build_cycle(month=6)  # NV: truong_nv heads until 30/6, quyen_nv acts from 1/6
    period_recompute(period=c.period)
    acting, outgoing = ev(c, "quyen_nv"), ev(c, "truong_nv")
    assert acting.is_head and acting.is_leader and acting.leader_d is not None
    assert outgoing.is_leader and not outgoing.is_head
    assert not ev(c, "to_chuc").is_leader


def test_it_runs_a_quarterly_period_like_a_month_with_a_quarters_dossiers(db):
    from datetime import date

    from discipline.models import DossierRecord, DossierStatus
    from evaluation.models import Cadence, RuleSet
    from hrsystem import services as hr_services
    from hrsystem.models import JobPosition
    from tests.evaluation.cycle import load_rule_sets
    from tests.factories import PeriodFactory
    from tests.hrsystem.cast import build_cast

    load_rule_sets()
    c = build_cast()
    quarterly = RuleSet.objects.get(code="nd335")
    quarterly.pk, quarterly.version, quarterly.is_locked = None, 9, False
    quarterly.code, quarterly.cadence = "nd335q", Cadence.QUARTERLY
    quarterly.save()
    for criterion in RuleSet.objects.get(code="nd335").criteria.all():
        criterion.pk, criterion.rule_set = None, quarterly
        criterion.save()
    hr_services.standard_task_create(
        job_position=JobPosition.objects.get(organisation=c.org, code="CV"),
        name="Giải quyết hồ sơ một cửa",
        unit_of_measure="hồ sơ",
        default_planned=D(30),
    )
    period = PeriodFactory(organisation=c.org, number=4, rule_set_code="nd335q", by=c.to_chuc.user)
    assert (period.cadence, period.start, period.end) == (
        Cadence.QUARTERLY,
        date(2026, 10, 1),
        date(2026, 12, 31),
    )
    for month in (10, 12):
        DossierRecord.objects.create(
            organisation=c.org,
            unit=c.mc,
            code=f"Q{month}",
            citizen_name="Trần Thị Dân",
            officer=c.mot_cua,
            received_on=date(2026, month, 1),
            due_on=date(2026, month, 2),
            settled_on=date(2026, month, 3),
            status=DossierStatus.LATE,
        )
    item = WorkItem.objects.filter(evaluation__period=period, evaluation__employee=c.mot_cua)
    item.filter(pk=item.first().pk).update(is_dossier_processing=True)
    period_recompute(period=period)
    assert item.get(is_dossier_processing=True).dossier_late == 2
    assert UnitPeriod.objects.get(period=period, unit=c.mc).on_time_rate == D("0.00")
