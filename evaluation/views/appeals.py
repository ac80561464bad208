"""Deciding an appeal of a published result."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from evaluation import forms, presenters, selectors, services
from evaluation.models import (
    Appeal,
    AppealState,
)
from evaluation.rulesets import rule_set_from_snapshot
from hrsystem import permissions

from .access import _evaluations, _field_labels, _messages_of


def _get_appeal_for_decider(request, pk: int) -> Appeal:
    appeal = get_object_or_404(
        Appeal.objects.select_related(
            "evaluation",
            "evaluation__period",
            "evaluation__period__organisation",
            "evaluation__employee",
            "evaluation__unit",
            "filed_by",
            "decided_by__employee",
        ),
        pk=pk,
    )
    decider = services.appeal_decider(appeal.evaluation)
    if decider is None or decider.user_id != request.user.pk:
        permissions.refuse(request, appeal.evaluation.period.organisation_id)
    return appeal


@login_required
def appeal_decide(request, pk: int):
    """The superior's superior (or the agency leader) upholds or rejects an appeal.

    Upholding carries what it corrects (general criteria, work items, leader criteria,
    deductions annulled) into a new version.
    """
    appeal = _get_appeal_for_decider(request, pk)
    evaluation = selectors.with_details(_evaluations()).get(pk=appeal.evaluation_id)
    rules = rule_set_from_snapshot(evaluation.rule_set_snapshot)
    scores = {s.criterion_index: s for s in evaluation.criterion_scores.all()}
    data = request.POST if request.method == "POST" else None
    decision = forms.AppealDecisionForm(data)
    row = forms.AppealCorrectionForm(
        data,
        evaluation=evaluation,
        criteria=rules.general_criteria,
        scores=scores,
        items=list(evaluation.work_items.all()),
        leader_rights=evaluation.is_leader,
        violations=presenters.violations_of(evaluation),
    )
    error_messages = []
    if data is not None and appeal.state == AppealState.PENDING:
        if decision.is_valid() and row.is_valid():
            upheld = decision.cleaned_data["decision"] == forms.AppealDecisionForm.UPHOLD
            changes = {}
            if upheld:
                changes["final"] = {
                    index: value
                    for index, value in row.finals().items()
                    if value is not None and value != getattr(scores.get(index), "final", None)
                }
                changes["items"] = row.item_changes()
                changes["annul"] = row.annulled()
                changes.update(row.leader_scores() or {})
            try:
                services.appeal_decide(
                    appeal=appeal,
                    upheld=upheld,
                    reason=decision.cleaned_data["reason"],
                    by=request.user,
                    **changes,
                )
            except ValidationError as error:
                error_messages = _messages_of(error, _field_labels(rules))
            else:
                messages.success(request, _("Đã giải quyết kiến nghị."))
                return redirect("home")
        else:
            error_messages = decision_errors = []
            for form in (decision, row):
                for name, errors in form.errors.items():
                    label = form.fields[name].label if name in form.fields else ""
                    decision_errors += [f"{label}: {e}" if label else e for e in errors]
    return render(
        request,
        "evaluation/appeal_decide.html",
        {
            "appeal": appeal,
            "b": presenters.breakdown(evaluation, row.violations),
            "decision": decision,
            "row": row,
            "error_messages": error_messages,
        },
        status=400 if error_messages else 200,
    )
