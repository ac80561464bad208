"""Who may do what, on which unit, on which date: every rule in one module.

Rights come from two sources, both dated:
- posts held that day: a head or acting head acts on their unit (and its sub-units when
  the agency's `head_rights_cover_subunits` is on), a deputy views their unit and scores
  only the staff delegated to them, the head of the root unit (the agency leader) signs
  off the agency's periods;
- role grants (`RoleGrant`), mirrored into guardian object permissions on Unit and
  Organisation only. Guardian rows say *what* a user holds on *which* object; the
  grant's dates say *when*. Call these functions, never `user.has_perm(perm, obj)`.

Nobody scores, approves, certifies or inspects their own record, whatever roles they hold.
"""

from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from functools import cached_property

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.lookups import StartsWith
from django.http import Http404
from django.utils.translation import gettext as _

from . import clock, selectors
from .models import (
    Assignment,
    DeputyDelegation,
    Employee,
    Organisation,
    OrganisationUserObjectPermission,
    Post,
    PostKind,
    Role,
    RoleGrant,
    Unit,
    UnitUserObjectPermission,
)


class Perm(StrEnum):
    """Every object permission of the product; values are the guardian codenames."""

    VIEW_UNIT_RECORDS = "view_unit_records"
    SCORE_UNIT_STAFF = "score_unit_staff"
    APPROVE_UNIT_MONTH = "approve_unit_month"
    CERTIFY_DELAY = "certify_delay"
    INSPECT_UNIT = "inspect_unit"
    RECORD_DOSSIERS = "record_dossiers"
    MANAGE_ORG = "manage_org"
    SIGN_OFF_PERIOD = "sign_off_period"
    REVIEW_EMULATION = "review_emulation"
    MANAGE_RULE_SETS = "manage_rule_sets"

    @property
    def on_organisation(self) -> bool:
        """True for permissions held on an Organisation, False for those held on a Unit."""
        return self in ORGANISATION_PERMS


ORGANISATION_PERMS = frozenset(
    {Perm.MANAGE_ORG, Perm.SIGN_OFF_PERIOD, Perm.REVIEW_EMULATION, Perm.MANAGE_RULE_SETS}
)

ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.INSPECTOR: frozenset({Perm.VIEW_UNIT_RECORDS, Perm.INSPECT_UNIT}),
    Role.HR_OFFICER: frozenset({Perm.VIEW_UNIT_RECORDS, Perm.MANAGE_ORG, Perm.MANAGE_RULE_SETS}),
    Role.BOARD_MEMBER: frozenset({Perm.VIEW_UNIT_RECORDS, Perm.REVIEW_EMULATION}),
    Role.ONE_STOP_OFFICER: frozenset({Perm.RECORD_DOSSIERS}),
    Role.SYSTEM_ADMIN: frozenset({Perm.MANAGE_ORG, Perm.MANAGE_RULE_SETS}),
}
"""What each role grant confers; mirrored into guardian rows by `services.role_grant`."""

LEADER_PERMS = frozenset(
    {Perm.VIEW_UNIT_RECORDS, Perm.SCORE_UNIT_STAFF, Perm.APPROVE_UNIT_MONTH, Perm.CERTIFY_DELAY}
)
"""Unit permissions a head or acting head holds over the unit they lead."""

DEPUTY_PERMS = frozenset({Perm.VIEW_UNIT_RECORDS})
"""Unit permissions a deputy holds over their own unit (scoring comes from delegations)."""

SUPERUSER_PERMS = frozenset({Perm.MANAGE_ORG, Perm.MANAGE_RULE_SETS})
"""Organisation permissions a Django superuser (system administrator) holds everywhere."""


def roles_with(perm: Perm) -> list[str]:
    """The roles whose grant confers `perm`."""
    return [role for role, perms in ROLE_PERMS.items() if perm in perms]


