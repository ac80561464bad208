"""`manage.py setup_demo_periods`: the past months published and this month open for the demo."""

from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from evaluation.demo import build_demo_periods
from hrsystem.demo import CODE, MONTHS_SHOWN, quiet_logs
from hrsystem.models import Organisation


class Command(BaseCommand):
    help = (
        f"For the demo agency (run setup_demo first): publish the last {MONTHS_SHOWN} months' "
        "periods with scored results and open this month's period in self-assessment. "
        "Safe to re-run."
    )

    def handle(self, *args, **options):
        organisation = Organisation.objects.filter(code=CODE).first()
        if organisation is None:
            raise CommandError("Chưa có cơ quan mẫu: hãy chạy setup_demo trước.")
        # demo addresses are made up: notify in the app only, never by e-mail
        channels = ["evaluation.notifications.InAppChannel"]
        with quiet_logs(), override_settings(NOTIFICATION_CHANNELS=channels):
            result = build_demo_periods(organisation=organisation)
        for label in result.created:
            self.stdout.write(f"Đã tạo kỳ đánh giá {label}")
        if not result.created:
            self.stdout.write("Các kỳ đánh giá mẫu đã có sẵn.")
