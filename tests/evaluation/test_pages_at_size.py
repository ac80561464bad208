"""Pages of a generated province cost the same queries whatever its size.

The agency leader's rights cover every unit below: their inbox says how many units
wait for submission in one line instead of a line (and a query) per unit.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluation import presenters, province

pytestmark = pytest.mark.django_db


def _queries(client, url) -> tuple[int, str]:
    client.get(url)  # warm per-process caches (content types, translations)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_the_leaders_inbox_counts_the_units_to_submit_at_constant_queries(client):
    counts = []
    for people, units, seed in ((40, 8, 11), (160, 40, 12)):
        built = province.generate(people=people, units=units, months=1, seed=seed)
        period = built.periods[-1]
        client.force_login(built.leader_user)
        n, page = _queries(client, reverse("home"))
        counts.append(n)
        waiting = period.unit_periods.count()
        assert waiting > presenters.INBOX_UNITS
        assert f"Gửi kết quả {period} của {waiting} đơn vị" in page
        assert page.count("Gửi kết quả ") == 1
    assert counts[0] == counts[1]
