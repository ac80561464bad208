"""The quarter's results as Excel: a head's units only, `?unit=` kept, the months and
the half-year beside each person, constant queries at two sizes."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from tests.exports import column, read_export

from .test_quarters import count_queries, year_client, year_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def _export(year, name, **params):
    return year_client(year, name).get(
        reverse("evaluation:quarter_results"),
        {"year": 2026, "quarter": 1, **params, "export": "xlsx"},
    )


def test_a_head_exports_only_their_units_and_the_leader_all(year):
    head = read_export(_export(year, "truong_tc"))
    assert year.an.full_name in column(head, "Họ và tên")
    assert year.to_chuc.full_name not in column(head, "Họ và tên")
    leader = read_export(_export(year, "chu_tich"))
    assert {year.an.full_name, year.to_chuc.full_name} <= set(column(leader, "Họ và tên"))
    assert _export(year, "an").status_code == 403


def test_the_export_keeps_the_unit_chosen(year):
    narrowed = read_export(_export(year, "truong_tc", unit=year.kt.pk))
    assert set(column(narrowed, "Mã cán bộ")) == {year.cuong.code, year.quyen_kt.code}
    assert f"Phạm vi: {year.kt.name}" in narrowed.heading
    assert _export(year, "truong_tc", unit=year.nv.pk).status_code == 403


def test_the_export_has_the_months_and_the_half_year(year):
    sheet = read_export(_export(year, "chu_tich"))
    assert sheet.heading[0] == "Kết quả quý 1/2026"
    an = column(sheet, "Mã cán bộ").index(year.an.code)
    row = dict(zip(sheet.headers, sheet.rows[an], strict=True))
    assert row["Điểm quý"] == float(D(85))
    assert [row[label] for label in sheet.headers[5:8]] == [80, 90, 85]
    assert row["Điểm 6 tháng (nửa năm 1)"] is not None
    cuong = dict(
        zip(
            sheet.headers,
            sheet.rows[column(sheet, "Mã cán bộ").index(year.cuong.code)],
            strict=True,
        )
    )
    assert cuong["Mức xếp loại quý"] == "Chưa xếp loại" and cuong["Điểm quý"] is None


@pytest.mark.parametrize("name", ["chu_tich", "truong_tc"])
def test_the_quarter_export_costs_the_same_small_and_large(year, name):
    client = year_client(year, name)
    url = reverse("evaluation:quarter_results")
    small = count_queries(client, url, {"year": 2026, "quarter": 1, "export": "xlsx"})
    large = count_queries(client, url, {"year": 2026, "quarter": 3, "export": "xlsx"})
    assert small == large
