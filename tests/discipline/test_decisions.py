"""Discipline decisions, the catalogue's versions, complaints, suggestions, surveys and
commitments."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from discipline import selectors, services
from discipline.models import (
    Commitment,
    CommitmentLevel,
    ComplaintOutcome,
    SurveySource,
    ViolationCatalogueItem,
)
from hrsystem import services as hr_services
from hrsystem.models import PostKind


def _decide(d, *, employee=None, form="khien_trach", by=None, **kwargs):
    values = {
        "employee": employee or d.an,
        "number": "15/QĐ-UBND",
        "decided_on": date(2026, 3, 10),
        "signer_name": "Trần Văn Quang",
        "signer_title": "Chủ tịch UBND huyện",
        "form": d.form[form],
        "legal_basis": "Nghị định số 112/2020/NĐ-CP; Luật Cán bộ, công chức",
        "effect_from": date(2026, 3, 10),
        "effect_to": date(2027, 3, 9),
        "by": by,
    }
    values.update(kwargs)
    return services.discipline_decide(**values)


# --- discipline decisions --------------------------------------------------------------


def test_it_records_a_decision_with_its_violations(d):
    violation = services.violation_record(
        item=d.item["nghi_khong_ly_do_3_ngay"], employee=d.an, occurred_on=date(2026, 2, 9)
    )
    decision = _decide(d, form="canh_cao", violations=[violation], by=d.to_chuc.user)
    assert list(decision.violations.all()) == [violation]
    assert decision.organisation == d.org
    assert decision.history.first().history_user == d.to_chuc.user
    assert selectors.disciplines_in_year(organisation=d.org, year=2026) == {
        d.an.pk: [("canh_cao", 2, date(2026, 3, 10))]
    }
    assert selectors.disciplines_in_year(organisation=d.org, year=2025) == {}


def test_it_refuses_dismissal_from_post_for_a_non_leader(d):
    with pytest.raises(ValidationError) as error:
        _decide(d, form="cach_chuc")
    message = error.value.message_dict["form"][0]
    assert "Cách chức" in message and "Hoàng Văn An" in message and "10/03/2026" in message


def test_it_allows_dismissal_from_post_for_a_head_or_deputy(d):
    assert _decide(d, employee=d.truong_tn, form="cach_chuc").form.code == "cach_chuc"
    assert _decide(d, employee=d.pho_tn, form="cach_chuc", number="16/QĐ-UBND").pk


def test_it_refuses_dismissal_once_the_post_has_ended(d):
    post = d.pho_tn.posts.get(kind=PostKind.DEPUTY)
    hr_services.post_end(post=post, end=date(2026, 2, 28))
    with pytest.raises(ValidationError) as error:
        _decide(d, employee=d.pho_tn, form="cach_chuc")
    assert "form" in error.value.message_dict


def test_it_refuses_decisions_by_anyone_but_hr_and_on_oneself(d):
    with pytest.raises(PermissionDenied):
        _decide(d, by=d.truong_tn.user)
    with pytest.raises(PermissionDenied):
        _decide(d, employee=d.to_chuc, by=d.to_chuc.user)


def test_it_refuses_a_duplicate_number_and_bad_dates(d):
    _decide(d)
    with pytest.raises(ValidationError) as error:
        _decide(d, employee=d.binh)
    assert "số này" in str(error.value)
    with pytest.raises(ValidationError) as error:
        _decide(d, number="17/QĐ", effect_from=date(2026, 3, 1), effect_to=None)
    assert "effect_from" in error.value.message_dict


def test_it_refuses_linking_someone_elses_or_annulled_violations(d):
    other = services.violation_record(
        item=d.item["khong_deo_the"], employee=d.binh, occurred_on=date(2026, 3, 2)
    )
    with pytest.raises(ValidationError) as error:
        _decide(d, violations=[other])
    assert "violations" in error.value.message_dict


def test_it_can_read_only_public_duty_decisions(d):
    _decide(d, public_duty=False)
    assert selectors.disciplines_in_year(organisation=d.org, year=2026, public_duty_only=True) == {}
    assert d.an.pk in selectors.disciplines_in_year(organisation=d.org, year=2026)


# --- the catalogue ---------------------------------------------------------------------


def test_it_changes_an_unused_item_in_place(d):
    item = d.item["khong_deo_the"]
    revised = services.catalogue_item_revise(item=item, default_points=Decimal("1.00"))
    assert (revised.pk, revised.version, revised.default_points) == (item.pk, 1, Decimal("1.00"))


def test_it_versions_a_used_item_instead_of_rewriting_it(d):
    item = d.item["khong_deo_the"]
    violation = services.violation_record(item=item, employee=d.an, occurred_on=date(2026, 2, 3))
    with pytest.raises(ValidationError) as error:
        services.catalogue_item_revise(item=item, default_points=Decimal("1.00"))
    assert "effective_from" in error.value.message_dict
    revised = services.catalogue_item_revise(
        item=item, default_points=Decimal("1.00"), effective_from=date(2026, 4, 1)
    )
    assert (revised.version, revised.default_points) == (2, Decimal("1.00"))
    item.refresh_from_db()
    assert (item.default_points, item.effective_to) == (Decimal("0.50"), date(2026, 3, 31))
    violation.refresh_from_db()
    assert violation.points == Decimal("0.50")
    in_april = selectors.catalogue_for(organisation=d.org, on=date(2026, 4, 2))
    assert next(i for i in in_april if i.code == "khong_deo_the").version == 2


def test_it_lets_an_agency_replace_a_province_item(d):
    own = services.catalogue_item_create(
        organisation=d.org,
        code="khong_deo_the",
        description="Không đeo thẻ công chức (quy chế riêng của huyện)",
        legal_basis="Quy chế văn hoá công sở của UBND huyện Bình Xuyên",
        default_points=Decimal("1"),
        criterion_code="ky_luat_ky_cuong",
        criterion_name="Kỷ luật, kỷ cương",
        effective_from=date(2026, 1, 1),
        by=d.to_chuc.user,
    )
    items = selectors.catalogue_for(organisation=d.org, on=date(2026, 3, 1))
    assert own in items and d.item["khong_deo_the"] not in items
    assert len(items) == ViolationCatalogueItem.objects.filter(organisation=None).count()


def test_it_refuses_province_items_to_hr_and_a_second_item_of_a_code(d):
    with pytest.raises(PermissionDenied):
        services.catalogue_item_revise(
            item=d.item["khong_deo_the"], description="x", by=d.to_chuc.user
        )
    with pytest.raises(ValidationError) as error:
        services.catalogue_item_create(
            code="khong_deo_the",
            description="Trùng",
            legal_basis="x",
            default_points=Decimal("1"),
            effective_from=date(2026, 6, 1),
        )
    assert "code" in error.value.message_dict


def test_it_refuses_a_unit_cap_on_an_item_not_serious(d):
    with pytest.raises(ValidationError) as error:
        services.catalogue_item_create(
            organisation=d.org,
            code="don_vi_nhe",
            description="Vi phạm nhẹ của đơn vị",
            legal_basis="x",
            default_points=Decimal("0"),
            applies_to="unit",
            cap_level="complete",
            effective_from=date(2026, 1, 1),
        )
    assert "nghiêm trọng" in str(error.value)


def test_it_asks_for_the_criterion_name_with_its_code(d):
    fields = {
        "organisation": d.org,
        "code": "tat_dien",
        "description": "Không tắt thiết bị điện khi ra về",
        "legal_basis": "Quy chế làm việc",
        "default_points": Decimal("0.5"),
        "effective_from": date(2026, 1, 1),
    }
    with pytest.raises(ValidationError) as error:
        services.catalogue_item_create(**fields, criterion_code="ky_luat_ky_cuong")
    assert "criterion_name" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.catalogue_item_create(**fields, criterion_name="Kỷ luật, kỷ cương")
    assert "criterion_name" in error.value.message_dict
    item = services.catalogue_item_create(
        **fields, criterion_code="ky_luat_ky_cuong", criterion_name=" Kỷ luật, kỷ cương "
    )
    assert item.criterion_name == "Kỷ luật, kỷ cương"


# --- complaints, suggestions, surveys --------------------------------------------------


def _complain(d, *, by=None, **target):
    target = target or {"employee": d.an}
    return services.complaint_record(
        channel="hotline",
        received_on=date(2026, 3, 3),
        content="Cán bộ yêu cầu nộp thêm giấy tờ không có trong quy định.",
        complainant="Nguyễn Văn Dân",
        by=by,
        **target,
    )


def test_it_records_and_decides_complaints_that_count_against_person_and_unit(d):
    against_an = _complain(d, by=d.mot_cua.user)
    against_unit = _complain(d, unit=d.tn, by=d.mot_cua.user)
    rejected = _complain(d, employee=d.binh)
    services.complaint_decide(
        complaint=against_an, substantiated=True, note="Xác minh đúng.", by=d.kiem.user
    )
    services.complaint_decide(
        complaint=against_unit, substantiated=True, note="Đúng.", by=d.to_chuc.user
    )
    decided = services.complaint_decide(
        complaint=rejected, substantiated=False, note="Không đúng.", by=d.kiem.user
    )
    assert decided.outcome == ComplaintOutcome.UNSUBSTANTIATED and decided.decided_on == d.today
    counts = selectors.substantiated_complaints(
        organisation=d.org, start=date(2026, 3, 1), end=date(2026, 3, 31)
    )
    assert counts.by_person == {d.an.pk: 1}
    assert counts.by_unit == {d.tn.pk: 2}


def test_it_refuses_complaint_decisions_about_oneself_ones_unit_or_twice(d):
    complaint = _complain(d)
    for user in (d.an.user, d.truong_tn.user, d.mot_cua.user):
        with pytest.raises(PermissionDenied):
            services.complaint_decide(complaint=complaint, substantiated=True, note="x", by=user)
    against_nv = _complain(d, employee=d.to_chuc)
    with pytest.raises(PermissionDenied):
        services.complaint_decide(
            complaint=against_nv, substantiated=True, note="x", by=d.kiem.user
        )
    services.complaint_decide(complaint=complaint, substantiated=True, note="x", by=d.kiem.user)
    with pytest.raises(ValidationError) as error:
        services.complaint_decide(complaint=complaint, substantiated=False, note="", by=d.kiem.user)
    assert set(error.value.message_dict) == {"outcome", "decision_note"}


def test_it_refuses_complaints_recorded_by_staff_without_the_desk_role(d):
    with pytest.raises(PermissionDenied):
        _complain(d, by=d.binh.user)
    with pytest.raises(ValidationError) as error:
        _complain(d, employee=d.an, unit=d.tn)
    assert "employee" in error.value.message_dict


def test_it_records_a_violation_from_a_substantiated_complaint(d):
    complaint = _complain(d)
    with pytest.raises(ValidationError) as error:
        services.violation_record(
            item=d.item["yeu_cau_giay_to_ngoai_quy_dinh"],
            employee=d.an,
            occurred_on=date(2026, 3, 3),
            source="complaint",
            complaint=complaint,
        )
    assert "complaint" in error.value.message_dict
    services.complaint_decide(complaint=complaint, substantiated=True, note="Đúng.")
    violation = services.violation_record(
        item=d.item["yeu_cau_giay_to_ngoai_quy_dinh"],
        employee=d.an,
        occurred_on=date(2026, 3, 3),
        source="complaint",
        complaint=complaint,
        by=d.truong_tn.user,
    )
    assert violation.complaint == complaint


def test_it_records_suggestion_box_entries(d):
    entry = services.suggestion_record(
        organisation=d.org,
        unit=d.mc,
        opened_on=date(2026, 3, 13),
        content="Đề nghị bố trí thêm ghế chờ tại bộ phận một cửa.",
        by=d.mot_cua.user,
    )
    assert entry.recorded_by == d.mot_cua.user
    with pytest.raises(PermissionDenied):
        services.suggestion_record(
            organisation=d.org, opened_on=date(2026, 3, 13), content="x", by=d.binh.user
        )
    with pytest.raises(ValidationError) as error:
        services.suggestion_record(
            organisation=d.org, unit=d.td, opened_on=date(2026, 3, 13), content="x"
        )
    assert "unit" in error.value.message_dict


def test_it_records_surveys_with_the_satisfied_share(d):
    survey = services.survey_record(
        unit=d.mc,
        year=2026,
        month=2,
        source=SurveySource.SIPAS,
        respondents=300,
        satisfied=249,
        by=d.mot_cua.user,
    )
    assert survey.satisfied_pct == Decimal("83.00")
    half_year = services.survey_record(
        unit=d.mc,
        year=2026,
        period_label="6 tháng đầu năm",
        source=SurveySource.INTERNAL,
        respondents=3,
        satisfied=2,
    )
    assert half_year.satisfied_pct == Decimal("66.67")


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"respondents": 10, "satisfied": 11, "month": 2}, "satisfied"),
        ({"respondents": 0, "satisfied": 0, "month": 2}, "__all__"),
        ({"respondents": 10, "satisfied": 5, "month": 13}, "__all__"),
        ({"respondents": 10, "satisfied": 5}, "__all__"),
    ],
)
def test_it_refuses_bad_survey_figures(d, values, field):
    with pytest.raises(ValidationError) as error:
        services.survey_record(unit=d.mc, year=2026, source=SurveySource.SIPAS, **values)
    assert field in error.value.message_dict


def test_it_refuses_a_duplicate_survey_and_surveys_by_staff(d):
    values = {"unit": d.mc, "year": 2026, "month": 2, "source": "sipas", "respondents": 10}
    services.survey_record(satisfied=9, **values)
    with pytest.raises(ValidationError):
        services.survey_record(satisfied=8, **values)
    with pytest.raises(PermissionDenied):
        services.survey_record(satisfied=8, by=d.binh.user, **{**values, "month": 3})


# --- commitments -----------------------------------------------------------------------


def test_it_issues_the_years_commitments_and_shows_who_has_not_signed(d):
    issued = services.commitments_issue_year(
        organisation=d.org,
        year=2026,
        template="Cam kết thực hiện “4 xin, 4 luôn”, “5 không” năm 2026",
        on=date(2026, 1, 5),
        by=d.to_chuc.user,
    )
    by_signer = {c.signer_id: c for c in issued}
    assert d.chu_tich.pk not in by_signer
    head = by_signer[d.truong_tn.pk]
    assert (head.level, head.counterpart, head.unit) == (
        CommitmentLevel.AGENCY_UNIT,
        d.chu_tich,
        d.tn,
    )
    staff = by_signer[d.an.pk]
    assert (staff.level, staff.counterpart) == (CommitmentLevel.UNIT_STAFF, d.truong_tn)
    assert by_signer[d.mot_cua.pk].counterpart is None  # MC has no head
    again = services.commitments_issue_year(
        organisation=d.org, year=2026, template="x", on=date(2026, 1, 5)
    )
    assert again == []

    services.commitment_sign(commitment=staff, by=d.an.user)
    unsigned = list(Commitment.objects.filter(organisation=d.org, year=2026, signed_on=None))
    assert staff not in unsigned and head in unsigned
    assert len(unsigned) == len(issued) - 1


def test_it_lets_only_the_signer_sign_once(d):
    issued = services.commitments_issue_year(
        organisation=d.org, year=2026, template="Cam kết năm 2026", on=date(2026, 1, 5)
    )
    (commitment,) = [c for c in issued if c.signer_id == d.an.pk]
    with pytest.raises(PermissionDenied):
        services.commitment_sign(commitment=commitment, by=d.truong_tn.user)
    signed = services.commitment_sign(commitment=commitment, by=d.an.user)
    assert signed.signed_on == d.today
    with pytest.raises(ValidationError) as error:
        services.commitment_sign(commitment=commitment, by=d.an.user)
    assert "signed_on" in error.value.message_dict


def test_it_refuses_to_issue_commitments_by_non_hr(d):
    with pytest.raises(PermissionDenied):
        services.commitments_issue_year(
            organisation=d.org, year=2026, template="x", on=date(2026, 1, 5), by=d.truong_tn.user
        )
    assert not Commitment.objects.filter(organisation=d.org).exists()
