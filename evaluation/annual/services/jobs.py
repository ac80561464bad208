"""Starting the annual roll-up as a background job from a page."""

from __future__ import annotations

from django.db import transaction

from evaluation.annual import models
from evaluation.annual.models import RunState
from hrsystem.models import Organisation

from .rollup import rollup_check


def rollup_start(
    *, organisation: Organisation, year: int, by, months: list[int] | None = None
) -> models.AnnualRun:
    """Check the roll-up may run (rights, locked months: refused at once, nothing
    written), mark the run queued and hand it to the worker (run on the spot where
    Celery is eager). Returns the run as the job left it."""
    rollup_check(organisation=organisation, year=year, by=by, months=months)
    from evaluation.annual.tasks import rollup_year_task

    with transaction.atomic():
        run, _created = models.AnnualRun.objects.select_for_update().get_or_create(
            organisation=organisation, year=year
        )
        run.state = RunState.QUEUED
        run.message = ""
        run.refusals = []
        run.progress_done = run.progress_total = 0
        run.save()
    transaction.on_commit(
        lambda: rollup_year_task.delay(organisation.pk, year, getattr(by, "pk", None), months)
    )
    run.refresh_from_db()
    return run
