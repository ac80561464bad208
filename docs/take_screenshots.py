"""Take the documentation screenshots of a running demo into docs/screenshots/.

Usage (against a demo built with `manage.py setup_demo` and served by `runserver`):

    .venv/bin/python docs/take_screenshots.py http://127.0.0.1:8000

Options: --out DIR (default docs/screenshots next to this file), --chromium PATH
(default /usr/bin/chromium if it exists, else Playwright's own browser).

Each page is opened as the demo login that should see it (password BinhXuyen@2026).
Pages whose address depends on the data (the period being scored, a result, an
inspection, a violation) are found by following the links the user sees. Nothing is
written to the demo. Shots are
1280px wide (one at 375px, a phone) and at most MAX_HEIGHT tall; with Pillow installed
they are reduced to a 256-colour palette to keep each file small. A page that answers
with an error status is still shot, and every status is printed at the end.
"""

# ruff: noqa: T201  (a command-line script: it reports on stdout)
from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from urllib.parse import urljoin

from playwright.sync_api import sync_playwright

PASSWORD = "BinhXuyen@2026"
WIDTH = 1280
PHONE_WIDTH = 375
VIEWPORT_HEIGHT = 900
MAX_HEIGHT = 2000
HERE = Path(__file__).resolve().parent


class Shooter:
    def __init__(self, browser, base: str, out: Path):
        self.browser = browser
        self.base = base.rstrip("/") + "/"
        self.out = out
        self.contexts = {}
        self.log: list[tuple[str, str, str, int | str]] = []

    def page_for(self, username: str, width: int = WIDTH):
        """A signed-in page for `username` (one browser context per user and width)."""
        key = (username, width)
        if key not in self.contexts:
            context = self.browser.new_context(
                viewport={"width": width, "height": VIEWPORT_HEIGHT},
                locale="vi-VN",
                device_scale_factor=1,
            )
            page = context.new_page()
            page.goto(self.url("accounts/login/"))
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", PASSWORD)
            page.click("form[action$='/accounts/login/'] button[type=submit]")
            page.wait_for_load_state("networkidle")
            if "/accounts/login/" in page.url:
                sys.exit(f"Could not sign in as {username}; is this the demo database?")
            self.contexts[key] = page
        return self.contexts[key]

    def url(self, path: str) -> str:
        return urljoin(self.base, path.lstrip("/"))

    def links(self, username: str, start: str, pattern: str) -> list[str]:
        """The links on page `start` (as `username`) whose path matches `pattern`, in order."""
        page = self.page_for(username)
        page.goto(self.url(start))
        found = []
        for href in page.eval_on_selector_all(
            "a[href]", "els => els.map(e => e.getAttribute('href'))"
        ):
            if re.fullmatch(pattern, href.split("?")[0].split("#")[0]) and href not in found:
                found.append(href)
        return found

    def first_link(self, username: str, start: str, pattern: str) -> str | None:
        """The first link on page `start` (as `username`) whose path matches `pattern`."""
        return next(iter(self.links(username, start, pattern)), None)

    def period_ids(self, username: str) -> list[int]:
        """Ids of the periods linked from /periods/ (newest first, as listed)."""
        page = self.page_for(username)
        page.goto(self.url("/periods/"))
        ids = []
        for href in page.eval_on_selector_all(
            "main a[href]", "els => els.map(e => e.getAttribute('href'))"
        ):
            match = re.search(r"/periods/(\d+)/", href)
            if match and int(match.group(1)) not in ids:
                ids.append(int(match.group(1)))
        return ids

    def shot(self, name: str, username: str, path: str | None, *, width: int = WIDTH):
        if path is None:
            print(f"  skipped {name}: no such page in this demo (as {username})")
            self.log.append((name, username, "-", "skipped"))
            return None
        page = self.page_for(username, width)
        response = page.goto(self.url(path))
        page.wait_for_load_state("networkidle")
        self.save(page, name)
        status = response.status if response else "?"
        self.log.append((name, username, path, status))
        print(f"  {status} {name:32} {username:14} {path}")
        return page

    def save(self, page, name: str):
        """Grow the window to the page's height (at most MAX_HEIGHT) and shoot it, so that
        sticky bars sit at the bottom of the shot as on a tall screen, not mid-page."""
        width = page.viewport_size["width"]
        height = page.evaluate("document.documentElement.scrollHeight")
        tall = max(VIEWPORT_HEIGHT, min(height, MAX_HEIGHT))
        page.set_viewport_size({"width": width, "height": tall})
        page.wait_for_timeout(200)
        page.screenshot(path=str(self.out / name))
        page.set_viewport_size({"width": width, "height": VIEWPORT_HEIGHT})
        shrink(self.out / name)


