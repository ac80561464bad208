"""A surprise inspection in the browser: the inspector records a finding on the spot, the
employee sees the deduction in her month and contests it, and the inspection's head
annuls it with a reason. Screenshots at every step.

The inspection is planned and opened through the services, as the head would have done
that morning; everything after happens on screen.
"""

import re

import pytest
from playwright.sync_api import expect

from discipline import services
from discipline.models import Violation, ViolationStatus
from hrsystem import clock
from tests.discipline.conftest import build_agency
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def _switch_user(page, log_in, username):
    page.context.clear_cookies()
    log_in(username, PASSWORD)


def _surprise(d):
    """A surprise inspection of VP and TN headed by truong_nv with kiem, started today."""
    inspection = services.inspection_plan(
        organisation=d.org,
        title="Kiểm tra đột xuất việc chấp hành kỷ luật, kỷ cương hành chính",
        kind="surprise",
        planned_on=clock.today(),
        scope=[d.vp, d.tn],
        head=d.truong_nv,
        members=[d.kiem],
        by=d.truong_nv.user,
    )
    return services.inspection_start(inspection=inspection, by=d.truong_nv.user)


def test_a_finding_is_seen_contested_and_decided(page, log_in, screenshot):
    d = build_agency()
    inspection = _surprise(d)
    item = d.item["hut_thuoc_noi_cong_so"]

    # 1. The inspector records the finding on the spot, with a photo.
    log_in("kiem", PASSWORD)
    page.get_by_role("link", name="Kỷ luật, công vụ").click()
    page.get_by_role("link", name="Kiểm tra công vụ").click()
    page.get_by_role("link", name=inspection.title).click()
    expect(page.get_by_role("heading", name="Ghi nhận vi phạm tại chỗ")).to_be_visible()
    page.get_by_label("Cán bộ vi phạm").select_option(label="Hoàng Văn An (AN)")
    page.get_by_label("Hành vi vi phạm").select_option(value=str(item.pk))
    page.get_by_label("Ghi chú").fill("Hút thuốc lá tại phòng làm việc lúc 9 giờ 15")
    page.get_by_label("Tệp minh chứng").set_input_files(
        {"name": "anh-hien-truong.png", "mimeType": "image/png", "buffer": PNG}
    )
    screenshot("1-inspector-fills-finding")
    page.get_by_role("button", name="Ghi nhận vi phạm").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi nhận vi phạm")
    expect(page.get_by_role("table", name="vi phạm được ghi nhận")).to_contain_text("Hoàng Văn An")
    screenshot("2-finding-recorded")

    # 2. The employee sees it in her month with its deduction and legal basis, and contests.
    _switch_user(page, log_in, "an")
    page.get_by_role("link", name="Kỷ luật, công vụ").click()
    card = page.locator("article.violation")
    expect(card).to_contain_text(item.description)
    expect(card).to_contain_text(f"−{item.default_points.normalize():f}".replace(".", ","))
    expect(card).to_contain_text("Luật Phòng, chống tác hại của thuốc lá")
    expect(card.get_by_role("link", name="Mở tệp minh chứng")).to_be_visible()
    card.get_by_label("Lý do khiếu nại").fill("Tôi không hút thuốc; đó là khách đến làm việc.")
    screenshot("3-employee-contests")
    card.get_by_role("button", name="Khiếu nại vi phạm này").click()
    expect(page.locator(".messages")).to_contain_text("Đã gửi khiếu nại")
    expect(page.locator(".facts")).to_contain_text("Đang khiếu nại")

    # 3. The inspection's head decides the contest with a reason.
    _switch_user(page, log_in, "truong_nv")
    page.get_by_role("link", name="Kỷ luật, công vụ").click()
    page.get_by_role("link", name="Khiếu nại chờ quyết định").click()
    page.get_by_role("link", name="Hoàng Văn An").click()
    page.get_by_label("Huỷ vi phạm").check()
    page.get_by_label("Lý do quyết định").fill("Camera cho thấy người hút thuốc là khách.")
    screenshot("4-head-decides")
    page.get_by_role("button", name="Lưu quyết định").click()
    expect(page.locator(".messages")).to_contain_text("Đã quyết định khiếu nại")
    expect(page.locator(".facts")).to_contain_text(re.compile("Đã huỷ"))
    screenshot("5-annulled")

    violation = Violation.objects.get()
    assert violation.status == ViolationStatus.ANNULLED
    assert violation.decision_reason == "Camera cho thấy người hút thuốc là khách."
