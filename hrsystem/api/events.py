"""The events the services announce to subscribed client systems (see `webhooks`).

Each function takes the record a service just wrote and queues its event; they are the
services' only link to the API, one call each, after the write.
"""

from . import webhooks
from .models import Event


def period_published(period) -> None:
    """A period's results were published: `period.published`, and `result.published` for
    the period's results as a whole (read them at `/api/v1/results/?period=<id>`)."""
    data = {
        "period": period.pk,
        "year": period.year,
        "number": period.number,
        "published_at": period.published_at,
        "appeal_due": period.appeal_due,
    }
    webhooks.emit(
        organisation_id=period.organisation_id,
        events={
            Event.PERIOD_PUBLISHED: data,
            Event.RESULT_PUBLISHED: {**data, "results": f"/api/v1/results/?period={period.pk}"},
        },
    )


def result_revised(evaluation) -> None:
    """An upheld appeal published a new version of one result: `result.published`."""
    webhooks.emit(
        organisation_id=evaluation.period.organisation_id,
        events={
            Event.RESULT_PUBLISHED: {
                "period": evaluation.period_id,
                "result": evaluation.pk,
                "employee": evaluation.employee.code,
                "version": evaluation.version,
                "results": f"/api/v1/results/{evaluation.pk}/",
            }
        },
    )


def violation_recorded(violation) -> None:
    """A violation was recorded against a person or a unit: `violation.recorded`."""
    webhooks.emit(
        organisation_id=violation.organisation_id,
        events={
            Event.VIOLATION_RECORDED: {
                "violation": violation.pk,
                "employee": violation.employee.code if violation.employee_id else None,
                "unit": violation.unit.code,
                "occurred_on": violation.occurred_on,
                "points": violation.points,
                "item": violation.item.code,
                "legal_basis": violation.legal_basis,
                "source": violation.source,
            }
        },
    )
