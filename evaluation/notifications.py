"""Notifications: one in-app inbox row per message, delivered through pluggable channels.

`notify` / `notify_many` write `Notification` rows (the inbox, and the record that a
message went out: a `dedupe_key` already used for that user is skipped) and, once the
transaction commits, hand each new row to every channel named in
`settings.NOTIFICATION_CHANNELS` (dotted paths of `Channel` subclasses). A messaging
channel (Zalo OA, SMS) is one more class and one more line in the setting; the
workflow does not change.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils.module_loading import import_string

from evaluation.models import Notification

logger = logging.getLogger(__name__)

DEFAULT_CHANNELS = [
    "evaluation.notifications.InAppChannel",
    "evaluation.notifications.EmailChannel",
]


class Channel:
    """A way to reach a person. `deliver` gets saved rows; failures are logged, not raised."""

    def deliver(self, notifications: list[Notification]) -> None:
        raise NotImplementedError


class InAppChannel(Channel):
    """The in-app inbox: the Notification row is the message, nothing more to do."""

    def deliver(self, notifications: list[Notification]) -> None:
        return None


class EmailChannel(Channel):
    """An e-mail per message to the user's address, else their employee record's."""

    def deliver(self, notifications: list[Notification]) -> None:
        users = (
            get_user_model()
            .objects.filter(pk__in={n.user_id for n in notifications})
            .select_related("employee")
        )
        addresses = {}
        for user in users:
            employee = getattr(user, "employee", None)
            addresses[user.pk] = user.email or (employee.email if employee else "")
        for notification in notifications:
            address = addresses.get(notification.user_id)
            if not address:
                continue
            body = notification.body
            if notification.url:
                body = f"{body}\n\n{notification.url}"
            try:
                send_mail(notification.title, body, None, [address])
            except OSError:
                logger.exception("e-mail to %s failed: %s", address, notification.title)


def channels() -> list[Channel]:
    """The configured channels, instantiated (read on each call, so tests can override)."""
    paths = getattr(settings, "NOTIFICATION_CHANNELS", DEFAULT_CHANNELS)
    return [import_string(path)() for path in paths]


@dataclass(frozen=True)
class Message:
    """What to tell whom; `dedupe_key` makes a second send of the same message a no-op."""

    user_id: int
    kind: str
    title: str
    body: str = ""
    url: str = ""
    dedupe_key: str = ""


def _deliver(rows: list[Notification]) -> None:
    for channel in channels():
        try:
            channel.deliver(rows)
        except Exception:
            logger.exception("channel %s failed", type(channel).__name__)


def notify_many(messages: list[Message]) -> list[Notification]:
    """Store the messages not sent before and deliver them after commit; 2 queries + insert."""
    keyed = [m for m in messages if m.dedupe_key]
    sent = set()
    if keyed:
        sent = set(
            Notification.objects.filter(
                user_id__in={m.user_id for m in keyed},
                dedupe_key__in={m.dedupe_key for m in keyed},
            ).values_list("user_id", "dedupe_key")
        )
    rows, seen = [], set()
    for message in messages:
        key = (message.user_id, message.dedupe_key)
        if message.dedupe_key and (key in sent or key in seen):
            continue
        seen.add(key)
        rows.append(
            Notification(
                user_id=message.user_id,
                kind=message.kind,
                title=str(message.title)[:255],
                body=str(message.body),
                url=message.url,
                dedupe_key=message.dedupe_key,
            )
        )
    if rows:
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        transaction.on_commit(lambda: _deliver(rows))
    return rows


def notify(**fields) -> Notification | None:
    """Send one message (the fields of `Message`); None when its dedupe key was used."""
    rows = notify_many([Message(**fields)])
    return rows[0] if rows else None
