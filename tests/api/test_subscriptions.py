"""A client system keeps its own webhook subscriptions through the API (`webhooks:manage`):
lists them, subscribes (its secret shown once), stops one; never another client's."""

import hashlib
import hmac

import pytest
from django.core.exceptions import PermissionDenied

from hrsystem.api import services, webhooks
from hrsystem.api.models import Event, Scope, WebhookSubscription
from tests.api.conftest import call

pytestmark = pytest.mark.django_db

URL = "/api/v1/webhooks/"
HOOK = "https://motcua.example.gov.vn/hooks"


def subscribe(token, url=HOOK, events=(Event.PERIOD_PUBLISHED, Event.VIOLATION_RECORDED)):
    return call(token).post(URL, {"url": url, "events": list(events)}, format="json")


def test_a_client_subscribes_and_gets_its_secret_once(api):
    response = subscribe(api.qlvb_token)
    assert response.status_code == 201, response.content
    made = response.json()
    subscription = WebhookSubscription.objects.get(pk=made["id"])
    assert subscription.client == api.qlvb and made["secret"] == subscription.secret
    assert subscription.events == sorted([Event.PERIOD_PUBLISHED, Event.VIOLATION_RECORDED])
    assert subscription.history.latest().history_user == api.qlvb.account
    listed = call(api.qlvb_token).get(URL).json()["results"]
    assert [row["id"] for row in listed] == [made["id"]]
    assert "secret" not in listed[0]
    shown = call(api.qlvb_token).get(f"{URL}{made['id']}/").json()
    assert "secret" not in shown and shown["url"] == HOOK


def test_the_secret_signs_the_deliveries(api):
    secret = subscribe(api.qlvb_token).json()["secret"]
    body = b'{"event": "period.published"}'
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert webhooks.signature(secret, body) == f"sha256={expected}"


def test_bad_events_and_urls_are_named(api):
    response = subscribe(api.qlvb_token, url="ftp://x", events=["result.deleted"])
    assert response.status_code == 400
    assert {"url", "events[0]"} <= set(response.json()["errors"])
    assert not WebhookSubscription.objects.exists()


def test_deleting_stops_the_subscription_and_keeps_it_for_the_log(api):
    made = subscribe(api.qlvb_token).json()
    assert call(api.qlvb_token).delete(f"{URL}{made['id']}/").status_code == 204
    subscription = WebhookSubscription.objects.get(pk=made["id"])
    assert not subscription.active
    assert call(api.qlvb_token).get(URL).json()["results"] == []
    assert (
        webhooks.emit(organisation_id=api.org.pk, events={Event.PERIOD_PUBLISHED: {"period": 1}})
        == []
    )


def test_another_client_neither_sees_nor_stops_it(api):
    made = subscribe(api.qlvb_token).json()
    assert call(api.khac_token).get(URL).json()["results"] == []
    assert call(api.khac_token).get(f"{URL}{made['id']}/").status_code == 404
    assert call(api.khac_token).delete(f"{URL}{made['id']}/").status_code == 404
    assert WebhookSubscription.objects.get(pk=made["id"]).active


def test_a_client_without_the_scope_and_a_person_are_refused(api):
    client, token = services.api_client_register(
        organisation=api.org, name="Đọc", scopes=[Scope.RESULTS_READ], by=api.to_chuc.user
    )
    assert call(token).get(URL).status_code == 403
    assert subscribe(token).status_code == 403
    with pytest.raises(PermissionDenied):
        services.webhook_subscribe(
            client=client, url=HOOK, events=["period.published"], by=client.account
        )
    person = call()
    person.force_login(api.to_chuc.user)
    assert person.get(URL).status_code == 403
    assert not WebhookSubscription.objects.exists()


def test_a_client_holds_a_bounded_number_of_subscriptions(api):
    for n in range(services.MAX_SUBSCRIPTIONS):
        services.webhook_subscribe(
            client=api.qlvb, url=f"{HOOK}/{n}", events=["period.published"], by=api.to_chuc.user
        )
    response = subscribe(api.qlvb_token)
    assert response.status_code == 400 and "url" in response.json()["errors"]
