"""The annual roll-up as a background job (`hrsystem.services.jobs`): a Celery task,
eager on the embedded default, whose progress the HR officer's year page shows.

Kind `annual.rollup` (HR of the agency), parameters `year` and `months` (the months
that count, or None for every locked month). One step: `services.rollup_year` reports
each batch of people read and the end; a refusal ends the job failed, its error naming
every counted unit-month that is not locked.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluation.annual import services
from hrsystem import permissions
from hrsystem.services import JobKind, job_kind

KIND = "annual.rollup"


def _may_roll_up(user, organisation, params) -> bool:
    return organisation is not None and permissions.can_manage_org(user, organisation)


def _rollup_finish(job) -> dict:
    year = job.params["year"]
    try:
        run = services.rollup_year(
            job.organisation,
            year,
            job.by,
            periods=job.params.get("months"),
            progress=lambda done, total: job.progress(done, total),
        )
    except services.RollupRefused as refused:
        raise ValidationError(
            [
                *refused.messages,
                *(
                    _("%(unit)s (%(code)s), tháng %(month)s: chưa khoá")
                    % {"unit": item.unit_name, "code": item.unit_code, "month": item.month}
                    for item in refused.unit_months
                ),
            ]
        ) from refused
    return {
        "message": _("Đã tổng hợp kết quả năm %(year)s: %(n)s người.")
        % {"year": year, "n": run.people},
        "url": reverse("annual:units", args=[year]),
    }


job_kind(KIND, JobKind(gettext_lazy("Tổng hợp kết quả năm"), _may_roll_up, _rollup_finish))
