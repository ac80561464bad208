"""Reads of the discipline ledger for the scoring engine, the pages and the reports.

The engine-facing reads return plain data (dataclasses, dicts of ints, Decimals and
strings) for a whole agency and period in a constant number of queries, whatever its
size; each docstring states the count. Nothing here writes.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractMonth, ExtractYear

from hrsystem import clock
from hrsystem.models import Organisation, Unit
from hrsystem.permissions import Perm, unit_ids_for

from .models import (
    ApologyLetter,
    AppliesTo,
    Complaint,
    ComplaintOutcome,
    DisciplineDecision,
    DisciplinePolicy,
    DossierMonthlyCount,
    DossierRecord,
    DossierStatus,
    Inspection,
    InspectionCheck,
    InspectionPlan,
    InspectionPlanLine,
    InspectionStatus,
    Violation,
    ViolationCatalogueItem,
    ViolationStatus,
    percent,
)

CONTEST_DAYS = 5
"""Default contest window in days; `settings.DISCIPLINE_CONTEST_DAYS` overrides it."""

APOLOGY_NOTICE_DAYS = 2
"""Default warning, in working days, before an open dossier's due date;
`settings.DISCIPLINE_APOLOGY_NOTICE_DAYS` overrides it, the agency's policy row overrides
both."""

TIMELINESS_REPORT_DAY = 15
"""The monthly timeliness report is due on this day of the following month."""


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """First and last day of a month."""
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def contest_days(organisation: Organisation) -> int:
    """Days a person has to contest a violation in this agency; 1 query."""
    days = (
        DisciplinePolicy.objects.filter(organisation=organisation)
        .values_list("contest_days", flat=True)
        .first()
    )
    return days or getattr(settings, "DISCIPLINE_CONTEST_DAYS", CONTEST_DAYS)


def apology_notice_days(organisation: Organisation) -> int:
    """Working days before a due date when an open dossier is flagged to its head; 1 query."""
    days = (
        DisciplinePolicy.objects.filter(organisation=organisation)
        .values_list("apology_notice_days", flat=True)
        .first()
    )
    if days is not None:
        return days
    return getattr(settings, "DISCIPLINE_APOLOGY_NOTICE_DAYS", APOLOGY_NOTICE_DAYS)


def add_working_days(day: date, count: int) -> date:
    """The day `count` working days (Monday to Friday) after `day`."""
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


@dataclass(frozen=True, slots=True)
class DueSoon:
    """An open dossier due within the notice window, with no apology yet."""

    dossier_id: int
    code: str
    unit_name: str
    citizen_name: str
    officer_name: str
    due_on: date
    overdue: bool


def dossiers_due_soon(*, organisation: Organisation, unit_ids, today: date) -> list[DueSoon]:
    """Open dossiers of units `unit_ids` due from before today up to the agency's notice
    window (working days) with no apology yet, so the head can notify the citizen in time;
    2 queries."""
    limit = add_working_days(today, apology_notice_days(organisation))
    rows = (
        DossierRecord.objects.filter(
            organisation=organisation,
            unit_id__in=list(unit_ids),
            status=DossierStatus.PENDING,
            due_on__lte=limit,
            apology_letter__isnull=True,
        )
        .select_related("unit", "officer")
        .order_by("due_on", "unit__path", "code")
    )
    return [
        DueSoon(
            dossier_id=dossier.pk,
            code=dossier.code,
            unit_name=dossier.unit.name,
            citizen_name=dossier.citizen_name,
            officer_name=dossier.officer.full_name,
            due_on=dossier.due_on,
            overdue=dossier.due_on < today,
        )
        for dossier in rows
    ]


def apologies_by_unit(*, organisation: Organisation, start: date, end: date) -> dict[int, int]:
    """Apologies made in [start, end] per unit concerned; 1 query."""
    rows = (
        ApologyLetter.objects.filter(organisation=organisation, sent_on__range=(start, end))
        .values("unit_id")
        .annotate(count=Count("pk"))
        .values_list("unit_id", "count")
    )
    return dict(rows)


def catalogue_for(*, organisation: Organisation, on: date) -> list[ViolationCatalogueItem]:
    """Catalogue items in force on `on` for the agency, by code; 1 query.

    The agency's own item replaces the province-wide one of the same code.
    """
    items = ViolationCatalogueItem.objects.filter(
        Q(organisation=organisation) | Q(organisation__isnull=True),
        Q(effective_to__isnull=True) | Q(effective_to__gte=on),
        effective_from__lte=on,
    ).order_by("code", "-version")
    chosen: dict[str, ViolationCatalogueItem] = {}
    for item in items:
        current = chosen.get(item.code)
        if current is None or (current.organisation_id is None and item.organisation_id):
            chosen[item.code] = item
    return [chosen[code] for code in sorted(chosen)]


def checklist_items(*, organisation: Organisation, on: date) -> list[ViolationCatalogueItem]:
    """Catalogue items in force on `on` that inspections check one by one; 1 query."""
    return [item for item in catalogue_for(organisation=organisation, on=on) if item.checklist]


@dataclass(frozen=True, slots=True)
class ChecklistRow:
    """A checklist item for one unit and its check so far (None: not yet checked)."""

    item: ViolationCatalogueItem
    check: InspectionCheck | None


def inspection_checklist(*, inspection: Inspection, unit: Unit, on: date) -> list[ChecklistRow]:
    """The checklist of `inspection` in `unit`: every item in force with its check, unit
    items first; 2 queries."""
    checks = {
        check.item.code: check
        for check in InspectionCheck.objects.filter(inspection=inspection, unit=unit)
        .select_related("item", "checked_by")
        .order_by("item__code")
    }
    items = checklist_items(organisation=inspection.organisation, on=on)
    items.sort(key=lambda item: (item.applies_to == AppliesTo.PERSON, item.code))
    return [ChecklistRow(item=item, check=checks.get(item.code)) for item in items]


def check_counts(*, inspection: Inspection) -> dict[int, tuple[int, int]]:
    """Unit id → (items checked, items met) of the inspection's checklist; 1 query."""
    rows = (
        InspectionCheck.objects.filter(inspection=inspection)
        .values("unit_id")
        .annotate(checked=Count("pk"), met=Count("pk", filter=Q(met=True)))
        .values_list("unit_id", "checked", "met")
    )
    return {unit_id: (checked, met) for unit_id, checked, met in rows}


