"""The official forms as files: a person's sheet, a unit's summary list (PDF or Excel),
every sheet of a unit or the agency as a background job and the job's file, and the
unit summary's issuing, signing and signed-copy upload."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evaluation import services
from evaluation.models import EvaluationState, IssuedDocument
from evaluation.paper import documents
from evaluation.paper import jobs as paper_jobs
from evaluation.paper.signing import MAX_PDF_BYTES
from hrsystem import clock, permissions
from hrsystem.exports import XLSX
from hrsystem.models import BackgroundJob, JobState
from hrsystem.services import job_start

from .access import _get_evaluation_for_user, _get_period_for_user, _get_unit_for_period, _on


def _file(content: bytes, content_type: str, filename: str, *, inline: bool) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@login_required
def person_form(request, pk: int, fmt: str):
    """Mẫu số 01 of one evaluation, to whoever may see the result (its person once published)."""
    if fmt not in ("pdf", "xlsx"):
        raise Http404
    evaluation = _get_evaluation_for_user(request, pk)
    own = evaluation.employee.user_id == request.user.pk
    if own and evaluation.state not in (EvaluationState.PUBLISHED, EvaluationState.LOCKED):
        raise Http404
    sheet = documents.person_sheet(evaluation)
    name = sheet.document_id.lower()
    if fmt == "pdf":
        return _file(documents.person_pdf(sheet), "application/pdf", f"{name}.pdf", inline=True)
    return _file(documents.person_xlsx(sheet), XLSX, f"{name}.xlsx", inline=False)


UNIT_KINDS = ("summary-pdf", "summary-xlsx")


def _unit_for_user(request, period_pk: int, unit_pk: int):
    period = _get_period_for_user(request, period_pk)
    unit = _get_unit_for_period(request, period, unit_pk)
    if not permissions.can_view_unit_results(request.user, unit, _on(period)):
        raise PermissionDenied
    return period, unit


@login_required
def unit_form(request, period_pk: int, unit_pk: int, kind: str):
    """The unit's summary list (PDF or Excel); its people's sheets are a job (`sheets_job`)."""
    if kind not in UNIT_KINDS:
        raise Http404
    period, unit = _unit_for_user(request, period_pk, unit_pk)
    summary = documents.unit_summary(period, unit)
    name = summary.document_id.lower()
    if kind == "summary-pdf":
        return _file(
            documents.unit_summary_pdf(summary), "application/pdf", f"{name}.pdf", inline=True
        )
    return _file(documents.unit_summary_xlsx(summary), XLSX, f"{name}.xlsx", inline=False)


def start_sheets_job(request, organisation, params: dict):
    """Start printing the sheets `params` name (`unit` and `bundle` from the form) and
    show the job's page, which follows its progress and offers the file."""
    bundle, unit = request.POST.get("bundle"), request.POST.get("unit", "")
    if bundle not in paper_jobs.BUNDLES:
        return HttpResponseBadRequest(_("Chọn một tệp PDF hoặc một tệp zip."))
    params = {**params, "bundle": bundle}
    if unit.isdigit():
        params["unit"] = int(unit)
    job = job_start(kind=paper_jobs.KIND, by=request.user, organisation=organisation, params=params)
    return redirect("hrsystem:job_status", pk=job.pk)


@login_required
@require_POST
def sheets_job(request, period_pk: int):
    """Every sheet (Mẫu số 01) of one unit (`unit`) or of the agency of a period, as one
    PDF or a zip (`bundle`), printed by a background job."""
    period = _get_period_for_user(request, period_pk)
    return start_sheets_job(request, period.organisation, {"period": period.pk})


@login_required
def job_file(request, pk: int):
    """The file a finished printing job made, to whoever may follow the job."""
    job = get_object_or_404(BackgroundJob, pk=pk, kind=paper_jobs.KIND)
    if not permissions.can_view_job(request.user, job):
        raise PermissionDenied
    name = job.result.get("file") if job.state == JobState.DONE else None
    if not name or not default_storage.exists(name):
        raise Http404
    return FileResponse(
        default_storage.open(name), as_attachment=True, filename=name.rsplit("/", 1)[-1]
    )


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
@require_POST
def unit_form_sign(request, period_pk: int, unit_pk: int):
    """Issue the unit's summary list (archived) and, with `sign`, sign it with the agency's
    certificate (HR; the services check the right and the period's state)."""
    period = _get_period_for_user(request, period_pk)
    unit = _get_unit_for_period(request, period, unit_pk)
    try:
        document = services.document_issue(period=period, unit=unit, by=request.user)
        if request.POST.get("sign"):
            services.document_sign(document=document, by=request.user)
            messages.success(request, _("Đã ký số danh sách của %(unit)s.") % {"unit": unit.name})
        else:
            messages.success(
                request, _("Đã phát hành danh sách của %(unit)s.") % {"unit": unit.name}
            )
    except ValidationError as error:
        _errors(request, error)
    return redirect("evaluation:overview", period_pk=period.pk)


@login_required
@require_POST
def signed_upload(request, period_pk: int):
    """Take back a form signed outside the app (a person's USB token), verified first."""
    period = _get_period_for_user(request, period_pk)
    if not permissions.can_manage_org(request.user, period.organisation):
        raise PermissionDenied
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Chọn tệp PDF đã ký để tải lên."))
    elif upload.size > MAX_PDF_BYTES:
        messages.error(request, _("Tệp quá lớn (tối đa 20 MB)."))
    else:
        try:
            document = services.document_upload_signed(
                organisation=period.organisation, data=upload.read(), by=request.user
            )
            messages.success(
                request,
                _("Đã xác thực và lưu bản ký số của %(number)s (người ký: %(signer)s).")
                % {"number": document.document_id, "signer": document.signer},
            )
        except ValidationError as error:
            _errors(request, error)
    return redirect("evaluation:overview", period_pk=period.pk)


@login_required
def issued_document(request, pk: int, which: str):
    """The archived issued or signed PDF, to whoever may see the unit's results (the
    agency's results for a year's document)."""
    document = get_object_or_404(
        IssuedDocument.objects.select_related("organisation", "period__organisation", "unit"),
        pk=pk,
    )
    if which not in ("issued", "signed") or (which == "signed" and not document.is_signed):
        raise Http404
    if document.year is not None:  # the agency's list or annex of a year
        on = min(date(document.year, 12, 31), clock.today())
        if not permissions.can_read_results(request.user, document.organisation, on):
            permissions.refuse(request, document.organisation_id)
    else:
        _unit_for_user(request, document.period_id, document.unit_id)
    content = bytes(document.signed_pdf if which == "signed" else document.pdf)
    suffix = "-da-ky" if which == "signed" else ""
    return _file(
        content, "application/pdf", f"{document.document_id.lower()}{suffix}.pdf", inline=True
    )
