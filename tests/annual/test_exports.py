"""The units' ranking and the board's proposals as Excel: every unit for HR, a head's
own unit only (with its agency rank), constant queries at two sizes."""

from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from evaluation.annual import services
from evaluation.annual.models import AnnualResult
from evaluation.annual.services import board
from tests.annual.builders import set_everyone
from tests.exports import column, read_export
from tests.factories import EmployeeFactory, UserFactory

from .test_board_views import board_pages  # noqa: F401 (a shared cast)
from .test_views import _grow, rolled_year  # noqa: F401 (the shared cast)

pytestmark = pytest.mark.django_db


def _export(client, user):
    client.force_login(user)
    return client.get(reverse("annual:units", args=[2026]), {"export": "xlsx"})


def test_hr_exports_every_unit_a_head_only_their_own(client, rolled_year):  # noqa: F811
    c = rolled_year
    everyone = read_export(_export(client, c.hr))
    page = client.get(reverse("annual:units", args=[2026])).context["rows"]
    assert column(everyone, "Mã đơn vị") == [row["result"].unit.code for row in page]
    assert everyone.heading[0] == "Xếp hạng đơn vị năm 2026"
    assert everyone.headers[:4] == ["Hạng", "Mã đơn vị", "Đơn vị", "Điểm năm"]
    own = read_export(_export(client, c.truong_a.user))
    assert column(own, "Mã đơn vị") == ["PA"]
    rank = dict(zip(column(everyone, "Mã đơn vị"), column(everyone, "Hạng"), strict=True))
    assert column(own, "Hạng") == [rank["PA"]]
    assert any(line.startswith("Phạm vi: ") for line in own.heading)
    assert _export(client, c.a1.user).status_code == 403


def test_the_ranking_export_costs_the_same_at_two_sizes(client, rolled_year):  # noqa: F811
    c = rolled_year
    client.force_login(c.hr)
    url = reverse("annual:units", args=[2026])
    client.get(url, {"export": "xlsx"})
    with CaptureQueriesContext(connection) as small:
        assert client.get(url, {"export": "xlsx"}).status_code == 200
    _grow(c, 6)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url, {"export": "xlsx"})
    assert len(read_export(response).rows) == 9
    assert len(large) == len(small)


def _review_export(client, user):
    client.force_login(user)
    return client.get(reverse("annual:review", args=[2026]), {"export": "xlsx"})


def test_the_boards_proposals_export_has_people_and_units(client, board_pages):  # noqa: F811
    c = board_pages
    proposed = AnnualResult.objects.exclude(title="").select_related("employee").first()
    board.title_decide(
        organisation=c.org, year=2026, employee=proposed.employee, by=c.hoi_dong.user
    )
    response = _review_export(client, c.hoi_dong.user)
    people = read_export(response)
    page = client.get(reverse("annual:review", args=[2026])).context
    assert column(people, "Mã cán bộ") == [p.result.employee.code for p in page["people"]]
    row = dict(
        zip(
            people.headers,
            people.rows[column(people, "Mã cán bộ").index(proposed.employee.code)],
            strict=True,
        )
    )
    assert row["Hội đồng"].startswith("Giữ")
    assert people.title == "Danh hiệu cá nhân năm 2026"
    units = load_workbook(BytesIO(people.content))["Danh hiệu tập thể năm 2026"]
    names = [line[1] for line in units.iter_rows(min_row=len(people.heading) + 3, values_only=True)]
    assert names == [u.result.unit.name for u in page["units"]]
    assert _review_export(client, c.truong_a.user).status_code == 403


def test_the_proposals_export_costs_the_same_at_two_sizes(client, board_pages):  # noqa: F811
    c = board_pages
    client.force_login(c.hoi_dong.user)
    url = reverse("annual:review", args=[2026])
    client.get(url, {"export": "xlsx"})
    with CaptureQueriesContext(connection) as small:
        client.get(url, {"export": "xlsx"})
    for n in range(8):
        person = EmployeeFactory(unit=c.pa, user=UserFactory(username=f"them{n}"))
        board.title_register(
            organisation=c.org,
            employee=person,
            year=2026,
            title="lao_dong_tien_tien",
            by=person.user,
        )
    set_everyone(c, "96")
    services.rollup_year(c.org, c.year, c.hr)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url, {"export": "xlsx"})
    assert len(read_export(response).rows) > 8
    assert len(large) == len(small)
