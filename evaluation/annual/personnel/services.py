"""Writes of the personnel board: proposals to appoint, reappoint or rotate someone, and
versions of the agency's personnel rule. Keyword-only, atomic, `by` checked inside; each
writes a history row naming `by` and the reason given."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from evaluation.annual import permissions as annual_permissions
from evaluation.annual.personnel_models import PersonnelProposal, PersonnelRule, ProposalKind
from hrsystem import clock
from hrsystem import selectors as hr_selectors
from hrsystem.models import Employee, Organisation, PostKind, Unit
from hrsystem.service_checks import REASON_LENGTH, raise_if, require

from . import selectors

__all__ = ["personnel_proposal_create", "personnel_rule_save"]


def _save(row, by, reason: str) -> None:
    row.full_clean()
    row._history_user = by
    row._change_reason = reason[:REASON_LENGTH]
    row.save()


def _proposal_errors(
    organisation, employee, kind, from_unit, to_unit, post_kind, reason, today
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if kind not in ProposalKind.values:
        errors["kind"] = _("Chọn loại đề xuất: bổ nhiệm, bổ nhiệm lại hoặc luân chuyển.")
    if post_kind not in PostKind.values:
        errors["post_kind"] = _("Chọn chức vụ được đề xuất.")
    for name, unit in (("from_unit", from_unit), ("to_unit", to_unit)):
        if unit.organisation_id != organisation.pk:
            errors[name] = _("Đơn vị %(unit)s không thuộc cơ quan.") % {"unit": unit}
    if kind == ProposalKind.REAPPOINT and from_unit.pk != to_unit.pk:
        errors["to_unit"] = _("Bổ nhiệm lại là ở chính đơn vị đang giữ chức vụ.")
    if kind == ProposalKind.ROTATE and from_unit.pk == to_unit.pk:
        errors["to_unit"] = _("Luân chuyển phải đến một đơn vị khác.")
    unit_now = hr_selectors.unit_of(employee, on=today)
    if unit_now is None or unit_now.pk != from_unit.pk:
        errors["from_unit"] = _("%(person)s không công tác tại %(unit)s hôm nay.") % {
            "person": employee,
            "unit": from_unit,
        }
    if not (reason or "").strip():
        errors["reason"] = _("Phải ghi lý do đề xuất.")
    return errors


@transaction.atomic
def personnel_proposal_create(
    *,
    organisation: Organisation,
    employee: Employee,
    kind: str,
    from_unit: Unit,
    to_unit: Unit,
    post_kind: str,
    effective_on: date,
    reason: str,
    acknowledgement: str = "",
    by,
) -> PersonnelProposal:
    """Propose to appoint, reappoint or rotate `employee`; by the agency's HR officer or
    leader. When the agency's rule (or a bottom-level year of the unit the person comes
    from) warns, the proposal is refused unless `acknowledgement` says why it goes ahead;
    the warnings are kept with it."""
    today = clock.today()
    require(annual_permissions.can_read_personnel(by, organisation, today))
    raise_if(
        _proposal_errors(organisation, employee, kind, from_unit, to_unit, post_kind, reason, today)
    )
    rule, warnings = selectors.proposal_warnings(
        organisation=organisation,
        employee=employee,
        kind=kind,
        from_unit=from_unit,
        to_unit=to_unit,
        on=effective_on,
    )
    acknowledgement = (acknowledgement or "").strip()
    if warnings and not acknowledgement:
        raise ValidationError(
            {
                "acknowledgement": [
                    *warnings,
                    _("Muốn vẫn đề xuất, hãy ghi lý do vẫn đề xuất dù có cảnh báo."),
                ]
            }
        )
    proposal = PersonnelProposal(
        organisation=organisation,
        employee=employee,
        kind=kind,
        from_unit=from_unit,
        to_unit=to_unit,
        post_kind=post_kind,
        effective_on=effective_on,
        reason=reason.strip(),
        rule=rule if rule.pk else None,
        warnings=warnings,
        warned=bool(warnings),
        acknowledgement=acknowledgement if warnings else "",
        proposed_by=by,
        proposed_at=clock.now(),
    )
    _save(proposal, by, acknowledgement if warnings else proposal.reason)
    return proposal


RULE_FIELDS = (
    "enabled",
    "years_counted",
    "reappoint_person_levels",
    "reappoint_unit_levels",
    "rotation_person_levels",
    "rotation_unit_levels",
    "legal_basis",
)


@transaction.atomic
def personnel_rule_save(
    *,
    organisation: Organisation,
    effective_from: date,
    note: str,
    by,
    **fields,
) -> PersonnelRule:
    """Issue the agency's version of the personnel rule in effect from `effective_from`
    (or correct the version of that day while no proposal has used it); by its HR
    officer, with `note` saying why."""
    unknown = sorted(set(fields) - set(RULE_FIELDS))
    if unknown:
        raise TypeError(f"PersonnelRule has no field {', '.join(unknown)}")
    require(annual_permissions.can_edit_personnel_rule(by, organisation, clock.today()))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Phải ghi lý do ban hành, thay đổi quy định.")})
    rule = (
        PersonnelRule.objects.select_for_update()
        .filter(organisation=organisation, effective_from=effective_from)
        .first()
    )
    if rule is None:
        rule = PersonnelRule(organisation=organisation, effective_from=effective_from)
    elif rule.proposals.exists():
        raise ValidationError(
            {
                "effective_from": _(
                    "Phiên bản từ ngày %(day)s đã được dùng cho đề xuất: hãy ban hành phiên "
                    "bản mới từ một ngày sau."
                )
                % {"day": effective_from.strftime("%d/%m/%Y")}
            }
        )
    for name, value in fields.items():
        setattr(rule, name, value.strip() if isinstance(value, str) else value)
    rule.note = note
    rule.recorded_by = by
    _save(rule, by, note)
    return rule
