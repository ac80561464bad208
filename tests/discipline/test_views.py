"""The discipline pages, each person's normal path: plan, start, record on the spot, close;
see, contest and decide; conduct breaches; decisions; the one-stop desk; complaints,
suggestions, surveys, commitments and the dashboards. Today is 16/3/2026 (conftest)."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from discipline import services
from discipline.models import (
    ApologyLetter,
    Commitment,
    Complaint,
    ComplaintOutcome,
    DisciplineDecision,
    DossierMonthlyCount,
    DossierRecord,
    DossierStatus,
    Inspection,
    InspectionStatus,
    SatisfactionSurvey,
    SuggestionBoxEntry,
    Violation,
    ViolationStatus,
)

from .conftest import TODAY

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture
def as_user(client):
    def log_in(employee_or_user):
        user = getattr(employee_or_user, "user", employee_or_user)
        client.force_login(user)
        return client

    return log_in


def _finding(surprise, d, employee=None, **kwargs):
    return services.finding_record(
        inspection=surprise,
        item=d.item[kwargs.pop("code", "khong_deo_the")],
        employee=employee or d.an,
        by=d.kiem.user,
        **kwargs,
    )


def _messages(response) -> str:
    return response.content.decode()


# --- inspections -----------------------------------------------------------------------


def test_it_plans_an_inspection_from_the_form(d, as_user):
    client = as_user(d.kiem)
    response = client.get(reverse("discipline:inspection_plan"))
    assert response.status_code == 200
    assert "Hoàng Minh Đức" in _messages(response)
    response = client.post(
        reverse("discipline:inspection_plan"),
        {
            "title": "Kiểm tra định kỳ quý I",
            "kind": "regular",
            "planned_on": "2026-03-20",
            "scope": [d.tn.pk],
            "head": d.truong_nv.pk,
            "members": [d.kiem.pk],
        },
    )
    assert response.status_code == 302, _messages(response)[-3000:]
    inspection = Inspection.objects.get(title="Kiểm tra định kỳ quý I")
    assert response.status_code == 302
    assert response.url == reverse("discipline:inspection_detail", args=[inspection.pk])
    assert list(inspection.scope.all()) == [d.tn]


def test_it_names_the_head_field_when_the_head_is_no_inspector(d, as_user):
    response = as_user(d.to_chuc).post(
        reverse("discipline:inspection_plan"),
        {
            "title": "Kiểm tra",
            "kind": "regular",
            "planned_on": "2026-03-20",
            "scope": [d.tn.pk],
            "head": d.chu_tich.pk,
        },
    )
    assert response.status_code == 400
    assert "Trưởng đoàn" in _messages(response)
    assert not Inspection.objects.exists()


def test_the_head_starts_records_and_closes_an_inspection(d, as_user):
    inspection = services.inspection_plan(
        organisation=d.org,
        title="Kiểm tra đột xuất",
        kind="surprise",
        planned_on=TODAY,
        scope=[d.tn],
        head=d.truong_nv,
        by=d.truong_nv.user,
    )
    client = as_user(d.truong_nv)
    url = reverse("discipline:inspection_detail", args=[inspection.pk])
    assert "Bắt đầu kiểm tra" in _messages(client.get(url))
    client.post(url, {"action": "start"})
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.IN_PROGRESS
    page = client.get(url)
    assert "Ghi nhận vi phạm tại chỗ" in _messages(page)
    assert "Hoàng Văn An" in _messages(page)
    response = client.post(
        url,
        {
            "action": "finding",
            "target": "person",
            "employee": d.an.pk,
            "item": d.item["hut_thuoc_noi_cong_so"].pk,
            "note": "Hút thuốc tại phòng làm việc",
            "evidence": SimpleUploadedFile("anh.png", PNG, "image/png"),
        },
    )
    assert response.status_code == 302
    violation = Violation.objects.get()
    assert violation.employee == d.an and violation.evidence
    response = client.post(url, {"action": "close", "report": "Phát hiện 1 vi phạm."})
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.CLOSED


def test_a_unit_finding_goes_against_the_unit(d, surprise, as_user):
    response = as_user(d.kiem).post(
        reverse("discipline:inspection_detail", args=[surprise.pk]),
        {
            "action": "finding",
            "target": "unit",
            "unit": d.tn.pk,
            "item": d.item["don_vi_khong_niem_yet_thu_tuc"].pk,
        },
    )
    assert response.status_code == 302
    assert Violation.objects.get().target_unit == d.tn


@pytest.mark.parametrize(
    ("upload", "expected"),
    [
        (SimpleUploadedFile("virus.pdf", b"MZ\x90\x00" + b"\0" * 40), "không phải ảnh JPEG"),
        (SimpleUploadedFile("anh.gif", b"GIF89a" + b"\0" * 40), "không phải ảnh JPEG"),
        (SimpleUploadedFile("to.png", PNG + b"\0" * 2048), "quá lớn"),
    ],
)
def test_bad_evidence_is_named_and_nothing_is_saved(
    d, surprise, as_user, settings, upload, expected
):
    settings.DISCIPLINE_EVIDENCE_MAX_BYTES = 1024
    response = as_user(d.kiem).post(
        reverse("discipline:inspection_detail", args=[surprise.pk]),
        {
            "action": "finding",
            "target": "person",
            "employee": d.an.pk,
            "item": d.item["khong_deo_the"].pk,
            "evidence": upload,
        },
    )
    assert response.status_code == 400
    assert "Tệp minh chứng" in _messages(response) and expected in _messages(response)
    assert not Violation.objects.exists()


def test_a_finding_needs_its_person(d, surprise, as_user):
    response = as_user(d.kiem).post(
        reverse("discipline:inspection_detail", args=[surprise.pk]),
        {"action": "finding", "target": "person", "item": d.item["khong_deo_the"].pk},
    )
    assert response.status_code == 400
    assert "Chọn cán bộ." in _messages(response)


def test_a_forged_person_from_another_agency_is_an_invalid_choice(d, surprise, as_user):
    response = as_user(d.kiem).post(
        reverse("discipline:inspection_detail", args=[surprise.pk]),
        {
            "action": "finding",
            "target": "person",
            "employee": d.khach.pk,
            "item": d.item["khong_deo_the"].pk,
        },
    )
    assert response.status_code == 400
    assert "Lý Văn Khách" not in _messages(response)
    assert not Violation.objects.exists()


def test_a_member_cannot_close_the_inspection(d, surprise, as_user):
    response = as_user(d.kiem).post(
        reverse("discipline:inspection_detail", args=[surprise.pk]),
        {"action": "close", "report": "x"},
    )
    assert response.status_code == 403


# --- violations ------------------------------------------------------------------------


def test_the_employee_sees_the_deduction_and_contests_it(d, surprise, as_user):
    violation = _finding(surprise, d)
    client = as_user(d.an)
    page = _messages(client.get(reverse("discipline:my_violations") + "?month=2026-03"))
    assert violation.item.description in page
    assert violation.legal_basis[:30] in page
    assert "Khiếu nại vi phạm này" in page
    response = client.post(
        reverse("discipline:violation_detail", args=[violation.pk]),
        {"action": "contest", "reason": "Tôi đeo thẻ nhưng bị che bởi áo khoác."},
    )
    assert response.status_code == 302
    violation.refresh_from_db()
    assert violation.status == ViolationStatus.CONTESTED


def test_a_contest_without_reason_names_the_field(d, surprise, as_user):
    violation = _finding(surprise, d)
    response = as_user(d.an).post(
        reverse("discipline:violation_detail", args=[violation.pk]),
        {"action": "contest", "reason": "  "},
    )
    assert response.status_code == 400
    assert "Lý do khiếu nại" in _messages(response)
    violation.refresh_from_db()
    assert violation.status == ViolationStatus.RECORDED


def test_a_contest_after_the_window_is_refused(d, surprise, as_user, clock):
    violation = _finding(surprise, d)
    later = violation.contest_deadline + timedelta(days=1)
    clock.travel_to(later)
    client = as_user(d.an)
    assert "Khiếu nại vi phạm này" not in _messages(client.get(reverse("discipline:my_violations")))
    response = client.post(
        reverse("discipline:violation_detail", args=[violation.pk]),
        {"action": "contest", "reason": "Muộn"},
    )
    assert response.status_code == 400
    assert "Đã hết hạn khiếu nại" in _messages(response)
    violation.refresh_from_db()
    assert violation.status == ViolationStatus.RECORDED


def test_the_inspection_head_decides_a_contest(d, surprise, as_user):
    violation = _finding(surprise, d)
    services.violation_contest(violation=violation, reason="Không đúng", by=d.an.user)
    client = as_user(d.truong_nv)
    assert "Hoàng Văn An" in _messages(client.get(reverse("discipline:contested_list")))
    url = reverse("discipline:violation_detail", args=[violation.pk])
    response = client.post(url, {"action": "decide", "outcome": "annul"})
    assert response.status_code == 400
    assert "Lý do quyết định" in _messages(response)
    response = client.post(
        url, {"action": "decide", "outcome": "annul", "reason": "Ảnh cho thấy có đeo thẻ."}
    )
    assert response.status_code == 302
    violation.refresh_from_db()
    assert violation.status == ViolationStatus.ANNULLED


def test_a_member_cannot_decide_a_contest(d, surprise, as_user):
    violation = _finding(surprise, d)
    services.violation_contest(violation=violation, reason="Không đúng", by=d.an.user)
    response = as_user(d.kiem).post(
        reverse("discipline:violation_detail", args=[violation.pk]),
        {"action": "decide", "outcome": "annul", "reason": "x"},
    )
    assert response.status_code == 403
    violation.refresh_from_db()
    assert violation.status == ViolationStatus.CONTESTED


def test_the_head_filters_the_units_violations(d, surprise, as_user):
    _finding(surprise, d)
    _finding(surprise, d, employee=d.thu, code="hut_thuoc_noi_cong_so")
    client = as_user(d.truong_tn)
    page = _messages(client.get(reverse("discipline:violation_list")))
    assert "Hoàng Văn An" in page and "Phạm Thị Thu" not in page
    inspector = as_user(d.kiem)
    page = _messages(
        inspector.get(reverse("discipline:violation_list"), {"unit": d.vp.pk, "month": "2026-03"})
    )
    assert "Phạm Thị Thu" in page and "Hoàng Văn An" not in page
    page = _messages(inspector.get(reverse("discipline:violation_list"), {"status": "annulled"}))
    assert "Phạm Thị Thu" not in page


def test_the_evidence_opens_for_the_person_only(d, surprise, as_user):
    violation = _finding(surprise, d, evidence=SimpleUploadedFile("a.png", PNG))
    url = reverse("discipline:violation_evidence", args=[violation.pk])
    response = as_user(d.an).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert as_user(d.thu).get(url).status_code == 403


def test_a_head_records_a_conduct_breach(d, as_user):
    client = as_user(d.truong_tn)
    response = client.get(reverse("discipline:conduct_record"))
    assert "Hoàng Văn An" in _messages(response) and "Phạm Thị Thu" not in _messages(response)
    response = client.post(
        reverse("discipline:conduct_record"),
        {
            "employee": d.an.pk,
            "item": d.item["hach_dich_cua_quyen"].pk,
            "occurred_on": "2026-03-12",
            "points": "1,5",
        },
    )
    assert response.status_code == 302
    violation = Violation.objects.get()
    assert violation.points == Decimal("1.5") and violation.source == "conduct"


def test_a_conduct_breach_in_the_future_names_the_date(d, as_user):
    response = as_user(d.truong_tn).post(
        reverse("discipline:conduct_record"),
        {
            "employee": d.an.pk,
            "item": d.item["hach_dich_cua_quyen"].pk,
            "occurred_on": "2026-04-01",
        },
    )
    assert response.status_code == 400
    assert "Ngày vi phạm" in _messages(response) and "chưa tới" in _messages(response)
    assert not Violation.objects.exists()


# --- decisions -------------------------------------------------------------------------


def test_hr_records_a_decision_and_it_shows_in_the_year(d, as_user):
    client = as_user(d.to_chuc)
    response = client.post(
        reverse("discipline:decision_record"),
        {
            "employee": d.an.pk,
            "number": "12/QĐ-UBND",
            "decided_on": "2026-03-10",
            "signer_name": "Trần Văn Quang",
            "signer_title": "Chủ tịch UBND huyện",
            "form": d.form["khien_trach"].pk,
            "legal_basis": "Nghị định 112/2020/NĐ-CP",
            "effect_from": "2026-03-10",
            "public_duty": "on",
        },
    )
    assert response.status_code == 302, _messages(response)
    decision = DisciplineDecision.objects.get()
    page = _messages(client.get(reverse("discipline:decision_list"), {"year": 2026}))
    assert "12/QĐ-UBND" in page and "Hoàng Văn An" in page
    assert (
        as_user(d.an).get(reverse("discipline:decision_detail", args=[decision.pk])).status_code
        == 200
    )
    assert (
        as_user(d.thu).get(reverse("discipline:decision_detail", args=[decision.pk])).status_code
        == 403
    )


def test_a_leaders_only_form_for_staff_is_named(d, as_user):
    response = as_user(d.to_chuc).post(
        reverse("discipline:decision_record"),
        {
            "employee": d.an.pk,
            "number": "13/QĐ",
            "decided_on": "2026-03-10",
            "signer_name": "Trần Văn Quang",
            "signer_title": "Chủ tịch",
            "form": d.form["cach_chuc"].pk,
            "legal_basis": "Nghị định 112/2020/NĐ-CP",
            "effect_from": "2026-03-10",
        },
    )
    assert response.status_code == 400
    assert "Hình thức kỷ luật" in _messages(response)
    assert not DisciplineDecision.objects.exists()


# --- the desk --------------------------------------------------------------------------


def _dossier(d, **kwargs):
    values = {
        "unit": d.mc,
        "code": "HS-001",
        "citizen_name": "Nguyễn Văn Dân",
        "officer": d.mot_cua,
        "received_on": date(2026, 3, 2),
        "due_on": date(2026, 3, 9),
        "by": d.mot_cua.user,
    }
    return services.dossier_record(**{**values, **kwargs})


def test_the_desk_records_settles_and_writes_a_letter(d, as_user):
    client = as_user(d.mot_cua)
    response = client.post(
        reverse("discipline:dossier_record"),
        {
            "unit": d.mc.pk,
            "code": "HS-100",
            "citizen_name": "Trần Thị Dân",
            "officer": d.thu.pk,
            "received_on": "2026-03-02",
            "due_on": "2026-03-09",
        },
    )
    dossier = DossierRecord.objects.get(code="HS-100")
    assert response.status_code == 302
    url = reverse("discipline:dossier_detail", args=[dossier.pk])
    page = _messages(client.get(reverse("discipline:desk"), {"month": "2026-03"}))
    assert "HS-100" in page and "Chưa có thư xin lỗi" in page
    client.post(url, {"action": "settle", "settled_on": "2026-03-11"})
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.LATE
    client.post(
        url,
        {
            "action": "letter",
            "reason": "late_dossier",
            "recipient": "Trần Thị Dân",
            "cause": "Chờ kết quả đo đạc.",
            "signed_by": d.truong_vp.pk,
            "channel": "letter",
            "number": "01/TXL",
            "sent_on": "2026-03-08",
        },
    )
    assert ApologyLetter.objects.get().dossier == dossier


def test_the_head_excuses_a_late_dossier(d, as_user):
    dossier = _dossier(d, officer=d.thu, settled_on=date(2026, 3, 12))
    url = reverse("discipline:dossier_detail", args=[dossier.pk])
    client = as_user(d.truong_vp)
    response = client.post(url, {"action": "excuse", "reason": ""})
    assert response.status_code == 400
    assert "Nguyên nhân khách quan" in _messages(response)
    client.post(url, {"action": "excuse", "reason": "Mất điện cả ngày 9/3."})
    dossier.refresh_from_db()
    assert dossier.excused


def test_counts_import_shows_row_and_column_errors_and_saves_nothing(d, as_user):
    client = as_user(d.mot_cua)
    bad = "ma_co_quan,ma_don_vi,nam,thang,dung_han,tre_han\nBX,MC,2026,2,10,x\n"
    response = client.post(
        reverse("discipline:count_import"),
        {"file": SimpleUploadedFile("so-lieu.csv", bad.encode())},
    )
    assert response.status_code == 400
    assert "Dòng 2, cột “tre_han”" in _messages(response)
    assert not DossierMonthlyCount.objects.exists()
    good = "ma_co_quan,ma_don_vi,nam,thang,dung_han,tre_han\nBX,MC,2026,2,38,2\n"
    response = client.post(
        reverse("discipline:count_import"),
        {"file": SimpleUploadedFile("so-lieu.csv", good.encode())},
    )
    assert response.status_code == 302
    assert DossierMonthlyCount.objects.get().late == 2


def test_counts_import_refuses_other_files(d, as_user):
    response = as_user(d.mot_cua).post(
        reverse("discipline:count_import"),
        {"file": SimpleUploadedFile("so-lieu.exe", b"MZ")},
    )
    assert response.status_code == 400
    assert "Chỉ nhận tệp .xlsx hoặc .csv." in _messages(response)


def test_the_timeliness_report_lists_late_dossiers_with_officers(d, as_user):
    _dossier(d, officer=d.thu, settled_on=date(2026, 3, 12))
    page = _messages(as_user(d.mot_cua).get(reverse("discipline:timeliness"), {"month": "2026-03"}))
    assert "Phạm Thị Thu" in page and "HS-001" in page and "15/04/2026" in page


# --- complaints, suggestions, surveys, commitments -------------------------------------


def test_the_desk_records_a_complaint_and_an_inspector_decides_it(d, as_user):
    response = as_user(d.mot_cua).post(
        reverse("discipline:complaint_list"),
        {
            "target": "person",
            "employee": d.an.pk,
            "channel": "hotline",
            "received_on": "2026-03-05",
            "complainant": "Lê Thị Hoa",
            "content": "Cán bộ không hướng dẫn đầy đủ.",
        },
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    url = reverse("discipline:complaint_detail", args=[complaint.pk])
    client = as_user(d.kiem)
    assert client.post(url, {"outcome": "yes"}).status_code == 400
    client.post(url, {"outcome": "yes", "note": "Đúng như phản ánh."})
    complaint.refresh_from_db()
    assert complaint.outcome == ComplaintOutcome.SUBSTANTIATED


def test_suggestions_and_surveys_are_recorded(d, as_user):
    client = as_user(d.mot_cua)
    response = client.post(
        reverse("discipline:suggestion_list"),
        {"opened_on": "2026-03-10", "unit": d.mc.pk, "content": "Nên bố trí thêm ghế chờ."},
    )
    assert response.status_code == 302 and SuggestionBoxEntry.objects.exists()
    response = client.post(
        reverse("discipline:survey_dashboard") + "?year=2026",
        {
            "unit": d.mc.pk,
            "year": 2026,
            "month": 2,
            "source": "sipas",
            "respondents": 120,
            "satisfied": 100,
        },
    )
    assert response.status_code == 302
    page = _messages(client.get(reverse("discipline:survey_dashboard"), {"year": 2026}))
    assert "Bộ phận Một cửa" in page and "83,33" in page and "<svg" in page
    response = client.post(
        reverse("discipline:survey_dashboard"),
        {
            "unit": d.mc.pk,
            "year": 2026,
            "month": 3,
            "source": "sipas",
            "respondents": 10,
            "satisfied": 11,
        },
    )
    assert response.status_code == 400
    assert SatisfactionSurvey.objects.count() == 1


def test_commitments_are_issued_and_signed(d, as_user):
    client = as_user(d.to_chuc)
    response = client.post(
        reverse("discipline:commitment_board"),
        {"action": "issue", "year": 2026, "template": "Cam kết “5 không” năm 2026"},
    )
    assert response.status_code == 302
    assert Commitment.objects.filter(year=2026).count() > 5
    mine = Commitment.objects.get(signer=d.an)
    board = as_user(d.an)
    assert "Ký cam kết" in _messages(board.get(reverse("discipline:commitment_board")))
    board.post(reverse("discipline:commitment_board"), {"action": "sign", "commitment": mine.pk})
    mine.refresh_from_db()
    assert mine.signed_on == TODAY
    other = Commitment.objects.get(signer=d.binh)
    response = board.post(
        reverse("discipline:commitment_board"), {"action": "sign", "commitment": other.pk}
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.signed_on is None


def test_the_dashboard_shows_charts_and_tables(d, surprise, as_user):
    _finding(surprise, d)
    _dossier(d, officer=d.thu, settled_on=date(2026, 3, 12))
    page = _messages(
        as_user(d.to_chuc).get(
            reverse("discipline:report_dashboard"), {"year": 2026, "month": "2026-03"}
        )
    )
    assert page.count("<svg") == 2
    assert "Phòng Tài nguyên và Môi trường" in page and "Bộ phận Một cửa" in page


# --- how the pages read ----------------------------------------------------------------


def _current_tab(page: str) -> list[str]:
    """The discipline sub-navigation's links marked as the current page."""
    nav = re.search(r'<nav class="sub-nav".*?</nav>', page, re.S).group()
    return re.findall(r'<a href="([^"]+)" aria-current="page">', nav)


