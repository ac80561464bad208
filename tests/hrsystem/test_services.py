"""Writes: each refuses bad input with an error naming the field and saves nothing."""

import unicodedata
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from hrsystem import services
from hrsystem.models import (
    Assignment,
    DeputyDelegation,
    Employee,
    JobPosition,
    Post,
    PostKind,
    Role,
    RoleGrant,
)
from hrsystem.selectors import assignment_on, unit_of
from tests.factories import JobPositionFactory, QuotaGroupFactory, UnitFactory


def counts():
    return [
        model.objects.count() for model in (Employee, Assignment, Post, DeputyDelegation, RoleGrant)
    ]


def refused(field, call, **kwargs):
    """Run `call`, expect a ValidationError on `field`, return its message."""
    before = counts()
    with pytest.raises(ValidationError) as error:
        call(**kwargs)
    assert field in error.value.message_dict, error.value.message_dict
    assert counts() == before
    return error.value.message_dict[field][0]


@pytest.fixture
def position(cast):
    return JobPosition.objects.get(code="CV")


# --- employees -------------------------------------------------------------------------


def test_it_creates_a_person_with_their_first_assignment(cast, position):
    employee = services.employee_create(
        code="MOI01",
        full_name="  Hà Thị Mới ",
        unit=cast.tc,
        job_position=position,
        start=date(2026, 2, 1),
        by=cast.to_chuc.user,
    )
    assert employee.full_name == "Hà Thị Mới"
    assert unit_of(employee, on=date(2026, 2, 1)) == cast.tc
    assert unit_of(employee, on=date(2026, 1, 31)) is None
    assert employee.history.get().history_user == cast.to_chuc.user


def test_it_stores_names_in_nfc(cast, position):
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")
    employee = services.employee_create(
        code="NFD01",
        full_name=decomposed,
        unit=cast.tc,
        job_position=position,
        start=date(2026, 1, 1),
    )
    employee.refresh_from_db()
    assert employee.full_name == unicodedata.normalize("NFC", "Nguyễn Thị Ánh")
    assert employee.search_name == "nguyen thi anh nfd01"


def test_it_refuses_a_duplicate_employee_code(cast, position):
    message = refused(
        "code",
        services.employee_create,
        code="AN",
        full_name="Hoàng Văn An Khác",
        unit=cast.nv,
        job_position=position,
        start=date(2026, 1, 1),
    )
    assert "Hoàng Văn An" in message


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("start", {"start": "2026-02-30"}),
        ("start", {"start": None}),
        ("full_name", {"full_name": ""}),
        ("category", {"category": "tam_thoi"}),
        ("email", {"email": "not-an-address"}),
    ],
)
def test_it_refuses_bad_fields_for_a_new_person(cast, position, field, changes):
    kwargs = {
        "code": "SAI01",
        "full_name": "Phí Văn Sai",
        "unit": cast.tc,
        "job_position": position,
        "start": date(2026, 1, 1),
    } | changes
    refused(field, services.employee_create, **kwargs)


def test_it_refuses_a_position_or_group_of_another_agency(cast, position):
    elsewhere = JobPositionFactory()
    refused(
        "job_position",
        services.employee_create,
        code="X1",
        full_name="Tô Văn Xa",
        unit=cast.tc,
        job_position=elsewhere,
        start=date(2026, 1, 1),
    )
    refused(
        "quota_group",
        services.employee_create,
        code="X2",
        full_name="Tô Văn Xa",
        unit=cast.tc,
        job_position=position,
        start=date(2026, 1, 1),
        quota_group=QuotaGroupFactory(),
    )


def test_it_refuses_linking_one_login_to_two_people(cast):
    refused("user", services.employee_update, employee=cast.binh, user=cast.an.user)


def test_it_never_changes_a_persons_code(cast):
    with pytest.raises(TypeError):
        services.employee_update(employee=cast.an, code="NEW")


# --- transfers -------------------------------------------------------------------------


def test_it_transfers_by_ending_one_assignment_and_starting_another(cast, position):
    old = assignment_on(cast.an, on=date(2026, 1, 1))
    new = services.employee_transfer(
        employee=cast.an, unit=cast.nv, job_position=position, start=date(2026, 4, 1)
    )
    old.refresh_from_db()
    assert old.end == date(2026, 3, 31) and old.unit == cast.tc
    assert new.start == date(2026, 4, 1) and new.end is None
    assert unit_of(cast.an, on=date(2026, 3, 31)) == cast.tc
    assert unit_of(cast.an, on=date(2026, 4, 1)) == cast.nv
    delegation = DeputyDelegation.objects.get(staff=cast.an)
    assert delegation.end == date(2026, 3, 31)


