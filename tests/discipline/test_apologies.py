"""Apologies to citizens for any failing (late dossier, attitude, wrong result), the
early warning before a dossier's due date, and the apologies counted per unit."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from discipline import selectors, services
from discipline.models import ApologyLetter, ApologyReason, DisciplinePolicy
from hrsystem.models import Role
from tests.factories import RoleGrantFactory

CAUSE = "Hồ sơ phải chờ kết quả đo đạc của đơn vị tư vấn."


def _dossier(d, code, *, unit=None, due_on=date(2026, 3, 10), settled_on=None):
    return services.dossier_record(
        unit=unit or d.tn,
        code=code,
        citizen_name="Nguyễn Thị Dân",
        officer=d.an,
        received_on=date(2026, 3, 2),
        due_on=due_on,
        settled_on=settled_on,
    )


def _complaint(d, *, substantiated=True):
    complaint = services.complaint_record(
        channel="hotline",
        received_on=date(2026, 3, 3),
        content="Cán bộ tiếp dân có thái độ hách dịch.",
        employee=d.an,
        complainant="Trần Văn Khiếu",
    )
    if substantiated:
        services.complaint_decide(
            complaint=complaint, substantiated=True, note="Đúng như phản ánh.", by=d.kiem.user
        )
    return complaint


def test_it_records_who_apologised_to_whom_for_what_and_how(d):
    late = _dossier(d, "H1", settled_on=date(2026, 3, 12))
    apology = services.apology_record(
        dossier=late,
        cause=CAUSE,
        signed_by=d.truong_tn,
        channel="phone",
        sent_on=date(2026, 3, 9),
        by=d.truong_tn.user,
    )
    assert (apology.reason, apology.recipient, apology.channel) == (
        ApologyReason.LATE_DOSSIER,
        "Nguyễn Thị Dân",
        "phone",
    )
    assert (apology.unit, apology.organisation, apology.signed_by) == (d.tn, d.org, d.truong_tn)
    assert apology.history.get().history_user == d.truong_tn.user


def test_a_desk_officer_of_another_unit_may_not_apologise_for_its_dossier(d):
    RoleGrantFactory(role=Role.ONE_STOP_OFFICER, organisation=d.org, unit=d.vp, employee=d.thu)
    theirs = _dossier(d, "H1", settled_on=date(2026, 3, 12))
    with pytest.raises(PermissionDenied):
        services.apology_record(
            dossier=theirs,
            cause=CAUSE,
            signed_by=d.truong_vp,
            number="01/TXL",
            sent_on=date(2026, 3, 9),
            by=d.thu.user,
        )
    assert not ApologyLetter.objects.exists()
    own = _dossier(d, "V1", unit=d.vp, settled_on=date(2026, 3, 12))
    services.apology_record(
        dossier=own,
        cause=CAUSE,
        signed_by=d.truong_vp,
        number="01/TXL",
        sent_on=date(2026, 3, 9),
        by=d.thu.user,
    )
    assert ApologyLetter.objects.get().dossier == own


def test_it_requires_the_cause_the_signer_and_a_letter_number(d):
    late = _dossier(d, "H1", settled_on=date(2026, 3, 12))
    with pytest.raises(ValidationError) as error:
        services.apology_record(
            dossier=late, cause=" ", signed_by=None, channel="letter", sent_on=date(2026, 3, 9)
        )
    assert set(error.value.message_dict) == {"cause", "signed_by", "number"}
    with pytest.raises(ValidationError) as error:
        services.apology_record(
            dossier=late, cause=CAUSE, signed_by=d.khach, channel="phone", sent_on=date(2026, 3, 9)
        )
    assert set(error.value.message_dict) == {"signed_by"}
    assert not ApologyLetter.objects.exists()


def test_a_wrong_result_may_be_apologised_for_on_an_on_time_dossier(d):
    on_time = _dossier(d, "H1", settled_on=date(2026, 3, 9))
    with pytest.raises(ValidationError) as error:
        services.apology_record(
            dossier=on_time, cause=CAUSE, signed_by=d.truong_tn, channel="phone",
            sent_on=date(2026, 3, 11),
        )  # fmt: skip
    assert "dossier" in error.value.message_dict
    apology = services.apology_record(
        dossier=on_time,
        reason=ApologyReason.WRONG_RESULT,
        cause="Ghi sai diện tích thửa đất trên giấy chứng nhận.",
        signed_by=d.truong_tn,
        channel="in_person",
        sent_on=date(2026, 3, 11),
    )
    assert apology.reason == ApologyReason.WRONG_RESULT


def test_an_attitude_apology_answers_a_substantiated_complaint_once(d):
    pending = _complaint(d, substantiated=False)
    with pytest.raises(ValidationError) as error:
        services.apology_record(
            complaint=pending, cause=CAUSE, signed_by=d.truong_tn, channel="phone",
            sent_on=date(2026, 3, 16),
        )  # fmt: skip
    assert "complaint" in error.value.message_dict
    complaint = _complaint(d)
    with pytest.raises(PermissionDenied):
        services.apology_record(
            complaint=complaint, cause=CAUSE, signed_by=d.truong_tn, channel="phone",
            sent_on=date(2026, 3, 16), by=d.binh.user,
        )  # fmt: skip
    apology = services.apology_record(
        complaint=complaint,
        cause="Cán bộ đã được nhắc nhở, kiểm điểm.",
        signed_by=d.truong_tn,
        number="12/UBND-XL",
        sent_on=date(2026, 3, 16),
        by=d.truong_tn.user,
    )
    assert (apology.reason, apology.recipient, apology.unit) == (
        ApologyReason.ATTITUDE,
        "Trần Văn Khiếu",
        d.tn,
    )
    with pytest.raises(ValidationError) as error:
        services.apology_record(
            complaint=complaint, cause=CAUSE, signed_by=d.truong_tn, channel="phone",
            sent_on=date(2026, 3, 16),
        )  # fmt: skip
    assert "complaint" in error.value.message_dict


def test_open_dossiers_are_flagged_within_the_notice_window_in_working_days(d):
    # today is Monday 16/3/2026; 2 working days reach Wednesday 18/3
    _dossier(d, "OVERDUE", due_on=date(2026, 3, 13))
    _dossier(d, "WED", due_on=date(2026, 3, 18))
    _dossier(d, "THU", due_on=date(2026, 3, 19))
    answered = _dossier(d, "TUE", due_on=date(2026, 3, 17))
    services.apology_record(
        dossier=answered, cause=CAUSE, signed_by=d.truong_tn, channel="phone",
        sent_on=date(2026, 3, 16),
    )  # fmt: skip
    soon = selectors.dossiers_due_soon(organisation=d.org, unit_ids={d.tn.pk}, today=d.today)
    assert [(row.code, row.overdue) for row in soon] == [("OVERDUE", True), ("WED", False)]
    assert selectors.dossiers_due_soon(organisation=d.org, unit_ids={d.vp.pk}, today=d.today) == []
    DisciplinePolicy.objects.filter(organisation=d.org).update(apology_notice_days=3)
    soon = selectors.dossiers_due_soon(organisation=d.org, unit_ids={d.tn.pk}, today=d.today)
    assert [row.code for row in soon] == ["OVERDUE", "WED", "THU"]


def test_working_days_skip_the_weekend():
    assert selectors.add_working_days(date(2026, 3, 20), 1) == date(2026, 3, 23)
    assert selectors.add_working_days(date(2026, 3, 16), 0) == date(2026, 3, 16)


def test_the_units_apologies_are_counted_in_the_month_and_the_timeliness_report(d):
    late = _dossier(d, "H1", settled_on=date(2026, 3, 12))
    services.apology_record(
        dossier=late, cause=CAUSE, signed_by=d.truong_tn, channel="phone",
        sent_on=date(2026, 3, 9),
    )  # fmt: skip
    services.apology_record(
        complaint=_complaint(d), cause=CAUSE, signed_by=d.truong_tn, channel="phone",
        sent_on=date(2026, 3, 16),
    )  # fmt: skip
    march = selectors.apologies_by_unit(
        organisation=d.org, start=date(2026, 3, 1), end=date(2026, 3, 31)
    )
    assert march == {d.tn.pk: 2}
    assert (
        selectors.apologies_by_unit(
            organisation=d.org, start=date(2026, 2, 1), end=date(2026, 2, 28)
        )
        == {}
    )
    report = selectors.timeliness_report(organisation=d.org, year=2026, month=3)
    assert [(unit.unit_code, unit.apologies) for unit in report.units] == [("TN", 2)]
    assert report.apologies == 2


def test_the_head_apologises_for_a_substantiated_complaint_on_its_page(d, client):
    from django.urls import reverse

    complaint = _complaint(d)
    url = reverse("discipline:complaint_detail", args=[complaint.pk])
    client.force_login(d.truong_tn.user)
    page = client.get(url).content.decode()
    assert "Lưu lời xin lỗi" in page
    response = client.post(
        url,
        {
            "action": "apology",
            "reason": "attitude",
            "recipient": "Trần Văn Khiếu",
            "cause": "Cán bộ đã bị kiểm điểm.",
            "signed_by": d.truong_tn.pk,
            "channel": "letter",
            "number": "15/UBND-XL",
            "sent_on": "2026-03-16",
        },
    )
    assert response.status_code == 302
    assert complaint.apology.number == "15/UBND-XL"
    assert "Lưu lời xin lỗi" not in client.get(url).content.decode()
    client.force_login(d.binh.user)
    assert client.post(url, {"action": "apology"}).status_code == 403


def test_the_desk_page_lists_open_dossiers_due_soon(d, client):
    from django.urls import reverse

    _dossier(d, "SOON", due_on=date(2026, 3, 17))
    client.force_login(d.truong_tn.user)
    page = client.get(reverse("discipline:desk"), {"month": "2026-03"}).content.decode()
    assert "Hồ sơ sắp đến hạn hoặc quá hạn chưa trả, chưa xin lỗi" in page and "SOON" in page
