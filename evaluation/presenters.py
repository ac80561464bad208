"""Page-shaped data of the monthly cycle: what views and template tags render.

Everything here reads (rows already loaded by the selectors, or one query where the
docstring says so) and lays numbers out for people: a result explained line by line,
a row of the scoring page with its preview, the quota per unit, the to-do inbox. No
writes; the arithmetic is the engine's (`scoring`), the engine's inputs the adapters'.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from html import escape

from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from discipline import selectors as discipline_selectors
from discipline.models import DisciplineForm
from hrsystem import clock, permissions
from hrsystem.permissions import viewer

from . import adapters, forms, scoring, selectors
from .models import (
    Evaluation,
    EvaluationState,
    Period,
    PeriodState,
    UnitPeriod,
    UnitPeriodState,
    WorkItem,
)
from .reasons import reason_text
from .rulesets import rule_set_from_snapshot
from .templatetags.evaluation_labels import level_name

# --- results as people read them -------------------------------------------------------


def level_label(rules, code: str | None) -> str | None:
    """The rule set's name for level `code` in the active language; None for no level."""
    return level_name(rules.label(code or None))


LEVEL_PARAMS = ("cap", "unit_level", "level")
"""Reason parameters that hold a level code, shown with the rule set's own label."""


def reason_texts(stored, rules=None) -> list[str]:
    """Stored reason rows (code and parameters) as sentences in the active language."""
    texts = []
    for row in stored or []:
        if isinstance(row, dict):
            code, params = row.get("code"), row.get("params") or ()
        else:
            code, params = row[0], row[1] if len(row) > 1 else ()
        if isinstance(params, dict):
            params = tuple(params.items())
        params = tuple(
            (
                str(key),
                level_label(rules, value)
                if rules is not None and key in LEVEL_PARAMS and value in rules.level_labels
                else str(value),
            )
            for key, value in params
        )
        if code in scoring.REASON_CODES:
            texts.append(reason_text(scoring.Reason(code, params)))
    return texts


@dataclass
class CriterionRow:
    criterion: object
    proposed: Decimal | None
    final: Decimal | None
    after: Decimal | None
    violations: list = field(default_factory=list)


@dataclass
class ItemRow:
    item: WorkItem
    late: int
    assigned: Decimal
    counted: Decimal
    quality: Decimal
    progress: Decimal


@dataclass
class Breakdown:
    """One evaluation laid out for reading: every number with where it came from."""

    evaluation: Evaluation
    rules: object
    level: str | None
    score_level: str | None
    criteria: list[CriterionRow]
    items: list[ItemRow]
    other_violations: list
    bonus_entries: list
    reasons: list[str]

    @property
    def items_total(self) -> dict[str, Decimal]:
        """The converted sums the three percentages divide (before rounding)."""
        return {
            name: sum((getattr(row, name) for row in self.items), Decimal(0))
            for name in ("assigned", "counted", "quality", "progress")
        }


def item_row(rules, item: WorkItem) -> ItemRow:
    """An item's converted contributions, as the engine counts them (scoring-rules §2)."""
    work = scoring.item_work(rules, adapters.engine_item(item))
    return ItemRow(
        item=item,
        late=item.late + item.dossier_late,
        assigned=scoring.round2(work.assigned),
        counted=scoring.round2(work.counted),
        quality=scoring.round2(work.quality),
        progress=scoring.round2(work.progress),
    )


def _criterion_index(rules) -> dict[str, int]:
    return {criterion.code: index for index, criterion in enumerate(rules.general_criteria)}


def breakdown(evaluation: Evaluation, violations: list) -> Breakdown:
    """`evaluation` must come with criterion_scores, work_items and bonus_entries prefetched."""
    rules = rule_set_from_snapshot(evaluation.rule_set_snapshot)
    scores = {score.criterion_index: score for score in evaluation.criterion_scores.all()}
    by_code = _criterion_index(rules)
    on_criterion: dict[int, list] = {}
    others = []
    for violation in violations:
        index = by_code.get(violation.criterion_code)
        if index is None:
            others.append(violation)
        else:
            on_criterion.setdefault(index, []).append(violation)
    after = list(evaluation.criteria_result or [])
    criteria = []
    for index, criterion in enumerate(rules.general_criteria):
        score = scores.get(index)
        criteria.append(
            CriterionRow(
                criterion=criterion,
                proposed=score.proposed if score else None,
                final=score.final if score else None,
                after=Decimal(str(after[index])) if index < len(after) else None,
                violations=on_criterion.get(index, []),
            )
        )
    return Breakdown(
        evaluation=evaluation,
        rules=rules,
        level=level_label(rules, evaluation.level),
        score_level=level_label(rules, evaluation.score_level),
        criteria=criteria,
        items=[item_row(rules, item) for item in evaluation.work_items.all()],
        other_violations=others,
        bonus_entries=list(evaluation.bonus_entries.all()),
        reasons=reason_texts(evaluation.reasons, rules),
    )


