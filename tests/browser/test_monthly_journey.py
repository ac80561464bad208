"""One month in the browser: the employee declares and submits, the head adjusts a score
(the total recalculates live) and submits the unit, the agency leader signs off and
publishes, and the employee reads her explained result. Screenshots at every step.

Everything around the four on-screen steps (the other units' scoring and submission, the
HR officer's step to "submitted") is done through the services, as those people would.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from evaluation import services
from evaluation.models import Evaluation, PeriodState, UnitPeriod
from tests.evaluation.test_views_pages import FULL, open_month

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _confirm(page, label: str) -> None:
    """Take an irreversible step: open its confirmation, read it, confirm."""
    page.locator("summary", has_text=label).click()
    page.get_by_role("button", name=f"Xác nhận: {label}").click()


def _evaluation(cast, username):
    return Evaluation.objects.get(
        period=cast.period, employee=cast.employees[username], is_current=True
    )


def _score(cast, username, by):
    evaluation = _evaluation(cast, username)
    leader = {"dd": Decimal(100), "e": Decimal(100)} if evaluation.is_leader else {}
    services.evaluation_score(
        evaluation=evaluation,
        revision=evaluation.revision,
        by=cast.users[by],
        final=FULL,
        **leader,
    )


def _submit(cast, unit_code, by):
    unit_period = UnitPeriod.objects.get(period=cast.period, unit=cast.units[unit_code])
    services.unit_submit(unit_period=unit_period, by=cast.users[by])


def _everyone_else_done(cast):
    """Scoring state; every person but thu scored; every unit but VP submitted."""
    cast.period = services.period_advance(
        period=cast.period, to=PeriodState.SCORING, by=cast.users["lan"]
    )
    for username, by in [
        ("binh", "hanh"),
        ("anh", "hanh"),
        ("lan", "duc"),
        ("kiem", "duc"),
        ("mai", "tu"),
        ("hanh", "quang"),
        ("duc", "quang"),
        ("tu", "quang"),
    ]:
        _score(cast, username, by)
    for unit_code, by in [("NV", "duc"), ("TCKH", "tu"), ("TCKH-NS", "tu"), ("UBND", "quang")]:
        _submit(cast, unit_code, by)


def _switch_user(page, log_in, cast, username):
    page.context.clear_cookies()
    log_in(username, cast.password)


def test_a_month_from_self_assessment_to_the_explained_result(page, agency, log_in, screenshot):
    cast = open_month(agency)
    _everyone_else_done(cast)

    # 1. The employee declares her work and submits her self-assessment.
    log_in("thu", cast.password)
    expect(page.locator("#todo-heading + .inbox")).to_contain_text("Kê khai và tự đánh giá")
    page.get_by_role("link", name="Kê khai tháng", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kê khai và tự đánh giá")
    for done in page.get_by_label("Khối lượng hoàn thành").all():
        done.fill("1")
    page.get_by_label("Số văn bản minh chứng").first.fill("125/VP-HC")
    for index, value in FULL.items():
        page.locator(f"#id_c{index}").fill(str(value).replace(".", ","))
    page.get_by_label("Ý kiến tự đánh giá").fill("Hoàn thành đúng hạn các văn bản được giao.")
    screenshot("1-employee-declares")
    _confirm(page, "Gửi tự đánh giá")
    expect(page.locator(".messages")).to_contain_text("Đã gửi tự đánh giá")
    expect(page.get_by_role("button", name="Gửi tự đánh giá")).to_have_count(0)
    screenshot("2-employee-submitted")

    # 2. The head lowers one criterion: the total recalculates before saving.
    _switch_user(page, log_in, cast, "hanh")
    page.get_by_role("link", name=re.compile("Chấm điểm Tháng")).click()
    thu = _evaluation(cast, "thu")
    row = page.locator(f"#row-{thu.pk}")
    result = page.locator(f"#result-{thu.pk}")
    expect(row).to_contain_text("Phạm Thị Thu")
    expect(result).to_contain_text("100,00")
    row.locator(f"#id_r{thu.pk}-c1").fill("3")
    expect(result).to_contain_text("98,00")
    expect(result).to_contain_text("xem trước")
    screenshot("3-head-live-preview")
    row.get_by_role("button", name="Lưu").click()
    expect(page.locator(f"#row-{thu.pk}")).to_contain_text("Đã lưu")
    expect(page.locator(f"#result-{thu.pk}")).to_contain_text("98,00")
    _confirm(page, "Gửi kết quả đơn vị lên lãnh đạo cơ quan")
    expect(page.locator(".messages")).to_contain_text("Đã gửi kết quả của Văn phòng")
    screenshot("4-head-submitted-unit")
    cast.period.refresh_from_db()
    if cast.period.state == PeriodState.SCORING:  # the last unit's submission may advance it
        cast.period = services.period_advance(
            period=cast.period, to=PeriodState.SUBMITTED, by=cast.users["lan"]
        )

    # 3. The agency leader signs off and publishes.
    _switch_user(page, log_in, cast, "quang")
    page.get_by_role("link", name=re.compile("Phê duyệt kết quả Tháng")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tổng hợp")
    expect(page.get_by_role("img", name="Phân bố mức xếp loại")).to_be_visible()
    screenshot("5-leader-overview")
    _confirm(page, "Phê duyệt kết quả toàn cơ quan")
    expect(page.locator(".messages")).to_contain_text("Lãnh đạo cơ quan đã phê duyệt")
    _confirm(page, "Công bố kết quả cho công chức")
    expect(page.locator(".messages")).to_contain_text("Đã công bố")
    screenshot("6-leader-published")

    # 4. The employee reads her result, explained.
    _switch_user(page, log_in, cast, "thu")
    page.get_by_role("link", name="Kết quả của tôi", exact=True).click()
    expect(page.get_by_role("img", name="Tổng điểm 12 tháng gần nhất")).to_be_visible()
    page.get_by_role("link", name="Xem giải thích").first.click()
    expect(page.locator(".summary__total")).to_have_text("98,00")
    expect(page.locator(".summary")).to_contain_text("Xuất sắc")
    general = page.get_by_role("table").first
    expect(general).to_contain_text("Kỷ luật, kỷ cương")
    expect(page.get_by_role("button", name="Gửi kiến nghị")).to_be_visible()
    screenshot("7-employee-result")
