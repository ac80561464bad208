"""Pages of the personnel board: the report of reappointments and rotations due (page and
Excel), a proposal to appoint or rotate someone, and the agency's rule. Thin: parse, call
the selectors or services, render."""

from __future__ import annotations

from io import BytesIO

import pandas as pd
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from evaluation.annual import permissions as annual_permissions
from evaluation.annual.personnel_models import PersonnelRule
from hrsystem import clock, permissions

from . import selectors, services
from .forms import DAYS_DEFAULT, ProposalForm, ReportForm, RuleForm


def _organisation_for(request, allowed):
    """The user's agency, if `allowed(user, agency, today)`; 403 otherwise."""
    organisation = permissions.viewer(request).organisation
    if organisation is None or not allowed(request.user, organisation, clock.today()):
        raise PermissionDenied
    return organisation


def _report(request):
    organisation = _organisation_for(request, annual_permissions.can_read_personnel)
    on, days = clock.today(), DAYS_DEFAULT
    form = ReportForm(request.GET or None, initial={"on": on, "days": days})
    if form.is_valid():
        on = form.cleaned_data["on"] or on
        days = form.cleaned_data["days"] or days
    report = selectors.personnel_report(organisation=organisation, on=on, days=days)
    return form, days, report


@login_required
def report_page(request):
    """Reappointments and rotations due in a window, with the counted years' levels and
    the rule's flags. About 10 queries, whatever the number of rows."""
    form, days, report = _report(request)
    return render(
        request,
        "annual/personnel_report.html",
        {
            "form": form,
            "days": days,
            "report": report,
            "may_edit_rule": annual_permissions.can_edit_personnel_rule(
                request.user, report.organisation, clock.today()
            ),
        },
    )


@login_required
def report_xlsx(request):
    """The same report as a spreadsheet, one row per person due."""
    _form, _days, report = _report(request)
    columns = [_("Ngày đến hạn"), _("Nội dung"), _("Mã cán bộ"), _("Họ và tên"), _("Chức vụ")]
    columns += [_("Đơn vị"), _("Đến đơn vị")]
    for year in report.years:
        columns += [
            _("Cá nhân năm %(year)s") % {"year": year},
            _("Đơn vị năm %(year)s") % {"year": year},
        ]
    columns += [_("Quy định không cho phép"), _("Lý do")]
    records = []
    for row in report.rows:
        values = [row.due, row.what, row.employee.code, row.employee.full_name, row.post_kind]
        values += [row.unit.name, row.to_unit.name if row.to_unit else ""]
        for (_year, person), (_same, unit) in zip(row.person_levels, row.unit_levels, strict=True):
            values += [person, unit]
        values += [_("Có") if row.flagged else "", " ".join(row.texts)]
        records.append(values)
    buffer = BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        pd.DataFrame.from_records(records, columns=columns).to_excel(
            writer, sheet_name=_("Bổ nhiệm lại, luân chuyển"), index=False
        )
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    code = report.organisation.code
    response["Content-Disposition"] = (
        f'attachment; filename="bo-nhiem-luan-chuyen-{code}-{report.on:%Y-%m-%d}.xlsx"'
    )
    return response


@login_required
def propose(request):
    """A proposal to appoint, reappoint or rotate someone: the rule's warnings are shown
    before saving, and saving a warned proposal needs the reason to go ahead."""
    organisation = _organisation_for(request, annual_permissions.can_read_personnel)
    today = clock.today()
    data = request.POST if request.method == "POST" else None
    initial = {"effective_on": today, **request.GET.dict()}
    form = ProposalForm(data, initial=initial, organisation=organisation, on=today)
    warnings: list[str] = []
    if form.is_valid():
        values = form.cleaned_data
        _rule, warnings = selectors.proposal_warnings(
            organisation=organisation,
            employee=values["employee"],
            kind=values["kind"],
            from_unit=values["from_unit"],
            to_unit=values["to_unit"],
            on=values["effective_on"],
        )
        try:
            services.personnel_proposal_create(organisation=organisation, by=request.user, **values)
        except ValidationError as error:
            for name, texts in error.message_dict.items():
                if name != "acknowledgement":
                    form.add_error(name if name in form.fields else None, texts)
            if "acknowledgement" in error.message_dict:
                form.add_error("acknowledgement", error.message_dict["acknowledgement"][-1])
        else:
            messages.success(request, _("Đã lưu đề xuất."))
            return redirect("annual:personnel")
    response = render(
        request,
        "annual/personnel_propose.html",
        {"form": form, "warnings": warnings, "organisation": organisation},
    )
    if form.is_bound:
        response.status_code = 400
    return response


@login_required
def rule_page(request):
    """The agency's rule in effect and its versions; HR issues a new version."""
    organisation = _organisation_for(request, annual_permissions.can_read_personnel)
    today = clock.today()
    may_edit = annual_permissions.can_edit_personnel_rule(request.user, organisation, today)
    current = selectors.rule_on(organisation, today)
    form = None
    if may_edit:
        initial = {name: getattr(current, name) for name in services.RULE_FIELDS}
        form = RuleForm(request.POST or None, initial={**initial, "effective_from": today})
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            values = dict(form.cleaned_data)
            try:
                services.personnel_rule_save(organisation=organisation, by=request.user, **values)
            except ValidationError as error:
                for name, texts in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, texts)
            else:
                messages.success(request, _("Đã ban hành phiên bản quy định."))
                return redirect("annual:personnel_rule")
    versions = PersonnelRule.objects.filter(organisation=organisation).select_related("recorded_by")
    response = render(
        request,
        "annual/personnel_rule.html",
        {"current": current, "versions": versions, "form": form},
    )
    if form is not None and form.is_bound:
        response.status_code = 400
    return response
