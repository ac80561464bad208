"""`manage.py benchmark_imports --people N`: times the organisation import (issue 13) at
size: a generated agency of N people in units of about 40, each unit with a head and a
deputy, written as the workbook, read, dry-run, imported, and re-imported as a dry run
(which must report no change). Everything is rolled back at the end."""

import io
import time
from datetime import date

import openpyxl
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from hrsystem import org_import, services

UNIT_SIZE = 40
START = date(2024, 1, 1)


class Command(BaseCommand):
    help = "Đo thời gian nhập tổ chức: N cán bộ cùng chức vụ (mọi thay đổi được hoàn tác)."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=50_000)

    def handle(self, *args, **options):
        people = options["people"]
        if people < UNIT_SIZE:
            raise CommandError(f"--people phải từ {UNIT_SIZE} trở lên.")
        self.stdout.write(f"Cơ sở dữ liệu: {connection.vendor}; {people} cán bộ")
        with transaction.atomic():
            organisation = services.organisation_create(code="BENCH-IMPORT", name="Đo nhập")
            content = self._step("Tạo tệp .xlsx", lambda: _workbook(people))
            self.stdout.write(f"  {len(content) / 1024 / 1024:.1f} MB")
            book = self._step("Đọc tệp", lambda: org_import.read(content, "bench.xlsx"))
            for label, confirm in (("Chạy thử (dry run)", False), ("Nhập", True)):
                report = self._step(
                    label,
                    lambda c=confirm: org_import.organisation_import(
                        organisation=organisation, book=book, by=None, reason="Đo", confirm=c
                    ),
                )
                if not report.ok:
                    raise CommandError(str(report.problems[0]))
            again = self._step(
                "Nhập lại bản xuất (chạy thử)",
                lambda: org_import.organisation_import(
                    organisation=organisation,
                    book=org_import.read(org_import.export(organisation), "x.xlsx"),
                    by=None,
                    reason="Đo",
                    confirm=False,
                ),
            )
            self.stdout.write(f"  {again.changes} dòng thay đổi (phải là 0)")
            transaction.set_rollback(True)

    def _step(self, label, run):
        started = time.perf_counter()
        result = run()
        self.stdout.write(f"{label}: {time.perf_counter() - started:.2f} s")
        return result


def _workbook(people: int) -> bytes:
    """The generated agency: a root unit, units of UNIT_SIZE people, 20 positions with two
    tasks each, 5 quota groups, a head and a deputy in every unit."""
    units = max(1, people // UNIT_SIZE)
    unit_rows = [["ROOT", "Lãnh đạo", ""]]
    unit_rows += [[f"U{u:05d}", f"Phòng {u}", "ROOT"] for u in range(units)]
    people_rows = [
        [
            f"B{n:06d}",
            f"Nguyễn Văn Số {n}",
            f"U{n % units:05d}",
            f"P{n % 20:02d}",
            "Công chức",
            f"b{n}@bench.gov.vn",
            f"Nhóm {n % 5}",
            START,
        ]
        for n in range(people)
    ]
    post_rows = [
        [f"B{u + units * rank:06d}", f"U{u:05d}", kind, START, ""]
        for u in range(units)
        for rank, kind in ((0, "Trưởng"), (1, "Phó"))
    ]
    sheets = [
        (org_import.UNITS, unit_rows),
        (org_import.POSITIONS, [[f"P{p:02d}", f"Vị trí {p}", ""] for p in range(20)]),
        (
            org_import.TASKS,
            [
                [f"P{p:02d}", f"Nhiệm vụ {t}", "việc", "1,5", 2, "Tháng"]
                for p in range(20)
                for t in range(2)
            ],
        ),
        (org_import.GROUPS, [[f"Nhóm {g}"] for g in range(5)]),
        (org_import.PEOPLE, people_rows),
        (org_import.POSTS, post_rows),
    ]
    workbook = openpyxl.Workbook(write_only=True)
    for sheet, rows in sheets:
        worksheet = workbook.create_sheet(sheet.title)
        worksheet.append(list(sheet.columns.values()))
        for row in rows:
            worksheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
