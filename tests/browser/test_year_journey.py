"""The year in the browser: the HR officer rolls the year up from the year page (the
job's progress shown), then a person reads their year explained, the quota step with
its legal basis."""

import pytest
from playwright.sync_api import expect

from tests.annual.builders import build_year, set_everyone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hr_rolls_the_year_up_and_a_person_reads_why_the_quota_moved_them(
    page, sign_in, screenshot
):
    c = build_year(months=6)
    set_everyone(c, "80", a1=["95"] * 6, a2=["94"] * 6)

    sign_in(c.hr)
    page.goto("/year/2026/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kết quả năm 2026")
    expect(page.get_by_text("Kế toán: 4 người")).to_be_visible()
    page.get_by_role("button", name="Tổng hợp kết quả năm").click()
    job = page.locator(".job")
    expect(job.get_by_role("status")).to_contain_text("Đã xong")
    expect(job.locator("progress")).to_have_attribute("value", "100")
    expect(job).to_contain_text("13 người")
    screenshot("1-hr-year")

    job.get_by_role("link", name="Xem kết quả").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Xếp hạng đơn vị năm 2026")
    expect(page.get_by_role("table")).to_contain_text("Phòng A")
    screenshot("2-units")

    page.context.clear_cookies()
    sign_in(c.a2.user)
    page.goto("/year/2026/me/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kết quả năm 2026")
    steps = page.locator("ol")
    expect(steps).to_contain_text("Tỷ lệ Hoàn thành xuất sắc")
    expect(steps).to_contain_text("Điều 20 khoản 5 điểm a")
    expect(page.locator(".level--good")).to_be_visible()
    screenshot("3-person-year")
