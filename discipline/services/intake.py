"""Dossiers sent in batches by the one-stop portal (through the API): all rows or none."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from discipline.models import DossierRecord
from hrsystem import batches
from hrsystem.models import Employee, Organisation, Unit
from hrsystem.service_checks import raise_if

from .dossiers import dossier_record


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
