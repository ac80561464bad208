"""The one-stop desk: dossiers, apology letters, monthly counts and their import, the
timeliness report (page, PDF, spreadsheet)."""

from __future__ import annotations

import pandas as pd
import tablib
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from discipline import forms, pdf, selectors, services, tables
from discipline import permissions as rules
from discipline.models import (
    ApologyReason,
    DossierRecord,
    DossierStatus,
)
from discipline.resources import DossierMonthlyCountResource
from hrsystem import clock, exports, spreadsheets
from hrsystem import permissions as hr

from .common import LETTER_STATES, _export, _month, _page, _render, _require, _run, _xlsx


def _desk_scope(request) -> rules.Scope:
    scope = rules.Scope(request)
    _require(bool(scope.reach))
    return scope


@login_required
def desk(request):
    """The one-stop desk for a month: dossiers received or settled in it, in the person's
    units, the late dossiers whose apology letter is missing or late, and the open ones
    due within the agency's notice window, so the head can notify the citizen in time."""
    scope = _desk_scope(request)
    month = _month(request, scope.today)
    first, last = selectors.month_bounds(month.year, month.month)
    dossiers = (
        DossierRecord.objects.filter(unit_id__in=scope.reach)
        .filter(Q(received_on__range=(first, last)) | Q(settled_on__range=(first, last)))
        .select_related("unit", "officer", "apology_letter")
        .order_by("unit__path", "due_on", "code")
    )
    if exports.wanted(request):
        return _export(
            request,
            tables.DOSSIERS,
            dossiers,
            scope=scope,
            unit_ids=scope.reach,
            notes=[_("Tháng %(month)s") % {"month": f"{month:%m/%Y}"}],
        )
    flags = [
        flag
        for flag in selectors.apology_letter_flags(
            organisation=scope.organisation, start=first, end=last, today=scope.today
        )
        if flag.unit_id in scope.reach
    ]
    return render(
        request,
        "discipline/desk.html",
        {
            "month": month,
            "month_form": forms.MonthForm(initial={"month": month}),
            "page": _page(request, dossiers),
            "flags": flags,
            "due_soon": selectors.dossiers_due_soon(
                organisation=scope.organisation, unit_ids=scope.reach, today=scope.today
            ),
            "notice_days": selectors.apology_notice_days(scope.organisation),
            "may_record": bool(scope.desk_ids),
        },
    )


@login_required
def dossier_record(request):
    """The one-stop officer records a dossier received (and its result, if settled)."""
    scope = rules.Scope(request)
    _require(bool(scope.desk_ids))
    form = forms.DossierForm(
        request.POST or None,
        units=scope.units(scope.desk_ids),
        staff=scope.staff(scope.agency_unit_ids),
        initial={"received_on": scope.today},
    )
    if request.method == "POST" and form.is_valid():
        holder = {}

        def record():
            holder["dossier"] = services.dossier_record(by=request.user, **form.cleaned_data)

        if _run(form, record):
            messages.success(request, _("Đã ghi nhận hồ sơ."))
            return redirect("discipline:dossier_detail", pk=holder["dossier"].pk)
    return _render(
        request,
        "discipline/form_page.html",
        {
            "form": form,
            "title": _("Tiếp nhận hồ sơ"),
            "submit": _("Ghi nhận hồ sơ"),
            "back": reverse("discipline:desk"),
        },
        failed=form.is_bound and not form.is_valid(),
    )


def _get_dossier_for_user(request, pk: int) -> DossierRecord:
    dossier = get_object_or_404(
        DossierRecord.objects.select_related("unit", "officer", "organisation"), pk=pk
    )
    if dossier.unit_id in rules.Scope(request).reach:
        return dossier
    hr.refuse(request, dossier.organisation_id)


@login_required
def dossier_detail(request, pk: int):
    """A dossier: the desk records its result and apology letter; the officer's head
    certifies an objective cause of a late one."""
    dossier = _get_dossier_for_user(request, pk)
    user, today = request.user, clock.today()
    letter = getattr(dossier, "apology_letter", None)
    may_desk = rules.can_record_desk(user, dossier.unit, today)
    may_letter = letter is None and rules.can_apologise(user, dossier.unit, today)
    reasons = [ApologyReason.WRONG_RESULT]
    if dossier.status != DossierStatus.ON_TIME:
        reasons.insert(0, ApologyReason.LATE_DOSSIER)
    may_excuse = (
        dossier.status == DossierStatus.LATE
        and not dossier.excused
        and hr.can_certify_delay(user, dossier.officer, dossier.settled_on or today)
    )
    settle_form = forms.SettleForm() if may_desk and dossier.settled_on is None else None

    def apology_form(data=None):
        scope = rules.Scope(request)
        return forms.ApologyForm(
            data,
            reasons=reasons,
            signers=scope.staff(scope.agency_unit_ids, with_self=True),
            initial={"recipient": dossier.citizen_name, "sent_on": today},
        )

    letter_form = apology_form() if may_letter else None
    excuse_form = forms.ExcuseForm() if may_excuse else None
    failed = False
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "settle" and settle_form is not None:
            settle_form = forms.SettleForm(request.POST)
            saved = settle_form.is_valid() and _run(
                settle_form,
                lambda: services.dossier_settle(
                    dossier=dossier, by=user, **settle_form.cleaned_data
                ),
            )
        elif action == "letter" and letter_form is not None:
            letter_form = apology_form(request.POST)
            saved = letter_form.is_valid() and _run(
                letter_form,
                lambda: services.apology_record(
                    dossier=dossier, by=user, **letter_form.cleaned_data
                ),
                {"dossier": None},
            )
        elif action == "excuse" and excuse_form is not None:
            excuse_form = forms.ExcuseForm(request.POST)
            saved = excuse_form.is_valid() and _run(
                excuse_form,
                lambda: services.dossier_excuse(
                    dossier=dossier, reason=excuse_form.cleaned_data["reason"], by=user
                ),
                {"excuse_reason": "reason", "dossier": None},
            )
        else:
            raise PermissionDenied
        if saved:
            messages.success(request, _("Đã lưu."))
            return redirect("discipline:dossier_detail", pk=dossier.pk)
        failed = True
    return _render(
        request,
        "discipline/dossier_detail.html",
        {
            "dossier": dossier,
            "letter": letter,
            "settle_form": settle_form,
            "letter_form": letter_form,
            "excuse_form": excuse_form,
        },
        failed=failed,
    )