def violations_of(evaluation: Evaluation) -> list:
    """The ledger entries against the person in the evaluation's period; 1 query."""
    entries = selectors.violations_by_employee(
        period=evaluation.period, employee_ids=[evaluation.employee_id]
    )
    return entries.get(evaluation.employee_id, [])


@dataclass
class ScoreRow:
    """One person on the scoring page: its inputs (`RowInputs` as shown, the bound
    `ScoreRowForm` of a posted row), the stored or previewed result."""

    evaluation: Evaluation
    form: "forms.ScoreRowForm | RowInputs"
    violations: list
    result: scoring.MonthResult | None = None
    result_level: str | None = None
    errors: list[str] = field(default_factory=list)
    conflict: str = ""
    saved: bool = False
    provisional: bool = False
    can_certify: bool = False
    absent: bool = False
    missing: int = 0
    actions: selectors.RowActions | None = None

    @property
    def editable(self) -> bool:
        """The services would take this person's scores now (`selectors.row_actions`)."""
        return self.actions is not None and self.actions.score

    @property
    def unscored(self) -> bool:
        return self.evaluation.state in (EvaluationState.DRAFT, EvaluationState.SELF_SUBMITTED)


def preview(row: ScoreRow, rules, *, provisional: bool = False) -> None:
    """Score the row's posted values with the engine, without saving anything.

    `provisional`: score the proposals of a person who has sent their self-assessment and
    is not scored yet (what approving it would give); their stored result means nothing.
    Otherwise `missing` counts the criteria left blank: no level until all are filled.
    """
    evaluation, form = row.evaluation, row.form
    absent = evaluation.absent if provisional else form.cleaned_data.get("absent")
    if absent:
        row.absent = True
        return
    if provisional:
        finals = {index: form.initial.get(f"c{index}") for index in range(len(form.criteria))}
        reviews = {item.pk: {} for item in form.items}  # as stored
        row.provisional = True
    else:
        finals = form.finals()
        reviews = form.item_reviews()
        row.missing = sum(1 for value in finals.values() if value is None)
    person, leader_d = adapters.person_preview(
        evaluation,
        rules,
        finals=finals,
        reviews=reviews,
        leader=None if provisional else form.leader_scores(),
        items=form.items,
        ledger_entries=row.violations,
    )
    try:
        row.result = scoring.score_person(rules, person, leader_d)
    except scoring.ScoringInputError as error:
        row.errors.append(error.message)
        return
    row.result_level = level_label(rules, row.result.level)


def score_layout(period: Period, rules) -> dict:
    """The scoring table's columns, the same for the page and a row sent back by htmx:
    a choice box while bulk actions can apply, the leaders' criteria when the rule set
    has them, and the total the detail row spans."""
    pick = period.state in selectors.SCORING_STATES
    leader = rules.leader_criteria_enabled
    return {
        "pick": pick,
        "leader": leader,
        "columns": int(pick) + 3 + len(rules.general_criteria) + int(leader),
    }


def explain_submission(period: Period, unit_periods: list[UnitPeriod]) -> None:
    """Mark on each unit period whether its head can submit it now, as
    `services.unit_submit` decides: at the scoring step, not yet submitted, every rated
    staff member scored (`waiting` names the others); 1 query at the scoring step."""
    scoring_step = period.state == PeriodState.SCORING
    reviewed = period.state in (PeriodState.PUBLISHED, PeriodState.LOCKED)
    if reviewed:  # a unit reopened (`services.reopening_open`) is submitted again
        scoring_step = any(up.state == UnitPeriodState.RETURNED for up in unit_periods)
    waiting = {}
    if scoring_step and unit_periods:
        waiting = selectors.units_not_scored(
            period=period, unit_ids=[up.unit_id for up in unit_periods]
        )
    for unit_period in unit_periods:
        unit_period.open = unit_period.state in (
            UnitPeriodState.DRAFT,
            UnitPeriodState.RETURNED,
        )
        unit_period.waiting = waiting.get(unit_period.unit_id, [])
        unit_period.may_submit = (
            scoring_step
            and unit_period.open
            and not unit_period.waiting
            and (not reviewed or unit_period.state == UnitPeriodState.RETURNED)
        )