@dataclass(frozen=True, slots=True)
class PlanLineProgress:
    """A line of the year's inspection plan and how far it got: "closed", "in_progress",
    "planned" (an inspection is planned) or "not_scheduled"."""

    line: InspectionPlanLine
    state: str
    inspection_ids: list[int]


@dataclass(frozen=True, slots=True)
class PlanProgress:
    lines: list[PlanLineProgress]

    @property
    def done(self) -> int:
        return sum(1 for line in self.lines if line.state == "closed")

    @property
    def rate(self) -> Decimal | None:
        """Lines whose inspection is closed / lines × 100, 2 places; None without lines."""
        return percent(self.done, len(self.lines))


def plan_progress(*, plan: InspectionPlan) -> PlanProgress:
    """Every line of `plan` with the state of its inspections; 2 queries."""
    rank = {
        InspectionStatus.PLANNED: 1,
        InspectionStatus.IN_PROGRESS: 2,
        InspectionStatus.CLOSED: 3,
    }
    states: dict[int, str] = {}
    inspections: dict[int, list[int]] = defaultdict(list)
    for line_id, pk, status in (
        Inspection.objects.filter(plan_line__plan=plan)
        .order_by("planned_on", "pk")
        .values_list("plan_line_id", "pk", "status")
    ):
        inspections[line_id].append(pk)
        if rank[status] > rank.get(states.get(line_id), 0):
            states[line_id] = status
    lines = plan.lines.select_related("unit", "lead").order_by("quarter", "unit__path", "pk")
    return PlanProgress(
        lines=[
            PlanLineProgress(
                line=line,
                state=states.get(line.pk, "not_scheduled"),
                inspection_ids=inspections.get(line.pk, []),
            )
            for line in lines
        ]
    )


