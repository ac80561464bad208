"""The board's pages: who may open and post where, a decision through the page, the
vote through the page, and the review page's queries constant at two sizes."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluation.annual import board_models as bm
from evaluation.annual import services
from evaluation.annual.models import AnnualResult
from evaluation.annual.services import board, procedure
from tests.annual.builders import build_year, set_everyone
from tests.factories import EmployeeFactory, UserFactory
from tests.shared import shared_cast

pytestmark = pytest.mark.django_db
DAY = date(2026, 12, 5)


@shared_cast("board_pages")
def board_pages():
    c = build_year(months=6)
    set_everyone(c, "80", a1=["96"] * 6, a2=["95"] * 6, b1=["95"] * 6, truong_a=["96"] * 6)
    services.rollup_year(c.org, c.year, c.hr)
    return c


def _get(client, c, who, name, *args):
    client.force_login(c.people[who].user)
    return client.get(reverse(name, args=args))


@pytest.mark.parametrize(
    ("who", "status"),
    [("hoi_dong", 200), ("lanh_dao", 200), ("to_chuc", 200), ("truong_a", 403), ("a1", 403)],
)
def test_review_page_by_role(client, board_pages, who, status):
    assert _get(client, board_pages, who, "annual:review", 2026).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [("hoi_dong", 200), ("lanh_dao", 200), ("truong_a", 200), ("a1", 403), ("b1", 403)],
)
def test_charts_page_by_role(client, board_pages, who, status):
    assert _get(client, board_pages, who, "annual:charts", 2026).status_code == status


def test_head_sees_only_own_unit_on_charts(client, board_pages):
    c = board_pages
    body = _get(client, c, "truong_a", "annual:charts", 2026).content.decode()
    assert c.pa.name in body and c.pb.name not in body
    body = _get(client, c, "hoi_dong", "annual:charts", 2026).content.decode()
    assert c.pa.name in body and c.pb.name in body


@pytest.mark.parametrize(
    ("who", "status"),
    [("a3", 200), ("truong_a", 200), ("hoi_dong", 200), ("b1", 403), ("truong_b", 403)],
)
def test_procedure_page_by_role(client, board_pages, who, status):
    c = board_pages
    assert _get(client, c, who, "annual:procedure", 2026, c.a3.pk).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [("a3", 200), ("truong_a", 200), ("hoi_dong", 200), ("b1", 403), ("truong_b", 403)],
)
def test_unit_page_by_role(client, board_pages, who, status):
    c = board_pages
    assert _get(client, c, who, "annual:unit", 2026, c.pa.pk).status_code == status


@pytest.mark.parametrize("who", ["to_chuc", "lanh_dao", "truong_a", "a1"])
def test_only_board_posts_decisions(client, board_pages, who):
    c = board_pages
    client.force_login(c.people[who].user)
    response = client.post(reverse("annual:decide", args=[2026]), {"employee": c.a1.pk})
    assert response.status_code == 403
    assert not bm.TitleDecision.objects.exists()


def test_override_through_the_page_without_reason_is_refused(client, board_pages):
    c = board_pages
    client.force_login(c.hoi_dong.user)
    url = reverse("annual:decide", args=[2026])
    response = client.post(
        url, {"employee": c.a1.pk, "outcome": "override", "final_title": ""}, follow=True
    )
    assert "phải ghi rõ lý do" in response.content.decode()
    assert not bm.TitleDecision.objects.exists()
    client.post(
        url, {"employee": c.a1.pk, "outcome": "override", "final_title": "", "reason": "Chưa đủ"}
    )
    assert bm.TitleDecision.objects.get().outcome == bm.Outcome.OVERRIDDEN


def test_vote_through_the_page(client, board_pages):
    c = board_pages
    procedure.meeting_record(
        unit=c.pa,
        year=2026,
        held_on=DAY,
        present=[],
        comments="",
        vote_open=True,
        by=c.truong_a.user,
    )
    client.force_login(c.a3.user)
    url = reverse("annual:vote", args=[2026, c.pa.pk])
    client.post(url, {"option": "high"})
    response = client.post(url, {"option": "low"}, follow=True)
    assert "đã bỏ phiếu rồi" in response.content.decode()
    assert sum(bm.ConfidenceTally.objects.values_list("count", flat=True)) == 1


def _queries(client, user, url) -> int:
    client.force_login(user)
    client.get(url)  # warm caches (session, content types)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_review_page_queries_constant_at_two_sizes(client, board_pages):
    c = board_pages
    url = reverse("annual:review", args=[2026])
    for result in AnnualResult.objects.exclude(title=""):
        board.title_decide(
            organisation=c.org, year=2026, employee=result.employee, by=c.hoi_dong.user
        )
    small = _queries(client, c.hoi_dong.user, url)
    for n in range(8):
        person = EmployeeFactory(unit=c.pa, user=UserFactory(username=f"them{n}"))
        board.title_register(
            organisation=c.org,
            employee=person,
            year=2026,
            title="lao_dong_tien_tien",
            by=person.user,
        )
    set_everyone(c, "96")
    services.rollup_year(c.org, c.year, c.hr)
    assert AnnualResult.objects.exclude(title="").count() > 8
    large = _queries(client, c.hoi_dong.user, url)
    assert small == large


def test_charts_and_unit_pages_queries_constant_at_two_sizes(client, board_pages):
    c = board_pages
    charts = reverse("annual:charts", args=[2026])
    unit = reverse("annual:unit", args=[2026, c.pa.pk])
    small = (_queries(client, c.hoi_dong.user, charts), _queries(client, c.truong_a.user, unit))
    for n in range(8):
        EmployeeFactory(unit=c.pa, user=UserFactory(username=f"more{n}"))
    set_everyone(c, "90")
    services.rollup_year(c.org, c.year, c.hr)
    large = (_queries(client, c.hoi_dong.user, charts), _queries(client, c.truong_a.user, unit))
    assert small == large
