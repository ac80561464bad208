"""The agency's periods: opening one, moving it through its steps, publishing,
locking and reopening it."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from evaluation import bulk_writes, models, selectors
from evaluation.adapters import leaders_in_period, period_recompute
from evaluation.models import (
    AppealState,
    Cadence,
    EvaluationState,
    PeriodState,
    UnitPeriodState,
)
from evaluation.rulesets import CRITERION_COLUMNS, rule_set_from_rows, snapshot
from hrsystem import clock, permissions
from hrsystem import selectors as hr_selectors
from hrsystem.api import events as api_events  # API (issue 14)
from hrsystem.models import Assignment, StandardTask, Unit, WorkProduct
from hrsystem.service_checks import day_text, require, save

from .approval import period_sign_off
from .common import (
    _change_reason,
    _fail,
    _locked_period,
    _notify_everyone,
    _on,
    _period_states,
    _transition,
)
from .rule_sets import rule_set_lock

logger = logging.getLogger(__name__)


def period_bounds(cadence: str, year: int, number: int) -> tuple[date, date]:
    """First and last day of period `number` (a month, or a quarter) of `year`."""
    first_month = number if cadence == Cadence.MONTHLY else 3 * number - 2
    last_month = number if cadence == Cadence.MONTHLY else 3 * number
    start = date(year, first_month, 1)
    end = date(year + last_month // 12, last_month % 12 + 1, 1) - timedelta(days=1)
    return start, end


def _rule_set_row(code: str, on: date) -> models.RuleSet:
    row = (
        models.RuleSet.objects.filter(code=code, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )
    if row is None:
        _fail(
            "rule_set",
            _("Không có phiên bản nào của bộ quy tắc %(code)s áp dụng ngày %(date)s.")
            % {"code": code, "date": on.strftime("%d/%m/%Y")},
        )
    return row


@transaction.atomic
def period_open(
    *,
    organisation,
    year: int,
    number: int,
    by,
    rule_set: models.RuleSet | None = None,
    rule_set_code: str = "nd335",
    self_assessment_due: date | None = None,
    scoring_due: date | None = None,
    unit_submission_due: date | None = None,
    sign_off_due: date | None = None,
    score: bool = True,
) -> models.Period:
    """Open the agency's period `number` of `year` (a month or a quarter, as the rule set says).

    The rule set is the given version or the version of `rule_set_code` in effect on the
    period's first day; it is locked and its snapshot kept. Deadlines default to the
    period's end plus the rule set's days. Creates a UnitPeriod per unit with people and
    an Evaluation per person assigned during the period, pre-filled with their job
    position's standing tasks. The agency leader (head of the root unit) is rated by the
    level above and is kept not rated here. HR officers only.

    Every stored result is scored before returning, unless `score` is False: the
    background job (`evaluation.jobs`) then scores the new period subtree by subtree.
    """
    require(permissions.can_manage_org(by, organisation))
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        _fail("year", _("Năm không hợp lệ."))
    if not isinstance(number, int) or not 1 <= number <= 12:
        _fail("number", _("Kỳ số phải từ 1 đến 12 (tháng) hoặc 1 đến 4 (quý)."))
    rule_set, start, end = _period_rule_set(year, number, rule_set, rule_set_code)
    if models.Period.objects.filter(
        organisation=organisation, cadence=rule_set.cadence, year=year, number=number
    ).exists():
        _fail("number", _("Cơ quan đã mở kỳ đánh giá này."))
    locked, frozen = _lock_and_snapshot(rule_set, by)
    dues = _deadlines(
        locked,
        start,
        end,
        self_assessment_due=self_assessment_due,
        scoring_due=scoring_due,
        unit_submission_due=unit_submission_due,
        sign_off_due=sign_off_due,
    )
    period = models.Period(
        organisation=organisation,
        rule_set=locked,
        rule_set_snapshot=frozen,
        cadence=locked.cadence,
        year=year,
        number=number,
        start=start,
        end=end,
        opened_by=by,
        **dues,
    )
    save(period, by)
    evaluations = _create_evaluations(period, frozen, by)
    _create_work_items(period, by)
    if score:
        period_recompute(period=period, by=by)  # every stored result current from the start
    logger.info("period %s opened for %s: %d evaluations", period, organisation, len(evaluations))
    return period


def _period_rule_set(
    year: int, number: int, rule_set: models.RuleSet | None, code: str
) -> tuple[models.RuleSet, date, date]:
    """(rule set, first day, last day) of period `number` of `year`: the given version, or
    the version of `code` in effect on the period's first day; ValidationError on a
    number the rule set's cadence has not or a version not yet in effect."""
    resolved = rule_set is None
    if resolved:
        rule_set = _rule_set_row(code, date(year, number, 1))
    limit = 12 if rule_set.cadence == Cadence.MONTHLY else 4
    if number > limit:
        _fail("number", _("Kỳ số phải từ 1 đến %(limit)s.") % {"limit": limit})
    start, end = period_bounds(rule_set.cadence, year, number)
    if resolved:
        rule_set = _rule_set_row(code, start)
    if rule_set.effective_from > start:
        _fail(
            "rule_set",
            _("Phiên bản bộ quy tắc này chỉ áp dụng từ %(date)s.")
            % {"date": rule_set.effective_from.strftime("%d/%m/%Y")},
        )
    return rule_set, start, end


