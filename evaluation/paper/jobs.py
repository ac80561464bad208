"""A whole agency's (or unit's) sheets as a background job (`hrsystem.services.jobs`).

Kind `paper.sheets`, parameters: `period` (a month or quarter: Mẫu số 01) or `year`
(Mẫu số 02), optionally `unit` (one unit's people only), and `bundle`: "pdf" (one file,
a sheet per person from a new page) or "zip" (a PDF per person, in a folder per unit).

`prepare` lists a part per unit that has sheets; each part renders its unit's sheets
into the job's folder of the default storage, reporting each person done; `finish`
joins the parts into the one file (pypdf) or the zip, removes the parts, and answers
with the download URL (`evaluation:job_file`, for whoever may follow the job).

Who may start it: whoever may print the forms in question (the unit's results for
one unit; every unit's results for the whole agency).
"""

from __future__ import annotations

import zipfile
from datetime import date
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pypdf import PdfWriter

from evaluation.annual import models as annual_models
from evaluation.models import Evaluation, Period
from hrsystem import clock, permissions
from hrsystem.models import Unit
from hrsystem.services import JobKind, job_kind

from . import annual, documents

KIND = "paper.sheets"
BUNDLES = ("pdf", "zip")


def folder(pk: int) -> str:
    """The job's folder in the default storage."""
    return f"paper-jobs/{pk}"


def _on(params: dict, period: Period | None) -> date:
    if period is not None:
        return min(period.end, clock.today())
    return min(date(params["year"], 12, 31), clock.today())


def _period(organisation, params: dict) -> Period | None:
    if "period" not in params:
        return None
    return Period.objects.filter(pk=params["period"], organisation=organisation).first()


def may_print(user, organisation, params: dict) -> bool:
    """May `user` print the sheets `params` name? The unit's results for one unit, every
    unit's (the agency leader, HR, the board for a year) for the agency."""
    if organisation is None or params.get("bundle") not in BUNDLES:
        return False
    if "period" not in params and "year" not in params:
        return False
    period = _period(organisation, params)
    if "period" in params and period is None:
        return False
    on = _on(params, period)
    if params.get("unit"):
        unit = Unit.objects.filter(pk=params["unit"], organisation=organisation).first()
        if unit is None:
            return False
        if period is not None:
            return permissions.can_view_unit_results(user, unit, on)
        return permissions.can_read_results(
            user, organisation, on
        ) or unit.pk in permissions.unit_ids_for(user, permissions.Perm.VIEW_UNIT_RECORDS, on)
    if period is not None:
        return permissions.can_sign_off(user, organisation, on) or permissions.can_manage_org(
            user, organisation, on
        )
    return permissions.can_read_results(user, organisation, on)


def _units(job) -> list[tuple[int, int]]:
    """(unit id, number of sheets) of every unit with sheets, in tree order."""
    params = job.params
    if "period" in params:
        rows = Evaluation.objects.filter(period_id=params["period"], is_current=True)
    else:
        rows = annual_models.AnnualResult.objects.filter(
            organisation=job.organisation, year=params["year"]
        )
    if params.get("unit"):
        rows = rows.filter(unit_id=params["unit"])
    counts: dict[int, int] = {}
    for unit_id in rows.order_by("unit__path").values_list("unit_id", flat=True):
        counts[unit_id] = counts.get(unit_id, 0) + 1
    return list(counts.items())


def _prepare(job) -> list[dict]:
    units = _units(job)
    if not units:
        raise ValidationError(_("Không có phiếu nào để in."))
    parts, offset = [], 0
    for index, (unit_id, count) in enumerate(units):
        parts.append({"unit": unit_id, "index": index, "offset": offset})
        offset += count
    job.remember(sheets=offset)
    return parts


def _files(job, unit: Unit, index: int):
    """(path under the parts folder, PDF bytes, sheets in it) of `unit`: one file of all
    its sheets for a "pdf" bundle, else a file per person in the unit's folder."""
    params = job.params
    today = clock.today()
    one_file = params["bundle"] == "pdf"
    if "period" in params:
        period = Period.objects.select_related("organisation").get(pk=params["period"])
        summary = documents.unit_summary(period, unit)
        if one_file:
            yield (
                f"{index:04d}.pdf",
                documents.unit_sheets_pdf(summary, printed_on=today),
                len(summary.sheets),
            )
            return
        for sheet in summary.sheets:
            content = documents.person_pdf(sheet, printed_on=today)
            yield f"{unit.code}/{sheet.document_id}.pdf", content, 1
        return
    sheets = annual.year_sheets(job.organisation, params["year"], [unit.pk])
    if one_file:
        name = f"PXL-{job.organisation.code}-{params['year']}-{unit.code}"
        yield f"{index:04d}.pdf", annual.sheets_pdf(sheets, name, printed_on=today), len(sheets)
        return
    for sheet in sheets:
        yield f"{unit.code}/{sheet.document_id}.pdf", annual.sheet_pdf(sheet, printed_on=today), 1


def _part(job, part: dict) -> None:
    unit = Unit.objects.get(pk=part["unit"], organisation=job.organisation)
    done, total = part["offset"], job.params["sheets"]
    with translation.override("vi"):
        for path, content, count in _files(job, unit, part["index"]):
            default_storage.save(f"{folder(job.pk)}/parts/{path}", ContentFile(content))
            done += count
            job.progress(
                part["index"],
                message=_("Đã in %(done)s/%(total)s phiếu") % {"done": done, "total": total},
            )


def _walk(path: str):
    """Every file under `path` of the default storage, sorted."""
    directories, files = default_storage.listdir(path)
    for name in sorted(files):
        yield f"{path}/{name}"
    for directory in sorted(directories):
        yield from _walk(f"{path}/{directory}")


def _finish(job) -> dict:
    parts = f"{folder(job.pk)}/parts"
    names = list(_walk(parts))
    params = job.params
    base = "phieu-{org}-{when}".format(
        org=job.organisation.code.lower(),
        when=f"ky-{params['period']}" if "period" in params else f"nam-{params['year']}",
    )
    output = BytesIO()
    if params["bundle"] == "pdf":
        writer = PdfWriter()
        for name in names:
            with default_storage.open(name) as source:
                writer.append(BytesIO(source.read()))
        writer.write(output)
        filename = f"{base}.pdf"
    else:
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in names:
                with default_storage.open(name) as source:
                    archive.writestr(name[len(parts) + 1 :], source.read())
        filename = f"{base}.zip"
    for name in names:
        default_storage.delete(name)
    stored = default_storage.save(f"{folder(job.pk)}/{filename}", ContentFile(output.getvalue()))
    return {
        "message": _("Đã in %(n)s phiếu.") % {"n": params["sheets"]},
        "url": reverse("evaluation:job_file", args=[job.pk]),
        "file": stored,
    }


job_kind(
    KIND,
    JobKind(
        gettext_lazy("In phiếu đánh giá, xếp loại"),
        may_print,
        _finish,
        prepare=_prepare,
        part=_part,
    ),
)
