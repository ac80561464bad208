"""Reads shared by views, reports, services and permissions.

Every function takes keyword arguments after the subject, states its query count in
its docstring, and never writes.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from .models import Assignment, Employee, Organisation, Post, PostKind, Unit, search_key

LEADER_KINDS = (PostKind.HEAD, PostKind.ACTING)


def active_on(on: date, prefix: str = "") -> Q:
    """Rows whose inclusive [start, end] interval (end null = open) covers `on`."""
    return Q(**{f"{prefix}start__lte": on}) & (
        Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": on})
    )


def overlapping(start: date, end: date | None) -> Q:
    """Rows whose interval shares at least one day with [start, end] (end None = open)."""
    condition = Q(end__isnull=True) | Q(end__gte=start)
    if end is not None:
        condition &= Q(start__lte=end)
    return condition


# --- the unit tree ---------------------------------------------------------------------


def unit_subtree(unit: Unit, *, include_self: bool = True) -> QuerySet[Unit]:
    """The unit and every unit below it, in tree order; one query whatever the depth."""
    units = Unit.objects.filter(path__startswith=unit.path)
    return units if include_self else units.exclude(pk=unit.pk)


def unit_ancestors(unit: Unit, *, include_self: bool = False) -> QuerySet[Unit]:
    """The units above `unit`, root first; one query whatever the depth."""
    ids = unit.ancestor_ids + ([unit.pk] if include_self else [])
    return Unit.objects.filter(pk__in=ids).order_by("depth")


def root_unit(organisation: Organisation) -> Unit | None:
    """The agency's root unit (the one its leader heads), or None before it exists."""
    return Unit.objects.filter(organisation=organisation, parent__isnull=True).first()


# --- where people work ---------------------------------------------------------------


def assignment_on(employee: Employee, *, on: date) -> Assignment | None:
    """The employee's assignment covering `on` with its unit and position; one query."""
    return (
        Assignment.objects.filter(active_on(on), employee=employee)
        .select_related("unit", "unit__organisation", "job_position")
        .first()
    )


def unit_of(employee: Employee, *, on: date) -> Unit | None:
    """The unit the employee works in on `on` (None when unassigned); one query."""
    assignment = assignment_on(employee, on=on)
    return assignment.unit if assignment else None


def unit_of_user(user, *, on: date) -> Unit | None:
    """The unit the user's employee works in on `on` (None without one); one query."""
    assignment = (
        Assignment.objects.filter(active_on(on), employee__user=user.pk)
        .select_related("unit")
        .first()
    )
    return assignment.unit if assignment else None


def employees_in_units(unit_ids: Iterable[int], *, on: date) -> QuerySet[Employee]:
    """Employees assigned on `on` to one of `unit_ids`; one query when evaluated.

    A semi-join (EXISTS), not a join made distinct: a page of a province's directory
    walks the (sort_key, code) index and stops after its rows, where DISTINCT hashed and
    sorted all 20,000 people first."""
    held = Assignment.objects.filter(
        active_on(on), employee=OuterRef("pk"), unit_id__in=list(unit_ids)
    )
    return Employee.objects.filter(Exists(held))


@dataclass(frozen=True)
class StaffMember:
    """One person of a unit on a date, with the posts they hold there that day."""

    employee: Employee
    assignment: Assignment
    posts: tuple[Post, ...]

    @property
    def is_leader(self) -> bool:
        return any(post.kind in LEADER_KINDS for post in self.posts)

    @property
    def is_deputy(self) -> bool:
        return any(post.kind == PostKind.DEPUTY for post in self.posts)


_KIND_RANK = {PostKind.HEAD: 0, PostKind.ACTING: 1, PostKind.DEPUTY: 2}


def unit_staff(unit: Unit, *, on: date) -> list[StaffMember]:
    """The unit's own staff on `on` (not sub-units'), leaders first then in Vietnamese name
    order; 2 queries."""
    posts_that_day = Post.objects.filter(active_on(on), unit=unit)
    assignments = (
        Assignment.objects.filter(active_on(on), unit=unit)
        .select_related("employee", "job_position", "employee__quota_group")
        .prefetch_related(
            Prefetch("employee__posts", queryset=posts_that_day, to_attr="posts_that_day")
        )
    )
    members = [
        StaffMember(
            employee=assignment.employee,
            assignment=assignment,
            posts=tuple(assignment.employee.posts_that_day),
        )
        for assignment in assignments
    ]
    return sorted(
        members,
        key=lambda member: (
            min((_KIND_RANK[post.kind] for post in member.posts), default=3),
            member.employee.sort_key,
            member.employee.code,
        ),
    )


def headcount_by_unit(organisation: Organisation, *, on: date) -> dict[int, int]:
    """Unit id → number of people assigned there on `on` (units with none left out); 1 query."""
    rows = (
        Assignment.objects.filter(active_on(on), unit__organisation=organisation)
        .values("unit_id")
        .annotate(n=Count("employee_id", distinct=True))
    )
    return {row["unit_id"]: row["n"] for row in rows}


