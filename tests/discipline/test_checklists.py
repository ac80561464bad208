"""Checklist inspections: catalogue items checked met / not met per unit, with evidence
where the catalogue requires it, counted in the office-culture compliance."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from discipline import reports, selectors, services
from discipline.models import InspectionCheck
from tests.discipline.test_views_queries import count_queries

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SHIPPED = {
    "don_vi_khong_treo_bien_cam_hut_thuoc",
    "quy_che_thieu_quy_dinh_ruou_bia_thuoc_la",
    "mot_cua_khong_niem_yet_thu_tuc_duong_day_nong",
    "lai_xe_sau_khi_uong_ruou_bia",
}


def _photo():
    return SimpleUploadedFile("bien.png", PNG, content_type="image/png")


def test_the_shipped_catalogue_has_the_posted_notice_and_conduct_items(d):
    items = {item.code: item for item in selectors.checklist_items(organisation=d.org, on=d.today)}
    assert set(items) >= SHIPPED
    assert items["don_vi_khong_treo_bien_cam_hut_thuoc"].applies_to == "unit"
    assert items["lai_xe_sau_khi_uong_ruou_bia"].applies_to == "person"
    assert all(items[code].legal_basis for code in SHIPPED)
    assert "nội quy" in items["quy_che_thieu_quy_dinh_ruou_bia_thuoc_la"].legal_basis


def test_an_inspection_without_findings_records_what_it_checked(d, surprise):
    sign = d.item["don_vi_khong_treo_bien_cam_hut_thuoc"]
    check = services.inspection_check(
        inspection=surprise, unit=d.tn, item=sign, met=True, evidence=_photo(), by=d.kiem.user
    )
    assert (check.met, check.checked_on, check.checked_by) == (True, d.today, d.kiem.user)
    assert not surprise.findings.exists()
    rows = selectors.inspection_checklist(inspection=surprise, unit=d.tn, on=d.today)
    assert [row.item.code for row in rows if row.check] == [sign.code]
    assert rows[0].item.applies_to == "unit" and rows[-1].item.applies_to == "person"


def test_a_check_without_the_evidence_the_catalogue_requires_is_refused(d, surprise):
    sign = d.item["don_vi_khong_treo_bien_cam_hut_thuoc"]
    with pytest.raises(ValidationError) as error:
        services.inspection_check(
            inspection=surprise, unit=d.tn, item=sign, met=True, by=d.kiem.user
        )
    assert set(error.value.message_dict) == {"evidence"}
    assert not InspectionCheck.objects.exists()
    drink = d.item["lai_xe_sau_khi_uong_ruou_bia"]
    services.inspection_check(inspection=surprise, unit=d.tn, item=drink, met=True)


def test_a_not_met_needs_a_note_and_a_recheck_keeps_the_earlier_answer(d, surprise):
    drink = d.item["lai_xe_sau_khi_uong_ruou_bia"]
    with pytest.raises(ValidationError) as error:
        services.inspection_check(inspection=surprise, unit=d.tn, item=drink, met=False)
    assert "note" in error.value.message_dict
    services.inspection_check(inspection=surprise, unit=d.tn, item=drink, met=True)
    check = services.inspection_check(
        inspection=surprise, unit=d.tn, item=drink, met=False, note="Một người lái xe về."
    )
    assert InspectionCheck.objects.count() == 1
    assert [row.met for row in check.history.order_by("history_date")] == [True, False]


def test_only_the_team_checks_units_it_does_not_work_in_within_the_scope(d, surprise):
    drink = d.item["lai_xe_sau_khi_uong_ruou_bia"]
    for user in (d.truong_tn.user, d.ngoai_doan.user):
        with pytest.raises(PermissionDenied):
            services.inspection_check(inspection=surprise, unit=d.tn, item=drink, met=True, by=user)
    with pytest.raises(ValidationError) as error:
        services.inspection_check(inspection=surprise, unit=d.nv, item=drink, met=True)
    assert "unit" in error.value.message_dict
    not_listed = d.item["khong_deo_the"]
    with pytest.raises(ValidationError) as error:
        services.inspection_check(inspection=surprise, unit=d.tn, item=not_listed, met=True)
    assert "item" in error.value.message_dict


def test_the_compliance_report_counts_checks(d, surprise):
    sign = d.item["don_vi_khong_treo_bien_cam_hut_thuoc"]
    drink = d.item["lai_xe_sau_khi_uong_ruou_bia"]
    posted = d.item["mot_cua_khong_niem_yet_thu_tuc_duong_day_nong"]  # not office culture
    services.inspection_check(
        inspection=surprise, unit=d.tn, item=sign, met=True, evidence=_photo()
    )
    services.inspection_check(inspection=surprise, unit=d.tn, item=drink, met=False, note="x")
    services.inspection_check(
        inspection=surprise, unit=d.tn, item=posted, met=True, evidence=_photo()
    )
    frame = reports.office_culture_compliance(
        organisation=d.org, start=date(2026, 3, 1), end=date(2026, 3, 31)
    )
    rows = {row["unit_code"]: row for row in frame.to_dict("records")}
    assert (rows["TN"]["checks"], rows["TN"]["checks_met"]) == (2, 1)
    assert str(rows["TN"]["check_rate"]) == "50.00"
    assert rows["VP"]["checks"] == 0 and rows["VP"]["check_rate"] is None


def test_the_checklist_page_saves_one_item_and_refuses_a_missing_photo(d, surprise, client):
    sign = d.item["don_vi_khong_treo_bien_cam_hut_thuoc"]
    url = reverse("discipline:inspection_checklist", args=[surprise.pk, d.tn.pk])
    client.force_login(d.kiem.user)
    page = client.get(url)
    assert page.status_code == 200 and sign.description in page.content.decode()
    refused = client.post(url, {"item": sign.pk, f"i{sign.pk}-met": "yes"})
    assert refused.status_code == 400 and not InspectionCheck.objects.exists()
    saved = client.post(
        url, {"item": sign.pk, f"i{sign.pk}-met": "yes", f"i{sign.pk}-evidence": _photo()}
    )
    assert saved.status_code == 302
    assert InspectionCheck.objects.get().evidence
    client.force_login(d.truong_tn.user)
    assert client.post(url, {"item": sign.pk, f"i{sign.pk}-met": "no"}).status_code == 403
    other = reverse("discipline:inspection_checklist", args=[surprise.pk, d.nv.pk])
    client.force_login(d.kiem.user)
    assert client.get(other).status_code == 404


def test_the_checklist_page_costs_the_same_at_two_sizes(d, surprise, client):
    client.force_login(d.kiem.user)
    url = reverse("discipline:inspection_checklist", args=[surprise.pk, d.tn.pk])
    counts = []
    made = 0
    for size in (2, 12):
        while made < size:
            made += 1
            item = services.catalogue_item_create(
                organisation=d.org,
                code=f"muc_rieng_{made}",
                description=f"Mục kiểm tra riêng {made}",
                legal_basis="Theo nội quy cơ quan",
                default_points=0,
                applies_to="unit",
                checklist=True,
                effective_from=date(2026, 1, 1),
            )
            services.inspection_check(inspection=surprise, unit=d.tn, item=item, met=True)
        counts.append(count_queries(client, url))
    assert counts[0] == counts[1], counts
