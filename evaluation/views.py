"""Pages of the monthly cycle: the employee's month and results, the head's scoring
screen, the agency leader's overview, the completeness board and the HR officer's periods.

Views are thin: every record named in a URL goes through one `_get_*_for_user` helper
(404 when it belongs to an agency the user has nothing to do with, 403 when it is in
their agency but outside their scope); every write is a call to `evaluation.services`,
which checks permission and state again. Reads for whole units run a constant number of
queries whatever the unit's size.
"""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Q
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hrsystem import clock, permissions
from hrsystem import selectors as hr_selectors
from hrsystem.models import Post, Unit
from hrsystem.permissions import Perm, viewer

from . import forms, presenters, selectors, services
from .models import (
    Appeal,
    AppealState,
    Cadence,
    Evaluation,
    EvaluationState,
    Period,
    PeriodState,
    RuleSet,
    UnitPeriod,
)
from .presenters import ScoreRow, level_label
from .rulesets import rule_set_from_snapshot

TREND_MONTHS = 12


# --- scope helpers ---------------------------------------------------------------------


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


# --- the employee's month --------------------------------------------------------------


def _current_evaluation(user) -> Evaluation | None:
    return (
        _evaluations()
        .filter(employee__user=user.pk, is_current=True)
        .exclude(period__state=PeriodState.LOCKED)
        .order_by("-period__start")
        .first()
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
        if valid:
            try:
                _save_month(request, evaluation, item_forms, assessment)
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
            "assessment": assessment,
            "editable": editable,
            "error_messages": error_messages,
            "violations": presenters.violations_of(evaluation),
        },
    )
    if error_messages:
        response.status_code = 400
    return response


