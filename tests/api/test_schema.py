"""The OpenAPI document validates, names every endpoint, and its page needs no CDN."""

import json

import pytest
from django.urls import get_resolver
from openapi_spec_validator import validate

from tests.api.conftest import call

pytestmark = pytest.mark.django_db


def api_paths() -> set[str]:
    """Every /api/v1/ route, written the way the schema writes paths."""
    api = next(p for p in get_resolver().url_patterns if str(p.pattern) == "api/")
    return {
        "/api/" + str(p.pattern).replace("<int:pk>", "{id}")
        for p in api.url_patterns
        if str(p.pattern).startswith("v1/")
    }


@pytest.mark.parametrize(("language", "text"), [("vi", "Mã cán bộ."), ("en", "Staff code.")])
def test_the_schema_validates_and_names_every_endpoint(api, language, text):
    response = call(api.qlvb_token).get(f"/api/schema/?format=json&lang={language}")
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert set(schema["paths"]) == api_paths()
    assert schema["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    assert text in response.content.decode()


def test_the_docs_page_serves_its_assets_locally(api):
    client = call()
    client.force_login(api.binh.user)
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "drf_spectacular_sidecar" in html
    assert "cdn." not in html and "unpkg" not in html


def test_the_hr_counts_and_webhook_endpoints_are_documented_in_english(api):
    schema = call(api.qlvb_token).get("/api/schema/?format=json&lang=en").json()
    for path in ("hr/units", "hr/people", "hr/posts", "dossier-counts", "webhooks"):
        assert f"/api/v1/{path}/" in schema["paths"]
    text = json.dumps(schema, ensure_ascii=False)
    assert "Parent unit's code" in text and "HMAC signing secret" in text
    assert "Code of the unit's one-stop officer reporting the counts." in text
