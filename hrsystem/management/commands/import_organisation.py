"""`manage.py import_organisation FILE --organisation CODE [--dry-run] [--user USERNAME]`:
a province's first load of an agency's organisation from the workbook (see
`hrsystem.org_import`), with a progress bar; exits non-zero with every refused cell's
sheet, row, column and value when it refuses the file, writing nothing."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from hrsystem import org_import
from hrsystem.models import Organisation


class Command(BaseCommand):
    help = "Nhập tổ chức của một cơ quan (đơn vị, vị trí, cán bộ, chức vụ) từ tệp .xlsx/.csv."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--organisation", required=True, help="mã cơ quan")
        parser.add_argument("--dry-run", action="store_true", help="kiểm tra, không ghi")
        parser.add_argument("--user", help="tài khoản thực hiện (quyền của người đó được kiểm tra)")
        parser.add_argument("--reason", default="", help="lý do ghi vào lịch sử thay đổi")

    def handle(self, *args, **options):
        try:
            organisation = Organisation.objects.get(code=options["organisation"])
        except Organisation.DoesNotExist:
            raise CommandError(f"Không có cơ quan mang mã {options['organisation']}.") from None
        by = None
        if options["user"]:
            users = get_user_model().objects
            by = users.filter(username=options["user"]).first()
            if by is None:
                raise CommandError(f"Không có tài khoản {options['user']}.")
        path = Path(options["file"])
        try:
            book = org_import.read(path.read_bytes(), path.name)
        except OSError as error:
            raise CommandError(str(error)) from error
        except org_import.Refused as refused:
            self._refuse(refused.problems)
        reason = options["reason"] or f"Nhập tệp {path.name}"
        bar = ProgressBar(org_import.row_count(book), self.stderr)
        try:
            report = org_import.organisation_import(
                organisation=organisation,
                book=book,
                by=by,
                reason=reason,
                confirm=not options["dry_run"],
                progress=bar.update,
            )
        except PermissionDenied:
            raise CommandError(
                f"{options['user']} không có quyền quản lý tổ chức của {organisation.code}."
            ) from None
        bar.finish()
        if not report.ok:
            self._refuse(report.problems)
        for title, new, changed, same in report.counts():
            self.stdout.write(f"{title}: {new} mới, {changed} sửa, {same} không đổi")
        if options["dry_run"]:
            self.stdout.write(f"Chạy thử: {report.changes} dòng sẽ thay đổi; chưa ghi gì.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Đã nhập: {report.changes} dòng thay đổi."))

    def _refuse(self, problems):
        for problem in problems:
            self.stderr.write(str(problem))
        raise CommandError(f"Tệp bị từ chối ({len(problems)} lỗi); không ghi gì.")


class ProgressBar:
    """A one-line bar on a terminal (redrawn at most every 1 %), silent on a pipe."""

    WIDTH = 40

    def __init__(self, total: int, out):
        self.total, self.out, self.shown = max(total, 1), out, -1
        self.live = out.isatty()

    def update(self, done: int) -> None:
        percent = done * 100 // self.total
        if not self.live or percent == self.shown:
            return
        self.shown = percent
        filled = self.WIDTH * percent // 100
        self.out.write(
            f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {percent:3d}% {done}/{self.total}",
            ending="",
        )
        self.out.flush()

    def finish(self) -> None:
        if self.live and self.shown >= 0:
            self.out.write("")
