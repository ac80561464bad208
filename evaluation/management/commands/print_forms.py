"""`manage.py print_forms --organisation CODE --year YYYY [--month M | --quarter Q] --output DIR`.

With a month (or quarter): every person's evaluation sheet (Mẫu số 01) and every unit's
summary list of that period, under DIR/<unit code>/. With the year alone: every person's
rating sheet (Mẫu số 02, a leader's with their unit's result) under DIR/<unit code>/,
and the agency's rating list and emulation annex in DIR. Each as PDF and Excel, for
archiving and for checking from outside; prints progress.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from evaluation.models import Cadence, Period
from evaluation.paper import annual, documents
from hrsystem import clock
from hrsystem.models import Organisation


class Command(BaseCommand):
    help = "Write every form of one period (or the year) of an agency as PDF and Excel files."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="Agency code")
        parser.add_argument("--year", type=int, required=True)
        period = parser.add_mutually_exclusive_group()
        period.add_argument("--month", type=int)
        period.add_argument("--quarter", type=int)
        parser.add_argument("--output", required=True, help="Directory to write into")

    def handle(self, *args, organisation, year, month, quarter, output, **options):
        agency = Organisation.objects.filter(code=organisation).first()
        if agency is None:
            raise CommandError(f"No agency with code {organisation!r}.")
        if not (month or quarter):
            self._year(agency, year, Path(output))
            return
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

    def _year(self, agency, year, root):
        """Every annual form of the agency's year."""
        today = clock.today()
        with translation.override("vi"):
            sheets = annual.year_sheets(agency, year)
            if not sheets:
                raise CommandError(f"{agency.code} has no annual results for {year}.")
            total, done = len(sheets) + 2, 0
            for sheet in sheets:
                folder = root / sheet.result.unit.code
                folder.mkdir(parents=True, exist_ok=True)
                name = sheet.document_id
                (folder / f"{name}.pdf").write_bytes(annual.sheet_pdf(sheet, printed_on=today))
                (folder / f"{name}.xlsx").write_bytes(annual.sheet_xlsx(sheet))
                done += 1
                self.stdout.write(f"[{done}/{total}] {sheet.result.unit.code} {name}")
            for document, to_pdf, to_xlsx in (
                (annual.rating_list(agency, year), annual.rating_list_pdf, annual.rating_list_xlsx),
                (annual.annex(agency, year), annual.annex_pdf, annual.annex_xlsx),
            ):
                name = document.document_id
                (root / f"{name}.pdf").write_bytes(to_pdf(document, printed_on=today))
                (root / f"{name}.xlsx").write_bytes(to_xlsx(document))
                done += 1
                self.stdout.write(f"[{done}/{total}] {name}")
        self.stdout.write(self.style.SUCCESS(f"{done} forms written to {root}"))
