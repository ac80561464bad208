"""The violation catalogue: items, their checks and dated revisions."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from discipline import permissions as rules
from discipline.models import (
    AppliesTo,
    ViolationCatalogueItem,
)
from hrsystem.models import (
    Organisation,
)
from hrsystem.service_checks import day_text, require, save

ONE_DAY = timedelta(days=1)


CATALOGUE_FIELDS = {
    "description",
    "legal_basis",
    "default_points",
    "criterion_code",
    "criterion_name",
    "cap_level",
    "applies_to",
    "serious",
    "office_culture",
    "checklist",
    "evidence_required",
    "effective_to",
}


"""Catalogue fields `catalogue_item_revise` may change."""


def _may_edit_catalogue(by, organisation: Organisation | None) -> bool:
    if organisation is None:
        return by.is_superuser
    return rules.manages(by, organisation)


def _criterion_named(item: ViolationCatalogueItem) -> None:
    """Raise ValidationError unless the item names its criterion exactly when it has one."""
    if item.criterion_code and not item.criterion_name:
        raise ValidationError(
            {"criterion_name": _("Nhập tên tiêu chí bị trừ điểm để người đọc hiểu mã tiêu chí.")}
        )
    if item.criterion_name and not item.criterion_code:
        raise ValidationError(
            {"criterion_name": _("Chỉ nhập tên tiêu chí khi có mã tiêu chí bị trừ.")}
        )


def catalogue_item_validate(item: ViolationCatalogueItem) -> None:
    """Raise ValidationError naming the field when an item breaks a rule: fields and
    constraints, or an interval overlapping another version of the same code."""
    item.full_clean()
    clash = (
        ViolationCatalogueItem.objects.filter(
            code=item.code,
            organisation=item.organisation_id,
            effective_from__lte=item.effective_to or date.max,
        )
        .exclude(effective_to__lt=item.effective_from)
        .exclude(pk=item.pk)
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {
                "effective_from": _(
                    "Phiên bản %(version)s của mã %(code)s đang áp dụng từ %(start)s đến "
                    "%(end)s: hãy chọn thời gian không trùng."
                )
                % {
                    "version": clash.version,
                    "code": clash.code,
                    "start": day_text(clash.effective_from),
                    "end": day_text(clash.effective_to),
                }
            }
        )


@transaction.atomic
def catalogue_item_create(
    *,
    code: str,
    description: str,
    legal_basis: str,
    default_points: Decimal,
    effective_from: date,
    organisation: Organisation | None = None,
    criterion_code: str | None = None,
    criterion_name: str = "",
    cap_level: str | None = None,
    applies_to: str = AppliesTo.PERSON,
    serious: bool = False,
    office_culture: bool = True,
    checklist: bool = False,
    evidence_required: bool = False,
    effective_to: date | None = None,
    by=None,
) -> ViolationCatalogueItem:
    """Add a catalogue entry (version 1) for an agency, or province-wide (superuser only)."""
    if by is not None:
        require(_may_edit_catalogue(by, organisation))
    item = ViolationCatalogueItem(
        organisation=organisation,
        code=code.strip(),
        version=1,
        description=description.strip(),
        legal_basis=legal_basis.strip(),
        default_points=default_points,
        criterion_code=criterion_code or None,
        criterion_name=(criterion_name or "").strip(),
        cap_level=cap_level or None,
        applies_to=applies_to,
        serious=serious,
        office_culture=office_culture,
        checklist=checklist,
        evidence_required=evidence_required,
        effective_from=effective_from,
        effective_to=effective_to,
    )
    if ViolationCatalogueItem.objects.filter(code=item.code, organisation=organisation).exists():
        raise ValidationError(
            {
                "code": _(
                    "Danh mục đã có mã %(code)s: hãy sửa mục đó (hệ thống tạo phiên bản mới "
                    "nếu mục đã được dùng)."
                )
                % {"code": item.code}
            }
        )
    _criterion_named(item)
    catalogue_item_validate(item)
    save(item, by)
    return item


@transaction.atomic
def catalogue_item_revise(
    *, item: ViolationCatalogueItem, effective_from: date | None = None, by=None, **changes
) -> ViolationCatalogueItem:
    """Change a catalogue entry without rewriting history; returns the row now in force.

    An item no violation uses is changed in place. A used item is never rewritten: the
    change becomes version + 1 from `effective_from` (required, after the old version's
    start) and the old version ends the day before.
    """
    if by is not None:
        require(_may_edit_catalogue(by, item.organisation))
    unknown = set(changes) - CATALOGUE_FIELDS
    if unknown:
        raise TypeError(f"cannot change {sorted(unknown)} here")
    item = ViolationCatalogueItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
    if not item.violations.exists():
        for name, value in changes.items():
            setattr(item, name, value)
        if effective_from is not None:
            item.effective_from = effective_from
        _criterion_named(item)
        catalogue_item_validate(item)
        save(item, by)
        return item
    if effective_from is None or effective_from <= item.effective_from:
        raise ValidationError(
            {
                "effective_from": _(
                    "Mã %(code)s đã được dùng cho vi phạm: hãy nhập ngày áp dụng phiên bản "
                    "mới, sau ngày %(start)s."
                )
                % {"code": item.code, "start": day_text(item.effective_from)}
            }
        )
    latest = (
        ViolationCatalogueItem.objects.filter(code=item.code, organisation=item.organisation_id)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    revised = ViolationCatalogueItem(
        organisation=item.organisation,
        code=item.code,
        version=latest + 1,
        effective_from=effective_from,
        **{name: getattr(item, name) for name in CATALOGUE_FIELDS},
    )
    for name, value in changes.items():
        setattr(revised, name, value)
    item.effective_to = effective_from - ONE_DAY
    catalogue_item_validate(item)
    save(item, by, update_fields=["effective_to"])
    _criterion_named(revised)
    catalogue_item_validate(revised)
    save(revised, by)
    return revised


def _item_errors(
    item: ViolationCatalogueItem, organisation: Organisation, on: date, against_unit: bool
) -> dict[str, str]:
    if item.organisation_id not in (None, organisation.pk):
        return {"item": _("Hành vi này thuộc danh mục của cơ quan khác.")}
    if item.effective_from > on or (item.effective_to is not None and item.effective_to < on):
        return {
            "item": _("“%(item)s” không áp dụng vào ngày %(day)s.")
            % {"item": item.description, "day": day_text(on)}
        }
    wanted = AppliesTo.UNIT if against_unit else AppliesTo.PERSON
    if item.applies_to not in (wanted, AppliesTo.BOTH):
        if against_unit:
            return {"item": _("Hành vi này chỉ ghi nhận đối với cá nhân, không đối với đơn vị.")}
        return {"item": _("Hành vi này chỉ ghi nhận đối với đơn vị, không đối với cá nhân.")}
    return {}
