"""Reads of the monthly cycle shared by the pages, the reminders and the reports.

Every function takes keyword arguments, states its query count, and never writes. Scope
comes from `hrsystem.permissions` on the day that decides rights over a period (its end,
or today while it runs), so a page shows exactly what the services would let the user do.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import BooleanField, Count, ExpressionWrapper, Prefetch, Q, QuerySet
from django.db.models.functions import Substr
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from discipline.models import Violation, ViolationStatus
from evaluation import models
from evaluation.adapters import reasons_from_json
from evaluation.models import (
    AppealState,
    EvaluationState,
    PeriodState,
    UnitPeriodState,
)
from evaluation.reasons import not_rated_text, reason_text
from evaluation.rules import LEVELS
from evaluation.rulesets import rule_set_from_snapshot
from evaluation.scoring import QUOTA_DOWNGRADE, quota_limit
from hrsystem import clock, permissions
from hrsystem.models import PATH_STEP, Employee, Unit
from hrsystem.permissions import Perm

ACTIVE_STATES = (
    PeriodState.OPEN,
    PeriodState.SELF_ASSESSMENT,
    PeriodState.SCORING,
    PeriodState.SUBMITTED,
    PeriodState.SIGNED_OFF,
)
SCORING_STATES = (PeriodState.SELF_ASSESSMENT, PeriodState.SCORING)
DONE_STATES = (EvaluationState.SCORED, EvaluationState.PUBLISHED, EvaluationState.LOCKED)
VISIBLE_STATES = (PeriodState.PUBLISHED, PeriodState.LOCKED)


def rights_day(period: models.Period, today: date | None = None) -> date:
    """The day whose posts and grants decide rights over `period`: its end, or today."""
    return min(period.end, today or clock.today())


def with_details(evaluations: QuerySet) -> QuerySet:
    """`evaluations` with person, unit, criterion scores, items and bonus: 4 queries."""
    return evaluations.select_related("employee", "unit", "job_position").prefetch_related(
        Prefetch(
            "criterion_scores", queryset=models.CriterionScore.objects.order_by("criterion_index")
        ),
        Prefetch("work_items", queryset=models.WorkItem.objects.order_by("ad_hoc", "id")),
        Prefetch("bonus_entries", queryset=models.BonusEntry.objects.order_by("id")),
    )


def _scorable(user, on: date) -> Q:
    """Evaluations whose person `user` scores on `on`; 2 queries to build.

    Mirrors `permissions.can_score`: staff and deputies of a unit where the user holds
    the scoring right, heads of units whose parent unit is such a unit, and staff
    delegated to the user as a deputy; never the user's own evaluation.
    """
    units = permissions.unit_ids_for(user, Perm.SCORE_UNIT_STAFF, on)
    delegated = permissions.delegated_staff_ids(user, on)
    # the units below and the person's own row as subqueries PostgreSQL hashes once:
    # joining every unit and every employee of the agency to the period's rows doubled
    # the cost of this filter on a province
    below = Unit.objects.filter(parent_id__in=units).values("pk")
    return (
        Q(is_head=False, unit_id__in=units)
        | Q(is_head=True, unit_id__in=below)
        | Q(employee_id__in=delegated)
    ) & ~Q(employee_id__in=Employee.objects.filter(user=user.pk).values("pk"))


def evaluations_for_head(*, user, period: models.Period) -> QuerySet[models.Evaluation]:
    """The current evaluations of `period` the user scores, with their details.

    Heads and acting heads get their unit's staff (and deputies), leaders get the heads
    of the units below, deputies only the staff delegated to them. 2 queries to build
    the scope, then 4 when evaluated (rows, criterion scores, items, bonus) whatever the
    unit's size; the month's violations come from `violations_by_employee`.
    """
    if not (user and user.is_authenticated):
        return models.Evaluation.objects.none()
    on = rights_day(period)
    return with_details(
        models.Evaluation.objects.filter(_scorable(user, on), period=period, is_current=True)
    ).order_by("unit__path", "-is_head", "-is_leader", "employee__sort_key")


def scoring_period(*, user, organisation) -> models.Period | None:
    """The latest period of `organisation` at self-assessment or scoring in which the user
    scores someone (the scoring page lists them), else None; 1 query, plus 3 per such
    period (normally one)."""
    if organisation is None or not (user and user.is_authenticated):
        return None
    periods = models.Period.objects.filter(
        organisation=organisation, state__in=SCORING_STATES
    ).order_by("-start")
    for period in periods:
        if evaluations_for_head(user=user, period=period).exists():
            return period
    return None


# --- what the scoring page offers on a row -----------------------------------------------


@dataclass(frozen=True)
class RowActions:
    """What the services accept from the scorer on one evaluation in its present state.

    `score`: `evaluation_score` (the inputs and Save); `approve` / `give_back`: the bulk
    approval and return; `add_work`: an ad-hoc item; `add_bonus`: a bonus. `note` says,
    in a few words, why scoring is refused ("" when it is accepted).
    """

    score: bool
    approve: bool
    give_back: bool
    add_work: bool
    add_bonus: bool
    note: str = ""

    @property
    def bulk(self) -> bool:
        return self.approve or self.give_back


PERIOD_CLOSED_NOTES = {
    PeriodState.OPEN: _("Kỳ chưa mở tự đánh giá: chưa chấm được."),
    PeriodState.SUBMITTED: _(
        "Các đơn vị đã gửi kết quả: chỉ sửa được khi lãnh đạo cơ quan trả lại."
    ),
    PeriodState.SIGNED_OFF: _("Lãnh đạo cơ quan đã phê duyệt kết quả: không sửa được nữa."),
    PeriodState.PUBLISHED: _("Kết quả đã công bố: chỉ thay đổi qua kiến nghị."),
    PeriodState.LOCKED: _("Kỳ đánh giá đã khoá: không thể thay đổi."),
}
"""Why a period at this step takes no scoring, in the words of `services`."""

PUBLISHED_NOTE = PERIOD_CLOSED_NOTES[PeriodState.PUBLISHED]
UNIT_CLOSED_NOTE = _("Đơn vị đã gửi kết quả kỳ này: chỉ sửa được khi lãnh đạo cơ quan trả lại.")
DECLARING_NOTE = _(
    "Đang tự đánh giá: chấm được khi người này gửi phiếu hoặc khi kỳ sang bước chấm điểm."
)


def period_closed_note(period: models.Period) -> str:
    """Why nobody is scored in `period` at its present step; "" while scoring is open."""
    note = PERIOD_CLOSED_NOTES.get(period.state)
    return str(note) if note else ""


def locked_period_on(organisation_id: int, day: date) -> models.Period | None:
    """The agency's locked period covering `day`, if any (the ledger asks before writing
    into a month: see `hrsystem.service_checks.LOCKED_PERIOD_FINDERS`); 1 query."""
    return models.Period.objects.filter(
        organisation_id=organisation_id,
        state=models.PeriodState.LOCKED,
        start__lte=day,
        end__gte=day,
    ).first()


def closed_unit_ids(*, period: models.Period) -> set[int]:
    """Units that have submitted the period (or had it approved): their staff's evaluations
    are closed to the head until the agency leader returns them; 1 query."""
    return set(
        models.UnitPeriod.objects.filter(
            period=period,
            state__in=(UnitPeriodState.SUBMITTED, UnitPeriodState.APPROVED),
        ).values_list("unit_id", flat=True)
    )


def row_actions(
    *, evaluation: models.Evaluation, period: models.Period, closed_units: set[int]
) -> RowActions:
    """What `services` would accept from a scorer of `evaluation` now; no query.

    Mirrors the services' state checks (the scorer's right is the caller's: rows come from
    `evaluations_for_head`): ad-hoc work from the period's opening, scoring, bonus,
    approval and return at self-assessment and scoring; nothing on a published evaluation
    or on a staff member of a unit that has submitted; during self-assessment a person
    still declaring is not scored yet. A person a reopening put back (their evaluation
    no longer published in a published or locked period) is corrected whatever the step,
    never given back to declare again.
    """
    closed = period_closed_note(period)
    if evaluation.state in (EvaluationState.PUBLISHED, EvaluationState.LOCKED):
        return RowActions(False, False, False, False, False, closed or str(PUBLISHED_NOTE))
    reviewed = period.state in VISIBLE_STATES
    if not reviewed and period.state not in SCORING_STATES and period.state != PeriodState.OPEN:
        return RowActions(False, False, False, False, False, closed)
    if not evaluation.is_head and evaluation.unit_id in closed_units:
        return RowActions(False, False, False, False, False, str(UNIT_CLOSED_NOTE))
    if period.state == PeriodState.OPEN:
        return RowActions(False, False, False, True, False, closed)
    declaring = evaluation.state == EvaluationState.DRAFT
    if declaring and period.state == PeriodState.SELF_ASSESSMENT:
        return RowActions(False, False, False, True, True, str(DECLARING_NOTE))
    return RowActions(
        score=True,
        approve=evaluation.state == EvaluationState.SELF_SUBMITTED,
        give_back=not declaring and not reviewed,
        add_work=True,
        add_bonus=True,
    )


def units_not_scored(*, period: models.Period, unit_ids) -> dict[int, list[str]]:
    """Unit id → names of its rated staff not scored yet, as `services.unit_submit` counts
    them (the head, scored by their superior, is not waited for); 1 query."""
    waiting: dict[int, list[str]] = defaultdict(list)
    rows = (
        models.Evaluation.objects.filter(
            period=period,
            unit_id__in=list(unit_ids),
            is_current=True,
            is_head=False,
            not_rated=False,
        )
        .exclude(state__in=DONE_STATES)
        .order_by("employee__sort_key", "employee__code")
        .values_list("unit_id", "employee__full_name")
    )
    for unit_id, name in rows:
        waiting[unit_id].append(name)
    return dict(waiting)


def violations_by_employee(*, period: models.Period, employee_ids=None) -> dict[int, list]:
    """Employee id → ledger entries of the period (with legal basis), of `employee_ids`
    only when given; 1 query."""
    from discipline import selectors as ledger

    return ledger.person_deductions(
        organisation=period.organisation,
        start=period.start,
        end=period.end,
        employee_ids=employee_ids,
    )


# --- the agency leader's overview ------------------------------------------------------


@dataclass
class UnitOverview:
    """One row of the leader's overview: a unit's period with the figures of the unit
    alone (the flat table of a small agency) or of its whole subtree (a branch of the
    drill-down); `own_unscored` always counts the unit's own people only."""

    unit_period: models.UnitPeriod
    levels: dict[str, int] = field(default_factory=dict)
    people: int = 0
    not_rated: int = 0
    missing_self_assessment: int = 0
    unscored: int = 0
    own_unscored: int = 0
    units: int = 1
    units_done: int = 0

    @property
    def unit(self) -> Unit:
        return self.unit_period.unit

    @property
    def returned(self) -> bool:
        return self.unit_period.state == UnitPeriodState.RETURNED

    @property
    def opens(self) -> bool:
        """A branch with units below it: its name opens its subtree."""
        return self.units > 1