def _save_month(request, evaluation, item_forms, assessment) -> None:
    """Send the page through `services.self_assessment_record`; a stale revision raises
    ConflictError and saves nothing."""
    submit = request.POST.get("action") == "submit"
    services.self_assessment_record(
        evaluation=evaluation,
        revision=int(request.POST.get("revision") or evaluation.revision),
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


# --- the employee's results ------------------------------------------------------------


def _published(queryset):
    return queryset.filter(
        is_current=True, state__in=[EvaluationState.PUBLISHED, EvaluationState.LOCKED]
    )


def _month_label(period: Period) -> str:
    return f"{period.number:02d}/{period.year % 100:02d}"


@login_required
def my_results(request):
    """Every published month of the user: total, level, and a 12-month trend chart."""
    results = list(
        _published(_evaluations().filter(employee__user=request.user.pk)).order_by(
            "-period__year", "-period__number", "-period__start"
        )
    )
    rows = []
    for evaluation in results:
        rules = rule_set_from_snapshot(evaluation.rule_set_snapshot)
        rows.append((evaluation, level_label(rules, evaluation.level)))
    recent = list(reversed(rows[:TREND_MONTHS]))
    thresholds = []
    if rows:
        rules = rule_set_from_snapshot(rows[0][0].rule_set_snapshot)
        thresholds = [rules.threshold_top, rules.threshold_good, rules.threshold_complete]
    return render(
        request,
        "evaluation/my_results.html",
        {
            "rows": rows,
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
    if own and evaluation.state not in (EvaluationState.PUBLISHED, EvaluationState.LOCKED):
        raise Http404
    evaluation = selectors.with_details(_evaluations()).get(pk=evaluation.pk)
    appeals = list(
        Appeal.objects.filter(
            evaluation__period=evaluation.period_id, evaluation__employee=evaluation.employee_id
        )
        .select_related("decided_by", "resulting_evaluation")
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
    )
    return render(
        request,
        "evaluation/result_detail.html",
        {
            "b": presenters.breakdown(evaluation, presenters.violations_of(evaluation)),
            "evaluation": evaluation,
            "own": own,
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


# --- the head's scoring page -----------------------------------------------------------


def _score_rows(request, period: Period, evaluations, data=None) -> list[ScoreRow]:
    """Rows for `evaluations` (from `_scorable`): 4 queries, 1 for the ledger, 1 for rights,
    1 for the units closed by their submission."""
    evaluations = list(evaluations)
    rules = rule_set_from_snapshot(period.rule_set_snapshot)
    entries = selectors.violations_by_employee(period=period)
    superior_of = _superior_rights(request, period, evaluations)
    certify = permissions.unit_ids_for(request.user, Perm.CERTIFY_DELAY, _on(period))
    closed = selectors.closed_unit_ids(period=period)
    rows = []
    for evaluation in evaluations:
        evaluation.period = period
        form = forms.ScoreRowForm(
            data,
            evaluation=evaluation,
            criteria=rules.general_criteria,
            scores={s.criterion_index: s for s in evaluation.criterion_scores.all()},
            items=list(evaluation.work_items.all()),
            leader_rights=evaluation.pk in superior_of,
        )
        row = ScoreRow(evaluation, form, entries.get(evaluation.employee_id, []))
        row.actions = selectors.row_actions(
            evaluation=evaluation, period=period, closed_units=closed
        )
        rights_unit = evaluation.unit.parent_id if evaluation.is_head else evaluation.unit_id
        row.can_certify = rights_unit in certify
        rows.append(row)
    return rows


def _superior_rights(request, period: Period, evaluations) -> set[int]:
    """Ids of the leaders' evaluations among `evaluations` whose đ and e this user sets.

    The user scores a leader only as their superior (the services check it again), so
    every leader row the scoring selector returned is theirs to set.
    """
    return {evaluation.pk for evaluation in evaluations if evaluation.is_leader}


def _scorable(request, period: Period):
    """The current evaluations of `period` this user scores, with their details."""
    return selectors.evaluations_for_head(user=request.user, period=period)


def _approvable_units(request, period: Period, unit_ids) -> list[UnitPeriod]:
    """The unit periods among `unit_ids` this user submits (heads, acting heads); 2 queries."""
    allowed = permissions.unit_ids_for(request.user, Perm.APPROVE_UNIT_MONTH, _on(period))
    return list(
        UnitPeriod.objects.filter(period=period, unit_id__in=set(unit_ids) & allowed)
        .select_related("unit")
        .order_by("unit__path")
    )


def _led_units(request, period: Period) -> set[int]:
    """Units the user heads (or acts as head of) over the period; 1 query."""
    return set(
        Post.objects.filter(
            hr_selectors.active_on(_on(period)),
            employee__user=request.user.pk,
            kind__in=hr_selectors.LEADER_KINDS,
        ).values_list("unit_id", flat=True)
    )


@login_required
def scoring_current(request):
    """The scoring page of the latest period at self-assessment or scoring in which the
    user scores someone; else the periods list, saying there is nobody to score now."""
    period = selectors.scoring_period(user=request.user, organisation=viewer(request).organisation)
    if period is None:
        messages.info(
            request, _("Hiện không có kỳ nào đang tự đánh giá hay chấm điểm mà bạn cần chấm.")
        )
        return redirect("evaluation:period_list")
    return redirect("evaluation:scoring", period_pk=period.pk)


@login_required
def scoring_page(request, period_pk: int):
    """Everyone the user scores this period, proposed beside final, one row per person.

    Each row offers only what the services accept in the period's present step (inputs,
    bulk choice, extra work), and says why when scoring is refused. `?unit=<id>` narrows
    to one unit. A constant number of queries whatever the size.
    """
    period = _get_period_for_user(request, period_pk)
    evaluations = _scorable(request, period)
    unit = None
    if request.GET.get("unit", "").isdigit():
        unit = _get_unit_for_period(request, period, int(request.GET["unit"]))
        evaluations = evaluations.filter(unit=unit)
    units = list(
        _scorable(request, period)
        .order_by("unit__path")
        .values_list("unit_id", "unit__name")
        .distinct()
    )
    rows = _score_rows(request, period, evaluations)
    if not rows and not _approvable_units(request, period, [unit.pk] if unit else []):
        raise PermissionDenied
    rules = rule_set_from_snapshot(period.rule_set_snapshot)
    for row in rows:
        row.result_level = level_label(rules, row.evaluation.level)
        if row.editable and row.evaluation.state == EvaluationState.SELF_SUBMITTED:
            presenters.preview(row, rules, provisional=True)
    unit_ids = {row.evaluation.unit_id for row in rows} | ({unit.pk} if unit else set())
    unit_periods = _approvable_units(
        request, period, unit_ids if unit else _led_units(request, period)
    )
    presenters.explain_submission(period, unit_periods)
    return render(
        request,
        "evaluation/scoring.html",
        {
            "period": period,
            "unit": unit,
            "rules": rules,
            "rows": rows,
            "unit_periods": unit_periods,
            "units": units if len(units) > 1 else [],
            "quota": presenters.quotas(period, rows, rules),
            "bulk_form": forms.BulkActionForm(evaluation_ids=[]),
            "bulk": any(row.actions.bulk for row in rows),
            "editable": any(row.editable for row in rows),
            "period_note": selectors.period_closed_note(period),
            "board": selectors.may_view_board(user=request.user, period=period),
            "layout": presenters.score_layout(period, rules),
        },
    )


def _row_for_user(request, period_pk: int, pk: int, data=None) -> tuple[Period, ScoreRow]:
    """The row of evaluation `pk` if the user scores it in this period; else 403/404."""
    period = _get_period_for_user(request, period_pk)
    scorable = _scorable(request, period).filter(pk=pk)
    rows = _score_rows(request, period, scorable, data)
    if not rows:
        if not Evaluation.objects.filter(pk=pk, period=period).exists():
            raise Http404
        raise PermissionDenied
    return period, rows[0]


@login_required
@require_POST
def score_preview(request, period_pk: int, pk: int):
    """htmx: the row's total and level recomputed from the posted values; saves nothing."""
    period, row = _row_for_user(request, period_pk, pk, request.POST)
    if row.form.is_valid():
        presenters.preview(row, rule_set_from_snapshot(period.rule_set_snapshot))
    else:
        row.errors = row.form.error_list()
    return render(request, "evaluation/_row_result.html", {"row": row, "period": period})


@login_required
@require_POST
def score_save(request, period_pk: int, pk: int):
    """Save one person's scores through the service; a stale revision saves nothing.

    htmx gets the row back (200) with what was saved, or with the errors and the
    conflict message in place of the result, and after a save the card submitting the
    person's unit (out of band: scoring the last person offers the submission); a plain
    POST is redirected with messages.
    """
    period, row = _row_for_user(request, period_pk, pk, request.POST)
    rules = rule_set_from_snapshot(period.rule_set_snapshot)
    if not row.form.is_valid():
        row.errors = row.form.error_list()
    else:
        try:
            _save_row(request, row)
        except services.ConflictError as error:
            row.conflict = " ".join(error.messages)
        except ValidationError as error:
            row.errors = _messages_of(error, _field_labels(rules, row.form.items))
        else:
            _, row = _row_for_user(request, period_pk, pk)
            row.saved = True
            row.result_level = level_label(rules, row.evaluation.level)
    if not request.htmx:
        for message in row.errors + ([row.conflict] if row.conflict else []):
            messages.error(request, message)
        if row.saved:
            messages.success(
                request,
                _("Đã lưu điểm của %(name)s.") % {"name": row.evaluation.employee.full_name},
            )
        return redirect(presenters.scoring_url(period, row.evaluation.unit_id))
    if row.conflict and not row.errors:
        presenters.preview(row, rules)  # show what the person typed, scored, beside the conflict
    unit_periods = []
    if row.saved:
        unit_periods = _approvable_units(request, period, [row.evaluation.unit_id])
        presenters.explain_submission(period, unit_periods)
    return render(
        request,
        "evaluation/_score_row.html",
        {
            "row": row,
            "period": period,
            "rules": rules,
            "layout": presenters.score_layout(period, rules),
            "unit_periods": unit_periods,
        },
    )


def _save_row(request, row: ScoreRow) -> None:
    """Save one row through `services.evaluation_score_row`; the form's revision must
    still be current."""
    form = row.form
    services.evaluation_score_row(
        evaluation=row.evaluation,
        revision=form.cleaned_data["revision"],
        by=request.user,
        items=form.items,
        reviews=form.item_reviews(),
        certify=row.can_certify,
        final={index: value for index, value in form.finals().items() if value is not None},
        head_comment=form.cleaned_data["head_comment"],
        absent=form.cleaned_data["absent"],
        **(form.leader_scores() or {}),
    )


@login_required
@require_POST
def score_add(request, period_pk: int, pk: int, what: str):
    """Add an ad-hoc work item (`what` = "item") or a bonus ("bonus") to one person's
    period through the services, which check the scorer, the state and the revision."""
    if what not in ("item", "bonus"):
        raise Http404
    period, row = _row_for_user(request, period_pk, pk)
    form = (forms.AdHocItemForm if what == "item" else forms.BonusForm)(request.POST)
    revision = request.POST.get("revision", "")
    if not form.is_valid() or not revision.isdigit():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return redirect(presenters.scoring_url(period, row.evaluation.unit_id))
    data, who = form.cleaned_data, row.evaluation.employee.full_name
    try:
        if what == "item":
            services.work_item_add_ad_hoc(
                evaluation=row.evaluation,
                name=data["name"],
                unit_of_measure=data["unit_of_measure"],
                planned=data["planned"],
                coefficient=data["coefficient"],
                revision=int(revision),
                by=request.user,
            )
            messages.success(request, _("Đã giao thêm việc cho %(name)s.") % {"name": who})
        else:
            services.bonus_add(
                evaluation=row.evaluation,
                points=data["points"],
                reason=data["reason"],
                revision=int(revision),
                by=request.user,
            )
            messages.success(request, _("Đã ghi điểm thưởng cho %(name)s.") % {"name": who})
    except ValidationError as error:
        _flash_error(request, error)
    return redirect(presenters.scoring_url(period, row.evaluation.unit_id))


@login_required
@require_POST
def score_bulk(request, period_pk: int):
    """Approve the chosen rows as they stand, or return their self-assessments with a reason."""
    period = _get_period_for_user(request, period_pk)
    scorable = {e.pk: e for e in _scorable(request, period)}
    form = forms.BulkActionForm(request.POST, evaluation_ids=list(scorable))
    unit_id = request.POST.get("unit") if request.POST.get("unit", "").isdigit() else None
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(presenters.scoring_url(period, unit_id))
    chosen = [scorable[pk] for pk in form.cleaned_data["evaluations"]]
    try:
        if form.cleaned_data["action"] == form.APPROVE:
            done = services.evaluations_bulk_approve(evaluations=chosen, by=request.user)
            messages.success(request, _("Đã duyệt %(n)s phiếu.") % {"n": len(done)})
        else:
            done = services.evaluations_bulk_return(
                evaluations=chosen, reason=form.cleaned_data["reason"].strip(), by=request.user
            )
            messages.success(request, _("Đã trả lại %(n)s phiếu.") % {"n": len(done)})
    except ValidationError as error:
        _flash_error(request, error)
    return redirect(presenters.scoring_url(period, unit_id))


@login_required
@require_POST
def unit_submit(request, period_pk: int, unit_pk: int):
    """The head submits the unit's month to the agency leader."""
    period = _get_period_for_user(request, period_pk)
    unit = _get_unit_for_period(request, period, unit_pk)
    unit_period = get_object_or_404(UnitPeriod, period=period, unit=unit)
    try:
        services.unit_submit(unit_period=unit_period, by=request.user)
    except ValidationError as error:
        _flash_error(request, error)
    else:
        messages.success(request, _("Đã gửi kết quả của %(unit)s.") % {"unit": unit.name})
    return redirect(presenters.scoring_url(period, unit.pk))


# --- the agency leader's overview ------------------------------------------------------

LEVEL_ORDER = ("top", "good", "complete", "fail")


def _period_roles(request, period: Period) -> tuple[bool, bool]:
    """(signs off: the agency leader, manages: an HR officer) for this period's agency."""
    on = _on(period)
    return (
        permissions.can_sign_off(request.user, period.organisation, on),
        permissions.can_manage_org(request.user, period.organisation, on),
    )


@login_required
def overview(request, period_pk: int):
    """Every unit's status, the level distribution, who is not rated and why, the
    exceptions, and the next step of the period with who takes it.

    For the agency leader and HR officers; 11 queries whatever the agency's size.
    """
    period = _get_period_for_user(request, period_pk)
    overview = selectors.period_overview(user=request.user, period=period)
    if overview is None:
        raise PermissionDenied
    signs_off, manages = _period_roles(request, period)
    rules = rule_set_from_snapshot(period.rule_set_snapshot)
    unit_periods = []
    for unit in overview.units:
        unit_period = unit.unit_period
        rated = unit.people - unit.not_rated
        unit_period.figures = {"total": rated, "scored": rated - unit.unscored}
        unit_period.missing = unit.missing_self_assessment
        unit_period.level_label = level_label(rules, unit_period.level)
        unit_period.level_counts = [
            (level_label(rules, level), unit.levels.get(level, 0), level) for level in LEVEL_ORDER
        ]
        unit_periods.append(unit_period)
    distribution = overview.levels
    exceptions = list(
        Evaluation.objects.filter(period=period, is_current=True, not_rated=False)
        .filter(Q(level="fail") | ~Q(level=F("score_level")))
        .select_related("employee", "unit")
        .order_by("unit__path", "employee__full_name")[:200]
    )
    for evaluation in exceptions:
        evaluation.level_label = level_label(rules, evaluation.level)
        evaluation.reason_texts = presenters.reason_texts(evaluation.reasons, rules)
    pending_appeals = Appeal.objects.filter(
        evaluation__period=period, state=AppealState.PENDING
    ).count()
    return render(
        request,
        "evaluation/overview.html",
        {
            "period": period,
            "rules": rules,
            "unit_periods": unit_periods,
            "bars": [
                (level_label(rules, level), distribution[level], level) for level in LEVEL_ORDER
            ],
            "not_rated": selectors.not_rated(period=period),
            "exceptions": exceptions,
            "pending_appeals": pending_appeals,
            "signs_off": signs_off,
            "manages": manages,
            "next_hr_state": presenters.NEXT_HR_STATE.get(period.state) if manages else None,
            "scores": selectors.evaluations_for_head(user=request.user, period=period).exists(),
            "unit_actions": signs_off
            and period.state in (PeriodState.SCORING, PeriodState.SUBMITTED),
            "return_form": forms.ReasonForm(label=_("Lý do trả lại")),
            "today": clock.today(),
        },
    )


def _chosen_unit_periods(request, period: Period) -> list[UnitPeriod]:
    ids = [int(pk) for pk in request.POST.getlist("unit_periods") if pk.isdigit()]
    return list(UnitPeriod.objects.filter(period=period, pk__in=ids).select_related("unit"))


@login_required
@require_POST
def units_action(request, period_pk: int):
    """The agency leader approves the chosen units, or returns them with one reason."""
    period = _get_period_for_user(request, period_pk)
    chosen = _chosen_unit_periods(request, period)
    if not chosen:
        messages.error(request, _("Hãy chọn ít nhất một đơn vị."))
        return redirect("evaluation:overview", period_pk=period.pk)
    try:
        if request.POST.get("action") == "return":
            form = forms.ReasonForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Trả lại đơn vị phải ghi rõ lý do."))
                return redirect("evaluation:overview", period_pk=period.pk)
            services.unit_return(
                unit_periods=chosen, reason=form.cleaned_data["reason"], by=request.user
            )
            messages.success(request, _("Đã trả lại %(n)s đơn vị.") % {"n": len(chosen)})
        else:
            services.unit_approve(unit_periods=chosen, by=request.user)
            messages.success(request, _("Đã duyệt %(n)s đơn vị.") % {"n": len(chosen)})
    except ValidationError as error:
        _flash_error(request, error)
    return redirect("evaluation:overview", period_pk=period.pk)


PERIOD_ACTIONS = {
    "advance": None,
    "sign_off": services.period_sign_off,
    "publish": services.period_publish,
    "lock": services.period_lock,
}


@login_required
@require_POST
def period_action(request, period_pk: int, action: str):
    """Move the period one step: HR's steps, sign-off, publication, lock."""
    period = _get_period_for_user(request, period_pk)
    if action not in PERIOD_ACTIONS:
        raise Http404
    try:
        if action == "advance":
            services.period_advance(period=period, to=request.POST.get("to", ""), by=request.user)
        else:
            PERIOD_ACTIONS[action](period=period, by=request.user)
    except ValidationError as error:
        _flash_error(request, error)
    else:
        period.refresh_from_db()
        messages.success(
            request,
            _("Kỳ %(period)s: %(state)s.")
            % {"period": period, "state": period.get_state_display()},
        )
    return redirect(request.POST.get("next") or reverse("evaluation:period_list"))


# --- the completeness board ------------------------------------------------------------


@login_required
def completeness(request, period_pk: int):
    """Who has not submitted and who is stuck at which step, per unit, with days left;
    who is not rated and why.

    The agency leader and HR see every unit; heads and deputies the units whose records
    they view (`selectors.completeness_board`); 11 queries whatever the size.
    """
    period = _get_period_for_user(request, period_pk)
    today = clock.today()
    board = selectors.completeness_board(user=request.user, period=period, today=today)
    oversees = selectors.may_oversee(request.user, period)
    if not board and not oversees:
        raise PermissionDenied
    units = []
    for unit in board:
        steps = {step: [] for step in STEPS}
        for person in unit.people:
            steps[person.step].append(person)
        units.append((unit, steps))
    deadlines = [
        (_("Tự đánh giá"), period.self_assessment_due),
        (_("Thủ trưởng chấm điểm"), period.scoring_due),
        (_("Đơn vị gửi kết quả"), period.unit_submission_due),
        (_("Lãnh đạo cơ quan phê duyệt"), period.sign_off_due),
    ]
    return render(
        request,
        "evaluation/completeness.html",
        {
            "period": period,
            "units": units,
            "deadlines": [
                (label, due, (due - today).days, (today - due).days) for label, due in deadlines
            ],
            "oversees": oversees,
            "scores": selectors.evaluations_for_head(user=request.user, period=period).exists(),
        },
    )


STEPS = (
    selectors.STEP_DECLARING,
    selectors.STEP_AWAITING_SCORE,
    selectors.STEP_SCORED,
    selectors.STEP_NOT_RATED,
)


# --- periods (HR officer) --------------------------------------------------------------


@login_required
def period_list(request):
    """The periods of the user's agency, newest first, with the step each one is at and
    links to the pages of it the user may open (`selectors.period_access`), their own
    evaluation of it included. The latest PERIODS_SHOWN unless `?all=1`."""
    person = viewer(request)
    organisation = person.organisation
    if organisation is None:
        raise PermissionDenied
    periods = list(
        Period.objects.filter(organisation=organisation)
        .select_related("rule_set", "organisation")
        .order_by("-year", "-number", "-start")
    )
    hidden = 0 if request.GET.get("all") else max(len(periods) - PERIODS_SHOWN, 0)
    if hidden:
        periods = periods[:PERIODS_SHOWN]
    access = selectors.period_access(user=request.user, periods=periods)
    own = dict(
        Evaluation.objects.filter(
            employee__user=request.user.pk, is_current=True, period__in=periods
        ).values_list("period_id", "pk")
    )
    for period in periods:
        period.access = access[period.pk]
        period.own_evaluation = own.get(period.pk)
    return render(
        request,
        "evaluation/period_list.html",
        {
            "organisation": organisation,
            "periods": periods,
            "hidden": hidden,
            "manages": permissions.can_manage_org(request.user, organisation),
            "next_states": presenters.NEXT_HR_STATE,
        },
    )


PERIODS_SHOWN = 12
"""Periods listed by default: a year of months; rights are checked per period shown."""


def _next_period(organisation) -> tuple[int, int]:
    latest = (
        Period.objects.filter(organisation=organisation)
        .order_by("-year", "-number")
        .values_list("year", "number", "cadence")
        .first()
    )
    if latest is None:
        today = clock.today()
        return today.year, today.month
    year, number, cadence = latest
    last = 12 if cadence == Cadence.MONTHLY else 4
    return (year + 1, 1) if number >= last else (year, number + 1)


def _default_dues(rule_set, year: int, number: int) -> dict:
    end = services.period_bounds(rule_set.cadence, year, number)[1]
    return {
        "self_assessment_due": end + timedelta(days=rule_set.self_assessment_days),
        "scoring_due": end + timedelta(days=rule_set.head_scoring_days),
        "unit_submission_due": end + timedelta(days=rule_set.unit_submission_days),
        "sign_off_due": end + timedelta(days=rule_set.agency_signoff_days),
    }


@login_required
def period_open(request):
    """HR opens a period: the rule-set version in force, deadlines prefilled from it."""
    organisation = viewer(request).organisation
    if organisation is None or not permissions.can_manage_org(request.user, organisation):
        raise PermissionDenied
    year, number = _next_period(organisation)
    first_day = date(year, min(number, 12), 1)
    rule_sets = RuleSet.objects.filter(effective_from__lte=first_day).order_by("code", "-version")
    in_force = {}
    for rule_set in rule_sets:
        in_force.setdefault(rule_set.code, rule_set)
    choices = RuleSet.objects.filter(pk__in=[rs.pk for rs in in_force.values()])
    default = in_force.get("nd335") or next(iter(in_force.values()), None)
    initial = {"year": year, "number": number}
    if default is not None:
        initial.update(rule_set=default.pk, **_default_dues(default, year, number))
    form = forms.PeriodOpenForm(request.POST or None, rule_sets=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            period = services.period_open(
                organisation=organisation,
                year=data["year"],
                number=data["number"],
                rule_set=data["rule_set"],
                by=request.user,
                self_assessment_due=data["self_assessment_due"],
                scoring_due=data["scoring_due"],
                unit_submission_due=data["unit_submission_due"],
                sign_off_due=data["sign_off_due"],
            )
        except ValidationError as error:
            for key, texts in error.message_dict.items():
                for text in texts:
                    form.add_error(key if key in form.fields else None, text)
        else:
            messages.success(request, _("Đã mở kỳ %(period)s.") % {"period": period})
            return redirect("evaluation:period_list")
    return render(
        request,
        "evaluation/period_open.html",
        {"form": form, "organisation": organisation},
        status=400 if form.errors else 200,
    )


@login_required
def period_reopen(request, period_pk: int):
    """HR reopens a locked period for correction, with a written reason (audited)."""
    period = _get_period_for_user(request, period_pk)
    _require_manage(request, period.organisation)
    form = forms.ReasonForm(request.POST or None, label=_("Lý do mở lại"))
    if request.method == "POST" and form.is_valid():
        try:
            services.period_reopen(
                period=period, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            for text in _messages_of(error):
                form.add_error(None, text)
        else:
            messages.success(request, _("Đã mở lại kỳ %(period)s.") % {"period": period})
            return redirect("evaluation:period_list")
    return render(
        request,
        "evaluation/period_reopen.html",
        {"form": form, "period": period, "reopenings": period.reopenings.select_related("by")},
        status=400 if form.errors else 200,
    )


# --- appeals ---------------------------------------------------------------------------


def _get_appeal_for_decider(request, pk: int) -> Appeal:
    appeal = get_object_or_404(
        Appeal.objects.select_related(
            "evaluation",
            "evaluation__period",
            "evaluation__period__organisation",
            "evaluation__employee",
            "evaluation__unit",
            "filed_by",
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

    Upholding needs the corrected final scores: a new version carries them.
    """
    appeal = _get_appeal_for_decider(request, pk)
    evaluation = selectors.with_details(_evaluations()).get(pk=appeal.evaluation_id)
    rules = rule_set_from_snapshot(evaluation.rule_set_snapshot)
    scores = {s.criterion_index: s for s in evaluation.criterion_scores.all()}
    data = request.POST if request.method == "POST" else None
    decision = forms.AppealDecisionForm(data)
    row = forms.ScoreRowForm(
        data,
        evaluation=evaluation,
        criteria=rules.general_criteria,
        scores=scores,
        items=[],
        leader_rights=evaluation.is_leader,
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
            "b": presenters.breakdown(evaluation, presenters.violations_of(evaluation)),
            "decision": decision,
            "row": row,
            "error_messages": error_messages,
        },
        status=400 if error_messages else 200,
    )


@login_required
@require_POST
def notifications_read(request):
    """Mark the user's notifications read: the posted `id`s, or all of them without any.

    htmx gets the inbox back to swap in place; a plain POST returns to the home page.
    """
    ids = request.POST.getlist("id")
    if not all(value.isdigit() for value in ids):
        return HttpResponseBadRequest(_("Mã thông báo không hợp lệ."))
    services.notifications_mark_read(user=request.user, ids=[int(v) for v in ids] or None)
    if request.htmx:
        todos, notifications = presenters.inbox_for(request)
        return render(
            request,
            "evaluation/_inbox.html",
            {"todos": todos, "notifications": notifications},
        )
    return redirect("home")
