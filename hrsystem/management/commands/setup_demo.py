"""`manage.py setup_demo`: reference fixtures, the demo agency and its logins, then its
discipline ledger and monthly periods."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from hrsystem.demo import build_demo, quiet_logs

REFERENCE = Path(settings.BASE_DIR) / "fixtures" / "reference"


class Command(BaseCommand):
    help = (
        "Load every fixture in fixtures/reference/, create the demo agency "
        "UBND huyện Bình Xuyên if missing, print one demo login per role, then record its "
        "discipline ledger and periods (setup_demo_ledger, setup_demo_periods). Safe to re-run."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        with quiet_logs():
            for path in sorted(REFERENCE.glob("*.json")):
                call_command("loaddata", str(path), verbosity=0)
                self.stdout.write(f"Đã nạp dữ liệu tham chiếu {path.name}")
            result = build_demo()
        verb = "Đã tạo" if result.created else "Đã có sẵn"
        organisation = result.organisation
        units = organisation.units.count()
        summary = f"{verb} cơ quan mẫu {organisation} ({units} đơn vị)."
        self.stdout.write(self.style.SUCCESS(summary))
        self.stdout.write(f"Tài khoản mẫu (mật khẩu chung: {result.password}):")
        width = max(len(login.username) for login in result.logins)
        for login in result.logins:
            who = f" — {login.full_name}" if login.full_name else ""
            self.stdout.write(f"  {login.username.ljust(width)}  {login.role}{who}")
        # violations feed the scores: the ledger before the periods
        call_command("setup_demo_ledger", stdout=self.stdout)
        call_command("setup_demo_periods", stdout=self.stdout)
        call_command("setup_demo_year", stdout=self.stdout)
        self.stdout.write(f"Xong sau {time.monotonic() - started:.1f} giây.")
