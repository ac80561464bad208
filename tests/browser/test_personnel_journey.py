"""The personnel board in the browser: the HR officer reads the heads whose term runs out
with their years' levels and the rule's flags, then proposes to rotate a staff member up
from a unit rated at the bottom level: the warning names the year and the unit, and the
proposal is saved only once she writes why it goes ahead."""

import pytest
from playwright.sync_api import expect

from evaluation.annual.models import PersonnelProposal
from tests.annual.test_personnel import ON, build_board, switch_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hr_reads_the_due_heads_and_acknowledges_a_warned_rotation(
    page, sign_in, screenshot, clock
):
    clock.travel_to(ON)
    c = build_board()
    switch_on(c)
    sign_in(c.hr)
    page.goto("/personnel/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bổ nhiệm lại, luân chuyển đến hạn")
    table = page.locator("#personnel-due")
    expect(table.locator("tr.flagged")).to_have_count(2)
    expect(table).to_contain_text("Năm 2025: cá nhân xếp loại Không hoàn thành nhiệm vụ.")
    expect(table).to_contain_text("Bài học kinh nghiệm của quận Long Biên")
    screenshot("1-report")

    page.get_by_role("link", name="Đề xuất bổ nhiệm, luân chuyển").click()
    page.get_by_label("Cán bộ").select_option(label=str(c.b1))
    page.get_by_label("Loại đề xuất").select_option("rotate")
    page.get_by_label("Từ đơn vị").select_option(label=str(c.pb))
    page.get_by_label("Đến đơn vị").select_option(label=str(c.root))
    page.get_by_label("Chức vụ").select_option("deputy")
    page.get_by_label("Dự kiến từ ngày").fill("2027-01-10")
    page.get_by_label("Lý do đề xuất").fill("Tăng cường lãnh đạo UBND")
    page.get_by_role("button", name="Lưu đề xuất").click()
    warning = page.locator("#proposal-warnings")
    expect(warning).to_contain_text("Năm 2024: đơn vị Phòng B xếp loại Không hoàn thành")
    assert not PersonnelProposal.objects.exists()
    screenshot("2-warning")

    page.get_by_label("Lý do vẫn đề xuất dù có cảnh báo").fill("Phòng B đã khắc phục từ 2025")
    page.get_by_role("button", name="Lưu đề xuất").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu đề xuất")
    expect(page.locator("#personnel-due")).to_contain_text("Luân chuyển, điều động")
    screenshot("3-saved")
    assert PersonnelProposal.objects.get().warned
