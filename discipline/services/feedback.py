"""Citizens' feedback: complaints, suggestions, satisfaction surveys."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from discipline import permissions as rules
from discipline.models import (
    Complaint,
    ComplaintOutcome,
    SatisfactionSurvey,
    SuggestionBoxEntry,
)
from hrsystem import clock, permissions
from hrsystem.models import (
    Employee,
    Organisation,
    Unit,
)
from hrsystem.service_checks import raise_if, require, save

from .common import _not_in_future, _one_target, _target_unit


@transaction.atomic
def complaint_record(
    *,
    channel: str,
    received_on: date,
    content: str,
    employee: Employee | None = None,
    unit: Unit | None = None,
    complainant: str = "",
    by=None,
) -> Complaint:
    """Record a complaint against a person or a unit; by the desk, an inspector or HR."""
    _one_target(employee, unit)
    concerned = _target_unit(employee, unit, received_on)
    if by is not None:
        require(
            not rules.is_self(by, employee)
            and (
                rules.can_record_desk(by, concerned, clock.today())
                or permissions.can_inspect(by, concerned, clock.today())
                or rules.manages(by, concerned.organisation)
            )
        )
    complaint = Complaint(
        organisation=concerned.organisation,
        unit=concerned,
        employee=employee,
        target_unit=unit,
        channel=channel,
        received_on=received_on,
        complainant=complainant.strip(),
        content=content.strip(),
        recorded_by=by,
    )
    raise_if(_not_in_future(received_on, "received_on"))
    complaint.full_clean()
    save(complaint, by)
    return complaint


@transaction.atomic
def complaint_decide(*, complaint: Complaint, substantiated: bool, note: str, by=None) -> Complaint:
    """Conclude a complaint today as substantiated or not, with the verification note.

    By an inspector of the unit or the agency's HR officer; never about oneself or the
    unit one works in.
    """
    complaint = (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("unit__organisation", "employee")
        .get(pk=complaint.pk)
    )
    today = clock.today()
    if by is not None:
        require(rules.can_decide_complaint(by, complaint, today))
    errors: dict[str, str] = {}
    if complaint.outcome != ComplaintOutcome.PENDING:
        errors["outcome"] = _("Phản ánh này đã có kết luận.")
    if not note.strip():
        errors["decision_note"] = _("Nhập nội dung kết luận.")
    raise_if(errors)
    complaint.outcome = (
        ComplaintOutcome.SUBSTANTIATED if substantiated else ComplaintOutcome.UNSUBSTANTIATED
    )
    complaint.decision_note = note.strip()
    complaint.decided_on = today
    complaint.decided_by = by
    save(complaint, by, update_fields=["outcome", "decision_note", "decided_on", "decided_by"])
    return complaint


@transaction.atomic
def suggestion_record(
    *,
    organisation: Organisation,
    opened_on: date,
    content: str,
    unit: Unit | None = None,
    response: str = "",
    by=None,
) -> SuggestionBoxEntry:
    """Record a note taken from the suggestion box; by the desk or the HR officer."""
    if by is not None:
        require(
            (unit is not None and rules.can_record_desk(by, unit, clock.today()))
            or rules.manages(by, organisation)
        )
    entry = SuggestionBoxEntry(
        organisation=organisation,
        unit=unit,
        opened_on=opened_on,
        content=content.strip(),
        response=response.strip(),
        recorded_by=by,
    )
    errors = _not_in_future(opened_on, "opened_on")
    if unit is not None and unit.organisation_id != organisation.pk:
        errors["unit"] = _("Đơn vị phải thuộc %(agency)s.") % {"agency": organisation}
    raise_if(errors)
    entry.full_clean()
    save(entry, by)
    return entry


@transaction.atomic
def survey_record(
    *,
    unit: Unit,
    year: int,
    source: str,
    respondents: int,
    satisfied: int,
    month: int | None = None,
    period_label: str = "",
    by=None,
) -> SatisfactionSurvey:
    """Record a unit's satisfaction survey result for a month or a labelled period."""
    if by is not None:
        require(
            rules.can_record_desk(by, unit, clock.today()) or rules.manages(by, unit.organisation)
        )
    survey = SatisfactionSurvey(
        organisation=unit.organisation,
        unit=unit,
        year=year,
        month=month,
        period_label=period_label.strip(),
        source=source,
        respondents=respondents,
        satisfied=satisfied,
        recorded_by=by,
    )
    errors: dict[str, str] = {}
    if satisfied > respondents:
        errors["satisfied"] = _(
            "Số người hài lòng (%(satisfied)s) lớn hơn số người được khảo sát (%(respondents)s)."
        ) % {"satisfied": satisfied, "respondents": respondents}
    raise_if(errors)
    survey.full_clean()
    save(survey, by)
    return survey