def shrink(path: Path) -> None:
    """Re-save as a 256-colour PNG when Pillow is there (UI shots lose nothing visible)."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", nargs="?", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=HERE / "screenshots")
    parser.add_argument(
        "--chromium",
        default="/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None,
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as p:
        # The browser's own widgets (date, month and file inputs) in Vietnamese, as in the
        # offices; Chromium on Linux takes its UI language from LANGUAGE (needs the
        # chromium-l10n package on Debian, else they stay in English).
        env = {**os.environ, "LANGUAGE": "vi", "LANG": "vi_VN.UTF-8"}
        browser = p.chromium.launch(executable_path=args.chromium, env=env)
        s = Shooter(browser, args.base, args.out)

        # The head of a unit: inbox, then the scoring page of the period being scored.
        s.shot("01-home-inbox.png", "truong_phong", "/")
        # The inbox links the scoring page only while the period is at the scoring step;
        # otherwise take the newest period of /periods/ (its first row) and its score/ page.
        scoring = s.first_link("truong_phong", "/", r".*/periods/\d+/score/")
        periods = s.period_ids("truong_phong")
        if scoring is None and periods:
            scoring = f"/periods/{periods[0]}/score/"
        s.shot("02-head-scoring.png", "truong_phong", scoring)
        if len(periods) > 1:  # the month before, already scored and published
            s.shot(
                "02b-head-scoring-last-month.png", "truong_phong", f"/periods/{periods[1]}/score/"
            )

        # An employee: the month's declaration, results, one result explained.
        s.shot("03-my-month.png", "nhanvien", "/month/")
        s.shot("04-my-results.png", "nhanvien", "/results/")
        s.shot(
            "05-result-detail.png",
            "nhanvien",
            s.first_link("nhanvien", "/results/", r".*/results/\d+/"),
        )

        # The agency's leader: the period overview and its completeness board.
        period = s.first_link("chu_tich", "/periods/", r".*/periods/\d+/")
        s.shot("06-leader-overview.png", "chu_tich", period)
        periods = s.period_ids("chu_tich")
        if len(periods) > 1:  # the month before, scored and published
            s.shot("06b-leader-overview-last-month.png", "chu_tich", f"/periods/{periods[1]}/")
        s.shot(
            "07-completeness.png",
            "chu_tich",
            period and period.rstrip("/") + "/completeness/",
        )

        # The inspection team: inspections, one with its findings (the list starts with
        # the one planned for next week), a violation, the reports.
        inspections = s.links(
            "thanh_tra", "/discipline/inspections/", r".*/discipline/inspections/\d+/"
        )
        s.shot("08-inspections.png", "thanh_tra", "/discipline/inspections/")
        s.shot(
            "09-inspection-detail.png", "thanh_tra", (inspections[1:] or inspections or [None])[0]
        )
        s.shot("10-violations.png", "thanh_tra", "/discipline/violations/")
        s.shot(
            "11-violation-detail.png",
            "thanh_tra",
            s.first_link("thanh_tra", "/discipline/violations/", r".*/discipline/violations/\d+/"),
        )
        s.shot("12-discipline-reports.png", "thanh_tra", "/discipline/reports/")

        s.shot("13-org-chart.png", "to_chuc", "/org/")

        # English: switch with the header's language form, shoot, switch back.
        result = s.first_link("nhanvien", "/results/", r".*/results/\d+/")
        page = s.page_for("nhanvien")
        page.click(".lang-switch button[value=en]")
        page.wait_for_load_state("networkidle")
        s.shot("14-english-result-detail.png", "nhanvien", result or "/results/")
        page.click(".lang-switch button[value=vi]")
        page.wait_for_load_state("networkidle")

        s.shot("15-phone-my-month.png", "nhanvien", "/month/", width=PHONE_WIDTH)

        browser.close()

    bad = [row for row in s.log if row[3] != 200]
    print(f"{len(s.log)} screenshots in {args.out}; not 200: {bad or 'none'}")


if __name__ == "__main__":
    main()
