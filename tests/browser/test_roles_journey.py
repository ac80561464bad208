"""The open month walked by every role in the browser (issue 17): the inspector records a
finding and the person finds it in her inbox; the employee self-assesses; the deputy
scores the one person delegated to him; the head scores and submits the unit; the agency
leader signs off; the HR officer publishes. Each step checks that the next action is
offered to whoever takes it.

The smallest cast that has each role: the `agency` cast (tests/conftest.py), VP's deputy
binh scoring anh by delegation. The other units' scoring and submission go through the
services, as those people would.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from discipline import services as discipline
from discipline.models import Violation
from evaluation import services
from evaluation.models import Evaluation, EvaluationState, PeriodState, UnitPeriod
from hrsystem import clock
from hrsystem import services as hr
from tests.evaluation.test_views_pages import FULL, open_month

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _confirm(page, label: str) -> None:
    page.locator("summary", has_text=label).click()
    page.get_by_role("button", name=f"Xác nhận: {label}").click()


def _evaluation(cast, username):
    return Evaluation.objects.get(
        period=cast.period, employee=cast.employees[username], is_current=True
    )


def _others_done(cast):
    """Scoring step; everyone outside VP scored and their units submitted; VP's head
    scored by the agency leader."""
    cast.period = services.period_advance(
        period=cast.period, to=PeriodState.SCORING, by=cast.users["lan"]
    )
    for username, by in [
        ("lan", "duc"),
        ("kiem", "duc"),
        ("mai", "tu"),
        ("hanh", "quang"),
        ("duc", "quang"),
        ("tu", "quang"),
        ("binh", "hanh"),
    ]:
        evaluation = _evaluation(cast, username)
        leader = {"dd": Decimal(100), "e": Decimal(100)} if evaluation.is_leader else {}
        services.evaluation_score(
            evaluation=evaluation,
            revision=evaluation.revision,
            by=cast.users[by],
            final=FULL,
            **leader,
        )
    for code, by in [("NV", "duc"), ("TCKH", "tu"), ("TCKH-NS", "tu"), ("UBND", "quang")]:
        unit_period = UnitPeriod.objects.get(period=cast.period, unit=cast.units[code])
        services.unit_submit(unit_period=unit_period, by=cast.users[by])


def _inspection_of_vp(cast):
    call_command("loaddata", "fixtures/reference/violation_catalogue.json", verbosity=0)
    inspection = discipline.inspection_plan(
        organisation=cast.organisation,
        title="Kiểm tra đột xuất Văn phòng",
        kind="surprise",
        planned_on=clock.today(),
        scope=[cast.units["VP"]],
        head=cast.employees["kiem"],
        members=[],
        by=cast.users["kiem"],
    )
    return discipline.inspection_start(inspection=inspection, by=cast.users["kiem"])


def test_every_role_takes_the_month_to_publication(page, agency, log_in, screenshot):
    page.context.set_default_timeout(20_000)  # seven people's pages on two shared cores
    cast = open_month(agency)
    hr.deputy_delegate(
        deputy=cast.employees["binh"],
        staff=cast.employees["anh"],
        unit=cast.units["VP"],
        start=cast.today - timedelta(days=40),
    )
    _others_done(cast)
    inspection = _inspection_of_vp(cast)

    def as_user(username):
        page.context.clear_cookies()
        log_in(username, cast.password)

    # 1. The inspector records a finding against thu during the inspection.
    as_user("kiem")
    page.get_by_role("link", name="Kỷ luật, công vụ").click()
    page.get_by_role("link", name="Kiểm tra công vụ").click()
    page.get_by_role("link", name=inspection.title).click()
    page.get_by_label("Cán bộ vi phạm").select_option(label="Phạm Thị Thu (BX012)")
    behaviour = page.get_by_label("Hành vi vi phạm")  # a person's breach, not a unit's
    behaviour.select_option(
        behaviour.locator("option", has_text="Đi muộn").first.get_attribute("value")
    )
    page.get_by_label("Ghi chú").fill("Đi muộn 30 phút")
    page.get_by_role("button", name="Ghi nhận vi phạm").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi nhận vi phạm")
    screenshot("1-inspector-finding")

    # 2. The employee finds it in her inbox, and her self-assessment among her to-dos.
    as_user("thu")
    inbox = page.locator("#inbox")
    expect(inbox).to_contain_text("Vi phạm được ghi nhận")
    expect(page.locator("#todo-heading + .inbox")).to_contain_text("Kê khai và tự đánh giá")
    page.get_by_role("link", name="Kê khai tháng", exact=True).click()
    for done in page.get_by_label("Khối lượng hoàn thành").all():
        done.fill("1")
    for index, value in FULL.items():
        page.locator(f"#id_c{index}").fill(str(value).replace(".", ","))
    screenshot("2-employee-declares")
    _confirm(page, "Gửi tự đánh giá")
    expect(page.locator(".messages")).to_contain_text("Đã gửi tự đánh giá")

    # 3. The deputy finds "Chấm điểm" in his menu and scores the one person delegated.
    as_user("binh")
    page.get_by_role("link", name="Chấm điểm", exact=True).click()
    anh = _evaluation(cast, "anh")
    row = page.locator(f"#row-{anh.pk}")
    expect(row).to_contain_text("Đỗ Đức Anh")
    for index, value in FULL.items():
        row.locator(f"#id_r{anh.pk}-c{index}").fill(str(value).replace(".", ","))
    row.get_by_role("button", name="Lưu").click()
    expect(page.locator(f"#row-{anh.pk}")).to_contain_text("Đã lưu")
    expect(page.locator(f"#row-{thu_pk(cast)}")).to_have_count(0)  # thu is not his
    screenshot("3-deputy-scored")
    assert _evaluation(cast, "anh").state == EvaluationState.SCORED

    # 4. The head scores thu (the deduction shows) and submits the unit, now offered.
    as_user("hanh")
    page.get_by_role("link", name="Chấm điểm", exact=True).click()
    thu = _evaluation(cast, "thu")
    row = page.locator(f"#row-{thu.pk}")
    row.locator(f"#id_r{thu.pk}-c1").fill("4")
    row.get_by_role("button", name="Lưu").click()
    expect(page.locator(f"#row-{thu.pk}")).to_contain_text("Đã lưu")
    screenshot("4-head-scored")
    _confirm(page, "Gửi kết quả đơn vị lên lãnh đạo cơ quan")
    expect(page.locator(".messages")).to_contain_text("Đã gửi kết quả của Văn phòng")
    cast.period.refresh_from_db()
    assert cast.period.state == PeriodState.SUBMITTED  # VP was the last unit

    # 5. The agency leader is offered the sign-off and takes it.
    as_user("quang")
    page.get_by_role("link", name=re.compile("Phê duyệt kết quả Tháng")).click()
    _confirm(page, "Phê duyệt kết quả toàn cơ quan")
    expect(page.locator(".messages")).to_contain_text("Lãnh đạo cơ quan đã phê duyệt")
    screenshot("5-leader-signed-off")

    # 6. The HR officer is offered the publication and publishes.
    as_user("lan")
    page.get_by_role("link", name="Kỳ đánh giá", exact=True).click()
    page.get_by_role("link", name="Tổng hợp", exact=True).first.click()
    _confirm(page, "Công bố kết quả cho công chức")
    expect(page.locator(".messages")).to_contain_text("Đã công bố")
    screenshot("6-hr-published")

    # 7. The employee is told, and reads her result with the deduction.
    as_user("thu")
    expect(page.locator("#inbox")).to_contain_text("Đã công bố kết quả")
    page.get_by_role("link", name="Kết quả của tôi", exact=True).click()
    page.get_by_role("link", name="Xem giải thích").first.click()
    expect(page.locator(".violation-note")).to_contain_text("−")
    screenshot("7-employee-result")
    assert Violation.objects.filter(employee=cast.employees["thu"]).count() == 1


def thu_pk(cast) -> int:
    return _evaluation(cast, "thu").pk
