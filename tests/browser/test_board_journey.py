"""The year's review in the browser: the HR officer rolls the year up (progress shown), a
head rates a person's year, the board confirms one title and overrides another (refused
first without a reason), records its meeting and publishes, and the person reads the
board's decision and their year explained."""

import pytest
from playwright.sync_api import expect

from tests.annual.builders import build_year, set_everyone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_roll_up_rate_review_publish_and_read(page, sign_in, screenshot):
    page.set_default_navigation_timeout(30_000)  # the year page under a loaded CI machine
    page.set_default_timeout(20_000)
    c = build_year(months=6)
    set_everyone(c, "60", a1=["96"] * 6, a2=["82"] * 6)

    sign_in(c.hr)
    page.goto("/year/2026/")
    page.get_by_role("button", name="Tổng hợp kết quả năm").click()
    job = page.locator(".job")
    expect(job.get_by_role("status")).to_contain_text("Đã xong")
    expect(job.locator("progress")).to_have_attribute("value", "100")
    screenshot("1-roll-up")

    page.context.clear_cookies()
    sign_in(c.truong_a.user)
    page.goto(f"/year/2026/people/{c.a1.pk}/procedure/")
    page.get_by_label("Mức xếp loại").select_option("top")
    page.get_by_label("Nhận xét").fill("Hoàn thành xuất sắc các nhiệm vụ được giao.")
    page.get_by_role("button", name="Ghi đánh giá").click()
    expect(page.locator("#rating")).to_contain_text("Hoàn thành xuất sắc nhiệm vụ")
    screenshot("2-head-rates")

    page.context.clear_cookies()
    sign_in(c.hoi_dong.user)
    page.goto("/year/2026/board/")
    first = page.locator(f"#person-{c.a1.pk}")
    expect(first).to_contain_text("Lao động tiên tiến")
    first.get_by_role("button", name="Ghi quyết định").click()
    expect(page.locator(f"#person-{c.a1.pk}")).to_contain_text("Giữ nguyên đề xuất")

    second = page.locator(f"#person-{c.a2.pk}")
    second.get_by_label("Thay đổi thành").check()
    second.get_by_role("button", name="Ghi quyết định").click()
    expect(page.get_by_text("phải ghi rõ lý do")).to_be_visible()
    second = page.locator(f"#person-{c.a2.pk}")
    second.get_by_label("Thay đổi thành").check()
    second.get_by_label("Lý do (bắt buộc khi thay đổi)").fill("Chưa đăng ký thi đua đầu năm.")
    second.get_by_role("button", name="Ghi quyết định").click()
    expect(page.locator(f"#person-{c.a2.pk}")).to_contain_text("Thay đổi đề xuất")

    page.fill("#meeting_on", "2026-12-05")
    page.get_by_label(c.hoi_dong.full_name).check()
    page.get_by_role("button", name="Ghi biên bản họp").click()
    page.get_by_role("button", name="Công bố danh sách và khoá năm").click()
    expect(page.locator("#year-state")).to_contain_text("Đã công bố danh sách cuối cùng")
    screenshot("3-board-published")

    page.context.clear_cookies()
    sign_in(c.a2.user)
    page.goto(f"/year/2026/people/{c.a2.pk}/procedure/")
    expect(page.locator("#decision")).to_contain_text("Chưa đăng ký thi đua đầu năm.")
    page.get_by_role("link", name="Kết quả năm và giải thích từng bước").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kết quả năm 2026")
    expect(page.locator("ol")).to_contain_text("Điểm năm")
    screenshot("4-person-year")
