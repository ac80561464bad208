"""Background jobs: states, progress, failure, who may start and follow one, and the
polled partial's constant queries."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hrsystem.models import BackgroundJob, JobState
from hrsystem.services import jobs
from tests.factories import EmployeeFactory, OrganisationFactory, RoleGrantFactory, UnitFactory

SEEN: list = []
"""What the test kinds' handlers saw of their own row while they ran."""


def _anyone(user, organisation, params):
    return True


def _prepare(job):
    return [{"n": n} for n in range(job.params.get("parts", 3))]


def _part(job, part):
    if part["n"] == job.params.get("fail_at"):
        raise ValidationError({"part": f"Phần {part['n']} hỏng."})
    row = BackgroundJob.objects.get(pk=job.pk)
    SEEN.append((part["n"], row.state, row.done, row.total))


def _finish(job):
    return {"message": f"xong {job.row.total} phần", "url": "/periods/"}


def _per_row(job):
    written = sum(job.progress(n, 1000, f"dòng {n}") for n in range(1, 1001))
    return {"message": str(written)}


def _crash(job):
    raise RuntimeError("boom")


jobs.job_kind("test.parts", jobs.JobKind("Thử", _anyone, _finish, prepare=_prepare, part=_part))
jobs.job_kind("test.rows", jobs.JobKind("Thử từng dòng", _anyone, _per_row))
jobs.job_kind("test.crash", jobs.JobKind("Thử lỗi", _anyone, _crash))
jobs.job_kind(
    "test.hr_only",
    jobs.JobKind(
        "Chỉ cán bộ tổ chức",
        lambda user, organisation, params: user.username == "to_chuc",
        _finish,
    ),
)


@pytest.fixture(autouse=True)
def _clear_seen():
    SEEN.clear()


def test_a_job_runs_its_parts_in_order_reporting_each_then_ends_done(cast):
    job = jobs.job_start(kind="test.parts", by=cast.to_chuc.user, organisation=cast.org)
    assert [seen[:2] for seen in SEEN] == [(0, "running"), (1, "running"), (2, "running")]
    assert [seen[2:] for seen in SEEN] == [(0, 4), (1, 4), (2, 4)]  # parts + finish
    assert job.state == JobState.DONE
    assert (job.done, job.total, job.percent) == (4, 4, 100)
    assert job.result == {"message": "xong 4 phần", "url": "/periods/"}
    assert job.started_by == cast.to_chuc.user and job.organisation == cast.org
    assert job.created_at <= job.started_at <= job.finished_at
    assert job.error == ""


def test_a_job_without_parts_runs_its_finish_alone(cast):
    job = jobs.job_start(kind="test.parts", by=cast.an.user, params={"parts": 0})
    assert (job.state, job.done, job.total) == (JobState.DONE, 1, 1)
    assert SEEN == []


def test_a_failing_part_ends_the_job_failed_with_its_message_and_stops_the_rest(cast):
    job = jobs.job_start(kind="test.parts", by=cast.an.user, params={"fail_at": 1})
    assert job.state == JobState.FAILED
    assert job.error == "Phần 1 hỏng."
    assert [seen[0] for seen in SEEN] == [0]
    assert job.done == 1 and job.result == {}
    assert job.finished_at is not None


def test_an_unexpected_error_is_logged_not_shown(cast, caplog):
    job = jobs.job_start(kind="test.crash", by=cast.an.user)
    assert job.state == JobState.FAILED
    assert "boom" not in job.error and job.error
    assert "boom" in caplog.text


def test_progress_per_row_is_throttled_to_a_few_writes(cast):
    with CaptureQueriesContext(connection) as queries:
        job = jobs.job_start(kind="test.rows", by=cast.an.user)
    written = int(job.result["message"])
    assert 2 <= written <= 5  # the first, the last, and one per half second between
    updates = [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) < 12
    assert (job.done, job.total) == (1000, 1000)
    assert job.message == "dòng 1000"


def test_progress_throttle_writes_again_after_the_interval(cast, monkeypatch):
    row = BackgroundJob.objects.create(
        kind="test.rows", started_by=cast.an.user, created_at="2026-01-01T00:00Z"
    )
    handle = jobs.Job(row)
    now = [100.0]
    monkeypatch.setattr(jobs.time, "monotonic", lambda: now[0])
    assert handle.progress(1, 10, "a")
    assert not handle.progress(2, 10, "b")
    now[0] += jobs.PROGRESS_EVERY
    assert handle.progress(3, 10, "c")
    row.refresh_from_db()
    assert (row.done, row.total, row.message) == (3, 10, "c")


