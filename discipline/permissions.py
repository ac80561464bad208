"""Who may do what in the discipline ledger, as functions the services and pages share,
and `Scope`, the units a signed-in person reaches in the ledger's pages.

Built on `hrsystem.permissions` (dated posts and role grants). Nobody records, contests
for someone else, decides or excuses their own record.
"""

from datetime import date
from functools import cached_property

from django.db.models import QuerySet
from django.http import Http404

from hrsystem import clock
from hrsystem import permissions as hr
from hrsystem import selectors as hr_selectors
from hrsystem.api.permissions import client_may  # API (issue 14)
from hrsystem.models import Employee, Organisation, Unit
from hrsystem.permissions import Perm, viewer

from .models import Complaint, Inspection, Violation


def _is_user(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def is_self(user, employee: Employee | None) -> bool:
    """True when `employee` is `user`'s own employee record."""
    return employee is not None and employee.user_id is not None and employee.user_id == user.pk


def works_in(user, unit: Unit, on: date) -> bool:
    """True when `user`'s employee is assigned to `unit` on `on`; 1 query."""
    own = hr_selectors.unit_of_user(user, on=on)
    return own is not None and own.pk == unit.pk


def leads(user, unit: Unit, on: date) -> bool:
    """True when `user` heads or acts as head of `unit` (or a covering ancestor) on `on`."""
    return unit.pk in hr.unit_ids_for(user, Perm.APPROVE_UNIT_MONTH, on)


def manages(user, organisation: Organisation) -> bool:
    """True for the agency's HR officer today (and superusers)."""
    return hr.can_manage_org(user, organisation)


def on_team(user, inspection: Inspection) -> bool:
    """True when `user` heads or is a member of the inspection's team; 1 query."""
    if not _is_user(user):
        return False
    if inspection.head.user_id == user.pk:
        return True
    return inspection.members.filter(user=user.pk).exists()


def can_record_finding(user, inspection: Inspection, unit: Unit, on: date) -> bool:
    """May `user` record a finding of `inspection` in `unit` on `on`? A team member who does
    not work in that unit (the scope and the person concerned are checked by the service)."""
    return on_team(user, inspection) and not works_in(user, unit, on)


def can_record_conduct(user, unit: Unit, employee: Employee | None, on: date) -> bool:
    """May `user` record a violation outside an inspection in `unit` (against `employee`, or
    the unit when None) that occurred on `on`? Inspectors of the unit (not their own); for a
    person also the heads whose rights reach the unit. Never against oneself."""
    if not _is_user(user) or is_self(user, employee):
        return False
    if hr.can_inspect(user, unit, on):
        return True
    return employee is not None and leads(user, unit, on)


def can_contest(user, violation: Violation, on: date) -> bool:
    """May `user` contest `violation`? The person concerned, or for a unit finding the
    unit's leader on `on` (the window and status are checked by the service)."""
    if not _is_user(user):
        return False
    if violation.employee_id is not None:
        return is_self(user, violation.employee)
    leader = hr_selectors.unit_leader(violation.target_unit, on=on)
    return leader is not None and is_self(user, leader)


def can_decide_contest(user, violation: Violation, on: date) -> bool:
    """May `user` decide `violation`'s contest? For a finding the inspection's head, or
    another member of the team when the head recorded it; else the agency's HR officer.
    Never whoever recorded it, the person concerned or the unit's leader."""
    if not _is_user(user) or is_self(user, violation.employee):
        return False
    if violation.recorded_by_id == user.pk:
        return False
    if violation.target_unit_id is not None and leads(user, violation.target_unit, on):
        return False
    if violation.inspection_id is not None:
        head = violation.inspection.head.user_id
        if violation.recorded_by_id is not None and violation.recorded_by_id == head:
            return on_team(user, violation.inspection)
        return head == user.pk
    return manages(user, violation.organisation)


def can_record_desk(user, unit: Unit, on: date) -> bool:
    """May `user` record dossiers, letters, counts and surveys of `unit`? The one-stop role,
    or the agency's one-stop portal through the API (scope `dossiers:write`)."""
    return hr.can_record_dossiers(user, unit, on) or client_may(  # API (issue 14)
        user, "dossiers:write", unit.organisation_id
    )


def may_plan_inspections(user, organisation: Organisation, on: date) -> bool:
    """May `user` issue the agency's year inspection plan and its lines? Its HR officer or
    an inspector of one of its units."""
    if manages(user, organisation):
        return True
    inspected = hr.unit_ids_for(user, Perm.INSPECT_UNIT, on)
    return Unit.objects.filter(organisation=organisation, pk__in=inspected).exists()


def can_apologise(user, unit: Unit, on: date, *, for_complaint: bool = False) -> bool:
    """May `user` record an apology to a citizen for a failing of `unit`? Its one-stop desk
    or its head; for a substantiated complaint also the agency's HR officer."""
    if can_record_desk(user, unit, on) or leads(user, unit, on):
        return True
    return for_complaint and manages(user, unit.organisation)


def can_decide_complaint(user, complaint: Complaint, on: date) -> bool:
    """May `user` conclude `complaint`? An inspector of the unit or the agency's HR officer;
    never about oneself or the unit one works in."""
    if not _is_user(user) or is_self(user, complaint.employee):
        return False
    if works_in(user, complaint.unit, on):
        return False
    return hr.can_inspect(user, complaint.unit, on) or manages(user, complaint.organisation)


class Scope:
    """The signed-in person's reach in the discipline ledger today; each set costs 1 query,
    computed on first use."""

    def __init__(self, request):
        self.user = request.user
        self.person = viewer(request)
        self.today = clock.today()

    def _units(self, perm: Perm) -> set[int]:
        return hr.unit_ids_for(self.user, perm, self.today)

    @cached_property
    def organisation(self) -> Organisation:
        organisation = self.person.organisation
        if organisation is None:
            raise Http404
        return organisation

    @cached_property
    def manages(self) -> bool:
        return manages(self.user, self.organisation)

    @cached_property
    def view_ids(self) -> set[int]:
        return self._units(Perm.VIEW_UNIT_RECORDS)

    @cached_property
    def inspect_ids(self) -> set[int]:
        return self._units(Perm.INSPECT_UNIT)

    @cached_property
    def desk_ids(self) -> set[int]:
        return self._units(Perm.RECORD_DOSSIERS)

    @cached_property
    def lead_ids(self) -> set[int]:
        return self._units(Perm.APPROVE_UNIT_MONTH)

    @cached_property
    def agency_unit_ids(self) -> set[int]:
        return set(Unit.objects.filter(organisation=self.organisation).values_list("pk", flat=True))

    @cached_property
    def reach(self) -> set[int]:
        """Units whose ledger pages the person may read: viewed, inspected, desk, or all of
        the agency for its HR officer."""
        if self.manages:
            return self.agency_unit_ids
        return (self.view_ids | self.inspect_ids | self.desk_ids) & self.agency_unit_ids

    def units(self, ids) -> QuerySet[Unit]:
        return Unit.objects.filter(pk__in=list(ids)).order_by("path")

    def staff(self, ids, *, with_self: bool = False):
        """People working today in units `ids` (except the person, unless `with_self`)."""
        people = hr_selectors.employees_in_units(ids, on=self.today)
        if not with_self:
            people = people.exclude(user=self.user.pk)
        return people.order_by("sort_key")
