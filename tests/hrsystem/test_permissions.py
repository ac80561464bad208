"""The permission rules: posts and role grants, across dates, never on one's own record."""

from datetime import date

import pytest
from guardian.shortcuts import get_perms

from hrsystem import permissions, services
from hrsystem.models import Organisation, PostKind, Role, Unit
from hrsystem.permissions import (
    Perm,
    can_approve_unit,
    can_certify_delay,
    can_delegate,
    can_inspect,
    can_manage_employee,
    can_manage_org,
    can_record_dossiers,
    can_score,
    can_sign_off,
    can_view_employee,
    delegated_staff_ids,
    organisation_ids_for,
    unit_ids_for,
)
from tests.factories import PostFactory, RoleGrantFactory, UnitFactory

JAN, MARCH, JUNE, JULY, SEPT = (date(2026, m, 15) for m in (1, 3, 6, 7, 9))


def ids(*units):
    return {unit.pk for unit in units}


def test_it_names_every_guardian_permission_in_the_enum():
    declared = {
        codename for model in (Unit, Organisation) for codename, _label in model._meta.permissions
    }
    assert declared == {perm.value for perm in Perm}
    assert {p for p in Perm if p.on_organisation} == {
        codename for codename, _label in Organisation._meta.permissions
    }


# --- unit_ids_for ----------------------------------------------------------------------


def test_it_gives_a_head_their_unit_and_its_subtree(cast):
    user = cast.truong_tc.user
    assert unit_ids_for(user, Perm.SCORE_UNIT_STAFF, JAN) == ids(cast.tc, cast.kt)
    assert unit_ids_for(user, Perm.APPROVE_UNIT_MONTH, JAN) == ids(cast.tc, cast.kt)


def test_it_keeps_a_head_to_their_own_unit_when_the_agency_says_so(cast):
    services.organisation_update(organisation=cast.org, head_rights_cover_subunits=False)
    assert unit_ids_for(cast.truong_tc.user, Perm.SCORE_UNIT_STAFF, JAN) == ids(cast.tc)


def test_it_gives_the_agency_leader_the_whole_agency(cast):
    every_unit = set(Unit.objects.values_list("pk", flat=True))
    assert unit_ids_for(cast.chu_tich.user, Perm.SCORE_UNIT_STAFF, JAN) == every_unit


def test_it_lets_a_deputy_view_their_unit_but_not_score_it(cast):
    user = cast.pho_tc.user
    assert unit_ids_for(user, Perm.VIEW_UNIT_RECORDS, JAN) == ids(cast.tc)
    assert unit_ids_for(user, Perm.SCORE_UNIT_STAFF, JAN) == set()


def test_it_gives_an_acting_head_rights_only_for_their_interval(cast):
    user = cast.quyen_kt.user
    assert unit_ids_for(user, Perm.SCORE_UNIT_STAFF, date(2026, 2, 28)) == set()
    assert unit_ids_for(user, Perm.SCORE_UNIT_STAFF, date(2026, 3, 1)) == ids(cast.kt)
    assert unit_ids_for(user, Perm.SCORE_UNIT_STAFF, date(2026, 5, 31)) == ids(cast.kt)
    assert unit_ids_for(user, Perm.SCORE_UNIT_STAFF, date(2026, 6, 1)) == set()


def test_it_ends_a_heads_rights_with_the_post(cast):
    user = cast.truong_nv.user
    assert unit_ids_for(user, Perm.SCORE_UNIT_STAFF, JUNE) == ids(cast.nv)
    assert unit_ids_for(user, Perm.SCORE_UNIT_STAFF, JULY) == set()


def test_it_expands_an_agency_wide_grant_to_every_unit_within_its_dates(cast):
    every_unit = set(Unit.objects.values_list("pk", flat=True))
    user = cast.thanh_tra.user
    assert unit_ids_for(user, Perm.INSPECT_UNIT, JAN) == every_unit
    assert unit_ids_for(user, Perm.INSPECT_UNIT, date(2027, 1, 1)) == set()
    assert unit_ids_for(user, Perm.INSPECT_UNIT, date(2025, 12, 31)) == set()


def test_it_expands_a_unit_grant_to_its_subtree_only(cast):
    RoleGrantFactory(role=Role.INSPECTOR, organisation=cast.org, unit=cast.tc, employee=cast.binh)
    assert unit_ids_for(cast.binh.user, Perm.INSPECT_UNIT, JAN) == ids(cast.tc, cast.kt)
    assert unit_ids_for(cast.mot_cua.user, Perm.RECORD_DOSSIERS, JAN) == ids(cast.mc)


