"""Who may open and post to each monthly-cycle page.

Anonymous → the login page; a record of another agency → 404 (its existence stays
hidden); inside the agency but out of scope → 403; the right person → 200. Every POST
is checked again by the services, so a forged id or a hand-made form changes nothing.
"""

from datetime import timedelta

import pytest
from django.urls import reverse

from evaluation.models import Evaluation, EvaluationState, UnitPeriod
from hrsystem import services as hr_services
from tests.evaluation.test_views_pages import FULL, evaluation_of, open_month, to_scoring
from tests.shared import shared_cast

pytestmark = pytest.mark.django_db


@shared_cast("month")
def month(agency):
    """The agency with its current month open, built once for the module (tests/shared.py)."""
    return open_month(agency)


def urls(cast):
    period = cast.period
    thu = evaluation_of(cast, "thu")
    vp = cast.units["VP"]
    return {
        "my_month": ("get", reverse("evaluation:my_month")),
        "my_month_of": ("get", reverse("evaluation:my_month_of", args=[thu.pk])),
        "my_results": ("get", reverse("evaluation:my_results")),
        "notifications_read": ("post", reverse("evaluation:notifications_read")),
        "scoring_current": ("get", reverse("evaluation:scoring_current")),
        "result_detail": ("get", reverse("evaluation:result_detail", args=[thu.pk])),
        "appeal_file": ("post", reverse("evaluation:appeal_file", args=[thu.pk])),
        "appeal_decide": ("get", reverse("evaluation:appeal_decide", args=[1])),
        "period_list": ("get", reverse("evaluation:period_list")),
        "period_open": ("get", reverse("evaluation:period_open")),
        "overview": ("get", reverse("evaluation:overview", args=[period.pk])),
        "units_action": ("post", reverse("evaluation:units_action", args=[period.pk])),
        "period_reopen": ("get", reverse("evaluation:period_reopen", args=[period.pk])),
        "completeness": ("get", reverse("evaluation:completeness", args=[period.pk])),
        "period_action": ("post", reverse("evaluation:period_action", args=[period.pk, "lock"])),
        "scoring": ("get", reverse("evaluation:scoring", args=[period.pk])),
        "score_bulk": ("post", reverse("evaluation:score_bulk", args=[period.pk])),
        "score_preview": (
            "post",
            reverse("evaluation:score_preview", args=[period.pk, thu.pk]),
        ),
        "score_save": ("post", reverse("evaluation:score_save", args=[period.pk, thu.pk])),
        "score_add": (
            "post",
            reverse("evaluation:score_add", args=[period.pk, thu.pk, "item"]),
        ),
        "unit_submit": ("post", reverse("evaluation:unit_submit", args=[period.pk, vp.pk])),
    }


def call(client, cast, name, data=None):
    method, url = urls(cast)[name]
    return getattr(client, method)(url, data or {})


VIEWS = [
    "my_month",
    "my_month_of",
    "my_results",
    "notifications_read",
    "scoring_current",
    "result_detail",
    "appeal_file",
    "appeal_decide",
    "period_list",
    "period_open",
    "overview",
    "units_action",
    "period_reopen",
    "completeness",
    "period_action",
    "scoring",
    "score_bulk",
    "score_preview",
    "score_save",
    "score_add",
    "unit_submit",
]


@pytest.mark.parametrize("name", VIEWS)
def test_it_sends_anonymous_visitors_to_the_login_page(client, month, name):
    response = call(client, month, name)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# (view, user) → status. Every view has its in-scope 200 and its refusals.
