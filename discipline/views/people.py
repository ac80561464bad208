"""The people picker's search (`forms.PersonPicker`): the matching people of the user's
scope for one form's field, as a short list of buttons to choose from."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from discipline import permissions as rules
from hrsystem import selectors as hr_selectors
from hrsystem.forms import whole_number
from hrsystem.models import search_key

from .common import _require

LIMIT = 15
"""At most this many people listed: typing more letters narrows the search."""


def _staff(scope: rules.Scope, purpose: str):
    """Whom the form may name, as its view offers them: inspection members among the
    agency's people (the planner included), a dossier's officer among the others."""
    if purpose == "inspection":
        _require(scope.manages or bool(scope.inspect_ids))
        return scope.staff(scope.agency_unit_ids, with_self=True)
    if purpose == "dossier":
        _require(bool(scope.desk_ids))
        return scope.staff(scope.agency_unit_ids)
    raise Http404


@login_required
def people_search(request):
    """`?for=inspection|dossier&q=<2+ letters>[&unit=<id>]`: up to LIMIT people of the
    user's scope whose name or code contains the letters (diacritics ignored), in the
    unit when given; 3 queries whatever the agency's size."""
    scope = rules.Scope(request)
    people = _staff(scope, request.GET.get("for", ""))
    query = search_key(request.GET.get("q", ""))
    unit_id = whole_number(request.GET.get("unit"))
    if unit_id is not None and unit_id in scope.agency_unit_ids:
        in_unit = hr_selectors.employees_in_units([unit_id], on=scope.today)
        people = people.filter(pk__in=in_unit.values("pk"))
    found = []
    if len(query) >= 2:
        found = list(
            people.filter(search_name__contains=query).values("pk", "full_name", "code")[
                : LIMIT + 1
            ]
        )
    return render(
        request,
        "discipline/_people_results.html",
        {
            "people": found[:LIMIT],
            "more": len(found) > LIMIT,
            "short": len(query) < 2,
            "field": request.GET.get("field", ""),
        },
    )
