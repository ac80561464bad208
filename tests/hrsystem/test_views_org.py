"""Org chart, unit page and staff directory: who may open what, and what they see.

The cast is the `agency` fixture of tests/conftest.py (Bình Xuyên with quang the agency
leader, hanh head of VP, binh her deputy, thu staff, duc head of NV, lan HR officer,
kiem inspector, tu acting head of TCKH, mai in TCKH-NS; khach works in Tam Dương).
"""

from datetime import timedelta

import pytest
from django.urls import reverse

from hrsystem import services
from hrsystem.models import PostKind

pytestmark = pytest.mark.django_db


def unit_url(cast, code):
    return reverse("hrsystem:unit_detail", args=[cast.units[code].pk])


@pytest.fixture
def as_user(client, agency):
    def sign_in(username):
        client.force_login(agency.users[username])
        return client

    return sign_in


# --- anonymous visitors ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["home", "org_chart", "unit_detail", "directory"])
def test_it_sends_anonymous_visitors_to_login(client, agency, name):
    urls = {
        "home": reverse("home"),
        "org_chart": reverse("hrsystem:org_chart"),
        "unit_detail": unit_url(agency, "VP"),
        "directory": reverse("hrsystem:directory"),
    }
    response = client.get(urls[name])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


# --- the unit page, role by role -------------------------------------------------------

UNIT_ACCESS = [
    # agency leader: every unit of the agency, never another agency's
    ("quang", "UBND", 200),
    ("quang", "TCKH-NS", 200),
    ("quang", "TD-VP", 404),
    # unit head: their unit only
    ("hanh", "VP", 200),
    ("hanh", "NV", 403),
    ("hanh", "UBND", 403),
    ("duc", "NV", 200),
    ("duc", "VP", 403),
    # deputy head: their unit
    ("binh", "VP", 200),
    ("binh", "NV", 403),
    # acting head: their unit and its sub-unit
    ("tu", "TCKH", 200),
    ("tu", "TCKH-NS", 200),
    ("tu", "VP", 403),
    # employee: their own unit
    ("thu", "VP", 200),
    ("thu", "NV", 403),
    ("mai", "TCKH-NS", 200),
    ("mai", "TCKH", 403),
    # HR officer and inspector: the whole agency
    ("lan", "VP", 200),
    ("lan", "TCKH-NS", 200),
    ("lan", "TD-VP", 404),
    ("kiem", "TCKH", 200),
    ("kiem", "TD-VP", 404),
    # someone of another agency, and a login with no employee record
    ("khach", "TD-VP", 200),
    ("khach", "VP", 404),
    ("nobody", "VP", 404),
]


@pytest.mark.parametrize(("username", "unit", "status"), UNIT_ACCESS)
def test_it_scopes_the_unit_page(as_user, agency, username, unit, status):
    response = as_user(username).get(unit_url(agency, unit))
    assert response.status_code == status


def test_it_lets_a_superuser_open_any_unit(client, agency, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password=agency.password)
    client.force_login(admin)
    for code in ("VP", "TCKH-NS", "TD-VP"):
        assert client.get(unit_url(agency, code)).status_code == 200


def test_it_does_not_leak_a_forged_unit_id(as_user, agency):
    client = as_user("thu")
    missing = max(unit.pk for unit in agency.units.values()) + 1000
    for unit_id in (missing, agency.units["TD-VP"].pk):
        response = client.get(reverse("hrsystem:unit_detail", args=[unit_id]))
        assert response.status_code == 404
        assert "Văn phòng" not in response.content.decode().split("<main")[1]
    forbidden = client.get(unit_url(agency, "NV"))
    assert forbidden.status_code == 403
    html = forbidden.content.decode()
    assert "Không có quyền truy cập" in html
    assert "Hoàng Minh Đức" not in html


def test_it_shows_the_unit_staff_positions_tasks_and_posts(as_user, agency):
    html = as_user("hanh").get(unit_url(agency, "VP")).content.decode()
    for text in [
        "Văn phòng HĐND và UBND",
        "Nguyễn Thị Hạnh",
        "Lê Văn Bình",
        "Phạm Thị Thu",
        "Đỗ Đức Anh",
        "BX012",
        "Văn thư - lưu trữ",
        "Tiếp nhận, vào sổ văn bản đến",
        "Quá trình lãnh đạo đơn vị",
        "Đương nhiệm",
    ]:
        assert text in html, text
    assert "Hoàng Minh Đức" not in html
    assert response_deputies(html) == "Lê Văn Bình"