def test_a_violation_names_its_criterion_not_its_code(d, surprise, as_user):
    violation = _finding(surprise, d)
    page = _messages(as_user(d.an).get(reverse("discipline:violation_detail", args=[violation.pk])))
    assert "Tiêu chí bị trừ điểm" in page and "Kỷ luật, kỷ cương" in page
    assert "ky_luat_ky_cuong" not in page and "Mã tiêu chí" not in page


def test_the_history_names_people_not_logins(d, surprise, as_user):
    violation = _finding(surprise, d)
    services.violation_contest(violation=violation, reason="Không đúng", by=d.an.user)
    services.violation_decide(
        violation=violation, uphold=True, reason="Đúng quy định", by=d.truong_nv.user
    )
    page = _messages(as_user(d.an).get(reverse("discipline:violation_detail", args=[violation.pk])))
    history = page[page.index('id="history-heading"') :]
    assert "Đặng Quốc Kiểm" in history and "Hoàng Văn An" in history
    assert "Hoàng Minh Đức" in history
    assert "· kiem" not in history and "· truong_nv" not in history
    assert "· Hoàng Minh Đức)</dd>" in page


def test_deductions_read_shortest_everywhere(d, surprise, as_user):
    _finding(surprise, d)
    _finding(surprise, d, employee=d.binh, code="hut_thuoc_noi_cong_so")
    page = _messages(as_user(d.kiem).get(reverse("discipline:violation_list")))
    assert "−0,5" in page and "−1<" in page
    assert "0,50" not in page and "1,00" not in page


