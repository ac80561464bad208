"""Units, people and posts from the HR system: by code, through the HR services, all rows
or none, idempotent, never another agency's."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from hrsystem import permissions, selectors
from hrsystem import services as hr_services
from hrsystem.api import services
from hrsystem.api.models import Scope
from hrsystem.models import Employee, Post, PostKind, Unit
from tests.api.conftest import call

pytestmark = pytest.mark.django_db


def send(token, what, *rows, organisation="UBND-TN", key="hr-1"):
    body = {"organisation": organisation, "items": list(rows)}
    return call(token).post(f"/api/v1/hr/{what}/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def person(code="MOI01", unit="TC", **changes):
    return {
        "code": code,
        "full_name": "Nguyễn Thị Mới",
        "unit": unit,
        "job_position": "CV",
        "start": "2026-11-01",
        **changes,
    }


def test_units_are_created_under_a_parent_sent_before_and_renamed_by_code(api):
    response = send(
        api.qlvb_token,
        "units",
        {"code": "QLDT", "name": "Phòng Quản lý đô thị", "parent": "UBND"},
        {"code": "XD", "name": "Tổ Xây dựng", "parent": "QLDT"},
        {"code": "TC", "name": "Phòng Tài chính"},
    )
    assert response.status_code == 200, response.content
    team = Unit.objects.get(organisation=api.org, code="XD")
    assert team.parent.code == "QLDT" and team.path.startswith(api.root.path)
    api.tc.refresh_from_db()
    assert api.tc.name == "Phòng Tài chính"
    assert api.tc.history.latest().history_user == api.qlvb.account


def test_a_unit_moves_when_its_parent_changes(api):
    response = send(api.qlvb_token, "units", {"code": "KT", "name": "Tổ Kế toán", "parent": "VP"})
    assert response.status_code == 200, response.content
    api.kt.refresh_from_db()
    assert api.kt.parent == api.vp and api.kt.path.startswith(api.vp.path)


def test_a_second_root_and_an_unknown_parent_are_named_and_nothing_is_written(api):
    response = send(
        api.qlvb_token,
        "units",
        {"code": "OK", "name": "Đúng", "parent": "UBND"},
        {"code": "GOC2", "name": "Gốc thứ hai"},
        {"code": "X", "name": "Mồ côi", "parent": "KVP"},
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"items[1].parent", "items[2].parent"}
    assert not Unit.objects.filter(code__in=["OK", "GOC2", "X"]).exists()


def test_a_new_person_starts_in_their_unit_and_a_changed_unit_is_a_transfer(api):
    response = send(
        api.qlvb_token,
        "people",
        person(),
        person("BINH", unit="KT", full_name=api.binh.full_name, start="2026-11-15"),
    )
    assert response.status_code == 200, response.content
    new = Employee.objects.get(code="MOI01")
    assert selectors.unit_of(new, on=date(2026, 11, 1)) == api.tc
    assert selectors.unit_of(api.binh, on=date(2026, 11, 14)) == api.tc
    assert selectors.unit_of(api.binh, on=date(2026, 11, 15)) == api.kt


def test_a_person_already_as_sent_changes_nothing(api):
    row = person("AN", full_name=api.an.full_name, start="2026-01-01")
    before = api.an.assignments.count(), api.an.history.count()
    assert send(api.qlvb_token, "people", row).status_code == 200
    assert (api.an.assignments.count(), api.an.history.count()) == before


def test_a_repeated_key_writes_nothing_more(api):
    first = send(api.qlvb_token, "people", person())
    again = send(api.qlvb_token, "people", person())
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert Employee.objects.filter(code="MOI01").count() == 1


def test_bad_rows_are_named_by_path_and_the_batch_writes_nothing(api):
    response = send(
        api.qlvb_token,
        "people",
        person(),
        person("MOI02", unit="KVP"),
        person("MOI03", job_position="GD"),
        person("KHAC01", full_name="Người cơ quan khác"),
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {
        "items[1].unit",
        "items[2].job_position",
        "items[3].code",
    }
    assert not Employee.objects.filter(code__startswith="MOI").exists()
    api.stranger.refresh_from_db()
    assert api.stranger.full_name != "Người cơ quan khác"


def test_another_agencys_client_reaches_nothing_here(api):
    response = send(api.khac_token, "people", person())
    assert response.status_code == 404
    response = send(api.khac_token, "people", person("BINH", unit="KVP"), organisation="KHAC")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"items[0].code", "items[0].job_position"}
    assert not Employee.objects.filter(code="MOI01").exists()


def test_a_client_without_people_write_is_refused(api):
    _client, token = services.api_client_register(
        organisation=api.org, name="Đọc", scopes=[Scope.PEOPLE_READ], by=api.to_chuc.user
    )
    assert send(token, "people", person()).status_code == 403
    assert send(token, "units", {"code": "A", "name": "A", "parent": "UBND"}).status_code == 403
    assert send(token, "posts", {}).status_code == 403


def post(employee="AN", unit="TC", kind=PostKind.DEPUTY, start="2026-11-01", end=None):
    return {"employee": employee, "unit": unit, "kind": kind, "start": start, "end": end}


def test_posts_are_appointed_and_ended_by_holder_unit_kind_and_start(api):
    response = send(api.qlvb_token, "posts", post())
    assert response.status_code == 200, response.content
    deputy = Post.objects.get(employee=api.an, unit=api.tc, kind=PostKind.DEPUTY)
    assert deputy.start == date(2026, 11, 1) and deputy.end is None
    response = send(api.qlvb_token, "posts", post(end="2026-12-31"), key="hr-2")
    assert response.status_code == 200, response.content
    deputy.refresh_from_db()
    assert deputy.end == date(2026, 12, 31)
    assert Post.objects.filter(employee=api.an).count() == 1


def test_an_overlapping_head_and_an_outsider_are_refused(api):
    response = send(
        api.qlvb_token,
        "posts",
        post(),
        post("BINH", kind=PostKind.HEAD),
        post("KHAC01"),
        post("AN", unit="KVP"),
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {
        "items[1].start",
        "items[2].employee",
        "items[3].unit",
    }
    assert not Post.objects.filter(employee=api.an).exists()


def test_the_hr_officer_uses_it_with_a_personal_token_and_a_plain_member_may_not(api):
    _token, text = services.api_token_issue(by=api.to_chuc.user)
    assert send(text, "people", person()).status_code == 200
    _token, text = services.api_token_issue(by=api.binh.user)
    assert send(text, "people", person("MOI02")).status_code == 403
    assert not Employee.objects.filter(code="MOI02").exists()


def test_the_hr_system_keeps_units_people_and_posts_only(api):
    account = api.qlvb.account
    assert permissions.can_keep_people(account, api.org)
    assert permissions.can_keep_employee(account, api.binh)
    assert not permissions.can_keep_employee(account, api.stranger)
    assert not permissions.can_keep_people(api.khac.account, api.org)
    assert not permissions.can_manage_org(account, api.org)
    with pytest.raises(PermissionDenied):
        hr_services.job_position_create(organisation=api.org, code="GD", name="X", by=account)


def test_a_person_leaves_on_their_last_day_once(api):
    row = person("CUONG", unit="KT", full_name=api.cuong.full_name, start="2026-01-01")
    response = send(api.qlvb_token, "people", {**row, "end": "2026-11-30"})
    assert response.status_code == 200, response.content
    api.cuong.refresh_from_db()
    assert not api.cuong.is_active
    assert api.cuong.assignments.get().end == date(2026, 11, 30)
    before = api.cuong.history.count()
    again = send(api.qlvb_token, "people", {**row, "end": "2026-11-30"}, key="hr-2")
    assert again.status_code == 200 and api.cuong.history.count() == before
    too_early = send(api.qlvb_token, "people", {**row, "end": "2025-12-31"}, key="hr-3")
    assert set(too_early.json()["errors"]) == {"items[0].end"}