@dataclass
class Quota:
    unit_name: str
    rated: int
    top: int
    limit: int
    rate_percent: Decimal

    @property
    def over(self) -> int:
        return max(self.top - self.limit, 0)


def quotas(period: Period, rows: list[ScoreRow], rules) -> list[Quota] | None:
    """The monthly quota of the top level per unit on the page (hn3814); 1 query."""
    if rules.monthly_quota_rate is None or not rows:
        return None
    names = {row.evaluation.unit_id: row.evaluation.unit.name for row in rows}
    situations = selectors.quota_situation(period=period, unit_ids=list(names))
    return [
        Quota(
            unit_name=names[unit_id],
            rated=situation.rated,
            top=situation.reached_by_score,
            limit=situation.limit,
            rate_percent=rules.monthly_quota_rate * 100,
        )
        for unit_id, situation in situations.items()
    ]


def scoring_url(period: Period, unit_id: int | None = None) -> str:
    url = reverse("evaluation:scoring", args=[period.pk])
    return f"{url}?unit={unit_id}" if unit_id else url


NEXT_HR_STATE = {
    PeriodState.OPEN: PeriodState.SELF_ASSESSMENT,
    PeriodState.SELF_ASSESSMENT: PeriodState.SCORING,
    PeriodState.SCORING: PeriodState.SUBMITTED,
}
"""The steps an HR officer moves a period through; the later ones belong to the leader."""


# --- the to-do inbox on the home page --------------------------------------------------


@dataclass
class Todo:
    text: str
    url: str
    due: date | None = None
    urgent: bool = False


def inbox_for(request) -> tuple[list[Todo], list]:
    """What the user must do now in the monthly cycle, and their unread notifications.

    The shared `selectors.inbox` says what; this names each task and links to its page,
    and adds the agency leader's publication and the HR officer's next step.
    """
    today = clock.today()
    inbox = selectors.inbox(user=request.user, today=today, notifications=5)
    periods = {
        period.pk: period
        for period in Period.objects.filter(
            pk__in={task.period_id for task in inbox.tasks} | _steps_periods(request).keys()
        ).select_related("organisation")
    }
    submits = [task for task in inbox.tasks if task.kind == selectors.TASK_SUBMIT_UNIT]
    todos = [
        _todo(task, periods[task.period_id], today)
        for task in inbox.tasks
        if task.kind != selectors.TASK_SUBMIT_UNIT
    ]
    todos += _submit_todos(submits, periods, today)
    for period_id, text in _steps_periods(request).items():
        todos.append(Todo(text % {"period": periods[period_id]}, _step_url(periods[period_id])))
    organisation = viewer(request).organisation
    contests = discipline_selectors.contests_to_decide(
        request.user,
        organisation=organisation,
        manages=organisation is not None
        and permissions.can_manage_org(request.user, organisation, today),
    ).count()
    if contests:
        todos.append(
            Todo(
                ngettext(
                    "%(n)s khiếu nại vi phạm chờ bạn quyết định",
                    "%(n)s khiếu nại vi phạm chờ bạn quyết định",
                    contests,
                )
                % {"n": contests},
                reverse("discipline:contested_list"),
            )
        )
    return todos, inbox.notifications


def _todo(task, period: Period, today: date) -> Todo:
    late = task.days_left is not None and task.days_left < 0
    if task.kind == selectors.TASK_SELF_ASSESSMENT:
        text = _("Kê khai và tự đánh giá %(period)s")
        url = reverse("evaluation:my_month_of", args=[task.object_id])
    elif task.kind == selectors.TASK_SCORE:
        if period.state == PeriodState.SELF_ASSESSMENT:
            text = _("Chấm điểm %(period)s: %(n)s phiếu tự đánh giá đã gửi, chờ chấm")
        else:
            text = _("Chấm điểm %(period)s: %(n)s người chưa chấm")
        url = reverse("evaluation:scoring", args=[period.pk])
    elif task.kind == selectors.TASK_SIGN_OFF:
        text = _("Phê duyệt kết quả %(period)s")
        url = reverse("evaluation:overview", args=[period.pk])
    else:
        text = _("Giải quyết kiến nghị về kết quả %(period)s")
        url = reverse("evaluation:appeal_decide", args=[task.object_id])
    return Todo(text % {"period": period, "n": task.count}, url, task.due, late)


