"""`manage.py export_scenario --organisation CODE --year YYYY [--month M] [--output FILE]`:
the agency's stored inputs as a scenario file (`shared/spec/scenario-format.md`).

`score_scenario` on the file re-scores the agency with the engine alone; what the format
cannot carry (see `evaluation.annual.exchange`) is listed on stderr as warnings.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from evaluation.annual.exchange import ExportError, export_scenario

from ._agency import add_agency_arguments, agency


class Command(BaseCommand):
    help = "Write an agency's stored inputs of a month or a year as a scenario file."

    def add_arguments(self, parser):
        add_agency_arguments(parser)
        parser.add_argument("--month", type=int, help="one month only (1-12)")
        parser.add_argument("--output", help="file to write (default: standard output)")

    def handle(self, *args, organisation, year, month, output, **options):
        try:
            document, warnings = export_scenario(agency(organisation), year, month)
        except ExportError as error:
            raise CommandError(str(error)) from error
        for warning in warnings:
            self.stderr.write(f"warning: {warning}")
        text = json.dumps(document, ensure_ascii=False, indent=1)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
        else:
            self.stdout.write(text)
