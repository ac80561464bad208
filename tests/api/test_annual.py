"""Annual results through the API: a client reads its agency's year, a person exactly what
the year's pages show them, each reason with its legal basis, only computed roll-ups,
`year` checked, and constant queries at two sizes."""

from datetime import date

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluation.annual import reasons, services
from evaluation.annual.models import AnnualResult, AnnualRun, RunState, UnitAnnualResult
from hrsystem.api import services as api_services
from hrsystem.api.models import Scope
from tests.annual.builders import build_year, set_everyone
from tests.api.conftest import call
from tests.factories import EmployeeFactory, OrganisationFactory, UnitFactory, UserFactory
from tests.shared import shared_cast

pytestmark = pytest.mark.django_db
DOC = {"document_number": "9/QĐ", "document_date": date(2026, 12, 1), "issuer": "UBND xã"}
PEOPLE = "/api/v1/annual-results/"
UNITS = "/api/v1/unit-annual-results/"
ROLES = ["a1", "truong_a", "truong_b", "to_chuc", "hoi_dong", "lanh_dao", "b1"]


@shared_cast("year_api")
def year_api():
    c = build_year(months=6)
    set_everyone(c, "80", a1=["95"] * 6, a2=["94"] * 6, b1=["93"] * 6)
    services.initiative_record(
        organisation=c.org, employee=c.a1, year=2026, title="Sáng kiến", by=c.hr, reason="r", **DOC
    )
    services.rollup_year(c.org, c.year, c.hr)
    c.client, c.token = api_services.api_client_register(
        organisation=c.org, name="QLVB", scopes=[Scope.RESULTS_READ], by=c.hr
    )
    _client, c.people_only = api_services.api_client_register(
        organisation=c.org, name="Nhân sự", scopes=[Scope.PEOPLE_READ], by=c.hr
    )
    other = OrganisationFactory(code="KHAC", name="UBND huyện Khác")
    unit = UnitFactory(organisation=other, code="KVP", name="Văn phòng")
    EmployeeFactory(unit=unit, code="KHAC01")
    admin = UserFactory(username="quan_tri", is_superuser=True, is_staff=True)
    _client, c.other_token = api_services.api_client_register(
        organisation=other, name="QLVB", scopes=[Scope.RESULTS_READ], by=admin
    )
    return c


def session(user):
    client = call()
    client.force_login(user)
    return client


def rows(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def codes(response, key="employee_code") -> set[str]:
    return {row[key] for row in rows(response)}


def test_a_client_reads_its_agency_s_year_and_another_agency_reads_nothing(year_api):
    c = year_api
    everyone = set(AnnualResult.objects.filter(organisation=c.org).values_list("employee__code"))
    assert {(code,) for code in codes(call(c.token).get(f"{PEOPLE}?year=2026"))} == everyone
    units = set(UnitAnnualResult.objects.filter(organisation=c.org).values_list("unit__code"))
    assert {(code,) for code in codes(call(c.token).get(f"{UNITS}?year=2026"), "unit")} == units
    assert rows(call(c.other_token).get(f"{PEOPLE}?year=2026")) == []
    assert rows(call(c.other_token).get(f"{UNITS}?year=2026")) == []


@pytest.mark.parametrize("url", [PEOPLE, UNITS])
def test_a_client_without_results_read_is_refused(year_api, url):
    assert call(year_api.people_only).get(f"{url}?year=2026").status_code == 403
    assert call("hrs_not_a_token").get(f"{url}?year=2026").status_code == 401


@pytest.mark.parametrize("who", ROLES)
def test_a_person_reads_the_people_the_person_page_opens_for_them(year_api, who):
    c = year_api
    user = c.people[who].user
    page = session(user)
    opened = {
        result.employee.code
        for result in AnnualResult.objects.filter(organisation=c.org).select_related("employee")
        if page.get(reverse("annual:person", args=[2026, result.employee_id])).status_code == 200
    }
    assert codes(session(user).get(f"{PEOPLE}?year=2026&page_size=500")) == opened


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("a1", {"A1"}),
        ("b1", {"B1"}),
        ("truong_a", {"TRUONG_A", "A1", "A2", "A3", "A4", "A5", "TO_CHUC"}),
    ],
)
def test_a_person_sees_their_own_year_and_a_head_their_unit(year_api, who, expected):
    response = session(year_api.people[who].user).get(f"{PEOPLE}?year=2026&page_size=500")
    assert codes(response) == expected


@pytest.mark.parametrize("who", ["to_chuc", "hoi_dong", "lanh_dao"])
def test_the_leader_hr_and_the_board_read_every_person_and_unit(year_api, who):
    c = year_api
    client = session(c.people[who].user)
    assert len(rows(client.get(f"{PEOPLE}?year=2026&page_size=500"))) == (
        AnnualResult.objects.filter(organisation=c.org).count()
    )
    assert codes(client.get(f"{UNITS}?year=2026"), "unit") == {"UBND", "PA", "PB"} & set(
        UnitAnnualResult.objects.filter(organisation=c.org).values_list("unit__code", flat=True)
    )


@pytest.mark.parametrize("who", ROLES)
def test_a_person_reads_the_units_the_units_page_shows_them(year_api, who):
    user = year_api.people[who].user
    page = session(user).get(reverse("annual:units", args=[2026]))
    shown = set()
    if page.status_code == 200:
        shown = {row["result"].unit.code for row in page.context["rows"]}
    assert codes(session(user).get(f"{UNITS}?year=2026"), "unit") == shown


