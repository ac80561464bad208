"""The scorer's page: everyone they score this period, previews, saves, extra work,
bulk actions, and the unit's submission."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evaluation import forms, presenters, quarters, selectors, services, tables
from evaluation.models import (
    Evaluation,
    EvaluationState,
    Period,
    UnitPeriod,
)
from evaluation.presenters import ScoreRow, level_label
from evaluation.rulesets import rule_set_from_snapshot
from hrsystem import exports, permissions
from hrsystem import selectors as hr_selectors
from hrsystem.forms import whole_number
from hrsystem.models import Post, Unit
from hrsystem.permissions import Perm, viewer

from .access import (
    _field_labels,
    _flash_error,
    _get_period_for_user,
    _get_unit_for_period,
    _messages_of,
    _on,
)


def _score_rows(request, period: Period, evaluations, data=None) -> list[ScoreRow]:
    """Rows for `evaluations` (from `_scorable`): 4 queries, 1 for the ledger, 1 for rights,
    1 for the units closed by their submission. Shown rows carry `presenters.RowInputs`;
    with `data` (one posted row) a bound `forms.ScoreRowForm`."""
    evaluations = list(evaluations)
    rules = rule_set_from_snapshot(period.rule_set_snapshot)
    entries = selectors.violations_by_employee(
        period=period, employee_ids=[evaluation.employee_id for evaluation in evaluations]
    )
    superior_of = _superior_rights(request, period, evaluations)
    certify = permissions.unit_ids_for(request.user, Perm.CERTIFY_DELAY, _on(period))
    closed = selectors.closed_unit_ids(period=period)
    rows = []
    for evaluation in evaluations:
        evaluation.period = period
        rights_unit = evaluation.unit.parent_id if evaluation.is_head else evaluation.unit_id
        inputs = {
            "evaluation": evaluation,
            "criteria": rules.general_criteria,
            "scores": {s.criterion_index: s for s in evaluation.criterion_scores.all()},
            "items": list(evaluation.work_items.all()),
            "leader_rights": evaluation.pk in superior_of,
            "certify": rights_unit in certify,
        }
        # a row shown is written from its rows; only a posted row is a form to validate
        form = (
            presenters.RowInputs(**inputs) if data is None else forms.ScoreRowForm(data, **inputs)
        )
        row = ScoreRow(evaluation, form, entries.get(evaluation.employee_id, []))
        row.actions = selectors.row_actions(
            evaluation=evaluation, period=period, closed_units=closed
        )
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
        .select_related("unit", "returned_by")
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


SCORING_PAGE_ROWS = 150
"""Above this many people to score across several units, the scoring page first lists
the units and shows one unit's rows at a time."""

SCORING_PAGE_SIZE = 10
"""Rows on one scoring page: a unit of more people is paged (`?page=`), so a page costs
the same whatever the unit's size (a row is ~11 KB of HTML and ~9 ms of CPU to draw)."""


@login_required
def scoring_page(request, period_pk: int):
    """Everyone the user scores this period, proposed beside final, one row per person.

    Each row offers only what the services accept in the period's present step (inputs,
    bulk choice, extra work), and says why when scoring is refused. `?unit=<id>` narrows
    to one unit. A constant number of queries whatever the size.
    """
    period = _get_period_for_user(request, period_pk)
    scorable = _scorable(request, period)  # the scope's 2 queries, once for both uses
    evaluations = scorable
    unit = None
    unit_id = whole_number(request.GET.get("unit"))
    if unit_id is not None:
        unit = _get_unit_for_period(request, period, unit_id)
        evaluations = evaluations.filter(unit=unit)
    # counted by unit id alone (no sort of every row by the unit's path), then named
    people = dict(scorable.values_list("unit_id").annotate(n=Count("id")).order_by())
    units = [
        (pk, name, people[pk])
        for pk, name in Unit.objects.filter(pk__in=people)
        .order_by("path")
        .values_list("pk", "name")
    ]
    # a scope too large for one page (the leader or HR of a large agency) first lists
    # its units; each unit's rows load on their own page (`?unit=`)
    by_unit = unit is None and len(units) > 1 and sum(n for _, _, n in units) > SCORING_PAGE_ROWS
    everyone = evaluations
    # paged from the counts above (no COUNT of its own): constant work per page
    total = 0 if by_unit else people.get(unit.pk, 0) if unit else sum(people.values())
    page = Paginator(range(total), SCORING_PAGE_SIZE).get_page(request.GET.get("page"))
    if total:
        evaluations = evaluations[page.start_index() - 1 : page.end_index()]
    else:
        evaluations = evaluations.none()
    rows = _score_rows(request, period, evaluations)
    if (
        not rows
        and not by_unit
        and not _approvable_units(request, period, [unit.pk] if unit else [])
    ):
        raise PermissionDenied
    rules = rule_set_from_snapshot(period.rule_set_snapshot)
    if exports.wanted(request):
        # every row of the scope (even one the page lists by unit), streamed
        return exports.respond(
            request,
            tables.scoring_table(period, rules),
            everyone.prefetch_related(None).select_related("employee", "unit"),
            organisation=period.organisation,
            scope=unit.name if unit else exports.describe_scope(name for _pk, name, _n in units),
        )
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
            "by_unit": by_unit,
            "page": page,
            "page_query": f"unit={unit.pk}" if unit else "",
            "quota": presenters.quotas(period, rows, rules),
            "bulk_form": forms.BulkActionForm(evaluation_ids=[]),
            "bulk": any(row.actions.bulk for row in rows),
            "editable": any(row.editable for row in rows),
            "period_note": selectors.period_closed_note(period),
            "board": selectors.may_view_board(user=request.user, period=period),
            "layout": presenters.score_layout(period, rules),
            "quarter": quarters.quarter_of_period(period),
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
            row = _row_for_user(request, period_pk, pk)[1]
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
    revision = whole_number(request.POST.get("revision"))
    if not form.is_valid() or revision is None:
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
                revision=revision,
                by=request.user,
            )
            messages.success(request, _("Đã giao thêm việc cho %(name)s.") % {"name": who})
        else:
            services.bonus_add(
                evaluation=row.evaluation,
                points=data["points"],
                reason=data["reason"],
                revision=revision,
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
    unit_id = whole_number(request.POST.get("unit"))
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