def test_it_transfers_across_agencies_and_ends_posts_there(cast):
    other_root = UnitFactory(code="SO-NV", name="Sở Nội vụ")
    other_position = JobPositionFactory(organisation=other_root.organisation)
    services.employee_transfer(
        employee=cast.truong_tc,
        unit=other_root,
        job_position=other_position,
        start=date(2026, 7, 1),
    )
    post = cast.truong_tc.posts.get()
    assert post.end == date(2026, 6, 30)
    assert unit_of(cast.truong_tc, on=date(2026, 7, 1)).organisation == other_root.organisation
    assert cast.truong_tc.code == Employee.objects.get(pk=cast.truong_tc.pk).code


@pytest.mark.parametrize("start", [date(2026, 1, 1), date(2025, 6, 1)])
def test_it_refuses_a_transfer_not_after_the_current_start(cast, position, start):
    message = refused(
        "start",
        services.employee_transfer,
        employee=cast.an,
        unit=cast.nv,
        job_position=position,
        start=start,
    )
    assert "01/01/2026" in message


def test_it_refuses_a_transfer_before_a_later_assignment(cast, position):
    services.employee_transfer(
        employee=cast.an, unit=cast.nv, job_position=position, start=date(2026, 5, 1)
    )
    refused(
        "start",
        services.employee_transfer,
        employee=cast.an,
        unit=cast.tt,
        job_position=position,
        start=date(2026, 3, 1),
    )


def test_it_records_a_person_leaving(cast):
    services.employee_leave(employee=cast.binh, end=date(2026, 9, 30))
    cast.binh.refresh_from_db()
    assert not cast.binh.is_active
    assert unit_of(cast.binh, on=date(2026, 10, 1)) is None
    refused("end", services.employee_leave, employee=cast.binh, end=date(2026, 11, 1))


def test_it_has_one_open_assignment_per_person_in_the_database(cast, position):
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            employee=cast.an, unit=cast.nv, job_position=position, start=date(2026, 5, 1)
        )


# --- posts -----------------------------------------------------------------------------


def test_it_refuses_a_second_head_at_the_same_time(cast):
    message = refused(
        "start",
        services.post_assign,
        employee=cast.binh,
        unit=cast.tc,
        kind=PostKind.HEAD,
        start=date(2026, 9, 1),
    )
    assert cast.truong_tc.full_name in message


def test_it_allows_a_new_head_once_the_old_one_ends(cast):
    services.post_end(post=cast.truong_tc.posts.get(), end=date(2026, 8, 31))
    post = services.post_assign(
        employee=cast.binh, unit=cast.tc, kind=PostKind.HEAD, start=date(2026, 9, 1)
    )
    assert post.pk
    refused("end", services.post_end, post=cast.truong_tc.posts.get(), end=date(2026, 9, 30))


def test_it_refuses_overlapping_acting_intervals(cast):
    message = refused(
        "start",
        services.post_assign,
        employee=cast.cuong,
        unit=cast.kt,
        kind=PostKind.ACTING,
        start=date(2026, 5, 1),
        end=date(2026, 7, 31),
    )
    assert "31/05/2026" in message
    after = services.post_assign(
        employee=cast.cuong, unit=cast.kt, kind=PostKind.ACTING, start=date(2026, 6, 1)
    )
    assert after.pk


def test_it_lets_a_deputy_also_be_acting_head_but_not_a_second_deputy(cast):
    services.post_assign(
        employee=cast.pho_tc,
        unit=cast.tc,
        kind=PostKind.ACTING,
        start=date(2026, 2, 1),
        end=date(2026, 2, 28),
    )
    refused(
        "start",
        services.post_assign,
        employee=cast.pho_tc,
        unit=cast.tc,
        kind=PostKind.DEPUTY,
        start=date(2026, 3, 1),
    )


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("end", {"start": date(2026, 5, 1), "end": date(2026, 4, 30)}),
        ("start", {"start": "mười"}),
        ("kind", {"kind": "boss"}),
        ("employee", {"start": date(2025, 1, 1)}),
    ],
)
def test_it_refuses_bad_posts(cast, field, changes):
    kwargs = {"employee": cast.binh, "unit": cast.tc, "kind": PostKind.DEPUTY} | changes
    kwargs.setdefault("start", date(2026, 3, 1))
    refused(field, services.post_assign, **kwargs)


