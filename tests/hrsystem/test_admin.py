"""The HR officer's admin: scoped to their agency, every save through the services."""

from datetime import date

import pytest
from django.urls import reverse

from hrsystem.models import (
    Assignment,
    DeputyDelegation,
    Employee,
    JobPosition,
    Organisation,
    Post,
    PostKind,
    QuotaGroup,
    RoleGrant,
    Unit,
    WorkProduct,
)
from tests.factories import UnitFactory

MODELS = [
    Organisation,
    Unit,
    JobPosition,
    QuotaGroup,
    Employee,
    Assignment,
    Post,
    DeputyDelegation,
    RoleGrant,
    WorkProduct,
]


def url(model, view="changelist", *args):
    return reverse(f"admin:hrsystem_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def hr(client, cast):
    client.force_login(cast.to_chuc.user)
    return client


@pytest.mark.parametrize("who", ["admin", "hr"])
def test_it_opens_every_list_and_add_page(cast, client, who):
    client.force_login(cast.admin if who == "admin" else cast.to_chuc.user)
    for model in MODELS:
        assert client.get(url(model)).status_code == 200, model
        if model is not Organisation or who == "admin":
            assert client.get(url(model, "add")).status_code == 200, model
    assert client.get(url(Unit, "change", cast.tc.pk)).status_code == 200
    assert client.get(url(Unit, "history", cast.tc.pk)).status_code == 200
    assert client.get(url(Employee, "change", cast.an.pk)).status_code == 200


def test_it_keeps_other_people_out(cast, client):
    client.force_login(cast.truong_tc.user)
    assert client.get(url(Unit)).status_code in (302, 403)


def test_it_shows_an_hr_officer_only_their_agency(hr, cast):
    other = UnitFactory(code="KHAC", name="Đơn vị cơ quan khác")
    page = hr.get(url(Unit)).content.decode()
    assert "Phòng Tài chính - Kế hoạch" in page and "Đơn vị cơ quan khác" not in page
    assert hr.get(url(Unit, "change", other.pk)).status_code in (302, 403, 404)


def test_it_creates_and_moves_units_through_the_service(hr, cast):
    response = hr.post(
        url(Unit, "add"),
        {"organisation": cast.org.pk, "parent": cast.tc.pk, "code": "TC-KH", "name": "Tổ Kế hoạch"},
    )
    assert response.status_code == 302, response.content.decode()
    unit = Unit.objects.get(code="TC-KH")
    assert unit.path.startswith(cast.tc.path) and unit.depth == 2
    assert unit.history.get().history_user == cast.to_chuc.user
    response = hr.post(
        url(Unit, "change", cast.tc.pk),
        {"parent": unit.pk, "code": "TC", "name": cast.tc.name},
    )
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    assert Unit.objects.get(pk=cast.tc.pk).parent == cast.root


def test_it_refuses_an_overlapping_head_with_a_form_error(hr, cast):
    response = hr.post(
        url(Post, "add"),
        {
            "employee": cast.binh.pk,
            "unit": cast.tc.pk,
            "kind": PostKind.HEAD,
            "start": "2026-09-01",
        },
    )
    assert response.status_code == 200
    assert cast.truong_tc.full_name in str(response.context["adminform"].form.errors)
    assert not Post.objects.filter(employee=cast.binh).exists()


def test_it_appoints_and_ends_a_post(hr, cast):
    response = hr.post(
        url(Post, "add"),
        {
            "employee": cast.binh.pk,
            "unit": cast.tc.pk,
            "kind": PostKind.DEPUTY,
            "start": "2026-02-01",
        },
    )
    assert response.status_code == 302
    post = Post.objects.get(employee=cast.binh)
    response = hr.post(url(Post, "change", post.pk), {"end": "2026-03-31"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.end == date(2026, 3, 31)
    assert post.history.first().history_user == cast.to_chuc.user


def test_it_creates_a_person_with_a_first_assignment(hr, cast):
    position = JobPosition.objects.get(code="CV")
    response = hr.post(
        url(Employee, "add"),
        {
            "code": "MOI",
            "full_name": "Kiều Thị Mới",
            "category": "cong_chuc",
            "unit": cast.tc.pk,
            "job_position": position.pk,
            "start": "2026-02-01",
            "is_active": "on",
            "assignments-TOTAL_FORMS": 0,
            "assignments-INITIAL_FORMS": 0,
            "posts-TOTAL_FORMS": 0,
            "posts-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    employee = Employee.objects.get(code="MOI")
    assert employee.assignments.get().unit == cast.tc
    response = hr.post(
        url(Employee, "add"),
        {
            "code": "MOI",
            "full_name": "Kiều Thị Trùng",
            "category": "cong_chuc",
            "unit": cast.tc.pk,
            "job_position": position.pk,
            "start": "2026-02-01",
            "assignments-TOTAL_FORMS": 0,
            "assignments-INITIAL_FORMS": 0,
            "posts-TOTAL_FORMS": 0,
            "posts-INITIAL_FORMS": 0,
        },
    )
    assert "code" in response.context["adminform"].form.errors


def test_it_transfers_through_the_assignment_page(hr, cast):
    position = JobPosition.objects.get(code="CV")
    response = hr.post(
        url(Assignment, "add"),
        {
            "employee": cast.binh.pk,
            "unit": cast.nv.pk,
            "job_position": position.pk,
            "start": "2026-01-01",
        },
    )
    assert "start" in response.context["adminform"].form.errors
    response = hr.post(
        url(Assignment, "add"),
        {
            "employee": cast.binh.pk,
            "unit": cast.nv.pk,
            "job_position": position.pk,
            "start": "2026-05-01",
        },
    )
    assert response.status_code == 302
    assert list(cast.binh.assignments.values_list("end", flat=True)) == [date(2026, 4, 30), None]


def test_it_never_lets_an_hr_officer_edit_their_own_record(hr, cast):
    response = hr.post(
        url(Employee, "change", cast.to_chuc.pk),
        {"full_name": "Tự Sửa", "category": "cong_chuc", "is_active": "on"},
    )
    assert response.status_code == 403
    assert Employee.objects.get(pk=cast.to_chuc.pk).full_name == "Dương Thị Tổ"


def test_it_adds_tasks_under_a_job_position(hr, cast):
    position = JobPosition.objects.get(code="CV")
    data = {
        "organisation": cast.org.pk,
        "code": "CV",
        "name": "Chuyên viên",
        "description": "",
        "tasks-TOTAL_FORMS": 1,
        "tasks-INITIAL_FORMS": 0,
        "tasks-0-name": "Thẩm định hồ sơ",
        "tasks-0-unit_of_measure": "hồ sơ",
        "tasks-0-coefficient": "0",
        "tasks-0-default_planned": "10",
        "tasks-0-cadence": "month",
    }
    response = hr.post(url(JobPosition, "change", position.pk), data)
    assert response.status_code == 200
    assert not position.tasks.exists()
    response = hr.post(
        url(JobPosition, "change", position.pk), data | {"tasks-0-coefficient": "1.5"}
    )
    assert response.status_code == 302
    assert position.tasks.get().coefficient == 1.5
