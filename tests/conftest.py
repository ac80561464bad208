"""Shared fixtures: a headless Chromium for browser journeys and screenshot artifacts.

A browser journey asks for `page` (a fresh Playwright page whose relative URLs resolve
against the live server), signs in with `log_in(username, password)` through the
real form or `sign_in(user)` through a session cookie, and calls `screenshot("step")`
to keep evidence under artifacts/. Mark such tests `@pytest.mark.browser`.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

ARTIFACTS = Path(settings.BASE_DIR) / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _artifact_stem(node) -> str:
    """A file-name-safe stem for the test item: module name and test name."""
    module = Path(str(node.fspath)).stem
    return re.sub(r"[^\w.-]+", "_", f"{module}-{node.name}").strip("_")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's report on the item so `page` can tell a failed test."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the whole run."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls made by
    # the test itself (factories, assertions) are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run ./run test, or apt-get install chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(request, browser, live_server):
    """A fresh browser page on the live server, in Vietnamese, desktop-sized.

    A failing test leaves artifacts/<module>-<test>-failure.png behind.
    """
    context = browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport={"width": 1280, "height": 800}
    )
    context.set_default_timeout(5_000)
    browser_page = context.new_page()
    yield browser_page
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        browser_page.screenshot(
            path=ARTIFACTS / f"{_artifact_stem(request.node)}-failure.png", full_page=True
        )
    context.close()


@pytest.fixture
def screenshot(request, page):
    """Save a full-page PNG as artifacts/<module>-<test>[-<step>].png and return its path."""

    def save(step: str = "") -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        stem = _artifact_stem(request.node)
        path = ARTIFACTS / (f"{stem}-{step}.png" if step else f"{stem}.png")
        page.screenshot(path=path, full_page=True)
        return path

    return save


@pytest.fixture
def log_in(page):
    """Sign in through the real login form, the way a person does; lands on the home page."""

    def log_in_as(username: str, password: str) -> None:
        page.goto("/accounts/login/")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(password)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

    return log_in_as


@pytest.fixture
def sign_in(page, live_server):
    """Sign a user in without the form (session cookie), for journeys that start inside."""
    from django.test import Client

    def sign_in_as(user) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
        )

    return sign_in_as
