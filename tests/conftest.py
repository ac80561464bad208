"""Shared fixtures: a small named agency, and headless Chromium for browser journeys.

A browser journey (mark it `@pytest.mark.browser`) asks for `page`, a fresh Playwright
page in Vietnamese whose relative URLs ("/org/") resolve against pytest-django's live
server; it signs in with `log_in(username, password)` through the real form or with
`sign_in(user)` through a session cookie, and calls `screenshot("step")` to keep
artifacts/<module>-<test>-step.png. A failing journey leaves a "-failure" screenshot.
`agency` builds the cast every view test and journey can share (see its docstring);
`browser` is one Chromium for the whole run. Test passwords hash with MD5 for speed
(DJANGO_ENV=test settings). On PostgreSQL, transactional tests end by deleting the rows
instead of truncating every table (tests/postgres.py).
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests.shared import (  # noqa: F401 — `_shared_casts` is the casts' fixture
    _shared_casts,
    before_test_database,
    group_by_casts,
    shared_cast,
)

if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    from tests.postgres import flush_by_delete

    flush_by_delete()

# The suite shares two cores between xdist workers (and CI with other jobs): wall-clock
# health checks and deadlines would fail by load, not by the code. Examples stay as many.
# Derandomised: the same examples every run, so CI judges the change, not the draw (a
# wider hunt: `--hypothesis-profile=hunt`).
hypothesis_settings.register_profile(
    "suite", deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
hypothesis_settings.register_profile(
    "hunt", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=400
)
hypothesis_settings.load_profile("suite")

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
    # Generous waits: CI shares two cores between two pytest workers and the browser.
    context.set_default_timeout(20_000)
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)
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
        page.wait_for_load_state()
        if "/accounts/login/" in page.url:
            pytest.fail(f"{username} could not log in: {page.locator('main').inner_text()}")

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


# --- a small named agency for view and browser tests -----------------------------------

PASSWORD = "mat-khau-thu-nghiem"
"""Password of every login the `agency` fixture creates."""


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Tests holding the same shared casts run one after another in their module (before
    pytest-django's own stable sort puts transactional tests last)."""
    group_by_casts(items)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadscope`, with the biggest modules shared by the workers (tests/scheduling.py)."""
    if config.getvalue("dist") == "loadscope":
        from tests.scheduling import SplitScopeScheduling

        return SplitScopeScheduling(config, log)
    return None


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    """Hold the test's shared casts (tests/shared.py) before its database is opened."""
    if fixturedef.argname == "_django_db_helper":
        before_test_database(request)
    return (yield)


@pytest.fixture(autouse=True)
def _in_vietnamese():
    """Every test starts in Vietnamese, the default: a request made with the language
    cookie leaves its language active in the thread, for whichever test runs next."""
    translation.activate(settings.LANGUAGE_CODE)


@shared_cast("agency")
def agency():
    """A district agency with a named cast, built through the services.

    UBND huyện Bình Xuyên (code BX): root unit UBND led by quang (agency leader);
    VP (Văn phòng) headed by hanh, deputy binh, staff thu and anh; NV (Phòng Nội vụ)
    headed by duc with lan, an HR officer for the agency; TCKH (Phòng Tài chính – Kế
    hoạch) with no head and tu acting head since a month ago, and its sub-unit TCKH-NS
    (Tổ ngân sách) with staff mai; kiem, an inspector; and a second agency, Tam Dương
    (code TD), whose unit TD-VP has staff khach. Every login's password is PASSWORD.
    Returns a namespace: units by code (`units["VP"]`), employees and users by login.
    Built once per module (tests/shared.py); each test gets its own copy.
    """
    from datetime import timedelta
    from types import SimpleNamespace

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from hrsystem import services
    from hrsystem.models import Category, PostKind, Role

    today = timezone.localdate()
    since = today - timedelta(days=400)
    cast = SimpleNamespace(today=today, password=PASSWORD, units={}, employees={}, users={})

    def login(username):
        user = get_user_model().objects.create_user(username=username, password=PASSWORD)
        cast.users[username] = user
        return user

    def person(username, code, name, unit, position, *, with_login=True):
        employee = services.employee_create(
            code=code,
            full_name=name,
            unit=unit,
            job_position=position,
            start=since,
            category=Category.CONG_CHUC,
            user=login(username) if with_login else None,
        )
        cast.employees[username] = employee
        return employee

    bx = services.organisation_create(code="BX", name="UBND huyện Bình Xuyên")
    td = services.organisation_create(code="TD", name="UBND huyện Tam Dương")
    cast.organisation, cast.other_organisation = bx, td

    units = cast.units
    units["UBND"] = services.unit_create(organisation=bx, code="UBND", name="Lãnh đạo UBND")
    for code, name in [
        ("VP", "Văn phòng HĐND và UBND"),
        ("NV", "Phòng Nội vụ"),
        ("TCKH", "Phòng Tài chính – Kế hoạch"),
    ]:
        units[code] = services.unit_create(
            organisation=bx, code=code, name=name, parent=units["UBND"]
        )
    units["TCKH-NS"] = services.unit_create(
        organisation=bx, code="TCKH-NS", name="Tổ ngân sách", parent=units["TCKH"]
    )
    units["TD-VP"] = services.unit_create(organisation=td, code="TD-VP", name="Văn phòng")

    leader = services.job_position_create(organisation=bx, code="LD", name="Lãnh đạo")
    clerk = services.job_position_create(organisation=bx, code="VT", name="Văn thư - lưu trữ")
    services.standard_task_create(
        job_position=clerk, name="Tiếp nhận, vào sổ văn bản đến", unit_of_measure="văn bản"
    )
    services.standard_task_create(
        job_position=clerk, name="Phát hành văn bản đi", unit_of_measure="văn bản"
    )
    td_clerk = services.job_position_create(organisation=td, code="VT", name="Văn thư")

    person("quang", "BX001", "Trần Văn Quang", units["UBND"], leader)
    person("hanh", "BX010", "Nguyễn Thị Hạnh", units["VP"], leader)
    person("binh", "BX011", "Lê Văn Bình", units["VP"], leader)
    person("thu", "BX012", "Phạm Thị Thu", units["VP"], clerk)
    person("anh", "BX013", "Đỗ Đức Anh", units["VP"], clerk, with_login=False)
    person("duc", "BX020", "Hoàng Minh Đức", units["NV"], leader)
    person("lan", "BX021", "Vũ Thị Lan", units["NV"], clerk)
    person("tu", "BX030", "Bùi Văn Tú", units["TCKH"], leader)
    person("mai", "BX031", "Ngô Thị Mai", units["TCKH-NS"], clerk)
    person("kiem", "BX040", "Đặng Quốc Kiểm", units["NV"], clerk)
    person("khach", "TD001", "Lý Văn Khách", units["TD-VP"], td_clerk)

    for username, unit, kind, start in [
        ("quang", "UBND", PostKind.HEAD, since),
        ("hanh", "VP", PostKind.HEAD, since),
        ("binh", "VP", PostKind.DEPUTY, since),
        ("duc", "NV", PostKind.HEAD, since),
        ("tu", "TCKH", PostKind.ACTING, today - timedelta(days=30)),
    ]:
        services.post_assign(
            employee=cast.employees[username], unit=units[unit], kind=kind, start=start
        )
    services.role_grant(
        role=Role.HR_OFFICER, organisation=bx, employee=cast.employees["lan"], start=since
    )
    services.role_grant(
        role=Role.INSPECTOR, organisation=bx, employee=cast.employees["kiem"], start=since
    )
    login("nobody")
    return cast


@pytest.fixture
def clock():
    """The product's clock (`hrsystem.clock`): `clock.travel_to(day)` makes `day` today for
    every service, selector, permission and page (the time of day still runs); the real
    time is back after the test."""
    from hrsystem import clock as product_clock

    yield product_clock
    product_clock.reset()


def pytest_terminal_summary(terminalreporter):
    """The fuzz tests' cases (tests/test_fuzz.py records them; xdist carries them back)."""
    cases = {
        report.nodeid: value
        for reports in terminalreporter.stats.values()
        for report in reports
        for name, value in getattr(report, "user_properties", ())
        if name == "fuzz_cases"
    }
    for nodeid, value in cases.items():
        terminalreporter.write_line(f"fuzz cases run by {nodeid}: {value}")
    if cases:
        terminalreporter.write_line(f"fuzz cases run in all: {sum(cases.values())}")
