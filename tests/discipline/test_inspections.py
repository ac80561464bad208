"""Inspections: planning with a team headed by Internal Affairs, findings on the spot."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from discipline import services
from discipline.models import InspectionStatus, ViolationSource, ViolationStatus
from discipline.validators import validate_evidence
from hrsystem.models import Role
from tests.discipline.conftest import TODAY
from tests.factories import RoleGrantFactory

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"0" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def _plan(d, *, head=None, by=None, scope=None, members=(), planned_on=TODAY):
    return services.inspection_plan(
        organisation=d.org,
        title="Kiểm tra định kỳ quý I",
        kind="regular",
        planned_on=planned_on,
        scope=scope or [d.tn],
        head=head or d.truong_nv,
        members=members,
        by=by,
    )


def test_it_plans_an_inspection_headed_by_internal_affairs(d):
    inspection = _plan(d, members=[d.kiem, d.truong_nv], by=d.kiem.user)
    assert inspection.status == InspectionStatus.PLANNED
    assert list(inspection.members.all()) == [d.kiem]  # the head is not listed twice
    assert list(inspection.scope.all()) == [d.tn]
    assert inspection.history.first().history_user == d.kiem.user


def test_it_refuses_a_head_without_the_inspector_role(d):
    with pytest.raises(ValidationError) as error:
        _plan(d, head=d.to_chuc)
    assert "head" in error.value.message_dict
    assert "tổ kiểm tra công vụ" in error.value.message_dict["head"][0]


def test_it_refuses_an_inspector_outside_the_internal_affairs_unit_as_head(d):
    RoleGrantFactory(role=Role.INSPECTOR, organisation=d.org, employee=d.thu)
    with pytest.raises(ValidationError) as error:
        _plan(d, head=d.thu)
    assert "Phòng Nội vụ" in error.value.message_dict["head"][0]


def test_it_accepts_any_inspector_as_head_when_no_internal_affairs_unit_is_named(d):
    d.org.discipline_policy.delete()
    RoleGrantFactory(role=Role.INSPECTOR, organisation=d.org, employee=d.thu)
    assert _plan(d, head=d.thu).head == d.thu


def test_it_refuses_a_head_whose_inspector_role_has_not_started(d):
    with pytest.raises(ValidationError) as error:
        _plan(d, planned_on=date(2025, 12, 1))
    assert "head" in error.value.message_dict


def test_it_refuses_a_scope_or_member_from_another_agency(d):
    with pytest.raises(ValidationError) as error:
        _plan(d, scope=[d.td], members=[d.khach])
    assert set(error.value.message_dict) == {"scope", "members"}


def test_it_refuses_planning_by_someone_without_inspection_or_hr_rights(d):
    with pytest.raises(PermissionDenied):
        _plan(d, by=d.thu.user)
    assert _plan(d, by=d.to_chuc.user).created_by == d.to_chuc.user


def test_it_lets_only_the_head_start_and_close(d):
    inspection = _plan(d, members=[d.kiem])
    with pytest.raises(PermissionDenied):
        services.inspection_start(inspection=inspection, by=d.kiem.user)
    inspection = services.inspection_start(inspection=inspection, by=d.truong_nv.user)
    assert (inspection.status, inspection.started_on) == (InspectionStatus.IN_PROGRESS, TODAY)
    with pytest.raises(ValidationError) as error:
        services.inspection_start(inspection=inspection, by=d.truong_nv.user)
    assert "status" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.inspection_close(inspection=inspection, report="Báo cáo", by=d.kiem.user)


def test_it_closes_only_with_a_report(surprise, d):
    with pytest.raises(ValidationError) as error:
        services.inspection_close(inspection=surprise, report="  ", by=d.truong_nv.user)
    assert "report" in error.value.message_dict
    closed = services.inspection_close(
        inspection=surprise,
        report="Phát hiện 01 công chức không đeo thẻ; đề nghị trưởng phòng chấn chỉnh.",
        by=d.truong_nv.user,
    )
    assert closed.status == InspectionStatus.CLOSED and closed.closed_at is not None
    with pytest.raises(ValidationError) as error:
        services.finding_record(
            inspection=closed, item=d.item["khong_deo_the"], employee=d.an, by=d.kiem.user
        )
    assert "inspection" in error.value.message_dict


def test_it_records_a_finding_on_the_spot_with_snapshots(surprise, d):
    item = d.item["khong_deo_the"]
    finding = services.finding_record(
        inspection=surprise,
        item=item,
        employee=d.an,
        note="Không đeo thẻ khi tiếp công dân lúc 8h15.",
        evidence=SimpleUploadedFile("the.jpg", JPEG, content_type="image/jpeg"),
        by=d.kiem.user,
    )
    assert finding.source == ViolationSource.INSPECTION
    assert finding.status == ViolationStatus.RECORDED
    assert (finding.unit, finding.organisation, finding.occurred_on) == (d.tn, d.org, TODAY)
    assert finding.points == Decimal("0.50")
    assert finding.criterion_code == "ky_luat_ky_cuong"
    assert finding.legal_basis == item.legal_basis
    assert finding.contest_deadline == TODAY + timedelta(days=5)
    assert re.fullmatch(r"discipline/evidence/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", finding.evidence.name)
    assert finding.evidence.read().startswith(b"\xff\xd8\xff")
    assert finding.history.first().history_user == d.kiem.user


def test_it_records_a_serious_unit_finding(surprise, d):
    finding = services.finding_record(
        inspection=surprise,
        item=d.item["don_vi_vi_pham_nghiem_trong_van_hoa_cong_so"],
        unit=d.tn,
        points=Decimal("0"),
        by=d.truong_nv.user,
    )
    assert (finding.target_unit, finding.unit, finding.cap_level) == (d.tn, d.tn, "complete")


def test_it_refuses_an_inspector_outside_the_team(surprise, d):
    with pytest.raises(PermissionDenied):
        services.finding_record(
            inspection=surprise,
            item=d.item["khong_deo_the"],
            employee=d.an,
            by=d.ngoai_doan.user,
        )


def test_it_refuses_a_finding_outside_the_scope(surprise, d):
    with pytest.raises(ValidationError) as error:
        services.finding_record(
            inspection=surprise, item=d.item["khong_deo_the"], employee=d.to_chuc, by=d.kiem.user
        )
    assert "phạm vi" in error.value.message_dict["employee"][0]


def test_it_covers_sub_units_of_the_scope(surprise, d):
    finding = services.finding_record(
        inspection=surprise,
        item=d.item["hut_thuoc_noi_cong_so"],
        employee=d.mot_cua,
        by=d.kiem.user,
    )
    assert finding.unit == d.mc


def test_it_refuses_a_team_member_recording_against_their_own_unit(d):
    inspection = _plan(d, scope=[d.nv, d.tn], members=[d.kiem])
    inspection = services.inspection_start(inspection=inspection, by=d.truong_nv.user)
    with pytest.raises(PermissionDenied):
        services.finding_record(
            inspection=inspection,
            item=d.item["khong_deo_the"],
            employee=d.to_chuc,
            by=d.kiem.user,
        )


def test_it_refuses_a_head_recording_against_themselves(d):
    inspection = _plan(d, scope=[d.nv])
    inspection = services.inspection_start(inspection=inspection, by=d.truong_nv.user)
    with pytest.raises(PermissionDenied):
        services.finding_record(
            inspection=inspection,
            item=d.item["khong_deo_the"],
            employee=d.truong_nv,
            by=d.truong_nv.user,
        )


def test_it_refuses_a_person_item_against_a_unit_and_both_targets(surprise, d):
    with pytest.raises(ValidationError) as error:
        services.finding_record(
            inspection=surprise, item=d.item["khong_deo_the"], unit=d.tn, by=d.kiem.user
        )
    assert "item" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.finding_record(
            inspection=surprise,
            item=d.item["khong_deo_the"],
            unit=d.tn,
            employee=d.an,
            by=d.kiem.user,
        )
    assert "employee" in error.value.message_dict


def test_it_refuses_a_finding_dated_before_the_inspection_or_in_the_future(surprise, d):
    for day in (TODAY - timedelta(days=1), TODAY + timedelta(days=1)):
        with pytest.raises(ValidationError) as error:
            services.finding_record(
                inspection=surprise,
                item=d.item["khong_deo_the"],
                employee=d.an,
                occurred_on=day,
                by=d.kiem.user,
            )
        assert "occurred_on" in error.value.message_dict


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("chung-tu.pdf", EXE),  # an .exe renamed .pdf
        ("anh.png", JPEG),  # a JPEG named .png
        ("ghi-chu.txt", b"plain text"),
    ],
)
def test_it_refuses_evidence_of_a_forbidden_type_and_saves_nothing(surprise, d, name, content):
    with pytest.raises(ValidationError) as error:
        services.finding_record(
            inspection=surprise,
            item=d.item["khong_deo_the"],
            employee=d.an,
            evidence=SimpleUploadedFile(name, content),
            by=d.kiem.user,
        )
    assert "evidence" in error.value.message_dict
    assert not surprise.findings.exists()


def test_it_refuses_evidence_over_the_size_limit(surprise, d, settings):
    settings.DISCIPLINE_EVIDENCE_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as error:
        services.finding_record(
            inspection=surprise,
            item=d.item["khong_deo_the"],
            employee=d.an,
            evidence=SimpleUploadedFile("bien-ban.pdf", PDF + b"0" * 1024),
            by=d.kiem.user,
        )
    assert "quá lớn" in error.value.message_dict["evidence"][0]


def test_it_refuses_evidence_over_five_megabytes_by_default():
    with pytest.raises(ValidationError):
        validate_evidence(SimpleUploadedFile("anh.jpg", JPEG + b"0" * (5 * 1024 * 1024)))


@pytest.mark.parametrize(("name", "content"), [("a.JPG", JPEG), ("b.jpeg", JPEG), ("c.png", PNG)])
def test_it_accepts_jpeg_png_and_pdf_evidence(name, content):
    validate_evidence(SimpleUploadedFile(name, content))
    validate_evidence(SimpleUploadedFile("d.pdf", PDF))
