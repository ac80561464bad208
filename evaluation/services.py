"""Every write to evaluation data: keyword-only `<entity>_<verb>` functions, atomic."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from evaluation import models, notifications
from evaluation.adapters import leaders_in_period, period_recompute
from evaluation.models import (
    PERIOD_FLOW,
    AppealState,
    Cadence,
    EvaluationState,
    PeriodState,
    UnitPeriodState,
)
from evaluation.rules import RuleSetError
from evaluation.rulesets import CRITERION_COLUMNS, rule_set_from_rows, snapshot
from hrsystem import clock, permissions
from hrsystem import selectors as hr_selectors
from hrsystem.models import Assignment, StandardTask, Unit
from hrsystem.service_checks import day_text, require, save

logger = logging.getLogger(__name__)


def _may_manage_rule_sets(by) -> None:
    if not permissions.can_manage_rule_sets(by):
        raise PermissionDenied(_("Bạn không có quyền quản lý bộ quy tắc chấm điểm."))


@transaction.atomic
def rule_set_new_version(*, rule_set: models.RuleSet, effective_from: date, by) -> models.RuleSet:
    """Clone `rule_set` and its criteria into the next, unlocked version of its code.

    The new version is in effect from `effective_from`, which must be later than that of
    every existing version of the code. Raises PermissionDenied when `by` may not manage
    rule sets, ValidationError on `effective_from` otherwise.
    """
    _may_manage_rule_sets(by)
    versions = list(
        models.RuleSet.objects.select_for_update().filter(code=rule_set.code).order_by("version")
    )
    source = next(v for v in versions if v.pk == rule_set.pk)
    latest_from = max(v.effective_from for v in versions)
    if effective_from <= latest_from:
        raise ValidationError(
            {
                "effective_from": _(
                    "Phiên bản mới phải áp dụng sau ngày %(date)s (ngày áp dụng của phiên bản "
                    "gần nhất của %(code)s)."
                )
                % {"date": latest_from.strftime("%d/%m/%Y"), "code": rule_set.code}
            }
        )
    criteria = list(source.criteria.order_by("order"))
    clone = source
    clone.pk = None
    clone._state.adding = True
    clone.version = versions[-1].version + 1
    clone.effective_from = effective_from
    clone.is_locked = False
    clone._history_user = by
    clone.save()
    for criterion in criteria:
        criterion.pk = None
        criterion._state.adding = True
        criterion.rule_set = clone
        criterion._history_user = by
        criterion.save()
    return clone


@transaction.atomic
def rule_set_lock(*, rule_set: models.RuleSet, by) -> models.RuleSet:
    """Lock `rule_set` for good (a period now uses it); locking a locked one is a no-op.

    Raises PermissionDenied when `by` may not manage rule sets; refuses, with
    ValidationError naming the field, a rule set the engine would reject.
    """
    _may_manage_rule_sets(by)
    row = models.RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    if row.is_locked:
        return row
    values = models.RuleSet.objects.filter(pk=row.pk).values().get()
    criteria = list(row.criteria.values(*CRITERION_COLUMNS))
    try:
        rule_set_from_rows(values, criteria)
    except RuleSetError as error:
        raise ValidationError(str(error)) from error
    row.is_locked = True
    row.save(update_fields=["is_locked"])
    return row


# --- the monthly cycle -----------------------------------------------------------------
#
# Every function below is keyword-only, atomic, checks `by`'s rights inside with
# `hrsystem.permissions` (PermissionDenied otherwise), locks the row it changes
# (select_for_update), records `by` as the history user, and raises ValidationError
# with a dict naming the field, saving nothing, on bad input. Nobody acts on their own
# record; a locked period changes only through `period_reopen`. Writes to one
# evaluation carry the `revision` the form was rendered with: a stale one raises
# `ConflictError` and changes nothing.


class ConflictError(ValidationError):
    """The record changed since the form was rendered (someone else saved first)."""


def _on(period: models.Period) -> date:
    """The date whose posts and assignments decide rights over `period`: its end, or today
    while it runs."""
    return min(period.end, clock.today())


def _fail(field: str, message) -> None:
    raise ValidationError({field: message})


def _change_reason(action: str, written: str = "") -> str:
    """The history rows' change reason of a bulk action: the action, then the reason the
    person wrote, cut to the column's length (the full text stays in the row's own field)."""
    column = models.Evaluation.history.model._meta.get_field("history_change_reason")
    return Truncator(f"{action}: {written}" if written else action).chars(column.max_length)


def _period_states(period: models.Period, allowed, field: str = "period") -> None:
    if period.state == PeriodState.LOCKED:
        _fail(field, _("Kỳ đánh giá đã khoá: không thể thay đổi."))
    if period.state not in allowed:
        _fail(
            field,
            _("Không thể thực hiện khi kỳ đánh giá đang ở trạng thái “%(state)s”.")
            % {"state": period.get_state_display()},
        )


def _locked_evaluation(evaluation: models.Evaluation, revision: int | None):
    """The evaluation row locked for update, with its period; checks the revision."""
    row = (
        models.Evaluation.objects.select_for_update(of=("self",))
        .select_related("period", "employee", "unit")
        .get(pk=evaluation.pk)
    )
    if not row.is_current:
        _fail(
            "evaluation", _("Đây là phiên bản cũ của phiếu đánh giá; hãy mở phiên bản hiện hành.")
        )
    if revision is not None and revision != row.revision:
        raise ConflictError(
            _(
                "Phiếu của %(name)s đã được người khác sửa sau khi bạn mở trang (lần sửa "
                "%(theirs)s, bạn đang sửa lần %(yours)s). Không có gì được lưu: hãy tải lại "
                "trang để xem thay đổi mới nhất rồi nhập lại."
            )
            % {"name": row.employee.full_name, "theirs": row.revision, "yours": revision},
            code="conflict",
        )
    return row


def _bump(evaluation: models.Evaluation, by, fields: Iterable[str] = ()) -> None:
    evaluation.revision += 1
    save(evaluation, by, update_fields=["revision", *fields])


def _is_own(by, evaluation: models.Evaluation) -> bool:
    return evaluation.employee.user_id is not None and evaluation.employee.user_id == by.pk


def _decimal(value, field: str) -> Decimal:
    if isinstance(value, float):
        _fail(field, _("Giá trị phải là số thập phân chính xác."))
    try:
        number = Decimal(str(value).replace(",", ".")) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        _fail(field, _("“%(value)s” không phải là một số.") % {"value": value})
    return number


def _whole(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        _fail(field, _("Phải là số nguyên không âm."))
    return value


def _criteria(evaluation: models.Evaluation) -> list:
    return evaluation.rule_set_snapshot["general_criteria"]


def _criterion_scores(evaluation, scores: dict, field: str) -> dict[int, Decimal]:
    """`scores` (criterion index → value) checked against the snapshot's maxima in Decimal."""
    criteria = _criteria(evaluation)
    cleaned, errors = {}, {}
    for index, value in scores.items():
        name = f"{field}[{index}]"
        if not isinstance(index, int) or not 0 <= index < len(criteria):
            errors[name] = _("Không có tiêu chí số %(index)s.") % {"index": index}
            continue
        try:
            number = _decimal(value, name)
        except ValidationError as error:
            errors.update(error.message_dict)
            continue
        maximum = Decimal(criteria[index]["max_points"])
        if number < 0 or number > maximum:
            errors[name] = _(
                "Tiêu chí “%(name)s”: điểm phải từ 0 đến %(max)s, không phải %(value)s."
            ) % {
                "name": criteria[index]["name"],
                "max": maximum,
                "value": number,
            }
        elif number != number.quantize(Decimal("0.01")):
            errors[name] = _("Điểm chỉ có tối đa 2 chữ số thập phân.")
        else:
            cleaned[index] = number
    if errors:
        raise ValidationError(errors)
    return cleaned