EXPECTED = [
    ("my_month", "thu", 200),
    ("my_month", "nobody", 200),  # a page that says there is no month to declare
    ("my_month_of", "thu", 200),
    ("my_month_of", "hanh", 403),  # someone else's declaration: only its owner edits it
    ("my_month_of", "khach", 404),
    ("my_results", "thu", 200),
    ("notifications_read", "thu", 302),  # only ever the user's own: back to the home page
    ("scoring_current", "hanh", 302),  # to the period he scores in
    ("scoring_current", "thu", 302),  # nobody to score: to the periods list, with a message
    ("result_detail", "hanh", 200),
    ("result_detail", "thu", 404),  # not published yet
    ("result_detail", "duc", 403),
    ("result_detail", "khach", 404),
    ("appeal_file", "hanh", 403),
    ("appeal_file", "khach", 404),
    ("appeal_decide", "quang", 404),  # no such appeal
    ("period_list", "thu", 200),
    ("period_list", "nobody", 403),
    ("period_open", "lan", 200),
    ("period_open", "hanh", 403),
    ("period_open", "thu", 403),
    ("overview", "quang", 200),
    ("overview", "lan", 200),
    ("overview", "hanh", 403),
    ("overview", "thu", 403),
    ("overview", "khach", 404),
    ("units_action", "khach", 404),
    ("period_reopen", "lan", 200),
    ("period_reopen", "quang", 403),
    ("period_reopen", "khach", 404),
    ("completeness", "hanh", 200),
    ("completeness", "quang", 200),
    ("completeness", "thu", 403),
    ("completeness", "khach", 404),
    ("period_action", "thu", 403),
    ("period_action", "khach", 404),
    ("scoring", "hanh", 200),
    ("scoring", "quang", 200),
    ("scoring", "binh", 403),  # a deputy with nobody delegated
    ("scoring", "thu", 403),
    ("scoring", "duc", 200),  # his own unit's staff only: see below
    ("scoring", "khach", 404),
    ("score_bulk", "khach", 404),
    ("score_preview", "hanh", 200),
    ("score_preview", "binh", 403),
    ("score_preview", "duc", 403),
    ("score_preview", "thu", 403),  # her own record
    ("score_preview", "khach", 404),
    ("score_save", "duc", 403),
    ("score_save", "thu", 403),
    ("score_save", "khach", 404),
    ("score_add", "hanh", 302),  # back to the scoring page with a message
    ("score_add", "duc", 403),
    ("score_add", "thu", 403),
    ("score_add", "khach", 404),
    ("unit_submit", "thu", 403),
    ("unit_submit", "duc", 403),
    ("unit_submit", "khach", 404),
]


def test_every_view_has_its_cases():
    assert {name for name, _user, _status in EXPECTED} == set(VIEWS)


@pytest.mark.parametrize(("name", "username", "status"), EXPECTED)
def test_it_answers_each_role(client, month, name, username, status):
    to_scoring(month)
    client.force_login(month.users[username])
    data = {"unit_periods": [UnitPeriod.objects.filter(period=month.period).first().pk]}
    assert call(client, month, name, data).status_code == status


def test_it_shows_a_deputy_only_the_staff_delegated_to_them(client, month):
    hr_services.deputy_delegate(
        deputy=month.employees["binh"],
        staff=month.employees["thu"],
        unit=month.units["VP"],
        start=month.today - timedelta(days=400),
    )
    to_scoring(month)
    client.force_login(month.users["binh"])
    page = client.get(reverse("evaluation:scoring", args=[month.period.pk])).content.decode()
    assert "Phạm Thị Thu" in page
    assert "Đỗ Đức Anh" not in page


def test_it_lists_only_the_heads_own_staff(client, month):
    to_scoring(month)
    client.force_login(month.users["duc"])
    page = client.get(reverse("evaluation:scoring", args=[month.period.pk])).content.decode()
    assert "Vũ Thị Lan" in page
    assert "Phạm Thị Thu" not in page
    assert f'id="row-{evaluation_of(month, "duc").pk}"' not in page  # never his own record


def test_it_lists_the_unit_heads_for_the_agency_leader(client, month):
    to_scoring(month)
    client.force_login(month.users["quang"])
    url = reverse("evaluation:scoring", args=[month.period.pk])
    page = client.get(url).content.decode()
    assert f'id="row-{evaluation_of(month, "hanh").pk}"' in page
    assert f'id="row-{evaluation_of(month, "duc").pk}"' in page
    assert f'id="row-{evaluation_of(month, "quang").pk}"' not in page
    narrowed = client.get(url, {"unit": month.units["NV"].pk}).content.decode()
    assert f'id="row-{evaluation_of(month, "duc").pk}"' in narrowed
    assert f'id="row-{evaluation_of(month, "hanh").pk}"' not in narrowed


def test_it_hides_a_forged_evaluation_id(client, month):
    to_scoring(month)
    client.force_login(month.users["hanh"])
    missing = Evaluation.objects.order_by("-pk").first().pk + 100
    for name in ("score_preview", "score_save"):
        url = reverse(f"evaluation:{name}", args=[month.period.pk, missing])
        assert client.post(url, {}).status_code == 404
    assert client.get(reverse("evaluation:my_month_of", args=[missing])).status_code == 404
    assert client.get(reverse("evaluation:result_detail", args=[missing])).status_code == 404


def test_it_refuses_scoring_a_person_of_another_unit(client, month):
    to_scoring(month)
    lan = evaluation_of(month, "lan")  # NV, headed by duc
    client.force_login(month.users["hanh"])
    url = reverse("evaluation:score_save", args=[month.period.pk, lan.pk])
    data = {f"r{lan.pk}-revision": 0, **{f"r{lan.pk}-c{i}": "5" for i in FULL}}
    assert client.post(url, data).status_code == 403
    lan.refresh_from_db()
    assert lan.state != EvaluationState.SCORED


