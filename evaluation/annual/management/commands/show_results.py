"""`manage.py show_results --organisation CODE --year YYYY [--month M]`: the agency's
stored results in exactly the document `score_scenario` prints.

Each mode names the periods it shows and how; a new mode (a quarter) is one more entry
of `MODES` and one more option.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from evaluation.annual.exchange import ExportError, stored_results

from ._agency import add_agency_arguments, agency


def _year(organisation, year, options):
    return stored_results(organisation, year)


def _month(organisation, year, options):
    return stored_results(organisation, year, options["month"])


MODES = (("month", _month), ("year", _year))
"""(option that selects the mode, printer): the first whose option is given wins; the
year is the default."""


class Command(BaseCommand):
    help = "Print an agency's stored results as score_scenario prints them."

    def add_arguments(self, parser):
        add_agency_arguments(parser)
        parser.add_argument("--month", type=int, help="one month only (1-12)")

    def handle(self, *args, organisation, year, **options):
        org = agency(organisation)
        printer = next(
            (show for name, show in MODES if name != "year" and options.get(name) is not None),
            _year,
        )
        try:
            document = printer(org, year, options)
        except ExportError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(document, ensure_ascii=False, indent=1))
