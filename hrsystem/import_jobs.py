"""The organisation import's confirmed step as a background job (`services.jobs`): a
Celery task, eager on the embedded default, whose progress the import page shows.

Kind `hrsystem.organisation_import` (HR of the agency), parameters `name`, `reason` and
`content` (the checked file, base64). The file is read again and imported through
`org_import.organisation_import`, which reports each row written; a refused row ends the
job failed with every refusal. The file is dropped from the job's parameters when it ends.
"""

from __future__ import annotations

import base64

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrsystem import org_import, permissions
from hrsystem.models import BackgroundJob
from hrsystem.services import JobKind, job_kind

KIND = "hrsystem.organisation_import"
LARGE_ROWS = 2000
"""A confirmed file of more rows than this is imported as a background job."""


def _may_import(user, organisation, params) -> bool:
    return organisation is not None and permissions.can_manage_org(user, organisation)


def _import_finish(job) -> dict:
    params = job.params
    content = base64.b64decode(params["content"])
    BackgroundJob.objects.filter(pk=job.pk).update(
        params={k: v for k, v in params.items() if k != "content"}
    )
    try:
        book = org_import.read(content, params["name"])
    except org_import.Refused as refused:
        raise ValidationError([str(p) for p in refused.problems]) from refused
    total = org_import.row_count(book)
    report = org_import.organisation_import(
        organisation=job.organisation,
        book=book,
        by=job.by,
        reason=params["reason"],
        confirm=True,
        progress=lambda done: job.progress(done, total),
    )
    if not report.saved:
        raise ValidationError([str(p) for p in report.problems])
    return {
        "message": _("Đã nhập tệp: %(count)s dòng thay đổi.") % {"count": report.changes},
        "url": reverse("hrsystem:organisation_import"),
    }


job_kind(KIND, JobKind(gettext_lazy("Nhập tổ chức của cơ quan"), _may_import, _import_finish))