def _lock_and_snapshot(rule_set: models.RuleSet, by) -> tuple[models.RuleSet, dict]:
    """Lock `rule_set` (a period now uses it) and return it with the snapshot the period
    keeps; a rule set the engine rejects fails on the `rule_set` field."""
    try:
        locked = rule_set_lock(rule_set=rule_set, by=by)
    except ValidationError as error:
        _fail("rule_set", error.messages[0])
    values = models.RuleSet.objects.filter(pk=locked.pk).values().get()
    engine_rules = rule_set_from_rows(values, list(locked.criteria.values(*CRITERION_COLUMNS)))
    return locked, snapshot(engine_rules)


def _deadlines(rule_set: models.RuleSet, start: date, end: date, **given) -> dict[str, date]:
    """The four deadlines: each given one, else the period's end plus the rule set's days;
    ValidationError naming each that falls before `start` or before the one preceding it."""
    days = {
        "self_assessment_due": rule_set.self_assessment_days,
        "scoring_due": rule_set.head_scoring_days,
        "unit_submission_due": rule_set.unit_submission_days,
        "sign_off_due": rule_set.agency_signoff_days,
    }
    dues = {name: given.get(name) or end + timedelta(days=n) for name, n in days.items()}
    errors = {name: _("Hạn phải sau ngày bắt đầu kỳ.") for name, due in dues.items() if due < start}
    order = list(dues)
    for earlier, later in zip(order, order[1:], strict=False):
        if dues[later] < dues[earlier]:
            errors.setdefault(later, _("Hạn này không được sớm hơn hạn trước nó."))
    if errors:
        raise ValidationError(errors)
    return dues


def _create_evaluations(period: models.Period, frozen: dict, by) -> list[models.Evaluation]:
    """An Evaluation per person assigned during the period (in the unit of their latest
    assignment, not rated when they joined after its first two weeks or lead the agency),
    a UnitPeriod per unit with people, and a blank CriterionScore per criterion."""
    start, end = period.start, period.end
    assignments = (
        Assignment.objects.filter(
            hr_selectors.overlapping(start, end),
            unit__organisation=period.organisation,
            start__lte=end,
        )
        .order_by("employee_id", "start")
        .values_list("employee_id", "unit_id", "job_position_id", "start")
    )
    placed: dict[int, tuple[int, int]] = {}
    first_day: dict[int, date] = {}
    for employee_id, unit_id, position_id, since in assignments:
        placed[employee_id] = (unit_id, position_id)  # the latest assignment in the period
        first_day.setdefault(employee_id, since)
    unit_ids = {unit_id for unit_id, _position in placed.values()}
    root_id = (
        Unit.objects.filter(organisation=period.organisation, parent__isnull=True)
        .values_list("pk", flat=True)
        .first()
    )
    leaders, other_leaders = leaders_in_period(unit_ids | {root_id}, start, end)
    agency_leader = leaders.get(root_id)
    late_join = start + timedelta(days=14)
    evaluations = []
    for employee_id, (unit_id, position_id) in placed.items():
        is_head = leaders.get(unit_id) == employee_id
        evaluations.append(
            models.Evaluation(
                period=period,
                employee_id=employee_id,
                unit_id=unit_id,
                job_position_id=position_id,
                is_head=is_head,
                is_leader=is_head or employee_id in other_leaders.get(unit_id, ()),
                not_rated=employee_id == agency_leader or first_day[employee_id] > late_join,
                joined_late=first_day[employee_id] > late_join,
            )
        )
    evaluations = bulk_create_with_history(evaluations, models.Evaluation, default_user=by)
    if any(e.pk is None for e in evaluations):
        evaluations = list(models.Evaluation.objects.filter(period=period))
    bulk_create_with_history(
        [models.UnitPeriod(period=period, unit_id=unit_id) for unit_id in sorted(unit_ids)],
        models.UnitPeriod,
        default_user=by,
    )
    _create_criterion_scores(period, frozen["general_criteria"], by)
    return evaluations