# --- the engine's reads ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One counted violation as the engine reads it (annulled ones never appear)."""

    id: int
    points: Decimal
    criterion_code: str | None
    cap_level: str | None
    catalogue_code: str
    description: str
    legal_basis: str
    occurred_on: date
    status: str


_LEDGER_FIELDS = (
    "id",
    "points",
    "criterion_code",
    "cap_level",
    "item__code",
    "item__description",
    "legal_basis",
    "occurred_on",
    "status",
)


def _ledger(organisation: Organisation, start: date, end: date, **filters):
    return (
        Violation.objects.filter(
            organisation=organisation, occurred_on__range=(start, end), **filters
        )
        .exclude(status=ViolationStatus.ANNULLED)
        .order_by("occurred_on", "id")
    )


def _among(name: str, ids) -> dict:
    """`{name}__in` ids as a filter, or no filter for None (the whole agency)."""
    return {} if ids is None else {f"{name}__in": list(ids)}


def person_deductions(
    *, organisation: Organisation, start: date, end: date, employee_ids=None
) -> dict[int, list[LedgerEntry]]:
    """Employee id → counted violations against them that occurred in [start, end], of
    `employee_ids` only when given; 1 query."""
    rows = _ledger(
        organisation, start, end, employee__isnull=False, **_among("employee_id", employee_ids)
    ).values_list("employee_id", *_LEDGER_FIELDS)
    ledger: dict[int, list[LedgerEntry]] = defaultdict(list)
    for employee_id, *entry in rows:
        ledger[employee_id].append(LedgerEntry(*entry))
    return dict(ledger)


def unit_findings(
    *, organisation: Organisation, start: date, end: date, unit_ids=None
) -> dict[int, list[LedgerEntry]]:
    """Unit id → counted findings against the unit in [start, end] that cap its level, of
    `unit_ids` only when given; 1 query."""
    rows = _ledger(
        organisation,
        start,
        end,
        target_unit__isnull=False,
        cap_level__isnull=False,
        **_among("target_unit_id", unit_ids),
    ).values_list("target_unit_id", *_LEDGER_FIELDS)
    findings: dict[int, list[LedgerEntry]] = defaultdict(list)
    for unit_id, *entry in rows:
        findings[unit_id].append(LedgerEntry(*entry))
    return dict(findings)


def _month_key(year: int, month: int) -> int:
    return year * 12 + month


def _reported_months(organisation: Organisation, start: date, end: date, unit_ids=None):
    low, high = _month_key(start.year, start.month), _month_key(end.year, end.month)
    rows = DossierMonthlyCount.objects.filter(
        organisation=organisation,
        year__gte=start.year,
        year__lte=end.year,
        **_among("unit_id", unit_ids),
    ).values_list("unit_id", "year", "month", "on_time", "late")
    return [row for row in rows if low <= _month_key(row[1], row[2]) <= high]


def monthly_dossier_counts(
    *, organisation: Organisation, start: date, end: date, unit_ids=None
) -> dict[tuple[int, int, int], tuple[int, int, bool]]:
    """(unit id, year, month) → (on time, late, reported) for the months of [start, end],
    of `unit_ids` only when given; 2 queries.

    `reported` is True where the unit reported a monthly count: that count is used and the
    unit's individual records of that month are ignored, so nothing is counted twice.
    Individual records count in the month they were settled.
    """
    months: dict[tuple[int, int, int], tuple[int, int, bool]] = {}
    for unit_id, year, month, on_time, late in _reported_months(organisation, start, end, unit_ids):
        months[(unit_id, year, month)] = (on_time, late, True)
    first, _ = month_bounds(start.year, start.month)
    _, last = month_bounds(end.year, end.month)
    rows = (
        DossierRecord.objects.filter(
            organisation=organisation,
            settled_on__range=(first, last),
            **_among("unit_id", unit_ids),
        )
        .annotate(year=ExtractYear("settled_on"), month=ExtractMonth("settled_on"))
        .values("unit_id", "year", "month")
        .annotate(
            on_time=Count("id", filter=Q(status=DossierStatus.ON_TIME)),
            late=Count("id", filter=Q(status=DossierStatus.LATE)),
        )
        .order_by()
    )
    for row in rows:
        months.setdefault(
            (row["unit_id"], row["year"], row["month"]), (row["on_time"], row["late"], False)
        )
    return months


