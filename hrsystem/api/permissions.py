"""What an API caller reaches: a client system its agency (within its scopes), a person
exactly what the pages show them (`hrsystem.permissions`)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from hrsystem import clock, permissions, selectors
from hrsystem.models import Assignment, Employee, Post, Unit
from hrsystem.permissions import Perm

from .models import ApiClient, ApiToken, Scope


def client_of(request) -> ApiClient | None:
    """The client system calling, None for a person (session or personal token)."""
    token = request.auth
    return token.client if isinstance(token, ApiToken) else None


class HasScope(BasePermission):
    """A client system needs the view's `required_scope`; a person needs none (their own
    rights decide what they reach)."""

    message = _("Hệ thống kết nối không được cấp phạm vi quyền này.")

    def has_permission(self, request, view):
        client = client_of(request)
        return client is None or client.holds(view.required_scope)


@dataclass(frozen=True)
class Reach:
    """The units, agencies and own record a caller may read."""

    unit_ids: frozenset[int]
    organisation_ids: frozenset[int] | None
    """None: every agency (a superuser)."""
    record_unit_ids: frozenset[int]
    """Units whose people's records (results) the caller may read: `can_view_employee`."""
    record_employee_ids: frozenset[int]
    """People whose records the caller reads outside those units: themselves (their own
    person and result wherever they work), and the staff delegated to them as a deputy."""


def reach(request) -> Reach:
    """The caller's Reach: 1 query for a client, at most 6 for a person."""
    client = client_of(request)
    if client is not None:
        units = frozenset(
            Unit.objects.filter(organisation=client.organisation_id).values_list("pk", flat=True)
        )
        return Reach(units, frozenset({client.organisation_id}), units, frozenset())
    person = permissions.viewer(request._request)
    organisations = person.organisation_ids
    own = person.employee.pk if person.employee else None
    records = permissions.unit_ids_for(
        person.user, permissions.Perm.VIEW_UNIT_RECORDS, person.today
    )
    delegated = permissions.delegated_staff_ids(person.user, person.today)
    return Reach(
        frozenset(person.unit_ids),
        None if organisations is None else frozenset(organisations),
        frozenset(records),
        frozenset(delegated | ({own} if own else set())),
    )


def ledger_reach(request) -> tuple[frozenset[int], int | None]:
    """Units whose discipline ledger the caller reads, and their own employee record (read
    wherever it is): a client its agency, a person the ledger pages' `Scope.reach`."""
    from discipline.permissions import Scope as LedgerScope

    client = client_of(request)
    if client is not None:
        units = Unit.objects.filter(organisation=client.organisation_id).values_list(
            "pk", flat=True
        )
        return frozenset(units), None
    person = permissions.viewer(request._request)
    own = person.employee.pk if person.employee else None
    if person.organisation is None:
        return frozenset(), own
    return frozenset(LedgerScope(request._request).reach), own


def client_may(user, scope: str, organisation_id: int) -> bool:
    """Is `user` the account of a client system of the agency holding `scope`? 1 query."""
    if user is None or not user.is_authenticated:
        return False
    client = ApiClient.objects.filter(account=user.pk).only("organisation", "scopes").first()
    return client is not None and client.organisation_id == organisation_id and client.holds(scope)


def can_send_work_items(user, organisation_id: int) -> bool:
    """May `user` send done quantities of the agency's work items? A client system of the
    agency holding `work-items:write`, acting through its account."""
    return client_may(user, Scope.WORK_ITEMS_WRITE, organisation_id)


@dataclass(frozen=True)
class YearReach:
    """Whose annual results a caller reads for a year, decided as the year's pages decide
    (`evaluation.annual.views`) on the day that governs rights over the year: its last
    day, or today while it runs."""

    organisation_ids: frozenset[int]
    """Agencies read whole: a client's own; for a person those whose results they read
    (`can_read_results`: the agency leader, HR, the board)."""
    unit_ids: frozenset[int]
    """Units whose people's records the person views (`Perm.VIEW_UNIT_RECORDS`): their
    unit's rows, and the people assigned there that day."""
    employee_ids: frozenset[int]
    """People read outside those units (`can_view_employee`): themselves, and whom they
    score that day (the leaders below them, the staff delegated to them)."""
    on: date


def year_reach(request, year: int) -> YearReach:
    """The caller's YearReach for `year`: 1 query for a client; for a person at most 8,
    and 5 more for a leader or a delegated deputy (`scorable_ids` over the people of
    their agencies rated that year), whatever the agency's size."""
    from evaluation.annual.models import AnnualResult

    on = min(date(year, 12, 31), clock.today())
    client = client_of(request)
    if client is not None:
        return YearReach(frozenset({client.organisation_id}), frozenset(), frozenset(), on)
    user = request.user
    whole = set()
    for perm in (Perm.SIGN_OFF_PERIOD, Perm.MANAGE_ORG, Perm.REVIEW_EMULATION):
        whole |= permissions.organisation_ids_for(user, perm, on)
    records = permissions.unit_ids_for(user, Perm.VIEW_UNIT_RECORDS, on)
    people = set(Employee.objects.filter(user=user.pk).values_list("pk", flat=True))
    people |= permissions.delegated_staff_ids(user, on)
    leading = set(
        Post.objects.filter(
            selectors.active_on(on), employee__user=user.pk, kind__in=selectors.LEADER_KINDS
        ).values_list("unit__organisation_id", flat=True)
    )
    if leading - whole:
        # whom they score (a superior reaches leaders below their own units): checked
        # over the people of their agencies rated that year, outside what they see already
        seen_there = Assignment.objects.filter(
            selectors.active_on(on), employee=OuterRef("pk"), unit_id__in=records
        )
        candidates = (
            Employee.objects.filter(
                Exists(
                    AnnualResult.objects.filter(
                        employee=OuterRef("pk"),
                        year=year,
                        organisation_id__in=leading - whole,
                    )
                )
            )
            .exclude(Exists(seen_there))
            .exclude(pk__in=people)
            .only("pk", "user_id")
        )
        people |= permissions.scorable_ids(user, list(candidates), on)
    return YearReach(frozenset(whole), frozenset(records), frozenset(people), on)
