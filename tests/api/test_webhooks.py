"""Webhooks: the events a client subscribed to, signed, retried with back-off, logged."""

import hashlib
import hmac
import json
from datetime import date
from decimal import Decimal
from urllib.error import URLError

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from discipline import services as discipline_services
from discipline.models import ViolationCatalogueItem
from hrsystem.api import events, services, tasks
from hrsystem.api.models import DeliveryState, Event, WebhookDelivery

pytestmark = pytest.mark.django_db

HOOK = "https://qlvb.example.gov.vn/hooks/danhgia"


class Receiver:
    """Stands in for the subscriber's server: answers each POST from `answers` in turn."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = []

    def __call__(self, url, body, headers):
        self.calls.append((url, body, headers))
        answer = self.answers.pop(0) if self.answers else 200
        if isinstance(answer, Exception):
            raise answer
        return answer


@pytest.fixture
def receiver(monkeypatch):
    fake = Receiver()
    monkeypatch.setattr("hrsystem.api.webhooks.post", fake)
    return fake


@pytest.fixture
def hooks(api, django_capture_on_commit_callbacks):
    api.subscription, api.secret = services.webhook_subscribe(
        client=api.qlvb, url=HOOK, events=list(Event.values), by=api.to_chuc.user
    )
    api.khac_subscription, _secret = services.webhook_subscribe(
        client=api.khac, url="https://khac.example/hook", events=list(Event.values), by=api.admin
    )
    api.on_commit = django_capture_on_commit_callbacks
    return api


def record_violation(api):
    item = ViolationCatalogueItem.objects.create(
        code="test_late",
        description="Đi muộn",
        legal_basis="Quy chế làm việc",
        default_points=Decimal(2),
        effective_from=date(2026, 1, 1),
    )
    return discipline_services.violation_record(
        item=item, occurred_on=date(2026, 10, 8), employee=api.binh, by=api.truong_tc.user
    )


def test_a_recorded_violation_is_posted_signed(hooks, receiver):
    with hooks.on_commit(execute=True):
        violation = record_violation(hooks)
    assert len(receiver.calls) == 1
    url, body, headers = receiver.calls[0]
    assert url == HOOK
    expected = hmac.new(hooks.secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Hrs-Signature"] == f"sha256={expected}"
    assert headers["X-Hrs-Event"] == "violation.recorded"
    payload = json.loads(body)
    assert payload["data"]["violation"] == violation.pk
    assert payload["data"]["employee"] == "BINH"
    delivery = WebhookDelivery.objects.get(subscription=hooks.subscription)
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("delivered", 1, 200)
    assert str(delivery.pk) == headers["X-Hrs-Delivery"]


def test_another_agencys_subscriber_hears_nothing(hooks, receiver):
    with hooks.on_commit(execute=True):
        record_violation(hooks)
    assert not WebhookDelivery.objects.filter(subscription=hooks.khac_subscription).exists()
    assert {url for url, _b, _h in receiver.calls} == {HOOK}


def test_only_subscribed_events_of_active_subscriptions_are_sent(hooks, receiver):
    services.webhook_deactivate(subscription=hooks.subscription, by=hooks.to_chuc.user)
    services.webhook_subscribe(
        client=hooks.qlvb,
        url="https://qlvb.example.gov.vn/periods",
        events=[Event.PERIOD_PUBLISHED],
        by=hooks.to_chuc.user,
    )
    with hooks.on_commit(execute=True):
        record_violation(hooks)
        events.period_published(hooks.september)
    assert [h["X-Hrs-Event"] for _u, _b, h in receiver.calls] == ["period.published"]


def test_publishing_a_period_announces_the_period_and_its_results(hooks, receiver):
    with hooks.on_commit(execute=True):
        events.period_published(hooks.september)
    sent = [json.loads(body) for _u, body, _h in receiver.calls]
    assert [p["event"] for p in sent] == ["period.published", "result.published"]
    assert sent[1]["data"]["results"] == f"/api/v1/results/?period={hooks.september.pk}"


def test_a_failed_delivery_is_retried_until_it_goes_through(hooks, receiver):
    receiver.answers = [500, URLError("connection refused"), 200]
    with hooks.on_commit(execute=True):
        record_violation(hooks)
    delivery = WebhookDelivery.objects.get(subscription=hooks.subscription)
    assert (delivery.state, delivery.attempts) == (DeliveryState.DELIVERED, 3)
    assert len({body for _u, body, _h in receiver.calls}) == 1


def test_a_delivery_that_never_goes_through_fails_after_the_last_retry(hooks, receiver):
    receiver.answers = [503] * (tasks.MAX_RETRIES + 1)
    with hooks.on_commit(execute=True):
        record_violation(hooks)
    delivery = WebhookDelivery.objects.get(subscription=hooks.subscription)
    assert (delivery.state, delivery.attempts) == (DeliveryState.FAILED, tasks.MAX_RETRIES + 1)
    assert delivery.last_status == 503


def test_a_delivered_event_is_not_sent_twice(hooks, receiver):
    with hooks.on_commit(execute=True):
        record_violation(hooks)
    delivery = WebhookDelivery.objects.get(subscription=hooks.subscription)
    assert tasks.deliver_webhook.delay(delivery.pk).get() is True
    assert len(receiver.calls) == 1


def test_subscribing_is_for_hr_of_the_agency_with_known_events(api):
    with pytest.raises(PermissionDenied):
        services.webhook_subscribe(
            client=api.qlvb, url=HOOK, events=[Event.PERIOD_PUBLISHED], by=api.truong_tc.user
        )
    with pytest.raises(ValidationError) as error:
        services.webhook_subscribe(
            client=api.qlvb, url="not a url", events=["everything"], by=api.to_chuc.user
        )
    assert set(error.value.message_dict) == {"url", "events"}