INBOX_UNITS = 3
"""Above this many units to submit in one period (the head of a large branch, whose
rights cover every unit below), the inbox says how many and links to the units list
of the scoring page instead of one line per unit."""


def _submit_todos(tasks, periods: dict[int, Period], today: date) -> list[Todo]:
    """The inbox lines for units to submit: one per unit, or one per period past
    `INBOX_UNITS` units; 1 query for the units' names whatever their number."""
    if not tasks:
        return []
    units = {
        pk: (unit_id, name)
        for pk, unit_id, name in UnitPeriod.objects.filter(
            pk__in=[task.object_id for task in tasks]
        ).values_list("pk", "unit_id", "unit__name")
    }
    by_period: dict[int, list] = {}
    for task in tasks:
        by_period.setdefault(task.period_id, []).append(task)
    todos = []
    for period_id, waiting in by_period.items():
        period = periods[period_id]
        due = waiting[0].due
        late = waiting[0].days_left is not None and waiting[0].days_left < 0
        if len(waiting) > INBOX_UNITS:
            text = ngettext(
                "Gửi kết quả %(period)s của %(n)s đơn vị",
                "Gửi kết quả %(period)s của %(n)s đơn vị",
                len(waiting),
            ) % {"period": period, "n": len(waiting)}
            todos.append(Todo(text, scoring_url(period), due, late))
            continue
        for task in waiting:
            unit_id, name = units[task.object_id]
            text = _("Gửi kết quả %(period)s của %(unit)s") % {"period": period, "unit": name}
            todos.append(Todo(text, scoring_url(period, unit_id), due, late))
    return todos


def _steps_periods(request) -> dict[int, str]:
    """Periods of the user's agency waiting for a step the shared inbox leaves out:
    publication by the agency leader, the HR officer's next step; cached per request."""
    if hasattr(request, "_evaluation_steps"):
        return request._evaluation_steps
    steps = {}
    organisation = viewer(request).organisation
    if organisation is not None:
        today = clock.today()
        signs_off = permissions.can_sign_off(request.user, organisation, today)
        manages = permissions.can_manage_org(request.user, organisation, today)
        states = ([PeriodState.SIGNED_OFF] if signs_off else []) + (
            list(NEXT_HR_STATE) if manages else []
        )
        for pk, state in Period.objects.filter(
            organisation=organisation, state__in=states
        ).values_list("pk", "state"):
            if state == PeriodState.SIGNED_OFF:
                steps[pk] = _("Công bố kết quả %(period)s")
            else:
                steps[pk] = _("Kỳ %(period)s: chuyển sang bước tiếp theo khi đến hạn")
    request._evaluation_steps = steps
    return steps


def _step_url(period: Period) -> str:
    if period.state == PeriodState.SIGNED_OFF:
        return reverse("evaluation:overview", args=[period.pk])
    return reverse("evaluation:period_list")


# --- the annual cap a discipline decision sets ------------------------------------------


@dataclass
class AnnualCap:
    """A discipline decision in effect in `year` that caps the person's annual level."""

    year: int
    form: str
    since: date
    level_label: str | None


def annual_discipline_cap(employee, organisation, year: int, rules) -> AnnualCap | None:
    """The first public-duty decision in effect in `year` at or above the rule set's
    `annual_cap_discipline_from` (the engine then rates the year Không hoàn thành); 2 queries."""
    severity = {form: index for index, form in enumerate(rules.discipline_forms)}
    decisions = discipline_selectors.disciplines_in_year(
        organisation=organisation, year=year, public_duty_only=True, employee_ids=[employee.pk]
    ).get(employee.pk, [])
    capping = [
        (code, since)
        for code, _severity, since in decisions
        if severity.get(code, -1) >= severity[rules.annual_cap_discipline_from]
    ]
    if not capping:
        return None
    code, since = capping[0]
    names = dict(DisciplineForm.objects.filter(code=code).values_list("code", "name"))
    return AnnualCap(year, names.get(code, code), since, level_label(rules, scoring.FAIL))


# --- the scoring page's inputs, written by hand ------------------------------------------


