"""`manage.py benchmark_pages`: queries and server time of the busiest pages.

Works on the demo agency (run `setup_demo` first). Inside one transaction that is rolled
back at the end, so the database is left as it was, it grows the demo head's unit to
--staff people, opens the next period for the whole agency, moves it to scoring, and
then requests each page --repeat times as the user who works on it. Prints the period
opening time and, per page, the SQL query count and the median server time (wall, and
CPU of the process). Asserts
nothing: the query-count tests hold the limits; this shows the figures.

With `--province CODE` it reads a generated province instead (`generate_province`) and
writes nothing: each main page as the user who works on it — a team head (their month,
results, inbox, scoring page), the agency leader (overview, period results, year) and
the HR officer (directory, discipline lists, year's units).
"""

import statistics
import time
from datetime import date

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from evaluation import province, services
from evaluation.models import Period, PeriodState
from hrsystem import clock
from hrsystem import services as hr_services
from hrsystem.demo import CODE
from hrsystem.models import Assignment, Organisation, Post, PostKind

HEAD_LOGIN = "truong_phong"


class Command(BaseCommand):
    help = "Query counts and server times of the main pages with one unit of --staff people."

    def add_arguments(self, parser):
        parser.add_argument("--staff", type=int, default=80)
        parser.add_argument("--repeat", type=int, default=5)
        parser.add_argument("--province", default="", help="a generated province's code")

    def handle(self, *args, staff, repeat, **options):
        if options["province"]:
            self._province(options["province"], repeat)
            return
        organisation = Organisation.objects.filter(code=CODE).first()
        if organisation is None:
            raise CommandError("Chưa có cơ quan mẫu: hãy chạy setup_demo trước.")
        users = {user.username: user for user in get_user_model().objects.all()}
        # demo addresses are made up: notify in the app only, never by e-mail
        with (
            override_settings(NOTIFICATION_CHANNELS=["evaluation.notifications.InAppChannel"]),
            transaction.atomic(),
        ):
            period, unit, opened_in = self._grow_and_open(organisation, users, staff)
            self.stdout.write(
                f"{organisation.name}: {unit.name} grown to {staff} people; "
                f"opening {period} for the whole agency took {opened_in:.2f} s"
            )
            self.stdout.write(f"{'page':<44} {'user':<14} {'queries':>7} {'median':>9} {'cpu':>9}")
            for label, login, url in self._pages(period, unit):
                queries, seconds, cpu = _measure(users[login], url, repeat)
                self.stdout.write(
                    f"{label:<44} {login:<14} {queries:>7} {seconds * 1000:>6.0f} ms"
                    f" {cpu * 1000:>6.0f} ms"
                )
            transaction.set_rollback(True)
        self.stdout.write("Nothing was kept: the changes were rolled back.")

    def _grow_and_open(self, organisation, users, staff):
        head = users[HEAD_LOGIN].employee
        post = Post.objects.filter(employee=head, kind=PostKind.HEAD).select_related("unit").first()
        if post is None:
            raise CommandError(f"{HEAD_LOGIN} không giữ chức vụ trưởng đơn vị nào.")
        unit = post.unit
        latest = Period.objects.filter(organisation=organisation).order_by("-year", "-number")
        year, number = latest.values_list("year", "number").first() or (clock.today().year, 0)
        year, number = (year + 1, 1) if number >= 12 else (year, number + 1)
        first_day = date(year, number, 1)
        staff_now = Assignment.objects.filter(unit=unit, end__isnull=True).count()
        position = Assignment.objects.filter(unit=unit).exclude(employee=head).first().job_position
        for index in range(max(staff - staff_now, 0)):
            hr_services.employee_create(
                code=f"BENCH{index:04d}",
                full_name=f"Nguyễn Thị Thử {index:03d}",
                unit=unit,
                job_position=position,
                start=first_day,
            )
        hr = users["to_chuc"]
        started = time.perf_counter()
        period = services.period_open(organisation=organisation, year=year, number=number, by=hr)
        opened_in = time.perf_counter() - started
        for state in (PeriodState.SELF_ASSESSMENT, PeriodState.SCORING):
            period = services.period_advance(period=period, to=state, by=hr)
        return period, unit, opened_in

    def _pages(self, period, unit):
        scoring = reverse("evaluation:scoring", args=[period.pk])
        return [
            ("home and to-do inbox", HEAD_LOGIN, reverse("home")),
            (f"head scoring page ({unit.code})", HEAD_LOGIN, f"{scoring}?unit={unit.pk}"),
            (
                "completeness board",
                HEAD_LOGIN,
                reverse("evaluation:completeness", args=[period.pk]),
            ),
            (
                "leader overview of the period",
                "chu_tich",
                reverse("evaluation:overview", args=[period.pk]),
            ),
            ("my month (declaration)", "nhanvien", reverse("evaluation:my_month")),
            ("my results and trend", "nhanvien", reverse("evaluation:my_results")),
            ("unit page", HEAD_LOGIN, reverse("hrsystem:unit_detail", args=[unit.pk])),
            ("directory", "to_chuc", reverse("hrsystem:directory")),
            ("org chart", "chu_tich", reverse("hrsystem:org_chart")),
            ("violations in scope", "thanh_tra", reverse("discipline:violation_list")),
            ("discipline reports", "to_chuc", reverse("discipline:report_dashboard")),
        ]

    def _province(self, code: str, repeat: int) -> None:
        organisation = Organisation.objects.filter(code=code).first()
        if organisation is None:
            raise CommandError(f"{code} does not exist: run generate_province first")
        built = province.existing(organisation)
        head = (
            Post.objects.filter(unit__organisation=organisation, kind=PostKind.HEAD, end=None)
            .exclude(unit__parent=None)
            .exclude(employee__user=None)
            .select_related("employee__user", "unit")
            .order_by("unit__path")
            .first()
        )
        current, published = built.periods[-1], built.periods[0]
        year = current.year
        users = {"head": head.employee.user, "leader": built.leader_user, "hr": built.hr_user}
        pages = [
            ("home and to-do inbox", "head", reverse("home")),
            ("employee month", "head", reverse("evaluation:my_month")),
            ("my results and trend", "head", reverse("evaluation:my_results")),
            (
                f"head scoring page ({head.unit.code})",
                "head",
                reverse("evaluation:scoring", args=[current.pk]) + f"?unit={head.unit.pk}",
            ),
            ("completeness board", "head", reverse("evaluation:completeness", args=[current.pk])),
            ("unit page", "head", reverse("hrsystem:unit_detail", args=[head.unit.pk])),
            ("home and to-do inbox", "leader", reverse("home")),
            (
                "leader overview (scoring)",
                "leader",
                reverse("evaluation:overview", args=[current.pk]),
            ),
            (
                "period results (published)",
                "leader",
                reverse("evaluation:overview", args=[published.pk]),
            ),
            (
                "scoring page, units list",
                "leader",
                reverse("evaluation:scoring", args=[current.pk]),
            ),
            ("period list", "leader", reverse("evaluation:period_list")),
            ("year page", "hr", reverse("annual:year", args=[year])),
            ("org chart", "leader", reverse("hrsystem:org_chart")),
            ("home and to-do inbox", "hr", reverse("home")),
            ("directory", "hr", reverse("hrsystem:directory")),
            ("violations in scope", "hr", reverse("discipline:violation_list")),
            ("decisions", "hr", reverse("discipline:decision_list")),
            ("discipline reports", "hr", reverse("discipline:report_dashboard")),
            ("year's units", "hr", reverse("annual:units", args=[year])),
        ]
        self.stdout.write(f"{organisation.code}: {organisation.units.count()} units")
        self.stdout.write(f"{'page':<44} {'user':<14} {'queries':>7} {'median':>9} {'cpu':>9}")
        for label, role, url in pages:
            queries, seconds, cpu = _measure(users[role], url, repeat)
            self.stdout.write(
                f"{label:<44} {role:<14} {queries:>7} {seconds * 1000:>6.0f} ms"
                f" {cpu * 1000:>6.0f} ms"
            )


def _measure(user, url: str, repeat: int) -> tuple[int, float, float]:
    """(queries of one request, median wall seconds, median CPU seconds of this process)
    over `repeat` GETs of `url` by `user`. The CPU time leaves out the database's own work
    and the waits of a loaded machine; the wall time includes both."""
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    client.get(url)  # warm per-process caches (content types, translations, templates)
    times, cpu = [], []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
        if response.status_code != 200:
            raise CommandError(f"{url} trả về {response.status_code} cho {user.username}")
        queries = len(captured)
    return queries, statistics.median(times), statistics.median(cpu)
