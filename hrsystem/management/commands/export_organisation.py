"""`manage.py export_organisation --organisation CODE FILE`: the agency's organisation as
the workbook `import_organisation` reads (re-imported, it changes nothing)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hrsystem import org_import
from hrsystem.models import Organisation


class Command(BaseCommand):
    help = "Xuất tổ chức của một cơ quan ra tệp .xlsx theo mẫu nhập."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--organisation", required=True, help="mã cơ quan")

    def handle(self, *args, **options):
        organisation = Organisation.objects.filter(code=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"Không có cơ quan mang mã {options['organisation']}.")
        path = Path(options["file"])
        path.write_bytes(org_import.export(organisation))
        self.stdout.write(f"Đã ghi {path}.")
