"""How ledger values read: points shortest with a true minus, people by name, document
dates, and chart labels that fit."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from discipline.display import deduction_text, document_date, person_name, points_text
from discipline.templatetags.discipline_charts import label_lines, percent_bars
from tests.factories import EmployeeFactory, UserFactory


@pytest.mark.parametrize(
    ("points", "vi", "en"),
    [
        (Decimal("0.50"), "0,5", "0.5"),
        (Decimal("1.00"), "1", "1"),
        (Decimal("10.00"), "10", "10"),
        (Decimal("1.25"), "1,25", "1.25"),
        (Decimal("0"), "0", "0"),
    ],
)
def test_points_read_shortest_in_each_language(points, vi, en):
    with translation.override("vi"):
        assert points_text(points) == vi
        assert deduction_text(points) == (f"−{vi}" if points else "0")
    with translation.override("en"):
        assert points_text(points) == en


def test_a_person_is_named_by_their_employee_record_else_their_account(db):
    employee = EmployeeFactory(full_name="Nguyễn Ngọc Tuấn", user=UserFactory(username="tt"))
    assert person_name(employee.user) == "Nguyễn Ngọc Tuấn"
    named = UserFactory(username="qt", first_name="Văn An", last_name="Trần")
    assert person_name(named) == "Trần Văn An"
    assert person_name(UserFactory(username="admin", first_name="", last_name="")) == "admin"
    assert person_name(None) == ""


def test_document_dates_pad_small_days_and_the_first_two_months():
    with translation.override("vi"):
        assert document_date(date(2026, 2, 3)) == "ngày 03 tháng 02 năm 2026"
        assert document_date(date(2026, 12, 16)) == "ngày 16 tháng 12 năm 2026"
        assert document_date(date(2026, 3, 9)) == "ngày 09 tháng 3 năm 2026"


def test_chart_labels_wrap_to_two_lines_and_end_in_an_ellipsis():
    assert label_lines("Phòng Y tế") == ["Phòng Y tế"]
    name = "Phòng Nông nghiệp và Phát triển nông thôn huyện Bình Xuyên tỉnh Vĩnh Phúc"
    first, second = label_lines(name, width=30)
    assert len(first) <= 30 and len(second) <= 30
    assert name.startswith(first) and second.endswith("…")
    assert label_lines("Trung tâm Phát triển quỹ đất", width=30) == ["Trung tâm Phát triển quỹ đất"]
    assert label_lines("A" * 40, width=30) == ["A" * 29 + "…"]


def test_the_bar_chart_scales_with_its_card_and_keeps_full_names():
    long_name = "Phòng Văn hóa - Khoa học và Thông tin " * 3
    svg = str(percent_bars([(long_name, Decimal("75")), ("Phòng Y tế", None)], "Tỷ lệ", "c"))
    assert 'viewBox="0 0 960 ' in svg and "width=" not in svg.split(">")[1]
    assert f"<title>{long_name}</title>" in svg
    assert "…</tspan>" in svg and svg.count("<tspan") == 3
    assert percent_bars([], "Tỷ lệ", "c") == ""
