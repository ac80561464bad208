"""Who may take each step of the year's procedure and the board's review.

Built on `hrsystem.permissions` (posts and role grants, dated); every rule of the year's
procedure is here, and nobody acts on their own record except to evaluate themselves,
register for a title or appeal.
"""

from __future__ import annotations

from datetime import date

from hrsystem import permissions, selectors
from hrsystem.models import Employee, Organisation, Unit
from hrsystem.permissions import Perm


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def is_board_member(user, organisation: Organisation, on: date) -> bool:
    """Does `user` sit on the agency's emulation board (Hội đồng thi đua khen thưởng)?"""
    return _active(user) and organisation.pk in permissions.organisation_ids_for(
        user, Perm.REVIEW_EMULATION, on
    )


def can_review_titles(user, organisation: Organisation, on: date) -> bool:
    """May `user` confirm or override titles, record the board's meeting and publish the
    year? The board's members only: they never change a score."""
    return is_board_member(user, organisation, on)


def can_reopen_year(user, organisation: Organisation, on: date) -> bool:
    """May `user` reopen a published year (with a reason)? The HR officer, as for months."""
    return permissions.can_manage_org(user, organisation, on)


def can_set_deadline(user, organisation: Organisation, on: date) -> bool:
    """May `user` set the self-evaluation deadline? The HR officer."""
    return permissions.can_manage_org(user, organisation, on)


def is_self(user, employee: Employee) -> bool:
    return _active(user) and employee.user_id == user.pk


def can_rate_year(user, employee: Employee, on: date) -> bool:
    """May `user` rate `employee`'s year? Their superior that day (the head rates the
    unit's staff, the agency leader rates the heads); never one's own."""
    if not _active(user) or is_self(user, employee):
        return False
    superior = selectors.superior_of(employee, on=on)
    return superior is not None and superior.user_id == user.pk


def can_hold_meeting(user, unit: Unit, on: date) -> bool:
    """May `user` record the unit's annual review meeting? Its head (or acting head) or
    the agency's HR officer."""
    return permissions.can_approve_unit(user, unit, on) or permissions.can_manage_org(
        user, unit.organisation, on
    )


def can_register_unit(user, unit: Unit, on: date) -> bool:
    """May `user` register the unit's emulation content? Its head or the HR officer."""
    return can_hold_meeting(user, unit, on)


def can_register_title(user, employee: Employee, on: date) -> bool:
    """May `user` register `employee` for a title? The person, or the HR officer."""
    return is_self(user, employee) or permissions.can_manage_employee(user, employee, on)


def can_decide_appeal(user, organisation: Organisation, on: date) -> bool:
    """May `user` decide an annual appeal? The HR officer of the agency."""
    return permissions.can_manage_org(user, organisation, on)


def visible_unit_ids(user, organisation: Organisation, on: date) -> set[int] | None:
    """Units whose year `user` may read on the charts: None for all (the board, the
    agency leader, HR), else the units they lead or view."""
    if permissions.can_read_results(user, organisation, on):
        return None
    return permissions.unit_ids_for(user, Perm.VIEW_UNIT_RECORDS, on)


def can_read_personnel(user, organisation: Organisation, on: date) -> bool:
    """May `user` read the personnel board's report (reappointments and rotations due) and
    propose an appointment or a rotation? The agency's HR officer and its leader."""
    return permissions.can_manage_org(user, organisation, on) or permissions.can_sign_off(
        user, organisation, on
    )


def can_edit_personnel_rule(user, organisation: Organisation, on: date) -> bool:
    """May `user` issue a version of the agency's personnel rule? Its HR officer."""
    return permissions.can_manage_org(user, organisation, on)
