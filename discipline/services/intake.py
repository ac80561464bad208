"""Dossiers sent in batches by the one-stop portal (through the API): all rows or none."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from discipline.models import DossierMonthlyCount, DossierRecord
from hrsystem import batches
from hrsystem.models import Employee, Organisation, Unit
from hrsystem.service_checks import raise_if

from .dossiers import dossier_count_record, dossier_record


@transaction.atomic
def dossiers_receive(*, organisation: Organisation, rows: list[dict], by) -> list[DossierRecord]:
    """Record every dossier of `rows` in `organisation` through `dossier_record` (its
    checks and rights for each), or none: a bad row raises one ValidationError naming
    `items[<row>].<field>` for every bad row. Units and officers are named by code."""
    units = {u.code: u for u in Unit.objects.filter(organisation=organisation)}
    officers = {
        e.code: e for e in Employee.objects.filter(code__in={str(r["officer"]) for r in rows})
    }
    taken = set(
        DossierRecord.objects.filter(
            organisation=organisation, code__in={str(r["code"]).strip() for r in rows}
        ).values_list("unit__code", "code")
    )

    def receive(row: dict) -> DossierRecord:
        errors = {}
        if row["unit"] not in units:
            errors["unit"] = _("Không có đơn vị mã %(code)s trong cơ quan.") % {"code": row["unit"]}
        if row["officer"] not in officers:
            errors["officer"] = _("Không có cán bộ mã %(code)s.") % {"code": row["officer"]}
        key = (row["unit"], row["code"].strip())
        if key in taken:
            errors["code"] = _("Đơn vị đã có hồ sơ mang mã này.")
        raise_if(errors)
        taken.add(key)
        fields = {k: row[k] for k in ("code", "citizen_name", "received_on", "due_on")}
        return dossier_record(
            unit=units[row["unit"]],
            officer=officers[row["officer"]],
            procedure=row.get("procedure", ""),
            settled_on=row.get("settled_on"),
            by=by,
            **fields,
        )

    return batches.run_rows(rows, receive, name="items")


@transaction.atomic
def dossier_counts_receive(
    *, organisation: Organisation, year: int, month: int, rows: list[dict], by
) -> list[DossierMonthlyCount]:
    """Record (or correct) the month's counts of every unit of `rows` (`unit`, `officer`
    codes, `on_time`, `late`) through `dossier_count_record` (its checks and rights: a
    locked or future month is refused), or none; a unit twice in a batch is refused."""
    units = {u.code: u for u in Unit.objects.filter(organisation=organisation)}
    officers = {
        e.code: e for e in Employee.objects.filter(code__in={str(r["officer"]) for r in rows})
    }
    seen = set()

    def receive(row: dict) -> DossierMonthlyCount:
        errors = {}
        if row["unit"] not in units:
            errors["unit"] = _("Không có đơn vị mã %(code)s trong cơ quan.") % {"code": row["unit"]}
        elif row["unit"] in seen:
            errors["unit"] = _("Đơn vị này đã có ở dòng trước của cùng lô.")
        if row["officer"] not in officers:
            errors["officer"] = _("Không có cán bộ mã %(code)s.") % {"code": row["officer"]}
        raise_if(errors)
        seen.add(row["unit"])
        return dossier_count_record(
            unit=units[row["unit"]],
            year=year,
            month=month,
            on_time=row["on_time"],
            late=row["late"],
            officer=officers[row["officer"]],
            by=by,
        )

    return batches.run_rows(rows, receive, name="items")
