"""Dossiers at the one-stop desk: records, settlement, excuses, monthly counts."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from discipline import permissions as rules
from discipline.models import (
    DossierMonthlyCount,
    DossierRecord,
    DossierStatus,
)
from discipline.selectors import month_bounds
from hrsystem import clock, permissions
from hrsystem import selectors as hr_selectors
from hrsystem.models import (
    Employee,
    Unit,
)
from hrsystem.service_checks import day_text, locked_day_errors, raise_if, require, save

from .common import _not_in_future


def _settle_errors(dossier: DossierRecord, settled_on: date) -> dict[str, str]:
    errors = _not_in_future(settled_on, "settled_on")
    errors |= locked_day_errors(dossier.organisation_id, settled_on, "settled_on")
    if settled_on < dossier.received_on:
        errors["settled_on"] = _("Ngày trả kết quả phải từ ngày tiếp nhận (%(day)s).") % {
            "day": day_text(dossier.received_on)
        }
    return errors


def _derive_status(dossier: DossierRecord) -> None:
    if dossier.settled_on is None:
        dossier.status = DossierStatus.PENDING
    elif dossier.settled_on <= dossier.due_on:
        dossier.status = DossierStatus.ON_TIME
    else:
        dossier.status = DossierStatus.LATE


@transaction.atomic
def dossier_record(
    *,
    unit: Unit,
    code: str,
    citizen_name: str,
    officer: Employee,
    received_on: date,
    due_on: date,
    procedure: str = "",
    settled_on: date | None = None,
    by=None,
) -> DossierRecord:
    """Record a dossier received by `unit` (and its result when `settled_on` is given)."""
    if by is not None:
        require(rules.can_record_desk(by, unit, clock.today()))
    dossier = DossierRecord(
        organisation=unit.organisation,
        unit=unit,
        code=code.strip(),
        procedure=procedure.strip(),
        citizen_name=citizen_name.strip(),
        officer=officer,
        received_on=received_on,
        due_on=due_on,
        settled_on=settled_on,
        recorded_by=by,
    )
    _derive_status(dossier)
    errors = _not_in_future(received_on, "received_on")
    if due_on < received_on:
        errors["due_on"] = _("Ngày hẹn trả phải từ ngày tiếp nhận (%(day)s).") % {
            "day": day_text(received_on)
        }
    if settled_on is not None:
        errors |= _settle_errors(dossier, settled_on)
    placed = hr_selectors.unit_of(officer, on=received_on)
    if placed is None or placed.organisation_id != unit.organisation_id:
        errors["officer"] = _("%(name)s không công tác tại %(agency)s vào ngày %(day)s.") % {
            "name": officer.full_name,
            "agency": unit.organisation,
            "day": day_text(received_on),
        }
    raise_if(errors)
    dossier.full_clean()
    save(dossier, by)
    return dossier


def lock_dossier(dossier: DossierRecord) -> DossierRecord:
    return (
        DossierRecord.objects.select_for_update(of=("self",))
        .select_related("unit__organisation", "officer")
        .get(pk=dossier.pk)
    )


@transaction.atomic
def dossier_settle(*, dossier: DossierRecord, settled_on: date, by=None) -> DossierRecord:
    """Record the day the result was returned; the status follows from the due date."""
    dossier = lock_dossier(dossier)
    if by is not None:
        require(rules.can_record_desk(by, dossier.unit, clock.today()))
    if dossier.settled_on is not None:
        raise ValidationError(
            {
                "settled_on": _("Hồ sơ đã trả kết quả ngày %(day)s.")
                % {"day": day_text(dossier.settled_on)}
            }
        )
    raise_if(_settle_errors(dossier, settled_on))
    dossier.settled_on = settled_on
    _derive_status(dossier)
    save(dossier, by, update_fields=["settled_on", "status"])
    return dossier


@transaction.atomic
def dossier_excuse(*, dossier: DossierRecord, reason: str, by) -> DossierRecord:
    """The head of the officer's unit certifies an objective cause of a late dossier, so it
    is no delay of the officer; never for their own dossier."""
    dossier = lock_dossier(dossier)
    require(permissions.can_certify_delay(by, dossier.officer, dossier.settled_on or clock.today()))
    errors: dict[str, str] = {}
    if dossier.status != DossierStatus.LATE:
        errors["dossier"] = _("Chỉ xác nhận nguyên nhân khách quan cho hồ sơ đã trả trễ hạn.")
    elif dossier.excused:
        errors["dossier"] = _("Hồ sơ này đã được xác nhận nguyên nhân khách quan.")
    else:
        errors |= locked_day_errors(dossier.organisation_id, dossier.settled_on, "dossier")
    if not reason.strip():
        errors["excuse_reason"] = _("Nêu nguyên nhân khách quan.")
    raise_if(errors)
    dossier.excused = True
    dossier.excuse_reason = reason.strip()
    dossier.excused_by = by
    save(dossier, by, update_fields=["excused", "excuse_reason", "excused_by"])
    return dossier


def _worked_in(employee: Employee, unit: Unit, year: int, month: int) -> bool:
    """Did `employee` work in `unit` on some day of the month? 1 query."""
    first, last = month_bounds(year, month)
    return employee.assignments.filter(hr_selectors.overlapping(first, last), unit=unit).exists()


@transaction.atomic
def dossier_count_record(
    *,
    unit: Unit,
    year: int,
    month: int,
    on_time: int,
    late: int,
    officer: Employee | None = None,
    by=None,
) -> DossierMonthlyCount:
    """Record (or correct) a unit's reported counts for a month; they replace the unit's
    individual dossier records of that month in every count. `officer`, when given, is
    the one-stop officer reporting them: someone working in the unit that month."""
    if by is not None:
        require(rules.can_record_desk(by, unit, clock.today()))
    errors: dict[str, str] = {}
    if not 1 <= month <= 12:
        errors["month"] = _("Tháng phải từ 1 đến 12.")
    elif date(year, month, 1) > clock.today():
        errors["month"] = _("Tháng %(month)02d/%(year)s chưa tới.") % {"month": month, "year": year}
    else:
        errors |= locked_day_errors(unit.organisation_id, date(year, month, 1), "month")
        if officer is not None and not _worked_in(officer, unit, year, month):
            errors["officer"] = _(
                "%(name)s không công tác tại %(unit)s trong tháng %(month)02d/%(year)s."
            ) % {
                "name": officer.full_name,
                "unit": unit,
                "month": month,
                "year": year,
            }
    for name, value in (("on_time", on_time), ("late", late)):
        if value < 0:
            errors[name] = _("Số hồ sơ phải là số nguyên không âm.")
    raise_if(errors)
    row = (
        DossierMonthlyCount.objects.select_for_update(of=("self",))
        .filter(unit=unit, year=year, month=month)
        .first()
    ) or DossierMonthlyCount(organisation=unit.organisation, unit=unit, year=year, month=month)
    row.on_time, row.late, row.officer, row.recorded_by = on_time, late, officer, by
    row.full_clean(validate_constraints=row.pk is None)
    save(row, by)
    return row
