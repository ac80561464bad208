"""The year's inspection plan: issuing it and adding its scheduled inspections (lines);
inspections are linked to their line when planned (`inspection_plan`)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from discipline import permissions as rules
from discipline.models import InspectionKind, InspectionPlan, InspectionPlanLine
from hrsystem import clock
from hrsystem.models import Employee, Organisation, Unit
from hrsystem.service_checks import raise_if, require, save

from .inspections import inspection_head_errors


def plan_quarter_start(year: int, quarter: int) -> date:
    return date(year, 3 * quarter - 2, 1)


@transaction.atomic
def inspection_year_plan_issue(
    *, organisation: Organisation, year: int, number: str, issued_on: date, by=None
) -> InspectionPlan:
    """Record the year's inspection plan of the agency; by its HR officer or an inspector
    of the agency."""
    if by is not None:
        require(rules.may_plan_inspections(by, organisation, clock.today()))
    errors: dict[str, str] = {}
    if not number.strip():
        errors["number"] = _("Nhập số kế hoạch.")
    if issued_on.year not in (year - 1, year):
        errors["issued_on"] = _("Kế hoạch năm %(year)s ban hành cuối năm trước hoặc trong năm.") % {
            "year": year
        }
    if InspectionPlan.objects.filter(organisation=organisation, year=year).exists():
        errors["year"] = _("Cơ quan đã có kế hoạch kiểm tra của năm %(year)s.") % {"year": year}
    raise_if(errors)
    plan = InspectionPlan(
        organisation=organisation,
        year=year,
        number=number.strip(),
        issued_on=issued_on,
        created_by=by,
    )
    plan.full_clean()
    save(plan, by)
    return plan


@transaction.atomic
def inspection_plan_line_add(
    *,
    plan: InspectionPlan,
    quarter: int,
    unit: Unit,
    lead: Employee,
    kind: str,
    content: str,
    by=None,
) -> InspectionPlanLine:
    """Add a scheduled inspection to the plan: the unit inspected in a quarter, who leads
    it (an inspector who may head a team on the quarter's first day) and the kind."""
    plan = InspectionPlan.objects.select_for_update().select_related("organisation").get(pk=plan.pk)
    if by is not None:
        require(rules.may_plan_inspections(by, plan.organisation, clock.today()))
    errors: dict[str, str] = {}
    if not 1 <= quarter <= 4:
        errors["quarter"] = _("Quý phải từ 1 đến 4.")
    if unit.organisation_id != plan.organisation_id:
        errors["unit"] = _("Đơn vị được kiểm tra phải thuộc %(agency)s.") % {
            "agency": plan.organisation
        }
    if kind not in InspectionKind.values:
        errors["kind"] = _("Chọn hình thức kiểm tra.")
    if not content.strip():
        errors["content"] = _("Nhập nội dung kiểm tra.")
    if "quarter" not in errors:
        on = max(plan_quarter_start(plan.year, quarter), plan.issued_on)
        errors |= {
            "lead" if field == "head" else field: message
            for field, message in inspection_head_errors(lead, plan.organisation, on).items()
        }
    raise_if(errors)
    line = InspectionPlanLine(
        plan=plan, quarter=quarter, unit=unit, lead=lead, kind=kind, content=content.strip()
    )
    line.full_clean()
    save(line, by)
    return line
