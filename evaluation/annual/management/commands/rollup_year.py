"""`manage.py rollup_year --organisation CODE --year YYYY [--months 1,2,...] [--by USER]`:
the agency's annual roll-up from the command line, with a progress bar.

The same `services.rollup_year` the HR officer's page runs: by default every locked
month of the year counts. A refused roll-up (a counted month not locked) prints the
open unit-months on stderr and exits 2, writing nothing.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from evaluation.annual import services

from ._agency import add_agency_arguments, agency

EXIT_REFUSED = 2
BAR = 30


def _months(text: str) -> list[int]:
    try:
        return sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError as error:
        raise CommandError(f"--months: {text!r} is not a list of month numbers") from error


class Command(BaseCommand):
    help = "Roll an agency's year up from its locked months into annual results."

    def add_arguments(self, parser):
        add_agency_arguments(parser)
        parser.add_argument("--months", help="months that count, e.g. 1,2,3 (default: locked)")
        parser.add_argument("--by", help="username of the HR officer running it (rights checked)")

    def handle(self, *args, organisation, year, months, by, **options):
        org = agency(organisation)
        user = None
        if by:
            user = get_user_model().objects.filter(username=by).first()
            if user is None:
                raise CommandError(f"no user {by!r}")

        def progress(done: int, total: int) -> None:
            filled = BAR * done // total if total else BAR
            percent = 100 * done // total if total else 100
            self.stdout.write(
                f"\r[{'#' * filled}{'.' * (BAR - filled)}] {percent:3d}% {done}/{total}", ending=""
            )
            self.stdout.flush()

        try:
            run = services.rollup_year(
                org, year, user, periods=_months(months) if months else None, progress=progress
            )
        except services.RollupRefused as refused:
            for message in refused.messages:
                self.stderr.write(message)
            for unit_month in refused.unit_months:
                self.stderr.write(
                    f"  {unit_month.unit_code} month {unit_month.month}: "
                    f"period {unit_month.period_state}, unit {unit_month.unit_state}"
                )
            raise SystemExit(EXIT_REFUSED) from None
        except ValidationError as error:
            for message in error.messages:
                self.stderr.write(message)
            raise SystemExit(EXIT_REFUSED) from None
        self.stdout.write("")
        counted = ", ".join(
            str(n) for n in run.periods.order_by("number").values_list("number", flat=True)
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{org.code} {year}: {run.people} people rated from months {counted}"
            )
        )
