"""The demo agency's periods: six past months published with results, this month open.
The demo is built once for the module and rolled back at its end."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from evaluation.models import Evaluation, Notification, Period, PeriodState
from hrsystem.demo import MONTHS_SHOWN, past_months
from hrsystem.models import Employee

pytestmark = pytest.mark.django_db
FAST_HASHING = {"PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"]}
"""As every test hashes (tests/conftest.py); the module's demo is built before them."""


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(**FAST_HASHING):
        call_command("setup_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def rated(**filters):
    return Evaluation.objects.filter(is_current=True, not_rated=False, **filters)


def test_it_publishes_the_past_months_and_opens_this_month_once(built):
    today = timezone.localdate()
    months = past_months(today)
    assert len(months) == MONTHS_SHOWN == 6
    periods = {(p.year, p.number): p for p in Period.objects.all()}
    assert set(periods) == {*months, (today.year, today.month)}
    for month in months:
        period = periods[month]
        assert period.state == PeriodState.PUBLISHED
        assert period.published_at.date() < today
        levels = Counter(rated(period=period).values_list("level", flat=True))
        assert set(levels) == {"top", "good", "complete", "fail"}, (month, levels)
        assert levels["good"] > levels["top"] > levels["fail"], (month, levels)
    assert periods[(today.year, today.month)].state == PeriodState.SELF_ASSESSMENT
    out = StringIO()
    call_command("setup_demo_periods", stdout=out)
    assert "đã có sẵn" in out.getvalue()
    assert "Xong sau" not in out.getvalue()
    assert Period.objects.count() == MONTHS_SHOWN + 1


def test_it_varies_people_across_months(built):
    levels: dict[int, set[str]] = {}
    for employee_id, level in rated(period__state=PeriodState.PUBLISHED).values_list(
        "employee_id", "level"
    ):
        levels.setdefault(employee_id, set()).add(level)
    changing = sum(1 for seen in levels.values() if len(seen) > 1)
    assert changing > len(levels) / 3
    assert sum(1 for seen in levels.values() if len(seen) == 1) > 10


def test_it_gives_nhanvien_a_trend_and_a_month_with_deductions_to_explain(built):
    employee = Employee.objects.get(user__username="nhanvien")
    months = list(
        rated(employee=employee, period__state=PeriodState.PUBLISHED).order_by("period__start")
    )
    assert len(months) == MONTHS_SHOWN
    latest = months[-1]
    general_max = latest.rule_set_snapshot["general_max"]
    assert latest.total < 100 and latest.task_pct < 100
    assert latest.general < type(latest.general)(general_max)
    start, end = latest.period.start, latest.period.end
    assert employee.violations.filter(occurred_on__range=(start, end)).exists()
    assert len({month.total for month in months}) > 1


def test_it_leaves_only_current_messages_unread_and_dates_them_in_the_story(built):
    today = timezone.localdate()
    latest = Period.objects.filter(state=PeriodState.PUBLISHED).order_by("-start").first()
    unread = Notification.objects.filter(user__username="nhanvien", read_at__isnull=True)
    assert sorted(unread.values_list("kind", flat=True)) == [
        "results_published",
        "self_assessment_open",
    ]
    assert str(latest) in unread.get(kind="results_published").title
    assert str(today.month) in unread.get(kind="self_assessment_open").title
    stamps = Notification.objects.values_list("created_at", flat=True)
    assert len({stamp.date() for stamp in stamps}) > MONTHS_SHOWN
    read = Notification.objects.filter(read_at__isnull=False)
    assert read.count() > unread.count()
    assert all(n.read_at > n.created_at for n in read)
