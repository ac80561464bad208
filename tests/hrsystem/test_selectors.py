"""Shared reads: staff of a unit, headcounts, search and the org chart in constant queries."""

from datetime import date

import pytest

from hrsystem import services
from hrsystem.models import JobPosition, PostKind
from hrsystem.selectors import (
    employee_search,
    employees_in_units,
    headcount_by_unit,
    org_chart,
    unit_staff,
)
from tests.factories import EmployeeFactory

JAN, MARCH, JULY = date(2026, 1, 15), date(2026, 3, 15), date(2026, 7, 15)


def test_it_lists_a_units_staff_with_their_posts_that_day(cast):
    staff = unit_staff(cast.tc, on=JAN)
    assert [member.employee for member in staff[:2]] == [cast.truong_tc, cast.pho_tc]
    assert {member.employee for member in staff[2:]} == {cast.an, cast.binh}
    assert staff[0].is_leader and staff[1].is_deputy and not staff[2].posts
    kt = {member.employee: member for member in unit_staff(cast.kt, on=MARCH)}
    assert kt[cast.quyen_kt].is_leader
    assert not {m.employee: m for m in unit_staff(cast.kt, on=JULY)}[cast.quyen_kt].is_leader


def test_it_lists_staff_in_two_queries_however_many(cast, django_assert_num_queries):
    position = JobPosition.objects.get(code="CV")
    with django_assert_num_queries(2):
        small = unit_staff(cast.tc, on=JAN)
    for _ in range(20):
        EmployeeFactory(unit=cast.tc, job_position=position, user=None)
    with django_assert_num_queries(2):
        large = unit_staff(cast.tc, on=JAN)
    assert len(large) == len(small) + 20


def test_it_counts_heads_per_unit_in_one_query(cast, django_assert_num_queries):
    with django_assert_num_queries(1):
        counts = headcount_by_unit(cast.org, on=JAN)
    assert counts[cast.tc.pk] == 4 and counts[cast.kt.pk] == 2 and counts[cast.root.pk] == 2
    assert counts.get(cast.tc.pk) == len(unit_staff(cast.tc, on=JAN))
    assert headcount_by_unit(cast.org, on=date(2025, 1, 1)) == {}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("dang thi binh", {"binh"}),
        ("Đặng", {"binh"}),
        ("BÌNH", {"binh"}),
        ("truong", {"truong_tc", "truong_nv"}),
        ("van an", {"an"}),
        ("quyen", {"quyen_kt", "quyen_nv"}),
    ],
)
def test_it_searches_by_code_and_name_without_diacritics(cast, query, expected):
    found = set(employee_search(query=query, on=JAN).values_list("code", flat=True))
    assert found == {name.upper() for name in expected}


def test_it_limits_a_search_to_units_and_pages_in_one_query(cast, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = list(employee_search(query="", on=JAN, unit_ids=[cast.tc.pk, cast.kt.pk])[:3])
    assert len(found) == 3
    everyone = employees_in_units([cast.tc.pk, cast.kt.pk], on=JAN)
    assert everyone.count() == 6


def test_it_builds_the_org_chart_in_three_queries(cast, django_assert_num_queries):
    with django_assert_num_queries(3):
        (root,) = org_chart(cast.org, on=JUNE_15)
    assert root.leader == cast.chu_tich and root.deputies == [cast.pho_chu_tich]
    children = {node.unit.code: node for node in root.children}
    assert list(children) == ["NV", "TC", "TT", "VP"]
    assert children["NV"].leader == cast.quyen_nv and children["NV"].leader_is_acting
    assert children["TC"].subtree_headcount == 6
    assert root.subtree_headcount == 14
    assert children["TC"].children[0].leader is None


def test_it_shows_a_move_on_the_chart_from_its_date(cast):
    position = JobPosition.objects.get(code="CV")
    services.employee_transfer(
        employee=cast.binh, unit=cast.nv, job_position=position, start=date(2026, 4, 1)
    )
    services.post_assign(
        employee=cast.binh, unit=cast.nv, kind=PostKind.DEPUTY, start=date(2026, 4, 1)
    )
    before = {n.unit.code: n for n in org_chart(cast.org, on=MARCH)[0].children}
    after = {n.unit.code: n for n in org_chart(cast.org, on=JULY)[0].children}
    assert before["TC"].headcount == 4 and after["TC"].headcount == 3
    assert after["NV"].deputies == [cast.binh]


JUNE_15 = date(2026, 6, 15)
