"""The demo agency's periods: last month published with results, this month open."""

from collections import Counter
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from evaluation.models import Evaluation, Period, PeriodState


def test_it_publishes_last_month_and_opens_this_month_once(db):
    call_command("setup_demo", stdout=StringIO())
    periods = dict(Period.objects.values_list("number", "state"))
    today = timezone.localdate()
    last = 12 if today.month == 1 else today.month - 1
    assert periods[last] == PeriodState.PUBLISHED
    assert periods[today.month] == PeriodState.SELF_ASSESSMENT
    published = Evaluation.objects.filter(period__number=last, is_current=True, not_rated=False)
    levels = Counter(published.values_list("level", flat=True))
    assert set(levels) == {"top", "good", "complete", "fail"}
    assert levels["good"] > levels["top"] > levels["fail"]
    out = StringIO()
    call_command("setup_demo_periods", stdout=out)
    assert "đã có sẵn" in out.getvalue()
    assert Period.objects.count() == 2
