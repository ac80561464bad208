"""The employee's month on a phone (375 px wide): declare, self-assess, fix a refused
score and submit, without the page ever scrolling sideways and with finger-sized controls."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from evaluation import services
from tests.evaluation.test_views_pages import FULL, evaluation_of, open_month, to_scoring

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}
TAP = 40
"""Smallest height, in CSS pixels, of a control a thumb must hit."""


def _confirm(page, label: str) -> None:
    """Take an irreversible step: open its confirmation, read it, confirm."""
    page.locator("summary", has_text=label).click()
    page.get_by_role("button", name=f"Xác nhận: {label}").click()


def _fits_the_screen(page) -> None:
    """No sideways scrolling, and no form control reaching past the screen's edge."""
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, f"{page.url} scrolls sideways: {scroll_width}px"
    wide = page.evaluate(
        """() => [...document.querySelectorAll('main input, main textarea, main button')]
            .filter(e => e.type !== 'hidden' && e.getBoundingClientRect().right > innerWidth)
            .map(e => e.name || e.textContent.trim())"""
    )
    assert wide == [], f"controls wider than the screen on {page.url}: {wide}"


def _small_controls(page) -> list[str]:
    return page.evaluate(
        f"""() => [...document.querySelectorAll('main input, main button, main textarea')]
            .filter(e => e.type !== 'hidden' && e.getBoundingClientRect().height < {TAP})
            .map(e => (e.name || e.textContent.trim()) + ' ' + e.getBoundingClientRect().height)"""
    )


def test_an_employee_declares_and_submits_her_month_on_a_phone(page, agency, log_in, screenshot):
    cast = open_month(agency)
    page.set_viewport_size(PHONE)
    log_in("thu", cast.password)
    _fits_the_screen(page)

    page.goto("/month/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kê khai và tự đánh giá")
    _fits_the_screen(page)
    assert _small_controls(page) == []
    for done in page.get_by_label("Khối lượng hoàn thành").all():
        done.fill("2")
    page.get_by_label("Số văn bản minh chứng").first.fill("125/VP-HC")
    for index, value in FULL.items():
        page.locator(f"#id_c{index}").fill(str(value).replace(".", ","))
    page.locator("#id_c0").fill("9")
    screenshot("1-declared")

    _confirm(page, "Gửi tự đánh giá")
    expect(page.locator("#id_c0_errors")).to_be_visible()
    _fits_the_screen(page)
    screenshot("2-refused")

    page.locator("#id_c0").fill("5")
    _confirm(page, "Gửi tự đánh giá")
    expect(page.locator(".messages")).to_contain_text("Đã gửi tự đánh giá")
    expect(page.get_by_role("button", name="Gửi tự đánh giá")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("2,00")
    _fits_the_screen(page)
    screenshot("3-submitted")

    page.goto("/results/")
    _fits_the_screen(page)


def test_a_head_scores_her_unit_on_a_phone(page, agency, log_in, screenshot):
    """The scoring page's table scrolls inside its own frame; the page itself, the bulk
    bar and its controls stay within 375 px."""
    cast = open_month(agency)
    thu = evaluation_of(cast, "thu")
    services.self_assessment_submit(
        evaluation=thu, revision=thu.revision, by=cast.users["thu"], proposed=FULL
    )
    to_scoring(cast)
    page.set_viewport_size(PHONE)
    log_in("hanh", cast.password)
    page.goto(reverse("evaluation:scoring", args=[cast.period.pk]))
    expect(page.locator("#bulk-form")).to_be_visible()
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"], f"the scoring page scrolls sideways: {scroll_width}px"
    outside = page.evaluate(
        """() => [...document.querySelectorAll('.score-toolbar *')]
            .filter(e => e.getBoundingClientRect().right > innerWidth)
            .map(e => e.name || e.id || e.textContent.trim())"""
    )
    assert outside == [], f"the bulk bar reaches past the screen: {outside}"
    screenshot("scoring")
