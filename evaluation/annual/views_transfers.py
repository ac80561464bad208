"""The HR officer's import of transferred people's months from their former agencies
(`evaluation.annual.transfers`): templates to download, a dry run of the chosen file, then
the confirmed import, all or none. Thin: parse, call, render."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from evaluation.annual import transfers
from evaluation.forms import TransferImportForm
from hrsystem.exports import XLSX
from hrsystem.permissions import can_manage_org, viewer

SESSION_KEY = "transfer_import"


def _check(organisation, user, content: bytes, name: str, reason: str, confirm: bool):
    """(report, file problems): the dry run or import of the file."""
    try:
        rows = transfers.read(content, name)
    except transfers.Refused as refused:
        return None, refused.problems
    report = transfers.transfer_import(
        organisation=organisation, rows=rows, by=user, reason=reason, confirm=confirm
    )
    return report, report.problems


@login_required
def transfer_import(request):
    """Templates (`?template=xlsx|csv`, with the months already imported), the dry run of
    an uploaded file, then the confirmed import. The receiving agency's HR officers only."""
    organisation = viewer(request).hr_organisation
    if organisation is None or not can_manage_org(request.user, organisation):
        raise PermissionDenied
    if "template" in request.GET:
        kind = request.GET["template"]
        if kind not in ("xlsx", "csv"):
            raise Http404
        content_type = XLSX if kind == "xlsx" else "text/csv"
        response = HttpResponse(
            transfers.export(organisation, kind), content_type=f"{content_type}; charset=utf-8"
        )
        name = f"ket-qua-co-quan-cu-{organisation.code}.{kind}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    form = TransferImportForm(request.POST or None, request.FILES or None)
    report, problems, confirmable = None, [], False
    if request.method == "POST" and request.POST.get("confirm") == "1":
        kept = request.session.get(SESSION_KEY)
        if kept is None:
            form = TransferImportForm()
            form.add_error(None, _("Hãy chọn lại tệp: bản xem trước đã hết hạn."))
        else:
            content = base64.b64decode(kept["content"])
            report, problems = _check(
                organisation, request.user, content, kept["name"], kept["reason"], True
            )
            if report is not None and report.saved:
                del request.session[SESSION_KEY]
                messages.success(
                    request, _("Đã nhập %(count)s tháng từ cơ quan cũ.") % {"count": report.new}
                )
                return redirect("annual:transfer_import")
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        reason = form.cleaned_data["reason"]
        report, problems = _check(organisation, request.user, content, upload.name, reason, False)
        confirmable = report is not None and report.ok and report.new > 0
        if confirmable:
            request.session[SESSION_KEY] = {
                "name": upload.name,
                "reason": reason,
                "content": base64.b64encode(content).decode("ascii"),
            }
    failed = bool(form.errors) or bool(problems)
    return render(
        request,
        "annual/transfer_import.html",
        {
            "form": form,
            "organisation": organisation,
            "report": report,
            "problems": problems,
            "confirmable": confirmable,
            "columns": transfers.COLUMNS.values(),
        },
        status=400 if failed else 200,
    )
