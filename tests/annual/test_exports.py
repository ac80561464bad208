"""The units' ranking as Excel: every unit for HR, a head's own unit only (with its
agency rank), constant queries at two sizes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.exports import column, read_export

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