def _store_criteria(evaluation, values: dict[int, Decimal], column: str, by) -> None:
    rows = list(
        models.CriterionScore.objects.select_for_update().filter(
            evaluation=evaluation, criterion_index__in=list(values)
        )
    )
    for row in rows:
        setattr(row, column, values[row.criterion_index])
    if rows:
        bulk_update_with_history(rows, models.CriterionScore, [column], default_user=by)


def _item_of(item: models.WorkItem, evaluation_id: int | None = None) -> models.WorkItem:
    row = models.WorkItem.objects.select_for_update().get(pk=item.pk)
    if evaluation_id is not None and row.evaluation_id != evaluation_id:
        raise PermissionDenied(_("Sản phẩm này không thuộc phiếu đánh giá đang sửa."))
    return row


def _scorer(by, evaluation) -> None:
    """Refuse unless `by` may score this evaluation's person over its period."""
    require(permissions.can_score(by, evaluation.employee, _on(evaluation.period)))


def _unit_open_for_head(evaluation) -> None:
    """Refuse changes to a staff member's evaluation once their unit has submitted.

    A head's own evaluation is scored by their superior and is not part of the unit's
    submission: it stays open until the period is signed off.
    """
    if evaluation.is_head:
        return
    state = (
        models.UnitPeriod.objects.filter(period=evaluation.period_id, unit=evaluation.unit_id)
        .values_list("state", flat=True)
        .first()
    )
    if state in (UnitPeriodState.SUBMITTED, UnitPeriodState.APPROVED):
        _fail(
            "unit",
            _("Đơn vị đã gửi kết quả kỳ này: chỉ sửa được khi lãnh đạo cơ quan trả lại."),
        )


