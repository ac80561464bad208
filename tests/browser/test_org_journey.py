"""A unit head finds their way around the organisation pages, in Vietnamese and English."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def main_nav(page, name):
    return page.get_by_role(
        "navigation", name=re.compile("Điều hướng chính|Main navigation")
    ).get_by_role("link", name=name, exact=True)


def test_a_unit_head_opens_the_org_chart_and_their_unit_then_reads_it_in_english(
    page, agency, log_in, screenshot
):
    log_in("hanh", agency.password)
    expect(page.get_by_role("heading", level=1)).to_have_text("Xin chào, Nguyễn Thị Hạnh")
    expect(page.locator(".user-box__role")).to_have_text("Trưởng Văn phòng HĐND và UBND")

    main_nav(page, "Sơ đồ tổ chức").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sơ đồ tổ chức")
    tree = page.locator("#org-tree")
    expect(tree).to_contain_text("Lãnh đạo UBND")
    expect(tree).to_contain_text("Bùi Văn Tú")
    expect(tree.get_by_role("link", name="Phòng Nội vụ")).to_have_count(0)
    screenshot("1-org-chart-vi")

    page.get_by_role("button", name="Thu gọn tất cả").click()
    expect(tree.get_by_text("Tổ ngân sách")).to_be_hidden()
    page.get_by_role("button", name="Mở rộng tất cả").click()
    expect(tree.get_by_text("Tổ ngân sách")).to_be_visible()

    tree.get_by_role("link", name="Văn phòng HĐND và UBND").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Văn phòng HĐND và UBND")
    staff = page.get_by_role("table").first
    expect(staff).to_contain_text("Phạm Thị Thu")
    expect(staff).to_contain_text("Lê Văn Bình")
    screenshot("2-unit-vi")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Văn phòng HĐND và UBND")
    expect(page.get_by_role("heading", name="Staff", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Leadership history")).to_be_visible()
    expect(page.locator(".user-box__role")).to_have_text("Head, Văn phòng HĐND và UBND")
    screenshot("3-unit-en")

    main_nav(page, "Org chart").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Org chart")
    expect(page.get_by_role("button", name="Expand all")).to_be_visible()
    expect(page.locator("#org-tree")).to_contain_text("4 people")
    screenshot("4-org-chart-en")


def test_the_directory_searches_as_you_type_and_keeps_the_address(page, agency, sign_in):
    sign_in(agency.users["lan"])
    page.goto("/people/")
    results = page.locator("#directory-results")
    status = page.get_by_role("status")
    expect(status).to_have_text("Có 10 người.")

    page.get_by_label("Tìm theo mã hoặc họ tên").fill("duc")
    expect(status).to_have_text("Tìm thấy 2 người khớp với “duc”.")
    expect(results).to_contain_text("Hoàng Minh Đức")
    expect(results).to_contain_text("Đỗ Đức Anh")
    expect(page).to_have_url(re.compile(r"/people/\?q=duc(&unit=)?$"))

    page.reload()
    expect(page.get_by_label("Tìm theo mã hoặc họ tên")).to_have_value("duc")
    expect(status).to_have_text("Tìm thấy 2 người khớp với “duc”.")


def test_the_directory_works_without_javascript(browser, live_server, agency):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(5_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill("thu")
    page.locator("input[name=password]").fill(agency.password)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Xin chào, Phạm Thị Thu")
    page.goto("/people/")
    page.get_by_label("Tìm theo mã hoặc họ tên").fill("binh")
    page.get_by_role("button", name="Tìm", exact=True).click()
    expect(page.locator("#directory-results")).to_contain_text("Lê Văn Bình")
    expect(page.locator("#directory-results")).not_to_contain_text("Phạm Thị Thu")
    context.close()


@pytest.mark.parametrize("path", ["/", "/org/", "/people/", "unit"])
def test_the_pages_fit_a_phone_screen(page, agency, sign_in, path):
    sign_in(agency.users["quang"])
    page.set_viewport_size({"width": 360, "height": 740})
    if path == "unit":
        path = f"/org/units/{agency.units['VP'].pk}/"
    page.goto(path)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} is {overflow}px wider than a 360px phone"
    expect(page.get_by_role("navigation", name="Điều hướng chính")).to_be_visible()


def test_the_directory_says_so_when_the_network_is_down(page, agency, sign_in):
    sign_in(agency.users["lan"])
    page.goto("/people/")
    notice = page.get_by_role("alert")
    expect(notice).to_be_hidden()
    page.context.set_offline(True)
    page.get_by_label("Tìm theo mã hoặc họ tên").fill("duc")
    expect(notice).to_have_text("Mất kết nối tới máy chủ. Kiểm tra mạng rồi thử lại.")
    page.context.set_offline(False)
    page.get_by_label("Tìm theo mã hoặc họ tên").fill("duc ")
    expect(notice).to_be_hidden()
    expect(page.locator("#directory-results")).to_contain_text("Hoàng Minh Đức")