def _quoted(model, field: str = "") -> str:
    quote = connection.ops.quote_name
    meta = model._meta
    return quote(meta.db_table) + (f".{quote(meta.get_field(field).column)}" if field else "")


def _create_criterion_scores(period: models.Period, criteria: list, by) -> None:
    """A blank CriterionScore per criterion of every evaluation of the period, and its
    history row: two INSERT … SELECT statements whatever the number of people."""
    if not criteria:
        return
    listed = " UNION ALL ".join(
        f"SELECT {index} AS idx, %s AS code" for index in range(len(criteria))
    )
    evaluation = _quoted(models.Evaluation)
    bulk_writes.insert_select(
        models.CriterionScore,
        {"evaluation": "e.id", "criterion_index": "c.idx", "criterion_code": "c.code"},
        f"FROM {evaluation} e CROSS JOIN ({listed}) c WHERE e.period_id = %s ORDER BY e.id, c.idx",
        [*(c["code"] for c in criteria), period.pk],
    )
    bulk_writes.copy_to_history(
        models.CriterionScore.objects.filter(evaluation__period=period),
        by=by,
        reason=None,
        kind="+",
    )


def _create_work_items(period: models.Period, by) -> None:
    """Each evaluation's work items: its job position's standing tasks (a standard
    product's coefficient and dossier flag win over the task's), with their history
    rows: two INSERT … SELECT statements whatever the number of people."""
    task, product = _quoted(StandardTask), _quoted(WorkProduct)
    bulk_writes.insert_select(
        models.WorkItem,
        {
            "evaluation": "e.id",
            "standard_task": "t.id",
            "work_product": "t.work_product_id",
            "name": "t.name",
            "unit_of_measure": "t.unit_of_measure",
            "coefficient": "COALESCE(p.coefficient, t.coefficient)",
            "planned": "t.default_planned",
            "is_dossier_processing": "COALESCE(p.is_dossier_processing, %s)"
            % ("false" if connection.vendor == "postgresql" else "0"),
        },
        f"FROM {_quoted(models.Evaluation)} e "
        f"JOIN {task} t ON t.job_position_id = e.job_position_id "
        f"LEFT JOIN {product} p ON p.id = t.work_product_id "
        "WHERE e.period_id = %s ORDER BY e.id, t.id",
        [period.pk],
    )
    bulk_writes.copy_to_history(
        models.WorkItem.objects.filter(evaluation__period=period), by=by, reason=None, kind="+"
    )


@transaction.atomic
def period_advance(*, period: models.Period, to: str, by) -> models.Period:
    """Move the period to `to`, which must be the next state of its flow.

    open → self-assessment → scoring are HR steps; scoring → submitted needs every unit
    submitted; the later steps go through `period_sign_off`, `period_publish` and
    `period_lock`, which this calls. Raises ValidationError on an illegal transition.
    """
    if to == PeriodState.SIGNED_OFF:
        return period_sign_off(period=period, by=by)
    if to == PeriodState.PUBLISHED:
        return period_publish(period=period, by=by)
    if to == PeriodState.LOCKED:
        return period_lock(period=period, by=by)
    period = _locked_period(period)
    require(permissions.can_manage_org(by, period.organisation))
    if to == PeriodState.SUBMITTED:
        pending = models.UnitPeriod.objects.filter(period=period).exclude(
            state__in=[UnitPeriodState.SUBMITTED, UnitPeriodState.APPROVED]
        )
        names = list(pending.values_list("unit__name", flat=True)[:10])
        if names:
            _fail(
                "state", _("Còn đơn vị chưa gửi kết quả: %(units)s.") % {"units": ", ".join(names)}
            )
    _transition(period, to, by)
    if to == PeriodState.SELF_ASSESSMENT:
        _notify_self_assessment_open(period)
    return period


def _notify_self_assessment_open(period: models.Period) -> None:
    _notify_everyone(
        period,
        kind="self_assessment_open",
        title=_("Đã mở tự đánh giá %(period)s") % {"period": period},
        body=_("Hãy kê khai kết quả công việc và tự đánh giá trước ngày %(due)s.")
        % {"due": day_text(period.self_assessment_due)},
        key=f"period:{period.pk}:self_assessment_open",
        rated_only=True,  # the agency leader, rated above, declares nothing here
    )