@dataclass
class PeriodOverview:
    period: models.Period
    units: list[UnitOverview]
    levels: dict[str, int]
    focus: Unit | None = None
    ancestors: list[Unit] = field(default_factory=list)
    branches: bool = False


OVERVIEW_FLAT_UNITS = 60
"""Up to this many units in the subtree shown, the overview lists every unit with its own
figures (a small agency sees all its units at once); above it, the focus unit and its
children with their subtrees' figures, each opening its own subtree."""

UNIT_DONE_STATES = (UnitPeriodState.SUBMITTED, UnitPeriodState.APPROVED)


def _oversees(user, organisation, on: date) -> bool:
    """The agency leader, HR officers and the emulation board read every unit's results
    (`permissions.can_read_results`); what each may change the pages decide apart."""
    return permissions.can_read_results(user, organisation, on)


def may_oversee(user, period: models.Period) -> bool:
    """The agency leader, HR officers and the board see the overview and every unit's
    progress (the board read-only)."""
    return _oversees(user, period.organisation, rights_day(period))


def may_view_board(*, user, period: models.Period) -> bool:
    """Does the completeness board have something for the user: a unit of the period
    whose records they view, or oversight of the agency? 2 to 4 queries."""
    units = permissions.unit_ids_for(user, Perm.VIEW_UNIT_RECORDS, rights_day(period))
    if units and models.UnitPeriod.objects.filter(period=period, unit_id__in=units).exists():
        return True
    return may_oversee(user, period)


