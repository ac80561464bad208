"""The annual roll-up as a background job (Celery; eager on the embedded default).

`rollup_year_task` runs `services.rollup_year` for an agency's year and keeps the run's
state and progress on its `AnnualRun` row, which the HR officer's year page polls; a
refusal (a counted month not locked) is kept there with the open unit-months.
"""

from __future__ import annotations

import logging
from dataclasses import asdict

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from evaluation.annual import models, services
from evaluation.annual.models import RunState
from hrsystem.models import Organisation

logger = logging.getLogger(__name__)


def _messages(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


@shared_task
def rollup_year_task(
    organisation_id: int, year: int, by_id: int | None = None, months: list[int] | None = None
) -> str:
    """Roll the agency's year up; returns the run's final state."""
    organisation = Organisation.objects.get(pk=organisation_id)
    by = get_user_model().objects.get(pk=by_id) if by_id is not None else None
    run, _created = models.AnnualRun.objects.get_or_create(organisation=organisation, year=year)
    rows = models.AnnualRun.objects.filter(pk=run.pk)
    rows.update(state=RunState.RUNNING, progress_done=0, progress_total=0, message="")

    def progress(done: int, total: int) -> None:
        rows.update(progress_done=done, progress_total=total)

    try:
        services.rollup_year(organisation, year, by, periods=months, progress=progress)
    except services.RollupRefused as refused:
        rows.update(
            state=RunState.REFUSED,
            message=_messages(refused),
            refusals=[asdict(unit_month) for unit_month in refused.unit_months],
        )
        return RunState.REFUSED
    except ValidationError as error:
        logger.warning("year %s of %s not rolled up: %s", year, organisation.code, error)
        rows.update(state=RunState.FAILED, message=_messages(error))
        return RunState.FAILED
    return RunState.DONE