def response_deputies(html):
    return html.split("Cấp phó</dt>")[1].split("<dd>")[1].split("</dd>")[0].strip()


def test_it_marks_the_acting_head(as_user, agency):
    html = as_user("tu").get(unit_url(agency, "TCKH")).content.decode()
    assert "Bùi Văn Tú" in html
    assert "Quyền trưởng / phụ trách" in html
    assert reverse("hrsystem:unit_detail", args=[agency.units["TCKH-NS"].pk]) in html


# --- the org chart ---------------------------------------------------------------------


@pytest.mark.parametrize("username", ["quang", "hanh", "binh", "tu", "thu", "lan", "kiem"])
def test_it_shows_every_member_their_agency_chart(as_user, agency, username):
    response = as_user(username).get(reverse("hrsystem:org_chart"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "UBND huyện Bình Xuyên" in html
    for unit in ("Lãnh đạo UBND", "Phòng Nội vụ", "Tổ ngân sách"):
        assert unit in html
    assert "Tam Dương" not in html


def test_it_links_only_the_units_the_user_may_open(as_user, agency):
    html = as_user("thu").get(reverse("hrsystem:org_chart")).content.decode()
    assert unit_url(agency, "VP") in html
    assert unit_url(agency, "NV") not in html


def test_it_shows_leaders_and_headcounts(as_user, agency):
    html = as_user("thu").get(reverse("hrsystem:org_chart")).content.decode()
    assert "Trần Văn Quang" in html
    assert "Bùi Văn Tú" in html
    assert "4 người" in html
    assert "Chưa có lãnh đạo" in html


def test_it_refuses_another_agency_chart(as_user, agency):
    client = as_user("thu")
    assert client.get(reverse("hrsystem:org_chart") + "?org=TD").status_code == 404
    assert client.get(reverse("hrsystem:org_chart") + "?org=KHONG-CO").status_code == 404
    html = as_user("khach").get(reverse("hrsystem:org_chart")).content.decode()
    assert "UBND huyện Tam Dương" in html
    assert "Phòng Nội vụ" not in html


def test_it_tells_a_login_without_agency_what_to_do(as_user, agency):
    response = as_user("nobody").get(reverse("hrsystem:org_chart"))
    assert response.status_code == 200
    assert "chưa được gắn với cơ quan nào" in response.content.decode()


def test_it_lets_a_superuser_pick_the_agency(client, agency, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    html = client.get(reverse("hrsystem:org_chart") + "?org=TD").content.decode()
    assert "UBND huyện Tam Dương" in html
    assert '<option value="BX">UBND huyện Bình Xuyên</option>' in html


# --- the directory ---------------------------------------------------------------------


def names_in(response):
    return {member.full_name for member in response.context["page"].object_list}


VP_STAFF = {"Nguyễn Thị Hạnh", "Lê Văn Bình", "Phạm Thị Thu", "Đỗ Đức Anh"}
BX_STAFF = VP_STAFF | {
    "Trần Văn Quang",
    "Hoàng Minh Đức",
    "Vũ Thị Lan",
    "Đặng Quốc Kiểm",
    "Bùi Văn Tú",
    "Ngô Thị Mai",
}


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("quang", BX_STAFF),
        ("hanh", VP_STAFF),
        ("binh", VP_STAFF),
        ("thu", VP_STAFF),
        ("duc", {"Hoàng Minh Đức", "Vũ Thị Lan", "Đặng Quốc Kiểm"}),
        ("tu", {"Bùi Văn Tú", "Ngô Thị Mai"}),
        ("mai", {"Ngô Thị Mai"}),
        ("lan", BX_STAFF),
        ("kiem", BX_STAFF),
        ("khach", {"Lý Văn Khách"}),
        ("nobody", set()),
    ],
)
def test_it_scopes_the_directory_for_every_role(as_user, username, expected):
    response = as_user(username).get(reverse("hrsystem:directory"))
    assert response.status_code == 200
    assert names_in(response) == expected


def test_it_lists_only_people_of_units_in_scope(as_user, agency):
    response = as_user("thu").get(reverse("hrsystem:directory"))
    assert names_in(response) == {"Nguyễn Thị Hạnh", "Lê Văn Bình", "Phạm Thị Thu", "Đỗ Đức Anh"}

    response = as_user("tu").get(reverse("hrsystem:directory"))
    assert names_in(response) == {"Bùi Văn Tú", "Ngô Thị Mai"}

    response = as_user("lan").get(reverse("hrsystem:directory"))
    assert len(names_in(response)) == 10
    assert "Lý Văn Khách" not in names_in(response)

    response = as_user("nobody").get(reverse("hrsystem:directory"))
    assert response.status_code == 200
    assert names_in(response) == set()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Đức", {"Hoàng Minh Đức", "Đỗ Đức Anh"}),
        ("đức", {"Hoàng Minh Đức", "Đỗ Đức Anh"}),
        ("duc", {"Hoàng Minh Đức", "Đỗ Đức Anh"}),
        ("nguyen thi hanh", {"Nguyễn Thị Hạnh"}),
        ("NGUYỄN", {"Nguyễn Thị Hạnh"}),
        ("bx012", {"Phạm Thị Thu"}),
        ("Nguye\u0302\u0303n", {"Nguyễn Thị Hạnh"}),  # decomposed (NFD) input
        ("Khách", set()),  # another agency's employee never shows
    ],
)
def test_it_searches_by_code_or_vietnamese_name(as_user, query, expected):
    response = as_user("lan").get(reverse("hrsystem:directory"), {"q": query})
    assert names_in(response) == expected


