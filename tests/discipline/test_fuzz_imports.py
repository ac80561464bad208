"""Fuzzing the one-stop desk's import of monthly dossier counts (`count_import`, through
`discipline.resources.DossierMonthlyCountResource`): hypothesis writes .xlsx and .csv
files from real rows with hostile cells, wrong headers and files that are neither. The
page never fails, and a refused file writes nothing (no count, no history row)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import given

from discipline.models import DossierMonthlyCount
from discipline.resources import COLUMNS
from tests.fuzzing import FUZZ, fuzz_cases_fixture, spreadsheets  # noqa: F401 — the fixture

HEADERS = list(COLUMNS.values())
PLAUSIBLE = [
    ["BX", "MC", 2026, 2, 38, 2],
    ["BX", "MC", "2026", "3", "40", "0", "100"],
    ["BX", "TN", 2026, 1, "12", "1", "92,3"],
    ["TD", "TD", 2026, 2, 5, 0],
    ["BX", "MC", 2026, 2, 10.0, 1],
]
"""Rows a desk officer would send (another agency's among them: refused by rights)."""


def _state() -> tuple:
    return (
        sorted(
            DossierMonthlyCount.objects.values_list("unit_id", "year", "month", "on_time", "late")
        ),
        DossierMonthlyCount.history.count(),
    )


@FUZZ
@given(upload=spreadsheets(HEADERS, PLAUSIBLE))
def test_the_count_import_never_fails_and_a_refused_file_writes_nothing(d, fuzz_cases, upload):
    fuzz_cases()
    name, content = upload
    client = Client()
    client.force_login(d.mot_cua.user)
    before = _state()
    response = client.post(
        reverse("discipline:count_import"), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code in (200, 302, 400), response.status_code
    fuzz_cases.must_see = {"302", "400"}  # files accepted and files refused
    fuzz_cases.saw(str(response.status_code))
    if response.status_code != 302:
        assert _state() == before
    else:
        for _unit, year, month, on_time, late in _state()[0]:
            assert 2000 <= year <= 2100 and 1 <= month <= 12 and on_time >= 0 and late >= 0
