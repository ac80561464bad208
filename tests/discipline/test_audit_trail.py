"""Every write service of `discipline.services` leaves a history row naming the acting
user, and the reason where it asks for one (see tests/audit_trail.py)."""

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from discipline import services
from discipline.models import SurveySource
from tests.audit_trail import Step, assert_every_service_listed, problems
from tests.discipline.conftest import TODAY

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

EXCLUDED = {
    "catalogue_item_validate": "read-only check shared by the service and the admin form",
    "inspection_head_errors": "read-only check shared by the service and the planning form",
}


def _steps(d) -> list[Step]:
    hr, inspector, head, one_stop = d.to_chuc.user, d.kiem.user, d.truong_nv.user, d.mot_cua.user
    made = {}

    def keep(name, row):
        made[name] = row
        return row

    def late_dossier(code):
        return services.dossier_record(
            unit=d.tn,
            code=code,
            citizen_name="Nguyễn Thị Dân",
            officer=d.an,
            received_on=date(2026, 3, 2),
            due_on=date(2026, 3, 6),
            by=one_stop,
        )

    return [
        Step(
            "discipline_policy_set",
            lambda: services.discipline_policy_set(organisation=d.org, contest_days=7, by=hr),
            hr,
        ),
        Step(
            "catalogue_item_create",
            lambda: keep(
                "item",
                services.catalogue_item_create(
                    organisation=d.org,
                    code="rieng_bx",
                    description="Không tắt điện khi ra về",
                    legal_basis="Quy chế làm việc của UBND huyện",
                    default_points=Decimal("0.5"),
                    criterion_code="ky_luat_ky_cuong",
                    criterion_name="Kỷ luật, kỷ cương",
                    effective_from=date(2026, 1, 1),
                    by=hr,
                ),
            ),
            hr,
        ),
        Step(
            "catalogue_item_revise",
            lambda: services.catalogue_item_revise(
                item=made["item"], description="Không tắt thiết bị điện khi ra về", by=hr
            ),
            hr,
        ),
        Step(
            "inspection_plan",
            lambda: keep(
                "inspection",
                services.inspection_plan(
                    organisation=d.org,
                    title="Kiểm tra đột xuất",
                    kind="surprise",
                    planned_on=TODAY,
                    scope=[d.tn],
                    head=d.truong_nv,
                    members=[d.kiem],
                    by=head,
                ),
            ),
            head,
        ),
        Step(
            "inspection_start",
            lambda: services.inspection_start(inspection=made["inspection"], by=head),
            head,
        ),
        Step(
            "finding_record",
            lambda: keep(
                "finding",
                services.finding_record(
                    inspection=made["inspection"],
                    item=d.item["khong_deo_the"],
                    employee=d.an,
                    by=inspector,
                ),
            ),
            inspector,
        ),
        Step(
            "inspection_check",
            lambda: services.inspection_check(
                inspection=made["inspection"],
                unit=d.tn,
                item=d.item["don_vi_khong_treo_bien_cam_hut_thuoc"],
                met=False,
                note="Chưa treo biển cấm hút thuốc ở hành lang",
                evidence=SimpleUploadedFile("bien.png", PNG, content_type="image/png"),
                by=inspector,
            ),
            inspector,
        ),
        Step(
            "violation_contest",
            lambda: services.violation_contest(
                violation=made["finding"], reason="Tôi có đeo thẻ", by=d.an.user
            ),
            d.an.user,
            "Tôi có đeo thẻ",
        ),
        Step(
            "violation_decide",
            lambda: services.violation_decide(
                violation=made["finding"],
                uphold=False,
                reason="Ảnh chụp cho thấy có đeo thẻ",
                by=head,
            ),
            head,
            "Ảnh chụp cho thấy có đeo thẻ",
        ),
        Step(
            "inspection_close",
            lambda: services.inspection_close(
                inspection=made["inspection"], report="Đề nghị chấn chỉnh", by=head
            ),
            head,
        ),
        Step(
            "violation_record",
            lambda: keep(
                "breach",
                services.violation_record(
                    item=d.item["ruou_bia_gio_lam_viec"],
                    employee=d.an,
                    occurred_on=date(2026, 3, 2),
                    by=d.truong_tn.user,
                ),
            ),
            d.truong_tn.user,
        ),
        Step(
            "discipline_decide",
            lambda: services.discipline_decide(
                employee=d.an,
                number="15/QĐ-UBND",
                decided_on=date(2026, 3, 10),
                signer_name="Trần Văn Quang",
                signer_title="Chủ tịch UBND huyện",
                form=d.form["khien_trach"],
                legal_basis="Nghị định số 112/2020/NĐ-CP",
                effect_from=date(2026, 3, 10),
                violations=[made["breach"]],
                by=hr,
            ),
            hr,
        ),
        Step("dossier_record", lambda: keep("dossier", late_dossier("HS-1")), one_stop),
        Step(
            "dossier_settle",
            lambda: services.dossier_settle(
                dossier=made["dossier"], settled_on=date(2026, 3, 9), by=one_stop
            ),
            one_stop,
        ),
        Step(
            "dossier_excuse",
            lambda: services.dossier_excuse(
                dossier=made["dossier"], reason="Chờ kết quả đo đạc", by=d.truong_tn.user
            ),
            d.truong_tn.user,
            "Chờ kết quả đo đạc",
        ),
        Step(
            "apology_record",
            lambda: services.apology_record(
                dossier=made["dossier"],
                sent_on=date(2026, 3, 10),
                cause="Chờ kết quả đo đạc của đơn vị tư vấn",
                signed_by=d.truong_tn,
                number="05/TXL",
                by=one_stop,
            ),
            one_stop,
        ),
        Step(
            "dossiers_receive",
            lambda: services.dossiers_receive(
                organisation=d.org,
                rows=[
                    {
                        "unit": "TN",
                        "code": "HS-2",
                        "citizen_name": "Trần Văn Dân",
                        "officer": "AN",
                        "received_on": date(2026, 3, 2),
                        "due_on": date(2026, 3, 20),
                    }
                ],
                by=one_stop,
            ),
            one_stop,
        ),
        Step(
            "dossier_count_record",
            lambda: services.dossier_count_record(
                unit=d.mc, year=2026, month=2, on_time=20, late=1, by=one_stop
            ),
            one_stop,
        ),
        Step(
            "complaint_record",
            lambda: keep(
                "complaint",
                services.complaint_record(
                    channel="hotline",
                    received_on=date(2026, 3, 3),
                    content="Yêu cầu nộp thêm giấy tờ",
                    employee=d.an,
                    complainant="Nguyễn Văn Dân",
                    by=one_stop,
                ),
            ),
            one_stop,
        ),
        Step(
            "complaint_decide",
            lambda: services.complaint_decide(
                complaint=made["complaint"], substantiated=True, note="Xác minh đúng", by=inspector
            ),
            inspector,
            "Xác minh đúng",
        ),
        Step(
            "apology_record",
            lambda: services.apology_record(
                complaint=made["complaint"],
                sent_on=TODAY,
                cause="Cán bộ chưa hướng dẫn đủ giấy tờ ngay lần đầu",
                signed_by=d.truong_tn,
                number="07/XL-UBND",
                by=hr,
            ),
            hr,
        ),
        Step(
            "dossier_counts_receive",
            lambda: services.dossier_counts_receive(
                organisation=d.org,
                year=2026,
                month=1,
                rows=[{"unit": d.mc.code, "officer": d.mot_cua.code, "on_time": 31, "late": 2}],
                by=one_stop,
            ),
            one_stop,
        ),
        Step(
            "inspection_year_plan_issue",
            lambda: keep(
                "plan",
                services.inspection_year_plan_issue(
                    organisation=d.org,
                    year=2026,
                    number="02/KH-UBND",
                    issued_on=date(2026, 1, 5),
                    by=hr,
                ),
            ),
            hr,
        ),
        Step(
            "inspection_plan_line_add",
            lambda: services.inspection_plan_line_add(
                plan=made["plan"],
                quarter=2,
                unit=d.tn,
                lead=d.truong_nv,
                kind="regular",
                content="Kiểm tra việc chấp hành quy chế văn hoá công sở",
                by=hr,
            ),
            hr,
        ),
        Step(
            "violation_annul_on_appeal",
            lambda: services.violation_annul_on_appeal(
                violation_id=made["breach"].pk,
                employee_id=d.an.pk,
                start=date(2026, 3, 1),
                end=date(2026, 3, 31),
                reason="Kiến nghị được chấp nhận: đã có đơn xin nghỉ",
                by=hr,
            ),
            hr,
            "Kiến nghị được chấp nhận: đã có đơn xin nghỉ",
        ),
        Step(
            "suggestion_record",
            lambda: services.suggestion_record(
                organisation=d.org,
                unit=d.mc,
                opened_on=date(2026, 3, 13),
                content="Thêm ghế chờ",
                by=one_stop,
            ),
            one_stop,
        ),
        Step(
            "survey_record",
            lambda: services.survey_record(
                unit=d.mc,
                year=2026,
                month=2,
                source=SurveySource.SIPAS,
                respondents=300,
                satisfied=249,
                by=one_stop,
            ),
            one_stop,
        ),
        Step(
            "commitments_issue_year",
            lambda: keep(
                "commitments",
                services.commitments_issue_year(
                    organisation=d.org,
                    year=2026,
                    template="Cam kết năm 2026",
                    on=date(2026, 1, 5),
                    by=hr,
                ),
            ),
            hr,
        ),
        Step(
            "commitment_sign",
            lambda: services.commitment_sign(
                commitment=next(c for c in made["commitments"] if c.signer_id == d.an.pk),
                by=d.an.user,
            ),
            d.an.user,
        ),
    ]


def test_every_discipline_write_service_is_audited_with_its_user_and_reason(d):
    steps = _steps(d)
    assert_every_service_listed(services, {step.service for step in steps}, EXCLUDED)
    assert problems(steps) == []