def dossier_counts(
    *, organisation: Organisation, start: date, end: date, unit_ids=None
) -> dict[int, tuple[int, int]]:
    """Unit id → (on time, late) dossiers settled in the months of [start, end], of
    `unit_ids` only when given; 2 queries.

    Combines reported monthly counts and individual records as `monthly_dossier_counts`
    does; units with no dossiers are left out.
    """
    counts: dict[int, tuple[int, int]] = {}
    months = monthly_dossier_counts(
        organisation=organisation, start=start, end=end, unit_ids=unit_ids
    )
    for (unit_id, _year, _month), (on_time, late, _reported) in months.items():
        total_on_time, total_late = counts.get(unit_id, (0, 0))
        counts[unit_id] = (total_on_time + on_time, total_late + late)
    return {unit_id: pair for unit_id, pair in counts.items() if any(pair)}


def late_dossier_delays(
    *, organisation: Organisation, year: int, month: int, officer_ids=None
) -> dict[int, int]:
    """Officer (employee) id → late dossiers settled in the month with no certified
    objective cause, of `officer_ids` only when given; each is one delay on the officer's
    dossier-processing work; 1 query."""
    first, last = month_bounds(year, month)
    rows = (
        DossierRecord.objects.filter(
            organisation=organisation,
            settled_on__range=(first, last),
            status=DossierStatus.LATE,
            excused=False,
            **_among("officer_id", officer_ids),
        )
        .values("officer_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["officer_id"]: row["n"] for row in rows}


def disciplines_in_year(
    *,
    organisation: Organisation,
    year: int,
    public_duty_only: bool = False,
    employee_ids: list[int] | None = None,
) -> dict[int, list[tuple[str, int, date]]]:
    """Employee id → (form code, severity, first day in effect within the year) of the
    decisions whose effect period reaches into the year; 1 query.

    A decision of December in effect until the next autumn caps both years; one whose
    effect ended before the year does not. `public_duty_only` keeps the decisions for
    public-duty violations (the annual cap); the collective-title condition reads them all.
    `employee_ids` narrows to those people.
    """
    first, last = date(year, 1, 1), date(year, 12, 31)
    decisions = DisciplineDecision.objects.filter(
        Q(effect_to__isnull=True) | Q(effect_to__gte=first),
        organisation=organisation,
        effect_from__lte=last,
    )
    if public_duty_only:
        decisions = decisions.filter(public_duty=True)
    if employee_ids is not None:
        decisions = decisions.filter(employee_id__in=employee_ids)
    rows = decisions.order_by("effect_from", "id").values_list(
        "employee_id", "form__code", "form__severity", "effect_from"
    )
    result: dict[int, list[tuple[str, int, date]]] = defaultdict(list)
    for employee_id, code, severity, effect_from in rows:
        result[employee_id].append((code, severity, max(effect_from, first)))
    return dict(result)


@dataclass(frozen=True, slots=True)
class ComplaintCounts:
    """Substantiated complaints decided in a period.

    `by_person`: employee id → complaints against them. `by_unit`: unit id → complaints
    against the unit or any of its people, for the head's accountability.
    """

    by_person: dict[int, int]
    by_unit: dict[int, int]


def substantiated_complaints(
    *, organisation: Organisation, start: date, end: date
) -> ComplaintCounts:
    """Substantiated complaints decided in [start, end], per person and per unit; 1 query."""
    rows = Complaint.objects.filter(
        organisation=organisation,
        outcome=ComplaintOutcome.SUBSTANTIATED,
        decided_on__range=(start, end),
    ).values_list("employee_id", "unit_id")
    by_person: dict[int, int] = defaultdict(int)
    by_unit: dict[int, int] = defaultdict(int)
    for employee_id, unit_id in rows:
        if employee_id is not None:
            by_person[employee_id] += 1
        by_unit[unit_id] += 1
    return ComplaintCounts(by_person=dict(by_person), by_unit=dict(by_unit))


# --- reads for the pages ---------------------------------------------------------------


def violations_visible_to(user, *, on: date | None = None) -> QuerySet[Violation]:
    """Violations `user` may see: against themselves, plus every violation in the units
    they view or inspect on `on` (today by default); newest first. 3 queries when
    evaluated (two for the scope, then the rows)."""
    on = on or clock.today()
    if user is None or not user.is_authenticated:
        return Violation.objects.none()
    scope = unit_ids_for(user, Perm.VIEW_UNIT_RECORDS, on) | unit_ids_for(
        user, Perm.INSPECT_UNIT, on
    )
    return (
        Violation.objects.filter(Q(employee__user=user.pk) | Q(unit_id__in=scope))
        .select_related("employee", "target_unit", "unit", "item", "inspection")
        .order_by("-occurred_on", "-id")
    )


def contests_to_decide(user, *, organisation: Organisation | None, manages: bool):
    """Contested violations waiting for `user`'s decision (as `permissions.
    can_decide_contest` rules): findings of inspections they head, or of their team when
    the head recorded the finding, and, for the HR officer (`manages`), violations of
    `organisation` recorded outside an inspection; never their own or one they recorded."""
    on_team = Inspection.members.through.objects.filter(
        inspection=OuterRef("inspection"), employee__user=user.pk
    )
    condition = Q(inspection__head__user=user.pk) & ~Q(recorded_by=F("inspection__head__user")) | Q(
        Exists(on_team), recorded_by=F("inspection__head__user")
    )
    if manages and organisation is not None:
        condition |= Q(inspection__isnull=True, organisation=organisation)
    return (
        Violation.objects.filter(condition, status=ViolationStatus.CONTESTED)
        .exclude(employee__user=user.pk)
        .exclude(recorded_by=user.pk)
    )


def own_violations(user) -> QuerySet[Violation]:
    """Violations against `user`'s own employee record, newest first; 1 query."""
    return (
        Violation.objects.filter(employee__user=user.pk)
        .select_related("item", "unit", "inspection")
        .order_by("-occurred_on", "-id")
    )


def violations_of(employee, *, start: date, end: date) -> QuerySet[Violation]:
    """Every violation against `employee` that occurred in [start, end], annulled ones
    included (their status says so), oldest first: the person's month view; 1 query."""
    return (
        Violation.objects.filter(employee=employee, occurred_on__range=(start, end))
        .select_related("item", "inspection", "decided_by")
        .order_by("occurred_on", "id")
    )


def inspections_of(user) -> QuerySet[Inspection]:
    """Inspections whose team `user` heads or belongs to, newest first; 1 query."""
    return (
        Inspection.objects.filter(Q(head__user=user.pk) | Q(members__user=user.pk))
        .select_related("head", "organisation")
        .distinct()
        .order_by("-planned_on", "-id")
    )


@dataclass(frozen=True, slots=True)
class ApologyFlag:
    """A late dossier whose apology letter is missing or was sent after the due date."""

    dossier_id: int
    code: str
    unit_id: int
    unit_name: str
    citizen_name: str
    officer_name: str
    due_on: date
    settled_on: date | None
    problem: str  # "missing" or "sent_late"
    letter_number: str = ""
    letter_sent_on: date | None = None


def apology_letter_flags(
    *, organisation: Organisation, start: date, end: date, today: date | None = None
) -> list[ApologyFlag]:
    """Dossiers due in [start, end] that are late (settled late, or still open past the
    due date on `today`) with no apology letter or one sent after the due date; 1 query."""
    today = today or clock.today()
    rows = (
        DossierRecord.objects.filter(
            Q(status=DossierStatus.LATE) | Q(status=DossierStatus.PENDING, due_on__lt=today),
            organisation=organisation,
            due_on__range=(start, end),
        )
        .select_related("unit", "officer", "apology_letter")
        .order_by("unit__path", "due_on", "code")
    )
    flags = []
    for dossier in rows:
        letter = getattr(dossier, "apology_letter", None)
        if letter is not None and letter.sent_on <= dossier.due_on:
            continue
        flags.append(
            ApologyFlag(
                dossier_id=dossier.pk,
                code=dossier.code,
                unit_id=dossier.unit_id,
                unit_name=dossier.unit.name,
                citizen_name=dossier.citizen_name,
                officer_name=dossier.officer.full_name,
                due_on=dossier.due_on,
                settled_on=dossier.settled_on,
                problem="missing" if letter is None else "sent_late",
                letter_number=letter.number if letter else "",
                letter_sent_on=letter.sent_on if letter else None,
            )
        )
    return flags


@dataclass(frozen=True, slots=True)
class LateDossier:
    code: str
    citizen_name: str
    officer_name: str
    due_on: date
    settled_on: date
    days_late: int
    excused: bool
    apology_letter: str  # "on_time", "sent_late" or "missing"


@dataclass(slots=True)
class UnitTimeliness:
    unit_id: int
    unit_code: str
    unit_name: str
    on_time: int = 0
    late: int = 0
    reported_counts: bool = False
    apologies: int = 0
    late_dossiers: list[LateDossier] = field(default_factory=list)

    @property
    def on_time_rate(self) -> Decimal | None:
        """On time / (on time + late) × 100, 2 places; None without dossiers."""
        return percent(self.on_time, self.on_time + self.late)


@dataclass(frozen=True, slots=True)
class TimelinessReport:
    """The monthly dossier timeliness report, due on the 15th of the following month."""

    year: int
    month: int
    due_on: date
    units: list[UnitTimeliness]

    @property
    def on_time(self) -> int:
        return sum(unit.on_time for unit in self.units)

    @property
    def late(self) -> int:
        return sum(unit.late for unit in self.units)

    @property
    def apologies(self) -> int:
        return sum(unit.apologies for unit in self.units)

    @property
    def on_time_rate(self) -> Decimal | None:
        return percent(self.on_time, self.on_time + self.late)


def timeliness_report(*, organisation: Organisation, year: int, month: int) -> TimelinessReport:
    """Per unit: dossiers settled on time and late in the month and the late ones with the
    officers' names and apology-letter state, and the apologies made in the month for any
    failing; 5 queries."""
    first, last = month_bounds(year, month)
    apologies = apologies_by_unit(organisation=organisation, start=first, end=last)
    months = monthly_dossier_counts(organisation=organisation, start=first, end=last)
    reported = {unit_id for (unit_id, _y, _m), row in months.items() if row[2]}
    late = (
        DossierRecord.objects.filter(
            organisation=organisation, settled_on__range=(first, last), status=DossierStatus.LATE
        )
        .select_related("unit", "officer", "apology_letter")
        .order_by("unit__path", "settled_on", "code")
    )
    units: dict[int, UnitTimeliness] = {}
    units_with_dossiers = {unit_id for unit_id, _year, _month in months} | set(apologies)
    for unit in Unit.objects.filter(pk__in=units_with_dossiers).order_by("path"):
        on_time, late_count, _reported = months.get((unit.pk, year, month), (0, 0, False))
        units[unit.pk] = UnitTimeliness(
            unit_id=unit.pk,
            unit_code=unit.code,
            unit_name=unit.name,
            on_time=on_time,
            late=late_count,
            reported_counts=unit.pk in reported,
            apologies=apologies.get(unit.pk, 0),
        )
    for dossier in late:
        row = units.get(dossier.unit_id)
        if row is None:
            continue
        letter = getattr(dossier, "apology_letter", None)
        if letter is None:
            letter_state = "missing"
        else:
            letter_state = "on_time" if letter.sent_on <= dossier.due_on else "sent_late"
        row.late_dossiers.append(
            LateDossier(
                code=dossier.code,
                citizen_name=dossier.citizen_name,
                officer_name=dossier.officer.full_name,
                due_on=dossier.due_on,
                settled_on=dossier.settled_on,
                days_late=(dossier.settled_on - dossier.due_on).days,
                excused=dossier.excused,
                apology_letter=letter_state,
            )
        )
    next_first = last + timedelta(days=1)
    return TimelinessReport(
        year=year,
        month=month,
        due_on=next_first.replace(day=TIMELINESS_REPORT_DAY),
        units=list(units.values()),
    )
