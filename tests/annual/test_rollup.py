"""The annual roll-up: each cap and the quota as the engine rates them, stored with
reason and legal basis; refusals write nothing; a re-run leaves every row as it was."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from discipline.models import DisciplineDecision, DisciplineForm
from evaluation import scoring
from evaluation.annual import services
from evaluation.annual.models import (
    AnnualRecomputation,
    AnnualResult,
    AnnualRun,
    UnitAnnualResult,
)
from evaluation.annual.reasons import LEGAL_BASIS
from evaluation.models import Period, PeriodState
from hrsystem.services import job_start
from tests.annual.builders import build_year, set_everyone, set_months
from tests.shared import shared_cast

pytestmark = pytest.mark.django_db
DOC = {"document_number": "12/QĐ-UBND", "document_date": date(2026, 11, 3), "issuer": "UBND xã"}


@shared_cast("year")
def year_fixture():
    return build_year(months=8)


def result(c, name) -> AnnualResult:
    return AnnualResult.objects.get(organisation=c.org, year=c.year, employee=c.people[name])


def codes(row) -> list[str]:
    return [reason["code"] for reason in row.reasons]


def test_rollup_writes_a_result_per_person_and_unit(year):
    run = services.rollup_year(year.org, year.year, year.hr)
    assert run.state == "done"
    assert sorted(run.periods.values_list("number", flat=True)) == list(range(1, 9))
    people = AnnualResult.objects.filter(organisation=year.org, year=year.year)
    # everyone but the agency leader, whom the level above rates
    assert people.count() == len(year.people) - 1
    assert UnitAnnualResult.objects.filter(organisation=year.org).count() == 3
    assert AnnualRecomputation.objects.filter(run=run).count() == 1


def test_score_is_the_mean_of_rated_months_and_absence_caps(year):
    set_everyone(year, "80", a3=["95"] * 5 + [None] * 3, a4=["91", "92"] + ["90"] * 6)
    # absent in June to August, June on sick leave: six months worked, three absent
    services.maternity_record(
        organisation=year.org,
        employee=year.a3,
        year=2026,
        months=[6],
        kind="sick",
        by=year.hr,
        reason="Nghỉ ốm hưởng BHXH",
        **DOC,
    )
    services.rollup_year(year.org, year.year, year.hr)
    a3 = result(year, "a3")
    assert (a3.score, a3.score_level, a3.level) == (Decimal("95.00"), "top", "complete")
    assert a3.months_worked == 6 and a3.months_absent == 3
    assert codes(a3) == [scoring.CAPPED_ABSENCE]
    assert a3.reasons[0]["basis"] == str(LEGAL_BASIS[scoring.CAPPED_ABSENCE])
    a4 = result(year, "a4")
    assert a4.score == Decimal("90.38") and a4.mean == str(Decimal(723) / 8)


def test_fewer_than_six_months_is_not_rated_unless_maternity_makes_them_up(year):
    set_everyone(year, "80", a3=["80"] * 3 + [None] * 5, a4=["80"] * 3 + [None] * 5)
    services.maternity_record(
        organisation=year.org,
        employee=year.a4,
        year=2026,
        months=[4, 5, 6],
        by=year.hr,
        reason="Nghỉ thai sản",
        **DOC,
    )
    services.rollup_year(year.org, year.year, year.hr)
    a3, a4 = result(year, "a3"), result(year, "a4")
    assert not a3.rated and codes(a3) == [scoring.NOT_RATED_FEW_MONTHS] and a3.level == ""
    assert a4.rated and a4.months_worked == 6 and a4.score == Decimal("80.00")


def _decision(c, name, form, on, *, public_duty=True):
    forms = {"khien_trach": 1, "canh_cao": 2}
    form_row, _created = DisciplineForm.objects.get_or_create(
        code=form, defaults={"name": form, "severity": forms[form]}
    )
    return DisciplineDecision.objects.create(
        organisation=c.org,
        unit=c.pa,
        employee=c.people[name],
        number=f"{name}/QĐ-KL",
        decided_on=on,
        signer_name="Chủ tịch",
        signer_title="Chủ tịch UBND",
        form=form_row,
        legal_basis="Luật Cán bộ, công chức",
        effect_from=on,
        public_duty=public_duty,
    )


def test_discipline_degradation_and_corruption_cap_the_year(year):
    set_everyone(year, "92")
    _decision(year, "a1", "khien_trach", date(2026, 5, 12))
    _decision(year, "a2", "khien_trach", date(2026, 5, 12), public_duty=False)
    services.degradation_record(
        organisation=year.org, employee=year.a3, year=2026, by=year.hr, reason="Kết luận", **DOC
    )
    services.corruption_case_record(
        organisation=year.org,
        unit=year.pb,
        year=2026,
        summary="Lãng phí vật tư",
        by=year.hr,
        reason="Vụ việc",
        **{**DOC, "document_number": "5/KL-TTr"},
    )
    services.rollup_year(year.org, year.year, year.hr)
    a1 = result(year, "a1")
    assert a1.level == "fail" and codes(a1) == [scoring.DISCIPLINE_IN_YEAR]
    assert a1.reasons[0]["basis"] == str(LEGAL_BASIS[scoring.DISCIPLINE_IN_YEAR])
    assert result(year, "a2").level != "fail"  # not a public-duty violation
    assert codes(result(year, "a3")) == [scoring.DEGRADATION_CONCLUDED]
    truong_b = result(year, "truong_b")
    assert truong_b.level == "fail" and codes(truong_b) == [scoring.CORRUPTION_IN_UNIT]
    assert result(year, "b1").level != "fail"  # the flag means nothing for staff


def test_head_is_capped_by_the_unit(year):
    set_everyone(year, "60", truong_a=["95"] * 8)
    services.rollup_year(year.org, year.year, year.hr)
    head = result(year, "truong_a")
    assert head.is_head and head.score_level == "top" and head.level == "complete"
    assert codes(head) == [scoring.HEAD_CAPPED_BY_UNIT]
    unit = UnitAnnualResult.objects.get(organisation=year.org, year=year.year, unit=year.pa)
    assert (unit.score, unit.level) == (Decimal("60.00"), "complete")


def test_quota_per_group_with_the_tie_break_at_the_boundary(year):
    # the agency-wide group: a3 a4 a5 b3 b4 to_chuc hoi_dong truong_a truong_b, all good
    # or better: 9 → floor(20% × 9) = 1 keeps Xuất sắc
    top = ["95"] * 8
    set_everyone(
        year,
        "80",
        a3=top,
        a4=["95"] * 7 + ["94"],  # same rounded score? no: 94.88, below
        a5=["95"] * 7 + ["90"],  # 94.38
        b3=top,  # same score and months at the top as a3: the code decides (A3 < B3)
        # "Kế toán" (a1 a2 b1 b2): floor(20% × 4) = 0 keeps Xuất sắc
        a1=top,
    )
    services.rollup_year(year.org, year.year, year.hr)
    assert result(year, "a3").level == "top" and codes(result(year, "a3")) == []
    for name in ("b3", "a4", "a5", "a1"):
        row = result(year, name)
        assert (row.score_level, row.level) == ("top", "good"), name
        assert codes(row) == [scoring.QUOTA_DOWNGRADE]
        assert row.reasons[0]["basis"] == str(LEGAL_BASIS[scoring.QUOTA_DOWNGRADE])
    assert dict(result(year, "b3").reasons[0]["params"])["rank"] == "2"
    assert result(year, "a1").quota_group == "Kế toán"


def test_months_at_the_top_break_a_tie_of_scores(year):
    # both 90.00: a3 has eight months at the top, a4 four at 95 and four at 85
    set_everyone(year, "80", a3=["90"] * 8, a4=["95"] * 4 + ["85"] * 4)
    services.rollup_year(year.org, year.year, year.hr)
    assert result(year, "a3").months_at_top == 8 and result(year, "a3").level == "top"
    assert result(year, "a4").level == "good"


def test_refused_while_a_counted_month_is_open(year):
    Period.objects.filter(pk=year.periods[2].pk).update(state=PeriodState.PUBLISHED)
    with pytest.raises(services.RollupRefused) as refused:
        services.rollup_year(year.org, year.year, year.hr, periods=[1, 2, 3])
    months = {(um.unit_code, um.month) for um in refused.value.unit_months}
    assert months == {("UBND", 3), ("PA", 3), ("PB", 3)}
    assert not AnnualResult.objects.exists() and not AnnualRun.objects.exists()


def test_refused_with_no_locked_month_or_a_month_not_opened(year):
    with pytest.raises(services.RollupRefused, match="11, 12"):
        services.rollup_year(year.org, year.year, year.hr, periods=[1, 11, 12])
    with pytest.raises(services.RollupRefused):
        services.rollup_year(year.org, 2025, year.hr)
    assert not AnnualResult.objects.exists()


def test_only_hr_rolls_up(year):
    with pytest.raises(PermissionDenied):
        services.rollup_year(year.org, year.year, year.hoi_dong.user)
    assert not AnnualResult.objects.exists()


def test_default_counts_the_locked_months_only(year):
    Period.objects.filter(pk=year.periods[7].pk).update(state=PeriodState.PUBLISHED)
    run = services.rollup_year(year.org, year.year, year.hr)
    assert sorted(run.periods.values_list("number", flat=True)) == list(range(1, 8))


def test_rerun_leaves_every_row_as_it_was(year):
    services.rollup_year(year.org, year.year, year.hr)
    before = list(AnnualResult.objects.order_by("pk").values())
    units_before = list(UnitAnnualResult.objects.order_by("pk").values())
    services.rollup_year(year.org, year.year, year.hr)
    assert list(AnnualResult.objects.order_by("pk").values()) == before
    assert list(UnitAnnualResult.objects.order_by("pk").values()) == units_before
    second = AnnualRecomputation.objects.order_by("id").last()
    assert (second.created_ids, second.changed_ids, second.unit_ids) == ([], [], [])
    set_months(year, "a3", ["50"] * 8)
    services.rollup_year(year.org, year.year, year.hr)
    third = AnnualRecomputation.objects.order_by("id").last()
    assert result(year, "a3").pk in third.changed_ids
    assert AnnualResult.objects.count() == len(before)


def test_initiative_needs_its_recognition_decision(year):
    with pytest.raises(ValidationError) as error:
        services.initiative_record(
            organisation=year.org,
            employee=year.a1,
            year=2026,
            title="Số hoá hồ sơ",
            by=year.hr,
            reason="Hội đồng sáng kiến công nhận",
            **{**DOC, "document_number": " "},
        )
    assert "document_number" in error.value.message_dict
    assert not year.a1.annual_initiatives.exists()


def test_initiative_makes_an_emulation_soldier_and_edits_keep_history(year):
    set_everyone(year, "85")
    initiative = services.initiative_record(
        organisation=year.org,
        employee=year.a1,
        year=2026,
        title="Số hoá hồ sơ",
        by=year.hr,
        reason="Hội đồng sáng kiến công nhận",
        **DOC,
    )
    services.annual_input_update(
        record=initiative, by=year.hr, reason="Sửa tên theo quyết định", title="Số hoá hồ sơ đất"
    )
    assert initiative.history.count() == 2
    assert initiative.history.first().history_change_reason == "Sửa tên theo quyết định"
    with pytest.raises(ValidationError):
        services.annual_input_update(record=initiative, by=year.hr, reason="", title="x")
    with pytest.raises(PermissionDenied):
        services.annual_input_update(record=initiative, by=year.a1.user, reason="r", title="x")
    services.rollup_year(year.org, year.year, year.hr)
    assert result(year, "a1").title == scoring.TITLE_EMULATION_SOLDIER
    assert result(year, "a2").title == scoring.TITLE_ADVANCED_WORKER


def test_the_job_reports_progress_and_a_refusal_names_the_open_unit_months(year):
    job = job_start(kind="annual.rollup", by=year.hr, organisation=year.org, params={"year": 2026})
    assert (job.state, job.done, job.total, job.percent) == ("done", 13, 13, 100)
    Period.objects.filter(pk=year.periods[0].pk).update(state=PeriodState.SCORING)
    job = job_start(
        kind="annual.rollup",
        by=year.hr,
        organisation=year.org,
        params={"year": 2026, "months": [1]},
    )
    assert job.state == "failed"
    assert "Phòng A (PA), tháng 1: chưa khoá" in job.error
    with pytest.raises(PermissionDenied):
        job_start(
            kind="annual.rollup", by=year.a1.user, organisation=year.org, params={"year": 2026}
        )


def test_rollup_reads_and_writes_in_a_constant_number_of_queries(year):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import EmployeeFactory, UnitFactory

    def first_run() -> int:
        AnnualResult.objects.all().delete()
        UnitAnnualResult.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            services.rollup_year(year.org, year.year, year.hr)
        return len(queries)

    first_run()  # the run's own row exists from now on
    small = first_run()
    for i in range(8):
        unit = UnitFactory(parent=year.root, code=f"Y{i}", name=f"Phòng Y{i}")
        person = EmployeeFactory(unit=unit, code=f"Y{i}P", user=None)
        for period in year.periods:  # a month stored for each, as a locked month keeps it
            template = period.evaluations.filter(
                is_current=True, absent=False, not_rated=False
            ).first()
            template.pk = None
            template.employee, template.unit = person, unit
            template.save()
    assert AnnualResult.objects.count() < 13 + 8
    assert first_run() == small
    assert AnnualResult.objects.count() == 13 + 8


def test_a_quarterly_agency_is_told_the_year_counts_months_only(year):
    Period.objects.filter(pk=year.periods[0].pk).update(cadence="quarterly", year=2027, number=1)
    with pytest.raises(services.RollupRefused, match="theo quý"):
        services.rollup_year(year.org, 2027, year.hr)
