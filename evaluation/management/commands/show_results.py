"""Print an agency's results as JSON, so the figures can be checked from outside.

    manage.py show_results --organisation CODE --year YYYY --quarter Q

prints the quarter's rows (`employee`, `quarter`, `score`, `level`, `provisional`,
`months`: the published periods behind each score with their totals and levels) as read
by `evaluation.quarters.quarter_rows`, the same reader as the pages. Each mode is one
function below, chosen by the options given.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from evaluation.quarters import quarter_rows
from hrsystem.models import Organisation


def _quarter(organisation: Organisation, options: dict) -> list[dict]:
    quarter = options["quarter"]
    if not 1 <= quarter <= 4:
        raise CommandError(f"--quarter: {quarter} is not a quarter (1-4)")
    return quarter_rows(organisation, options["year"], quarter)


MODES = {"quarter": _quarter}
"""Result modes by the option that selects them; exactly one is given per call."""


class Command(BaseCommand):
    help = "In kết quả đánh giá của một cơ quan dưới dạng JSON (theo quý: --quarter)."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="Mã cơ quan.")
        parser.add_argument("--year", type=int, required=True, help="Năm, ví dụ 2026.")
        parser.add_argument("--quarter", type=int, help="Quý 1-4: kết quả quý của từng người.")

    def handle(self, *args, **options):
        chosen = [mode for mode in MODES if options.get(mode) is not None]
        if len(chosen) != 1:
            raise CommandError("choose exactly one of: " + ", ".join(f"--{mode}" for mode in MODES))
        organisation = Organisation.objects.filter(code=options["organisation"]).first()
        if organisation is None:
            raise CommandError(
                f"--organisation: no agency has the code {options['organisation']!r}"
            )
        rows = MODES[chosen[0]](organisation, options)
        self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