# --- periods ---------------------------------------------------------------------------


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
) -> models.Period:
    """Open the agency's period `number` of `year` (a month or a quarter, as the rule set says).

    The rule set is the given version or the version of `rule_set_code` in effect on the
    period's first day; it is locked and its snapshot kept. Deadlines default to the
    period's end plus the rule set's days. Creates a UnitPeriod per unit with people and
    an Evaluation per person assigned during the period, pre-filled with their job
    position's standing tasks. The agency leader (head of the root unit) is rated by the
    level above and is kept not rated here. HR officers only.
    """
    require(permissions.can_manage_org(by, organisation))
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        _fail("year", _("Năm không hợp lệ."))
    if not isinstance(number, int) or not 1 <= number <= 12:
        _fail("number", _("Kỳ số phải từ 1 đến 12 (tháng) hoặc 1 đến 4 (quý)."))
    resolved = rule_set is None
    if resolved:
        rule_set = _rule_set_row(rule_set_code, date(year, number, 1))
    cadence = rule_set.cadence
    limit = 12 if cadence == Cadence.MONTHLY else 4
    if number > limit:
        _fail("number", _("Kỳ số phải từ 1 đến %(limit)s.") % {"limit": limit})
    start, end = period_bounds(cadence, year, number)
    if resolved:
        rule_set = _rule_set_row(rule_set_code, start)
    if rule_set.effective_from > start:
        _fail(
            "rule_set",
            _("Phiên bản bộ quy tắc này chỉ áp dụng từ %(date)s.")
            % {"date": rule_set.effective_from.strftime("%d/%m/%Y")},
        )
    if models.Period.objects.filter(
        organisation=organisation, cadence=cadence, year=year, number=number
    ).exists():
        _fail("number", _("Cơ quan đã mở kỳ đánh giá này."))
    try:
        locked = rule_set_lock(rule_set=rule_set, by=by)
    except ValidationError as error:
        _fail("rule_set", error.messages[0])
    values = models.RuleSet.objects.filter(pk=locked.pk).values().get()
    engine_rules = rule_set_from_rows(values, list(locked.criteria.values(*CRITERION_COLUMNS)))
    frozen = snapshot(engine_rules)
    dues = {
        "self_assessment_due": self_assessment_due
        or end + timedelta(days=locked.self_assessment_days),
        "scoring_due": scoring_due or end + timedelta(days=locked.head_scoring_days),
        "unit_submission_due": unit_submission_due
        or end + timedelta(days=locked.unit_submission_days),
        "sign_off_due": sign_off_due or end + timedelta(days=locked.agency_signoff_days),
    }
    errors = {name: _("Hạn phải sau ngày bắt đầu kỳ.") for name, due in dues.items() if due < start}
    order = list(dues)
    for earlier, later in zip(order, order[1:], strict=False):
        if dues[later] < dues[earlier]:
            errors.setdefault(later, _("Hạn này không được sớm hơn hạn trước nó."))
    if errors:
        raise ValidationError(errors)
    period = models.Period(
        organisation=organisation,
        rule_set=locked,
        rule_set_snapshot=frozen,
        cadence=cadence,
        year=year,
        number=number,
        start=start,
        end=end,
        opened_by=by,
        **dues,
    )
    save(period, by)

    assignments = (
        Assignment.objects.filter(
            hr_selectors.overlapping(start, end), unit__organisation=organisation, start__lte=end
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
        Unit.objects.filter(organisation=organisation, parent__isnull=True)
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
                rule_set_snapshot=frozen,
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
    criteria = frozen["general_criteria"]
    bulk_create_with_history(
        [
            models.CriterionScore(
                evaluation=evaluation, criterion_index=index, criterion_code=c["code"]
            )
            for evaluation in evaluations
            for index, c in enumerate(criteria)
        ],
        models.CriterionScore,
        default_user=by,
    )
    tasks = defaultdict(list)
    for task in (
        StandardTask.objects.filter(job_position_id__in={e.job_position_id for e in evaluations})
        .select_related("work_product")
        .order_by("job_position_id", "id")
    ):
        tasks[task.job_position_id].append(task)
    items = [
        models.WorkItem(
            evaluation=evaluation,
            standard_task=task,
            work_product=task.work_product,
            name=task.name,
            unit_of_measure=task.unit_of_measure,
            coefficient=task.work_product.coefficient if task.work_product else task.coefficient,
            planned=task.default_planned,
            is_dossier_processing=bool(
                task.work_product and task.work_product.is_dossier_processing
            ),
        )
        for evaluation in evaluations
        for task in tasks[evaluation.job_position_id]
    ]
    bulk_create_with_history(items, models.WorkItem, default_user=by)
    logger.info("period %s opened for %s: %d evaluations", period, organisation, len(evaluations))
    return period


NEXT_STATE = dict(zip(PERIOD_FLOW, PERIOD_FLOW[1:], strict=False))


def _transition(period: models.Period, to: str, by, **fields) -> models.Period:
    if period.state == PeriodState.LOCKED:
        _fail("state", _("Kỳ đánh giá đã khoá: chỉ cán bộ tổ chức mở lại được, có ghi lý do."))
    if NEXT_STATE.get(period.state) != to:
        _fail(
            "state",
            _("Không thể chuyển kỳ từ “%(from)s” sang “%(to)s”.")
            % {"from": period.get_state_display(), "to": PeriodState(to).label},
        )
    period.state = to
    for name, value in fields.items():
        setattr(period, name, value)
    save(period, by)
    return period


def _locked_period(period: models.Period) -> models.Period:
    return (
        models.Period.objects.select_for_update().select_related("organisation").get(pk=period.pk)
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


def _notify_everyone(
    period: models.Period, *, kind: str, title: str, body: str, key: str, rated_only=False
) -> None:
    """One message to every person of the period with a login (only those rated, if
    `rated_only`); 1 query + the send."""
    users = models.Evaluation.objects.filter(
        period=period, is_current=True, employee__user__isnull=False
    )
    if rated_only:
        users = users.filter(not_rated=False)
    notifications.notify_many(
        [
            notifications.Message(
                user_id=user_id, kind=kind, title=title, body=body, dedupe_key=key
            )
            for user_id in users.values_list("employee__user_id", flat=True)
        ]
    )


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


# --- the employee's part ---------------------------------------------------------------

EMPLOYEE_STATES = (PeriodState.OPEN, PeriodState.SELF_ASSESSMENT, PeriodState.SCORING)
HEAD_STATES = (PeriodState.SELF_ASSESSMENT, PeriodState.SCORING)


def _own_draft(by, evaluation) -> None:
    if not _is_own(by, evaluation):
        raise PermissionDenied(
            _("Chỉ người được đánh giá mới kê khai, tự đánh giá phiếu của mình.")
        )
    _period_states(evaluation.period, EMPLOYEE_STATES)
    if evaluation.state != EvaluationState.DRAFT:
        _fail("evaluation", _("Phiếu đã gửi tự đánh giá hoặc đã được chấm: không sửa được nữa."))
    if (
        evaluation.period.state == PeriodState.SCORING
        and clock.today() > evaluation.period.scoring_due
    ):
        _fail("evaluation", _("Đã quá hạn chấm điểm của kỳ: không thể tự đánh giá nữa."))


def _declare(
    item: models.WorkItem, done, evidence_number, evidence_file, self_note, field: str
) -> None:
    if done is not None:
        value = _decimal(done, field)
        if value < 0:
            _fail(
                field,
                _("Khối lượng hoàn thành của “%(name)s” không được âm.") % {"name": item.name},
            )
        if value != value.quantize(Decimal("0.01")):
            _fail(field, _("Khối lượng chỉ có tối đa 2 chữ số thập phân."))
        item.done = value
    if evidence_number is not None:
        item.evidence_number = evidence_number.strip()
    if evidence_file is not None:
        item.evidence_file = evidence_file
    if self_note is not None:
        item.self_note = self_note.strip()
    try:
        item.full_clean(exclude=["evaluation", "standard_task", "work_product"])
    except ValidationError as error:
        # `done` names the single item's field; `done[<id>]` one item of a batch
        where = field[len("done") :]
        raise ValidationError(
            {f"{name}{where}": messages for name, messages in error.message_dict.items()}
        ) from error


@transaction.atomic
def work_item_declare(
    *,
    item: models.WorkItem,
    revision: int,
    by,
    done=None,
    evidence_number: str | None = None,
    evidence_file=None,
    self_note: str | None = None,
) -> models.WorkItem:
    """The employee declares an item of their own draft: done quantity, evidence, note."""
    item = _item_of(item)
    evaluation = _locked_evaluation(item.evaluation, revision)
    _own_draft(by, evaluation)
    _declare(item, done, evidence_number, evidence_file, self_note, "done")
    save(item, by)
    _bump(evaluation, by)
    return item


@transaction.atomic
def self_assessment_save(
    *,
    evaluation: models.Evaluation,
    revision: int,
    by,
    proposed: dict | None = None,
    done: dict | None = None,
    comment: str | None = None,
) -> models.Evaluation:
    """Save the employee's draft: proposed criterion scores, done quantities, comment."""
    evaluation = _locked_evaluation(evaluation, revision)
    _own_draft(by, evaluation)
    _save_self(evaluation, proposed or {}, done or {}, comment, by)
    _bump(evaluation, by, ["self_comment"])
    return evaluation


def _save_self(evaluation, proposed: dict, done: dict, comment, by) -> None:
    values = _criterion_scores(evaluation, proposed, "proposed")
    items = {i.pk: i for i in models.WorkItem.objects.select_for_update().filter(pk__in=list(done))}
    for item_id in done:
        if item_id not in items or items[item_id].evaluation_id != evaluation.pk:
            raise PermissionDenied(_("Sản phẩm này không thuộc phiếu đánh giá đang sửa."))
    for item_id, value in done.items():
        _declare(items[item_id], value, None, None, None, f"done[{item_id}]")
    _store_criteria(evaluation, values, "proposed", by)
    if items:
        bulk_update_with_history(list(items.values()), models.WorkItem, ["done"], default_user=by)
    if comment is not None:
        evaluation.self_comment = comment.strip()


@transaction.atomic
def self_assessment_submit(
    *,
    evaluation: models.Evaluation,
    revision: int,
    by,
    proposed: dict | None = None,
    done: dict | None = None,
    comment: str | None = None,
) -> models.Evaluation:
    """Save and submit the employee's self-assessment; afterwards it is read-only to them.

    Every criterion needs a proposed score. A late submission is accepted until the
    scoring deadline; a missing one never blocks the head.
    """
    evaluation = _locked_evaluation(evaluation, revision)
    _own_draft(by, evaluation)
    _save_self(evaluation, proposed or {}, done or {}, comment, by)
    missing = models.CriterionScore.objects.filter(evaluation=evaluation, proposed__isnull=True)
    errors = {
        f"proposed[{i}]": _("Chưa tự chấm tiêu chí này.")
        for i in missing.values_list("criterion_index", flat=True)
    }
    if errors:
        raise ValidationError(errors)
    evaluation.state = EvaluationState.SELF_SUBMITTED
    evaluation.self_submitted_at = clock.now()
    evaluation.return_reason = ""
    _bump(evaluation, by, ["self_comment", "state", "self_submitted_at", "return_reason"])
    return evaluation


@transaction.atomic
def self_assessment_record(
    *,
    evaluation: models.Evaluation,
    revision: int,
    by,
    declarations: Iterable[tuple[models.WorkItem, dict]] = (),
    proposed: dict | None = None,
    comment: str | None = None,
    submit: bool = False,
) -> models.Evaluation:
    """The employee's month page saved as one change, all or nothing: each (item, values)
    of `declarations` through `work_item_declare` (values: done, evidence_number,
    evidence_file, self_note), then `self_assessment_submit` when `submit`, else
    `self_assessment_save`; each call carries the revision the previous one left, so a
    stale `revision` raises ConflictError and saves nothing."""
    for item, values in declarations:
        work_item_declare(item=item, revision=revision, by=by, **values)
        revision += 1
    send = self_assessment_submit if submit else self_assessment_save
    return send(evaluation=evaluation, revision=revision, by=by, proposed=proposed, comment=comment)


# --- the head's part -------------------------------------------------------------------


def _head_may_edit(by, evaluation) -> None:
    _scorer(by, evaluation)
    _period_states(evaluation.period, HEAD_STATES)
    if evaluation.state in (EvaluationState.PUBLISHED, EvaluationState.LOCKED):
        _fail("evaluation", _("Kết quả đã công bố: chỉ thay đổi qua kiến nghị."))
    _unit_open_for_head(evaluation)


@transaction.atomic
def work_item_add_ad_hoc(
    *,
    evaluation: models.Evaluation,
    name: str,
    unit_of_measure: str,
    planned,
    revision: int,
    by,
    coefficient=Decimal(1),
    work_product=None,
) -> models.WorkItem:
    """The head assigns an ad-hoc item to a staff member's period (never their own)."""
    evaluation = _locked_evaluation(evaluation, revision)
    _scorer(by, evaluation)
    _period_states(evaluation.period, EMPLOYEE_STATES)
    if evaluation.state in (EvaluationState.PUBLISHED, EvaluationState.LOCKED):
        _fail("evaluation", _("Kết quả đã công bố: không giao thêm việc được."))
    _unit_open_for_head(evaluation)
    if work_product is not None:
        if (
            work_product.organisation_id != evaluation.period.organisation_id
            or not work_product.active
        ):
            _fail("work_product", _("Sản phẩm không thuộc danh mục đang dùng của cơ quan."))
        coefficient = work_product.coefficient
        unit_of_measure = unit_of_measure or work_product.unit_of_measure
        name = name or work_product.name
    errors = {}
    planned_value = _decimal(planned, "planned")
    coefficient_value = _decimal(coefficient, "coefficient")
    if planned_value <= 0:
        errors["planned"] = _("Khối lượng giao phải lớn hơn 0.")
    if coefficient_value <= 0:
        errors["coefficient"] = _("Hệ số quy đổi phải lớn hơn 0.")
    if not (name or "").strip():
        errors["name"] = _("Nhập tên công việc.")
    if not (unit_of_measure or "").strip():
        errors["unit_of_measure"] = _("Nhập đơn vị tính.")
    if errors:
        raise ValidationError(errors)
    item = models.WorkItem(
        evaluation=evaluation,
        work_product=work_product,
        name=name.strip(),
        unit_of_measure=unit_of_measure.strip(),
        coefficient=coefficient_value,
        planned=planned_value,
        ad_hoc=True,
        assigned_by=by,
        is_dossier_processing=bool(work_product and work_product.is_dossier_processing),
    )
    item.full_clean(exclude=["evaluation"])
    save(item, by)
    _bump(evaluation, by)
    return item


def _review(item, major_errors, late, review_note, field: str) -> None:
    errors = {}
    for name, value in (("major_errors", major_errors), ("late", late)):
        if value is None:
            continue
        try:
            setattr(item, name, _whole(value, f"{field}.{name}"))
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    if item.late_excused > item.late:
        _fail(
            f"{field}.late",
            _("Số ngày chậm không được ít hơn số ngày đã xác nhận có lý do (%(n)s).")
            % {"n": item.late_excused},
        )
    if review_note is not None:
        item.review_note = review_note.strip()


@transaction.atomic
def delay_certify(
    *, item: models.WorkItem, late_excused: int, reason: str, revision: int, by
) -> models.WorkItem:
    """The head certifies an objective cause for `late_excused` of the item's days late.

    Needs a written reason when above 0; never on one's own item; deputies cannot.
    """
    item = _item_of(item)
    evaluation = _locked_evaluation(item.evaluation, revision)
    require(permissions.can_certify_delay(by, evaluation.employee, _on(evaluation.period)))
    _period_states(evaluation.period, EMPLOYEE_STATES)
    if evaluation.state in (EvaluationState.PUBLISHED, EvaluationState.LOCKED):
        _fail("evaluation", _("Kết quả đã công bố: chỉ thay đổi qua kiến nghị."))
    _unit_open_for_head(evaluation)
    value = _whole(late_excused, "late_excused")
    if value > item.late:
        _fail("late_excused", _("Không vượt quá số ngày chậm (%(n)s).") % {"n": item.late})
    reason = (reason or "").strip()
    if value and not reason:
        _fail("excuse_reason", _("Ghi rõ nguyên nhân khách quan của việc chậm."))
    item.late_excused = value
    item.excuse_reason = reason if value else ""
    item.excused_by = by if value else None
    save(item, by)
    _bump(evaluation, by)
    _recompute_after(evaluation.period, by)
    return item


def _leader_criterion(evaluation, value, reason, name: str) -> tuple[Decimal, str]:
    rules = evaluation.rule_set_snapshot
    full, reduced = Decimal(rules["leader_full"]), Decimal(rules["leader_reduced"])
    number = _decimal(value, name)
    if number not in (full, reduced):
        _fail(name, _("Chỉ chọn %(full)s hoặc %(reduced)s.") % {"full": full, "reduced": reduced})
    reason = (reason or "").strip()
    if number == reduced and not reason:
        _fail(f"{name}_reason", _("Ghi rõ lý do khi đánh giá %(reduced)s.") % {"reduced": reduced})
    return number, reason


@transaction.atomic
def evaluation_score(
    *,
    evaluation: models.Evaluation,
    revision: int,
    by,
    final: dict | None = None,
    items: dict | None = None,
    head_comment: str | None = None,
    dd=None,
    dd_reason: str = "",
    e=None,
    e_reason: str = "",
    absent: bool | None = None,
) -> models.Evaluation:
    """The scorer gives the final scores and the result is computed by the engine.

    `final` maps criterion index → score (every criterion must end up with one; the
    proposal is not copied silently); `items` maps work-item id → {major_errors, late,
    review_note}; `dd`/`e` (leaders only) are the superior's 100 or 50, with a reason
    at 50. The scorer is the head, the acting head, a deputy the person is delegated to,
    or, for a leader, their superior; never the person. Recomputes the agency's period.
    """
    evaluation = _locked_evaluation(evaluation, revision)
    _head_may_edit(by, evaluation)
    if (
        evaluation.period.state == PeriodState.SELF_ASSESSMENT
        and evaluation.state == EvaluationState.DRAFT
    ):
        _fail(
            "evaluation",
            _("Người này đang tự đánh giá; chấm điểm khi kỳ chuyển sang bước chấm điểm."),
        )
    values = _criterion_scores(evaluation, final or {}, "final")
    fields = ["state", "scored_by", "scored_at", "head_comment", "absent"]
    if absent is not None:
        evaluation.absent = bool(absent)
    if dd is not None or e is not None:
        if not evaluation.is_leader:
            _fail("dd", _("Tiêu chí đ, e chỉ áp dụng cho người giữ chức vụ lãnh đạo."))
        if dd is not None:
            evaluation.dd_score, evaluation.dd_reason = _leader_criterion(
                evaluation, dd, dd_reason, "dd"
            )
        if e is not None:
            evaluation.e_score, evaluation.e_reason = _leader_criterion(
                evaluation, e, e_reason, "e"
            )
        evaluation.leader_assessed_by = by
        fields += ["dd_score", "dd_reason", "e_score", "e_reason", "leader_assessed_by"]
    if items:
        rows = {
            i.pk: i for i in models.WorkItem.objects.select_for_update().filter(pk__in=list(items))
        }
        for item_id, change in items.items():
            row = rows.get(item_id)
            if row is None or row.evaluation_id != evaluation.pk:
                raise PermissionDenied(_("Sản phẩm này không thuộc phiếu đánh giá đang chấm."))
            _review(
                row,
                change.get("major_errors"),
                change.get("late"),
                change.get("review_note"),
                f"items[{item_id}]",
            )
        bulk_update_with_history(
            list(rows.values()),
            models.WorkItem,
            ["major_errors", "late", "review_note"],
            default_user=by,
        )
    _store_criteria(evaluation, values, "final", by)
    if not evaluation.absent:
        missing = models.CriterionScore.objects.filter(evaluation=evaluation, final__isnull=True)
        errors = {
            f"final[{i}]": _("Chưa chấm tiêu chí này.")
            for i in missing.values_list("criterion_index", flat=True)
        }
        if errors:
            raise ValidationError(errors)
    if head_comment is not None:
        evaluation.head_comment = head_comment.strip()
    evaluation.state = EvaluationState.SCORED
    evaluation.scored_by = by
    evaluation.scored_at = clock.now()
    _bump(evaluation, by, fields)
    _recompute_after(evaluation.period, by)
    evaluation.refresh_from_db()
    return evaluation


@transaction.atomic
def evaluation_score_row(
    *,
    evaluation: models.Evaluation,
    revision: int,
    by,
    items: list[models.WorkItem],
    reviews: dict,
    certify: bool,
    final: dict | None = None,
    **scores,
) -> models.Evaluation:
    """One row of the scoring page saved as one change, all or nothing.

    `reviews` maps the id of each of `items` (the person's items as shown) to the typed
    major_errors, late, late_excused and excuse_reason; the excusals count only when
    `certify` (the scorer was offered them). Excusals lowered are certified first (so
    days late may go down), then `evaluation_score` with `final` and `scores`
    (head_comment, absent, dd, dd_reason, e, e_reason), then excusals raised; each call
    carries the revision the previous one left, so a stale `revision` raises
    ConflictError and saves nothing.
    """
    stored = {item.pk: item for item in items}
    if not certify:
        for pk, item in stored.items():
            reviews[pk].update(late_excused=item.late_excused, excuse_reason=item.excuse_reason)
    lowered = [pk for pk, r in reviews.items() if r["late_excused"] < stored[pk].late_excused]
    raised = [
        pk
        for pk, r in reviews.items()
        if pk not in lowered
        and (
            r["late_excused"] != stored[pk].late_excused
            or (r["late_excused"] and r["excuse_reason"] != stored[pk].excuse_reason)
        )
    ]

    def certify_each(pks: list[int], revision: int) -> int:
        for pk in pks:
            delay_certify(
                item=stored[pk],
                late_excused=reviews[pk]["late_excused"],
                reason=reviews[pk]["excuse_reason"],
                revision=revision,
                by=by,
            )
            revision += 1
        return revision

    revision = certify_each(lowered, revision)
    evaluation = evaluation_score(
        evaluation=evaluation,
        revision=revision,
        by=by,
        final=final,
        items={
            pk: {"major_errors": r["major_errors"], "late": r["late"]} for pk, r in reviews.items()
        },
        **scores,
    )
    certify_each(raised, evaluation.revision)
    return evaluation


@transaction.atomic
def bonus_add(
    *, evaluation: models.Evaluation, points, reason: str, revision: int, by
) -> models.BonusEntry:
    """The scorer awards bonus points with a reason; refused when the rule set has no bonus."""
    evaluation = _locked_evaluation(evaluation, revision)
    _head_may_edit(by, evaluation)
    cap = evaluation.rule_set_snapshot.get("bonus_cap")
    if cap is None:
        _fail("points", _("Bộ quy tắc của kỳ này không có điểm thưởng."))
    value = _decimal(points, "points")
    if value <= 0 or value > Decimal(cap):
        _fail("points", _("Điểm thưởng phải lớn hơn 0 và không quá %(cap)s.") % {"cap": cap})
    if not (reason or "").strip():
        _fail("reason", _("Ghi rõ sáng kiến hoặc thành tích được thưởng."))
    entry = models.BonusEntry(
        evaluation=evaluation, points=value, reason=reason.strip(), awarded_by=by
    )
    save(entry, by)
    _bump(evaluation, by)
    _recompute_after(evaluation.period, by)
    return entry


def _heads_may_edit(by, rows: list[models.Evaluation]) -> None:
    """`_head_may_edit` for rows of one period, in constant queries whatever their number."""
    period = rows[0].period
    allowed = permissions.scorable_ids(by, [row.employee for row in rows], _on(period))
    require(all(row.employee_id in allowed for row in rows))
    _period_states(period, HEAD_STATES)
    if any(row.state in (EvaluationState.PUBLISHED, EvaluationState.LOCKED) for row in rows):
        _fail("evaluation", _("Kết quả đã công bố: chỉ thay đổi qua kiến nghị."))
    staff_units = {row.unit_id for row in rows if not row.is_head}
    closed = models.UnitPeriod.objects.filter(
        period=period,
        unit__in=staff_units,
        state__in=(UnitPeriodState.SUBMITTED, UnitPeriodState.APPROVED),
    )
    if staff_units and closed.exists():
        _fail(
            "unit",
            _("Đơn vị đã gửi kết quả kỳ này: chỉ sửa được khi lãnh đạo cơ quan trả lại."),
        )


def _many(evaluations) -> list[models.Evaluation]:
    ids = [e.pk for e in evaluations]
    rows = list(
        models.Evaluation.objects.select_for_update(of=("self",))
        .select_related("period", "employee", "unit")
        .filter(pk__in=ids, is_current=True)
        .order_by("pk")
    )
    if len(rows) != len(set(ids)):
        _fail("evaluations", _("Có phiếu không tồn tại hoặc không còn là phiên bản hiện hành."))
    if len({row.period_id for row in rows}) > 1:
        _fail("evaluations", _("Chỉ thao tác hàng loạt trong cùng một kỳ đánh giá."))
    return rows


@transaction.atomic
def evaluations_bulk_approve(*, evaluations, by) -> list[models.Evaluation]:
    """The scorer accepts the submitted self-assessments as final, all or none.

    Each evaluation must be self-submitted and scorable by `by`; each criterion's
    proposal becomes its final score. Recomputes the period once.
    """
    rows = _many(evaluations)
    if not rows:
        return rows
    _heads_may_edit(by, rows)
    for row in rows:
        if row.state != EvaluationState.SELF_SUBMITTED:
            _fail(
                "evaluations",
                _("%(name)s chưa gửi tự đánh giá: hãy chấm từng tiêu chí.")
                % {"name": row.employee.full_name},
            )
    scores = list(models.CriterionScore.objects.select_for_update().filter(evaluation__in=rows))
    for score in scores:
        score.final = score.proposed
    reason = _change_reason(_("Duyệt hàng loạt tự đánh giá"))
    bulk_update_with_history(
        scores, models.CriterionScore, ["final"], default_user=by, default_change_reason=reason
    )
    now = clock.now()
    for row in rows:
        row.state = EvaluationState.SCORED
        row.scored_by = by
        row.scored_at = now
        row.revision += 1
    bulk_update_with_history(
        rows,
        models.Evaluation,
        ["state", "scored_by", "scored_at", "revision"],
        default_user=by,
        default_change_reason=reason,
    )
    _recompute_after(rows[0].period, by)
    return rows


@transaction.atomic
def evaluations_bulk_return(*, evaluations, reason: str, by) -> list[models.Evaluation]:
    """The scorer returns self-assessments to their authors with one reason, all or none."""
    reason = (reason or "").strip()
    if not reason:
        _fail("reason", _("Ghi rõ lý do trả lại."))
    rows = _many(evaluations)
    if not rows:
        return rows
    _heads_may_edit(by, rows)
    for row in rows:
        if row.state not in (EvaluationState.SELF_SUBMITTED, EvaluationState.SCORED):
            _fail(
                "evaluations",
                _("Phiếu của %(name)s chưa gửi tự đánh giá.") % {"name": row.employee.full_name},
            )
    for row in rows:
        row.state = EvaluationState.DRAFT
        row.return_reason = reason
        row.revision += 1
    bulk_update_with_history(
        rows,
        models.Evaluation,
        ["state", "return_reason", "revision"],
        default_user=by,
        default_change_reason=_change_reason(_("Trả lại tự đánh giá"), reason),
    )
    notifications.notify_many(
        [
            notifications.Message(
                user_id=row.employee.user_id,
                kind="self_assessment_returned",
                title=_("Phiếu tự đánh giá %(period)s bị trả lại") % {"period": row.period},
                body=reason,
                dedupe_key=f"evaluation:{row.pk}:returned:{row.revision}",
            )
            for row in rows
            if row.employee.user_id
        ]
    )
    return rows


# --- units and the agency --------------------------------------------------------------


def _locked_unit_periods(unit_periods) -> list[models.UnitPeriod]:
    ids = [u.pk for u in unit_periods]
    rows = list(
        models.UnitPeriod.objects.select_for_update(of=("self",))
        .select_related("period", "period__organisation", "unit")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    if not rows or len(rows) != len(set(ids)):
        _fail("unit_periods", _("Chọn ít nhất một đơn vị hợp lệ."))
    if len({row.period_id for row in rows}) > 1:
        _fail("unit_periods", _("Chỉ thao tác hàng loạt trong cùng một kỳ đánh giá."))
    return rows


@transaction.atomic
def unit_submit(*, unit_period: models.UnitPeriod, by) -> models.UnitPeriod:
    """The unit's head submits its period once every rated staff member is scored.

    The head's own evaluation is scored by their superior and does not hold this up.
    The last unit to submit moves the period to "submitted" for the agency leader.
    """
    (row,) = _locked_unit_periods([unit_period])
    period = row.period
    _period_states(period, (PeriodState.SCORING,))
    require(permissions.can_approve_unit(by, row.unit, _on(period)))
    if row.state not in (UnitPeriodState.DRAFT, UnitPeriodState.RETURNED):
        _fail("state", _("Đơn vị đã gửi kết quả kỳ này."))
    waiting = list(
        models.Evaluation.objects.filter(
            period=period, unit=row.unit, is_current=True, is_head=False, not_rated=False
        )
        .exclude(state=EvaluationState.SCORED)
        .order_by("employee__sort_key")
        .values_list("employee__full_name", flat=True)
    )
    if waiting:
        _fail("state", _("Chưa chấm điểm: %(names)s.") % {"names": ", ".join(waiting)})
    row.state = UnitPeriodState.SUBMITTED
    row.submitted_by = by
    row.submitted_at = clock.now()
    save(row, by)
    pending = models.UnitPeriod.objects.filter(period=period).exclude(
        state__in=[UnitPeriodState.SUBMITTED, UnitPeriodState.APPROVED]
    )
    if not pending.exists():
        _transition(_locked_period(period), PeriodState.SUBMITTED, by)
    return row


def _agency_leader_only(by, period) -> None:
    require(permissions.can_sign_off(by, period.organisation, _on(period)))


@transaction.atomic
def unit_approve(*, unit_periods, by) -> list[models.UnitPeriod]:
    """The agency leader approves submitted units' periods, all or none."""
    rows = _locked_unit_periods(unit_periods)
    period = rows[0].period
    _period_states(period, (PeriodState.SCORING, PeriodState.SUBMITTED))
    _agency_leader_only(by, period)
    for row in rows:
        if row.state != UnitPeriodState.SUBMITTED:
            _fail("unit_periods", _("%(unit)s chưa gửi kết quả.") % {"unit": row.unit.name})
    now = clock.now()
    for row in rows:
        row.state, row.approved_by, row.approved_at = UnitPeriodState.APPROVED, by, now
    bulk_update_with_history(
        rows,
        models.UnitPeriod,
        ["state", "approved_by", "approved_at"],
        default_user=by,
        default_change_reason=_change_reason(_("Phê duyệt kết quả đơn vị")),
    )
    return rows


@transaction.atomic
def unit_return(*, unit_periods, reason: str, by) -> list[models.UnitPeriod]:
    """The agency leader returns units' periods to their heads with one written reason.

    The period goes back to scoring; each unit's leader is notified.
    """
    reason = (reason or "").strip()
    if not reason:
        _fail("reason", _("Ghi rõ lý do trả lại."))
    rows = _locked_unit_periods(unit_periods)
    period = _locked_period(rows[0].period)
    _period_states(period, (PeriodState.SCORING, PeriodState.SUBMITTED))
    _agency_leader_only(by, period)
    for row in rows:
        if row.state not in (UnitPeriodState.SUBMITTED, UnitPeriodState.APPROVED):
            _fail("unit_periods", _("%(unit)s chưa gửi kết quả.") % {"unit": row.unit.name})
    now = clock.now()
    for row in rows:
        row.state, row.returned_by, row.returned_at, row.return_reason = (
            UnitPeriodState.RETURNED,
            by,
            now,
            reason,
        )
        row.approved_by, row.approved_at = None, None
    bulk_update_with_history(
        rows,
        models.UnitPeriod,
        ["state", "returned_by", "returned_at", "return_reason", "approved_by", "approved_at"],
        default_user=by,
        default_change_reason=_change_reason(_("Trả lại kết quả đơn vị"), reason),
    )
    if period.state == PeriodState.SUBMITTED:
        period.state = PeriodState.SCORING
        save(period, by)
    leaders = hr_selectors.leader_posts_on([row.unit_id for row in rows], on=_on(period))
    notifications.notify_many(
        [
            notifications.Message(
                user_id=leaders[row.unit_id].employee.user_id,
                kind="unit_returned",
                title=_("Kết quả %(period)s của %(unit)s bị trả lại")
                % {"period": period, "unit": row.unit.name},
                body=reason,
                dedupe_key=f"unit_period:{row.pk}:returned:{now.isoformat()}",
            )
            for row in rows
            if row.unit_id in leaders and leaders[row.unit_id].employee.user_id
        ]
    )
    return rows


@transaction.atomic
def period_sign_off(*, period: models.Period, by) -> models.Period:
    """The agency leader signs off the period: every unit submitted, all approved at once."""
    period = _locked_period(period)
    _agency_leader_only(by, period)
    _period_states(period, (PeriodState.SUBMITTED,))
    units = list(models.UnitPeriod.objects.select_for_update().filter(period=period))
    pending = [
        u for u in units if u.state not in (UnitPeriodState.SUBMITTED, UnitPeriodState.APPROVED)
    ]
    if pending:
        _fail("state", _("Còn %(n)s đơn vị chưa gửi kết quả.") % {"n": len(pending)})
    unscored = models.Evaluation.objects.filter(
        period=period, is_current=True, not_rated=False
    ).exclude(state=EvaluationState.SCORED)
    names = list(
        unscored.order_by("employee__sort_key").values_list("employee__full_name", flat=True)[:10]
    )
    if names:
        _fail("state", _("Chưa chấm điểm: %(names)s.") % {"names": ", ".join(names)})
    now = clock.now()
    for unit in units:
        if unit.state == UnitPeriodState.SUBMITTED:
            unit.state, unit.approved_by, unit.approved_at = UnitPeriodState.APPROVED, by, now
    bulk_update_with_history(
        units,
        models.UnitPeriod,
        ["state", "approved_by", "approved_at"],
        default_user=by,
        default_change_reason=_change_reason(_("Ký duyệt kỳ đánh giá")),
    )
    _recompute_after(period, by)
    return _transition(period, PeriodState.SIGNED_OFF, by, signed_off_by=by, signed_off_at=now)


def _evaluations_move(period: models.Period, state: str, by, action: str) -> None:
    """Move the period's current evaluations to `state`: one UPDATE and one history INSERT
    (per batch), each history row naming `by` and the action."""
    rows = list(
        models.Evaluation.objects.select_for_update().filter(period=period, is_current=True)
    )
    for row in rows:
        row.state = state
    bulk_update_with_history(
        rows,
        models.Evaluation,
        ["state"],
        default_user=by,
        default_change_reason=_change_reason(action),
    )


@transaction.atomic
def period_publish(*, period: models.Period, by) -> models.Period:
    """Publish the signed-off results to employees (the agency leader or HR) and notify them.

    The appeal window opens today for the rule set's `appeal_window_days`.
    """
    period = _locked_period(period)
    require(
        permissions.can_sign_off(by, period.organisation, _on(period))
        or permissions.can_manage_org(by, period.organisation)
    )
    _period_states(period, (PeriodState.SIGNED_OFF,))
    _evaluations_move(period, EvaluationState.PUBLISHED, by, _("Công bố kết quả"))
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
    _evaluations_move(period, EvaluationState.LOCKED, by, _("Khoá kỳ đánh giá"))
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
    now = clock.now()
    units = list(models.UnitPeriod.objects.select_for_update().filter(period=period))
    for unit in units:
        unit.state, unit.return_reason, unit.returned_by, unit.returned_at = (
            UnitPeriodState.RETURNED,
            reason,
            by,
            now,
        )
    change_reason = _change_reason(_("Mở lại kỳ đánh giá"), reason)
    bulk_update_with_history(
        units,
        models.UnitPeriod,
        ["state", "return_reason", "returned_by", "returned_at"],
        default_user=by,
        default_change_reason=change_reason,
    )
    rows = list(
        models.Evaluation.objects.select_for_update().filter(period=period, is_current=True)
    )
    for row in rows:
        row.state = EvaluationState.SCORED
        row.revision += 1
    bulk_update_with_history(
        rows,
        models.Evaluation,
        ["state", "revision"],
        default_user=by,
        default_change_reason=change_reason,
    )
    period.state = PeriodState.SCORING
    period.signed_off_by = period.signed_off_at = period.published_at = None
    period.appeal_due = period.locked_at = None
    save(period, by)
    logger.warning("period %s of %s reopened by %s: %s", period, period.organisation, by, reason)
    return reopening


# --- appeals ---------------------------------------------------------------------------


@transaction.atomic
def appeal_file(*, evaluation: models.Evaluation, reason: str, by) -> models.Appeal:
    """The employee appeals their published result within the period's appeal window."""
    evaluation = _locked_evaluation(evaluation, None)
    if not _is_own(by, evaluation):
        raise PermissionDenied(_("Chỉ người được đánh giá mới kiến nghị kết quả của mình."))
    _period_states(evaluation.period, (PeriodState.PUBLISHED,))
    if clock.today() > evaluation.period.appeal_due:
        _fail(
            "reason",
            _("Đã hết hạn kiến nghị (%(due)s).")
            % {"due": evaluation.period.appeal_due.strftime("%d/%m/%Y")},
        )
    reason = (reason or "").strip()
    if not reason:
        _fail("reason", _("Ghi rõ nội dung kiến nghị."))
    if models.Appeal.objects.filter(evaluation=evaluation, state=AppealState.PENDING).exists():
        _fail("reason", _("Bạn đã có kiến nghị đang chờ giải quyết."))
    appeal = models.Appeal(evaluation=evaluation, filed_by=by, reason=reason)
    save(appeal, by)
    decider = appeal_decider(evaluation)
    if decider is not None and decider.user_id:
        notifications.notify(
            user_id=decider.user_id,
            kind="appeal_filed",
            title=_("Kiến nghị kết quả của %(name)s") % {"name": evaluation.employee.full_name},
            body=reason,
            dedupe_key=f"appeal:{appeal.pk}:filed",
        )
    return appeal


def appeal_decider(evaluation: models.Evaluation):
    """Who decides an appeal of `evaluation`: the superior's superior, else the agency leader."""
    on = _on(evaluation.period)
    superior = hr_selectors.superior_of(evaluation.employee, on=on)
    above = hr_selectors.superior_of(superior, on=on) if superior is not None else None
    return above or hr_selectors.agency_leader(evaluation.period.organisation, on=on)


def _copy_version(old: models.Evaluation, by) -> models.Evaluation:
    scores = list(old.criterion_scores.all())
    items = list(old.work_items.all())
    bonuses = list(old.bonus_entries.all())
    old.is_current = False
    old.revision += 1
    save(old, by, update_fields=["is_current", "revision"])
    new = models.Evaluation.objects.get(pk=old.pk)
    new.pk = None
    new._state.adding = True
    new.version = old.version + 1
    new.is_current = True
    new.revision = 0
    save(new, by)
    for rows, model in (
        (scores, models.CriterionScore),
        (items, models.WorkItem),
        (bonuses, models.BonusEntry),
    ):
        for row in rows:
            row.pk = None
            row._state.adding = True
            row.evaluation = new
        bulk_create_with_history(rows, model, default_user=by)
    return new


@transaction.atomic
def appeal_decide(
    *,
    appeal: models.Appeal,
    upheld: bool,
    reason: str,
    by,
    final: dict | None = None,
    items: dict | None = None,
    dd=None,
    dd_reason: str = "",
    e=None,
    e_reason: str = "",
) -> models.Appeal:
    """Decide a pending appeal (the superior's superior, or the agency leader).

    Upheld: a new version of the evaluation carries the changes (`final`, `items`
    keyed by the old item ids, `dd`, `e`), the old one is kept, and the period is
    recomputed. Rejected: only the reason is recorded. The author is notified.
    """
    appeal = (
        models.Appeal.objects.select_for_update().select_related("evaluation").get(pk=appeal.pk)
    )
    evaluation = _locked_evaluation(appeal.evaluation, None)
    period = evaluation.period
    _period_states(period, (PeriodState.PUBLISHED,))
    if appeal.state != AppealState.PENDING:
        _fail("appeal", _("Kiến nghị này đã được giải quyết."))
    decider = appeal_decider(evaluation)
    if _is_own(by, evaluation) or decider is None or decider.user_id != by.pk:
        raise PermissionDenied(
            _("Chỉ cấp trên của người chấm (hoặc lãnh đạo cơ quan) giải quyết kiến nghị.")
        )
    reason = (reason or "").strip()
    if not reason:
        _fail("decision_reason", _("Ghi rõ lý do quyết định."))
    if upheld:
        if not (final or items or dd is not None or e is not None):
            _fail("final", _("Chấp nhận kiến nghị phải kèm điểm được sửa."))
        values = _criterion_scores(evaluation, final or {}, "final")
        new = _copy_version(evaluation, by)
        _store_criteria(new, values, "final", by)
        if items:
            mapping = dict(
                zip(
                    evaluation.work_items.order_by("id").values_list("id", flat=True),
                    new.work_items.order_by("id"),
                    strict=True,
                )
            )
            for item_id, change in items.items():
                if item_id not in mapping:
                    raise PermissionDenied(_("Sản phẩm này không thuộc phiếu bị kiến nghị."))
                row = mapping[item_id]
                _review(
                    row,
                    change.get("major_errors"),
                    change.get("late"),
                    change.get("review_note"),
                    f"items[{item_id}]",
                )
                save(row, by)
        fields = []
        if dd is not None:
            new.dd_score, new.dd_reason = _leader_criterion(new, dd, dd_reason, "dd")
            fields += ["dd_score", "dd_reason"]
        if e is not None:
            new.e_score, new.e_reason = _leader_criterion(new, e, e_reason, "e")
            fields += ["e_score", "e_reason"]
        new.scored_by, new.scored_at = by, clock.now()
        _bump(new, by, [*fields, "scored_by", "scored_at"])
        appeal.resulting_evaluation = new
        _recompute_after(period, by)
    appeal.state = AppealState.UPHELD if upheld else AppealState.REJECTED
    appeal.decided_by, appeal.decision_reason, appeal.decided_at = by, reason, clock.now()
    save(appeal, by)
    notifications.notify(
        user_id=appeal.filed_by_id,
        kind="appeal_decided",
        title=_("Kiến nghị kết quả %(period)s: %(state)s")
        % {"period": period, "state": appeal.get_state_display()},
        body=reason,
        dedupe_key=f"appeal:{appeal.pk}:decided",
    )
    return appeal


def _recompute_after(period: models.Period, by) -> None:
    """Recompute the whole agency-period after a scoring write (see `adapters`).

    The whole agency, not the unit's subtree: a head's `d` reads every level beneath
    them and a head is capped by the unit's level, so one change can move results up
    the tree; reads are constant and only changed rows are written.
    """
    period_recompute(period=period, by=by)


# --- notifications ---------------------------------------------------------------------


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications read (only those in `ids` when given); 1 query.

    Another user's ids are ignored. Returns how many were marked.
    """
    unread = models.Notification.objects.filter(user=user.pk, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=clock.now())
