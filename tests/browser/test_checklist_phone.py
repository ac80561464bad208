"""A checklist inspection on a phone (375 px): the inspector, on her feet in the unit,
marks the posted "no smoking" sign met with a photo taken on the spot, is refused when a
required photo is missing, and the page never scrolls sideways."""

import pytest
from playwright.sync_api import expect

from discipline import services
from discipline.models import InspectionCheck
from hrsystem import clock
from tests.browser.test_phone import PHONE, TAP, _fits_the_screen
from tests.discipline.conftest import build_agency
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def test_an_inspector_checks_a_unit_on_a_phone(page, log_in, screenshot):
    d = build_agency()
    inspection = services.inspection_start(
        inspection=services.inspection_plan(
            organisation=d.org,
            title="Kiểm tra việc niêm yết, treo biển và quy chế làm việc",
            kind="regular",
            planned_on=clock.today(),
            scope=[d.tn],
            head=d.truong_nv,
            members=[d.kiem],
        )
    )
    sign = d.item["don_vi_khong_treo_bien_cam_hut_thuoc"]
    page.set_viewport_size(PHONE)
    log_in("kiem", PASSWORD)
    page.goto(f"/discipline/inspections/{inspection.pk}/")
    page.get_by_role("link", name="Danh mục kiểm tra").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(d.tn.name)
    _fits_the_screen(page)
    card = page.locator(f"#item-{sign.pk}")
    expect(card).to_contain_text("Bắt buộc minh chứng")
    button = card.get_by_role("button", name="Lưu kết quả")
    assert button.bounding_box()["height"] >= TAP
    screenshot("1-checklist")

    card.get_by_label("Đạt", exact=True).check()
    button.click()
    expect(page.locator(f"#item-{sign.pk} .errorlist")).to_contain_text("minh chứng")
    _fits_the_screen(page)
    screenshot("2-photo-missing")

    card = page.locator(f"#item-{sign.pk}")
    card.get_by_label("Đạt", exact=True).check()
    card.get_by_label("Tệp minh chứng").set_input_files(
        {"name": "bien-cam-hut-thuoc.png", "mimeType": "image/png", "buffer": PNG}
    )
    card.get_by_role("button", name="Lưu kết quả").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu")
    expect(page.locator(f"#item-{sign.pk}")).to_contain_text("Đã có minh chứng")
    _fits_the_screen(page)
    screenshot("3-checked")
    assert InspectionCheck.objects.get().met
