"""The product's clock: one switch moves every business date."""

from datetime import date, datetime, timedelta

from django.utils import timezone

from hrsystem import clock as product_clock


def test_it_reads_the_real_time_by_default(clock):
    assert product_clock.today() == timezone.localdate()
    assert abs(product_clock.now() - timezone.now()) < timedelta(seconds=5)


def test_it_travels_to_a_day_with_the_time_still_running(clock):
    clock.travel_to(date(2026, 3, 16))
    first = product_clock.now()
    assert product_clock.today() == date(2026, 3, 16)
    assert timezone.is_aware(first)
    assert product_clock.now() >= first
    clock.reset()
    assert product_clock.today() == timezone.localdate()


def test_it_stands_still_at_a_fixed_moment_then_returns(clock):
    moment = timezone.make_aware(datetime(2026, 1, 31, 23, 30))
    with product_clock.fixed_at(moment):
        assert product_clock.now() == moment
        assert product_clock.today() == date(2026, 1, 31)
    assert product_clock.today() == timezone.localdate()
