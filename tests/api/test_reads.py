"""Read endpoints: a client sees its agency only; a person sees what the pages show them."""

import pytest

from evaluation.models import Evaluation
from hrsystem.api import services
from tests.api.conftest import call

pytestmark = pytest.mark.django_db


def codes(response, key="code"):
    assert response.status_code == 200, response.content
    return {row[key] for row in response.json()["results"]}


def session(user):
    client = call()
    client.force_login(user)
    return client


def test_a_client_reads_its_agency_only(api):
    ours, theirs = call(api.qlvb_token), call(api.khac_token)
    assert codes(ours.get("/api/v1/units/")) == {"UBND", "VP", "MC", "NV", "TC", "KT", "TT"}
    assert codes(theirs.get("/api/v1/units/")) == {"KVP"}
    assert "KHAC01" not in codes(ours.get("/api/v1/people/"))
    assert codes(theirs.get("/api/v1/people/")) == {"KHAC01"}
    assert codes(ours.get("/api/v1/periods/"), "number") == {9, 10}
    assert codes(theirs.get("/api/v1/periods/"), "number") == set()
    assert codes(theirs.get("/api/v1/results/"), "employee_code") == set()


def test_another_agencys_records_answer_404(api):
    ours = call(api.qlvb_token)
    assert ours.get(f"/api/v1/units/{api.other_unit.pk}/").status_code == 404
    assert ours.get(f"/api/v1/people/{api.stranger.pk}/").status_code == 404
    theirs = call(api.khac_token)
    assert theirs.get(f"/api/v1/units/{api.tc.pk}/").status_code == 404
    assert theirs.get(f"/api/v1/people/{api.binh.pk}/").status_code == 404
    assert theirs.get(f"/api/v1/periods/{api.september.pk}/").status_code == 404
    result = Evaluation.objects.get(period=api.september, employee=api.binh)
    assert theirs.get(f"/api/v1/results/{result.pk}/").status_code == 404
    assert ours.get(f"/api/v1/results/{result.pk}/").status_code == 200


def test_results_are_published_ones_explained(api):
    ours = call(api.qlvb_token)
    listed = ours.get("/api/v1/results/?page_size=500").json()
    assert {row["period"] for row in listed["results"]} == {api.september.pk}
    result = Evaluation.objects.get(period=api.september, employee=api.binh)
    detail = ours.get(f"/api/v1/results/{result.pk}/").json()
    assert detail["employee_code"] == "BINH"
    assert {item["name"] for item in detail["work_items"]} == {"Thẩm định hồ sơ A", "Báo cáo B"}
    assert all(item["source"] is None for item in detail["work_items"])
    assert isinstance(detail["reasons"], list)
    october = Evaluation.objects.get(period=api.period, employee=api.binh)
    assert ours.get(f"/api/v1/results/{october.pk}/").status_code == 404


def test_results_filter_by_unit_and_employee(api):
    ours = call(api.qlvb_token)
    in_tc = codes(ours.get(f"/api/v1/results/?unit={api.tc.pk}"), "employee_code")
    assert in_tc == {"TRUONG_TC", "PHO_TC", "AN", "BINH"}
    assert codes(ours.get(f"/api/v1/results/?employee={api.an.pk}"), "employee_code") == {"AN"}


def test_a_bad_filter_is_a_400_naming_it(api):
    response = call(api.qlvb_token).get("/api/v1/results/?unit=TC")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["unit"]


@pytest.mark.parametrize(
    ("who", "people"),
    [
        ("binh", {"TRUONG_TC", "PHO_TC", "AN", "BINH"}),
        ("an", {"TRUONG_TC", "PHO_TC", "AN", "BINH"}),
        ("truong_tc", {"TRUONG_TC", "PHO_TC", "AN", "BINH", "QUYEN_KT", "CUONG"}),
        ("pho_tc", {"TRUONG_TC", "PHO_TC", "AN", "BINH"}),
        ("stranger", {"KHAC01"}),
    ],
)
def test_a_person_reads_what_the_pages_show_them(api, who, people):
    user = getattr(api, who).user
    assert codes(session(user).get("/api/v1/people/?page_size=500")) == people


@pytest.mark.parametrize("who", ["hoi_dong", "to_chuc", "thanh_tra", "chu_tich"])
def test_agency_wide_roles_read_every_unit(api, who):
    user = getattr(api, who).user
    units = codes(session(user).get("/api/v1/units/"))
    assert {"VP", "TC", "KT", "NV"} <= units
    assert "KVP" not in units


@pytest.mark.parametrize(
    ("who", "results"),
    [
        ("binh", {"BINH"}),
        ("an", {"AN"}),
        ("truong_tc", {"TRUONG_TC", "PHO_TC", "AN", "BINH", "QUYEN_KT", "CUONG"}),
        ("pho_tc", {"TRUONG_TC", "PHO_TC", "AN", "BINH"}),
        ("stranger", set()),
    ],
)
def test_a_person_reads_the_results_the_pages_show_them(api, who, results):
    user = getattr(api, who).user
    listed = session(user).get("/api/v1/results/?page_size=500")
    assert codes(listed, "employee_code") == results


def test_a_person_reads_their_own_result_but_not_a_colleagues(api):
    own = Evaluation.objects.get(period=api.september, employee=api.binh)
    colleague = Evaluation.objects.get(period=api.september, employee=api.an)
    client = session(api.binh.user)
    assert client.get(f"/api/v1/results/{own.pk}/").status_code == 200
    assert client.get(f"/api/v1/results/{colleague.pk}/").status_code == 404
    head = session(api.truong_tc.user)
    assert head.get(f"/api/v1/results/{colleague.pk}/").status_code == 200


def test_a_personal_token_has_the_persons_rights(api):
    _token, text = services.api_token_issue(by=api.binh.user)
    assert codes(call(text).get("/api/v1/people/")) == {"TRUONG_TC", "PHO_TC", "AN", "BINH"}
    assert codes(call(text).get("/api/v1/results/"), "employee_code") == {"BINH"}


def test_a_login_without_a_record_reads_nothing(api, django_user_model):
    nobody = django_user_model.objects.create_user(username="nobody")
    client = session(nobody)
    assert codes(client.get("/api/v1/units/")) == set()
    assert codes(client.get("/api/v1/people/")) == set()
    assert codes(client.get("/api/v1/periods/"), "number") == set()


def test_unit_results_are_published_ones_in_reach(api):
    ours = call(api.qlvb_token).get("/api/v1/unit-results/?page_size=500").json()["results"]
    assert {row["period"] for row in ours} == {api.september.pk}
    assert {"TC", "KT", "VP"} <= {row["unit"] for row in ours}
    assert codes(call(api.khac_token).get("/api/v1/unit-results/"), "unit") == set()
    head = codes(session(api.truong_tc.user).get("/api/v1/unit-results/"), "unit")
    assert head == {"TC", "KT"}
    assert codes(session(api.binh.user).get("/api/v1/unit-results/"), "unit") == set()