def test_it_refuses_a_head_score_above_the_maximum(client, month):
    to_scoring(month)
    thu = evaluation_of(month, "thu")
    client.force_login(month.users["hanh"])
    prefix = f"r{thu.pk}"
    data = {f"{prefix}-revision": thu.revision, **{f"{prefix}-c{i}": "2" for i in FULL}}
    data[f"{prefix}-c0"] = "7,5"
    for item in thu.work_items.all():
        data[f"{prefix}-i{item.pk}_errors"] = "0"
        data[f"{prefix}-i{item.pk}_late"] = "-1"
        data[f"{prefix}-i{item.pk}_excused"] = "0"
    url = reverse("evaluation:score_save", args=[month.period.pk, thu.pk])
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200  # the row comes back with its errors in place
    page = response.content.decode()
    assert "không được lớn hơn 5" in page
    assert "số ngày chậm không được âm" in page
    thu.refresh_from_db()
    assert thu.state == EvaluationState.DRAFT
    assert thu.revision == 0


# --- links: every page a link leads to opens for the user who sees the link ------------

PERIOD_PAGES = {
    "overview": "/",
    "completeness": "/completeness/",
    "scoring": "/score/",
}


def period_links(page: str, period_pk: int) -> set[str]:
    """The period's pages linked from `page` (overview, completeness, scoring)."""
    return {
        name for name, tail in PERIOD_PAGES.items() if f'href="/periods/{period_pk}{tail}"' in page
    }


@pytest.mark.parametrize(
    ("username", "links"),
    [
        ("thu", set()),  # a plain employee: her own month only
        ("hanh", {"completeness", "scoring"}),
        ("binh", {"completeness"}),  # a deputy with nobody delegated views, scores no one
        ("lan", {"overview", "completeness"}),  # HR scores nobody
        ("quang", {"overview", "completeness", "scoring"}),
    ],
)
def test_it_links_each_period_only_to_the_pages_the_user_may_open(client, month, username, links):
    client.force_login(month.users[username])
    page = client.get(reverse("evaluation:period_list")).content.decode()
    assert period_links(page, month.period.pk) == links
    for name in links:
        url = reverse(f"evaluation:{name}", args=[month.period.pk])
        assert client.get(url).status_code == 200, name
    for name in set(PERIOD_PAGES) - links:
        url = reverse(f"evaluation:{name}", args=[month.period.pk])
        assert client.get(url).status_code == 403, name


def test_it_links_an_employee_to_her_own_evaluation_of_each_period(client, month):
    client.force_login(month.users["thu"])
    page = client.get(reverse("evaluation:period_list")).content.decode()
    own = reverse("evaluation:my_month_of", args=[evaluation_of(month, "thu").pk])
    assert f'href="{own}"' in page
    assert client.get(own).status_code == 200


def test_it_shows_the_heads_scoring_link_on_the_overview_only_to_who_scores_heads(client, month):
    scoring = f'href="{reverse("evaluation:scoring", args=[month.period.pk])}"'
    overview = reverse("evaluation:overview", args=[month.period.pk])
    client.force_login(month.users["lan"])  # HR: the overview, no one to score
    assert scoring not in client.get(overview).content.decode()
    client.force_login(month.users["quang"])  # the agency leader scores the unit heads
    assert scoring in client.get(overview).content.decode()


def test_it_links_the_completeness_board_to_the_pages_the_user_may_open(client, month):
    board = reverse("evaluation:completeness", args=[month.period.pk])
    client.force_login(month.users["hanh"])
    assert period_links(client.get(board).content.decode(), month.period.pk) == {"scoring"}
    client.force_login(month.users["lan"])
    assert period_links(client.get(board).content.decode(), month.period.pk) == {"overview"}


def test_it_offers_the_scoring_page_in_the_navigation_to_unit_heads(client, month):
    nav = f'href="{reverse("evaluation:scoring_current")}"'
    client.force_login(month.users["thu"])
    assert nav not in client.get(reverse("home")).content.decode()
    client.force_login(month.users["hanh"])
    assert nav in client.get(reverse("home")).content.decode()
    response = client.get(reverse("evaluation:scoring_current"))
    assert response["Location"] == reverse("evaluation:scoring", args=[month.period.pk])


def test_it_sends_a_head_with_no_running_period_to_the_periods_list(client, agency):
    client.force_login(agency.users["hanh"])  # no period opened yet
    response = client.get(reverse("evaluation:scoring_current"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("evaluation:period_list")
    assert "không có kỳ nào" in " ".join(str(m) for m in response.context["messages"])


def test_the_scoring_entry_leads_a_head_to_his_period_and_others_to_the_list(client, month):
    to_scoring(month)
    url = reverse("evaluation:scoring_current")
    client.force_login(month.users["hanh"])
    assert client.get(url)["Location"] == reverse("evaluation:scoring", args=[month.period.pk])
    client.force_login(month.users["thu"])
    assert client.get(url)["Location"] == reverse("evaluation:period_list")