class Input:
    """One input of a shown row: its markup (what the matching `ScoreRowForm` field would
    render, attribute for attribute), its value, label and id. Building a Django form per
    row cost ~15 ms a person; this costs a string format."""

    __slots__ = ("html", "id_for_label", "label", "value")

    def __init__(self, html, value, label, id_for_label):
        self.html, self.value, self.label, self.id_for_label = html, value, label, id_for_label

    def __html__(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


def _shown(value) -> str | None:
    """A value as the widgets show it: a Decimal as `forms.plain`, None and "" as nothing."""
    if value is None or value == "":
        return None
    return forms.plain(value) if isinstance(value, Decimal) else str(value)


def _value(value) -> str:
    shown = _shown(value)
    return "" if shown is None else f' value="{escape(shown)}"'


MAXLENGTH = ' maxlength="2000"'


class RowInputs:
    """The inputs of one person's row as the page first shows it, from the loaded rows
    alone: the interface of `forms.ScoreRowForm` that the row template and the
    provisional preview read. A posted row is validated by `ScoreRowForm` itself, only
    for the row posted. Markup is joined from escaped parts (`html.escape`, what
    Django's `escape` runs) rather than `format_html`, whose lazy-aware wrappers cost
    more than the inputs themselves at a few thousand inputs a page."""

    def __init__(self, *, evaluation, criteria, scores, items, leader_rights, certify=True):
        self.evaluation = evaluation
        self.criteria = criteria
        self.items = items
        self.with_leader = evaluation.is_leader and leader_rights
        self.enters_done = evaluation.state == EvaluationState.DRAFT
        self.certify = certify
        self.prefix = f"r{evaluation.pk}"
        self.html_id = f"row-{evaluation.pk}-form"
        self._who = escape(evaluation.employee.full_name)
        self.proposed = {index: score.proposed for index, score in scores.items()}
        self.initial = {}
        for index in range(len(criteria)):
            score = scores.get(index)
            value = None
            if score is not None:
                value = score.final if score.final is not None else score.proposed
            self.initial[f"c{index}"] = value

    def _attrs(self, name: str, label) -> tuple[str, str, str]:
        """(name attribute, the shared tail of the input's attributes, its id)."""
        html_id = f"id_{self.prefix}-{name}"
        tail = (
            f' form="{self.html_id}" data-preview="" aria-label="{escape(str(label))} — '
            f'{self._who}"'
        )
        return f"{self.prefix}-{name}", tail, html_id

    def _text(self, name, label, value, extra: str = "", kind: str = "text") -> Input:
        """`extra`: attribute text already escaped."""
        field, tail, html_id = self._attrs(name, label)
        html = f'<input type="{kind}" name="{field}"{_value(value)}{extra}{tail} id="{html_id}">'
        return Input(mark_safe(html), value, label, html_id)  # noqa: S308 - parts escaped

    def _decimal(self, name, label, value) -> Input:
        return self._text(name, label, value, ' inputmode="decimal" autocomplete="off"')

    def _count(self, name, label, value, hidden=False) -> Input:
        if hidden:
            return self._text(name, label, value, kind="hidden")
        field, tail, html_id = self._attrs(name, label)
        html = (
            f'<input type="number" name="{field}"{_value(value)} min="0" step="1" '
            f'inputmode="numeric" max="999"{tail} required id="{html_id}">'
        )
        return Input(mark_safe(html), value, label, html_id)  # noqa: S308 - parts escaped

    def _choice(self, name, label, value) -> Input:
        field, tail, html_id = self._attrs(name, label)
        options = "".join(
            f'\n  <option value="{escape(choice)}"{" selected" if choice == value else ""}>'
            f"{escape(str(text))}</option>\n"
            for choice, text in forms.LEADER_CHOICES
        )
        html = f'<select name="{field}"{tail} id="{html_id}">{options}\n</select>'
        return Input(mark_safe(html), value, label, html_id)  # noqa: S308 - parts escaped

    def criterion_cells(self):
        """(input, the person's proposal) per criterion, in order."""
        return [
            (self._decimal(f"c{index}", criterion.name, self.initial[f"c{index}"]), proposed)
            for index, criterion in enumerate(self.criteria)
            for proposed in [self.proposed.get(index)]
        ]

    def item_fields(self):
        """(item, errors, late, excused, reason, done or None) inputs per item."""
        rows = []
        hidden = not self.certify
        for item in self.items:
            key = f"i{item.pk}"
            named = {"item": item.name}
            reason_label = _("“%(item)s”: lý do khách quan") % named
            reason = (
                self._text(f"{key}_reason", reason_label, item.excuse_reason, kind="hidden")
                if hidden
                else self._text(f"{key}_reason", reason_label, item.excuse_reason, MAXLENGTH)
            )
            rows.append(
                (
                    item,
                    self._count(
                        f"{key}_errors",
                        _("“%(item)s”: số lần đánh giá chưa đạt") % named,
                        item.major_errors,
                    ),
                    self._count(f"{key}_late", _("“%(item)s”: số ngày chậm") % named, item.late),
                    self._count(
                        f"{key}_excused",
                        _("“%(item)s”: số ngày chậm có lý do khách quan") % named,
                        item.late_excused,
                        hidden=hidden,
                    ),
                    reason,
                    self._decimal(
                        f"{key}_done",
                        _("“%(item)s”: khối lượng hoàn thành") % named,
                        item.done,
                    )
                    if self.enters_done
                    else None,
                )
            )
        return rows

    @property
    def revision(self) -> Input:
        return self._text("revision", _("Phiên bản phiếu"), self.evaluation.revision, kind="hidden")

    @property
    def absent(self) -> Input:
        label = _("Vắng cả kỳ (không xếp loại)")
        field, tail, html_id = self._attrs("absent", label)
        checked = " checked" if self.evaluation.absent else ""
        html = f'<input type="checkbox" name="{field}"{tail} id="{html_id}"{checked}>'
        return Input(mark_safe(html), self.evaluation.absent, label, html_id)  # noqa: S308

    @property
    def head_comment(self) -> Input:
        label = _("Nhận xét")
        field, tail, html_id = self._attrs("head_comment", label)
        value = self.evaluation.head_comment
        html = (
            f'<textarea name="{field}" cols="40" rows="2" maxlength="2000"{tail} id="{html_id}">'
            f"\n{escape(value or '')}</textarea>"
        )
        return Input(mark_safe(html), value, label, html_id)  # noqa: S308 - parts escaped

    def _leader(self, name: str, label, score) -> Input:
        return self._choice(name, label, forms.plain(score or Decimal(100)))

    def _leader_reason(self, name: str, label, value) -> Input:
        extra = f' placeholder="{escape(_("lý do nếu không đạt"))}" maxlength="2000"'
        return self._text(name, label, value, extra)

    @property
    def dd(self) -> Input:
        return self._leader("dd", forms.LEADER_DD_LABEL, self.evaluation.dd_score)

    @property
    def e(self) -> Input:
        return self._leader("e", forms.LEADER_E_LABEL, self.evaluation.e_score)

    @property
    def dd_reason(self) -> Input:
        return self._leader_reason("dd_reason", _("Lý do không đạt (đ)"), self.evaluation.dd_reason)

    @property
    def e_reason(self) -> Input:
        return self._leader_reason("e_reason", _("Lý do không đạt (e)"), self.evaluation.e_reason)


# --- a month under review (`services.reopening_open`) ---------------------------------


@dataclass
class Published:
    """The figures of a result as published before its month was reopened."""

    total: Decimal | None
    level: str | None
    reasons: list[str]
    reopening: object


def published_figures(reopening, figures: dict, rules) -> Published:
    """A reopening's kept figures of one person, as read on the pages."""
    total = figures.get("total")
    return Published(
        total=Decimal(total) if total else None,
        level=level_label(rules, figures.get("level") or None),
        reasons=reason_texts(figures.get("reasons"), rules),
        reopening=reopening,
    )


@dataclass
class ReviewRow:
    """One person of a reopening: published before, and now."""

    evaluation: Evaluation
    reopened: bool
    before: Published
    level_now: str | None

    @property
    def changed(self) -> bool:
        return self.before.total != self.evaluation.total or self.before.level != self.level_now


def review_rows(reopening, rules) -> list[ReviewRow]:
    """Everyone whose published figures a reopening kept, reopened first; 1 query."""
    evaluations = (
        Evaluation.objects.filter(pk__in=[int(key) for key in reopening.published])
        .select_related("employee", "unit")
        .order_by("unit__path", "-is_head", "employee__sort_key", "employee__code")
    )
    reopened = set(reopening.reopened_ids)
    rows = [
        ReviewRow(
            evaluation=evaluation,
            reopened=evaluation.pk in reopened,
            before=published_figures(reopening, reopening.published[str(evaluation.pk)], rules),
            level_now=level_label(rules, evaluation.level),
        )
        for evaluation in evaluations
    ]
    return sorted(rows, key=lambda row: not row.reopened)
