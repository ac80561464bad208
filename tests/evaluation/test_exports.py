"""The monthly cycle's list pages as Excel: the overview's units (its drill-down kept),
the periods and the person's own results, at a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluation.models import Period
from tests.exports import column, read_export

from .test_views_queries import two_sizes  # noqa: F401 (the shared cast)

pytestmark = pytest.mark.django_db


def count_export_queries(client, url, params=None) -> int:
    params = {**(params or {}), "export": "xlsx"}
    client.get(url, params)  # warm per-process caches (content types, translations)
    with CaptureQueriesContext(connection) as captured:
        read_export(client.get(url, params))
    return len(captured)


def test_the_overview_export_costs_the_same_at_two_sizes(client, two_sizes):  # noqa: F811
    cast, small, large = two_sizes
    client.force_login(cast.users["quang"])
    counts = [
        count_export_queries(client, reverse("evaluation:overview", args=[period.pk]))
        for period in (small, large)
    ]
    assert counts[0] == counts[1]


def test_the_overview_export_is_the_pages_unit_table(client, two_sizes):  # noqa: F811
    cast, _small, large = two_sizes
    client.force_login(cast.users["quang"])
    url = reverse("evaluation:overview", args=[large.pk])
    context = client.get(url).context
    page = context["unit_periods"]
    sheet = read_export(client.get(url, {"export": "xlsx"}))
    assert column(sheet, "Đơn vị") == [up.unit.name for up in page]
    assert sheet.title == f"Tổng hợp {large}".replace("/", "-")[:31]
    assert sheet.heading[0] == f"Tổng hợp {large}"
    assert "Cơ quan: UBND huyện Bình Xuyên" in sheet.heading
    assert "Phạm vi: Toàn cơ quan" in sheet.heading
    vp = cast.units["VP"].name
    assert column(sheet, "Đã chấm")[column(sheet, "Đơn vị").index(vp)] == next(
        up.figures["scored"] for up in page if up.unit.name == vp
    )
    assert [str(label) for label, _count, _level in context["bars"]] == sheet.headers[5:9]


def test_the_overview_export_keeps_the_drill_down(client, two_sizes):  # noqa: F811
    cast, _small, large = two_sizes
    client.force_login(cast.users["quang"])
    url = reverse("evaluation:overview", args=[large.pk])
    tckh = cast.units["TCKH"]
    page = client.get(url, {"unit": tckh.pk}).context["unit_periods"]
    sheet = read_export(client.get(url, {"unit": tckh.pk, "export": "xlsx"}))
    assert column(sheet, "Đơn vị") == [up.unit.name for up in page]
    assert cast.units["VP"].name not in column(sheet, "Đơn vị")
    assert cast.units["TCKH-NS"].name in column(sheet, "Đơn vị")
    assert f"Phạm vi: {tckh.name}" in sheet.heading


def test_the_overview_export_is_refused_to_a_head(client, two_sizes):  # noqa: F811
    cast, _small, large = two_sizes
    client.force_login(cast.users["hanh"])
    url = reverse("evaluation:overview", args=[large.pk])
    assert client.get(url, {"export": "xlsx"}).status_code == 403


def test_the_periods_export_lists_the_agencys_periods(client, two_sizes):  # noqa: F811
    cast, small, large = two_sizes
    client.force_login(cast.users["thu"])
    sheet = read_export(client.get(reverse("evaluation:period_list"), {"export": "xlsx"}))
    assert column(sheet, "Kỳ") == [str(large), str(small)]
    assert column(sheet, "Trạng thái") == [large.get_state_display()] * 2
    assert column(sheet, "Thủ trưởng chấm điểm")[0].date() == large.scoring_due
    assert Period.objects.filter(organisation=cast.organisation).count() == 2


def test_my_results_export_is_my_own(client, two_sizes):  # noqa: F811
    cast, _small, _large = two_sizes
    client.force_login(cast.users["thu"])
    sheet = read_export(client.get(reverse("evaluation:my_results"), {"export": "xlsx"}))
    assert sheet.headers[0] == "Kỳ" and "Tổng điểm" in sheet.headers
    assert "Phạm vi: Phạm Thị Thu" in sheet.heading
    assert sheet.rows == []  # nothing published yet: the page shows no month either


def test_the_scoring_export_costs_the_same_at_two_sizes(client, two_sizes):  # noqa: F811
    cast, small, large = two_sizes
    client.force_login(cast.users["hanh"])
    counts = []
    for period, people in ((small, 10), (large, 145)):
        url = reverse("evaluation:scoring", args=[period.pk])
        counts.append(count_export_queries(client, url))
        sheet = read_export(client.get(url, {"export": "xlsx"}))
        assert len(sheet.rows) == people
        assert set(column(sheet, "Đơn vị")) == {cast.units["VP"].name}
    assert counts[0] == counts[1]


def test_the_scoring_export_is_the_heads_people_only(client, two_sizes):  # noqa: F811
    cast, _small, large = two_sizes
    url = reverse("evaluation:scoring", args=[large.pk])
    client.force_login(cast.users["hanh"])
    page = client.get(url).context["rows"]
    sheet = read_export(client.get(url, {"export": "xlsx"}))
    # the page shows its first rows; the export every row of the head's scope, same order
    codes = column(sheet, "Mã cán bộ")
    assert codes[: len(page)] == [row.evaluation.employee.code for row in page]
    assert len(codes) == len(set(codes)) == 145 > len(page)
    assert set(column(sheet, "Đơn vị")) == {cast.units["VP"].name}
    assert f"Phạm vi: {cast.units['VP'].name}" in sheet.heading
    scored = [total for total in column(sheet, "Tổng điểm") if total is not None]
    assert scored and all(isinstance(total, float | int) for total in scored)
    client.force_login(cast.users["thu"])
    assert client.get(url, {"export": "xlsx"}).status_code == 403


def test_the_progress_export_is_the_heads_units_at_constant_cost(client, two_sizes):  # noqa: F811
    cast, small, large = two_sizes
    client.force_login(cast.users["hanh"])
    counts = []
    for period, people in ((small, 10), (large, 145)):
        url = reverse("evaluation:completeness", args=[period.pk])
        counts.append(count_export_queries(client, url))
        sheet = read_export(client.get(url, {"export": "xlsx"}))
        assert set(column(sheet, "Đơn vị")) == {cast.units["VP"].name}
        assert len(sheet.rows) >= people - 1
        assert set(column(sheet, "Bước")) <= {
            "Chưa gửi tự đánh giá",
            "Chờ chấm điểm",
            "Đã chấm",
            "Không xếp loại",
        }
    assert counts[0] == counts[1]
    client.force_login(cast.users["quang"])
    everyone = read_export(
        client.get(reverse("evaluation:completeness", args=[large.pk]), {"export": "xlsx"})
    )
    assert cast.units["NV"].name in column(everyone, "Đơn vị")
