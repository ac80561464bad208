"""Violations and discipline decisions: a client reads its agency's, a person what the
ledger pages show them; another agency's records answer 404; lists cost the same at two sizes."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from discipline import services as discipline_services
from discipline.models import DisciplineForm, ViolationCatalogueItem
from tests.api.conftest import call
from tests.shared import shared_cast

pytestmark = pytest.mark.django_db


@shared_cast("ledger")
def ledger(api):
    """`api` with two late arrivals on the ledger (BINH, CUONG) and a decision on BINH's."""
    call_command("loaddata", "fixtures/reference/discipline_forms.json", verbosity=0)
    api.item = ViolationCatalogueItem.objects.create(
        code="test_late",
        description="Đi muộn",
        legal_basis="Quy chế làm việc",
        default_points=Decimal(2),
        effective_from=date(2026, 1, 1),
    )
    api.binh_late = record(api, api.binh, date(2026, 10, 8))
    api.cuong_late = record(api, api.cuong, date(2026, 10, 9))
    api.decision = discipline_services.discipline_decide(
        employee=api.binh,
        number="12/QĐ-UBND",
        decided_on=date(2026, 11, 2),
        signer_name="Nguyễn Văn Chính",
        signer_title="Chủ tịch",
        form=DisciplineForm.objects.order_by("severity").first(),
        legal_basis="Nghị định 112/2020/NĐ-CP",
        effect_from=date(2026, 11, 2),
        violations=[api.binh_late],
        by=api.to_chuc.user,
    )
    return api


def record(api, employee, day):
    return discipline_services.violation_record(
        item=api.item, occurred_on=day, employee=employee, by=api.truong_tc.user
    )


def listed(client, url, key="employee"):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return sorted(row[key] for row in response.json()["results"])


def session(user):
    client = call()
    client.force_login(user)
    return client


def test_a_client_reads_its_agencys_ledger_explained(ledger):
    ours = call(ledger.qlvb_token)
    assert listed(ours, "/api/v1/violations/") == ["BINH", "CUONG"]
    row = ours.get(f"/api/v1/violations/{ledger.binh_late.pk}/").json()
    assert (row["points"], row["legal_basis"], row["item"]) == (
        "2.00",
        "Quy chế làm việc",
        "test_late",
    )
    decision = ours.get(f"/api/v1/decisions/{ledger.decision.pk}/").json()
    assert decision["number"] == "12/QĐ-UBND"
    assert decision["violations"] == [ledger.binh_late.pk]


def test_another_agency_reads_none_of_it(ledger):
    theirs = call(ledger.khac_token)
    assert listed(theirs, "/api/v1/violations/") == []
    assert listed(theirs, "/api/v1/decisions/") == []
    assert theirs.get(f"/api/v1/violations/{ledger.binh_late.pk}/").status_code == 404
    assert theirs.get(f"/api/v1/decisions/{ledger.decision.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("who", "violations", "decisions"),
    [
        ("binh", ["BINH"], ["BINH"]),
        ("an", [], []),
        ("cuong", ["CUONG"], []),
        ("truong_tc", ["BINH", "CUONG"], ["BINH"]),
        ("to_chuc", ["BINH", "CUONG"], ["BINH"]),
        ("thanh_tra", ["BINH", "CUONG"], ["BINH"]),
        ("stranger", [], []),
    ],
)
def test_a_person_reads_what_the_ledger_pages_show_them(ledger, who, violations, decisions):
    client = session(getattr(ledger, who).user)
    assert listed(client, "/api/v1/violations/") == violations
    assert listed(client, "/api/v1/decisions/") == decisions


def test_the_ledger_filters_by_year_and_person(ledger):
    ours = call(ledger.qlvb_token)
    assert listed(ours, f"/api/v1/violations/?employee={ledger.cuong.pk}") == ["CUONG"]
    assert listed(ours, "/api/v1/violations/?year=2025") == []
    assert ours.get("/api/v1/violations/?year=last").status_code == 400


def test_ledger_lists_cost_the_same_at_two_sizes(ledger):
    def count(url):
        client = call(ledger.qlvb_token)
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    urls = ["/api/v1/violations/", "/api/v1/decisions/"]
    small = [count(url) for url in urls]
    for day in range(1, 11):
        record(ledger, ledger.an, date(2026, 9, day))
    large = [count(url) for url in urls]
    assert small == large


@pytest.mark.parametrize(
    "query",
    ["year=0", "year=10000", "year=2147483648", "unit=2147483648", "employee=-99999999999"],
)
def test_a_filter_out_of_range_is_a_400_naming_it(ledger, query):
    """Found by tests/test_fuzz.py: `year=0` (a date of year 0) and a year past PostgreSQL's
    integer were a server error."""
    response = call(ledger.qlvb_token).get(f"/api/v1/violations/?{query}")
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == [query.split("=")[0]]
