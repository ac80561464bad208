"""The head's scoring page and the leader's overview cost the same queries at any size.

Two periods of the same agency: one opened when the VP head had 10 people to score, the
next after VP grew so that she has 145 (the demo agency's size on one page); each page is
counted on both and the counts must be equal.
"""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluation import services
from evaluation.models import Evaluation, PeriodState
from evaluation.rulesets import SHIPPED_FIXTURE
from evaluation.views.scoring import SCORING_PAGE_SIZE
from hrsystem import services as hr_services
from tests.shared import shared_cast

pytestmark = pytest.mark.django_db

MAX_QUERIES = 30
SMALL, LARGE = 10, 145
"""People on the VP head's scoring page in the small and the large period."""
FULL = dict(enumerate(Decimal(v) for v in ("5", "5") + ("2.5",) * 8))


def count_queries(client, url) -> int:
    client.get(url)  # warm per-process caches (content types, translations)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def grow_vp(cast, total):
    unit = cast.units["VP"]
    if not hasattr(cast, "grown_position"):
        cast.grown_position = hr_services.job_position_create(
            organisation=cast.organisation, code="CVQ", name="CV"
        )
        for task in range(3):
            hr_services.standard_task_create(
                job_position=cast.grown_position,
                name=f"Nhiệm vụ {task}",
                unit_of_measure="hồ sơ",
            )
    grown = cast.__dict__.setdefault("grown", [])
    for number in range(len(grown), total):
        grown.append(
            hr_services.employee_create(
                code=f"Q{number:04d}",
                full_name=f"Trịnh Thị Số {number}",
                unit=unit,
                job_position=cast.grown_position,
                start=cast.today - timedelta(days=400),
            )
        )


def open_scoring(cast, month_start: date):
    lan = cast.users["lan"]
    period = services.period_open(
        organisation=cast.organisation,
        year=month_start.year,
        number=month_start.month,
        by=lan,
        rule_set_code="nd335",
    )
    for state in (PeriodState.SELF_ASSESSMENT, PeriodState.SCORING):
        period = services.period_advance(period=period, to=state, by=lan)
    # a few rows scored so the page shows results and the overview levels
    for evaluation in Evaluation.objects.filter(period=period, unit=cast.units["VP"])[:3]:
        if evaluation.employee_id == cast.employees["hanh"].pk:
            continue
        services.evaluation_score(
            evaluation=evaluation, revision=evaluation.revision, by=cast.users["hanh"], final=FULL
        )
    return period


@shared_cast("two_sizes")
def two_sizes(agency):
    """A small and a large period of the agency, built once for the module."""
    call_command("loaddata", str(SHIPPED_FIXTURE), verbosity=0)
    this_month = agency.today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    grow_vp(agency, SMALL - 3)  # binh, anh and thu are VP's own
    small = open_scoring(agency, last_month)
    grow_vp(agency, LARGE - 3)
    large = open_scoring(agency, this_month)
    return agency, small, large


def test_it_keeps_the_scoring_page_constant(client, two_sizes):
    cast, small, large = two_sizes
    client.force_login(cast.users["hanh"])
    counts = [
        count_queries(client, reverse("evaluation:scoring", args=[period.pk]))
        for period in (small, large)
    ]
    assert counts[0] == counts[1]
    assert counts[1] <= MAX_QUERIES
    for period, people in ((small, SMALL), (large, LARGE)):
        page = client.get(reverse("evaluation:scoring", args=[period.pk])).content.decode()
        assert page.count('<tbody id="row-') == min(people, SCORING_PAGE_SIZE)


def test_it_pages_a_large_unit_at_the_same_cost(client, two_sizes):
    """145 people are 15 pages of 10 rows: the first and the last cost the same queries,
    and the pages together show every row once."""
    cast, _, large = two_sizes
    client.force_login(cast.users["hanh"])
    url = reverse("evaluation:scoring", args=[large.pk])
    pages = -(-LARGE // SCORING_PAGE_SIZE)
    assert count_queries(client, url) == count_queries(client, f"{url}?page={pages}")
    shown = []
    for number in range(1, pages + 1):
        page = client.get(f"{url}?page={number}").content.decode()
        shown += re.findall(r'<tbody id="row-(\d+)"', page)
    assert sorted(shown) == sorted(
        str(pk)
        for pk in Evaluation.objects.filter(
            period=large, unit__code="VP", is_head=False
        ).values_list("pk", flat=True)
    )


def test_it_keeps_the_overview_constant(client, two_sizes):
    cast, small, large = two_sizes
    client.force_login(cast.users["quang"])
    counts = [
        count_queries(client, reverse("evaluation:overview", args=[period.pk]))
        for period in (small, large)
    ]
    assert counts[0] == counts[1]
    assert counts[1] <= MAX_QUERIES


def test_it_keeps_the_completeness_board_constant(client, two_sizes):
    cast, small, large = two_sizes
    client.force_login(cast.users["hanh"])
    counts = [
        count_queries(client, reverse("evaluation:completeness", args=[period.pk]))
        for period in (small, large)
    ]
    assert counts[0] == counts[1]
    assert counts[1] <= MAX_QUERIES


def test_it_keeps_the_home_inbox_constant(client, two_sizes):
    cast, small, large = two_sizes
    client.force_login(cast.users["hanh"])
    assert count_queries(client, reverse("home")) <= MAX_QUERIES


def test_it_keeps_the_periods_list_bounded_however_many_periods_exist(client, two_sizes):
    cast, small, large = two_sizes
    year, number = small.year, small.number

    def open_older(count):
        nonlocal year, number
        for _ in range(count):
            year, number = (year - 1, 12) if number == 1 else (year, number - 1)
            services.period_open(
                organisation=cast.organisation,
                year=year,
                number=number,
                by=cast.users["lan"],
                rule_set_code="hn3814",
            )

    client.force_login(cast.users["hanh"])
    url = reverse("evaluation:period_list")
    open_older(10)  # 12 periods: all listed
    listed = count_queries(client, url)
    open_older(6)  # 18 periods: the latest 12 listed, the rest behind a link
    assert count_queries(client, url) == listed