def _evaluations_move(period: models.Period, state: str, by, action: str, **values) -> None:
    """Move the period's current evaluations to `state` (and `values`) with one UPDATE …
    WHERE, and audit each with one INSERT … SELECT of history rows naming `by` and the
    action."""
    bulk_writes.jit_off()
    bulk_writes.move_rows(
        models.Evaluation.objects.filter(period=period, is_current=True),
        by=by,
        reason=action,
        state=state,
        **values,
    )


@transaction.atomic
def period_publish(*, period: models.Period, by) -> models.Period:
    """Publish the signed-off results to employees (the agency leader or HR) and notify them.

    Refused, with the list, while a violation of the month is still contested or an
    appeal undecided (`selectors.publication_blockers`).

    The appeal window opens today for the rule set's `appeal_window_days`.
    """
    period = _locked_period(period)
    require(
        permissions.can_sign_off(by, period.organisation, _on(period))
        or permissions.can_manage_org(by, period.organisation)
    )
    _period_states(period, (PeriodState.SIGNED_OFF,))
    blockers = selectors.publication_blockers(period=period)
    if blockers:
        raise ValidationError(
            {
                "state": [_("Chưa công bố được: còn việc chưa giải quyết xong.")]
                + [f"{line}." for line in blockers]
            }
        )
    _evaluations_move(period, EvaluationState.PUBLISHED, by, _change_reason(_("Công bố kết quả")))
    today = clock.today()
    _transition(
        period,
        PeriodState.PUBLISHED,
        by,
        published_at=clock.now(),
        appeal_due=today + timedelta(days=period.rule_set.appeal_window_days),
    )
    _notify_everyone(
        period,
        kind="results_published",
        title=_("Đã công bố kết quả %(period)s") % {"period": period},
        body=_("Xem kết quả và lý do; kiến nghị (nếu có) trước ngày %(due)s.")
        % {"due": day_text(period.appeal_due)},
        key=f"period:{period.pk}:published:{period.published_at.isoformat()}",
    )
    api_events.period_published(period)  # API (issue 14): webhooks to subscribed systems
    return period


@transaction.atomic
def period_lock(*, period: models.Period, by) -> models.Period:
    """Lock a published period for good (HR): after the appeal window, no appeal pending."""
    period = _locked_period(period)
    require(permissions.can_manage_org(by, period.organisation))
    _period_states(period, (PeriodState.PUBLISHED,))
    if period.appeal_due and clock.today() <= period.appeal_due:
        _fail(
            "state",
            _("Chưa hết hạn kiến nghị (%(due)s).")
            % {"due": period.appeal_due.strftime("%d/%m/%Y")},
        )
    if models.Appeal.objects.filter(evaluation__period=period, state=AppealState.PENDING).exists():
        _fail("state", _("Còn kiến nghị chưa giải quyết."))
    _evaluations_move(period, EvaluationState.LOCKED, by, _change_reason(_("Khoá kỳ đánh giá")))
    return _transition(period, PeriodState.LOCKED, by, locked_at=clock.now())


@transaction.atomic
def period_reopen(*, period: models.Period, reason: str, by) -> models.PeriodReopening:
    """Reopen a locked period for correction (HR officer, written reason, audited).

    The period returns to scoring: units are returned with the reason and must be
    submitted and signed off again; results are recomputed on the next change.
    """
    period = _locked_period(period)
    require(permissions.can_manage_org(by, period.organisation))
    reason = (reason or "").strip()
    if not reason:
        _fail("reason", _("Ghi rõ lý do mở lại kỳ đánh giá."))
    if period.state != PeriodState.LOCKED:
        _fail("state", _("Chỉ mở lại kỳ đã khoá."))
    reopening = models.PeriodReopening(
        period=period,
        reason=reason,
        by=by,
        state_before=period.state,
        state_after=PeriodState.SCORING,
    )
    save(reopening, by)
    change_reason = _change_reason(_("Mở lại kỳ đánh giá"), reason)
    bulk_writes.move_rows(
        models.UnitPeriod.objects.filter(period=period),
        by=by,
        reason=change_reason,
        state=UnitPeriodState.RETURNED,
        return_reason=reason,
        returned_by=by,
        returned_at=clock.now(),
    )
    _evaluations_move(period, EvaluationState.SCORED, by, change_reason, revision=F("revision") + 1)
    period.state = PeriodState.SCORING
    period.signed_off_by = period.signed_off_at = period.published_at = None
    period.appeal_due = period.locked_at = None
    save(period, by)
    logger.warning("period %s of %s reopened by %s: %s", period, period.organisation, by, reason)
    return reopening
