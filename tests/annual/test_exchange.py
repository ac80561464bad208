"""The database path and the engine agree: `score_scenario` on `export_scenario`'s file
prints exactly what `show_results` prints, for a month and for the year."""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command

from evaluation.annual import services
from tests.annual.builders import build_year
from tests.shared import shared_cast

pytestmark = pytest.mark.django_db
DOC = {"document_number": "7/QĐ", "document_date": date(2026, 12, 1), "issuer": "UBND xã"}


@shared_cast("exchange_year")
def exchange_year():
    c = build_year(months=9, seed=3)
    services.initiative_record(
        organisation=c.org, employee=c.a1, year=2026, title="Sáng kiến", by=c.hr, reason="r", **DOC
    )
    services.maternity_record(
        organisation=c.org, employee=c.b4, year=2026, months=[1, 2], by=c.hr, reason="r", **DOC
    )
    services.rollup_year(c.org, c.year, c.hr)
    return c


def _run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("month", [None, 3])
def test_score_scenario_on_the_export_prints_what_show_results_prints(
    exchange_year, tmp_path, month
):
    c = exchange_year
    extra = [] if month is None else ["--month", str(month)]
    path = tmp_path / "agency.json"
    _out, warnings = _run(
        "export_scenario",
        "--organisation",
        c.org.code,
        "--year",
        "2026",
        "--output",
        str(path),
        *extra,
    )
    assert warnings == ""
    scored, _err = _run("score_scenario", str(path))
    shown, _err = _run("show_results", "--organisation", c.org.code, "--year", "2026", *extra)
    assert shown == scored
    document = json.loads(shown)
    assert len(document["months"]) == 13 * (9 if month is None else 1)
    if month is None:
        assert any(row["rated"] for row in document["annual"])
        assert {row["rank"] for row in document["annual_units"]} == {None, 1, 2}


def test_rollup_command_prints_progress_and_refuses_open_months(exchange_year):
    c = exchange_year
    out, _err = _run("rollup_year", "--organisation", c.org.code, "--year", "2026")
    assert "100%" in out and "13/13" in out
    with pytest.raises(SystemExit) as exit_code:
        _run("rollup_year", "--organisation", c.org.code, "--year", "2026", "--months", "10")
    assert exit_code.value.code == 2


def test_show_results_of_a_year_not_rolled_up_says_so(exchange_year):
    from django.core.management.base import CommandError

    from evaluation.annual.models import AnnualRecomputation, AnnualRun

    AnnualRecomputation.objects.all().delete()
    AnnualRun.objects.all().delete()
    with pytest.raises(CommandError, match="not rolled up"):
        _run("show_results", "--organisation", exchange_year.org.code, "--year", "2026")
