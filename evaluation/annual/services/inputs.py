"""The year's inputs, recorded and edited by the agency's HR officer: recognised
initiatives and accepted research, maternity and sick-leave months, concluded
degradation, corruption, embezzlement and waste cases handled in a unit.

Each write names `by` (checked: HR of the agency, never on their own record), carries
the document behind it, and writes a history row with the reason given; a refusal
writes nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from evaluation.annual import locks, models
from hrsystem import clock, permissions
from hrsystem.models import Assignment, Employee, Organisation
from hrsystem.service_checks import require

DOCUMENT_FIELDS = ("document_number", "document_date", "issuer", "document_file", "note")

EDITABLE = {
    models.Initiative: ("kind", "title", *DOCUMENT_FIELDS),
    models.MaternityLeave: ("kind", "months", *DOCUMENT_FIELDS),
    models.DegradationConclusion: DOCUMENT_FIELDS,
    models.CorruptionCase: ("kind", "summary", *DOCUMENT_FIELDS),
}
"""What an edit may change: the person (or unit) and the year of a record stay; a
record made for the wrong one is deleted in the admin, with its history."""


def _check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Phải ghi rõ lý do.")})
    return reason


def _check_year(year) -> None:
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Năm phải từ 2000 đến 2100.")})


def _check_person(by, organisation: Organisation, employee: Employee, year: int) -> None:
    """HR of the agency, never on their own record; the person worked there in the year."""
    require(permissions.can_manage_org(by, organisation))
    if employee.user_id is not None and employee.user_id == getattr(by, "pk", None):
        require(False)
    worked = Assignment.objects.filter(
        employee=employee,
        unit__organisation=organisation,
        start__lte=date(year, 12, 31),
    ).exclude(end__lt=date(year, 1, 1))
    if not worked.exists():
        raise ValidationError(
            {
                "employee": _("%(person)s không công tác tại cơ quan trong năm %(year)s.")
                % {"person": employee, "year": year}
            }
        )


def _months(months) -> list[int]:
    if not isinstance(months, list | tuple) or not months:
        raise ValidationError({"months": _("Phải ghi ít nhất một tháng (1 đến 12).")})
    if any(isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= 12 for m in months):
        raise ValidationError({"months": _("Mỗi tháng phải là số từ 1 đến 12.")})
    if len(set(months)) != len(months):
        raise ValidationError({"months": _("Một tháng được ghi hai lần.")})
    return sorted(months)


def _document(document_number, issuer) -> None:
    errors = {}
    if not (document_number or "").strip():
        errors["document_number"] = _("Phải ghi số văn bản (quyết định, kết luận) làm căn cứ.")
    if not (issuer or "").strip():
        errors["issuer"] = _("Phải ghi cơ quan, người ban hành văn bản.")
    if errors:
        raise ValidationError(errors)


def _store(record, by, reason: str) -> None:
    """Validate every field and constraint, then save with `by` and `reason` in history."""
    record.full_clean()
    record._history_user = by
    record._change_reason = reason
    record.save()


def _new(model, *, by, reason, organisation, year, subject, **fields):
    unknown = sorted(set(fields) - set(EDITABLE[model]))
    if unknown:
        raise TypeError(f"{model.__name__} has no input field {', '.join(unknown)}")
    reason = _check_reason(reason)
    cleaned = input_validate(
        model=model, by=by, organisation=organisation, year=year, subject=subject, fields=fields
    )
    target = "unit" if model is models.CorruptionCase else "employee"
    record = model(
        organisation=organisation,
        year=year,
        recorded_by=by,
        recorded_at=clock.now(),
        **{target: subject},
        **{k: v for k, v in cleaned.items() if v is not None},
    )
    _store(record, by, reason)
    return record


def input_validate(*, model, by, organisation: Organisation, year, subject, fields: dict) -> dict:
    """Every check of recording `model` for `subject` (a person, or a unit for a case)
    without writing: rights, the year, the person's or unit's agency, the document, the
    months; returns the cleaned fields. The record functions and the admin's form call it."""
    _check_year(year)
    locks.ensure_open(organisation, year)
    if model is models.CorruptionCase:
        require(permissions.can_manage_org(by, organisation))
        if subject.organisation_id != organisation.pk:
            raise ValidationError({"unit": _("Đơn vị không thuộc cơ quan.")})
        if not (fields.get("summary") or "").strip():
            raise ValidationError({"summary": _("Phải tóm tắt vụ việc.")})
    else:
        _check_person(by, organisation, subject, year)
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    if model is models.Initiative and not cleaned.get("title"):
        raise ValidationError({"title": _("Phải ghi tên sáng kiến, đề tài.")})
    if model is models.MaternityLeave:
        cleaned["months"] = _months(cleaned.get("months"))
    _document(cleaned.get("document_number"), cleaned.get("issuer"))
    return cleaned


