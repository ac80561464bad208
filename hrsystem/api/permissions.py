"""What an API caller reaches: a client system its agency (within its scopes), a person
exactly what the pages show them (`hrsystem.permissions`)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from hrsystem import permissions
from hrsystem.models import Unit

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
