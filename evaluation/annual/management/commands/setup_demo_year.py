"""`manage.py setup_demo_year`: the demo agency's year ready for the board."""

from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from evaluation.annual.demo import build_demo_year
from hrsystem.demo import CODE, quiet_logs
from hrsystem.models import Organisation


class Command(BaseCommand):
    help = (
        "For the demo agency (after setup_demo_periods): publish the year's earlier months, "
        "lock those past their appeal window, record initiatives and emulation "
        "registrations, roll the year up and leave the proposals to the board. Safe to re-run."
    )

    def handle(self, *args, **options):
        organisation = Organisation.objects.filter(code=CODE).first()
        if organisation is None:
            raise CommandError("Chưa có cơ quan mẫu: hãy chạy setup_demo trước.")
        channels = ["evaluation.notifications.InAppChannel"]
        with quiet_logs(), override_settings(NOTIFICATION_CHANNELS=channels):
            result = build_demo_year(organisation=organisation)
        if not result.created:
            self.stdout.write(f"Năm {result.year} của cơ quan mẫu đã được tổng hợp.")
            return
        for label in result.built:
            self.stdout.write(f"Đã tạo kỳ đánh giá {label}")
        self.stdout.write(
            f"Năm {result.year}: khoá {result.locked} tháng, tổng hợp {result.people} người; "
            "danh hiệu đề xuất chờ Hội đồng thi đua khen thưởng (hoi_dong)."
        )