def test_a_refused_start_writes_nothing(cast):
    with pytest.raises(PermissionDenied):
        jobs.job_start(kind="test.hr_only", by=cast.an.user, organisation=cast.org)
    assert not BackgroundJob.objects.exists()
    job = jobs.job_start(kind="test.hr_only", by=cast.to_chuc.user, organisation=cast.org)
    assert job.state == JobState.DONE


def test_an_unknown_kind_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        jobs.job_start(kind="no.such", by=cast.an.user)
    assert "kind" in error.value.message_dict
    assert not BackgroundJob.objects.exists()


def _other_agency_hr():
    other = OrganisationFactory(code="KHAC", name="Cơ quan khác")
    unit = UnitFactory(organisation=other, code="K", name="Khác")
    employee = EmployeeFactory(code="HR_KHAC", full_name="Cán Bộ Khác", unit=unit)
    RoleGrantFactory(role="hr_officer", organisation=other, employee=employee)
    return employee.user


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("binh", 200),  # who started it
        ("to_chuc", 200),  # HR of the agency
        ("admin", 200),  # superuser
        ("an", 403),
        ("truong_tc", 403),  # the starter's head is not enough
        ("hr_khac", 403),  # HR of another agency
        ("anon", 302),
    ],
)
def test_who_may_follow_a_job(cast, client, who, status):
    job = jobs.job_start(kind="test.parts", by=cast.binh.user, organisation=cast.org)
    users = {"admin": cast.admin, "hr_khac": None}
    if who == "hr_khac":
        users["hr_khac"] = _other_agency_hr()
    if who != "anon":
        user = users.get(who) or getattr(cast, who).user
        client.force_login(user)
    response = client.get(reverse("hrsystem:job_status", args=[job.pk]))
    assert response.status_code == status


def test_the_partial_polls_while_running_and_shows_the_result_once_done(cast, client):
    running = BackgroundJob.objects.create(
        kind="test.parts",
        started_by=cast.binh.user,
        organisation=cast.org,
        state=JobState.RUNNING,
        done=1,
        total=4,
        message="Đơn vị TC",
        created_at="2026-01-01T00:00Z",
    )
    client.force_login(cast.binh.user)
    url = reverse("hrsystem:job_status", args=[running.pk])
    html = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in html and f'hx-get="{url}"' in html
    assert '<progress class="job__bar"' in html and 'value="25"' in html
    assert "aria-labelledby" in html and "Đơn vị TC" in html
    assert "<html" not in html  # the partial alone
    done = jobs.job_start(kind="test.parts", by=cast.binh.user, organisation=cast.org)
    html = client.get(
        reverse("hrsystem:job_status", args=[done.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert "hx-trigger" not in html
    assert 'value="100"' in html and "xong 4 phần" in html and 'href="/periods/"' in html
    page = client.get(reverse("hrsystem:job_status", args=[done.pk])).content.decode()
    assert "<html" in page and 'class="job"' in page


def test_the_partial_shows_a_failure_as_an_alert(cast, client):
    job = jobs.job_start(kind="test.parts", by=cast.binh.user, params={"fail_at": 0})
    client.force_login(cast.binh.user)
    html = client.get(
        reverse("hrsystem:job_status", args=[job.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert 'role="alert"' in html and "Phần 0 hỏng." in html
    assert "hx-trigger" not in html


@pytest.mark.parametrize("parts", [1, 40])
def test_the_partial_runs_the_same_queries_whatever_the_job(
    cast, client, django_assert_num_queries, parts
):
    job = jobs.job_start(
        kind="test.parts", by=cast.binh.user, organisation=cast.org, params={"parts": parts}
    )
    client.force_login(cast.to_chuc.user)
    url = reverse("hrsystem:job_status", args=[job.pk])
    client.get(url, headers={"HX-Request": "true"})  # session warmed
    # session, user, the job, HR's agencies; the page context's viewer (assignment,
    # posts, role grants)
    with django_assert_num_queries(7):
        response = client.get(url, headers={"HX-Request": "true"})
    assert response.content.decode().count("<progress") == 1
