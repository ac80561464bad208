"""Reopening one unit's or one person's published month (issue 17, defect 5): a dry run
first, the rest of the agency untouched, the people concerned told, the published
figures shown until the corrected ones are published again; audited; a locked month
changes only through this reasoned reopening."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from evaluation import services
from evaluation.models import (
    EvaluationState,
    Notification,
    Period,
    PeriodReopening,
    PeriodState,
    UnitPeriod,
    UnitPeriodState,
)
from tests.evaluation.test_views_pages import FULL, evaluation_of, open_month
from tests.evaluation.test_views_workflow import published
from tests.shared import shared_cast

pytestmark = pytest.mark.django_db


@shared_cast("month")
def month(agency):
    return open_month(agency)


def unit_period(cast, code):
    return UnitPeriod.objects.get(period=cast.period, unit=cast.units[code])


def reopen_ns(cast, reason="Sai điểm Tổ ngân sách"):
    return services.reopening_open(
        period=cast.period, unit=cast.units["TCKH-NS"], reason=reason, by=cast.users["lan"]
    )


def rescore_mai(cast, criterion_1="3"):
    mai = evaluation_of(cast, "mai")
    services.evaluation_score(
        evaluation=mai,
        revision=mai.revision,
        by=cast.users["tu"],
        final={**FULL, 1: Decimal(criterion_1)},
    )


def test_the_dry_run_lists_who_goes_back_and_who_may_move_and_writes_nothing(client, month):
    published(month)
    client.force_login(month.users["lan"])
    url = reverse("evaluation:period_reopen", args=[month.period.pk])
    data = {"scope": "unit", "unit": unit_period(month, "TCKH-NS").pk, "reason": "Sai điểm"}
    response = client.post(url, data)
    assert response.status_code == 200
    preview = response.context["preview"]
    assert [row.employee_id for row in preview.editable] == [month.employees["mai"].pk]
    assert [row.employee_id for row in preview.may_change] == [month.employees["tu"].pk]
    page = response.content.decode()
    assert "Xác nhận mở lại" in page and month.employees["tu"].full_name in page
    assert not PeriodReopening.objects.exists()
    assert evaluation_of(month, "mai").state == EvaluationState.PUBLISHED


def test_confirming_reopens_the_unit_only_and_tells_those_concerned(client, month):
    published(month)
    thu_before = evaluation_of(month, "thu")
    client.force_login(month.users["lan"])
    url = reverse("evaluation:period_reopen", args=[month.period.pk])
    data = {"scope": "unit", "unit": unit_period(month, "TCKH-NS").pk, "reason": "Sai điểm"}
    response = client.post(url, {**data, "confirm": "1"})
    reopening = PeriodReopening.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("evaluation:reopening", args=[reopening.pk])
    month.period.refresh_from_db()
    assert month.period.state == PeriodState.PUBLISHED  # the agency keeps its month
    assert evaluation_of(month, "mai").state == EvaluationState.SCORED
    assert unit_period(month, "TCKH-NS").state == UnitPeriodState.RETURNED
    assert unit_period(month, "VP").state == UnitPeriodState.APPROVED
    thu = evaluation_of(month, "thu")
    assert (thu.state, thu.total, thu.revision) == (
        EvaluationState.PUBLISHED,
        thu_before.total,
        thu_before.revision,
    )
    assert reopening.by == month.users["lan"] and reopening.reason == "Sai điểm"
    told = dict(
        Notification.objects.filter(dedupe_key__startswith="reopening:").values_list(
            "user__username", "kind"
        )
    )
    assert told["mai"] == "result_reviewed"
    assert told["tu"] == "result_may_change"
    assert told["quang"] == "reopened"
    assert "thu" not in told


def test_the_published_figures_stay_visible_until_published_again(client, month):
    published(month)
    kept = evaluation_of(month, "mai").total
    reopen_ns(month)
    rescore_mai(month)
    corrected = evaluation_of(month, "mai")
    assert corrected.total < kept  # the re-score ran on the reopened unit
    client.force_login(month.users["mai"])
    detail = client.get(reverse("evaluation:result_detail", args=[corrected.pk]))
    assert detail.status_code == 200
    assert "Đang xem xét lại" in detail.content.decode()
    assert detail.context["kept"].total == kept
    assert not detail.context["may_appeal"]  # not against figures being corrected
    with pytest.raises(ValidationError, match="xem xét lại"):
        services.appeal_file(evaluation=corrected, reason="Sai", by=month.users["mai"])
    results = client.get(reverse("evaluation:my_results"))
    (row, _label) = results.context["rows"][0]
    assert row.total == kept


def test_publishing_again_needs_the_unit_resubmitted_then_closes_the_review(client, month):
    published(month)
    reopening = reopen_ns(month)
    rescore_mai(month)
    with pytest.raises(ValidationError, match="chưa gửi lại"):
        services.reopening_publish(reopening=reopening, by=month.users["quang"])
    Period.objects.filter(pk=month.period.pk).update(appeal_due=month.today - timedelta(days=1))
    with pytest.raises(ValidationError, match="xem xét lại"):  # not locked while reviewed
        services.period_lock(period=month.period, by=month.users["lan"])
    services.unit_submit(unit_period=unit_period(month, "TCKH-NS"), by=month.users["tu"])
    client.force_login(month.users["quang"])
    page = reverse("evaluation:reopening", args=[reopening.pk])
    assert "Công bố lại kết quả" in client.get(page).content.decode()
    assert client.post(page).status_code == 302
    reopening.refresh_from_db()
    assert reopening.closed_by == month.users["quang"]
    mai = evaluation_of(month, "mai")
    assert mai.state == EvaluationState.PUBLISHED
    assert unit_period(month, "TCKH-NS").state == UnitPeriodState.APPROVED
    assert Notification.objects.filter(user=month.users["mai"], kind="result_republished")
    client.force_login(month.users["mai"])
    detail = client.get(reverse("evaluation:result_detail", args=[mai.pk]))
    assert detail.context["kept"] is None


def test_one_persons_reopening_leaves_the_unit_and_colleagues(month):
    published(month)
    thu = evaluation_of(month, "thu")
    reopening = services.reopening_open(
        period=month.period, evaluation=thu, reason="Kiến nghị về khối lượng", by=month.users["lan"]
    )
    assert reopening.reopened_ids == [thu.pk]
    assert evaluation_of(month, "thu").state == EvaluationState.SCORED
    assert evaluation_of(month, "anh").state == EvaluationState.PUBLISHED
    assert set(reopening.published) >= {
        str(evaluation_of(month, name).pk) for name in ("anh", "hanh")
    }


def test_reopening_is_refused_without_reason_by_others_and_before_publication(month):
    with pytest.raises(ValidationError):  # the month is not published yet
        reopen_ns(month)
    published(month)
    with pytest.raises(ValidationError, match="lý do"):
        reopen_ns(month, reason="  ")
    with pytest.raises(PermissionDenied):
        services.reopening_open(
            period=month.period, unit=month.units["TCKH-NS"], reason="x", by=month.users["hanh"]
        )
    assert not PeriodReopening.objects.exists()
    assert evaluation_of(month, "mai").state == EvaluationState.PUBLISHED


def test_the_reopening_page_is_for_hr_and_publishing_again_for_the_leader_or_hr(client, month):
    published(month)
    reopening = reopen_ns(month)
    client.force_login(month.users["hanh"])
    assert (
        client.get(reverse("evaluation:period_reopen", args=[month.period.pk])).status_code == 403
    )
    assert client.get(reverse("evaluation:reopening", args=[reopening.pk])).status_code == 403
    client.force_login(month.users["lan"])
    assert client.get(reverse("evaluation:reopening", args=[reopening.pk])).status_code == 200


def test_a_locked_month_is_corrected_only_through_the_reopening(month):
    published(month)
    Period.objects.filter(pk=month.period.pk).update(appeal_due=month.today - timedelta(days=1))
    month.period = services.period_lock(period=month.period, by=month.users["lan"])
    with pytest.raises(ValidationError, match="khoá"):
        rescore_mai(month)
    reopening = reopen_ns(month)
    kept = evaluation_of(month, "mai").total
    rescore_mai(month)
    assert evaluation_of(month, "mai").total < kept  # re-scored though the month is locked
    services.unit_submit(unit_period=unit_period(month, "TCKH-NS"), by=month.users["tu"])
    services.reopening_publish(reopening=reopening, by=month.users["lan"])
    assert evaluation_of(month, "mai").state == EvaluationState.LOCKED
    with pytest.raises(ValidationError, match="khoá"):
        rescore_mai(month, criterion_1="2")


def test_the_review_page_runs_the_same_queries_for_one_person_or_a_whole_unit(client, month):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    published(month)
    small = reopen_ns(month)
    large = services.reopening_open(
        period=month.period, unit=month.units["VP"], reason="Sai điểm VP", by=month.users["lan"]
    )
    assert len(large.published) > len(small.published)
    client.force_login(month.users["quang"])
    counts = []
    for reopening in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert (
                client.get(reverse("evaluation:reopening", args=[reopening.pk])).status_code == 200
            )
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_scoring_page_offers_the_reopened_person_and_the_unit_to_resubmit(client, month):
    published(month)
    services.reopening_open(
        period=month.period,
        evaluation=evaluation_of(month, "thu"),
        reason="Kiến nghị",
        by=month.users["lan"],
    )
    client.force_login(month.users["hanh"])
    response = client.get(reverse("evaluation:scoring", args=[month.period.pk]))
    assert response.status_code == 200
    rows = {row.evaluation.employee_id: row for row in response.context["rows"]}
    thu, anh = rows[month.employees["thu"].pk], rows[month.employees["anh"].pk]
    assert thu.editable and not thu.actions.give_back
    assert not anh.editable  # still published
    (vp,) = [up for up in response.context["unit_periods"] if up.unit.code == "VP"]
    assert vp.may_submit


def test_the_heads_superior_is_told_when_the_heads_unit_is_reopened(month):
    published(month)
    services.reopening_open(
        period=month.period, unit=month.units["VP"], reason="Sai điểm VP", by=month.users["lan"]
    )
    kinds = set(
        Notification.objects.filter(dedupe_key__startswith="reopening:").values_list(
            "user__username", "kind"
        )
    )
    assert ("hanh", "unit_returned") in kinds  # she corrects her staff
    assert ("quang", "unit_returned") in kinds  # he scores her again
    assert ("thu", "result_reviewed") in kinds


def test_the_dry_run_runs_the_same_queries_for_a_small_or_a_large_unit(client, month):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    published(month)
    client.force_login(month.users["lan"])
    url = reverse("evaluation:period_reopen", args=[month.period.pk])
    counts = []
    for code in ("TCKH-NS", "VP"):
        data = {"scope": "unit", "unit": unit_period(month, code).pk, "reason": "Sai điểm"}
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, data)
        counts.append((len(queries), len(response.context["preview"].editable)))
    assert counts[0][1] < counts[1][1]
    assert counts[0][0] == counts[1][0]
