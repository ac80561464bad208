"""Checklist inspections: each catalogue item marked for checklists is checked met / not
met in each unit of an inspection's scope, with its note and evidence."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from discipline import permissions as rules
from discipline import selectors
from discipline.models import (
    Inspection,
    InspectionCheck,
    InspectionStatus,
    ViolationCatalogueItem,
)
from hrsystem import clock
from hrsystem.models import Unit
from hrsystem.service_checks import raise_if, require, save

from .common import _in_subtree


@transaction.atomic
def inspection_check(
    *,
    inspection: Inspection,
    unit: Unit,
    item: ViolationCatalogueItem,
    met: bool,
    note: str = "",
    evidence=None,
    by=None,
) -> InspectionCheck:
    """A team member marks a checklist item met or not met in a unit of the scope, today.

    Evidence is required where the catalogue item says so (a new file, or the one the
    earlier check of the same item kept); a "not met" needs a note. Checking the same item
    again in the same unit replaces the answer; the history keeps the earlier one.
    """
    inspection = Inspection.objects.select_for_update(of=("self",)).get(pk=inspection.pk)
    today = clock.today()
    if by is not None:
        require(rules.can_record_finding(by, inspection, unit, today))
    errors: dict[str, str] = {}
    if inspection.status != InspectionStatus.IN_PROGRESS:
        errors["inspection"] = _("Chỉ kiểm tra theo danh mục khi đợt kiểm tra đang diễn ra.")
    if not _in_subtree(unit, inspection.scope.all()):
        errors["unit"] = _("%(unit)s không thuộc phạm vi đợt kiểm tra.") % {"unit": unit.name}
    in_force = {
        entry.pk
        for entry in selectors.checklist_items(organisation=inspection.organisation, on=today)
    }
    if item.pk not in in_force:
        errors["item"] = _("Mục “%(item)s” không có trong danh mục kiểm tra đang áp dụng.") % {
            "item": item.description
        }
    check = InspectionCheck.objects.filter(inspection=inspection, unit=unit, item=item).first()
    kept = check.evidence if check is not None else None
    if item.evidence_required and not evidence and not kept:
        errors["evidence"] = _("Mục “%(item)s” bắt buộc kèm minh chứng (ảnh hoặc tệp).") % {
            "item": item.description
        }
    if not met and not note.strip():
        errors["note"] = _("Ghi rõ nội dung chưa đạt.")
    raise_if(errors)
    if check is None:
        check = InspectionCheck(inspection=inspection, unit=unit, item=item)
    check.met = met
    check.note = note.strip()
    if evidence:
        check.evidence = evidence
    check.checked_on = today
    check.checked_by = by
    check.full_clean(validate_constraints=check.pk is None)
    save(check, by)
    return check