def test_it_follows_a_unit_moved_under_a_granted_unit(cast):
    services.unit_move(unit=cast.kt, parent=cast.mc)
    assert unit_ids_for(cast.mot_cua.user, Perm.RECORD_DOSSIERS, JAN) == ids(cast.mc, cast.kt)


def test_it_mirrors_grants_into_guardian_on_units_and_agencies_only(cast):
    user = cast.to_chuc.user
    assert set(get_perms(user, cast.org)) == {"manage_org", "manage_rule_sets"}
    assert set(get_perms(user, cast.root)) == {"view_unit_records"}
    assert get_perms(user, cast.tc) == []


def test_it_needs_the_guardian_row_as_well_as_the_grant(cast):
    from hrsystem.models import UnitUserObjectPermission

    UnitUserObjectPermission.objects.filter(user=cast.thanh_tra.user).delete()
    assert unit_ids_for(cast.thanh_tra.user, Perm.INSPECT_UNIT, JAN) == set()


def test_it_keeps_past_answers_after_a_revocation(cast):
    grant = cast.thanh_tra.user.role_grants.get()
    services.role_revoke(grant=grant, end=date(2026, 4, 30))
    assert unit_ids_for(cast.thanh_tra.user, Perm.INSPECT_UNIT, MARCH)
    assert unit_ids_for(cast.thanh_tra.user, Perm.INSPECT_UNIT, JUNE) == set()


def test_it_withdraws_guardian_rows_when_a_mistaken_grant_is_deleted(cast):
    grant = cast.hoi_dong.user.role_grants.get()
    services.role_grant_delete(grant=grant)
    assert get_perms(cast.hoi_dong.user, cast.org) == []
    assert unit_ids_for(cast.hoi_dong.user, Perm.VIEW_UNIT_RECORDS, JAN) == set()


def test_it_resolves_unit_ids_in_one_query(cast, django_assert_num_queries):
    for user, perm in [
        (cast.truong_tc.user, Perm.SCORE_UNIT_STAFF),
        (cast.pho_tc.user, Perm.VIEW_UNIT_RECORDS),
        (cast.thanh_tra.user, Perm.INSPECT_UNIT),
        (cast.to_chuc.user, Perm.VIEW_UNIT_RECORDS),
        (cast.to_chuc.user, Perm.MANAGE_ORG),
        (cast.chu_tich.user, Perm.SIGN_OFF_PERIOD),
    ]:
        with django_assert_num_queries(1):
            unit_ids_for(user, perm, JAN)
    with django_assert_num_queries(1):
        organisation_ids_for(cast.to_chuc.user, Perm.MANAGE_ORG, JAN)


def test_it_stays_one_query_whatever_the_depth(cast, django_assert_num_queries):
    unit = cast.kt
    for level in range(10):
        unit = UnitFactory(parent=unit, code=f"SAU{level}")
    PostFactory(unit=unit, kind=PostKind.HEAD)
    with django_assert_num_queries(1):
        assert unit.pk in unit_ids_for(cast.truong_tc.user, Perm.SCORE_UNIT_STAFF, JAN)


def test_it_refuses_organisation_ids_for_a_unit_permission(cast):
    with pytest.raises(ValueError):
        organisation_ids_for(cast.to_chuc.user, Perm.INSPECT_UNIT, JAN)


def test_it_gives_anonymous_and_inactive_users_nothing(cast):
    from django.contrib.auth.models import AnonymousUser

    assert unit_ids_for(AnonymousUser(), Perm.VIEW_UNIT_RECORDS, JAN) == set()
    user = cast.truong_tc.user
    user.is_active = False
    user.save()
    assert unit_ids_for(user, Perm.VIEW_UNIT_RECORDS, JAN) == set()
    assert not can_score(user, cast.an, JAN)


# --- scoring ---------------------------------------------------------------------------


def test_it_lets_a_head_score_their_staff_and_deputy(cast):
    for person in (cast.an, cast.binh, cast.pho_tc, cast.cuong):
        assert can_score(cast.truong_tc.user, person, JAN), person


def test_it_lets_the_agency_leader_score_unit_heads(cast):
    assert can_score(cast.chu_tich.user, cast.truong_tc, JAN)
    assert can_score(cast.chu_tich.user, cast.pho_chu_tich, JAN)


