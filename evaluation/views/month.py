"""The employee's pages: the month (declared work and self-assessment), the results
and one result explained, with its appeal."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evaluation import forms, presenters, quarters, selectors, services, tables
from evaluation.models import (
    Appeal,
    AppealState,
    Evaluation,
    EvaluationState,
    Period,
    PeriodState,
    WorkItem,
)
from evaluation.presenters import level_label
from evaluation.rulesets import rule_set_from_snapshot
from hrsystem import clock, exports
from hrsystem.forms import whole_number
from hrsystem.permissions import viewer

from .access import (
    _evaluations,
    _field_labels,
    _flash_error,
    _get_evaluation_for_user,
    _messages_of,
)

TREND_MONTHS = 12


@login_required
def work_evidence(request, pk: int):
    """A work item's evidence file, under the name it was uploaded with, to whoever may open
    the evaluation (the owner, their scorers, the leaders, inspectors and HR of the scope);
    never by its stored path."""
    item = get_object_or_404(WorkItem.objects.only("evaluation_id", "evidence_file"), pk=pk)
    _get_evaluation_for_user(request, item.evaluation_id)
    if not item.evidence_file:
        raise Http404
    return FileResponse(
        item.evidence_file.open("rb"),
        filename=item.evidence_name or PurePath(item.evidence_file.name).name,
        as_attachment=False,
    )


def _current_evaluation(user) -> Evaluation | None:
    """The month the user still has to declare (the earliest still a draft), else the
    latest not locked: a month just opened does not hide one not finished."""
    evaluations = (
        _evaluations()
        .filter(employee__user=user.pk, is_current=True)
        .exclude(period__state=PeriodState.LOCKED)
    )
    return (
        evaluations.filter(state=EvaluationState.DRAFT, period__state__in=selectors.SCORING_STATES)
        .order_by("period__start")
        .first()
        or evaluations.order_by("-period__start").first()
    )


@login_required
def my_month(request, pk: int | None = None):
    """The employee's work items and self-assessment for a period; read-only once sent."""
    if pk is None:
        evaluation = _current_evaluation(request.user)
        if evaluation is None:
            return render(request, "evaluation/my_month_none.html")
    else:
        evaluation = _get_evaluation_for_user(request, pk, own=True)
    evaluation = selectors.with_details(_evaluations()).get(pk=evaluation.pk)
    period = evaluation.period
    rules = rule_set_from_snapshot(evaluation.rule_set_snapshot)
    items = list(evaluation.work_items.all())
    scores = {score.criterion_index: score for score in evaluation.criterion_scores.all()}
    editable = evaluation.state == EvaluationState.DRAFT and period.state not in (
        PeriodState.SIGNED_OFF,
        PeriodState.PUBLISHED,
        PeriodState.LOCKED,
    )
    data = files = None
    if request.method == "POST":
        if not editable:
            messages.error(request, _("Phiếu đã gửi hoặc kỳ đã đóng: không thể sửa."))
            return redirect("evaluation:my_month_of", pk=evaluation.pk)
        data, files = request.POST, request.FILES
    item_forms = [forms.WorkItemDeclareForm(data, files, item=item) for item in items]
    assessment = forms.SelfAssessmentForm(
        data, criteria=rules.general_criteria, scores=scores, evaluation=evaluation
    )
    error_messages = []
    if data is not None:
        valid = all([form.is_valid() for form in item_forms]) & assessment.is_valid()
        revision = _posted_revision(request, evaluation)
        if revision is None:
            error_messages.append(str(forms.STALE_PAGE))
        elif valid:
            try:
                _save_month(request, evaluation, revision, item_forms, assessment)
            except ValidationError as error:
                error_messages = _messages_of(error, _field_labels(rules, items))
            else:
                return redirect("evaluation:my_month_of", pk=evaluation.pk)
        else:
            for form in item_forms:
                for name, errors in form.errors.items():
                    label = form.fields[name].label
                    error_messages += [
                        _("“%(item)s” — %(field)s: %(error)s")
                        % {"item": form.item.name, "field": label, "error": error}
                        for error in errors
                    ]
            for errors in assessment.errors.values():
                error_messages += list(errors)
    response = render(
        request,
        "evaluation/my_month.html",
        {
            "evaluation": evaluation,
            "period": period,
            "rules": rules,
            "item_forms": item_forms,
            "undeclared": [item.name for item in items if not item.done],
            "assessment": assessment,
            "editable": editable,
            "error_messages": error_messages,
            "violations": presenters.violations_of(evaluation),
        },
    )
    if error_messages:
        response.status_code = 400
    return response


def _posted_revision(request, evaluation) -> int | None:
    """The revision the page was drawn at: the evaluation's own if the form sent none (an
    older page), None if it sent something that is not one."""
    posted = request.POST.get("revision", "")
    return evaluation.revision if posted == "" else whole_number(posted)


def _save_month(request, evaluation, revision: int, item_forms, assessment) -> None:
    """Send the page through `services.self_assessment_record`; a stale revision raises
    ConflictError and saves nothing."""
    submit = request.POST.get("action") == "submit"
    services.self_assessment_record(
        evaluation=evaluation,
        revision=revision,
        by=request.user,
        declarations=[
            (
                form.item,
                {
                    "done": form.cleaned_data["done"],
                    "evidence_number": form.cleaned_data["evidence_number"],
                    "evidence_file": form.cleaned_data["evidence_file"] or None,
                    "self_note": form.cleaned_data["self_note"],
                },
            )
            for form in item_forms
            if form.has_changed()
        ],
        proposed=assessment.proposals(),
        comment=assessment.cleaned_data["self_comment"],
        submit=submit,
    )
    if submit:
        messages.success(request, _("Đã gửi tự đánh giá. Thủ trưởng đơn vị sẽ chấm điểm."))
    else:
        messages.success(request, _("Đã lưu nháp."))


