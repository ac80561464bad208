"""The year's review in the browser: the HR officer rolls the year up (progress shown), a
head rates a person's year at another level than the engine's (refused first without a
reason), the board sees the decided level, confirms one title and overrides another
(refused first without a reason), confirms the rest at once citing its minutes, records
its meeting and publishes, and the people read the board's decision and their year
explained, the decided level included."""

import pytest
from playwright.sync_api import expect

from tests.annual.builders import build_year, set_everyone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_roll_up_rate_review_publish_and_read(page, sign_in, screenshot):
    page.set_default_navigation_timeout(30_000)  # the year page under a loaded CI machine
    page.set_default_timeout(20_000)
    c = build_year(months=6)
    set_everyone(c, "60", a1=["96"] * 6, a2=["82"] * 6, a3=["83"] * 6)

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
    page.get_by_label("Mức xếp loại").select_option("complete")
    page.get_by_label("Nhận xét").fill("Hoàn thành các nhiệm vụ được giao.")
    page.get_by_role("button", name="Ghi đánh giá").click()
    expect(page.get_by_text("phải ghi rõ lý do bằng văn bản")).to_be_visible()
    page.get_by_label("Mức xếp loại").select_option("complete")
    page.get_by_label("Nhận xét").fill("Hoàn thành các nhiệm vụ được giao.")
    page.get_by_label("Lý do (bắt buộc khi mức khác").fill("Chậm tiến độ đề án số hoá.")
    page.get_by_role("button", name="Ghi đánh giá").click()
    expect(page.locator("#rating")).to_contain_text("Hoàn thành nhiệm vụ")
    screenshot("2-head-rates")

    page.context.clear_cookies()
    sign_in(c.hoi_dong.user)
    page.goto("/year/2026/board/")
    first = page.locator(f"#person-{c.a1.pk}")
    expect(first).to_contain_text("Lao động tiên tiến")
    expect(first.locator('[data-decided="complete"]')).to_be_visible()
    expect(first).to_contain_text("không có danh hiệu")
    first.get_by_label("Thay đổi thành").check()
    first.get_by_role("button", name="Ghi quyết định").click()
    expect(page.get_by_text("phải ghi rõ lý do")).to_be_visible()
    first = page.locator(f"#person-{c.a1.pk}")
    first.get_by_label("Thay đổi thành").check()
    first.get_by_label("Lý do (bắt buộc khi thay đổi)").fill("Mức được quyết định: Hoàn thành.")
    first.get_by_role("button", name="Ghi quyết định").click()
    expect(page.locator(f"#person-{c.a1.pk}")).to_contain_text("Thay đổi đề xuất")

    second = page.locator(f"#person-{c.a2.pk}")
    second.get_by_role("button", name="Ghi quyết định").click()
    expect(page.locator(f"#person-{c.a2.pk}")).to_contain_text("Giữ nguyên đề xuất")

    page.get_by_label("Biên bản họp hội đồng (số, ngày)").fill("Biên bản số 12/BB-HĐTĐ ngày 05/12")
    page.get_by_role("button", name="Giữ nguyên cả").click()
    expect(page.locator("#year-state")).to_contain_text("Còn 0 danh hiệu")
    expect(page.locator(f"#person-{c.a3.pk}")).to_contain_text("Biên bản số 12/BB-HĐTĐ")
    expect(page.locator(f"#person-{c.a1.pk}")).to_contain_text("Thay đổi đề xuất")

    page.fill("#meeting_on", "2026-12-05")
    page.get_by_label(c.hoi_dong.full_name).check()
    page.get_by_role("button", name="Ghi biên bản họp").click()
    page.get_by_role("button", name="Công bố danh sách và khoá năm").click()
    expect(page.locator("#year-state")).to_contain_text("Đã công bố danh sách cuối cùng")
    screenshot("3-board-published")

    page.context.clear_cookies()
    sign_in(c.a1.user)
    page.goto(f"/year/2026/people/{c.a1.pk}/procedure/")
    expect(page.locator("#decision")).to_contain_text("Mức được quyết định: Hoàn thành.")
    page.get_by_role("link", name="Kết quả năm và giải thích từng bước").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kết quả năm 2026")
    expect(page.locator("ol")).to_contain_text("Điểm năm")
    decided = page.locator('[data-decided="complete"]')
    expect(decided).to_contain_text("Hoàn thành")
    expect(page.get_by_text("Chậm tiến độ đề án số hoá.")).to_be_visible()
    screenshot("4-person-year")
