"""The ledger's dashboards and their spreadsheet."""

from __future__ import annotations

from datetime import date

import pandas as pd
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from discipline import forms, reports, selectors
from discipline import permissions as rules
from discipline.models import (
    percent,
)

from .common import _month, _require, _xlsx, _year


def _report_frames(request):
    scope = rules.Scope(request)
    _require(bool(scope.view_ids) or scope.manages)
    year = _year(request, scope.today.year)
    month = _month(request, scope.today)
    if month.year != year:
        month = date(year, 12 if year < scope.today.year else scope.today.month, 1)
    codes = set(scope.units(scope.reach).values_list("code", flat=True))
    organisation = scope.organisation

    def mine(frame):
        return frame[frame["unit_code"].isin(codes)].reset_index(drop=True)

    first, last = selectors.month_bounds(month.year, month.month)
    frames = {
        "violations": mine(
            reports.violations_by_unit_type_month(organisation=organisation, year=year)
        ),
        "compliance": mine(
            reports.office_culture_compliance(organisation=organisation, start=first, end=last)
        ),
        "on_time": mine(reports.on_time_rates(organisation=organisation, year=year)),
        "disciplined": reports.people_disciplined(organisation=organisation, year=year),
    }
    if not scope.manages:
        frames["disciplined"] = frames["disciplined"][
            frames["disciplined"]["unit_code"].isin(codes)
        ]
    return scope, year, month, frames


def _pivot(frame: pd.DataFrame, index: list[str], value: str) -> list[dict]:
    """Rows of `frame` grouped by `index` with one `months` list (1–12) of `value`."""
    rows: dict[tuple, dict] = {}
    for record in frame.to_dict("records"):
        key = tuple(record[name] for name in index)
        row = rows.setdefault(key, {**dict(zip(index, key, strict=True)), "months": [None] * 12})
        row["months"][int(record["month"]) - 1] = record[value]
    return list(rows.values())


@login_required
def report_dashboard(request):
    """Violations by unit, type and month; office-culture compliance per unit; on-time
    rates per unit and month; people disciplined — charts with their tables."""
    scope, year, month, frames = _report_frames(request)
    on_time = frames["on_time"]
    year_rates = []
    if not on_time.empty:
        sums = on_time.groupby(["unit_code", "unit_name"], sort=False)[["on_time", "late"]].sum()
        for (_code, name), row in sums.iterrows():
            total = int(row["on_time"]) + int(row["late"])
            year_rates.append((name, percent(int(row["on_time"]), total)))
    compliance = frames["compliance"].to_dict("records")
    return render(
        request,
        "discipline/report_dashboard.html",
        {
            "year": year,
            "month": month,
            "filter_query": f"year={year}&month={month:%Y-%m}",
            "year_form": forms.YearForm(initial={"year": year}),
            "month_form": forms.MonthForm(initial={"month": month}),
            "violations": _pivot(
                frames["violations"], ["unit_code", "unit_name", "code", "description"], "count"
            ),
            "compliance": compliance,
            "compliance_bars": [(row["unit_name"], row["rate"]) for row in compliance],
            "on_time": _pivot(on_time, ["unit_code", "unit_name"], "rate"),
            "year_rates": year_rates,
            "disciplined": frames["disciplined"].to_dict("records"),
            "month_numbers": range(1, 13),
        },
    )


@login_required
def report_xlsx(request):
    """The dashboards' tables as an Excel workbook; violations read by their description,
    the catalogue code beside it."""
    _scope, year, month, frames = _report_frames(request)
    headings = {
        "unit_code": _("Mã đơn vị"),
        "unit_name": _("Đơn vị"),
        "description": _("Hành vi vi phạm"),
        "code": _("Mã trong danh mục"),
        "month": _("Tháng"),
        "count": _("Số vi phạm"),
        "points": _("Điểm trừ"),
        "staff": _("Số người"),
        "compliant": _("Số người chấp hành"),
        "rate": _("Tỷ lệ (%)"),
        "checks": _("Số mục đã kiểm tra"),
        "checks_met": _("Số mục đạt"),
        "check_rate": _("Tỷ lệ mục đạt (%)"),
        "on_time": _("Đúng hạn"),
        "late": _("Trễ hạn"),
        "reported": _("Số liệu báo cáo"),
        "number": _("Số quyết định"),
        "decided_on": _("Ngày quyết định"),
        "employee_code": _("Mã cán bộ"),
        "full_name": _("Họ và tên"),
        "form": _("Hình thức kỷ luật"),
        "severity": _("Mức độ"),
        "public_duty": _("Vi phạm công vụ"),
        "effect_from": _("Hiệu lực từ"),
        "effect_to": _("Hiệu lực đến"),
        "signer_name": _("Người ký"),
        "legal_basis": _("Căn cứ pháp lý"),
    }
    sheets = {
        _("Vi phạm %(year)s") % {"year": year}: frames["violations"][
            ["unit_code", "unit_name", "description", "code", "month", "count", "points"]
        ],
        _("Văn hoá công sở %(month)s") % {"month": f"{month:%m-%Y}"}: frames["compliance"],
        _("Đúng hạn %(year)s") % {"year": year}: frames["on_time"],
        _("Kỷ luật %(year)s") % {"year": year}: frames["disciplined"],
    }
    return _xlsx(
        {name: frame.rename(columns=headings) for name, frame in sheets.items()},
        f"bao-cao-ky-luat-{year}.xlsx",
    )
