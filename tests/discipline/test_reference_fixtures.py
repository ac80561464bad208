"""The shipped reference data: discipline forms and the default violation catalogue."""

import json
from pathlib import Path

from django.core.management import call_command

from discipline.models import DisciplineForm, ViolationCatalogueItem


def test_it_loads_the_reference_fixtures_twice_without_duplicates(db):
    for _ in range(2):
        call_command("loaddata", "fixtures/reference/discipline_forms.json", verbosity=0)
        call_command("loaddata", "fixtures/reference/violation_catalogue.json", verbosity=0)
    assert list(DisciplineForm.objects.values_list("code", flat=True)) == [
        "khien_trach",
        "canh_cao",
        "cach_chuc",
        "buoc_thoi_viec",
    ]
    assert DisciplineForm.objects.get(code="cach_chuc").leaders_only
    with open("fixtures/reference/violation_catalogue.json", encoding="utf-8") as shipped:
        assert ViolationCatalogueItem.objects.count() == len(json.load(shipped))


def test_it_ships_a_catalogue_that_passes_model_validation(db):
    call_command("loaddata", "fixtures/reference/violation_catalogue.json", verbosity=0)
    for item in ViolationCatalogueItem.objects.all():
        item.full_clean()
        assert item.legal_basis and item.description
        assert item.organisation_id is None


def test_it_covers_the_practices_of_the_articles(db):
    call_command("loaddata", "fixtures/reference/violation_catalogue.json", verbosity=0)
    codes = {item.code: item for item in ViolationCatalogueItem.objects.all()}
    for code in [
        "khong_deo_the",
        "trang_phuc_khong_phu_hop",
        "hut_thuoc_noi_cong_so",
        "ruou_bia_gio_lam_viec",
        "quang_cao_thuong_mai",
        "hach_dich_cua_quyen",
        "di_muon_ve_som",
        "nghi_khong_ly_do_3_ngay",
        "tre_han_khong_xin_loi",
        "khong_thuc_hien_4_xin_4_luon",
        "vi_pham_cam_ket_5_khong",
    ]:
        assert code in codes
    assert codes["nghi_khong_ly_do_3_ngay"].cap_level == "fail"
    unit_item = codes["don_vi_vi_pham_nghiem_trong_van_hoa_cong_so"]
    assert (unit_item.applies_to, unit_item.serious, unit_item.cap_level) == (
        "unit",
        True,
        "complete",
    )


def test_it_names_each_criterion_as_the_shipped_rule_sets_do(db):
    rule_sets = json.loads(Path("fixtures/reference/rulesets.json").read_text())
    names = {
        row["fields"]["code"]: row["fields"]["name"]
        for row in rule_sets
        if row["model"] == "evaluation.generalcriterion"
    }
    call_command("loaddata", "fixtures/reference/violation_catalogue.json", verbosity=0)
    for item in ViolationCatalogueItem.objects.all():
        if item.criterion_code:
            assert item.criterion_name == names[item.criterion_code], item.code
        else:
            assert item.criterion_name == "", item.code
