"""What the year's pages offer of the official forms, by who looks (the links and the
issuing block); reads only. The files themselves are `views_forms`'."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from evaluation.annual import models
from evaluation.models import IssuedDocument
from evaluation.paper import annual as forms
from hrsystem import permissions
from hrsystem.models import Unit
from hrsystem.permissions import Perm


def may_print_unit(user, unit: Unit, on: date) -> bool:
    """May `user` print `unit`'s list, annex and sheets of the year whose rights are
    decided on `on`? (For the unit's page.)"""
    return permissions.can_read_results(
        user, unit.organisation, on
    ) or unit.pk in permissions.unit_ids_for(user, Perm.VIEW_UNIT_RECORDS, on)


def units_page_forms(user, organisation, year: int, on: date, own_units: bool) -> dict:
    """What the units page offers of the year's forms: the agency's list and annex and
    all the sheets (to those who read every unit's results), and for HR the issued
    list and annex with their signatures once the year is published; 2 queries."""
    if own_units:
        return {"forms_agency": False}
    may_issue = permissions.can_manage_org(user, organisation, on)
    issued = {}
    published = False
    if may_issue:
        published = models.AnnualReview.objects.filter(
            organisation=organisation, year=year, state=models.YearState.PUBLISHED
        ).exists()
        numbers = {
            forms.list_document_id(organisation, year): "list",
            forms.annex_document_id(organisation, year): "annex",
        }
        for document in IssuedDocument.objects.filter(document_id__in=numbers).defer(
            "pdf", "signed_pdf"
        ):
            issued[numbers[document.document_id]] = document
    return {
        "forms_agency": True,
        "forms_issue": may_issue and published,
        "forms_issued": [
            (kind, label, issued.get(kind))
            for kind, label in (
                ("list", _("Danh sách xếp loại")),
                ("annex", _("Phụ lục danh hiệu")),
            )
        ],
    }
