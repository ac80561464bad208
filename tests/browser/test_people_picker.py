"""The people picker in the browser (issue 17, defect 10): the inspector types two letters
of a name, moves to a result with the arrow key, chooses it with Enter, takes one off
with its button, and the plan is saved with the members chosen."""

import pytest
from playwright.sync_api import expect

from discipline.models import Inspection
from tests.discipline.conftest import build_agency
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_inspection_members_are_chosen_by_searching_with_the_keyboard(page, log_in, screenshot):
    page.context.set_default_timeout(20_000)  # two shared cores
    d = build_agency()
    log_in("kiem", PASSWORD)
    page.goto("/discipline/inspections/new/")
    page.get_by_label("Nội dung kiểm tra").fill("Kiểm tra định kỳ Phòng Tài nguyên")
    page.get_by_label("Phòng Tài nguyên và Môi trường (TN)").check()
    page.get_by_label("Trưởng đoàn").select_option(label="Hoàng Minh Đức (TRUONG_NV)")
    search = page.get_by_label("Thành viên đoàn")
    search.fill("ngo")
    options = page.locator("[data-picker-choose]")
    expect(options).to_have_count(2)  # Ngô Thị Phó, Lý Thị Ngoài
    search.press("ArrowDown")
    expect(options.first).to_be_focused()
    options.first.press("ArrowDown")
    page.keyboard.press("Enter")
    chosen = page.locator(".picker__chosen")
    expect(chosen).to_contain_text("Ngô Thị Phó")
    expect(search).to_be_focused()
    search.fill("kiem")
    expect(options).to_have_count(1)
    search.press("Enter")  # the only result: Enter chooses it, the form is not sent
    expect(chosen).to_contain_text("Đặng Quốc Kiểm")
    page.get_by_role("button", name="Bỏ chọn Ngô Thị Phó").click()
    expect(chosen).not_to_contain_text("Ngô Thị Phó")
    screenshot("members-chosen")
    page.get_by_role("button", name="Lập kế hoạch").click()
    expect(page.locator(".messages")).to_contain_text("Đã lập kế hoạch kiểm tra")
    inspection = Inspection.objects.get(title="Kiểm tra định kỳ Phòng Tài nguyên")
    assert list(inspection.members.all()) == [d.kiem]