def _published(queryset):
    """Current results of published or locked months, those under review included (their
    published figures are shown until published again: `_as_published`)."""
    return queryset.filter(is_current=True, period__state__in=selectors.VISIBLE_STATES)


def _as_published(evaluations) -> None:
    """Show the published figures of each of `evaluations` whose month is under review
    (`services.reopening_open`) instead of those being corrected; 1 query. Each gets
    `review`: the kept figures (`presenters.Published`) or None."""
    reviewed = selectors.under_review(evaluations)
    for evaluation in evaluations:
        evaluation.review = None
        if evaluation.pk in reviewed:
            reopening, figures = reviewed[evaluation.pk]
            rules = rule_set_from_snapshot(evaluation.rule_set_snapshot)
            evaluation.review = presenters.published_figures(reopening, figures, rules)
            for name in selectors.REVIEW_FIGURES:
                value = figures.get(name) or None
                setattr(evaluation, name, value if name == "level" or value is None else D(value))


def _month_label(period: Period) -> str:
    return f"{period.number:02d}/{period.year % 100:02d}"


@login_required
def my_results(request):
    """Every published month of the user: total, level, a 12-month trend chart, and the
    quarters and half-years of the latest month's year with the months behind each."""
    results = list(
        _published(_evaluations().filter(employee__user=request.user.pk)).order_by(
            "-period__year", "-period__number", "-period__start"
        )
    )
    _as_published(results)
    rows = []
    for evaluation in results:
        rules = rule_set_from_snapshot(evaluation.rule_set_snapshot)
        rows.append((evaluation, level_label(rules, evaluation.level)))
    if exports.wanted(request):
        person = viewer(request)
        return exports.respond(
            request,
            tables.MY_RESULTS,
            rows,
            organisation=person.organisation,
            scope=person.employee.full_name if person.employee else "",
        )
    recent = list(reversed(rows[:TREND_MONTHS]))
    thresholds, annual_cap, spans = [], None, None
    if rows:
        latest = rows[0][0]
        rules = rule_set_from_snapshot(latest.rule_set_snapshot)
        thresholds = [rules.threshold_top, rules.threshold_good, rules.threshold_complete]
        annual_cap = presenters.annual_discipline_cap(
            latest.employee, latest.period.organisation, clock.today().year, rules
        )
        spans = quarters.person_spans(employee=latest.employee, year=latest.period.year)
    return render(
        request,
        "evaluation/my_results.html",
        {
            "annual_cap": annual_cap,
            "rows": rows,
            "spans": spans,
            "trend": [(_month_label(e.period), e.total, label) for e, label in recent],
            "trend_rows": recent,
            "thresholds": thresholds,
        },
    )


@login_required
def result_detail(request, pk: int):
    """One published result explained line by line, with the appeal form or its decision."""
    evaluation = _get_evaluation_for_user(request, pk)
    own = evaluation.employee.user_id == request.user.pk
    review = selectors.under_review([evaluation]).get(evaluation.pk)
    published = evaluation.state in (EvaluationState.PUBLISHED, EvaluationState.LOCKED)
    if own and not published and review is None:
        raise Http404
    evaluation = selectors.with_details(_evaluations()).get(pk=evaluation.pk)
    kept = None
    if review is not None:
        rules = rule_set_from_snapshot(evaluation.rule_set_snapshot)
        kept = presenters.published_figures(*review, rules)
    appeals = list(
        Appeal.objects.filter(
            evaluation__period=evaluation.period_id, evaluation__employee=evaluation.employee_id
        )
        .select_related("decided_by__employee", "resulting_evaluation")
        .order_by("-filed_at")
    )
    period = evaluation.period
    today = clock.today()
    may_appeal = (
        own
        and evaluation.is_current
        and period.state == PeriodState.PUBLISHED
        and period.appeal_due is not None
        and today <= period.appeal_due
        and not any(appeal.state == AppealState.PENDING for appeal in appeals)
        and kept is None  # under review: the appeal waits for the corrected result
    )
    return render(
        request,
        "evaluation/result_detail.html",
        {
            "b": presenters.breakdown(evaluation, presenters.violations_of(evaluation)),
            "evaluation": evaluation,
            "own": own,
            "kept": kept,
            "appeals": appeals,
            "may_appeal": may_appeal,
            "appeal_form": forms.ReasonForm(label=_("Nội dung kiến nghị")),
        },
    )


@login_required
@require_POST
def appeal_file(request, pk: int):
    """File an appeal of the user's own published result (services check the window)."""
    evaluation = _get_evaluation_for_user(request, pk, own=True)
    form = forms.ReasonForm(request.POST, label=_("Nội dung kiến nghị"))
    if not form.is_valid():
        messages.error(request, _("Kiến nghị phải ghi rõ nội dung."))
    else:
        try:
            services.appeal_file(
                evaluation=evaluation, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            _flash_error(request, error)
        else:
            messages.success(
                request, _("Đã gửi kiến nghị. Bạn sẽ nhận được thông báo khi có quyết định.")
            )
    return redirect("evaluation:result_detail", pk=evaluation.pk)
