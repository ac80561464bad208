"""Vietnamese name order: given name first, then the rest, letter by letter in the
Vietnamese alphabet, tone marks breaking ties."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hrsystem.models import Employee
from hrsystem.vietnamese import name_sort_key
from tests.factories import EmployeeFactory


def ordered(*names: str) -> list[str]:
    return sorted(names, key=name_sort_key)


def test_it_orders_letters_before_tone_marks():
    assert ordered("Huỳnh", "Hồ", "Hà") == ["Hà", "Hồ", "Huỳnh"]


def test_it_puts_o_with_circumflex_before_u():
    assert ordered("Nguyễn", "Ngô") == ["Ngô", "Nguyễn"]


def test_it_puts_d_with_stroke_after_every_d():
    assert ordered("Đào", "Dương", "Dũng", "Đạt", "Dung") == [
        "Dung",
        "Dũng",
        "Dương",
        "Đào",
        "Đạt",
    ]


def test_it_orders_the_vietnamese_vowels():
    assert ordered("Ân", "Ăn", "An", "Ơn", "Ôn", "On", "Ưng", "Ung", "Ên", "En") == [
        "An",
        "Ăn",
        "Ân",
        "En",
        "Ên",
        "On",
        "Ôn",
        "Ơn",
        "Ung",
        "Ưng",
    ]


def test_it_breaks_ties_by_tone_ngang_huyen_sac_hoi_nga_nang():
    assert ordered("Hạ", "Hã", "Hả", "Há", "Hà", "Ha") == ["Ha", "Hà", "Há", "Hả", "Hã", "Hạ"]


def test_it_sorts_by_given_name_first_then_the_rest():
    assert ordered("Lê Thị Bình", "Trần Văn An") == ["Trần Văn An", "Lê Thị Bình"]
    assert ordered("Trần Văn An", "Nguyễn Văn An", "Lê Văn An") == [
        "Lê Văn An",
        "Nguyễn Văn An",
        "Trần Văn An",
    ]
    assert ordered("Nguyễn Văn Anh", "Nguyễn Văn An", "Phạm Thị Ánh") == [
        "Nguyễn Văn An",
        "Nguyễn Văn Anh",
        "Phạm Thị Ánh",
    ]


def test_it_lets_a_shorter_rest_go_first():
    assert ordered("Lê Thị An", "Lê An") == ["Lê An", "Lê Thị An"]


def test_it_ignores_case_spacing_and_normalisation():
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")
    assert name_sort_key(nfd) == name_sort_key("  nguyễn   THỊ ánh ")


def test_it_keeps_digits_and_foreign_letters_in_latin_order():
    assert ordered("Thử 010", "Thử 002", "Wang", "Fan") == ["Thử 002", "Thử 010", "Fan", "Wang"]


def test_it_gives_an_empty_key_to_an_empty_name():
    assert name_sort_key("") == name_sort_key(" - ") == ""


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạễ ", max_size=40))
def test_it_is_made_of_digits_only(name):
    assert name_sort_key(name).isdigit() or name_sort_key(name) == ""


@pytest.mark.django_db
def test_it_is_stored_on_save_and_orders_employees():
    for code, name in [("A1", "Huỳnh Văn Ba"), ("A2", "Hà Thị Ba"), ("A3", "Trần Văn An")]:
        EmployeeFactory(code=code, full_name=name)
    assert list(Employee.objects.values_list("full_name", flat=True)) == [
        "Trần Văn An",
        "Hà Thị Ba",
        "Huỳnh Văn Ba",
    ]
    employee = Employee.objects.get(code="A1")
    employee.full_name = "Đỗ Văn Ba"
    employee.save()
    assert employee.sort_key == name_sort_key("Đỗ Văn Ba")
