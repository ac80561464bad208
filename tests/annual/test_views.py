"""The year's pages: who may open which, the roll-up run from the HR officer's page (as a
job, progress shown), its refusal listing the open unit-months, the board reading a
period's results, and constant queries at two sizes."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluation import scoring
from evaluation.annual import services
from evaluation.annual.models import AnnualResult, AnnualRun, UnitAnnualResult
from evaluation.models import Period, PeriodState
from hrsystem.models import BackgroundJob
from tests.annual.builders import build_year, set_everyone
from tests.factories import EmployeeFactory, UnitFactory
from tests.shared import shared_cast

pytestmark = pytest.mark.django_db
DOC = {"document_number": "9/QĐ", "document_date": date(2026, 12, 1), "issuer": "UBND xã"}


@shared_cast("rolled_year")
def rolled_year():
    c = build_year(months=6)
    set_everyone(c, "80", a1=["95"] * 6, a2=["94"] * 6, b1=["93"] * 6)
    services.initiative_record(
        organisation=c.org, employee=c.a1, year=2026, title="Sáng kiến", by=c.hr, reason="r", **DOC
    )
    services.rollup_year(c.org, c.year, c.hr)
    return c


def _get(client, user, name, *args):
    client.force_login(user)
    return client.get(reverse(name, args=args))


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("a1", 200),
        ("truong_a", 200),
        ("to_chuc", 200),
        ("hoi_dong", 200),
        ("lanh_dao", 200),
        ("b1", 403),
        ("truong_b", 403),
    ],
)
def test_person_page_by_role(client, rolled_year, who, status):
    c = rolled_year
    response = _get(client, c.people[who].user, "annual:person", 2026, c.a1.pk)
    assert response.status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [("to_chuc", 200), ("hoi_dong", 200), ("lanh_dao", 200), ("truong_a", 200), ("a1", 403)],
)
def test_units_page_by_role(client, rolled_year, who, status):
    response = _get(client, rolled_year.people[who].user, "annual:units", 2026)
    assert response.status_code == status


def test_a_head_sees_their_own_unit_s_row_with_its_agency_rank(client, rolled_year):
    everyone = _get(client, rolled_year.hr, "annual:units", 2026).context["rows"]
    own = _get(client, rolled_year.truong_a.user, "annual:units", 2026).context["rows"]
    assert [row["result"].unit.code for row in own] == ["PA"]
    rank = next(r["result"].rank for r in everyone if r["result"].unit.code == "PA")
    assert own[0]["result"].rank == rank


@pytest.mark.parametrize(
    ("who", "status"),
    [("to_chuc", 200), ("hoi_dong", 403), ("lanh_dao", 403), ("truong_a", 403), ("a1", 403)],
)
def test_year_page_by_role(client, rolled_year, who, status):
    response = _get(client, rolled_year.people[who].user, "annual:year", 2026)
    assert response.status_code == status


def test_only_hr_runs_the_rollup(client, rolled_year):
    client.force_login(rolled_year.hoi_dong.user)
    response = client.post(reverse("annual:run", args=[2026]))
    assert response.status_code == 403


def test_the_board_reads_a_period_s_results_read_only(client, rolled_year):
    period = rolled_year.periods[0]
    response = _get(client, rolled_year.hoi_dong.user, "evaluation:overview", period.pk)
    assert response.status_code == 200
    assert reverse("evaluation:period_reopen", args=[period.pk]) not in response.content.decode()
    assert _get(client, rolled_year.a1.user, "evaluation:overview", period.pk).status_code == 403


def test_person_page_explains_the_quota_and_the_title(client, rolled_year):
    c = rolled_year
    a2 = AnnualResult.objects.get(employee=c.a2, year=2026)
    assert a2.level == "good" and [r["code"] for r in a2.reasons] == [scoring.QUOTA_DOWNGRADE]
    page = _get(client, c.a2.user, "annual:person", 2026, c.a2.pk).content.decode()
    assert "Điều 20 khoản 5 điểm a" in page
    assert "đứng thứ 2" in page and "Kế toán" in page
    page = _get(client, c.a1.user, "annual:person", 2026, c.a1.pk).content.decode()
    assert "Chiến sĩ thi đua cơ sở" in page
    assert _get(client, c.a1.user, "annual:mine", 2026).url == reverse(
        "annual:person", args=[2026, c.a1.pk]
    )


def test_units_are_ranked_with_their_distribution(client, rolled_year):
    page = _get(client, rolled_year.hr, "annual:units", 2026)
    ranked = [row["result"].unit.code for row in page.context["rows"]]
    assert ranked[-1] == "UBND"  # no rated staff: no rank, listed last
    assert [row["result"].rank for row in page.context["rows"]][:2] == [1, 2]
    pa = next(row for row in page.context["rows"] if row["result"].unit.code == "PA")
    assert sum(pa["counts"]) == AnnualResult.objects.filter(unit=rolled_year.pa, rated=True).count()


def test_the_page_runs_the_rollup_as_a_job(client, rolled_year):
    c = rolled_year
    AnnualResult.objects.all().delete()
    client.force_login(c.hr)
    response = client.post(reverse("annual:run", args=[2026]))
    assert response.status_code == 302
    job = BackgroundJob.objects.get(kind="annual.rollup", organisation=c.org)
    assert (job.state, job.percent, job.params) == ("done", 100, {"year": 2026, "months": None})
    assert job.total == 13 and job.result["url"] == reverse("annual:units", args=[2026])
    run = AnnualRun.objects.get(organisation=c.org, year=2026)
    assert (run.state, run.people, run.by) == ("done", 13, c.hr)
    assert AnnualResult.objects.filter(organisation=c.org).count() == 13
    page = client.get(reverse("annual:year", args=[2026])).content.decode()
    assert 'value="100"' in page and reverse("hrsystem:job_status", args=[job.pk]) not in page
    status = client.get(reverse("hrsystem:job_status", args=[job.pk]))
    assert status.status_code == 200


def test_the_page_lists_the_open_unit_months_and_writes_nothing(client, rolled_year):
    c = rolled_year
    Period.objects.filter(pk=c.periods[1].pk).update(state=PeriodState.SCORING)
    before = list(AnnualResult.objects.order_by("pk").values())
    client.force_login(c.hr)
    response = client.post(reverse("annual:run", args=[2026]), {"months": ["1", "2"]})
    assert response.status_code == 409
    assert {(u.unit_code, u.month) for u in response.context["unlocked"]} == {
        ("UBND", 2),
        ("PA", 2),
        ("PB", 2),
    }
    assert list(AnnualResult.objects.order_by("pk").values()) == before
    assert not BackgroundJob.objects.filter(kind="annual.rollup").exists()


def _grow(c, n):
    """`n` more units with a person each and an input each, rolled up again."""
    for i in range(n):
        unit = UnitFactory(parent=c.root, code=f"X{i}", name=f"Phòng X{i}")
        person = EmployeeFactory(unit=unit, code=f"X{i}P", user=None)
        services.maternity_record(
            organisation=c.org,
            employee=person,
            year=2026,
            months=[i % 12 + 1],
            by=c.hr,
            reason="r",
            **DOC,
        )
    services.rollup_year(c.org, c.year, c.hr)


@pytest.mark.parametrize("name", ["annual:units", "annual:year", "annual:person"])
def test_constant_queries_at_two_sizes(client, rolled_year, name):
    c = rolled_year
    args = [2026] if name != "annual:person" else [2026, c.a1.pk]
    client.force_login(c.hr)
    client.get(reverse(name, args=args))
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(name, args=args)).status_code == 200
    _grow(c, 6)
    assert UnitAnnualResult.objects.filter(organisation=c.org).count() == 9
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse(name, args=args)).status_code == 200
    assert len(large) == len(small)


def test_the_year_page_shows_the_quota_groups_and_the_period_list_links_the_year(
    client, rolled_year
):
    client.force_login(rolled_year.hr)
    page = client.get(reverse("annual:year", args=[2026])).content.decode()
    assert "Kế toán: 4 người" in page
    periods = client.get(reverse("evaluation:period_list")).content.decode()
    assert reverse("annual:year", args=[date.today().year]) in periods


def test_the_person_s_year_reads_in_english(client, rolled_year):
    c = rolled_year
    client.force_login(c.a2.user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("annual:person", args=[2026, c.a2.pk])).content.decode()
    assert "Step by step" in page and "Share of Excellent" in page
    assert "Decree 335/2025/NĐ-CP, Article 20, clause 5, point a" in page
    assert "94.00" in page  # the English number format


def test_the_head_s_page_explains_the_cap_by_the_unit_and_the_absence_cap(client, rolled_year):
    c = rolled_year
    set_everyone(c, "60", truong_a=["95"] * 6, a3=["95"] * 3 + [None] * 3)
    services.maternity_record(
        organisation=c.org, employee=c.a3, year=2026, months=[4, 5, 6], by=c.hr, reason="r", **DOC
    )
    services.rollup_year(c.org, c.year, c.hr)
    page = _get(client, c.hr, "annual:person", 2026, c.truong_a.pk).content.decode()
    assert "Trách nhiệm người đứng đầu" in page and "Mức của đơn vị: Hoàn thành" in page
    page = _get(client, c.hr, "annual:person", 2026, c.a3.pk).content.decode()
    assert "Nghỉ việc quá số tháng cho phép trong năm" in page
    assert "3 tháng được xếp loại, 3 tháng nghỉ" in page
