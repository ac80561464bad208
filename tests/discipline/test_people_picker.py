"""The searchable people picker of the inspection members and the dossier officer
(issue 17, defect 10): the search answers within the user's scope and unit, in a
constant number of queries, and the forms take what it chose."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from discipline.models import Inspection
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

SEARCH = "discipline:people_search"


@pytest.fixture
def as_user(client):
    def log_in(employee):
        client.force_login(employee.user)
        return client

    return log_in


def _names(response) -> str:
    return response.content.decode()


def test_the_inspection_form_shows_a_search_box_not_the_whole_agency(d, as_user):
    page = _names(as_user(d.kiem).get(reverse("discipline:inspection_plan")))
    assert 'type="search"' in page and reverse(SEARCH) in page
    assert "Ngô Thị Phó" not in page  # nobody listed before a search


def test_two_letters_find_people_ignoring_diacritics(d, as_user):
    client = as_user(d.kiem)
    one = client.get(reverse(SEARCH), {"for": "inspection", "q": "n"})
    assert "Gõ ít nhất 2 chữ cái" in _names(one)
    found = _names(client.get(reverse(SEARCH), {"for": "inspection", "q": "ngo thi"}))
    assert "Ngô Thị Phó" in found and "Lý Thị Ngoài" not in found
    assert "Lý Văn Khách" not in _names(
        client.get(reverse(SEARCH), {"for": "inspection", "q": "khach"})
    )


def test_the_dossier_officer_is_searched_in_the_chosen_unit(d, as_user):
    client = as_user(d.mot_cua)
    anywhere = _names(client.get(reverse(SEARCH), {"for": "dossier", "q": "thi"}))
    assert "Phạm Thị Thu" in anywhere and "Ngô Thị Phó" in anywhere
    in_vp = _names(client.get(reverse(SEARCH), {"for": "dossier", "q": "thi", "unit": d.vp.pk}))
    assert "Phạm Thị Thu" in in_vp and "Ngô Thị Phó" not in in_vp


def test_only_those_who_fill_the_form_may_search(d, as_user):
    assert as_user(d.thu).get(reverse(SEARCH), {"for": "inspection", "q": "ng"}).status_code == 403
    assert as_user(d.kiem).get(reverse(SEARCH), {"for": "dossier", "q": "ng"}).status_code == 403
    assert as_user(d.kiem).get(reverse(SEARCH), {"for": "other", "q": "ng"}).status_code == 404


def test_the_search_runs_the_same_queries_for_few_or_many_found(d, as_user):
    client = as_user(d.kiem)
    counts = []
    for query in ("pho", "thi"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(SEARCH), {"for": "inspection", "q": query})
        counts.append((len(queries), _names(response).count("data-picker-choose")))
    for number in range(20):
        EmployeeFactory(full_name=f"Nguyễn Thị Mới {number}", unit=d.tn, code=f"MOI{number}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(SEARCH), {"for": "inspection", "q": "thi"})
    assert counts[0][1] < counts[1][1] < _names(response).count("data-picker-choose")
    assert "gõ thêm để thu hẹp" in _names(response)  # at most 15 listed
    assert counts[0][0] == counts[1][0] == len(queries)


def test_the_inspection_plan_takes_the_members_chosen(d, as_user):
    response = as_user(d.kiem).post(
        reverse("discipline:inspection_plan"),
        {
            "title": "Kiểm tra đột xuất",
            "kind": "regular",
            "planned_on": "2026-03-20",
            "scope": [d.tn.pk],
            "head": d.truong_nv.pk,
            "members": [d.kiem.pk, d.ngoai_doan.pk],
        },
    )
    assert response.status_code == 302
    inspection = Inspection.objects.get(title="Kiểm tra đột xuất")
    assert set(inspection.members.all()) == {d.kiem, d.ngoai_doan}
