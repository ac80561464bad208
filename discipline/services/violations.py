"""Violations: findings of an inspection, conduct recorded outside one, contests."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from discipline import permissions as rules
from discipline import selectors, signals
from discipline.models import (
    Complaint,
    ComplaintOutcome,
    DossierRecord,
    DossierStatus,
    Inspection,
    InspectionStatus,
    Violation,
    ViolationCatalogueItem,
    ViolationSource,
    ViolationStatus,
)
from hrsystem import clock
from hrsystem.api import events as api_events  # API (issue 14)
from hrsystem.models import (
    Employee,
    Unit,
)
from hrsystem.service_checks import day_text, locked_day_errors, raise_if, require, save

from .catalogue import _item_errors
from .common import _in_subtree, _not_in_future, _one_target, _unit_on
from .inspections import _lock_inspection


def _violation_create(
    *,
    item: ViolationCatalogueItem,
    employee: Employee | None,
    unit: Unit | None,
    occurred_on: date,
    source: str,
    points: Decimal | None,
    note: str,
    evidence,
    by,
    inspection: Inspection | None = None,
    dossier: DossierRecord | None = None,
    complaint: Complaint | None = None,
) -> Violation:
    concerned = unit if unit is not None else _unit_on(employee, occurred_on, "employee")
    organisation = concerned.organisation
    errors = _not_in_future(occurred_on, "occurred_on")
    errors |= locked_day_errors(organisation.pk, occurred_on, "occurred_on")
    errors |= _item_errors(item, organisation, occurred_on, against_unit=unit is not None)
    if points is not None and points < 0:
        errors["points"] = _("Điểm trừ không được âm.")
    raise_if(errors)
    violation = Violation(
        organisation=organisation,
        unit=concerned,
        employee=employee,
        target_unit=unit,
        item=item,
        occurred_on=occurred_on,
        points=item.default_points if points is None else points,
        criterion_code=item.criterion_code,
        cap_level=item.cap_level,
        legal_basis=item.legal_basis,
        note=note.strip(),
        source=source,
        inspection=inspection,
        dossier=dossier,
        complaint=complaint,
        recorded_by=by,
        contest_deadline=clock.today() + timedelta(days=selectors.contest_days(organisation)),
    )
    if evidence is not None:
        violation.evidence = evidence
    violation.full_clean()
    save(violation, by)
    signals.violation_recorded.send(sender=Violation, violation=violation)
    api_events.violation_recorded(violation)  # API (issue 14): webhooks to subscribed systems
    return violation


@transaction.atomic
def finding_record(
    *,
    inspection: Inspection,
    item: ViolationCatalogueItem,
    employee: Employee | None = None,
    unit: Unit | None = None,
    occurred_on: date | None = None,
    points: Decimal | None = None,
    note: str = "",
    evidence=None,
    by=None,
) -> Violation:
    """A team member records a finding on the spot against a person or a unit in scope.

    Only members of this inspection's team (its head included) while it is in progress;
    never against themselves or the unit they work in. `occurred_on` defaults to today.
    """
    inspection = _lock_inspection(inspection)
    occurred_on = occurred_on or clock.today()
    _one_target(employee, unit)
    if by is not None:
        require(rules.on_team(by, inspection) and not rules.is_self(by, employee))
    errors: dict[str, str] = {}
    if inspection.status != InspectionStatus.IN_PROGRESS:
        errors["inspection"] = _("Chỉ ghi nhận phát hiện khi đợt kiểm tra đang diễn ra.")
    elif occurred_on < inspection.started_on:
        errors["occurred_on"] = _("Ngày vi phạm phải từ ngày bắt đầu kiểm tra (%(day)s).") % {
            "day": day_text(inspection.started_on)
        }
    raise_if(errors)
    target = unit if unit is not None else _unit_on(employee, occurred_on, "employee")
    if not _in_subtree(target, inspection.scope.all()):
        field = "unit" if unit is not None else "employee"
        raise ValidationError(
            {field: _("%(unit)s không thuộc phạm vi của đợt kiểm tra này.") % {"unit": target}}
        )
    if by is not None:
        require(rules.can_record_finding(by, inspection, target, occurred_on))
    return _violation_create(
        item=item,
        employee=employee,
        unit=unit,
        occurred_on=occurred_on,
        source=ViolationSource.INSPECTION,
        points=points,
        note=note,
        evidence=evidence,
        by=by,
        inspection=inspection,
    )


@transaction.atomic
def violation_record(
    *,
    item: ViolationCatalogueItem,
    occurred_on: date,
    employee: Employee | None = None,
    unit: Unit | None = None,
    source: str = ViolationSource.CONDUCT,
    points: Decimal | None = None,
    note: str = "",
    evidence=None,
    dossier: DossierRecord | None = None,
    complaint: Complaint | None = None,
    by=None,
) -> Violation:
    """Record a violation outside an inspection (a conduct breach, a late dossier, a
    substantiated complaint).

    Against a person: by the head whose rights reach their unit that day, or an inspector
    of that unit (not their own). Against a unit: by an inspector of it. Never oneself.
    """
    _one_target(employee, unit)
    if dossier is not None:
        dossier = DossierRecord.objects.get(pk=dossier.pk)
    if complaint is not None:
        complaint = Complaint.objects.get(pk=complaint.pk)
    if source == ViolationSource.INSPECTION:
        raise ValidationError({"source": _("Phát hiện qua kiểm tra ghi nhận tại đợt kiểm tra.")})
    concerned = unit if unit is not None else _unit_on(employee, occurred_on, "employee")
    if by is not None:
        require(rules.can_record_conduct(by, concerned, employee, occurred_on))
    errors: dict[str, str] = {}
    if dossier is not None and (
        dossier.status == DossierStatus.ON_TIME or dossier.officer_id != getattr(employee, "pk", 0)
    ):
        errors["dossier"] = _("Hồ sơ phải là hồ sơ trễ hạn do chính cán bộ này xử lý.")
    if complaint is not None and (
        complaint.outcome != ComplaintOutcome.SUBSTANTIATED
        or complaint.employee_id != getattr(employee, "pk", None)
        or complaint.target_unit_id != getattr(unit, "pk", None)
    ):
        errors["complaint"] = _("Phản ánh phải được kết luận là đúng và đúng đối tượng này.")
    raise_if(errors)
    return _violation_create(
        item=item,
        employee=employee,
        unit=unit,
        occurred_on=occurred_on,
        source=source,
        points=points,
        note=note,
        evidence=evidence,
        by=by,
        dossier=dossier,
        complaint=complaint,
    )


def _lock_violation(violation: Violation) -> Violation:
    return (
        Violation.objects.select_for_update(of=("self",))
        .select_related("employee", "target_unit", "inspection__head", "organisation")
        .get(pk=violation.pk)
    )


@transaction.atomic
def violation_contest(*, violation: Violation, reason: str, by) -> Violation:
    """The person (or, for a unit finding, the unit's leader) contests a violation with a
    reason, no later than its contest deadline."""
    violation = _lock_violation(violation)
    today = clock.today()
    require(rules.can_contest(by, violation, today))
    errors: dict[str, str] = {}
    if violation.status != ViolationStatus.RECORDED:
        errors["status"] = _("Vi phạm này đã được khiếu nại hoặc đã có quyết định.")
    elif today > violation.contest_deadline:
        errors["contest_deadline"] = _("Đã hết hạn khiếu nại (hạn cuối %(day)s).") % {
            "day": day_text(violation.contest_deadline)
        }
    if not reason.strip():
        errors["contest_reason"] = _("Nêu lý do khiếu nại.")
    raise_if(errors)
    violation.status = ViolationStatus.CONTESTED
    violation.contest_reason = reason.strip()
    violation.contested_at = clock.now()
    save(violation, by, update_fields=["status", "contest_reason", "contested_at"])
    return violation


@transaction.atomic
def violation_decide(*, violation: Violation, uphold: bool, reason: str, by) -> Violation:
    """Uphold or annul a contested violation with a reason; annulled ones never count.

    Annulling a violation of a locked month is refused (its results would no longer
    match the ledger) until the HR office reopens the month; upholding it changes no
    result and is accepted."""
    violation = _lock_violation(violation)
    require(rules.can_decide_contest(by, violation, clock.today()))
    errors: dict[str, str] = {}
    if violation.status != ViolationStatus.CONTESTED:
        errors["status"] = _("Chỉ quyết định đối với vi phạm đang bị khiếu nại.")
    if not reason.strip():
        errors["decision_reason"] = _("Nêu lý do giữ nguyên hoặc huỷ vi phạm.")
    if not uphold:  # an annulled violation stops counting: its month's results would change
        errors |= locked_day_errors(violation.organisation_id, violation.occurred_on, "uphold")
    raise_if(errors)
    violation.status = ViolationStatus.UPHELD if uphold else ViolationStatus.ANNULLED
    violation.decided_by = by
    violation.decision_reason = reason.strip()
    violation.decided_at = clock.now()
    save(
        violation,
        by,
        update_fields=["status", "decided_by", "decision_reason", "decided_at"],
    )
    signals.contest_decided.send(sender=Violation, violation=violation)
    return violation


@transaction.atomic
def violation_annul_on_appeal(
    *, violation_id: int, employee_id: int, start: date, end: date, reason: str, by
) -> Violation:
    """Annul a violation whose deduction an upheld appeal of the month removes.

    Called by the appeal decision only, once it has checked that `by` decides the appeal
    of `employee_id`'s result for [start, end]: the violation must be against that person
    in that month and still counted. The decision's reason is the annulment's reason.
    """
    violation = _lock_violation(Violation(pk=violation_id))
    if (
        violation.employee_id != employee_id
        or not start <= violation.occurred_on <= end
        or violation.status == ViolationStatus.ANNULLED
    ):
        raise_if({"annul": _("Vi phạm này không phải điểm trừ của kỳ bị kiến nghị.")})
    reason = (reason or "").strip()
    if not reason:
        raise_if({"decision_reason": _("Nêu lý do huỷ vi phạm.")})
    violation.status = ViolationStatus.ANNULLED
    violation.decided_by = by
    violation.decision_reason = reason
    violation.decided_at = clock.now()
    save(violation, by, update_fields=["status", "decided_by", "decision_reason", "decided_at"])
    return violation
