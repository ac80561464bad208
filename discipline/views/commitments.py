"""The year's commitments board."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from discipline import forms, services
from discipline import permissions as rules
from discipline.models import (
    Commitment,
)

from .common import _render, _require, _run, _year


@login_required
def commitment_board(request):
    """The year's conduct commitments: who has signed and who has not. The person signs
    their own; the HR officer issues the year's commitments to everyone."""
    scope = rules.Scope(request)
    year = _year(request, scope.today.year)
    organisation = scope.organisation
    issue_form = (
        forms.CommitmentsIssueForm(request.POST or None, initial={"year": year})
        if scope.manages
        else None
    )
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "sign":
            commitment = Commitment.objects.filter(
                pk=request.POST.get("commitment") or 0, signer__user=request.user.pk
            ).first()
            if commitment is None:
                raise Http404
            try:
                services.commitment_sign(commitment=commitment, by=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Đã ký bản cam kết."))
            return redirect(f"{reverse('discipline:commitment_board')}?year={commitment.year}")
        _require(action == "issue" and issue_form is not None)
        issued = []
        if issue_form.is_valid() and _run(
            issue_form,
            lambda: issued.extend(
                services.commitments_issue_year(
                    organisation=organisation,
                    on=scope.today,
                    by=request.user,
                    **issue_form.cleaned_data,
                )
            ),
        ):
            messages.success(
                request, _("Đã phát hành %(count)s bản cam kết.") % {"count": len(issued)}
            )
            year = issue_form.cleaned_data["year"]
            return redirect(f"{reverse('discipline:commitment_board')}?year={year}")
    commitments = Commitment.objects.filter(organisation=organisation, year=year)
    if not (scope.manages or organisation.pk in _leading_agencies(scope)):
        commitments = commitments.filter(
            Q(signer__user=request.user.pk) | Q(unit_id__in=scope.view_ids)
        )
    commitments = list(
        commitments.select_related("signer", "counterpart", "unit").order_by(
            "level", "unit__path", "signer__full_name"
        )
    )
    signed = sum(1 for commitment in commitments if commitment.signed_on)
    return _render(
        request,
        "discipline/commitment_board.html",
        {
            "year": year,
            "year_form": forms.YearForm(initial={"year": year}),
            "commitments": commitments,
            "signed": signed,
            "unsigned": len(commitments) - signed,
            "issue_form": issue_form,
        },
        failed=request.method == "POST",
    )


def _leading_agencies(scope: rules.Scope) -> set[int]:
    """Agencies whose root unit the person leads today (the agency leader sees all)."""
    return {post.unit.organisation_id for post in scope.person.posts if post.unit.parent_id is None}