def _import_errors(result) -> list[str]:
    """Every error of an import result as a sentence naming the row and the column."""
    found = [str(error.error) for error in result.base_errors]
    for number, errors in result.row_errors():
        found += [
            _("Dòng %(row)s: %(error)s") % {"row": number + 1, "error": error.error}
            for error in errors
        ]
    for invalid in result.invalid_rows:
        for texts in invalid.error_dict.values():
            found += list(texts)
    return found


COUNT_MAX_BYTES = 2 * 1024 * 1024
COUNT_MAX_ROWS = 20_000
"""A year of counts for a few hundred units is well under these."""


def _dataset(upload) -> tablib.Dataset:
    return spreadsheets.dataset(
        upload.read(), upload.name, max_bytes=COUNT_MAX_BYTES, max_rows=COUNT_MAX_ROWS
    )


@login_required
def count_import(request):
    """Import units' monthly dossier counts from a spreadsheet: every row is checked
    first, and nothing is saved while any row has an error."""
    scope = rules.Scope(request)
    _require(bool(scope.desk_ids) or scope.manages)
    form = forms.CountImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            dataset = _dataset(form.cleaned_data["file"])
        except spreadsheets.Unreadable as error:
            form.add_error("file", error.message)
        else:
            resource = DossierMonthlyCountResource()
            checked = resource.import_data(dataset, dry_run=True, user=request.user)
            errors = _import_errors(checked)
            if not errors:
                resource.import_data(dataset, dry_run=False, user=request.user)
                messages.success(
                    request,
                    _("Đã nhập số liệu của %(count)s dòng.") % {"count": len(dataset)},
                )
                return redirect("discipline:desk")
    return _render(
        request,
        "discipline/count_import.html",
        {"form": form, "import_errors": errors},
        failed=bool(errors) or (form.is_bound and not form.is_valid()),
    )


def _timeliness(request):
    scope = _desk_scope(request)
    month = _month(request, scope.today)
    report = selectors.timeliness_report(
        organisation=scope.organisation, year=month.year, month=month.month
    )
    units = [row for row in report.units if row.unit_id in scope.reach]
    late = [(unit, dossier) for unit in units for dossier in unit.late_dossiers]
    return scope, month, report, units, late


@login_required
def timeliness(request):
    """The monthly dossier timeliness report (due by the 15th of the next month)."""
    scope, month, report, units, late = _timeliness(request)
    return render(
        request,
        "discipline/timeliness.html",
        {
            "month": month,
            "month_form": forms.MonthForm(initial={"month": month}),
            "report": report,
            "units": units,
            "late": late,
            "organisation": scope.organisation,
            "query": f"month={month:%Y-%m}",
        },
    )


@login_required
def timeliness_pdf(request):
    scope, month, report, units, late = _timeliness(request)
    return pdf.pdf_response(
        "discipline/timeliness_pdf.html",
        {
            "organisation": scope.organisation,
            "report": report,
            "units": units,
            "late_tables": pdf.chunks(late),
            "printed_on": scope.today,
        },
        f"bao-cao-dung-han-{month:%Y-%m}.pdf",
    )


@login_required
def timeliness_xlsx(request):
    _scope, month, _report, units, late = _timeliness(request)
    summary = pd.DataFrame.from_records(
        [
            (
                unit.unit_code,
                unit.unit_name,
                unit.on_time,
                unit.late,
                unit.on_time_rate,
                unit.apologies,
            )
            for unit in units
        ],
        columns=[
            _("Mã đơn vị"),
            _("Đơn vị"),
            _("Đúng hạn"),
            _("Trễ hạn"),
            _("Tỷ lệ đúng hạn (%)"),
            _("Lời xin lỗi"),
        ],
    )
    late = pd.DataFrame.from_records(
        [
            (
                unit.unit_name,
                dossier.code,
                dossier.citizen_name,
                dossier.officer_name,
                dossier.due_on,
                dossier.settled_on,
                dossier.days_late,
                _("Có") if dossier.excused else _("Không"),
                LETTER_STATES[dossier.apology_letter],
            )
            for unit, dossier in late
        ],
        columns=[
            _("Đơn vị"),
            _("Mã hồ sơ"),
            _("Tổ chức, công dân"),
            _("Cán bộ xử lý"),
            _("Ngày hẹn trả"),
            _("Ngày trả kết quả"),
            _("Số ngày trễ"),
            _("Nguyên nhân khách quan"),
            _("Thư xin lỗi"),
        ],
    )
    return _xlsx(
        {_("Tổng hợp"): summary, _("Hồ sơ trễ hạn"): late},
        f"bao-cao-dung-han-{month:%Y-%m}.xlsx",
    )
