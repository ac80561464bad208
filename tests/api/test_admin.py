"""The admin: HR registers a client of its agency (token shown once), issues and revokes
tokens, reads the call log; nobody else gets in, and another agency's rows stay hidden."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from hrsystem.api.models import (
    ApiCall,
    ApiClient,
    ApiToken,
    WebhookDelivery,
    WebhookSubscription,
)
from tests.api.conftest import call

pytestmark = pytest.mark.django_db


def url(model, view="changelist", *args):
    return reverse(f"admin:api_{model._meta.model_name}_{view}", args=args)


def shown_token(response) -> str:
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    return next(t for t in texts if "hrs_" in t).rsplit(" ", 1)[1]


@pytest.fixture
def hr(client, api):
    client.force_login(api.to_chuc.user)
    return client


def test_hr_registers_a_client_and_sees_its_token_once(hr, api):
    response = hr.post(
        url(ApiClient, "add"),
        {"name": "Cổng một cửa", "organisation": api.org.pk, "scopes": ["units:read"]},
        follow=True,
    )
    assert response.status_code == 200
    text = shown_token(response)
    client = ApiClient.objects.get(name="Cổng một cửa")
    assert client.scopes == ["units:read"] and client.created_by == api.to_chuc.user
    assert call(text).get("/api/v1/units/").status_code == 200
    assert text not in hr.get(url(ApiClient, "change", client.pk)).content.decode()


def test_hr_issues_and_revokes_tokens(hr, api):
    response = hr.post(
        url(ApiClient),
        {"action": "issue_token", "_selected_action": [api.qlvb.pk]},
        follow=True,
    )
    text = shown_token(response)
    assert call(text).get("/api/v1/units/").status_code == 200
    tokens = ApiToken.objects.filter(client=api.qlvb)
    hr.post(url(ApiToken), {"action": "revoke", "_selected_action": [t.pk for t in tokens]})
    assert call(text).get("/api/v1/units/").status_code == 401
    assert call(api.qlvb_token).get("/api/v1/units/").status_code == 401


def test_hr_sees_only_their_agencys_clients_and_calls(hr, api):
    call(api.khac_token).get("/api/v1/units/")
    call(api.qlvb_token).get("/api/v1/units/")
    for model in (ApiClient, ApiToken, ApiCall):
        assert hr.get(url(model)).status_code == 200
    page = hr.get(url(ApiCall)).content.decode()
    assert page.count("/api/v1/units/") == 1
    khac = ApiClient.objects.get(organisation=api.other_org)
    assert hr.get(url(ApiClient, "change", khac.pk)).status_code in (302, 403, 404)


@pytest.mark.parametrize("who", ["truong_tc", "binh", "hoi_dong"])
def test_others_are_kept_out(client, api, who):
    client.force_login(getattr(api, who).user)
    assert client.get(url(ApiClient)).status_code in (302, 403)


def test_hr_subscribes_a_client_and_sees_the_signing_secret_once(hr, api):
    response = hr.post(
        url(WebhookSubscription, "add"),
        {"client": api.qlvb.pk, "url": "https://qlvb.example/hook", "events": ["period.published"]},
        follow=True,
    )
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    subscription = WebhookSubscription.objects.get(client=api.qlvb)
    assert any(subscription.secret in text for text in texts)
    assert subscription.events == ["period.published"]
    page = hr.get(url(WebhookSubscription, "change", subscription.pk)).content.decode()
    assert subscription.secret not in page
    hr.post(
        url(WebhookSubscription), {"action": "deactivate", "_selected_action": [subscription.pk]}
    )
    subscription.refresh_from_db()
    assert not subscription.active
    assert hr.get(url(WebhookDelivery)).status_code == 200


def test_hr_cannot_subscribe_another_agencys_client(hr, api):
    khac = ApiClient.objects.get(organisation=api.other_org)
    response = hr.post(
        url(WebhookSubscription, "add"),
        {"client": khac.pk, "url": "https://x.example/hook", "events": ["period.published"]},
    )
    assert response.status_code == 200
    assert "client" in response.context["adminform"].form.errors
    assert not WebhookSubscription.objects.exists()
