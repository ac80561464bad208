"""The product's clock: what "now" and "today" are for every business rule.

App code asks `clock.now()` (timezone-aware) and `clock.today()` (the local date, in
TIME_ZONE), never `timezone.now()` or `timezone.localdate()` directly, so that one
switch moves the whole product in time: tests with `travel_to` (the clock keeps
running, on another day), the demo story with `fixed_at` (the clock stands still at a
moment of the story). Timestamps Django writes by itself (`auto_now`, audit history)
follow the real clock unless the caller also patches `django.utils.timezone.now`.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from django.utils import timezone

_fixed: datetime | None = None
_shift = timedelta(0)


def now() -> datetime:
    """The current moment, timezone-aware."""
    return _fixed if _fixed is not None else timezone.now() + _shift


def today() -> date:
    """The current local date."""
    return timezone.localdate(now())


def travel_to(day: date) -> None:
    """From now on `today()` is `day`, the time of day still running; `reset()` undoes it."""
    global _fixed, _shift
    _fixed = None
    _shift = timedelta(days=(day - timezone.localdate()).days)


def reset() -> None:
    """Back to the real time."""
    global _fixed, _shift
    _fixed, _shift = None, timedelta(0)


@contextmanager
def fixed_at(moment: datetime) -> Iterator[datetime]:
    """Inside the block `now()` is `moment` (aware) and stands still; then as before."""
    global _fixed
    before = _fixed
    _fixed = moment
    try:
        yield moment
    finally:
        _fixed = before
