"""`manage.py setup_demo_ledger`: the demo agency's discipline ledger over the last months."""

from django.core.management.base import BaseCommand, CommandError

from discipline.demo import build_ledger
from hrsystem.demo import CODE, quiet_logs
from hrsystem.models import Organisation


class Command(BaseCommand):
    help = (
        "For the demo agency (run setup_demo first): record inspections, violations, a "
        "discipline decision, dossiers, complaints, surveys and commitments. Safe to re-run."
    )

    def handle(self, *args, **options):
        organisation = Organisation.objects.filter(code=CODE).first()
        if organisation is None:
            raise CommandError("Chưa có cơ quan mẫu: hãy chạy setup_demo trước.")
        with quiet_logs():
            ledger = build_ledger(organisation=organisation)
        if ledger.created:
            self.stdout.write(f"Đã ghi sổ kỷ luật mẫu: {ledger.inspections} đợt kiểm tra.")
        else:
            self.stdout.write("Sổ kỷ luật mẫu đã có sẵn.")