def test_it_pages_the_directory(as_user, agency):
    client = as_user("lan")
    first = client.get(reverse("hrsystem:directory"))
    assert first.context["page"].paginator.num_pages == 1
    garbage = client.get(reverse("hrsystem:directory"), {"page": "abc"})
    assert garbage.status_code == 200
    beyond = client.get(reverse("hrsystem:directory"), {"page": "99"})
    assert beyond.status_code == 200
    assert beyond.context["page"].number == 1


def test_it_answers_htmx_with_the_results_block_only(as_user):
    client = as_user("lan")
    response = client.get(
        reverse("hrsystem:directory"), {"q": "thu"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div hx-swap-oob="innerHTML:#directory-status">')
    assert '<section id="directory-results"' in html
    assert "Tìm thấy 1 người khớp với “thu”." in html
    assert "<html" not in html
    assert "Phạm Thị Thu" in html
    assert "HX-Request" in response["Vary"]


def test_it_answers_an_htmx_history_restore_with_the_full_page(as_user):
    client = as_user("lan")
    response = client.get(
        reverse("hrsystem:directory"),
        {"q": "thu"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in response.content.decode()


def test_it_caps_an_overlong_search(as_user):
    response = as_user("lan").get(reverse("hrsystem:directory"), {"q": "x" * 500})
    assert response.status_code == 200
    assert len(names_in(response)) == 10


# --- header and home -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "role"),
    [
        ("quang", "Lãnh đạo cơ quan"),
        ("hanh", "Trưởng Văn phòng HĐND và UBND"),
        ("binh", "Phó Văn phòng HĐND và UBND"),
        ("tu", "Quyền trưởng / phụ trách Phòng Tài chính – Kế hoạch"),
        ("thu", "Công chức"),
        ("lan", "Cán bộ tổ chức"),
        ("kiem", "Tổ kiểm tra công vụ"),
    ],
)
def test_it_names_the_person_and_role_in_the_header(as_user, agency, username, role):
    html = as_user(username).get(reverse("home")).content.decode()
    assert agency.employees[username].full_name in html
    assert role in html
    assert "UBND huyện Bình Xuyên" in html


def test_it_offers_the_own_unit_on_home(as_user, agency):
    html = as_user("thu").get(reverse("home")).content.decode()
    assert unit_url(agency, "VP") in html
    assert reverse("hrsystem:org_chart") in html
    assert reverse("hrsystem:directory") in html


def test_it_translates_the_pages_to_english(as_user, agency):
    client = as_user("hanh")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(unit_url(agency, "VP")).content.decode()
    assert '<html lang="en">' in html
    for text in ("Staff", "Job positions and standing tasks", "Leadership history", "Head"):
        assert text in html, text
    assert "Nguyễn Thị Hạnh" in html
    chart = client.get(reverse("hrsystem:org_chart")).content.decode()
    assert "Org chart" in chart
    assert "4 people" in chart


def test_it_sends_an_expired_htmx_search_to_the_login_page_in_full(client, agency):
    response = client.get(
        reverse("hrsystem:directory"),
        {"q": "thu"},
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/people/?q=th"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=/people/%3Fq%3Dth"


def test_it_filters_the_directory_by_a_unit_and_its_sub_units(as_user, agency):
    client = as_user("lan")
    tckh = agency.units["TCKH"].pk
    response = client.get(reverse("hrsystem:directory"), {"unit": tckh})
    assert names_in(response) == {"Bùi Văn Tú", "Ngô Thị Mai"}
    response = client.get(reverse("hrsystem:directory"), {"unit": tckh, "q": "mai"})
    assert names_in(response) == {"Ngô Thị Mai"}


def test_it_ignores_a_forged_unit_filter(as_user, agency):
    client = as_user("thu")
    for unit in (agency.units["NV"].pk, agency.units["TD-VP"].pk, "abc"):
        response = client.get(reverse("hrsystem:directory"), {"unit": unit})
        assert response.status_code == 200
        assert "Hoàng Minh Đức" not in names_in(response)
        assert "Lý Văn Khách" not in names_in(response)


def test_it_welcomes_a_login_without_employee_record(as_user):
    response = as_user("nobody").get(reverse("home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Xin chào, nobody" in html
    assert "Đơn vị của tôi" not in html


def test_it_shows_a_future_appointment_as_not_started(as_user, agency):
    services.post_assign(
        employee=agency.employees["thu"],
        unit=agency.units["VP"],
        kind=PostKind.DEPUTY,
        start=agency.today + timedelta(days=10),
    )
    html = as_user("hanh").get(unit_url(agency, "VP")).content.decode()
    history = html.split("Quá trình lãnh đạo đơn vị")[1]
    assert "Chưa bắt đầu" in history
    assert response_deputies(html) == "Lê Văn Bình"


# --- the organisation as of another day --------------------------------------------------


def test_it_shows_a_unit_as_it_was_on_an_earlier_day(as_user, agency):
    services.employee_transfer(
        employee=agency.employees["thu"],
        unit=agency.units["NV"],
        job_position=agency.employees["thu"].assignments.get().job_position,
        start=agency.today - timedelta(days=10),
    )
    client = as_user("hanh")
    today = client.get(unit_url(agency, "VP")).content.decode()
    earlier_day = (agency.today - timedelta(days=20)).isoformat()
    earlier = client.get(unit_url(agency, "VP"), {"on": earlier_day}).content.decode()
    assert "Phạm Thị Thu" not in today.split("Quá trình lãnh đạo")[0]
    assert "Phạm Thị Thu" in earlier
    assert "vào ngày" in earlier
    assert f'value="{earlier_day}"' in earlier


def test_it_shows_the_acting_head_only_from_the_first_day(as_user, agency):
    client = as_user("quang")
    before = (agency.today - timedelta(days=31)).isoformat()
    html = client.get(unit_url(agency, "TCKH"), {"on": before}).content.decode()
    assert "Bùi Văn Tú" not in html.split("Cán bộ, công chức</h2>")[0]
    chart = client.get(reverse("hrsystem:org_chart"), {"on": before}).content.decode()
    assert "Quyền trưởng / phụ trách" not in chart
    assert f"?on={before}" in chart
    chart_today = client.get(reverse("hrsystem:org_chart")).content.decode()
    assert "Quyền trưởng / phụ trách" in chart_today


def test_it_falls_back_to_today_on_a_malformed_day(as_user, agency):
    response = as_user("hanh").get(unit_url(agency, "VP"), {"on": "31/02/2026"})
    assert response.status_code == 200
    assert response.context["on"] == agency.today
    assert "Về hôm nay" not in response.content.decode()


def test_it_decides_access_as_of_today_whatever_day_is_shown(as_user, agency):
    before = (agency.today - timedelta(days=31)).isoformat()
    assert as_user("tu").get(unit_url(agency, "TCKH"), {"on": before}).status_code == 200
    assert as_user("thu").get(unit_url(agency, "NV"), {"on": before}).status_code == 403
