"""Demo periods for the demo agency: the last months published, this month in self-assessment.

`build_demo_periods` is idempotent: a period that exists is left alone. Each past month
runs on its own days of the story (`hrsystem.demo.clock`): HR opens it, people's inputs
(items done, criterion scores) are seeded directly as a trusted system caller, varying
by person and month from a seed, results come from the recompute at sign-off (which reads
the discipline ledger), and the steps the demo logins take (opening, sign-off, publication)
go through the services, so history and messages say who did what and when. Messages
of past months are marked read: the latest results and this month's opening stay unread.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, Q
from simple_history.utils import bulk_update_with_history

from discipline.selectors import month_bounds
from evaluation import models, services
from evaluation.models import EvaluationState, PeriodState, UnitPeriodState
from hrsystem import clock as app_clock
from hrsystem.demo import clock, past_months
from hrsystem.models import Employee, Organisation

SEED = 2026
PROFILES = (
    # share, general points lost, share of each item done, failed reviews and days late
    # on the last item
    (0.22, Decimal("0"), Decimal("1"), 0, 0),
    (0.50, Decimal("1.5"), Decimal("0.85"), 1, 0),
    (0.22, Decimal("3"), Decimal("0.6"), 1, 2),
    (0.06, Decimal("6"), Decimal("0.2"), 2, 3),
)
"""Top, good, complete and fail months in roughly these shares."""
GOOD = PROFILES[1]
USUAL = 0.7
"""Chance that a person's month follows their usual profile rather than a fresh draw."""


@dataclass(frozen=True)
class DemoPeriods:
    published: models.Period | None
    current: models.Period | None
    created: list[str]


def build_demo_periods(*, organisation: Organisation, today: date | None = None) -> DemoPeriods:
    """Make sure the past months are published with results and this month is open."""
    today = today or app_clock.today()
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["to_chuc", "chu_tich", "nhanvien"])
    }
    hr, leader = users["to_chuc"], users["chu_tich"]
    usual = _usual_profiles(organisation)
    months = past_months(today)
    created, built = [], []
    published = None
    for year, month in months:
        published = models.Period.objects.filter(
            organisation=organisation, year=year, number=month
        ).first()
        if published is None:
            # `nhanvien`'s latest month is good, not perfect: the breakdown has some to explain
            forced = {users["nhanvien"].employee.pk: GOOD} if (year, month) == months[-1] else {}
            published = _published_month(
                organisation, year, month, hr, leader, today, usual, forced
            )
            created.append(str(published))
            built.append(published)
    current = models.Period.objects.filter(
        organisation=organisation, year=today.year, number=today.month
    ).first()
    if current is None:
        with transaction.atomic(), clock(today.replace(day=1), 7, 30):
            current = services.period_open(
                organisation=organisation, year=today.year, number=today.month, by=hr
            )
            current = services.period_advance(period=current, to=PeriodState.SELF_ASSESSMENT, by=hr)
        created.append(str(current))
    if built:
        _read_past_messages(built, latest=published)
    return DemoPeriods(published, current, created)


def _usual_profiles(organisation: Organisation) -> dict[str, tuple]:
    """Employee code → the profile their months usually follow."""
    rng = random.Random(SEED)
    weights = [share for share, *_rest in PROFILES]
    codes = (
        Employee.objects.filter(assignments__unit__organisation=organisation)
        .distinct()
        .order_by("code")
        .values_list("code", flat=True)
    )
    return {code: rng.choices(PROFILES, weights)[0] for code in codes}


def _schedule(year: int, month: int, today: date) -> dict[str, date]:
    """The days of a month's cycle: opened near its end, published about nine days after,
    and in any case before today."""
    end = month_bounds(year, month)[1]
    published = min(end + timedelta(days=9), max(end, today - timedelta(days=1)))
    return {
        "open": end - timedelta(days=4),
        "scoring": min(end + timedelta(days=1), published),
        "submitted": min(end + timedelta(days=5), published),
        "signed": min(end + timedelta(days=8), published),
        "published": published,
    }


@transaction.atomic
def _published_month(
    organisation, year: int, month: int, hr, leader, today: date, usual, forced
) -> models.Period:
    rng = random.Random(f"{SEED}-{year}-{month}")
    day = _schedule(year, month, today)
    end = month_bounds(year, month)[1]
    with clock(day["open"], 8):
        period = services.period_open(
            organisation=organisation,
            year=year,
            number=month,
            by=hr,
            self_assessment_due=end + timedelta(days=3),
            scoring_due=end + timedelta(days=5),
            unit_submission_due=end + timedelta(days=7),
            sign_off_due=end + timedelta(days=10),
        )
        period = services.period_advance(period=period, to=PeriodState.SELF_ASSESSMENT, by=hr)
    with clock(day["scoring"], 8):
        period = services.period_advance(period=period, to=PeriodState.SCORING, by=hr)
    with clock(day["submitted"], 10) as now:
        _seed_inputs(period, rng, usual, forced, now)
        period = services.period_advance(period=period, to=PeriodState.SUBMITTED, by=hr)
    with clock(day["signed"], 14):
        period = services.period_sign_off(period=period, by=leader)
    with clock(day["published"], 16):
        return services.period_publish(period=period, by=leader)


