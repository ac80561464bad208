"""List endpoints cost the same queries at two sizes, for a client and for a person."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hrsystem.api import services
from hrsystem.models import JobPosition
from tests.api.conftest import call, publish
from tests.factories import EmployeeFactory, PeriodFactory, UnitFactory

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/units/",
    "/api/v1/people/",
    "/api/v1/periods/",
    "/api/v1/results/",
    "/api/v1/unit-results/",
]


def counted(client, url) -> tuple[int, int]:
    """(queries, rows) of one call after a warm-up call."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured), len(response.json()["results"])


def grow(api, n: int) -> None:
    """n more units under TC, each with a person, and one more published month."""
    position = JobPosition.objects.get(organisation=api.org, code="CV")
    for index in range(n):
        unit = UnitFactory(parent=api.tc, code=f"G{index:03d}", name=f"Tổ {index}")
        EmployeeFactory(unit=unit, job_position=position, code=f"G{index:03d}")
    publish(PeriodFactory(organisation=api.org, number=8, by=api.to_chuc.user))


def clients(api):
    head = call()
    head.force_login(api.truong_tc.user)
    return {"client": call(api.qlvb_token), "head": head}


@pytest.mark.parametrize("who", ["client", "head"])
def test_lists_cost_the_same_at_two_sizes(api, who):
    small = {url: counted(clients(api)[who], f"{url}?page_size=500") for url in LISTS}
    grow(api, 15)
    large = {url: counted(clients(api)[who], f"{url}?page_size=500") for url in LISTS}
    for url in LISTS:
        assert large[url][0] == small[url][0], url
    assert large["/api/v1/people/"][1] > small["/api/v1/people/"][1]
    assert large["/api/v1/results/"][1] > small["/api/v1/results/"][1]
    assert max(queries for queries, _rows in large.values()) <= 12


def test_a_clients_subscriptions_cost_the_same_at_two_sizes(api):
    client = call(api.qlvb_token)

    def subscribe(n: int) -> None:
        for index in range(n):
            services.webhook_subscribe(
                client=api.qlvb,
                url=f"https://qlvb.example.gov.vn/hooks/{index}-{n}",
                events=["period.published"],
                by=api.to_chuc.user,
            )

    subscribe(1)
    small = counted(client, "/api/v1/webhooks/")
    subscribe(12)
    large = counted(client, "/api/v1/webhooks/")
    assert (large[1], small[1]) == (13, 1)
    assert large[0] == small[0] <= 8
