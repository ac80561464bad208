"""The leader's overview of a large agency drills down by subtree: a unit and its
children with their subtrees' figures summed in SQL, breadcrumbs back up, and the same
number of queries whatever the number of units and people.

The flat limit is lowered so that generated provinces of a few dozen units are "large".
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluation import province, selectors
from evaluation.models import Evaluation, UnitPeriod, UnitPeriodState
from evaluation.selectors import DONE_STATES
from hrsystem.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_flat_limit(monkeypatch):
    monkeypatch.setattr(selectors, "OVERVIEW_FLAT_UNITS", 5)


def _build(people: int, units: int, seed: int):
    built = province.generate(people=people, units=units, months=1, seed=seed)
    return built, built.periods[-1]


def _queries(client, url) -> tuple[int, str]:
    client.get(url)  # warm per-process caches (content types, translations)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_its_queries_do_not_grow_with_units_and_people(client):
    counts = []
    for people, units, seed in ((40, 26, 1), (160, 75, 2)):
        built, period = _build(people, units, seed)
        client.force_login(built.leader_user)
        url = reverse("evaluation:overview", args=[period.pk])
        root = built.organisation.units.get(parent=None)
        child = root.children.order_by("path").first()
        counts.append((_queries(client, url)[0], _queries(client, f"{url}?unit={child.pk}")[0]))
    assert counts[0] == counts[1]


def test_each_row_sums_its_whole_subtree():
    built, period = _build(60, 26, 3)
    overview = selectors.period_overview(user=built.leader_user, period=period)
    root = built.organisation.units.get(parent=None)
    assert overview.branches and overview.focus == root
    assert [row.unit.pk for row in overview.units] == [
        root.pk,
        *root.children.order_by("path").values_list("pk", flat=True),
    ]
    current = Evaluation.objects.filter(period=period, is_current=True)
    for row in overview.units:
        subtree = (
            current.filter(unit=root)
            if row.unit == root
            else current.filter(unit__path__startswith=row.unit.path)
        )
        rated = subtree.filter(not_rated=False, absent=False)
        assert row.people == subtree.count()
        assert row.unscored == rated.exclude(state__in=DONE_STATES).count()
        assert (
            row.own_unscored == rated.filter(unit=row.unit).exclude(state__in=DONE_STATES).count()
        )
        for level, n in row.levels.items():
            assert n == rated.filter(state__in=DONE_STATES, level=level).count()
        if row.unit != root:
            unit_periods = UnitPeriod.objects.filter(
                period=period, unit__path__startswith=row.unit.path
            )
            assert row.units == unit_periods.count()
            assert (
                row.units_done
                == unit_periods.filter(
                    state__in=(UnitPeriodState.SUBMITTED, UnitPeriodState.APPROVED)
                ).count()
            )
    assert sum(row.people for row in overview.units) == current.count()


def test_a_child_opens_its_subtree_with_breadcrumbs_back_up(client):
    built, period = _build(60, 26, 4)
    client.force_login(built.leader_user)
    root = built.organisation.units.get(parent=None)
    child = next(unit for unit in root.children.all() if unit.children.exists())
    url = reverse("evaluation:overview", args=[period.pk])
    page = client.get(url).content.decode()
    assert f'href="?unit={child.pk}"' in page
    page = client.get(f"{url}?unit={child.pk}").content.decode()
    assert f'<a href="?unit={root.pk}">' in page
    assert f'aria-current="page">{child.name}<' in page
    for grandchild in child.children.all():
        assert grandchild.name in page


def test_a_unit_of_another_agency_shows_the_viewers_root(client):
    built, period = _build(40, 12, 5)
    other, _ = _build(40, 12, 6)
    foreign = Unit.objects.filter(organisation=other.organisation).exclude(parent=None).first()
    overview = selectors.period_overview(user=built.leader_user, period=period, unit_id=foreign.pk)
    assert overview.focus == built.organisation.units.get(parent=None)


def test_a_head_of_one_unit_may_not_open_it(client):
    built, period = _build(40, 12, 7)
    head = (
        Unit.objects.filter(organisation=built.organisation, depth=1)
        .first()
        .posts.filter(kind="head")
        .first()
    )
    assert head is not None
    client.force_login(head.employee.user)
    response = client.get(
        reverse("evaluation:overview", args=[period.pk]) + f"?unit={head.unit_id}"
    )
    assert response.status_code == 403


def test_approving_on_a_subtree_returns_to_that_subtree(client):
    built, period = _build(60, 26, 8)
    client.force_login(built.leader_user)
    root = built.organisation.units.get(parent=None)
    child = root.children.order_by("path").first()
    unit_period = UnitPeriod.objects.get(period=period, unit=child)
    response = client.post(
        reverse("evaluation:units_action", args=[period.pk]),
        {"unit_periods": [unit_period.pk], "action": "approve", "unit": child.pk},
    )
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("evaluation:overview", args=[period.pk]) + f"?unit={child.pk}"
    )
