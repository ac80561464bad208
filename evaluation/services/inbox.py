"""The user's notifications."""

from __future__ import annotations

from collections.abc import Iterable

from evaluation import models
from hrsystem import clock


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications read (only those in `ids` when given); 1 query.

    Another user's ids are ignored. Returns how many were marked.
    """
    unread = models.Notification.objects.filter(user=user.pk, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=clock.now())
