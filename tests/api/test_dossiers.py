"""One-stop dossiers from the portal: the desk's own checks, all rows or none, idempotent."""

import pytest

from discipline.models import DossierRecord, DossierStatus
from hrsystem.api import services
from hrsystem.api.models import Scope
from tests.api.conftest import call

pytestmark = pytest.mark.django_db

URL = "/api/v1/dossiers/"


def dossier(code="HS-001", unit="MC", officer="MOT_CUA", **changes):
    return {
        "unit": unit,
        "code": code,
        "procedure": "Chứng thực bản sao",
        "citizen_name": "Nguyễn Văn Dân",
        "officer": officer,
        "received_on": "2026-10-01",
        "due_on": "2026-10-03",
        "settled_on": "2026-10-05",
        **changes,
    }


def send(token, *rows, organisation="UBND-TN", key="d-1"):
    body = {"organisation": organisation, "items": list(rows)}
    return call(token).post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_the_portal_records_dossiers_with_their_status(api):
    response = send(api.qlvb_token, dossier(), dossier("HS-002", settled_on=None))
    assert response.status_code == 200, response.content
    assert response.json()["received"] == 2
    late = DossierRecord.objects.get(code="HS-001")
    assert (late.status, late.officer, late.unit) == (DossierStatus.LATE, api.mot_cua, api.mc)
    assert late.recorded_by == api.qlvb.account
    assert DossierRecord.objects.get(code="HS-002").status == DossierStatus.PENDING


def test_a_repeat_writes_nothing_more(api):
    first = send(api.qlvb_token, dossier())
    again = send(api.qlvb_token, dossier())
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert DossierRecord.objects.count() == 1


def test_every_bad_row_is_named_and_nothing_is_written(api):
    response = send(
        api.qlvb_token,
        dossier(),
        dossier("HS-002", unit="KVP"),
        dossier("HS-003", officer="KHAC01"),
        dossier("HS-004", due_on="2026-09-30"),
        dossier("HS-001"),
        dossier("HS-006", received_on="hôm qua"),
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"items[5].received_on"}
    response = send(
        api.qlvb_token,
        dossier(),
        dossier("HS-002", unit="KVP"),
        dossier("HS-003", officer="KHAC01"),
        dossier("HS-004", due_on="2026-09-30"),
        dossier("HS-001"),
        key="d-2",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {
        "items[1].unit",
        "items[2].officer",
        "items[3].due_on",
        "items[4].code",
    }
    assert not DossierRecord.objects.exists()


def test_the_same_code_may_come_from_another_unit(api):
    response = send(api.qlvb_token, dossier(), dossier(unit="VP"))
    assert response.status_code == 200, response.content


def test_another_agency_and_a_client_without_the_scope_write_nothing(api):
    assert send(api.khac_token, dossier()).status_code == 404
    assert send(api.khac_token, dossier(unit="KVP"), organisation="KHAC").status_code == 400
    _client, text = services.api_client_register(
        organisation=api.org, name="QLVB 2", scopes=[Scope.WORK_ITEMS_WRITE], by=api.to_chuc.user
    )
    assert send(text, dossier()).status_code == 403
    assert not DossierRecord.objects.filter(organisation=api.org).exists()


@pytest.mark.parametrize(
    ("who", "allowed"), [("mot_cua", True), ("binh", False), ("truong_tc", False)]
)
def test_a_person_sends_dossiers_with_their_desk_rights(api, who, allowed):
    client = call()
    client.force_login(getattr(api, who).user)
    body = {"organisation": "UBND-TN", "items": [dossier(officer="MOT_CUA")]}
    response = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="p-1")
    assert response.status_code == (200 if allowed else 403)
    assert DossierRecord.objects.exists() == allowed
