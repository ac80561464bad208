"""`benchmark_province` at a small size: every step runs, the annual roll-up counts the
generated year, the month totals agree with pandas, and nothing timed is kept."""

import re
from io import StringIO

from django.core.management import call_command

from evaluation.annual.models import AnnualResult
from evaluation.models import Period, PeriodState
from hrsystem.models import Organisation


def test_the_benchmark_times_the_month_and_the_year_and_rolls_them_back(db):
    out = StringIO()
    call_command("benchmark_province", people=60, units=6, months=2, seed=3, stdout=out)
    text = out.getvalue()
    last = text.rstrip().splitlines()[-1]
    assert re.fullmatch(
        r"people=60 rollup_s=\d+\.\d{3} pandas_s=\d+\.\d{3} ratio=\d+\.\d agree=yes", last
    ), last
    rows = {line.split("  ")[0]: line.split() for line in text.splitlines()}
    year = rows["annual roll-up (2 months)"]
    assert float(year[-4]) >= float(year[-3]) > 0 and int(year[-2]) > 0 and int(year[-1]) > 0
    assert "annual roll-up: 59 people" in text  # everyone but the agency leader
    organisation = Organisation.objects.get(code="PROV-60-3")
    assert list(
        Period.objects.filter(organisation=organisation).values_list("year", "number", "state")
    ) == [(2026, 2, PeriodState.SCORING), (2026, 1, PeriodState.LOCKED)]
    assert not AnnualResult.objects.exists()

    again = StringIO()
    call_command("benchmark_province", people=60, units=6, months=2, seed=3, stdout=again)
    assert "reusing it" in again.getvalue()
    assert again.getvalue().rstrip().splitlines()[-1].endswith("agree=yes")