def test_it_lets_the_superior_score_even_when_heads_do_not_cover_sub_units(cast):
    services.organisation_update(organisation=cast.org, head_rights_cover_subunits=False)
    assert can_score(cast.chu_tich.user, cast.truong_tc, JAN)
    assert not can_score(cast.chu_tich.user, cast.an, JAN)
    assert can_score(cast.truong_tc.user, cast.cuong, JAN)  # no head in KT: superior


def test_it_lets_a_deputy_score_only_delegated_staff(cast):
    user = cast.pho_tc.user
    assert can_score(user, cast.an, JAN)
    assert not can_score(user, cast.binh, JAN)
    assert not can_score(user, cast.truong_tc, JAN)
    assert delegated_staff_ids(user, JAN) == {cast.an.pk}


def test_it_ends_a_delegation_with_its_dates_and_with_the_deputy_post(cast):
    delegation = cast.pho_tc.delegations_held.get()
    services.deputy_delegation_end(delegation=delegation, end=date(2026, 2, 28))
    assert can_score(cast.pho_tc.user, cast.an, date(2026, 2, 28))
    assert not can_score(cast.pho_tc.user, cast.an, MARCH)
    services.post_end(post=cast.pho_tc.posts.get(), end=date(2026, 1, 31))
    assert not can_score(cast.pho_tc.user, cast.an, date(2026, 2, 1))


def test_it_lets_an_acting_head_score_only_during_the_interval(cast):
    user = cast.quyen_kt.user
    assert not can_score(user, cast.cuong, date(2026, 2, 28))
    assert can_score(user, cast.cuong, MARCH)
    assert not can_score(user, cast.cuong, JUNE)


def test_it_keeps_an_acting_head_and_the_head_from_scoring_each_other(cast):
    assert not can_score(cast.quyen_nv.user, cast.truong_nv, JUNE)
    assert not can_score(cast.truong_nv.user, cast.quyen_nv, JUNE)
    assert can_score(cast.chu_tich.user, cast.quyen_nv, JUNE)


def test_it_keeps_staff_and_role_holders_from_scoring(cast):
    for user in (cast.binh.user, cast.thanh_tra.user, cast.to_chuc.user, cast.admin):
        assert not can_score(user, cast.an, JAN)


def test_it_lets_only_leaders_certify_delays(cast):
    assert can_certify_delay(cast.truong_tc.user, cast.an, JAN)
    assert can_certify_delay(cast.quyen_kt.user, cast.cuong, MARCH)
    assert not can_certify_delay(cast.pho_tc.user, cast.an, JAN)
    assert not can_certify_delay(cast.quyen_kt.user, cast.cuong, JAN)


# --- viewing ---------------------------------------------------------------------------


def test_it_lets_everyone_view_their_own_record(cast):
    for name in ("an", "cuong", "truong_tc", "chu_tich", "thanh_tra"):
        person = getattr(cast, name)
        assert can_view_employee(person.user, person, JAN), name


def test_it_lets_leaders_deputies_and_role_holders_view_within_scope(cast):
    assert can_view_employee(cast.pho_tc.user, cast.binh, JAN)
    assert can_view_employee(cast.truong_tc.user, cast.cuong, JAN)
    assert can_view_employee(cast.thanh_tra.user, cast.cuong, JAN)
    assert can_view_employee(cast.hoi_dong.user, cast.cuong, JAN)
    assert not can_view_employee(cast.binh.user, cast.an, JAN)
    assert not can_view_employee(cast.pho_tc.user, cast.cuong, JAN)
    assert not can_view_employee(cast.mot_cua.user, cast.an, JAN)
    assert not can_view_employee(cast.thanh_tra.user, cast.cuong, date(2027, 1, 4))


# --- units and agencies ----------------------------------------------------------------


def test_it_lets_unit_leaders_approve_the_units_month(cast):
    assert can_approve_unit(cast.truong_tc.user, cast.tc, JAN)
    assert can_approve_unit(cast.truong_tc.user, cast.kt, JAN)
    assert can_approve_unit(cast.quyen_kt.user, cast.kt, MARCH)
    assert not can_approve_unit(cast.quyen_kt.user, cast.kt, JAN)
    assert not can_approve_unit(cast.pho_tc.user, cast.tc, JAN)
    assert not can_approve_unit(cast.truong_tc.user, cast.nv, JAN)


