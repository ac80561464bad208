"""Qualifications of people (degrees, training, certificates), kept by HR."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from hrsystem import clock, permissions
from hrsystem.models import (
    QUALIFICATION_LEVELS,
    Assignment,
    Employee,
    Organisation,
    Qualification,
    QualificationKind,
)
from hrsystem.service_checks import current_reason, day_text, raise_if, require, save


def _errors(kind: str, level: str, awarded_on: date, evidence: str, field: str) -> dict:
    errors: dict[str, str] = {}
    if kind not in QualificationKind.values:
        errors["kind"] = _("Chọn loại văn bằng, chứng chỉ.")
    elif level not in dict(QUALIFICATION_LEVELS[kind]):
        errors["level"] = _("Trình độ này không thuộc loại %(kind)s.") % {
            "kind": QualificationKind(kind).label
        }
    if awarded_on > clock.today():
        errors["awarded_on"] = _("Ngày cấp %(day)s chưa tới.") % {"day": day_text(awarded_on)}
    if not evidence.strip():
        errors["evidence"] = _("Nhập số hiệu văn bằng, chứng chỉ làm minh chứng.")
    if kind == QualificationKind.PROFESSIONAL and not field.strip():
        errors["field"] = _("Nhập chuyên ngành đào tạo.")
    return errors


@transaction.atomic
def qualification_record(
    *,
    employee: Employee,
    kind: str,
    level: str,
    awarded_on: date,
    evidence: str,
    field: str = "",
    institution: str = "",
    evidence_file=None,
    by=None,
) -> Qualification:
    """Record a degree, training or certificate of `employee`, with its scan when given
    (JPEG, PNG or PDF, checked by content and size); by HR of their agency (never for
    oneself)."""
    if by is not None:
        require(permissions.can_manage_employee(by, employee))
    raise_if(_errors(kind, level, awarded_on, evidence, field))
    row = Qualification(
        employee=employee,
        kind=kind,
        level=level,
        field=field.strip(),
        institution=institution.strip(),
        awarded_on=awarded_on,
        evidence=evidence.strip(),
        evidence_file=evidence_file,
        recorded_by=by,
    )
    row.full_clean()
    save(row, by)
    return row


QUALIFICATION_EDITABLE = ("level", "field", "institution", "awarded_on", "evidence")


@transaction.atomic
def qualification_update(*, qualification: Qualification, by=None, **changes) -> Qualification:
    """Correct a recorded qualification (`level`, `field`, `institution`, `awarded_on`,
    `evidence`); by HR of the person's agency (never for oneself)."""
    if by is not None:
        require(permissions.can_manage_employee(by, qualification.employee))
    require(set(changes) <= set(QUALIFICATION_EDITABLE))
    for name, value in changes.items():
        setattr(qualification, name, value.strip() if isinstance(value, str) else value)
    row = qualification
    raise_if(_errors(row.kind, row.level, row.awarded_on, row.evidence, row.field))
    row.full_clean()
    row.recorded_by = by or row.recorded_by
    save(row, by)
    return row


QUALIFICATION_BATCH = 2000


@transaction.atomic
def qualification_record_many(
    *, organisation: Organisation, rows: list[dict], by=None
) -> list[Qualification]:
    """Record many qualifications at once (the organisation import): each row holds
    `qualification_record`'s keywords. The same rules for the whole set, with one query
    to check that every person's latest assignment is in `organisation`; written with bulk inserts
    and their history rows (`by`, the enclosing `audit_reason`). Every bad row is
    reported, keyed `rows[i].field`; one bad row and nothing is written. `by` must keep
    the agency and may not record their own."""
    if by is not None:
        require(permissions.can_manage_org(by, organisation))
        require(all(row["employee"].user_id != by.pk for row in rows))
    latest = (
        Assignment.objects.filter(employee__in={row["employee"].pk for row in rows})
        .order_by("employee_id", "start")
        .values_list("employee_id", "unit__organisation_id")
    )
    agency_of = dict(latest)  # each person's latest assignment's agency
    errors: dict[str, list[str]] = {}
    made = []
    for index, row in enumerate(rows):
        found = _errors(
            row["kind"], row["level"], row["awarded_on"], row["evidence"], row.get("field", "")
        )
        if agency_of.get(row["employee"].pk) != organisation.pk:
            found["employee"] = _("%(name)s không làm việc ở cơ quan này.") % {
                "name": row["employee"].full_name
            }
        record = Qualification(
            employee=row["employee"],
            kind=row["kind"],
            level=row["level"],
            field=row.get("field", "").strip(),
            institution=row.get("institution", "").strip(),
            awarded_on=row["awarded_on"],
            evidence=row["evidence"].strip(),
            recorded_by=by,
        )
        try:
            record.clean_fields(exclude=["employee", "recorded_by"])
        except ValidationError as error:
            for name, texts in error.message_dict.items():
                found.setdefault(name, texts[0])
        for name, text in found.items():
            errors.setdefault(f"rows[{index}].{name}", []).append(text)
        made.append(record)
    if errors:
        raise ValidationError(errors)
    history = {"default_user": by, "default_change_reason": current_reason()}
    return bulk_create_with_history(made, Qualification, batch_size=QUALIFICATION_BATCH, **history)