def test_it_refuses_unordered_dates_in_the_database(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.filter(employee=cast.truong_tc).update(end=date(2025, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.create(
            employee=cast.binh, unit=cast.tc, kind=PostKind.HEAD, start=date(2027, 1, 1)
        )


# --- delegations and roles -------------------------------------------------------------


def test_it_lets_the_head_delegate_to_a_deputy(cast):
    delegation = services.deputy_delegate(
        deputy=cast.pho_tc,
        staff=cast.binh,
        unit=cast.tc,
        start=date(2026, 2, 1),
        by=cast.truong_tc.user,
    )
    assert delegation.history.get().history_user == cast.truong_tc.user


@pytest.mark.parametrize(
    ("field", "who"),
    [
        ("deputy", {"deputy": "binh", "staff": "an"}),  # not a deputy
        ("staff", {"deputy": "pho_tc", "staff": "cuong"}),  # works in KT, not TC
        ("staff", {"deputy": "pho_tc", "staff": "truong_tc"}),  # leads TC
        ("start", {"deputy": "pho_tc", "staff": "an"}),  # already delegated
    ],
)
def test_it_refuses_bad_delegations(cast, field, who):
    refused(
        field,
        services.deputy_delegate,
        unit=cast.tc,
        start=date(2026, 2, 1),
        **{role: getattr(cast, name) for role, name in who.items()},
    )


def test_it_refuses_writes_by_people_without_the_right(cast, position):
    before = counts()
    with pytest.raises(PermissionDenied):
        services.deputy_delegate(
            deputy=cast.pho_tc,
            staff=cast.binh,
            unit=cast.tc,
            start=date(2026, 2, 1),
            by=cast.pho_tc.user,
        )
    with pytest.raises(PermissionDenied):
        services.post_assign(
            employee=cast.binh,
            unit=cast.tc,
            kind=PostKind.DEPUTY,
            start=date(2026, 2, 1),
            by=cast.truong_tc.user,
        )
    with pytest.raises(PermissionDenied):
        services.employee_transfer(
            employee=cast.to_chuc,
            unit=cast.tc,
            job_position=position,
            start=date(2026, 2, 1),
            by=cast.to_chuc.user,
        )
    with pytest.raises(PermissionDenied):
        services.role_grant(
            role=Role.SYSTEM_ADMIN,
            organisation=cast.org,
            employee=cast.an,
            start=date(2026, 2, 1),
            by=cast.to_chuc.user,
        )
    assert counts() == before


def test_it_lets_the_hr_officer_appoint_and_grant(cast):
    post = services.post_assign(
        employee=cast.binh,
        unit=cast.tc,
        kind=PostKind.DEPUTY,
        start=date(2026, 2, 1),
        by=cast.to_chuc.user,
    )
    assert post.history.get().history_user == cast.to_chuc.user
    grant = services.role_grant(
        role=Role.HR_OFFICER,
        organisation=cast.org,
        employee=cast.binh,
        start=date(2026, 2, 1),
        by=cast.to_chuc.user,
    )
    cast.binh.user.refresh_from_db()
    assert cast.binh.user.is_staff
    services.role_revoke(grant=grant, end=date(2026, 3, 31), by=cast.to_chuc.user)
    assert RoleGrant.objects.get(pk=grant.pk).end == date(2026, 3, 31)


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("end", {"start": date(2026, 5, 1), "end": date(2026, 1, 1)}),
        ("start", {"start": date(2026, 6, 1)}),  # overlaps the existing inspector grant
        ("role", {"role": "king"}),
    ],
)
def test_it_refuses_bad_role_grants(cast, field, changes):
    kwargs = {
        "role": Role.INSPECTOR,
        "organisation": cast.org,
        "employee": cast.thanh_tra,
        "start": date(2026, 1, 1),
    }
    refused(field, services.role_grant, **(kwargs | changes))


def test_it_refuses_a_grant_without_a_login_or_outside_the_agency(cast):
    services.employee_update(employee=cast.binh, user=None)
    refused(
        "employee",
        services.role_grant,
        role=Role.INSPECTOR,
        organisation=cast.org,
        employee=cast.binh,
        start=date(2026, 1, 1),
    )
    refused(
        "unit",
        services.role_grant,
        role=Role.INSPECTOR,
        organisation=cast.org,
        employee=cast.an,
        unit=UnitFactory(),
        start=date(2026, 1, 1),
    )
    refused(
        "user",
        services.role_grant,
        role=Role.INSPECTOR,
        organisation=cast.org,
        start=date(2026, 1, 1),
    )
