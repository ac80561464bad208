"""The cycle's long steps as background jobs: the month split over several Celery tasks
(one per top-level subtree, then the agency pass) stores exactly what one whole
recompute stores; a job run twice changes nothing; the pages start them and report
them."""

import random
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.urls import reverse

from evaluation import adapters, bulk_writes, province
from evaluation.models import Evaluation, Period, PeriodState, Recomputation, UnitPeriod, WorkItem
from hrsystem.models import BackgroundJob, JobState, Unit
from hrsystem.services import job_start
from tests.evaluation.test_province import _stale, _stored


def _province(seed: int, code: str, people: int = 90):
    built = province.generate(people=people, units=40, months=1, seed=seed, code=code)
    period = built.periods[-1]
    rng = random.Random(seed)
    moved = {  # a month where results move, some people failing
        pk: {"done": (planned * rng.choice((0, 0, 1, 2)) / 2).quantize(Decimal("0.01"))}
        for pk, planned in WorkItem.objects.filter(evaluation__period=period).values_list(
            "pk", "planned"
        )
    }
    bulk_writes.update_rows(WorkItem, moved, ["done"])
    return built, period


def _top_level(period: Period) -> int:
    root = Unit.objects.get(organisation=period.organisation, parent=None)
    return Unit.objects.filter(parent=root).count()


@pytest.mark.parametrize("seed", [21, 22])
def test_the_month_split_over_celery_tasks_equals_one_whole_recompute(db, seed):
    built, period = _province(seed, f"J-{seed}")
    _stale(period)
    adapters.period_recompute(period=period)
    whole = _stored(period)
    assert any(level == "fail" for level in Evaluation.objects.values_list("level", flat=True))

    _stale(period)
    before = Recomputation.objects.filter(period=period).count()
    job = job_start(
        kind="evaluation.recompute",
        by=built.hr_user,
        organisation=built.organisation,
        params={"period": period.pk},
    )
    assert job.state == JobState.DONE, job.error
    parts = _top_level(period)
    assert parts >= 2
    assert (job.done, job.total) == (parts + 1, parts + 1)  # a task per subtree + the pass
    audits = Recomputation.objects.filter(period=period).count() - before
    assert parts <= audits <= parts + 1  # each subtree wrote; the pass, if the root moved
    assert _stored(period) == whole
    assert job.result["url"] == reverse("evaluation:overview", args=[period.pk])


def test_a_recompute_job_run_twice_changes_nothing_the_second_time(db):
    built, period = _province(23, "J-23", people=60)
    run = {"kind": "evaluation.recompute", "by": built.hr_user}
    run.update(organisation=built.organisation, params={"period": period.pk})
    assert job_start(**run).state == JobState.DONE
    first, audits = _stored(period), Recomputation.objects.count()
    assert job_start(**run).state == JobState.DONE
    assert _stored(period) == first
    assert Recomputation.objects.count() == audits  # nothing changed, nothing written


def test_only_hr_may_start_a_recompute_and_a_refusal_writes_nothing(db):
    built, period = _province(24, "J-24", people=40)
    with pytest.raises(PermissionDenied):
        job_start(
            kind="evaluation.recompute",
            by=built.leader_user,
            organisation=built.organisation,
            params={"period": period.pk},
        )
    assert not BackgroundJob.objects.exists()


def test_a_locked_period_is_not_recomputed_and_the_job_says_why(db):
    built, period = _province(25, "J-25", people=40)
    Period.objects.filter(pk=period.pk).update(state=PeriodState.LOCKED)
    job = job_start(
        kind="evaluation.recompute",
        by=built.hr_user,
        organisation=built.organisation,
        params={"period": period.pk},
    )
    assert job.state == JobState.FAILED
    assert "đã khoá" in job.error


def test_the_overview_recompute_button_runs_the_job(db, client):
    built, period = _province(26, "J-26", people=40)
    _stale(period)
    client.force_login(built.hr_user)
    overview = reverse("evaluation:overview", args=[period.pk])
    assert "Tính lại kết quả" in client.get(overview).content.decode()
    url = reverse("evaluation:period_action", args=[period.pk, "recompute"])
    response = client.post(url, {"next": overview}, follow=True)
    assert response.redirect_chain[-1][0] == overview
    assert any("Kỳ" in str(m) for m in response.context["messages"])
    job = BackgroundJob.objects.get()
    assert (job.kind, job.state, job.started_by) == (
        "evaluation.recompute",
        JobState.DONE,
        built.hr_user,
    )
    assert not Evaluation.objects.filter(period=period, not_rated=False, total=None).exists()
    assert (
        UnitPeriod.objects.filter(period=period, rated_count=0).count()
        < UnitPeriod.objects.filter(period=period).count()
    )


@override_settings(CELERY_TASK_ALWAYS_EAGER=False)
def test_on_workers_the_page_follows_the_job_with_a_progress_bar(
    db, client, django_capture_on_commit_callbacks, monkeypatch
):
    built, period = _province(27, "J-27", people=40)
    sent = []
    monkeypatch.setattr("hrsystem.tasks.run_job.delay", sent.append)
    client.force_login(built.hr_user)
    url = reverse("evaluation:period_action", args=[period.pk, "recompute"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    job = BackgroundJob.objects.get()
    assert sent == [job.pk]  # handed to the broker once the request's writes commit
    status = reverse("hrsystem:job_status", args=[job.pk])
    assert response["Location"] == status
    page = client.get(status).content.decode()
    assert "<progress" in page and 'hx-trigger="every 1s"' in page
    assert "Tính lại kết quả của kỳ" in page
