"""The year's commitments: issued to everyone, signed by each signer."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from discipline import permissions as rules
from discipline.models import (
    Commitment,
    CommitmentLevel,
)
from hrsystem import clock
from hrsystem import selectors as hr_selectors
from hrsystem.models import (
    Assignment,
    Organisation,
    Unit,
)
from hrsystem.service_checks import day_text, require, save


@transaction.atomic
def commitments_issue_year(
    *, organisation: Organisation, year: int, template: str, on: date, by=None
) -> list[Commitment]:
    """Issue the year's commitments to everyone working in the agency on `on` who has none:
    unit heads with the agency leader (agency ↔ unit), staff with their unit's leader
    (unit ↔ staff). Returns the new rows; a constant number of queries."""
    if by is not None:
        require(rules.manages(by, organisation))
    leaders = hr_selectors.leader_posts_on(
        Unit.objects.filter(organisation=organisation).values_list("pk", flat=True), on=on
    )
    agency_leader = hr_selectors.agency_leader(organisation, on=on)
    existing = set(
        Commitment.objects.filter(organisation=organisation, year=year).values_list(
            "level", "signer_id"
        )
    )
    led = {post.employee_id: unit_id for unit_id, post in leaders.items()}
    rows = []
    assignments = Assignment.objects.filter(
        hr_selectors.active_on(on), unit__organisation=organisation
    ).select_related("employee", "unit")
    for assignment in assignments:
        employee = assignment.employee
        if agency_leader is not None and employee.pk == agency_leader.pk:
            continue
        if employee.pk in led:
            level, counterpart = CommitmentLevel.AGENCY_UNIT, agency_leader
            unit_id = led[employee.pk]
        else:
            post = leaders.get(assignment.unit_id)
            level, unit_id = CommitmentLevel.UNIT_STAFF, assignment.unit_id
            counterpart = post.employee if post else None
        if (level, employee.pk) in existing:
            continue
        rows.append(
            Commitment(
                organisation=organisation,
                year=year,
                level=level,
                unit_id=unit_id,
                signer=employee,
                counterpart=counterpart,
                template=template.strip(),
            )
        )
    return bulk_create_with_history(rows, Commitment, default_user=by)


@transaction.atomic
def commitment_sign(*, commitment: Commitment, by) -> Commitment:
    """The signer signs their commitment today."""
    commitment = (
        Commitment.objects.select_for_update(of=("self",))
        .select_related("signer")
        .get(pk=commitment.pk)
    )
    require(rules.is_self(by, commitment.signer))
    if commitment.signed_on is not None:
        raise ValidationError(
            {
                "signed_on": _("Bản cam kết đã được ký ngày %(day)s.")
                % {"day": day_text(commitment.signed_on)}
            }
        )
    commitment.signed_on = clock.today()
    save(commitment, by, update_fields=["signed_on"])
    return commitment
