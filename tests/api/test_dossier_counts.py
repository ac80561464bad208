"""A month's dossier counts per unit with their officer, from the one-stop portal: the
desk's own checks (a locked or future month refused), all rows or none, idempotent."""

import pytest

from discipline.models import DossierMonthlyCount
from evaluation.models import Period, PeriodState
from hrsystem.api import services
from hrsystem.api.models import Scope
from tests.api.conftest import call

pytestmark = pytest.mark.django_db

URL = "/api/v1/dossier-counts/"


def count(unit="MC", officer="MOT_CUA", on_time=40, late=2):
    return {"unit": unit, "officer": officer, "on_time": on_time, "late": late}


def send(token, *rows, month=10, organisation="UBND-TN", key="c-1"):
    body = {"organisation": organisation, "year": 2026, "month": month, "items": list(rows)}
    return call(token).post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_the_portal_records_a_units_month_with_its_officer(api):
    response = send(api.qlvb_token, count(), count("TC", "BINH", 3, 0))
    assert response.status_code == 200, response.content
    row = DossierMonthlyCount.objects.get(unit=api.mc, year=2026, month=10)
    assert (row.on_time, row.late, row.officer) == (40, 2, api.mot_cua)
    assert row.recorded_by == api.qlvb.account
    assert response.json()["items"] == [
        row.pk,
        DossierMonthlyCount.objects.get(unit=api.tc).pk,
    ]


def test_a_correction_replaces_the_month_and_a_repeat_writes_nothing(api):
    send(api.qlvb_token, count())
    again = send(api.qlvb_token, count())
    assert again["Idempotent-Replayed"] == "true"
    assert send(api.qlvb_token, count(on_time=41), key="c-2").status_code == 200
    row = DossierMonthlyCount.objects.get(unit=api.mc)
    assert row.on_time == 41 and row.history.count() == 2


def test_every_bad_row_is_named_and_nothing_is_written(api):
    response = send(
        api.qlvb_token,
        count(),
        count("KVP"),
        count("VP", officer="KHAC01"),
        count("TC", officer="MOT_CUA"),
        count("MC"),
        count("NV", officer="NOBODY"),
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {
        "items[1].unit",
        "items[2].officer",
        "items[3].officer",
        "items[4].unit",
        "items[5].officer",
    }
    assert not DossierMonthlyCount.objects.exists()


def test_a_locked_month_is_refused(api):
    Period.objects.filter(pk=api.september.pk).update(state=PeriodState.LOCKED)
    response = send(api.qlvb_token, count(), month=9)
    assert response.status_code == 400
    assert "items[0].month" in response.json()["errors"]
    assert not DossierMonthlyCount.objects.exists()


def test_another_agency_and_a_client_without_the_scope_write_nothing(api):
    assert send(api.khac_token, count()).status_code == 404
    _client, text = services.api_client_register(
        organisation=api.org, name="HR", scopes=[Scope.PEOPLE_WRITE], by=api.to_chuc.user
    )
    assert send(text, count()).status_code == 403
    assert not DossierMonthlyCount.objects.exists()


@pytest.mark.parametrize(("who", "allowed"), [("mot_cua", True), ("binh", False)])
def test_a_person_sends_counts_with_their_desk_rights(api, who, allowed):
    client = call()
    client.force_login(getattr(api, who).user)
    body = {"organisation": "UBND-TN", "year": 2026, "month": 10, "items": [count()]}
    response = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="p-1")
    assert response.status_code == (200 if allowed else 403)
    assert DossierMonthlyCount.objects.exists() == allowed
