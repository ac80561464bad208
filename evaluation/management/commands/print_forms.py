"""`manage.py print_forms --organisation CODE --year YYYY --month M --output DIR`.

Writes every person's evaluation sheet (Mẫu số 01) and every unit's summary list of the
agency's month (or quarter, `--quarter`) as PDF and Excel files under DIR/<unit code>/,
for archiving and for checking from outside; prints progress. The annual forms (Mẫu số
02, the annual lists) are not printed here yet.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from evaluation.models import Cadence, Period
from evaluation.paper import documents
from hrsystem import clock
from hrsystem.models import Organisation


class Command(BaseCommand):
    help = "Write every form of one period of an agency as PDF and Excel files."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="Agency code")
        parser.add_argument("--year", type=int, required=True)
        period = parser.add_mutually_exclusive_group(required=True)
        period.add_argument("--month", type=int)
        period.add_argument("--quarter", type=int)
        parser.add_argument("--output", required=True, help="Directory to write into")

    def handle(self, *args, organisation, year, month, quarter, output, **options):
        agency = Organisation.objects.filter(code=organisation).first()
        if agency is None:
            raise CommandError(f"No agency with code {organisation!r}.")
        cadence, number = (Cadence.MONTHLY, month) if month else (Cadence.QUARTERLY, quarter)
        period = (
            Period.objects.select_related("organisation")
            .filter(organisation=agency, year=year, number=number, cadence=cadence)
            .first()
        )
        if period is None:
            raise CommandError(f"{agency.code} has no {cadence} period {number}/{year}.")
        root = Path(output)
        today = clock.today()
        with translation.override("vi"):
            units = documents.units_of_period(period)
            summaries = [documents.unit_summary(period, unit) for unit in units]
            total = sum(len(summary.sheets) + 1 for summary in summaries)
            done = 0
            for summary in summaries:
                folder = root / summary.unit.code
                folder.mkdir(parents=True, exist_ok=True)
                for sheet in summary.sheets:
                    name = sheet.document_id
                    (folder / f"{name}.pdf").write_bytes(
                        documents.person_pdf(sheet, printed_on=today)
                    )
                    (folder / f"{name}.xlsx").write_bytes(documents.person_xlsx(sheet))
                    done += 1
                    self.stdout.write(f"[{done}/{total}] {summary.unit.code} {name}")
                name = summary.document_id
                (folder / f"{name}.pdf").write_bytes(
                    documents.unit_summary_pdf(summary, printed_on=today)
                )
                (folder / f"{name}.xlsx").write_bytes(documents.unit_summary_xlsx(summary))
                done += 1
                self.stdout.write(f"[{done}/{total}] {summary.unit.code} {name}")
        self.stdout.write(self.style.SUCCESS(f"{done} forms written to {root}"))