def test_a_head_s_unit_row_keeps_its_agency_rank(year_api):
    c = year_api
    own = rows(session(c.truong_a.user).get(f"{UNITS}?year=2026"))
    stored = UnitAnnualResult.objects.get(organisation=c.org, unit=c.pa)
    assert [(row["unit"], row["rank"]) for row in own] == [("PA", stored.rank)]
    assert own[0]["on_time_rate"] == (
        None if stored.on_time_rate is None else f"{stored.on_time_rate:.2f}"
    )


def test_each_row_explains_its_reasons_with_their_legal_basis(year_api):
    c = year_api
    listed = rows(call(c.token).get(f"{PEOPLE}?year=2026&page_size=500"))
    stored = {
        r.employee.code: r
        for r in AnnualResult.objects.filter(organisation=c.org).select_related("employee")
    }
    cited = 0
    for row in listed:
        result = stored[row["employee_code"]]
        assert row["months_worked"] == result.months_worked
        assert row["mean"] == result.mean
        assert row["level"] == result.level and row["title"] == result.title
        assert [reason["code"] for reason in row["reasons"]] == [
            reason["code"] for reason in result.reasons
        ]
        for reason in row["reasons"]:
            assert reason["text"]
            assert reason["legal_basis"] == str(reasons.LEGAL_BASIS.get(reason["code"], ""))
            cited += bool(reason["legal_basis"])
        assert row["run_state"] == RunState.DONE
    assert cited > 0


def test_filters_by_unit_and_employee_code(year_api):
    client = call(year_api.token)
    assert codes(client.get(f"{PEOPLE}?year=2026&employee=A1")) == {"A1"}
    by_unit = {row["unit"] for row in rows(client.get(f"{PEOPLE}?year=2026&unit=PB"))}
    assert by_unit == {"PB"}
    assert rows(client.get(f"{PEOPLE}?year=2025")) == []


def test_only_rows_of_a_computed_roll_up_are_read(year_api):
    c = year_api
    AnnualRun.objects.filter(organisation=c.org, year=2026).update(state=RunState.NEW)
    assert rows(call(c.token).get(f"{PEOPLE}?year=2026")) == []
    assert rows(call(c.token).get(f"{UNITS}?year=2026")) == []


@pytest.mark.parametrize("url", [PEOPLE, UNITS])
@pytest.mark.parametrize("year", ["", "abc", "1999", "2101", "99999999999"])
def test_a_bad_year_is_a_400_naming_it(year_api, url, year):
    response = call(year_api.token).get(f"{url}?year={year}")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["year"]


@pytest.mark.parametrize("code", ["a\x00b", "x" * 33])
@pytest.mark.parametrize("name", ["unit", "employee"])
def test_a_code_no_record_can_have_is_a_400_naming_it(year_api, name, code):
    response = call(year_api.token).get(PEOPLE, {"year": "2026", name: code})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [name]


def test_the_schema_requires_the_year(year_api):
    schema = call(year_api.token).get("/api/schema/?format=json").json()
    for url in (PEOPLE, UNITS):
        parameters = schema["paths"][url]["get"]["parameters"]
        assert {"name": "year", "required": True} | next(
            p for p in parameters if p["name"] == "year"
        ) == next(p for p in parameters if p["name"] == "year")


def _grow(c, n):
    """`n` more units under PA with a person each and their year's rows, stored directly
    like A3's and PA's (a fixture: the roll-up of new people has its own tests)."""
    person = AnnualResult.objects.get(organisation=c.org, employee=c.a3)
    unit = UnitAnnualResult.objects.get(organisation=c.org, unit=c.pa)
    for i in range(n):
        sub = UnitFactory(parent=c.pa, code=f"X{i}", name=f"Tổ X{i}")
        employee = EmployeeFactory(unit=sub, code=f"X{i}P", user=None)
        person.pk, person.employee, person.unit = None, employee, sub
        person.save()
        unit.pk, unit.unit, unit.rank = None, sub, None
        unit.save()


def _counted(client, url) -> tuple[int, int]:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return len(captured), len(rows(response))


@pytest.mark.parametrize("who", ["client", "to_chuc", "truong_a", "a1"])
@pytest.mark.parametrize("url", [PEOPLE, UNITS])
def test_constant_queries_at_two_sizes(year_api, who, url):
    c = year_api

    def client():
        return call(c.token) if who == "client" else session(c.people[who].user)

    small = _counted(client(), f"{url}?year=2026&page_size=500")
    _grow(c, 6)
    large = _counted(client(), f"{url}?year=2026&page_size=500")
    assert large[0] == small[0] <= 20
    if who in ("client", "to_chuc", "truong_a"):
        assert large[1] == small[1] + 6


def test_the_year_refusal_and_the_reasons_read_in_english(year_api):
    client = call(year_api.token)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    refused = client.get(UNITS)
    assert refused.json()["errors"] == {"year": ["Required: the year to read."]}
    listed = rows(client.get(f"{PEOPLE}?year=2026&page_size=500"))
    bases = {reason["legal_basis"] for row in listed for reason in row["reasons"]}
    assert any(basis.startswith("Decree 335/2025") for basis in bases), bases
    schema = client.get("/api/schema/?format=json&lang=en").json()
    year = next(p for p in schema["paths"][PEOPLE]["get"]["parameters"] if p["name"] == "year")
    assert year["description"] == "Year (2000–2100)."
