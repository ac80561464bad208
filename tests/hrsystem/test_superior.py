"""superior_of: who scores whom on a given date."""

from datetime import date

import pytest

from hrsystem.selectors import agency_leader, superior_of, unit_leader

JAN, MARCH, JUNE, JULY, SEPT = (date(2026, m, 15) for m in (1, 3, 6, 7, 9))


def test_it_sends_staff_and_deputies_to_their_head(cast):
    assert superior_of(cast.an, on=JAN) == cast.truong_tc
    assert superior_of(cast.pho_tc, on=JAN) == cast.truong_tc


def test_it_sends_a_head_to_the_agency_leader_at_the_top(cast):
    assert superior_of(cast.truong_tc, on=JAN) == cast.chu_tich
    assert superior_of(cast.pho_chu_tich, on=JAN) == cast.chu_tich


def test_it_gives_the_agency_leader_no_superior(cast):
    assert superior_of(cast.chu_tich, on=JAN) is None
    assert agency_leader(cast.org, on=JAN) == cast.chu_tich


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 2, 28), "truong_tc"),  # before the interval: nearest ancestor's head
        (date(2026, 3, 1), "quyen_kt"),  # first day acting
        (date(2026, 5, 31), "quyen_kt"),  # last day acting
        (date(2026, 6, 1), "truong_tc"),  # after: back to the ancestor
    ],
)
def test_it_follows_the_acting_head_interval(cast, day, expected):
    assert superior_of(cast.cuong, on=day) == getattr(cast, expected)


def test_it_sends_the_acting_head_to_the_parent_units_head(cast):
    assert superior_of(cast.quyen_kt, on=MARCH) == cast.truong_tc
    assert superior_of(cast.quyen_kt, on=JAN) == cast.truong_tc  # plain staff of KT then


def test_it_prefers_the_acting_head_while_the_head_still_holds_the_post(cast):
    assert superior_of(cast.to_chuc, on=JAN) == cast.truong_nv
    assert superior_of(cast.to_chuc, on=JUNE) == cast.quyen_nv
    assert unit_leader(cast.nv, on=JUNE) == cast.quyen_nv
    assert superior_of(cast.to_chuc, on=JULY) == cast.quyen_nv


def test_it_walks_up_when_a_unit_has_no_leader(cast):
    assert unit_leader(cast.nv, on=SEPT) is None
    assert superior_of(cast.to_chuc, on=SEPT) == cast.chu_tich


def test_it_never_names_a_person_their_own_superior(cast):
    assert superior_of(cast.quyen_nv, on=JULY) == cast.chu_tich
    assert superior_of(cast.truong_nv, on=JUNE) == cast.chu_tich


def test_it_returns_none_for_someone_not_working_that_day(cast):
    assert superior_of(cast.an, on=date(2025, 12, 31)) is None


def test_it_follows_a_transfer(cast):
    from hrsystem import services

    services.employee_transfer(
        employee=cast.an,
        unit=cast.nv,
        job_position=cast.an.assignments.get().job_position,
        start=date(2026, 4, 1),
    )
    assert superior_of(cast.an, on=date(2026, 3, 31)) == cast.truong_tc
    assert superior_of(cast.an, on=date(2026, 4, 1)) == cast.truong_nv


def test_it_resolves_in_a_constant_number_of_queries(cast, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        superior_of(cast.cuong, on=MARCH)
    with django_assert_max_num_queries(3):
        superior_of(cast.truong_tc, on=MARCH)
