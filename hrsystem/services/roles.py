"""Role grants in an agency or a unit's subtree, mirrored into guardian's object rows."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from hrsystem import permissions, selectors
from hrsystem.models import (
    Employee,
    Organisation,
    OrganisationUserObjectPermission,
    Role,
    RoleGrant,
    Unit,
    UnitUserObjectPermission,
)
from hrsystem.service_checks import raise_if, require, save

from .common import _dates_error, _fields_valid


def _scope_unit(grant: RoleGrant) -> Unit | None:
    return grant.unit or selectors.root_unit(grant.organisation)


def role_grant_validate(grant: RoleGrant) -> None:
    """Raise ValidationError naming the field for a grant outside its agency, with bad
    dates, or overlapping the same role of the same person on the same scope."""
    _fields_valid(grant)
    errors = _dates_error(grant.start, grant.end)
    raise_if(errors)
    if grant.unit is not None and grant.unit.organisation_id != grant.organisation_id:
        errors["unit"] = _("Đơn vị %(unit)s không thuộc cơ quan %(agency)s.") % {
            "unit": grant.unit,
            "agency": grant.organisation,
        }
    elif _scope_unit(grant) is None and any(
        not perm.on_organisation for perm in permissions.ROLE_PERMS[grant.role]
    ):
        errors["unit"] = _("Cơ quan chưa có đơn vị gốc: hãy tạo cơ cấu tổ chức trước.")
    if (
        RoleGrant.objects.filter(
            selectors.overlapping(grant.start, grant.end),
            user=grant.user_id,
            role=grant.role,
            organisation=grant.organisation_id,
            unit=grant.unit_id,
        )
        .exclude(pk=grant.pk)
        .exists()
    ):
        errors["start"] = _("Người này đã giữ vai trò này trong phạm vi đó vào thời gian này.")
    raise_if(errors)


def _sync_guardian(user, organisation: Organisation) -> None:
    """Make the user's guardian rows in `organisation` mirror all their grants there.

    Rows exist for every grant, past or future; the dates are applied at query time by
    `permissions.unit_ids_for`, so past dates keep their answers after a revocation.
    """
    wanted: set[tuple[str, str, int]] = set()
    for grant in RoleGrant.objects.filter(user=user, organisation=organisation).select_related(
        "unit", "organisation"
    ):
        scope = _scope_unit(grant)
        for perm in permissions.ROLE_PERMS[grant.role]:
            if perm.on_organisation:
                wanted.add(("organisation", perm.value, organisation.pk))
            elif scope is not None:
                wanted.add(("unit", perm.value, scope.pk))
    unit_rows = UnitUserObjectPermission.objects.filter(
        user=user, content_object__organisation=organisation
    )
    org_rows = OrganisationUserObjectPermission.objects.filter(
        user=user, content_object=organisation
    )
    have = {
        ("unit", codename, pk)
        for codename, pk in unit_rows.values_list("permission__codename", "content_object_id")
    } | {
        ("organisation", codename, pk)
        for codename, pk in org_rows.values_list("permission__codename", "content_object_id")
    }
    for kind, codename, pk in have - wanted:
        rows = unit_rows if kind == "unit" else org_rows
        rows.filter(permission__codename=codename, content_object_id=pk).delete()
    for kind, codename, pk in wanted - have:
        target = Unit.objects.get(pk=pk) if kind == "unit" else organisation
        assign_perm(codename, user, target)


@transaction.atomic
def role_grant(
    *,
    role: str,
    organisation: Organisation,
    start: date,
    user=None,
    employee: Employee | None = None,
    unit: Unit | None = None,
    end: date | None = None,
    by=None,
) -> RoleGrant:
    """Give a login (`user`, or `employee`'s login) a role in an agency or a unit's subtree.

    HR officers and system administrators get admin-site access (`is_staff`). Nobody
    grants a role to themselves.
    """
    if user is None and employee is not None:
        user = employee.user
        if user is None:
            raise ValidationError(
                {"employee": _("%(name)s chưa có tài khoản đăng nhập.") % {"name": employee}}
            )
    if user is None:
        raise ValidationError({"user": _("Hãy chọn tài khoản hoặc cán bộ nhận vai trò.")})
    if by is not None:
        require(permissions.can_manage_org(by, organisation, start) and by.pk != user.pk)
        if role == Role.SYSTEM_ADMIN:
            require(by.is_superuser)
    grant = RoleGrant(
        user=user, role=role, organisation=organisation, unit=unit, start=start, end=end
    )
    role_grant_validate(grant)
    save(grant, by)
    if role in (Role.HR_OFFICER, Role.SYSTEM_ADMIN) and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    _sync_guardian(user, organisation)
    return grant


@transaction.atomic
def role_revoke(*, grant: RoleGrant, end: date, by=None) -> RoleGrant:
    """End a role grant on `end` (its last day); the row stays as history."""
    if by is not None:
        require(permissions.can_manage_org(by, grant.organisation, end) and by.pk != grant.user_id)
    grant = RoleGrant.objects.select_for_update().get(pk=grant.pk)
    raise_if(_dates_error(grant.start, end))
    grant.end = end
    save(grant, by, update_fields=["end"])
    return grant


@transaction.atomic
def role_grant_delete(*, grant: RoleGrant, by=None) -> None:
    """Delete a grant entered by mistake and withdraw the guardian rows it alone conferred."""
    if by is not None:
        require(permissions.can_manage_org(by, grant.organisation) and by.pk != grant.user_id)
        grant._history_user = by
    user, organisation = grant.user, grant.organisation
    grant.delete()
    _sync_guardian(user, organisation)