@transaction.atomic
def initiative_record(*, organisation, employee, year, by, reason, **fields) -> models.Initiative:
    """Record a recognised initiative or accepted research: `title`, `kind`, and the
    recognition (acceptance) decision, required: `document_number`, `document_date`,
    `issuer` (optional `document_file`, `note`)."""
    return _new(
        models.Initiative,
        by=by,
        reason=reason,
        organisation=organisation,
        year=year,
        subject=employee,
        **fields,
    )


@transaction.atomic
def maternity_record(
    *, organisation, employee, year, by, reason, **fields
) -> models.MaternityLeave:
    """Record `months` of maternity leave (or sick leave under social insurance, `kind`),
    counted as months worked in the year, with the document behind them."""
    return _new(
        models.MaternityLeave,
        by=by,
        reason=reason,
        organisation=organisation,
        year=year,
        subject=employee,
        **fields,
    )


@transaction.atomic
def degradation_record(
    *, organisation, employee, year, by, reason, **fields
) -> models.DegradationConclusion:
    """Record the competent authority's conclusion of degradation for the year."""
    return _new(
        models.DegradationConclusion,
        by=by,
        reason=reason,
        organisation=organisation,
        year=year,
        subject=employee,
        **fields,
    )


@transaction.atomic
def corruption_case_record(
    *, organisation, unit, year, by, reason, **fields
) -> models.CorruptionCase:
    """Record a corruption, embezzlement or waste case (`kind`, `summary`) handled in
    `unit` in the year, with the document behind it."""
    return _new(
        models.CorruptionCase,
        by=by,
        reason=reason,
        organisation=organisation,
        year=year,
        subject=unit,
        **fields,
    )


@transaction.atomic
def annual_input_update(*, record, by, reason: str, **changes):
    """Edit one annual input (any of the four kinds) with a written reason; only the
    fields of `EDITABLE` change, the person or unit and the year stay."""
    model = type(record)
    allowed = EDITABLE.get(model)
    if allowed is None:
        raise TypeError(f"{model.__name__} is not an annual input")
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise ValidationError({name: _("Không sửa được trường này.") for name in unknown})
    reason = _check_reason(reason)
    record = model.objects.select_for_update().get(pk=record.pk)
    employee = getattr(record, "employee", None)
    if employee is not None:
        _check_person(by, record.organisation, employee, record.year)
    else:
        require(permissions.can_manage_org(by, record.organisation))
    locks.ensure_open(record.organisation, record.year)
    if "months" in changes:
        changes["months"] = _months(changes["months"])
    for name, value in changes.items():
        setattr(record, name, value.strip() if isinstance(value, str) else value)
    _document(record.document_number, record.issuer)
    _store(record, by, reason)
    return record


SCALE = Decimal(100)
"""A month's total is out of 100 points (every rule set's blocks make 100)."""


