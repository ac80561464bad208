"""Background jobs: long steps run as Celery tasks, with progress a page can poll.

A job kind is registered once (`job_kind`) with three functions of a `Job` handle:

- `prepare(job)` runs first and returns the job's parts (JSON-able dicts, maybe none);
- `part(job, part)` runs once per part, each as its own Celery task, in order (a chain:
  on several workers the parts go to whichever worker is free);
- `finish(job)` runs last and returns the result (a dict: `message`, optionally `url`).

`job_start` checks the kind's permission (a refusal writes nothing), records the job
queued and hands it to Celery. Without Redis (the embedded default) the tasks run
eagerly inside the request and the job has ended when `job_start` returns, with its
progress and final state recorded all the same. With workers the job is dispatched once
the starting transaction commits.

A part, or a step inside one, reports how far it is with `Job.progress(done, total,
message)`, written at most once per `PROGRESS_EVERY` seconds (and always at the end),
so a loop may call it per row. The framework itself counts one unit per part and one for
`finish`. An exception ends the job as failed: a ValidationError's messages become its
error; anything else is logged and named as an internal error; the parts after it
do not run.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hrsystem import clock
from hrsystem.models import BackgroundJob, JobState
from hrsystem.service_checks import require

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 0.5
"""Seconds between two progress writes of one job handle (the page polls every second)."""


@dataclass(frozen=True)
class JobKind:
    label: object  # a lazy translation: shown on the job's page
    allowed: Callable[..., bool]  # (user, organisation, params) → may start it?
    finish: Callable[[Job], dict]
    prepare: Callable[[Job], list[dict]] | None = None
    part: Callable[[Job, dict], None] | None = None


KINDS: dict[str, JobKind] = {}


def job_kind(name: str, kind: JobKind) -> None:
    """Register the job kind `name` (an app does it once, when it is ready)."""
    if name in KINDS and KINDS[name] != kind:
        raise ValueError(f"job kind {name!r} registered twice")
    KINDS[name] = kind


def label_of(kind: str):
    known = KINDS.get(kind)
    return known.label if known else kind


class Job:
    """A running job as its handlers see it: the row, who started it, its parameters and
    the throttled progress report."""

    def __init__(self, row: BackgroundJob):
        self.row = row
        self._written_at: float | None = None

    @property
    def pk(self) -> int:
        return self.row.pk

    @property
    def by(self):
        return self.row.started_by

    @property
    def organisation(self):
        return self.row.organisation

    @property
    def params(self) -> dict:
        return self.row.params

    def remember(self, **values) -> None:
        """Add `values` to the job's parameters (e.g. the period a first step created),
        for the later parts and `finish`, which may run in another worker."""
        self.row.params = {**self.row.params, **values}
        BackgroundJob.objects.filter(pk=self.pk).update(params=self.row.params)

    def progress(
        self, done: int, total: int | None = None, message: str | None = None, *, force=False
    ) -> bool:
        """Record `done` of `total` (and `message`), unless the last write of this handle
        is less than PROGRESS_EVERY seconds old and the job is not at its end; True when
        written."""
        row = self.row
        total = row.total if total is None else total
        now = time.monotonic()
        due = (
            force
            or self._written_at is None
            or done >= total
            or now - self._written_at >= PROGRESS_EVERY
        )
        row.done, row.total = done, total
        if message is not None:
            row.message = message[:255]
        if not due:
            return False
        BackgroundJob.objects.filter(pk=self.pk).update(
            done=row.done, total=row.total, message=row.message
        )
        self._written_at = now
        return True


def job_start(*, kind: str, by, organisation=None, params: dict | None = None) -> BackgroundJob:
    """Record a job of `kind` started by `by` for `organisation` and run it (eagerly on
    the embedded default: it has ended on return). PermissionDenied, with nothing
    written, unless the kind allows `by`; ValidationError for an unknown kind."""
    known = KINDS.get(kind)
    if known is None:
        raise ValidationError({"kind": _("Không có loại việc này.")})
    params = params or {}
    require(by is not None and by.is_authenticated and known.allowed(by, organisation, params))
    job = BackgroundJob.objects.create(
        kind=kind,
        organisation=organisation,
        started_by=by,
        params=params,
        created_at=clock.now(),
    )
    from hrsystem.tasks import run_job

    if settings.CELERY_TASK_ALWAYS_EAGER:
        run_job.delay(job.pk)
    else:
        transaction.on_commit(lambda: run_job.delay(job.pk))
    job.refresh_from_db()
    return job


def _load(job_id: int) -> Job | None:
    row = (
        BackgroundJob.objects.select_related("organisation", "started_by").filter(pk=job_id).first()
    )
    if row is None or row.state not in (JobState.QUEUED, JobState.RUNNING):
        return None  # gone, or ended (a failed part stops the ones after it)
    return Job(row)


def _fail(job: Job, error: Exception) -> None:
    """End the job failed; a ValidationError's messages by field are kept in `result`
    (`errors`) for a page to put back on its form."""
    result = {}
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            result["errors"] = error.message_dict
        text = "\n".join(error.messages)
    elif isinstance(error, PermissionDenied):
        text = str(error) or _("Bạn không có quyền thực hiện thao tác này.")
    else:
        logger.exception("background job %s (%s) failed", job.pk, job.row.kind)
        text = _("Lỗi hệ thống khi chạy việc này; đã ghi vào nhật ký để kiểm tra.")
    BackgroundJob.objects.filter(pk=job.pk).update(
        state=JobState.FAILED, error=text, result=result, finished_at=clock.now()
    )


def run_prepare(job_id: int) -> list[dict] | None:
    """The job's first step (task `run_job`): mark it running and prepare its parts;
    None when it failed or had already ended."""
    job = _load(job_id)
    if job is None:
        return None
    BackgroundJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING, started_at=clock.now())
    known = KINDS[job.row.kind]
    try:
        parts = list(known.prepare(job)) if known.prepare else []
    except Exception as error:  # noqa: BLE001 - every failure ends the job, recorded
        _fail(job, error)
        return None
    job.progress(0, len(parts) + 1, job.row.message, force=True)
    return parts


def run_part(job_id: int, index: int, part: dict) -> None:
    """Part `index` of the job (task `run_job_part`), then one more unit done."""
    job = _load(job_id)
    if job is None:
        return
    try:
        KINDS[job.row.kind].part(job, part)
    except Exception as error:  # noqa: BLE001
        _fail(job, error)
        return
    job.progress(index + 1, force=True)


def run_finish(job_id: int) -> None:
    """The job's last step (task `finish_job`): its result, and the job done."""
    job = _load(job_id)
    if job is None:
        return
    try:
        result = KINDS[job.row.kind].finish(job) or {}
    except Exception as error:  # noqa: BLE001
        _fail(job, error)
        return
    BackgroundJob.objects.filter(pk=job.pk).update(
        state=JobState.DONE,
        done=job.row.total,
        result=result,
        message=job.row.message,
        finished_at=clock.now(),
    )
