"""Importing and exporting monthly dossier counts: errors name the row and the column."""

from decimal import Decimal

import pytest
import tablib

from discipline.models import DossierMonthlyCount
from discipline.resources import DossierMonthlyCountResource, parse_decimal

HEADERS = ["ma_co_quan", "ma_don_vi", "nam", "thang", "dung_han", "tre_han", "ty_le_dung_han"]


def _import(rows, *, dry_run=False, user=None, headers=HEADERS):
    dataset = tablib.Dataset(*rows, headers=headers)
    return DossierMonthlyCountResource().import_data(dataset, dry_run=dry_run, user=user)


def _messages(result) -> list[str]:
    return [
        message
        for invalid in result.invalid_rows
        for messages in invalid.error_dict.values()
        for message in messages
    ]


@pytest.mark.parametrize("text", ["92,5", "92.5", " 92,5 ", 92.5, Decimal("92.5")])
def test_it_reads_decimals_written_either_way(text):
    assert parse_decimal(text) == Decimal("92.5")


def test_it_imports_counts_through_the_service_with_its_history(d):
    result = _import(
        [
            ["BX", "TN", "2026", "2", "37", "3", "92,5"],
            ["BX", "VP", 2026, 2.0, 40, 0, ""],
        ],
        user=d.mot_cua.user,
    )
    assert not result.has_errors() and not result.has_validation_errors()
    tn = DossierMonthlyCount.objects.get(unit=d.tn)
    assert (tn.on_time, tn.late, tn.organisation) == (37, 3, d.org)
    assert tn.history.first().history_user == d.mot_cua.user
    assert DossierMonthlyCount.objects.get(unit=d.vp).on_time == 40


def test_it_corrects_an_existing_month_from_a_second_file(d):
    _import([["BX", "TN", "2026", "2", "37", "3", "92.5"]])
    result = _import([["BX", "TN", "2026", "2", "38", "2", "95"]])
    assert not result.has_validation_errors()
    assert DossierMonthlyCount.objects.get(unit=d.tn).on_time == 38


def test_it_writes_nothing_on_a_dry_run(d):
    result = _import([["BX", "TN", "2026", "2", "37", "3", ""]], dry_run=True)
    assert not result.has_validation_errors()
    assert not DossierMonthlyCount.objects.exists()


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (["BX", "TN", "2026", "2", "37,5", "3", ""], "Dòng 2, cột “dung_han”: “37,5”"),
        (["BX", "TN", "2026", "2", "37", "-1", ""], "Dòng 2, cột “tre_han”"),
        (["BX", "TN", "2026", "13", "37", "3", ""], "Dòng 2, cột “thang”: “13” không hợp lệ"),
        (["BX", "TN", "2026", "", "37", "3", ""], "Dòng 2, cột “thang”: ô trống"),
        (["BX", "XX", "2026", "2", "37", "3", ""], "Dòng 2, cột “ma_don_vi”: không có đơn vị"),
        (["TD", "TN", "2026", "2", "37", "3", ""], "cơ quan mã “TD”"),
        (["BX", "TN", "2026", "2", "37", "3", "abc"], "Dòng 2, cột “ty_le_dung_han”: “abc”"),
        (["BX", "TN", "2026", "2", "37", "3", "90"], "không khớp với 37 đúng hạn trên 40"),
        (["BX", "TN", "2026", "5", "37", "3", ""], "Dòng 2, cột “thang”: Tháng 05/2026 chưa tới"),
    ],
)
def test_it_names_the_row_and_column_of_bad_input(d, row, expected):
    result = _import([row])
    assert result.has_validation_errors()
    assert any(expected in message for message in _messages(result)), _messages(result)
    assert not DossierMonthlyCount.objects.exists()


def test_it_counts_rows_from_the_header_line(d):
    result = _import(
        [
            ["BX", "TN", "2026", "1", "10", "0", ""],
            ["BX", "VP", "2026", "1", "10", "x", ""],
        ]
    )
    assert any(message.startswith("Dòng 3, cột “tre_han”") for message in _messages(result))


def test_it_refuses_a_unit_outside_the_users_rights_by_row(d):
    result = _import([["BX", "TN", "2026", "2", "37", "3", ""]], user=d.binh.user)
    assert any(
        "Dòng 2, cột “ma_don_vi”: bạn không có quyền" in message for message in _messages(result)
    )


def test_it_names_missing_columns(d):
    result = _import([["BX", "TN", "2026"]], headers=["ma_co_quan", "ma_don_vi", "nam"])
    assert result.has_errors()
    assert "thang, dung_han, tre_han" in str(result.base_errors[0].error)


def test_it_exports_with_the_rate(d):
    _import([["BX", "TN", "2026", "2", "37", "3", ""]])
    dataset = DossierMonthlyCountResource().export()
    assert dataset.headers == [
        "ma_co_quan",
        "ma_don_vi",
        "ten_don_vi",
        "nam",
        "thang",
        "dung_han",
        "tre_han",
        "ty_le_dung_han",
    ]
    assert dataset[0] == (
        "BX",
        "TN",
        "Phòng Tài nguyên và Môi trường",
        "2026",
        "2",
        "37",
        "3",
        "92.50",
    )
