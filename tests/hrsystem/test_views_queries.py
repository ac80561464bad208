"""Each page runs the same number of queries whatever the size of the unit or agency."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hrsystem import services
from hrsystem.models import PostKind

pytestmark = pytest.mark.django_db

MAX_QUERIES = 20
"""A ceiling well above today's counts, to notice a page that starts to cost more."""


def count_queries(client, url, params=None) -> int:
    client.get(url, params)  # warm per-process caches (content types, translations)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


def grow_unit(cast, unit_code, total, *, prefix):
    """Add people to the unit until `total` were added under `prefix`, each on a new position
    every ten people so that the positions and tasks grow too."""
    unit = cast.units[unit_code]
    added = cast.__dict__.setdefault(f"added_{prefix}", [])
    positions = cast.__dict__.setdefault(f"positions_{prefix}", [])
    for number in range(len(added), total):
        if number % 10 == 0:
            positions.append(
                services.job_position_create(
                    organisation=unit.organisation,
                    code=f"{prefix}{number}",
                    name=f"Chuyên viên {number}",
                )
            )
            for task in range(3):
                services.standard_task_create(
                    job_position=positions[-1],
                    name=f"Nhiệm vụ {task}",
                    unit_of_measure="hồ sơ",
                    coefficient=Decimal("1.5"),
                )
        added.append(
            services.employee_create(
                code=f"{prefix}{number:04d}",
                full_name=f"Trịnh Thị Số {number}",
                unit=unit,
                job_position=positions[-1],
                start=cast.today - timedelta(days=10),
            )
        )
    return added


def test_it_keeps_the_unit_page_constant(client, agency):
    client.force_login(agency.users["hanh"])
    url = reverse("hrsystem:unit_detail", args=[agency.units["VP"].pk])

    grow_unit(agency, "VP", 5, prefix="S")
    small = count_queries(client, url)
    grow_unit(agency, "VP", 40, prefix="S")
    large = count_queries(client, url)

    assert small == large
    assert large <= MAX_QUERIES
    assert client.get(url).content.decode().count("Trịnh Thị Số") == 40


def test_it_keeps_the_directory_constant(client, agency):
    client.force_login(agency.users["lan"])
    url = reverse("hrsystem:directory")

    grow_unit(agency, "NV", 5, prefix="D")
    small = count_queries(client, url, {"q": "trinh thi"})
    small_browse = count_queries(client, url)
    grow_unit(agency, "NV", 40, prefix="D")
    large = count_queries(client, url, {"q": "trinh thi"})
    large_browse = count_queries(client, url, {"page": 2})

    assert small == large == small_browse == large_browse
    assert large <= MAX_QUERIES


def test_it_keeps_the_htmx_directory_partial_constant(client, agency):
    client.force_login(agency.users["lan"])
    url = reverse("hrsystem:directory")
    client.defaults["HTTP_HX_REQUEST"] = "true"

    grow_unit(agency, "NV", 5, prefix="H")
    small = count_queries(client, url, {"q": "trinh"})
    grow_unit(agency, "NV", 40, prefix="H")
    large = count_queries(client, url, {"q": "trinh"})

    assert small == large


def test_it_keeps_the_org_chart_constant(client, agency):
    client.force_login(agency.users["thu"])
    url = reverse("hrsystem:org_chart")
    organisation = agency.organisation
    position = services.job_position_create(
        organisation=organisation, code="CV", name="Chuyên viên"
    )

    def add_units(start, stop):
        for number in range(start, stop):
            parent = agency.units["TCKH"] if number % 2 else agency.units["NV"]
            unit = services.unit_create(
                organisation=organisation, code=f"U{number}", name=f"Tổ {number}", parent=parent
            )
            head = services.employee_create(
                code=f"U{number}H",
                full_name=f"Lương Văn Trưởng {number}",
                unit=unit,
                job_position=position,
                start=agency.today - timedelta(days=5),
            )
            services.post_assign(
                employee=head, unit=unit, kind=PostKind.HEAD, start=agency.today - timedelta(days=5)
            )

    add_units(0, 3)
    small = count_queries(client, url)
    add_units(3, 30)
    large = count_queries(client, url)

    assert small == large
    assert large <= MAX_QUERIES


def test_it_keeps_home_constant(client, agency):
    client.force_login(agency.users["hanh"])
    small = count_queries(client, reverse("home"))
    grow_unit(agency, "VP", 40, prefix="K")
    assert count_queries(client, reverse("home")) == small
