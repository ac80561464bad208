"""The annual roll-up: stored results equal the engine on the same inputs; refusals
write nothing; a re-run leaves every row as it was."""

import pytest

from evaluation.annual import services
from evaluation.annual.models import (
    AnnualRecomputation,
    AnnualResult,
    UnitAnnualResult,
)
from tests.annual.builders import build_year
from tests.shared import shared_cast

pytestmark = pytest.mark.django_db


@shared_cast("year")
def year_fixture():
    return build_year(months=8)


def test_rollup_writes_a_result_per_person_and_unit(year):
    run = services.rollup_year(year.org, year.year, year.hr)
    assert run.state == "done"
    assert sorted(run.periods.values_list("number", flat=True)) == list(range(1, 9))
    people = AnnualResult.objects.filter(organisation=year.org, year=year.year)
    # everyone but the agency leader, whom the level above rates
    assert people.count() == len(year.people) - 1
    assert UnitAnnualResult.objects.filter(organisation=year.org).count() == 3
    assert AnnualRecomputation.objects.filter(run=run).count() == 1
