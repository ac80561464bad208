"""Violations outside inspections, contests within the window and decisions on them."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from discipline import selectors, services
from discipline.models import DisciplinePolicy, ViolationSource, ViolationStatus
from tests.discipline.conftest import TODAY

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def _conduct(d, *, employee=None, by=None, code="ruou_bia_gio_lam_viec", **kwargs):
    return services.violation_record(
        item=d.item[code],
        employee=employee or d.an,
        occurred_on=kwargs.pop("occurred_on", date(2026, 3, 12)),
        note="Uống bia buổi trưa ngày làm việc.",
        by=by,
        **kwargs,
    )


def _finding(d, inspection, employee=None):
    return services.finding_record(
        inspection=inspection,
        item=d.item["khong_deo_the"],
        employee=employee or d.an,
        by=d.kiem.user,
    )


def test_it_lets_the_unit_head_record_a_conduct_breach(d):
    violation = _conduct(d, by=d.truong_tn.user)
    assert violation.source == ViolationSource.CONDUCT
    assert violation.points == Decimal("2.00")
    assert violation.recorded_by == d.truong_tn.user


def test_it_lets_an_inspector_record_a_conduct_breach(d):
    assert _conduct(d, by=d.ngoai_doan.user).unit == d.tn


def test_it_refuses_a_head_recording_against_themselves(d):
    with pytest.raises(PermissionDenied):
        _conduct(d, employee=d.truong_tn, by=d.truong_tn.user)


def test_it_refuses_a_deputy_a_colleague_and_another_units_head(d):
    for user in (d.pho_tn.user, d.binh.user, d.truong_vp.user):
        with pytest.raises(PermissionDenied):
            _conduct(d, by=user)


def test_it_refuses_a_person_who_was_not_working_that_day(d):
    with pytest.raises(ValidationError) as error:
        _conduct(d, occurred_on=date(2025, 12, 31))
    assert "employee" in error.value.message_dict


def test_it_takes_points_given_and_refuses_negative_ones(d):
    assert _conduct(d, points=Decimal("1.25")).points == Decimal("1.25")
    with pytest.raises(ValidationError) as error:
        _conduct(d, points=Decimal("-1"))
    assert "points" in error.value.message_dict


def test_it_refuses_an_item_of_another_agency_or_not_in_force(d):
    other = services.catalogue_item_create(
        organisation=d.other_org,
        code="rieng_td",
        description="Quy định riêng của Tam Dương",
        legal_basis="Quy chế làm việc của UBND huyện Tam Dương",
        default_points=Decimal("1"),
        effective_from=date(2026, 1, 1),
    )
    later = services.catalogue_item_create(
        organisation=d.org,
        code="tu_thang_4",
        description="Quy định áp dụng từ tháng 4",
        legal_basis="Quy chế làm việc của UBND huyện Bình Xuyên",
        default_points=Decimal("1"),
        effective_from=date(2026, 4, 1),
    )
    for item in (other, later):
        with pytest.raises(ValidationError) as error:
            services.violation_record(item=item, employee=d.an, occurred_on=date(2026, 3, 2))
        assert "item" in error.value.message_dict


def test_it_refuses_the_inspection_source_outside_an_inspection(d):
    with pytest.raises(ValidationError) as error:
        _conduct(d, source=ViolationSource.INSPECTION)
    assert "source" in error.value.message_dict


def test_it_lets_the_person_contest_within_the_window(d, clock):
    violation = _conduct(d)
    assert violation.contest_deadline == TODAY + timedelta(days=5)
    clock.travel_to(TODAY + timedelta(days=5))
    contested = services.violation_contest(
        violation=violation, reason="Hôm đó tôi nghỉ phép có đơn.", by=d.an.user
    )
    assert contested.status == ViolationStatus.CONTESTED
    assert contested.history.first().history_user == d.an.user


def test_it_refuses_a_contest_after_the_window(d, clock):
    violation = _conduct(d)
    clock.travel_to(TODAY + timedelta(days=6))
    with pytest.raises(ValidationError) as error:
        services.violation_contest(violation=violation, reason="Xin xem lại.", by=d.an.user)
    assert "contest_deadline" in error.value.message_dict
    violation.refresh_from_db()
    assert violation.status == ViolationStatus.RECORDED


def test_it_uses_the_agencys_own_contest_window(d):
    DisciplinePolicy.objects.filter(organisation=d.org).update(contest_days=10)
    assert _conduct(d).contest_deadline == TODAY + timedelta(days=10)


def test_it_uses_the_settings_window_by_default(d, settings):
    DisciplinePolicy.objects.filter(organisation=d.org).delete()
    settings.DISCIPLINE_CONTEST_DAYS = 7
    assert _conduct(d).contest_deadline == TODAY + timedelta(days=7)


def test_it_refuses_a_contest_by_someone_else_without_a_reason_or_twice(d):
    violation = _conduct(d)
    with pytest.raises(PermissionDenied):
        services.violation_contest(violation=violation, reason="Thay mặt", by=d.binh.user)
    with pytest.raises(ValidationError) as error:
        services.violation_contest(violation=violation, reason=" ", by=d.an.user)
    assert "contest_reason" in error.value.message_dict
    services.violation_contest(violation=violation, reason="Không đúng", by=d.an.user)
    with pytest.raises(ValidationError) as error:
        services.violation_contest(violation=violation, reason="Lần nữa", by=d.an.user)
    assert "status" in error.value.message_dict


def test_it_lets_the_unit_leader_contest_a_unit_finding(surprise, d):
    finding = services.finding_record(
        inspection=surprise,
        item=d.item["don_vi_vi_pham_nghiem_trong_van_hoa_cong_so"],
        unit=d.tn,
        by=d.kiem.user,
    )
    with pytest.raises(PermissionDenied):
        services.violation_contest(violation=finding, reason="Không đúng", by=d.an.user)
    contested = services.violation_contest(
        violation=finding, reason="Đơn vị đã khắc phục ngay.", by=d.truong_tn.user
    )
    assert contested.status == ViolationStatus.CONTESTED


def test_it_lets_only_the_inspection_head_decide_a_contested_finding(surprise, d):
    finding = _finding(d, surprise)
    services.violation_contest(violation=finding, reason="Tôi có đeo thẻ.", by=d.an.user)
    for user in (d.kiem.user, d.to_chuc.user, d.truong_tn.user, d.an.user):
        with pytest.raises(PermissionDenied):
            services.violation_decide(
                violation=finding, uphold=False, reason="Không có căn cứ", by=user
            )
    decided = services.violation_decide(
        violation=finding,
        uphold=False,
        reason="Ảnh chụp cho thấy có đeo thẻ.",
        by=d.truong_nv.user,
    )
    assert decided.status == ViolationStatus.ANNULLED
    assert decided.decided_by == d.truong_nv.user
    assert decided.history.first().history_user == d.truong_nv.user


def test_it_needs_a_reason_and_a_contest_to_decide(surprise, d):
    finding = _finding(d, surprise)
    with pytest.raises(ValidationError) as error:
        services.violation_decide(violation=finding, uphold=True, reason="", by=d.truong_nv.user)
    assert set(error.value.message_dict) == {"status", "decision_reason"}


def test_it_lets_the_hr_officer_decide_contests_outside_inspections(d):
    violation = _conduct(d, by=d.truong_tn.user)
    services.violation_contest(violation=violation, reason="Không đúng", by=d.an.user)
    with pytest.raises(PermissionDenied):
        services.violation_decide(violation=violation, uphold=True, reason="x", by=d.truong_tn.user)
    upheld = services.violation_decide(
        violation=violation, uphold=True, reason="Có biên bản xác nhận.", by=d.to_chuc.user
    )
    assert upheld.status == ViolationStatus.UPHELD


def test_it_leaves_annulled_violations_out_of_the_ledger(surprise, d):
    kept = _conduct(d)
    annulled = _finding(d, surprise)
    services.violation_contest(violation=annulled, reason="Nhầm người", by=d.an.user)
    services.violation_decide(
        violation=annulled, uphold=False, reason="Nhầm người", by=d.truong_nv.user
    )
    contested = _finding(d, surprise, employee=d.binh)
    services.violation_contest(violation=contested, reason="Xin xem lại", by=d.binh.user)
    ledger = selectors.person_deductions(organisation=d.org, start=MARCH[0], end=MARCH[1])
    assert [entry.id for entry in ledger[d.an.pk]] == [kept.pk]
    shown = selectors.violations_of(d.an, start=MARCH[0], end=MARCH[1])
    assert [(v.pk, v.status) for v in shown] == [
        (kept.pk, ViolationStatus.RECORDED),
        (annulled.pk, ViolationStatus.ANNULLED),
    ]
    assert ledger[d.binh.pk][0].status == ViolationStatus.CONTESTED
    entry = ledger[d.an.pk][0]
    assert (entry.points, entry.criterion_code, entry.cap_level, entry.catalogue_code) == (
        Decimal("2.00"),
        "ky_luat_ky_cuong",
        None,
        "ruou_bia_gio_lam_viec",
    )
    assert entry.occurred_on == date(2026, 3, 12)
    assert "rượu, bia" in entry.legal_basis


def test_it_puts_violations_in_the_month_they_occurred(d):
    _conduct(d, occurred_on=date(2026, 2, 27))
    assert selectors.person_deductions(organisation=d.org, start=MARCH[0], end=MARCH[1]) == {}
    feb = selectors.person_deductions(
        organisation=d.org, start=date(2026, 2, 1), end=date(2026, 2, 28)
    )
    assert list(feb) == [d.an.pk]


def test_it_returns_only_capping_unit_findings(surprise, d):
    capping = services.finding_record(
        inspection=surprise,
        item=d.item["don_vi_vi_pham_nghiem_trong_van_hoa_cong_so"],
        unit=d.tn,
        by=d.kiem.user,
    )
    services.finding_record(
        inspection=surprise,
        item=d.item["don_vi_khong_niem_yet_thu_tuc"],
        unit=d.vp,
        by=d.kiem.user,
    )
    findings = selectors.unit_findings(organisation=d.org, start=MARCH[0], end=MARCH[1])
    assert list(findings) == [d.tn.pk]
    assert findings[d.tn.pk][0].id == capping.pk
    assert findings[d.tn.pk][0].cap_level == "complete"


def test_it_shows_each_user_what_they_may_see(surprise, d):
    own = _conduct(d)
    other_unit = _conduct(d, employee=d.thu)
    assert list(selectors.own_violations(d.an.user)) == [own]
    assert set(selectors.violations_visible_to(d.an.user)) == {own}
    assert set(selectors.violations_visible_to(d.truong_tn.user)) == {own}
    assert set(selectors.violations_visible_to(d.kiem.user)) == {own, other_unit}
    assert set(selectors.violations_visible_to(d.khach.user)) == set()
    assert list(selectors.inspections_of(d.kiem.user)) == [surprise]
    assert list(selectors.inspections_of(d.ngoai_doan.user)) == []