def _count_into(overview: UnitOverview, row: dict, totals: dict[str, int] | None) -> None:
    n = row["n"]
    overview.people += n
    if row["not_rated"] or row["absent"]:
        overview.not_rated += n
        return
    if row["level"] and row["state"] in DONE_STATES:
        overview.levels[row["level"]] += n
        if totals is not None:
            totals[row["level"]] += n
    if row["state"] == EvaluationState.DRAFT:
        overview.missing_self_assessment += n
    if row["state"] not in DONE_STATES:
        overview.unscored += n
        if row.get("own", True):
            overview.own_unscored += n


def overview_focus(*, period: models.Period, unit_id: int | None) -> Unit | None:
    """The unit whose subtree the overview shows: `unit_id` if it is a unit of the
    period's agency, else the agency's root; 1 query."""
    units = Unit.objects.filter(organisation=period.organisation_id)
    if unit_id is not None:
        unit = units.filter(pk=unit_id).first()
        if unit is not None:
            return unit
    return units.filter(parent__isnull=True).first()


def period_overview(
    *, user, period: models.Period, unit_id: int | None = None
) -> PeriodOverview | None:
    """The overview of the subtree of unit `unit_id` (default: the agency's root): per
    unit, state, counts by final level of the scored and exceptions; None if the user
    may not see it.

    A subtree of at most OVERVIEW_FLAT_UNITS units lists every unit with its own figures.
    A larger one lists the focus unit (its own people) and each child with its subtree's
    figures and how many of its units have submitted, summed in SQL over the unit path:
    the rows shown are the children, not the 3,000 units of a province. Totals are the
    focus subtree's. 6 to 9 queries at any size (1 or 2 for the right, the focus, its
    ancestors, the count, unit periods, one or two aggregates).
    """
    if not may_oversee(user, period):
        return None
    focus = overview_focus(period=period, unit_id=unit_id)
    if focus is None:
        return PeriodOverview(period, [], dict.fromkeys(LEVELS, 0))
    ancestor_ids = [int(step) for step in focus.path.split("/")[:-2]]
    ancestors = list(Unit.objects.filter(pk__in=ancestor_ids).order_by("depth"))
    subtree = Q(unit__path__startswith=focus.path)
    unit_periods = models.UnitPeriod.objects.filter(subtree, period=period)
    branches = unit_periods.count() > OVERVIEW_FLAT_UNITS
    if branches:
        unit_periods = unit_periods.filter(Q(unit=focus) | Q(unit__parent=focus))
    unit_periods = list(
        unit_periods.select_related("unit", "submitted_by", "returned_by").order_by("unit__path")
    )
    by_path = {up.unit.path: UnitOverview(up, dict.fromkeys(LEVELS, 0)) for up in unit_periods}
    totals = dict.fromkeys(LEVELS, 0)
    evaluations = models.Evaluation.objects.filter(subtree, period=period, is_current=True)
    if not branches:
        by_id = {overview.unit_period.unit_id: overview for overview in by_path.values()}
        rows = (
            evaluations.values("unit_id", "state", "level", "not_rated", "absent")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in rows:
            overview = by_id.get(row["unit_id"])
            if overview is not None:
                _count_into(overview, row, totals)
        return PeriodOverview(period, list(by_path.values()), totals, focus, ancestors)
    # a child's subtree is every path that starts with the child's path, whose length is
    # the focus path's plus one step: that prefix is the row's key; the focus's own
    # people have the focus path itself
    branch = Substr("unit__path", 1, len(focus.path) + PATH_STEP + 1)
    own = ExpressionWrapper(
        Q(unit_id=focus.pk) | Q(unit__depth=focus.depth + 1), output_field=BooleanField()
    )
    rows = (
        evaluations.annotate(branch=branch, own=own)
        .values("branch", "own", "state", "level", "not_rated", "absent")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        overview = by_path.get(row["branch"])
        if overview is not None:
            _count_into(overview, row, totals)
    unit_rows = (
        models.UnitPeriod.objects.filter(subtree, period=period)
        .exclude(unit=focus)
        .annotate(branch=branch)
        .values("branch")
        .annotate(n=Count("id"), done=Count("id", filter=Q(state__in=UNIT_DONE_STATES)))
        .order_by()
    )
    for row in unit_rows:
        overview = by_path.get(row["branch"])
        if overview is not None:
            overview.units, overview.units_done = row["n"], row["done"]
    return PeriodOverview(period, list(by_path.values()), totals, focus, ancestors, True)


# --- the completeness board ------------------------------------------------------------

STEP_DECLARING = "declaring"
STEP_AWAITING_SCORE = "awaiting_score"
STEP_SCORED = "scored"
STEP_NOT_RATED = "not_rated"


@dataclass
class BoardPerson:
    evaluation_id: int
    employee_id: int
    name: str
    step: str
    due: date | None
    days_left: int | None
    returned: bool = False
    not_rated_reason: str = ""


@dataclass
class BoardUnit:
    unit_period: models.UnitPeriod
    people: list[BoardPerson]
    days_left_to_submit: int

    @property
    def waiting(self) -> list[BoardPerson]:
        return [p for p in self.people if p.step in (STEP_DECLARING, STEP_AWAITING_SCORE)]


def completeness_board(
    *, user, period: models.Period, today: date | None = None
) -> list[BoardUnit]:
    """Who is stuck at which step, per unit the user oversees, with days left; 3 to 5 queries.

    Heads and deputies see their units (the view right), the agency leader and HR every
    unit of the agency. Steps: declaring (no self-assessment yet), awaiting the head's
    score, scored, not rated. Days left count to that step's deadline (negative: late).
    """
    today = today or clock.today()
    if may_oversee(user, period):
        scope = Q()
    else:
        units = permissions.unit_ids_for(user, Perm.VIEW_UNIT_RECORDS, rights_day(period, today))
        if not units:
            return []
        scope = Q(unit_id__in=units)
    unit_periods = list(
        models.UnitPeriod.objects.filter(scope, period=period)
        .select_related("unit")
        .order_by("unit__path")
    )
    rows = (
        models.Evaluation.objects.filter(scope, period=period, is_current=True)
        .order_by("employee__sort_key", "employee__code")
        .values_list(
            "id",
            "employee_id",
            "employee__full_name",
            "unit_id",
            "state",
            "not_rated",
            "absent",
            "joined_late",
            "return_reason",
        )
    )
    people = defaultdict(list)
    for pk, employee_id, name, unit_id, state, not_rated, absent, late, returned in rows:
        reason = ""
        if not_rated or absent:
            step, due = STEP_NOT_RATED, None
            reason = not_rated_text(absent=absent, joined_late=late)
        elif state == EvaluationState.DRAFT:
            step, due = STEP_DECLARING, period.self_assessment_due
        elif state == EvaluationState.SELF_SUBMITTED:
            step, due = STEP_AWAITING_SCORE, period.scoring_due
        else:
            step, due = STEP_SCORED, None
        people[unit_id].append(
            BoardPerson(
                pk,
                employee_id,
                name,
                step,
                due,
                (due - today).days if due else None,
                bool(returned),
                reason,
            )
        )
    return [
        BoardUnit(up, people.get(up.unit_id, []), (period.unit_submission_due - today).days)
        for up in unit_periods
    ]


@dataclass
class NotRated:
    """Someone of the period who gets no level, and why."""

    evaluation_id: int
    name: str
    unit: str
    reason: str


def not_rated(*, period: models.Period, within: str = "") -> list[NotRated]:
    """Everyone of `period` who is not rated (absent all period, joined after the 15th, the
    agency leader rated by the level above), by unit then name, with the reason; only the
    subtree whose path is `within` if given; 1 query."""
    rows = (
        models.Evaluation.objects.filter(Q(not_rated=True) | Q(absent=True), period=period)
        .filter(unit__path__startswith=within)
        .filter(is_current=True)
        .order_by("unit__path", "employee__sort_key")
        .values_list("id", "employee__full_name", "unit__name", "absent", "joined_late")
    )
    return [
        NotRated(pk, name, unit, not_rated_text(absent=absent, joined_late=late))
        for pk, name, unit, absent, late in rows
    ]


@dataclass(frozen=True)
class PeriodAccess:
    """Which pages of a period the user may open, by the checks those pages make."""

    overview: bool
    completeness: bool
    scoring: bool


def period_access(
    *, user, periods: list[models.Period], today: date | None = None
) -> dict[int, PeriodAccess]:
    """Period id → the period's pages the user may open: the overview (`may_oversee`), the
    completeness board (a unit of it in view, or oversight) and the scoring page (someone
    to score, `evaluations_for_head`).

    Rights are taken on each period's rights day, as the pages take them: 2 queries, plus
    5 per distinct day (today for the periods still running, its end for each finished
    one), so callers list a bounded number of periods.
    """
    today = today or clock.today()
    by_day: dict[date, list[models.Period]] = defaultdict(list)
    for period in periods:
        by_day[rights_day(period, today)].append(period)
    units_of: dict[int, set[int]] = defaultdict(set)
    for period_id, unit_id in models.UnitPeriod.objects.filter(period__in=periods).values_list(
        "period_id", "unit_id"
    ):
        units_of[period_id].add(unit_id)
    scorable = Q(pk__in=[])
    access, oversight = {}, {}
    for on, group in by_day.items():
        viewed = permissions.unit_ids_for(user, Perm.VIEW_UNIT_RECORDS, on)
        scorable |= Q(period__in=group) & _scorable(user, on)
        for period in group:
            key = (period.organisation_id, on)
            if key not in oversight:
                oversight[key] = _oversees(user, period.organisation, on)
            access[period.pk] = (oversight[key], bool(units_of[period.pk] & viewed))
    scored = set(
        models.Evaluation.objects.filter(scorable, is_current=True)
        .order_by()
        .values_list("period_id", flat=True)
        .distinct()
    )
    return {
        pk: PeriodAccess(overview=oversee, completeness=oversee or board, scoring=pk in scored)
        for pk, (oversee, board) in access.items()
    }


# --- the to-do inbox -------------------------------------------------------------------


@dataclass
class Task:
    """Something the user must do now; `period_id` / `object_id` say on what."""

    kind: str
    period_id: int
    object_id: int | None
    count: int
    due: date | None
    days_left: int | None


@dataclass
class Inbox:
    tasks: list[Task]
    notifications: list[models.Notification]
    unread: int


TASK_SELF_ASSESSMENT = "self_assessment"
TASK_SCORE = "score"
TASK_SUBMIT_UNIT = "submit_unit"
TASK_SIGN_OFF = "sign_off"
TASK_DECIDE_APPEAL = "decide_appeal"


def inbox(*, user, today: date | None = None, notifications: int = 10) -> Inbox:
    """What the user must do now, and their latest notifications.

    Declare and submit their own evaluation, score people, submit units, sign off
    periods, decide appeals. 6 queries plus at most 6 per period running in the user's
    agency (normally one) plus 4 per pending appeal in it (appeals are rare).
    """
    from evaluation.services import appeal_decider

    today = today or clock.today()
    if not (user and user.is_authenticated):
        return Inbox([], [], 0)
    tasks: list[Task] = []

    def days(due):
        return (due - today).days if due else None

    own = (
        models.Evaluation.objects.filter(
            employee__user=user.pk,
            is_current=True,
            state=EvaluationState.DRAFT,
            not_rated=False,
            absent=False,
            period__state__in=(PeriodState.OPEN, *SCORING_STATES),
        )
        .select_related("period")
        .order_by("period__start")
    )
    for evaluation in own:
        due = evaluation.period.self_assessment_due
        tasks.append(
            Task(TASK_SELF_ASSESSMENT, evaluation.period_id, evaluation.pk, 1, due, days(due))
        )

    organisation_ids = set(
        Employee.objects.filter(user=user.pk)
        .values_list("assignments__unit__organisation_id", flat=True)
        .distinct()
    ) - {None}
    if user.is_superuser:
        organisation_ids = set()
    periods = list(
        models.Period.objects.filter(organisation_id__in=organisation_ids, state__in=ACTIVE_STATES)
        .select_related("organisation")
        .order_by("start")
    )
    for period in periods:
        on = rights_day(period, today)
        if period.state in SCORING_STATES:
            waiting = (
                models.Evaluation.objects.filter(
                    _scorable(user, on), period=period, is_current=True, not_rated=False
                )
                .exclude(state__in=DONE_STATES)
                .exclude(period__state=PeriodState.SELF_ASSESSMENT, state=EvaluationState.DRAFT)
                .count()
            )
            if waiting:
                tasks.append(
                    Task(
                        TASK_SCORE,
                        period.pk,
                        None,
                        waiting,
                        period.scoring_due,
                        days(period.scoring_due),
                    )
                )
        if period.state == PeriodState.SCORING:
            units = permissions.unit_ids_for(user, Perm.APPROVE_UNIT_MONTH, on)
            for unit_period in models.UnitPeriod.objects.filter(
                period=period,
                unit_id__in=units,
                state__in=(UnitPeriodState.DRAFT, UnitPeriodState.RETURNED),
            ):
                due = period.unit_submission_due
                tasks.append(Task(TASK_SUBMIT_UNIT, period.pk, unit_period.pk, 1, due, days(due)))
        if period.state == PeriodState.SUBMITTED and permissions.can_sign_off(
            user, period.organisation, on
        ):
            tasks.append(
                Task(
                    TASK_SIGN_OFF,
                    period.pk,
                    None,
                    1,
                    period.sign_off_due,
                    days(period.sign_off_due),
                )
            )
    appeals = models.Appeal.objects.filter(
        state=AppealState.PENDING,
        evaluation__period__organisation_id__in=organisation_ids,
    ).select_related("evaluation__period__organisation", "evaluation__employee")
    for appeal in appeals:
        decider = appeal_decider(appeal.evaluation)
        if decider is not None and decider.user_id == user.pk:
            due = appeal.evaluation.period.appeal_due
            tasks.append(
                Task(TASK_DECIDE_APPEAL, appeal.evaluation.period_id, appeal.pk, 1, due, days(due))
            )
    unread = models.Notification.objects.filter(user=user.pk, read_at__isnull=True)
    return Inbox(tasks, list(unread[:notifications]), unread.count())


# --- my results ------------------------------------------------------------------------


@dataclass
class CriterionLine:
    name: str
    group: str
    max_points: Decimal
    proposed: Decimal | None
    final: Decimal | None
    after_deductions: Decimal | None


@dataclass
class ViolationLine:
    occurred_on: date
    description: str
    legal_basis: str
    points: Decimal
    criterion: str | None
    cap_level: str | None


@dataclass
class MonthBreakdown:
    """One published period of a person: every component, its reasons and violations."""

    period: models.Period
    evaluation: models.Evaluation
    level_label: str | None
    criteria: list[CriterionLine]
    items: list[models.WorkItem]
    bonus: list[models.BonusEntry]
    violations: list[ViolationLine]
    reasons: list[str]


@dataclass
class YearResults:
    months: list[MonthBreakdown]
    trend: list[tuple[str, Decimal | None, str | None]]
    """(period label, total, level code) per published period, oldest first, for the chart."""


def my_results(*, employee: Employee, year: int) -> YearResults:
    """The employee's published periods of `year` with every breakdown; 5 queries.

    Only published or locked periods are shown; violations come with their legal basis
    and the criterion they hit.
    """
    evaluations = list(
        with_details(
            models.Evaluation.objects.filter(
                employee=employee,
                is_current=True,
                period__year=year,
                period__state__in=VISIBLE_STATES,
            )
        )
        .select_related("period")
        .order_by("period__start")
    )
    ledger = (
        Violation.objects.filter(employee=employee, occurred_on__year=year)
        .exclude(status=ViolationStatus.ANNULLED)
        .order_by("occurred_on", "id")
        .values_list(
            "occurred_on",
            "item__description",
            "legal_basis",
            "points",
            "criterion_code",
            "cap_level",
        )
    )
    ledger = list(ledger)
    months, trend = [], []
    for evaluation in evaluations:
        period = evaluation.period
        rules = rule_set_from_snapshot(evaluation.rule_set_snapshot)
        names = {c.code: c.name for c in rules.general_criteria}
        after = evaluation.criteria_result or []
        criteria = [
            CriterionLine(
                criterion.name,
                criterion.group,
                criterion.max_points,
                score.proposed,
                score.final,
                Decimal(after[index]) if index < len(after) else None,
            )
            for index, (criterion, score) in enumerate(
                zip(rules.general_criteria, evaluation.criterion_scores.all(), strict=False)
            )
        ]
        violations = [
            ViolationLine(on, description, basis, points, names.get(code), cap)
            for on, description, basis, points, code, cap in ledger
            if period.start <= on <= period.end
        ]
        label = rules.label(evaluation.level or None)
        months.append(
            MonthBreakdown(
                period,
                evaluation,
                label,
                criteria,
                list(evaluation.work_items.all()),
                list(evaluation.bonus_entries.all()),
                violations,
                [reason_text(reason) for reason in reasons_from_json(evaluation.reasons)],
            )
        )
        trend.append((str(period), evaluation.total, evaluation.level or None))
    return YearResults(months, trend)


# --- the monthly quota (hn3814) ---------------------------------------------------------


@dataclass
class QuotaSituation:
    """A unit's top-level quota this period: how many may hold it, how many do."""

    unit_id: int
    rated: int
    limit: int
    reached_by_score: int
    holding: int
    downgraded: int

    @property
    def over(self) -> int:
        return max(0, self.reached_by_score - self.limit)


def quota_situation(*, period: models.Period, unit_ids) -> dict[int, QuotaSituation]:
    """Unit id → its monthly quota situation, for rule sets with a monthly quota; 1 query.

    Empty for a rule set without one (nd335). The quota base is every rated person of
    the unit, its head included.
    """
    rules = rule_set_from_snapshot(period.rule_set_snapshot)
    if rules.monthly_quota_rate is None:
        return {}
    rows = models.Evaluation.objects.filter(
        period=period, is_current=True, unit_id__in=list(unit_ids), not_rated=False, absent=False
    ).values_list("unit_id", "score_level", "level", "reasons")
    counts: dict[int, Counter] = defaultdict(Counter)
    for unit_id, score_level, level, reasons in rows:
        counter = counts[unit_id]
        counter["rated"] += 1
        counter["score_top"] += score_level == "top"
        counter["top"] += level == "top"
        counter["downgraded"] += any(r.get("code") == QUOTA_DOWNGRADE for r in reasons or ())
    return {
        unit_id: QuotaSituation(
            unit_id,
            counter["rated"],
            quota_limit(rules, rules.monthly_quota_rate, counter["rated"]),
            counter["score_top"],
            counter["top"],
            counter["downgraded"],
        )
        for unit_id, counter in counts.items()
    }


# --- what holds a period's publication up ------------------------------------------------


def publication_blockers(*, period: models.Period) -> list[str]:
    """One line per matter still open in `period` that publication would bury: violations
    of the month still contested (their deduction may yet go) and appeals undecided;
    2 queries."""
    contested = (
        Violation.objects.filter(
            organisation=period.organisation_id,
            occurred_on__range=(period.start, period.end),
            status=ViolationStatus.CONTESTED,
        )
        .select_related("employee", "target_unit", "item")
        .order_by("occurred_on", "id")
    )
    lines = [
        _("Vi phạm đang khiếu nại: %(who)s — %(item)s (%(day)s)")
        % {
            "who": (violation.employee or violation.target_unit),
            "item": violation.item.description,
            "day": date_format(violation.occurred_on, "SHORT_DATE_FORMAT"),
        }
        for violation in contested
    ]
    pending = models.Appeal.objects.filter(
        evaluation__period=period, state=models.AppealState.PENDING
    ).values_list("evaluation__employee__full_name", flat=True)
    lines += [_("Kiến nghị chưa giải quyết: %(name)s") % {"name": name} for name in pending]
    return [str(line) for line in lines]


# --- reopening one unit's or one person's published month ------------------------------

REVIEW_FIGURES = ("total", "general", "task_points", "bonus", "deductions", "level")
"""The published figures a reopening keeps to show while the month is reviewed."""


@dataclass
class ReopeningScope:
    """What reopening `unit` (or one `evaluation`) of a published month would do: whose
    results go back to be corrected, and whose published results the re-score may move
    (colleagues under the unit's quota, the leaders above through the head's cap and the
    leader's criterion d)."""

    period: models.Period
    unit: Unit
    evaluation: models.Evaluation | None
    editable: list[models.Evaluation]
    may_change: list[models.Evaluation]

    @property
    def returns_unit(self) -> bool:
        """The unit goes back to its head (to be submitted again), unless the one person
        reopened is its head, scored by their superior."""
        return self.evaluation is None or not self.evaluation.is_head

    def published(self) -> dict[str, dict]:
        """Evaluation id → its published figures as stored now (decimals as text) and
        reasons, for the pages while the review runs."""
        return {
            str(row.pk): {
                **{name: _text(getattr(row, name)) for name in REVIEW_FIGURES},
                "reasons": row.reasons,
            }
            for row in [*self.editable, *self.may_change]
        }


def _text(value) -> str:
    return "" if value is None else str(value)


def reopening_scope(
    *, period: models.Period, unit: Unit | None = None, evaluation=None
) -> ReopeningScope:
    """The dry run of reopening `unit`, or the one `evaluation`, of `period`: 2 queries."""
    if evaluation is not None:
        unit = evaluation.unit
    ancestors = [int(step) for step in unit.path.split("/")[:-1] if int(step) != unit.pk]
    rows = list(
        models.Evaluation.objects.filter(period=period, is_current=True)
        .filter(Q(unit=unit) | Q(unit__in=ancestors, is_leader=True))
        .select_related("employee", "unit")
        .order_by("unit__path", "-is_head", "employee__sort_key", "employee__code")
    )
    if evaluation is not None:
        editable = [row for row in rows if row.pk == evaluation.pk]
    else:
        editable = [row for row in rows if row.unit_id == unit.pk]
    chosen = {row.pk for row in editable}
    may_change = [row for row in rows if row.pk not in chosen and not (row.not_rated or row.absent)]
    return ReopeningScope(period, unit, evaluation, editable, may_change)


def under_review(evaluations) -> dict[int, tuple[models.PeriodReopening, dict]]:
    """Evaluation id → (the open reopening reviewing it, its published figures) for those
    of `evaluations` whose month is being corrected; 1 query."""
    wanted = {evaluation.pk: evaluation.period_id for evaluation in evaluations}
    if not wanted:
        return {}
    found = {}
    for reopening in models.PeriodReopening.objects.filter(
        period__in=set(wanted.values()), closed_at__isnull=True
    ).exclude(published={}):
        for key, figures in reopening.published.items():
            if int(key) in wanted:
                found[int(key)] = (reopening, figures)
    return found