def _seed_inputs(period: models.Period, rng: random.Random, usual, forced, now) -> None:
    """Everyone's items done and criterion scores as their month's profile says, every
    evaluation scored and every unit submitted."""
    evaluations = list(
        models.Evaluation.objects.filter(period=period)
        .select_related("employee")
        .order_by("employee__code")
    )
    weights = [share for share, *_rest in PROFILES]
    profile = {}
    for evaluation in evaluations:
        own = usual.get(evaluation.employee.code, GOOD)
        drawn = own if rng.random() < USUAL else rng.choices(PROFILES, weights)[0]
        profile[evaluation.pk] = forced.get(evaluation.employee_id, drawn)

    criteria = period.rule_set_snapshot["general_criteria"]
    scores = list(models.CriterionScore.objects.filter(evaluation__period=period))
    for score in scores:
        _share, lost, *_rest = profile[score.evaluation_id]
        maximum = Decimal(criteria[score.criterion_index]["max_points"])
        cut = min(maximum, lost / 2) if score.criterion_index in (2, 5) else Decimal(0)
        score.final = score.proposed = maximum - cut
    _store(models.CriterionScore, scores, ["proposed", "final"])

    items = list(models.WorkItem.objects.filter(evaluation__period=period).order_by("id"))
    last = {item.evaluation_id: item for item in items}
    for item in items:
        _share, _lost, ratio, errors, late = profile[item.evaluation_id]
        jitter = Decimal(rng.randint(-5, 5)) / 100 if ratio < 1 else Decimal(0)
        item.done = (item.planned * min(Decimal(1), ratio + jitter)).quantize(Decimal("0.01"))
        if item is last[item.evaluation_id]:
            item.major_errors, item.late = errors, late
        item.evidence_number = f"{rng.randint(10, 999)}/BC-UBND"
    _store(models.WorkItem, items, ["done", "major_errors", "late", "evidence_number"])

    for evaluation in evaluations:
        evaluation.state = EvaluationState.SCORED
        evaluation.self_submitted_at = now - timedelta(days=3)
        evaluation.scored_at = now
    _store(models.Evaluation, evaluations, ["state", "self_submitted_at", "scored_at"])
    models.UnitPeriod.objects.filter(period=period).update(
        state=UnitPeriodState.SUBMITTED, submitted_at=now
    )


def _store(model, rows: list, fields: list[str]) -> None:
    """Save `fields` of `rows` with one UPDATE per distinct set of values, and a history
    row each: far fewer statements than `bulk_update`'s CASE per row and field."""
    groups = defaultdict(list)
    for row in rows:
        groups[tuple(getattr(row, name) for name in fields)].append(row.pk)
    for values, pks in groups.items():
        model.objects.filter(pk__in=pks).update(**dict(zip(fields, values, strict=True)))
    bulk_update_with_history(rows, model, [])


def _read_past_messages(periods: list[models.Period], *, latest: models.Period) -> None:
    """Messages about `periods` and the ledger's messages (violations recorded, contests
    decided) were read two hours after they came, except the latest results, which the
    inbox still shows."""
    about = Q(dedupe_key__startswith="violation:")
    for period in periods:
        about |= Q(dedupe_key__startswith=f"period:{period.pk}:")
    models.Notification.objects.filter(about, read_at__isnull=True).exclude(
        dedupe_key__startswith=f"period:{latest.pk}:published"
    ).update(
        read_at=ExpressionWrapper(
            F("created_at") + timedelta(hours=2), output_field=DateTimeField()
        )
    )


def publish_months(
    *, organisation: Organisation, months: list[tuple[int, int]], latest: models.Period, today
) -> list[models.Period]:
    """Publish the `months` ((year, month), oldest first) that are missing as the past
    months are published, their messages read (the year's demo needs the months before
    the six shown). Returns the periods built."""
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=["to_chuc", "chu_tich"])
    }
    usual = _usual_profiles(organisation)
    built = []
    for year, month in months:
        if models.Period.objects.filter(
            organisation=organisation, year=year, number=month
        ).exists():
            continue
        built.append(
            _published_month(
                organisation, year, month, users["to_chuc"], users["chu_tich"], today, usual, {}
            )
        )
    if built:
        _read_past_messages(built, latest=latest)
    return built
