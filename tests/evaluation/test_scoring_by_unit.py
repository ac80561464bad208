"""The scoring page of a scope spanning many units (the leader or HR of a large agency)
first lists the units; each unit's rows load on their own page (`?unit=`), paged past
`SCORING_PAGE_SIZE` rows. Both pages cost the same queries whatever the number of units
and people.

The page limit is lowered so that generated provinces of a few dozen people are "large".
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluation import province, selectors
from evaluation.views import scoring
from hrsystem.models import Post, PostKind

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_page(monkeypatch):
    monkeypatch.setattr(scoring, "SCORING_PAGE_ROWS", 3)


def _queries(client, url) -> tuple[int, str]:
    client.get(url)  # warm per-process caches (content types, translations)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def _biggest_unit_head(built, period, *, leaf: bool = False):
    """The head of the unit with the most people to score (of a unit with no units
    below if `leaf`), and that unit's id."""
    heads = Post.objects.filter(
        unit__organisation=built.organisation, kind=PostKind.HEAD, employee__user__isnull=False
    ).select_related("employee__user")
    if leaf:
        heads = heads.filter(unit__children__isnull=True)
    best = max(
        heads,
        key=lambda head: (
            selectors.evaluations_for_head(user=head.employee.user, period=period)
            .filter(unit=head.unit_id)
            .count()
        ),
    )
    return best.employee.user, best.unit_id


def test_a_large_scope_first_lists_its_units_at_constant_queries(client):
    counts = []
    for people, units, seed in ((40, 26, 1), (160, 75, 2)):
        built = province.generate(people=people, units=units, months=1, seed=seed)
        period = built.periods[-1]
        client.force_login(built.leader_user)
        scope = selectors.evaluations_for_head(user=built.leader_user, period=period)
        unit_ids = set(scope.values_list("unit_id", flat=True))
        assert len(unit_ids) > 1 and scope.count() > scoring.SCORING_PAGE_ROWS
        n, page = _queries(client, reverse("evaluation:scoring", args=[period.pk]))
        counts.append(n)
        assert page.count('<tbody id="row-') == 0
        for unit_id in unit_ids:
            assert f'href="?unit={unit_id}"' in page
    assert counts[0] == counts[1]


def test_a_units_page_loads_its_rows_at_constant_queries(client):
    counts, sizes = [], []
    for people, units, seed in ((40, 12, 3), (200, 12, 4)):
        built = province.generate(people=people, units=units, months=1, seed=seed)
        period = built.periods[-1]
        head, unit_id = _biggest_unit_head(built, period)
        client.force_login(head)
        url = reverse("evaluation:scoring", args=[period.pk]) + f"?unit={unit_id}"
        n, page = _queries(client, url)
        counts.append(n)
        sizes.append(
            selectors.evaluations_for_head(user=head, period=period).filter(unit=unit_id).count()
        )
        # a unit of more people than a page holds is paged (`?page=`)
        assert page.count('<tbody id="row-') == min(sizes[-1], scoring.SCORING_PAGE_SIZE)
    assert sizes[0] < scoring.SCORING_PAGE_SIZE < sizes[1]
    assert counts[0] == counts[1]


def test_a_head_of_one_unit_sees_their_rows_at_once(client):
    built = province.generate(people=80, units=6, months=1, seed=5)
    period = built.periods[-1]
    head, unit_id = _biggest_unit_head(built, period, leaf=True)
    scope = selectors.evaluations_for_head(user=head, period=period)
    assert set(scope.values_list("unit_id", flat=True)) == {unit_id}
    assert scope.count() > scoring.SCORING_PAGE_ROWS
    client.force_login(head)
    page = client.get(reverse("evaluation:scoring", args=[period.pk])).content.decode()
    assert page.count('<tbody id="row-') == min(scope.count(), scoring.SCORING_PAGE_SIZE)


def test_the_units_page_of_a_unit_outside_the_scope_is_refused(client):
    built = province.generate(people=60, units=12, months=1, seed=6)
    period = built.periods[-1]
    head, unit_id = _biggest_unit_head(built, period)
    other = built.organisation.units.exclude(pk=unit_id).order_by("path").last()
    client.force_login(head)
    url = reverse("evaluation:scoring", args=[period.pk]) + f"?unit={other.pk}"
    assert client.get(url).status_code in (403, 404)
