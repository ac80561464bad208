"""`manage.py show_results --organisation CODE --year YYYY [--month M | --quarter Q]`

- the year (default) or one month: the agency's stored results in exactly the document
  `score_scenario` prints (`evaluation.annual.exchange.stored_results`);
- `--quarter Q`: each person's quarter as JSON rows (`employee`, `quarter`, `score`,
  `level`, `provisional`, `months`: the published periods behind each score), read by
  `evaluation.quarters.quarter_rows`, the same reader as the pages.

Each mode is one entry of `MODES` and one option.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from evaluation.annual.exchange import ExportError, stored_results
from evaluation.quarters import quarter_rows

from ._agency import add_agency_arguments, agency


def _year(organisation, year, options):
    return stored_results(organisation, year)


def _month(organisation, year, options):
    return stored_results(organisation, year, options["month"])


def _quarter(organisation, year, options):
    quarter = options["quarter"]
    if not 1 <= quarter <= 4:
        raise CommandError(f"--quarter: {quarter} is not a quarter (1-4)")
    return quarter_rows(organisation, year, quarter)


MODES = (("month", _month), ("quarter", _quarter))
"""(option that selects the mode, printer); with none of them given, the year."""


class Command(BaseCommand):
    help = (
        "Print an agency's stored results: the year or a month as score_scenario prints "
        "them, or a quarter's rows."
    )

    def add_arguments(self, parser):
        add_agency_arguments(parser)
        parser.add_argument("--month", type=int, help="one month only (1-12)")
        parser.add_argument("--quarter", type=int, help="one quarter (1-4): each person's quarter")

    def handle(self, *args, organisation, year, **options):
        chosen = [show for name, show in MODES if options.get(name) is not None]
        if len(chosen) > 1:
            raise CommandError(
                "choose at most one of: " + ", ".join(f"--{name}" for name, _ in MODES)
            )
        org = agency(organisation)
        printer = chosen[0] if chosen else _year
        try:
            document = printer(org, year, options)
        except ExportError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(document, ensure_ascii=False, indent=1))
