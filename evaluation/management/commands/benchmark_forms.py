"""`manage.py benchmark_forms [--staff 60] [--repeat 3]`: time to print a unit's month.

Works on the demo agency (run `setup_demo` first). Inside one transaction rolled back at
the end, it grows the demo head's unit to --staff people and opens the next month (the
same set-up as `benchmark_pages`), then times, median of --repeat runs: loading the
unit's month, its summary list as PDF (target under 2 s for 60 people) and as Excel,
and every person's sheet in one PDF; then the same sheets printed by the background job
(`paper.sheets`, as one PDF and as a zip, files in a temporary media folder), eager as
on the embedded default: with Celery workers the request only queues it. Asserts
nothing; prints the figures.
"""

import statistics
import tempfile
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import translation

from evaluation.paper import documents
from evaluation.paper import jobs as paper_jobs
from hrsystem.demo import CODE
from hrsystem.models import Organisation
from hrsystem.services import job_start

from .benchmark_pages import Command as PagesBenchmark


def _median(action, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


class Command(BaseCommand):
    help = "Time a unit's monthly forms (PDF and Excel) with --staff people."

    def add_arguments(self, parser):
        parser.add_argument("--staff", type=int, default=60)
        parser.add_argument("--repeat", type=int, default=3)

    def handle(self, *args, staff, repeat, **options):
        organisation = Organisation.objects.filter(code=CODE).first()
        if organisation is None:
            raise CommandError("Chưa có cơ quan mẫu: hãy chạy setup_demo trước.")
        users = {user.username: user for user in get_user_model().objects.all()}
        with (
            override_settings(NOTIFICATION_CHANNELS=["evaluation.notifications.InAppChannel"]),
            transaction.atomic(),
            translation.override("vi"),
        ):
            period, unit, _opened = PagesBenchmark()._grow_and_open(organisation, users, staff)
            load, summary = _median(lambda: documents.unit_summary(period, unit), repeat)
            self.stdout.write(f"{unit.name}, {period}: {len(summary.sheets)} people")
            rows = [
                ("load the unit's month", load, None),
                *(
                    (label, *_median(lambda make=make: make(summary), repeat))
                    for label, make in (
                        ("summary list PDF", documents.unit_summary_pdf),
                        ("summary list Excel", documents.unit_summary_xlsx),
                        ("every sheet in one PDF", documents.unit_sheets_pdf),
                    )
                ),
            ]
            for label, seconds, content in rows:
                size = f"{len(content) / 1024:>7.0f} KiB" if content else ""
                self.stdout.write(f"{label:<26} {seconds:>7.2f} s {size}")
            for bundle in paper_jobs.BUNDLES:
                with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
                    seconds, job = _median(
                        lambda bundle=bundle: job_start(
                            kind=paper_jobs.KIND,
                            by=users["to_chuc"],
                            organisation=organisation,
                            params={"period": period.pk, "unit": unit.pk, "bundle": bundle},
                        ),
                        1,
                    )
                label = f"job, {bundle} ({job.state})"
                self.stdout.write(f"{label:<26} {seconds:>7.2f} s {job.message}")
            transaction.set_rollback(True)
        self.stdout.write("Nothing was kept: the changes were rolled back.")
