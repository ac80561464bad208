"""The HR officer's import of their agency's organisation in the app (`hrsystem.org_import`):
templates to download, a dry run of the chosen file, then the confirmed import. Thin:
parse, call, render."""

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import import_jobs, org_import
from .exports import XLSX
from .forms import OrganisationImportForm
from .permissions import can_manage_org, viewer
from .services import job_start

SESSION_KEY = "organisation_import"
"""The file checked by the dry run and its reason, kept in the session until confirmed."""
PAGE_MAX_BYTES = 5 * 1024 * 1024
"""Larger first loads go through `manage.py import_organisation`."""


def _download(organisation, kind: str, sheet_key: str) -> HttpResponse:
    sheet = org_import.BY_KEY.get(sheet_key) if sheet_key else None
    if (
        (sheet_key and sheet is None)
        or kind not in ("xlsx", "csv")
        or (kind == "csv" and not sheet)
    ):
        raise Http404
    if kind == "csv":
        content, content_type = org_import.export_csv(organisation, sheet), "text/csv"
    else:
        content = org_import.export(organisation, (sheet,) if sheet else org_import.SHEETS)
        content_type = XLSX
    response = HttpResponse(content, content_type=f"{content_type}; charset=utf-8")
    name = f"to-chuc-{organisation.code}{'-' + sheet.key if sheet else ''}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _check(organisation, user, content: bytes, name: str, reason: str, confirm: bool):
    """(report, file problems): the dry run or import of the file."""
    try:
        book = org_import.read(content, name)
    except org_import.Refused as refused:
        return None, refused.problems
    report = org_import.organisation_import(
        organisation=organisation, book=book, by=user, reason=reason, confirm=confirm
    )
    return report, report.problems


@login_required
def organisation_import(request):
    """Templates (`?template=xlsx|csv&sheet=KEY`), the dry run of an uploaded workbook
    (new, changed and unchanged rows per sheet, every refused cell), then the confirmed
    import, all or none. The agency's HR officers only."""
    organisation = viewer(request).hr_organisation
    if organisation is None or not can_manage_org(request.user, organisation):
        raise PermissionDenied
    if "template" in request.GET:
        return _download(organisation, request.GET["template"], request.GET.get("sheet", ""))
    form = OrganisationImportForm(request.POST or None, request.FILES or None)
    report, problems, confirmable = None, [], False
    if request.method == "POST" and request.POST.get("confirm") == "1":
        kept = request.session.get(SESSION_KEY)
        if kept is None:
            form = OrganisationImportForm()
            form.add_error(None, _("Hãy chọn lại tệp: bản xem trước đã hết hạn."))
        else:
            content = base64.b64decode(kept["content"])
            if kept.get("rows", 0) > import_jobs.LARGE_ROWS:
                del request.session[SESSION_KEY]
                job = job_start(
                    kind=import_jobs.KIND,
                    by=request.user,
                    organisation=organisation,
                    params={k: kept[k] for k in ("name", "reason", "content")},
                )
                return redirect("hrsystem:job_status", job.pk)
            report, problems = _check(
                organisation, request.user, content, kept["name"], kept["reason"], True
            )
            if report is not None and report.saved:
                del request.session[SESSION_KEY]
                messages.success(
                    request, _("Đã nhập tệp: %(count)s dòng thay đổi.") % {"count": report.changes}
                )
                return redirect("hrsystem:organisation_import")
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > PAGE_MAX_BYTES:
            form.add_error(
                "file",
                _(
                    "Tệp lớn hơn 5 MB: hãy chia tệp, hoặc nhờ quản trị nhập bằng lệnh "
                    "import_organisation."
                ),
            )
        else:
            content = upload.read()
            reason = form.cleaned_data["reason"]
            report, problems = _check(
                organisation, request.user, content, upload.name, reason, False
            )
            confirmable = report is not None and report.ok and report.changes > 0
            if confirmable:
                request.session[SESSION_KEY] = {
                    "name": upload.name,
                    "reason": reason,
                    "rows": len(report.lines),
                    "content": base64.b64encode(content).decode("ascii"),
                }
    failed = bool(form.errors) or bool(problems)
    return render(
        request,
        "hrsystem/organisation_import.html",
        {
            "form": form,
            "organisation": organisation,
            "report": report,
            "problems": problems,
            "confirmable": confirmable,
            "sheets": org_import.SHEETS,
        },
        status=400 if failed else 200,
    )