def employee_search(
    *, query: str = "", on: date, unit_ids: Iterable[int] | None = None
) -> QuerySet[Employee]:
    """Employees whose "name code" contains `query`, ignoring case, diacritics and spacing.

    Limited to people assigned on `on` to `unit_ids` when given. In Vietnamese name order
    (`Employee.sort_key`) then by code; one query when evaluated (page it with a paginator).
    """
    employees = Employee.objects.all()
    if unit_ids is not None:
        employees = employees_in_units(unit_ids, on=on)
    if key := search_key(query):
        employees = employees.filter(search_name__contains=key)
    return employees.order_by("sort_key", "code")


# --- leaders and superiors -------------------------------------------------------------


def leader_posts_on(unit_ids: Iterable[int], *, on: date) -> dict[int, Post]:
    """Unit id → the post of whoever leads it on `on` (acting head wins over head); 1 query."""
    leaders: dict[int, Post] = {}
    posts = Post.objects.filter(
        active_on(on), unit_id__in=list(unit_ids), kind__in=LEADER_KINDS
    ).select_related("employee")
    for post in posts:
        current = leaders.get(post.unit_id)
        if current is None or post.kind == PostKind.ACTING:
            leaders[post.unit_id] = post
    return leaders


def unit_leader(unit: Unit, *, on: date) -> Employee | None:
    """Whoever leads the unit on `on`: the acting head if there is one, else the head; 1 query."""
    post = leader_posts_on([unit.pk], on=on).get(unit.pk)
    return post.employee if post else None


def agency_leader(organisation: Organisation, *, on: date) -> Employee | None:
    """The head (or acting head) of the agency's root unit on `on`; 1 query."""
    post = (
        Post.objects.filter(
            active_on(on),
            unit__organisation=organisation,
            unit__parent__isnull=True,
            kind__in=LEADER_KINDS,
        )
        .select_related("employee")
        .order_by("kind")  # "acting" sorts before "head": the acting head wins
        .first()
    )
    return post.employee if post else None


def superior_of(employee: Employee, *, on: date) -> Employee | None:
    """Who scores `employee` on `on`, or None for the agency leader or someone unassigned.

    Staff and deputies → the leader of their unit (the acting head if there is one that
    day, else the head). A head or acting head → the leader of the parent unit. When that
    unit has no leader that day, the nearest ancestor's leader; at the top, the agency
    leader (head of the root unit), whose own superior is None. At most 3 queries.
    """
    led_units = list(
        Unit.objects.filter(
            active_on(on, "posts__"), posts__employee=employee, posts__kind__in=LEADER_KINDS
        ).order_by("depth")
    )
    if led_units:
        start = led_units[0]
        chain_ids = start.ancestor_ids
    else:
        unit = unit_of(employee, on=on)
        if unit is None:
            return None
        chain_ids = [*unit.ancestor_ids, unit.pk]
    leaders = leader_posts_on(chain_ids, on=on)
    for unit_id in reversed(chain_ids):
        post = leaders.get(unit_id)
        if post is not None and post.employee_id != employee.pk:
            return post.employee
    return None


# --- the org chart ---------------------------------------------------------------------


@dataclass
class OrgNode:
    """One unit of the org chart with its leader that day, deputies and headcounts."""

    unit: Unit
    leader: Employee | None
    leader_is_acting: bool
    deputies: list[Employee]
    headcount: int
    children: list["OrgNode"] = field(default_factory=list)

    @property
    def subtree_headcount(self) -> int:
        return self.headcount + sum(child.subtree_headcount for child in self.children)


def org_chart(organisation: Organisation, *, on: date) -> list[OrgNode]:
    """The agency's unit tree on `on` as root nodes (normally one); 3 queries at any size."""
    units = list(Unit.objects.filter(organisation=organisation).order_by("path"))
    counts = headcount_by_unit(organisation, on=on)
    posts = Post.objects.filter(active_on(on), unit__organisation=organisation).select_related(
        "employee"
    )
    nodes = {
        unit.pk: OrgNode(
            unit=unit,
            leader=None,
            leader_is_acting=False,
            deputies=[],
            headcount=counts.get(unit.pk, 0),
        )
        for unit in units
    }
    for post in posts.order_by("start", "pk"):
        node = nodes[post.unit_id]
        if post.kind == PostKind.DEPUTY:
            node.deputies.append(post.employee)
        elif post.kind == PostKind.ACTING or not node.leader_is_acting:
            node.leader = post.employee
            node.leader_is_acting = post.kind == PostKind.ACTING
    roots = []
    for unit in units:
        if unit.parent_id in nodes:
            nodes[unit.parent_id].children.append(nodes[unit.pk])
        else:
            roots.append(nodes[unit.pk])
    for node in nodes.values():
        node.children.sort(key=lambda child: child.unit.code)
    return roots
