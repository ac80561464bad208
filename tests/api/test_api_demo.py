"""`manage.py api_demo` issues a working token and prints calls that work as printed."""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command

from discipline import services as discipline_services
from discipline.models import DossierMonthlyCount
from tests.api.conftest import call

pytestmark = pytest.mark.django_db


def test_it_prints_a_token_and_calls_that_work(api, monkeypatch):
    monkeypatch.setattr("hrsystem.api.management.commands.api_demo.CODE", api.org.code)
    out = StringIO()
    call_command("api_demo", stdout=out)
    text = out.getvalue()
    token = re.search(r"(hrs_\S+)", text).group(1)
    body = json.loads(re.search(r"-d '(.+?)' ", text).group(1))
    assert body["month"] == 10 and body["items"]
    sent = call(token).post("/api/v1/work-items/", body, format="json", HTTP_IDEMPOTENCY_KEY="1")
    assert sent.status_code == 200, sent.content
    assert sent.json()["received"] == len(body["items"])
    call_command("api_demo", stdout=StringIO())
    assert call(token).get("/api/v1/periods/").status_code == 200


def test_it_sends_the_counts_of_the_units_that_report_counts(api, monkeypatch):
    monkeypatch.setattr("hrsystem.api.management.commands.api_demo.CODE", api.org.code)
    discipline_services.dossier_count_record(unit=api.mc, year=2026, month=9, on_time=30, late=1)
    out = StringIO()
    call_command("api_demo", stdout=out)
    text = out.getvalue()
    token = re.search(r"(hrs_\S+)", text).group(1)
    body = json.loads(re.search(r"-d '(.+?)' \S+/api/v1/dossier-counts/", text).group(1))
    assert (body["month"], [row["unit"] for row in body["items"]]) == (10, ["MC"])
    sent = call(token).post(
        "/api/v1/dossier-counts/", body, format="json", HTTP_IDEMPOTENCY_KEY="2"
    )
    assert sent.status_code == 200, sent.content
    october = DossierMonthlyCount.objects.get(unit=api.mc, month=10)
    assert (october.on_time, october.late, october.officer) == (30, 1, api.mot_cua)