def test_the_unit_choices_of_an_inspection_are_a_list(d, as_user):
    page = _messages(as_user(d.kiem).get(reverse("discipline:inspection_plan")))
    assert "field--checklist" in page
    # the agency's five units but NV, where kiem works: nobody inspects their own unit
    assert page.count('<label class="choice"><input type="checkbox"') == 4


def test_detail_pages_mark_their_section_in_the_sub_navigation(d, surprise, as_user):
    violation = _finding(surprise, d)
    detail = reverse("discipline:violation_detail", args=[violation.pk])
    inspector = as_user(d.kiem)
    assert _current_tab(_messages(inspector.get(detail))) == [reverse("discipline:violation_list")]
    inspection = reverse("discipline:inspection_detail", args=[surprise.pk])
    assert _current_tab(_messages(inspector.get(inspection))) == [
        reverse("discipline:inspection_list")
    ]
    employee = as_user(d.an)
    assert _current_tab(_messages(employee.get(detail))) == [reverse("discipline:my_violations")]


def test_the_timeliness_report_says_when_nothing_was_late(d, as_user):
    _dossier(d, officer=d.thu, settled_on=date(2026, 3, 5))
    page = _messages(as_user(d.mot_cua).get(reverse("discipline:timeliness"), {"month": "2026-03"}))
    assert "Không có hồ sơ trễ hạn trong tháng." in page
