"""The agency's discipline settings."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from discipline import permissions as rules
from discipline.models import (
    DisciplinePolicy,
)
from hrsystem.models import (
    Organisation,
    Unit,
)
from hrsystem.service_checks import require, save


@transaction.atomic
def discipline_policy_set(
    *,
    organisation: Organisation,
    contest_days: int | None = None,
    internal_affairs_unit: Unit | None = None,
    by=None,
) -> DisciplinePolicy:
    """Set an agency's contest window (None: the system default) and the Internal Affairs
    unit whose inspectors head inspection teams (None: any inspector); by its HR officer."""
    if by is not None:
        require(rules.manages(by, organisation))
    policy = DisciplinePolicy.objects.select_for_update(of=("self",)).filter(
        organisation=organisation
    ).first() or DisciplinePolicy(organisation=organisation)
    policy.contest_days = contest_days
    policy.internal_affairs_unit = internal_affairs_unit
    if (
        internal_affairs_unit is not None
        and internal_affairs_unit.organisation_id != organisation.pk
    ):
        raise ValidationError(
            {"internal_affairs_unit": _("Đơn vị phải thuộc %(agency)s.") % {"agency": organisation}}
        )
    policy.full_clean()
    save(policy, by)
    return policy
