"""Report tables of the discipline ledger as pandas DataFrames.

Frames are built from `values_list` rows; points and percentages stay `Decimal` (object
columns) so the figures shown and exported are exact. Each function states its query
count; annulled violations never appear. `hrsystem.exports.workbook` writes them to Excel.
"""

from datetime import date
from decimal import Decimal

import pandas as pd

from hrsystem.models import Assignment, Organisation, Unit
from hrsystem.selectors import active_on

from .models import (
    DisciplineDecision,
    InspectionCheck,
    SatisfactionSurvey,
    Violation,
    ViolationStatus,
    percent,
)
from .selectors import monthly_dossier_counts


def _decimal_sum(values) -> Decimal:
    return sum(values, Decimal(0))


def _frame(rows, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame.from_records(list(rows), columns=columns)


def violations_by_unit_type_month(*, organisation: Organisation, year: int) -> pd.DataFrame:
    """One row per unit, catalogue code and month of the year: `count` and `points`
    (Decimal sum) of the counted violations, by unit path then code then month; 1 query."""
    rows = (
        Violation.objects.filter(organisation=organisation, occurred_on__year=year)
        .exclude(status=ViolationStatus.ANNULLED)
        .values_list(
            "unit__path",
            "unit__code",
            "unit__name",
            "item__code",
            "item__description",
            "occurred_on",
            "points",
        )
    )
    columns = ["path", "unit_code", "unit_name", "code", "description", "occurred_on", "points"]
    frame = _frame(rows, columns)
    result_columns = ["unit_code", "unit_name", "code", "description", "month", "count", "points"]
    if frame.empty:
        return pd.DataFrame(columns=result_columns)
    frame["month"] = frame["occurred_on"].map(lambda day: day.month)
    grouped = (
        frame.groupby(["path", "unit_code", "unit_name", "code", "description", "month"])
        .agg(count=("points", "size"), points=("points", _decimal_sum))
        .reset_index()
        .sort_values(["path", "code", "month"])
    )
    return grouped[result_columns].reset_index(drop=True)


def people_disciplined(*, organisation: Organisation, year: int) -> pd.DataFrame:
    """The year's discipline decisions, one row each, by decision date; 1 query."""
    rows = (
        DisciplineDecision.objects.filter(organisation=organisation, decided_on__year=year)
        .order_by("decided_on", "number")
        .values_list(
            "number",
            "decided_on",
            "employee__code",
            "employee__full_name",
            "unit__code",
            "unit__name",
            "form__name",
            "form__severity",
            "public_duty",
            "effect_from",
            "effect_to",
            "signer_name",
            "legal_basis",
        )
    )
    return _frame(
        rows,
        [
            "number",
            "decided_on",
            "employee_code",
            "full_name",
            "unit_code",
            "unit_name",
            "form",
            "severity",
            "public_duty",
            "effect_from",
            "effect_to",
            "signer_name",
            "legal_basis",
        ],
    )


def office_culture_compliance(
    *, organisation: Organisation, start: date, end: date, on: date | None = None
) -> pd.DataFrame:
    """Per unit: staff working there on `on` (default `end`), how many of them had no
    counted office-culture violation in [start, end], and that share in percent (Decimal,
    2 places); and the office-culture checklist items inspections checked in the unit in
    [start, end], how many were met and that share (None without checks), so a unit
    inspected without findings shows what was checked. Units without staff are left out;
    4 queries."""
    on = on or end
    staff = _frame(
        Assignment.objects.filter(active_on(on), unit__organisation=organisation).values_list(
            "unit_id", "employee_id"
        ),
        ["unit_id", "employee_id"],
    )
    violators = set(
        Violation.objects.filter(
            organisation=organisation,
            occurred_on__range=(start, end),
            employee__isnull=False,
            item__office_culture=True,
        )
        .exclude(status=ViolationStatus.ANNULLED)
        .values_list("employee_id", flat=True)
    )
    checks = _frame(
        InspectionCheck.objects.filter(
            inspection__organisation=organisation,
            checked_on__range=(start, end),
            item__office_culture=True,
        ).values_list("unit_id", "met"),
        ["unit_id", "met"],
    )
    columns = ["unit_code", "unit_name", "staff", "compliant", "rate"]
    columns += ["checks", "checks_met", "check_rate"]
    if staff.empty:
        return pd.DataFrame(columns=columns)
    staff["compliant"] = ~staff["employee_id"].isin(violators)
    per_unit = staff.groupby("unit_id").agg(
        staff=("employee_id", "nunique"), compliant=("compliant", "sum")
    )
    units = _frame(
        Unit.objects.filter(pk__in=per_unit.index.tolist())
        .order_by("path")
        .values_list("pk", "code", "name"),
        ["unit_id", "unit_code", "unit_name"],
    )
    frame = units.join(per_unit, on="unit_id")
    frame["staff"] = frame["staff"].astype(int)
    frame["compliant"] = frame["compliant"].astype(int)
    frame["rate"] = [
        percent(compliant, total)
        for compliant, total in zip(frame["compliant"], frame["staff"], strict=True)
    ]
    checked = checks.groupby("unit_id")["met"]
    totals, met = checked.size().to_dict(), checked.sum().to_dict()
    frame["checks"] = [int(totals.get(unit_id, 0)) for unit_id in frame["unit_id"]]
    frame["checks_met"] = [int(met.get(unit_id, 0)) for unit_id in frame["unit_id"]]
    frame["check_rate"] = [
        percent(done, total)
        for done, total in zip(frame["checks_met"], frame["checks"], strict=True)
    ]
    return frame[columns].reset_index(drop=True)


def on_time_rates(*, organisation: Organisation, year: int) -> pd.DataFrame:
    """Per unit and month of the year: dossiers on time, late, the on-time rate (Decimal,
    2 places) and whether the unit reported counts; 3 queries."""
    months = monthly_dossier_counts(
        organisation=organisation, start=date(year, 1, 1), end=date(year, 12, 31)
    )
    columns = ["unit_code", "unit_name", "month", "on_time", "late", "rate", "reported"]
    if not months:
        return pd.DataFrame(columns=columns)
    counts = _frame(
        [
            (unit_id, month, on_time, late, reported)
            for (unit_id, _year, month), (on_time, late, reported) in months.items()
        ],
        ["unit_id", "month", "on_time", "late", "reported"],
    )
    units = _frame(
        Unit.objects.filter(pk__in=counts["unit_id"].unique().tolist()).values_list(
            "pk", "code", "name", "path"
        ),
        ["unit_id", "unit_code", "unit_name", "path"],
    )
    frame = counts.merge(units, on="unit_id").sort_values(["path", "month"])
    frame["rate"] = [
        percent(on_time, on_time + late)
        for on_time, late in zip(frame["on_time"], frame["late"], strict=True)
    ]
    return frame[columns].reset_index(drop=True)


def survey_dashboard(*, organisation: Organisation, year: int) -> pd.DataFrame:
    """The year's satisfaction results, one row per unit, source and period, with the
    satisfied share (Decimal, 2 places); by unit path, then period; 1 query."""
    rows = (
        SatisfactionSurvey.objects.filter(organisation=organisation, year=year)
        .order_by("unit__path", "source", "month", "period_label")
        .values_list(
            "unit__code",
            "unit__name",
            "source",
            "month",
            "period_label",
            "respondents",
            "satisfied",
        )
    )
    frame = _frame(
        rows,
        ["unit_code", "unit_name", "source", "month", "period_label", "respondents", "satisfied"],
    )
    frame["satisfied_pct"] = [
        percent(satisfied, respondents)
        for satisfied, respondents in zip(frame["satisfied"], frame["respondents"], strict=True)
    ]
    return frame


def survey_year_totals(*, organisation: Organisation, year: int) -> pd.DataFrame:
    """Per unit and source: respondents and satisfied summed over the year's surveys and the
    satisfied share of the sums (Decimal, 2 places); 1 query."""
    frame = survey_dashboard(organisation=organisation, year=year)
    columns = ["unit_code", "unit_name", "source", "respondents", "satisfied", "satisfied_pct"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    totals = (
        frame.groupby(["unit_code", "unit_name", "source"], sort=False)[
            ["respondents", "satisfied"]
        ]
        .sum()
        .reset_index()
    )
    totals["satisfied_pct"] = [
        percent(satisfied, respondents)
        for satisfied, respondents in zip(totals["satisfied"], totals["respondents"], strict=True)
    ]
    return totals[columns]
