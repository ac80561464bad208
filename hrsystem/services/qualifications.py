"""Qualifications of people (degrees, training, certificates), kept by HR."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from hrsystem import clock, permissions
from hrsystem.models import QUALIFICATION_LEVELS, Employee, Qualification, QualificationKind
from hrsystem.service_checks import day_text, raise_if, require, save


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
    raise_if(errors)
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
