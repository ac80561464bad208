"""Apologies to citizens for a failing of the agency: a late dossier, a substantiated
complaint about the staff's attitude, a wrong result."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from discipline import permissions as rules
from discipline.models import (
    ApologyChannel,
    ApologyLetter,
    ApologyReason,
    Complaint,
    ComplaintOutcome,
    DossierRecord,
    DossierStatus,
)
from hrsystem import clock
from hrsystem import selectors as hr_selectors
from hrsystem.models import Employee
from hrsystem.service_checks import day_text, raise_if, require, save

from .common import _not_in_future
from .dossiers import lock_dossier


def _subject_errors(
    reason: str, dossier: DossierRecord | None, complaint: Complaint | None
) -> dict[str, str]:
    if reason not in ApologyReason.values:
        return {"reason": _("Chọn lý do xin lỗi.")}
    if dossier is not None:
        if reason == ApologyReason.ATTITUDE:
            return {"reason": _("Xin lỗi vì thái độ phục vụ phải gắn với phản ánh đã kết luận.")}
        if reason == ApologyReason.LATE_DOSSIER and dossier.status == DossierStatus.ON_TIME:
            return {
                "dossier": _("Hồ sơ %(code)s đã trả đúng hạn, không cần thư xin lỗi.")
                % {"code": dossier.code}
            }
        if ApologyLetter.objects.filter(dossier=dossier).exists():
            return {"dossier": _("Hồ sơ %(code)s đã có thư xin lỗi.") % {"code": dossier.code}}
        return {}
    if reason == ApologyReason.LATE_DOSSIER:
        return {"reason": _("Xin lỗi vì hồ sơ trễ hạn phải gắn với hồ sơ.")}
    if complaint.outcome != ComplaintOutcome.SUBSTANTIATED:
        return {"complaint": _("Chỉ xin lỗi khi phản ánh đã được kết luận là đúng.")}
    if ApologyLetter.objects.filter(complaint=complaint).exists():
        return {"complaint": _("Phản ánh này đã có lời xin lỗi.")}
    return {}


@transaction.atomic
def apology_record(
    *,
    sent_on: date,
    cause: str,
    signed_by: Employee | None,
    dossier: DossierRecord | None = None,
    complaint: Complaint | None = None,
    reason: str = "",
    recipient: str = "",
    channel: str = ApologyChannel.LETTER,
    number: str = "",
    by=None,
) -> ApologyLetter:
    """Record the apology made to the citizen for `dossier` (late, or soon late; or its
    wrong result) or for a substantiated `complaint`: to whom, why, the cause stated, who
    signed, when and how.

    By the unit's one-stop desk or its head (for a complaint also the agency's HR officer).
    A late-dossier apology made after the due date is kept and flagged by
    `selectors.apology_letter_flags`.
    """
    if (dossier is None) == (complaint is None):
        raise_if({"dossier": _("Chọn đúng một hồ sơ hoặc một phản ánh được xin lỗi.")})
    if dossier is not None:
        dossier = lock_dossier(dossier)
        unit, organisation, received_on = dossier.unit, dossier.organisation, dossier.received_on
        reason = reason or ApologyReason.LATE_DOSSIER
        recipient = recipient.strip() or dossier.citizen_name
    else:
        complaint = (
            Complaint.objects.select_for_update(of=("self",))
            .select_related("unit", "organisation")
            .get(pk=complaint.pk)
        )
        unit, organisation = complaint.unit, complaint.organisation
        received_on = complaint.received_on
        reason = reason or ApologyReason.ATTITUDE
        recipient = recipient.strip() or complaint.complainant
    if by is not None:
        require(rules.can_apologise(by, unit, clock.today(), for_complaint=dossier is None))
    errors = _subject_errors(reason, dossier, complaint)
    errors |= _not_in_future(sent_on, "sent_on")
    if sent_on < received_on:
        errors["sent_on"] = _("Ngày xin lỗi phải từ ngày tiếp nhận (%(day)s).") % {
            "day": day_text(received_on)
        }
    if not recipient:
        errors["recipient"] = _("Nhập tên tổ chức, công dân được xin lỗi.")
    if not cause.strip():
        errors["cause"] = _("Nêu nguyên nhân đã thông báo cho tổ chức, công dân.")
    if channel not in ApologyChannel.values:
        errors["channel"] = _("Chọn hình thức xin lỗi.")
    elif channel == ApologyChannel.LETTER and not number.strip():
        errors["number"] = _("Nhập số văn bản xin lỗi.")
    if signed_by is None:
        errors["signed_by"] = _("Chọn người ký, người xin lỗi.")
    else:
        placed = hr_selectors.unit_of(signed_by, on=min(sent_on, clock.today()))
        if placed is None or placed.organisation_id != organisation.pk:
            errors["signed_by"] = _("%(name)s không công tác tại %(agency)s vào ngày %(day)s.") % {
                "name": signed_by.full_name,
                "agency": organisation,
                "day": day_text(sent_on),
            }
    raise_if(errors)
    apology = ApologyLetter(
        organisation=organisation,
        unit=unit,
        reason=reason,
        dossier=dossier,
        complaint=complaint,
        recipient=recipient,
        cause=cause.strip(),
        signed_by=signed_by,
        channel=channel,
        number=number.strip(),
        sent_on=sent_on,
        recorded_by=by,
    )
    apology.full_clean()
    save(apology, by)
    return apology