def test_it_lets_only_the_agency_leader_sign_off(cast):
    assert can_sign_off(cast.chu_tich.user, cast.org, JAN)
    for user in (cast.pho_chu_tich.user, cast.truong_tc.user, cast.to_chuc.user, cast.admin):
        assert not can_sign_off(user, cast.org, JAN)
    services.post_end(post=cast.chu_tich.posts.get(), end=date(2026, 6, 30))
    assert not can_sign_off(cast.chu_tich.user, cast.org, JULY)
    acting = PostFactory(
        employee=cast.pho_chu_tich, unit=cast.root, kind=PostKind.ACTING, start=date(2026, 7, 1)
    )
    assert can_sign_off(acting.employee.user, cast.org, JULY)


def test_it_lets_inspectors_inspect_within_their_grant(cast):
    assert can_inspect(cast.thanh_tra.user, cast.tc, JAN)
    assert not can_inspect(cast.thanh_tra.user, cast.tc, date(2027, 2, 1))
    assert not can_inspect(cast.truong_tc.user, cast.tc, JAN)


def test_it_lets_the_one_stop_officer_record_dossiers_for_their_unit(cast):
    assert can_record_dossiers(cast.mot_cua.user, cast.mc, JAN)
    assert not can_record_dossiers(cast.mot_cua.user, cast.tc, JAN)


def test_it_lets_hr_officers_and_superusers_manage_the_agency(cast):
    assert can_manage_org(cast.to_chuc.user, cast.org)
    assert can_manage_org(cast.admin, cast.org)
    assert not can_manage_org(cast.truong_tc.user, cast.org)
    assert can_manage_employee(cast.to_chuc.user, cast.an)
    assert can_delegate(cast.truong_tc.user, cast.tc, JAN)
    assert can_delegate(cast.to_chuc.user, cast.tc, JAN)
    assert not can_delegate(cast.pho_tc.user, cast.tc, JAN)


# --- nobody acts on their own record ---------------------------------------------------


@pytest.fixture
def holds_everything(cast):
    """truong_tc also gets every role, agency-wide: still never their own record."""
    for role in Role:
        RoleGrantFactory(role=role, organisation=cast.org, employee=cast.truong_tc)
    return cast.truong_tc


def test_it_never_lets_anyone_score_or_certify_themselves(cast, holds_everything):
    user = holds_everything.user
    assert not can_score(user, holds_everything, JAN)
    assert not can_certify_delay(user, holds_everything, JAN)
    assert not can_manage_employee(user, holds_everything)
    assert not can_score(cast.chu_tich.user, cast.chu_tich, JAN)
    assert not can_score(cast.quyen_kt.user, cast.quyen_kt, MARCH)
    assert not can_certify_delay(cast.quyen_kt.user, cast.quyen_kt, MARCH)


def test_it_never_lets_anyone_inspect_or_approve_a_unit_they_are_rated_in(cast, holds_everything):
    assert can_inspect(holds_everything.user, cast.nv, JAN)
    assert not can_inspect(holds_everything.user, cast.tc, JAN)
    assert not can_inspect(cast.thanh_tra.user, cast.tt, JAN)
    assert not can_approve_unit(cast.binh.user, cast.tc, JAN)
    services.post_end(post=cast.truong_tc.posts.get(), end=date(2026, 1, 31))
    assert not can_approve_unit(holds_everything.user, cast.tc, date(2026, 2, 2))


def test_it_never_lets_role_holders_sign_off_or_grant_themselves(cast, holds_everything):
    from django.core.exceptions import PermissionDenied

    assert not can_sign_off(holds_everything.user, cast.org, JAN)
    with pytest.raises(PermissionDenied):
        services.role_grant(
            role=Role.INSPECTOR,
            organisation=cast.org,
            start=JAN,
            employee=cast.to_chuc,
            by=cast.to_chuc.user,
        )
    with pytest.raises(PermissionDenied):
        services.deputy_delegate(
            deputy=cast.pho_tc, staff=cast.binh, unit=cast.tc, start=JAN, by=cast.pho_tc.user
        )


def test_it_exposes_the_role_table(cast):
    assert Perm.INSPECT_UNIT in permissions.ROLE_PERMS[Role.INSPECTOR]
    assert permissions.roles_with(Perm.SIGN_OFF_PERIOD) == []
