"""Where every evaluation page starts: the record named in the URL if the user may
open it (404 outside their agencies, 403 inside), and service errors as words."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from evaluation import forms
from evaluation.models import (
    Evaluation,
    Period,
)
from hrsystem import clock, permissions
from hrsystem.models import Unit
from hrsystem.permissions import Perm, viewer


def _on(period: Period) -> date:
    """The day whose posts and grants decide rights over `period`: its end, or today."""
    return min(period.end, clock.today())


def _evaluations():
    return Evaluation.objects.select_related(
        "period", "period__organisation", "employee", "unit", "job_position"
    )


def _get_evaluation_for_user(request, pk: int, *, own: bool = False) -> Evaluation:
    """The evaluation if the user may open it: their own, or (unless `own`) one of a
    person in a unit whose records they may view or whom they may score."""
    evaluation = get_object_or_404(_evaluations(), pk=pk)
    user = request.user
    if evaluation.employee.user_id == user.pk:
        return evaluation
    if not own:
        on = _on(evaluation.period)
        if evaluation.unit_id in permissions.unit_ids_for(
            user, Perm.VIEW_UNIT_RECORDS, on
        ) or permissions.can_score(user, evaluation.employee, on):
            return evaluation
    permissions.refuse(request, evaluation.period.organisation_id)


def _get_period_for_user(request, pk: int) -> Period:
    """The period if it belongs to an agency the user works in or holds a post or role in."""
    period = get_object_or_404(
        Period.objects.select_related("organisation", "rule_set", "opened_by"), pk=pk
    )
    if not viewer(request).may_see_organisation(period.organisation_id):
        raise Http404
    return period


def _get_unit_for_period(request, period: Period, unit_pk: int) -> Unit:
    unit = Unit.objects.filter(pk=unit_pk, organisation=period.organisation_id).first()
    if unit is None:
        raise Http404
    return unit


def _require_manage(request, organisation) -> None:
    if not permissions.can_manage_org(request.user, organisation):
        raise PermissionDenied


def _field_labels(rules, items=()) -> dict[str, str]:
    """The services' error keys (`final[2]`, `items[7].late`...) as words a person reads."""
    labels = {}
    for index, criterion in enumerate(rules.general_criteria):
        labels[f"proposed[{index}]"] = labels[f"final[{index}]"] = criterion.name
    for item in items:
        labels[f"done[{item.pk}]"] = item.name
        labels[f"items[{item.pk}].late"] = _("“%(item)s”: số ngày chậm") % {"item": item.name}
        labels[f"items[{item.pk}].major_errors"] = _("“%(item)s”: số lần chưa đạt") % {
            "item": item.name
        }
    labels.update(
        {
            "dd": str(forms.LEADER_DD_LABEL),
            "dd_reason": _("Lý do không đạt (đ)"),
            "e": str(forms.LEADER_E_LABEL),
            "e_reason": _("Lý do không đạt (e)"),
            "late_excused": _("Số ngày chậm có lý do"),
            "excuse_reason": _("Lý do khách quan"),
        }
    )
    return labels


def _messages_of(error: ValidationError, labels: dict | None = None) -> list[str]:
    """Every message of a service's ValidationError, prefixed with the field it names."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    found = []
    for key, texts in error.message_dict.items():
        label = (labels or {}).get(key)
        found += [f"{label}: {text}" if label and label not in text else text for text in texts]
    return found


def _flash_error(request, error: ValidationError) -> None:
    for message in _messages_of(error):
        messages.error(request, message)