@transaction.atomic
def transferred_months_record(
    *, organisation: Organisation, rows: list[dict], by, reason: str
) -> list[models.TransferredMonth]:
    """Record the months people transferred in worked at their former agency, with the
    result it stored (`evaluation.annual.transfers` reads them from its spreadsheet).

    Each row: employee, year, month, source_agency, total (None: not rated), level ("":
    not rated), document_number (the former agency's confirmation). HR of the receiving
    agency, never for themselves; the person's latest assignment is in it and began
    after the month (a month worked here is this agency's own); the month is past and
    not recorded yet (recorded months are read-only); the total at most 100 and a level
    only with a total. Checked for every row in a constant number of queries; every bad
    row reported, keyed `rows[i].field`; one bad row and nothing is written. Written in
    bulk with history rows naming `by` and `reason`.
    """
    reason = _check_reason(reason)
    require(permissions.can_manage_org(by, organisation))
    require(all(row["employee"].user_id != by.pk for row in rows))
    ids = {row["employee"].pk for row in rows}
    placements = (
        Assignment.objects.filter(employee__in=ids)
        .order_by("employee_id", "start")
        .values_list("employee_id", "unit__organisation_id", "start")
    )
    latest: dict[int, int] = {}
    arrived: dict[int, date] = {}
    for employee_id, agency_id, start in placements:
        latest[employee_id] = agency_id
        if agency_id == organisation.pk:
            arrived.setdefault(employee_id, start)
    stored = set(
        models.TransferredMonth.objects.filter(employee__in=ids).values_list(
            "employee_id", "year", "month"
        )
    )
    published = {
        year for year in {row["year"] for row in rows} if locks.is_published(organisation, year)
    }
    today = clock.today()
    errors: dict[str, list[str]] = {}
    made: list[models.TransferredMonth] = []
    for index, row in enumerate(rows):
        employee, year, month = row["employee"], row["year"], row["month"]
        found: dict[str, str] = {}
        if latest.get(employee.pk) != organisation.pk:
            found["employee"] = _("%(person)s không công tác tại cơ quan này.") % {
                "person": employee
            }
        if not 2000 <= year <= 2100:
            found["year"] = _("Năm phải từ 2000 đến 2100.")
        elif year in published:
            found["year"] = _(
                "Kết quả năm %(year)s đã được công bố và khoá; phải mở lại năm "
                "(có lý do) trước khi thay đổi."
            ) % {"year": year}
        if not 1 <= month <= 12:
            found["month"] = _("Tháng phải từ 1 đến 12.")
        elif "year" not in found:
            first = date(year, month, 1)
            if first > today:
                found["month"] = _("Tháng %(month)s/%(year)s chưa tới.") % {
                    "month": month,
                    "year": year,
                }
            elif employee.pk in arrived and first >= arrived[employee.pk]:
                found["month"] = _(
                    "%(person)s đã công tác tại cơ quan này từ %(day)s: tháng này là kết quả "
                    "của cơ quan, không nhập từ cơ quan cũ."
                ) % {"person": employee, "day": arrived[employee.pk].strftime("%d/%m/%Y")}
            elif (employee.pk, year, month) in stored:
                found["month"] = _(
                    "Đã nhập kết quả tháng %(month)s/%(year)s của người này; kết quả đã nhập "
                    "chỉ đọc, không sửa được."
                ) % {"month": month, "year": year}
        total, level = row.get("total"), row.get("level") or ""
        if total is not None and not Decimal(0) <= total <= SCALE:
            found["total"] = _("Tổng điểm phải từ 0 đến %(max)s.") % {"max": SCALE}
        if level and total is None:
            found["total"] = _("Có mức xếp loại thì phải có tổng điểm.")
        if not (row.get("source_agency") or "").strip():
            found["source_agency"] = _("Phải ghi tên cơ quan cũ.")
        if not (row.get("document_number") or "").strip():
            found["document_number"] = _("Phải ghi số văn bản xác nhận của cơ quan cũ.")
        stored.add((employee.pk, year, month))
        record = models.TransferredMonth(
            organisation=organisation,
            employee=employee,
            year=year,
            month=month,
            source_agency=(row.get("source_agency") or "").strip(),
            total=total,
            level=level,
            document_number=(row.get("document_number") or "").strip(),
            recorded_by=by,
            recorded_at=clock.now(),
        )
        try:
            record.clean_fields(exclude=["organisation", "employee", "recorded_by"])
        except ValidationError as error:
            for name, texts in error.message_dict.items():
                found.setdefault(name, texts[0])
        for name, text in found.items():
            errors.setdefault(f"rows[{index}].{name}", []).append(text)
        made.append(record)
    if errors:
        raise ValidationError(errors)
    return bulk_create_with_history(
        made,
        models.TransferredMonth,
        batch_size=2000,
        default_user=by,
        default_change_reason=reason,
    )
