"""`scorable_ids` answers `can_score` for many people at once, in constant queries."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hrsystem.models import Employee
from hrsystem.permissions import can_score, scorable_ids
from tests.factories import EmployeeFactory

DAYS = [date(2026, 2, 1), date(2026, 4, 15), date(2026, 6, 15), date(2026, 10, 31)]
"""Before, during and after the acting posts of the cast (KT in spring, NV in summer)."""


@pytest.mark.parametrize("on", DAYS, ids=str)
def test_it_agrees_with_can_score_for_every_pair_of_the_cast(cast, on):
    people = list(Employee.objects.select_related("user"))
    for scorer in [p.user for p in people] + [cast.admin]:
        expected = {person.pk for person in people if can_score(scorer, person, on)}
        assert scorable_ids(scorer, people, on) == expected, scorer


def test_it_runs_the_same_queries_for_three_people_or_thirty(cast):
    on = date(2026, 10, 31)
    few = [cast.an, cast.binh, cast.pho_tc]
    many = few + [EmployeeFactory(unit=cast.tc) for _ in range(27)]

    def count(people) -> int:
        with CaptureQueriesContext(connection) as queries:
            scorable_ids(cast.truong_tc.user, people, on)
        return len(queries)

    assert count(few) == count(many) <= 5