def _is_user(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _is_self(user, employee: Employee) -> bool:
    return employee.user_id is not None and employee.user_id == user.pk


def _active_grants(user, perm: Perm, on: date):
    return RoleGrant.objects.filter(
        selectors.active_on(on), user=user.pk, role__in=roles_with(perm)
    )


def _permission_id(perm: Perm, model: str) -> Subquery:
    """The id of `perm` on hrsystem's `model` as an uncorrelated subquery: PostgreSQL
    computes it once per query, not once for each unit the condition is tested on (which
    scanned auth_permission 300 times per request on a 300-unit province)."""
    return Subquery(
        Permission.objects.filter(
            codename=perm.value, content_type__app_label="hrsystem", content_type__model=model
        ).values("pk")[:1]
    )


def _unit_conditions(user, perm: Perm, on: date) -> Q:
    """A condition on Unit rows: the user holds unit permission `perm` there on `on`."""
    posts = Post.objects.filter(selectors.active_on(on), employee__user=user.pk)
    held = []
    if perm in LEADER_PERMS:
        leading = posts.filter(kind__in=selectors.LEADER_KINDS)
        held.append(leading.filter(unit=OuterRef("pk")))
        held.append(
            leading.filter(
                StartsWith(OuterRef("path"), F("unit__path")),
                unit__organisation__head_rights_cover_subunits=True,
            )
        )
    if perm in DEPUTY_PERMS:
        held.append(posts.filter(kind=PostKind.DEPUTY, unit=OuterRef("pk")))
    if roles_with(perm):
        dated_grant = _active_grants(user, perm, on).filter(
            Q(unit=OuterRef("content_object")) | Q(unit__isnull=True),
            organisation=OuterRef("content_object__organisation"),
        )
        held.append(
            UnitUserObjectPermission.objects.filter(
                StartsWith(OuterRef("path"), F("content_object__path")),
                Exists(dated_grant),
                user=user.pk,
                permission=_permission_id(perm, "unit"),
            )
        )
    condition = Q(pk__in=[])
    for rows in held:
        condition |= Q(Exists(rows))
    return condition


def _organisation_condition(user, perm: Perm, on: date, organisation_ref: str) -> Q:
    """A condition: the user holds organisation permission `perm` on the referenced agency."""
    if user.is_superuser and perm in SUPERUSER_PERMS:
        return ~Q(pk__in=[])
    grants = OrganisationUserObjectPermission.objects.filter(
        user=user.pk,
        permission=_permission_id(perm, "organisation"),
        content_object=OuterRef(organisation_ref),
    ).filter(Exists(_active_grants(user, perm, on).filter(organisation=OuterRef("content_object"))))
    condition = Q(Exists(grants))
    if perm == Perm.SIGN_OFF_PERIOD:
        leads_root = Post.objects.filter(
            selectors.active_on(on),
            employee__user=user.pk,
            kind__in=selectors.LEADER_KINDS,
            unit__parent__isnull=True,
            unit__organisation=OuterRef(organisation_ref),
        )
        condition |= Q(Exists(leads_root))
    return condition


def unit_ids_for(user, perm: Perm | str, on: date) -> set[int]:
    """Ids of the units where `user` holds `perm` on `on`; exactly one query.

    For an organisation permission: every unit of the agencies where the user holds it.
    Posts held that day and dated role grants are combined; a grant on a unit (or on the
    agency's root unit for an agency-wide grant) covers its whole subtree.
    """
    perm = Perm(perm)
    if not _is_user(user):
        return set()
    if perm.on_organisation:
        condition = _organisation_condition(user, perm, on, "organisation")
    else:
        condition = _unit_conditions(user, perm, on)
    return set(Unit.objects.filter(condition).order_by().values_list("pk", flat=True))


def organisation_ids_for(user, perm: Perm | str, on: date) -> set[int]:
    """Ids of the agencies where `user` holds organisation permission `perm` on `on`; 1 query."""
    perm = Perm(perm)
    if not perm.on_organisation:
        raise ValueError(f"{perm} is a unit permission: use unit_ids_for")
    if not _is_user(user):
        return set()
    condition = _organisation_condition(user, perm, on, "pk")
    return set(Organisation.objects.filter(condition).order_by().values_list("pk", flat=True))


def delegated_staff_ids(user, on: date) -> set[int]:
    """Employees delegated to `user` as a deputy on `on`; 1 query.

    A delegation counts only while the deputy holds a deputy post in its unit and the
    staff member works in that unit.
    """
    if not _is_user(user):
        return set()
    deputy_post = Post.objects.filter(
        selectors.active_on(on),
        kind=PostKind.DEPUTY,
        employee=OuterRef("deputy"),
        unit=OuterRef("unit"),
    )
    staff_there = Assignment.objects.filter(
        selectors.active_on(on), employee=OuterRef("staff"), unit=OuterRef("unit")
    )
    delegations = DeputyDelegation.objects.filter(
        selectors.active_on(on), Exists(deputy_post), Exists(staff_there), deputy__user=user.pk
    )
    return set(delegations.values_list("staff_id", flat=True))


def _rights_unit(employee: Employee, on: date) -> Unit | None:
    """The unit whose leaders' rights reach `employee` on `on`.

    For a head or acting head that is the parent of the unit they lead (None at the
    root); for anyone else the unit they are assigned to; 2 queries at most.
    """
    led = (
        Unit.objects.filter(
            selectors.active_on(on, "posts__"),
            posts__employee=employee,
            posts__kind__in=selectors.LEADER_KINDS,
        )
        .select_related("parent")
        .order_by("depth")
        .first()
    )
    if led is not None:
        return led.parent
    return selectors.unit_of(employee, on=on)


def _is_superior(user, employee: Employee, on: date) -> bool:
    superior = selectors.superior_of(employee, on=on)
    return superior is not None and superior.user_id == user.pk


def _leader_right(user, employee: Employee, perm: Perm, on: date) -> bool:
    unit = _rights_unit(employee, on)
    if unit is not None and unit.pk in unit_ids_for(user, perm, on):
        return True
    return _is_superior(user, employee, on)


def can_score(user, employee: Employee, on: date) -> bool:
    """May `user` score `employee`'s month that contains `on`? Never their own record.

    Yes for the leaders whose rights reach the employee (their unit's head or acting head,
    or for a leader the parent unit's), for their superior, and for a deputy the
    employee was delegated to.
    """
    if not _is_user(user) or _is_self(user, employee):
        return False
    if _leader_right(user, employee, Perm.SCORE_UNIT_STAFF, on):
        return True
    return employee.pk in delegated_staff_ids(user, on)


def scorable_ids(user, employees: Iterable[Employee], on: date) -> set[int]:
    """The ids of `employees` whom `user` may score on `on`: `can_score` for each of them,
    in at most 5 queries whatever their number (for bulk actions)."""
    if not _is_user(user):
        return set()
    people = {e.pk for e in employees if not _is_self(user, e)}
    if not people:
        return set()
    led: dict[int, Unit] = {}
    posts = Post.objects.filter(
        selectors.active_on(on), employee_id__in=people, kind__in=selectors.LEADER_KINDS
    ).select_related("unit")
    for post in posts.order_by("unit__depth"):
        led.setdefault(post.employee_id, post.unit)
    assigned = {
        a.employee_id: a.unit
        for a in Assignment.objects.filter(
            selectors.active_on(on), employee_id__in=people - led.keys()
        ).select_related("unit")
    }
    rights = {pk: unit.parent_id for pk, unit in led.items()} | {
        pk: unit.pk for pk, unit in assigned.items()
    }
    units = unit_ids_for(user, Perm.SCORE_UNIT_STAFF, on)
    allowed = {pk for pk, unit_id in rights.items() if unit_id in units}
    chains = {pk: unit.ancestor_ids for pk, unit in led.items() if pk not in allowed} | {
        pk: [*unit.ancestor_ids, unit.pk] for pk, unit in assigned.items() if pk not in allowed
    }
    if chains:
        leaders = selectors.leader_posts_on(set().union(*chains.values()), on=on)
        for pk, chain in chains.items():
            superior = next(
                (
                    leaders[unit_id].employee
                    for unit_id in reversed(chain)
                    if unit_id in leaders and leaders[unit_id].employee_id != pk
                ),
                None,
            )
            if superior is not None and superior.user_id == user.pk:
                allowed.add(pk)
    if people - allowed:
        allowed |= (people - allowed) & delegated_staff_ids(user, on)
    return allowed


def can_certify_delay(user, employee: Employee, on: date) -> bool:
    """May `user` certify an objective cause of `employee`'s delay on `on`? Never their own.

    Heads and acting heads whose rights reach the employee, and the employee's superior;
    deputies cannot.
    """
    if not _is_user(user) or _is_self(user, employee):
        return False
    return _leader_right(user, employee, Perm.CERTIFY_DELAY, on)


def can_view_employee(user, employee: Employee, on: date) -> bool:
    """May `user` see `employee`'s records for `on`?

    Everyone sees their own record. Others need the view permission on the employee's
    unit that day (leaders, deputies, inspectors, HR, the board) or scoring rights.
    """
    if not _is_user(user):
        return False
    if _is_self(user, employee):
        return True
    unit = selectors.unit_of(employee, on=on)
    if unit is not None and unit.pk in unit_ids_for(user, Perm.VIEW_UNIT_RECORDS, on):
        return True
    return can_score(user, employee, on)


def can_view_unit_results(user, unit: Unit, on: date) -> bool:
    """May `user` see (and print) the results of everyone in `unit` for `on`? Those who
    see the unit's records (its leaders, HR, inspectors, the board), the agency leader and
    whoever keeps the agency (who see every unit's results on the period overview)."""
    if not _is_user(user):
        return False
    if unit.pk in unit_ids_for(user, Perm.VIEW_UNIT_RECORDS, on):
        return True
    return can_sign_off(user, unit.organisation, on) or can_manage_org(user, unit.organisation, on)


def _plain_member(user, unit: Unit, on: date) -> bool:
    """True when the user's employee works in `unit` on `on` without leading it."""
    return (
        Assignment.objects.filter(selectors.active_on(on), unit=unit, employee__user=user.pk)
        .exclude(
            Exists(
                Post.objects.filter(
                    selectors.active_on(on),
                    unit=unit,
                    employee=OuterRef("employee"),
                    kind__in=selectors.LEADER_KINDS,
                )
            )
        )
        .exists()
    )


def can_approve_unit(user, unit: Unit, on: date) -> bool:
    """May `user` approve and submit `unit`'s month containing `on`?

    Its head or acting head (or a covering ancestor's), for the dates they hold the post.
    A person rated in the unit as staff is refused whatever they hold; the approver's own
    record is scored by their superior (`can_score`), never by this approval.
    """
    if not _is_user(user) or _plain_member(user, unit, on):
        return False
    return unit.pk in unit_ids_for(user, Perm.APPROVE_UNIT_MONTH, on)


def can_sign_off(user, organisation: Organisation, on: date) -> bool:
    """May `user` sign off the agency's period containing `on`? The agency leader only.

    The agency leader is the head (or acting head) of the root unit; role grants never
    confer this, so nobody below signs off a period holding their own scores.
    """
    return _is_user(user) and organisation.pk in organisation_ids_for(
        user, Perm.SIGN_OFF_PERIOD, on
    )


def can_read_results(user, organisation: Organisation, on: date) -> bool:
    """May `user` read every unit's results of the agency's periods and years on `on`,
    read-only? The agency leader and HR officers, who act on them, and the emulation
    board (Hội đồng thi đua khen thưởng), which reviews them."""
    if not _is_user(user):
        return False
    if can_sign_off(user, organisation, on) or can_manage_org(user, organisation, on):
        return True
    return organisation.pk in organisation_ids_for(user, Perm.REVIEW_EMULATION, on)


def can_inspect(user, unit: Unit, on: date) -> bool:
    """May `user` inspect `unit` and record findings on `on`? Never the unit they work in."""
    if not _is_user(user):
        return False
    own = selectors.unit_of_user(user, on=on)
    if own is not None and own.pk == unit.pk:
        return False
    return unit.pk in unit_ids_for(user, Perm.INSPECT_UNIT, on)


def can_record_dossiers(user, unit: Unit, on: date) -> bool:
    """May `user` record one-stop dossiers, complaints and surveys of `unit` on `on`?"""
    return _is_user(user) and unit.pk in unit_ids_for(user, Perm.RECORD_DOSSIERS, on)


def can_manage_org(user, organisation: Organisation, on: date | None = None) -> bool:
    """May `user` keep the agency's structure, positions and people (today unless `on`)?"""
    return _is_user(user) and organisation.pk in organisation_ids_for(
        user, Perm.MANAGE_ORG, on or clock.today()
    )


def hr_organisation(grants) -> Organisation | None:
    """The agency whose HR officer the holder of `grants` (role grants in force) is, if any:
    the one whose catalogue (`hrsystem.imports`) and organisation (`hrsystem.org_import`)
    they import in the app."""
    for grant in grants:
        if grant.role == Role.HR_OFFICER and grant.organisation_id is not None:
            return grant.organisation
    return None


def can_import_catalogue(user, organisation: Organisation, on: date | None = None) -> bool:
    """May `user` import `organisation`'s work-product catalogue in the app? Its HR
    officers only (`hrsystem.imports`); 1 query."""
    return (
        _is_user(user)
        and RoleGrant.objects.filter(
            selectors.active_on(on or clock.today()),
            user=user.pk,
            role=Role.HR_OFFICER,
            organisation=organisation,
        ).exists()
    )


def can_manage_employee(user, employee: Employee, on: date | None = None) -> bool:
    """May `user` change `employee`'s record, posts or roles? HR of their agency; never oneself.

    The agency is the one of the assignment covering `on` (today by default), else of the
    latest assignment; a person never assigned may be managed by any HR officer.
    """
    on = on or clock.today()
    if not _is_user(user) or _is_self(user, employee):
        return False
    managed = organisation_ids_for(user, Perm.MANAGE_ORG, on)
    assignment = selectors.assignment_on(employee, on=on) or (
        employee.assignments.select_related("unit").order_by("-start").first()
    )
    if assignment is None:
        return bool(managed)
    return assignment.unit.organisation_id in managed


def _hr_system_of(user, organisation_id: int) -> bool:
    """Is `user` the account of the agency's HR system, sending through the API with the
    scope `people:write`? 1 query."""
    from hrsystem.api.permissions import client_may  # the API's clients act through accounts

    return client_may(user, "people:write", organisation_id)


def can_keep_people(user, organisation: Organisation, on: date | None = None) -> bool:
    """May `user` keep the agency's units, people and posts? Its HR officer (`can_manage_org`),
    or the agency's HR system through the API (scope `people:write`)."""
    return can_manage_org(user, organisation, on) or _hr_system_of(user, organisation.pk)


def can_keep_employee(user, employee: Employee, on: date | None = None) -> bool:
    """May `user` change `employee`'s record or posts? As `can_manage_employee`, or the HR
    system (scope `people:write`) of the agency the person works for on `on` (else lately);
    never a person of another agency, nor one never assigned."""
    if can_manage_employee(user, employee, on):
        return True
    assignment = selectors.assignment_on(employee, on=on or clock.today()) or (
        employee.assignments.select_related("unit").order_by("-start").first()
    )
    return assignment is not None and _hr_system_of(user, assignment.unit.organisation_id)


def can_delegate(user, unit: Unit, on: date) -> bool:
    """May `user` give a deputy of `unit` scoring rights from `on`? Its leaders, or HR."""
    if not _is_user(user):
        return False
    if unit.pk in unit_ids_for(user, Perm.SCORE_UNIT_STAFF, on):
        return True
    return can_manage_org(user, unit.organisation, on)


def can_manage_rule_sets(
    user, organisation: Organisation | None = None, on: date | None = None
) -> bool:
    """May `user` manage rule sets and evaluation periods (today unless `on`)?

    HR officers and system administrators of the agency (of any agency when
    `organisation` is None); superusers everywhere.
    """
    if not _is_user(user):
        return False
    if user.is_superuser:
        return True
    held = organisation_ids_for(user, Perm.MANAGE_RULE_SETS, on or clock.today())
    return bool(held) if organisation is None else organisation.pk in held


def results_unit_ids(user, organisation: Organisation, on: date) -> set[int]:
    """Units of `organisation` whose people's quarter and half-year results `user` may
    read on `on`: every unit for the agency leader; else the units where they view
    records (heads, deputies, HR officers within their grant, inspectors, the board).
    Empty: none. 2 to 3 queries."""
    if not _is_user(user):
        return set()
    units = Unit.objects.filter(organisation=organisation).order_by()
    if can_sign_off(user, organisation, on):
        return set(units.values_list("pk", flat=True))
    viewed = unit_ids_for(user, Perm.VIEW_UNIT_RECORDS, on)
    return set(units.filter(pk__in=viewed).values_list("pk", flat=True)) if viewed else set()


def income_unit_ids(user, organisation: Organisation, on: date) -> set[int] | None:
    """Units of `organisation` whose people appear on the quarterly income list `user`
    reads on `on`; None when they may not open it. HR officers of the agency only (what
    a quarter pays is theirs to prepare), limited to the units their grant covers; never
    anybody else, whatever records they view. 2 to 3 queries."""
    if not _is_user(user) or not can_manage_org(user, organisation, on):
        return None
    viewed = unit_ids_for(user, Perm.VIEW_UNIT_RECORDS, on)
    if not viewed:
        return None  # a system administrator manages the agency but reads no records
    return set(
        Unit.objects.filter(organisation=organisation, pk__in=viewed)
        .order_by()
        .values_list("pk", flat=True)
    )


def holds_role(request, role: str) -> bool:
    """Does the signed-in user hold a grant of `role` today? Reads the grants the header
    already loaded: no query of its own."""
    return any(grant.role == role for grant in viewer(request).grants)


def can_view_job(user, job) -> bool:
    """May `user` follow background job `job`? Who started it, the HR officers (and
    system administrators) of its agency, and superusers."""
    if not _is_user(user):
        return False
    if user.is_superuser or job.started_by_id == user.pk:
        return True
    return job.organisation_id is not None and job.organisation_id in organisation_ids_for(
        user, Perm.MANAGE_ORG, clock.today()
    )


# --- the signed-in person in a request ---------------------------------------------------
#
# Computed once per request and cached on it, so the header and the page's own scope
# checks cost the same few queries whatever the page.


class Viewer:
    """The signed-in user as a person of the agency on today's date."""

    def __init__(self, user):
        self.user = user
        self.today = clock.today()

    @cached_property
    def assignment(self) -> Assignment | None:
        """Where the user's employee record works today (with employee, unit, agency); 1 query."""
        return (
            Assignment.objects.filter(selectors.active_on(self.today), employee__user=self.user.pk)
            .select_related("employee", "job_position", "unit", "unit__organisation")
            .first()
        )

    @cached_property
    def posts(self) -> list[Post]:
        """Leadership posts the user holds today, with their units; 1 query."""
        return list(
            Post.objects.filter(selectors.active_on(self.today), employee__user=self.user.pk)
            .select_related("unit", "unit__organisation")
            .order_by("unit__path", "kind")
        )

    @cached_property
    def grants(self) -> list[RoleGrant]:
        """Role grants in force today; 1 query."""
        return list(
            RoleGrant.objects.filter(
                selectors.active_on(self.today), user=self.user.pk
            ).select_related("organisation", "unit")
        )

    @property
    def employee(self):
        return self.assignment.employee if self.assignment else None

    @property
    def unit(self):
        return self.assignment.unit if self.assignment else None

    @property
    def organisation(self) -> Organisation | None:
        """The agency the user works in today, else the first one they hold a post or role in."""
        if self.assignment:
            return self.assignment.unit.organisation
        if self.posts:
            return self.posts[0].unit.organisation
        if self.grants:
            return self.grants[0].organisation
        return None

    @cached_property
    def unit_ids(self) -> set[int]:
        """Units whose pages the user may open today: 1 or 2 queries.

        Their own unit, the units where they hold `view_unit_records` (leaders, deputies,
        inspectors, HR, board) and, for whoever manages the organisation, every unit of it.
        """
        ids = unit_ids_for(self.user, Perm.VIEW_UNIT_RECORDS, self.today)
        if self.unit is not None:
            ids.add(self.unit.pk)
        managers = set(roles_with(Perm.MANAGE_ORG))
        if self.user.is_superuser or any(grant.role in managers for grant in self.grants):
            ids |= unit_ids_for(self.user, Perm.MANAGE_ORG, self.today)
        return ids

    @cached_property
    def organisation_ids(self) -> set[int] | None:
        """Agencies whose org chart the user may open; None means every agency (superuser)."""
        if self.user.is_superuser:
            return None
        ids = {post.unit.organisation_id for post in self.posts}
        ids |= {grant.organisation_id for grant in self.grants}
        if self.unit is not None:
            ids.add(self.unit.organisation_id)
        return ids

    def may_see_organisation(self, organisation_id: int) -> bool:
        return self.organisation_ids is None or organisation_id in self.organisation_ids

    @property
    def hr_organisation(self) -> Organisation | None:
        """The agency the user is an HR officer of today (no query past `grants`)."""
        return hr_organisation(self.grants)

    @property
    def display_name(self) -> str:
        """The employee's full name, else the account's name, family name first."""
        if self.employee is not None:
            return self.employee.full_name
        name = f"{self.user.last_name} {self.user.first_name}".strip()
        return name or self.user.get_username()

    @property
    def role_labels(self) -> list[str]:
        """What the user is today, in words: posts first, then roles, else their category."""
        labels = []
        for post in self.posts:
            if post.unit.parent_id is None:
                label = _("Lãnh đạo cơ quan")
                if post.kind == PostKind.ACTING:
                    label = _("Lãnh đạo cơ quan (quyền)")
            else:
                label = _("%(post)s %(unit)s") % {
                    "post": post.get_kind_display(),
                    "unit": post.unit.name,
                }
            labels.append(label)
        labels += [str(grant.get_role_display()) for grant in self.grants]
        if not labels and self.employee is not None:
            labels.append(str(self.employee.get_category_display()))
        if not labels and self.user.is_superuser:
            labels.append(_("Quản trị hệ thống"))
        return list(dict.fromkeys(labels))


def viewer(request) -> Viewer:
    """The request's Viewer, built on first use."""
    if not hasattr(request, "_viewer"):
        request._viewer = Viewer(request.user)
    return request._viewer


def refuse(request, organisation_id: int):
    """Refuse a record of agency `organisation_id`: 403 inside the user's agencies, 404
    outside them (the record's existence stays hidden)."""
    if viewer(request).may_see_organisation(organisation_id):
        raise PermissionDenied
    raise Http404
