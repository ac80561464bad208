"""Events to the client systems that subscribed: `emit` queues one delivery per matching
subscription of the agency and sends it after the commit; `deliver` signs and posts it.

The body is JSON `{"event", "id", "at", "data"}`; the headers carry `X-Hrs-Event`,
`X-Hrs-Delivery` and `X-Hrs-Signature: sha256=<HMAC-SHA256 of the body with the
subscription's secret>`. A failed attempt (no answer, or not 2xx) is retried by the
Celery task with back-off.
"""

import hashlib
import hmac
import json
from urllib import error as urlerror
from urllib import request as urlrequest

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from hrsystem import clock

from .models import DeliveryState, WebhookDelivery, WebhookSubscription

TIMEOUT_SECONDS = 10


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def emit(*, organisation_id: int, events: dict[str, dict]) -> list[WebhookDelivery]:
    """Queue each event of `events` (event → data) for every active subscription to it of
    the agency's client systems; 1 query when nobody subscribed."""
    subscriptions = list(
        WebhookSubscription.objects.filter(client__organisation=organisation_id, active=True)
    )
    at = clock.now()
    deliveries = []
    for event, data in events.items():
        for subscription in subscriptions:
            if event not in subscription.events:
                continue
            delivery = WebhookDelivery.objects.create(
                subscription=subscription, event=event, body="", created_at=at
            )
            delivery.body = json.dumps(
                {"event": event, "id": delivery.pk, "at": at, "data": data},
                cls=DjangoJSONEncoder,
                ensure_ascii=False,
            )
            delivery.save(update_fields=["body"])
            deliveries.append(delivery)
    if deliveries:
        from .tasks import deliver_webhook

        for delivery in deliveries:
            transaction.on_commit(lambda pk=delivery.pk: deliver_webhook.delay(pk))
    return deliveries


def post(url: str, body: bytes, headers: dict) -> int:
    """POST `body` to `url`; the answer's status (an HTTP error's too), URLError otherwise."""
    call = urlrequest.Request(url, data=body, headers=headers, method="POST")
    try:
        with urlrequest.urlopen(call, timeout=TIMEOUT_SECONDS) as answer:
            return answer.status
    except urlerror.HTTPError as refused:
        return refused.code


def attempt(delivery_id: int) -> bool:
    """One attempt at a pending delivery, recorded in the log; True when it is done
    (delivered, or nothing left to send)."""
    delivery = WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)
    if delivery.state != DeliveryState.PENDING:
        return True
    body = delivery.body.encode()
    headers = {
        "Content-Type": "application/json",
        "X-Hrs-Event": delivery.event,
        "X-Hrs-Delivery": str(delivery.pk),
        "X-Hrs-Signature": signature(delivery.subscription.secret, body),
    }
    delivery.attempts += 1
    try:
        delivery.last_status, delivery.last_error = (
            post(delivery.subscription.url, body, headers),
            "",
        )
    except (urlerror.URLError, OSError) as failure:
        delivery.last_status, delivery.last_error = None, str(failure)[:300]
    if delivery.last_status is not None and 200 <= delivery.last_status < 300:
        delivery.state, delivery.delivered_at = DeliveryState.DELIVERED, clock.now()
    delivery.save()
    return delivery.state == DeliveryState.DELIVERED


def give_up(delivery_id: int) -> None:
    WebhookDelivery.objects.filter(pk=delivery_id, state=DeliveryState.PENDING).update(
        state=DeliveryState.FAILED
    )
