"""Inspections: planning one (head and team), starting and closing it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from discipline import permissions as rules
from discipline.models import (
    DisciplinePolicy,
    Inspection,
    InspectionPlanLine,
    InspectionStatus,
)
from hrsystem import clock, permissions
from hrsystem import selectors as hr_selectors
from hrsystem.models import (
    Assignment,
    Employee,
    Organisation,
    Role,
    RoleGrant,
    Unit,
)
from hrsystem.service_checks import day_text, raise_if, require, save


def inspection_head_errors(head: Employee, organisation: Organisation, on: date) -> dict[str, str]:
    """Why `head` may not head an inspection team of `organisation` on `on` ({} if they may).

    The head must hold the inspector role (tổ kiểm tra công vụ) in the agency that day and,
    when the agency names its Internal Affairs unit in `DisciplinePolicy`, work in that unit
    or a unit below it.
    """
    holds_role = (
        head.user_id is not None
        and RoleGrant.objects.filter(
            hr_selectors.active_on(on),
            user=head.user_id,
            role=Role.INSPECTOR,
            organisation=organisation,
        ).exists()
    )
    if not holds_role:
        return {
            "head": _(
                "%(name)s không giữ vai trò tổ kiểm tra công vụ của %(agency)s vào ngày "
                "%(day)s: trưởng đoàn phải do cơ quan Nội vụ giao."
            )
            % {"name": head.full_name, "agency": organisation, "day": day_text(on)}
        }
    office = (
        DisciplinePolicy.objects.filter(
            organisation=organisation, internal_affairs_unit__isnull=False
        )
        .values_list("internal_affairs_unit__path", "internal_affairs_unit__name")
        .first()
    )
    if office is not None:
        path, name = office
        unit = hr_selectors.unit_of(head, on=on)
        if unit is None or not unit.path.startswith(path):
            return {
                "head": _("Trưởng đoàn phải là công chức của %(office)s vào ngày %(day)s.")
                % {"office": name, "day": day_text(on)}
            }
    return {}


def _team_errors(members: list[Employee], organisation: Organisation, on: date) -> dict:
    working = set(
        Assignment.objects.filter(
            hr_selectors.active_on(on),
            employee__in=members,
            unit__organisation=organisation,
        ).values_list("employee_id", flat=True)
    )
    outsiders = [member.full_name for member in members if member.pk not in working]
    if outsiders:
        return {
            "members": _("%(names)s không công tác tại %(agency)s vào ngày %(day)s.")
            % {"names": ", ".join(outsiders), "agency": organisation, "day": day_text(on)}
        }
    return {}


def _plan_line_errors(
    line: InspectionPlanLine, organisation: Organisation, planned_on: date, scope: list[Unit]
) -> dict[str, str]:
    plan = line.plan
    if plan.organisation_id != organisation.pk or plan.year != planned_on.year:
        return {
            "plan_line": _("Dòng kế hoạch phải thuộc kế hoạch năm %(year)s của cơ quan.")
            % {"year": planned_on.year}
        }
    if all(unit.pk != line.unit_id for unit in scope):
        return {
            "plan_line": _("Đơn vị %(unit)s của dòng kế hoạch phải thuộc phạm vi kiểm tra.")
            % {"unit": line.unit.name}
        }
    return {}


@transaction.atomic
def inspection_plan(
    *,
    organisation: Organisation,
    title: str,
    kind: str,
    planned_on: date,
    scope: Iterable[Unit],
    head: Employee,
    members: Iterable[Employee] = (),
    plan_reference: str = "",
    plan_line: InspectionPlanLine | None = None,
    by=None,
) -> Inspection:
    """Plan a regular or surprise inspection of `scope` by a team headed by `head`, as the
    line `plan_line` of the year's plan when given (its unit in the scope, same year).

    Planned by an inspector holding the inspection right on every unit of the scope, or
    by the agency's HR officer.
    """
    scope = list(scope)
    members = [member for member in members if member.pk != head.pk]
    if by is not None:
        require(
            (scope and all(permissions.can_inspect(by, unit, planned_on) for unit in scope))
            or rules.manages(by, organisation)
        )
    inspection = Inspection(
        organisation=organisation,
        title=title.strip(),
        kind=kind,
        planned_on=planned_on,
        plan_reference=plan_reference.strip(),
        plan_line=plan_line,
        head=head,
        created_by=by,
    )
    inspection.full_clean()
    errors: dict[str, str] = {}
    if not scope:
        errors["scope"] = _("Chọn ít nhất một đơn vị được kiểm tra.")
    elif any(unit.organisation_id != organisation.pk for unit in scope):
        errors["scope"] = _("Đơn vị được kiểm tra phải thuộc %(agency)s.") % {
            "agency": organisation
        }
    errors |= inspection_head_errors(head, organisation, planned_on)
    errors |= _team_errors(members, organisation, planned_on)
    if plan_line is not None:
        errors |= _plan_line_errors(plan_line, organisation, planned_on, scope)
    raise_if(errors)
    save(inspection, by)
    inspection.scope.set(scope)
    inspection.members.set(members)
    return inspection


def _lock_inspection(inspection: Inspection) -> Inspection:
    return (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("head", "organisation")
        .get(pk=inspection.pk)
    )


@transaction.atomic
def inspection_start(*, inspection: Inspection, by=None) -> Inspection:
    """The team head opens the inspection today; findings may be recorded from then on."""
    inspection = _lock_inspection(inspection)
    if by is not None:
        require(inspection.head.user_id == by.pk)
    if inspection.status != InspectionStatus.PLANNED:
        raise ValidationError({"status": _("Đợt kiểm tra này đã bắt đầu hoặc đã kết thúc.")})
    inspection.status = InspectionStatus.IN_PROGRESS
    inspection.started_on = clock.today()
    save(inspection, by, update_fields=["status", "started_on"])
    return inspection


@transaction.atomic
def inspection_close(*, inspection: Inspection, report: str, by=None) -> Inspection:
    """The team head closes the inspection with its report; no finding is added after."""
    inspection = _lock_inspection(inspection)
    if by is not None:
        require(inspection.head.user_id == by.pk)
    errors: dict[str, str] = {}
    if inspection.status != InspectionStatus.IN_PROGRESS:
        errors["status"] = _("Chỉ kết thúc được đợt kiểm tra đang diễn ra.")
    if not report.strip():
        errors["report"] = _("Nhập báo cáo kết quả kiểm tra trước khi kết thúc.")
    raise_if(errors)
    inspection.status = InspectionStatus.CLOSED
    inspection.report = report.strip()
    inspection.closed_at = clock.now()
    save(inspection, by, update_fields=["status", "report", "closed_at"])
    return inspection
