"""Demo periods for the demo agency: last month published, this month in self-assessment.

`build_demo_periods` is idempotent: a period that exists is left alone. Last month's
inputs (items done, reviews, criterion scores, a few conduct violations) are seeded
directly as a trusted system caller, results come from one `period_recompute`, and the
transitions the demo logins can make (opening, sign-off, publication) go through the
services with those logins, so the history shows who did what.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from discipline.models import ViolationCatalogueItem
from discipline.services import violation_record
from evaluation import models, services
from evaluation.adapters import period_recompute
from evaluation.models import EvaluationState, PeriodState, UnitPeriodState
from hrsystem.models import Organisation

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
VIOLATIONS = ("khong_deo_the", "trang_phuc_khong_phu_hop", "hut_thuoc_noi_cong_so")


@dataclass(frozen=True)
class DemoPeriods:
    published: models.Period | None
    current: models.Period | None
    created: list[str]


def _previous(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def build_demo_periods(*, organisation: Organisation, today: date | None = None) -> DemoPeriods:
    """Make sure last month is published with results and this month is open."""
    today = today or timezone.localdate()
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=["to_chuc", "chu_tich"])
    }
    hr, leader = users["to_chuc"], users["chu_tich"]
    created = []
    year, month = _previous(today.year, today.month)
    published = models.Period.objects.filter(
        organisation=organisation, year=year, number=month
    ).first()
    if published is None:
        published = _published_month(organisation, year, month, hr, leader)
        created.append(str(published))
    current = models.Period.objects.filter(
        organisation=organisation, year=today.year, number=today.month
    ).first()
    if current is None:
        with transaction.atomic():
            current = services.period_open(
                organisation=organisation, year=today.year, number=today.month, by=hr
            )
            current = services.period_advance(period=current, to=PeriodState.SELF_ASSESSMENT, by=hr)
        created.append(str(current))
    return DemoPeriods(published, current, created)


@transaction.atomic
def _published_month(organisation, year: int, month: int, hr, leader) -> models.Period:
    rng = random.Random(SEED + month)
    end = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
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
    period = services.period_advance(period=period, to=PeriodState.SCORING, by=hr)
    evaluations = list(models.Evaluation.objects.filter(period=period).order_by("employee__code"))
    criteria = period.rule_set_snapshot["general_criteria"]
    weights = [share for share, *_rest in PROFILES]
    profile = {e.pk: rng.choices(PROFILES, weights)[0] for e in evaluations}

    scores = list(models.CriterionScore.objects.filter(evaluation__period=period))
    for score in scores:
        _share, lost, *_rest = profile[score.evaluation_id]
        maximum = Decimal(criteria[score.criterion_index]["max_points"])
        cut = min(maximum, lost / 2) if score.criterion_index in (2, 5) else Decimal(0)
        score.final = score.proposed = maximum - cut
    bulk_update_with_history(scores, models.CriterionScore, ["proposed", "final"])

    items = list(models.WorkItem.objects.filter(evaluation__period=period).order_by("id"))
    last = {item.evaluation_id: item for item in items}
    for item in items:
        _share, _lost, ratio, errors, late = profile[item.evaluation_id]
        jitter = Decimal(rng.randint(-5, 5)) / 100 if ratio < 1 else Decimal(0)
        item.done = (item.planned * min(Decimal(1), ratio + jitter)).quantize(Decimal("0.01"))
        if item is last[item.evaluation_id]:
            item.major_errors, item.late = errors, late
        item.evidence_number = f"{rng.randint(10, 999)}/BC-UBND"
    bulk_update_with_history(
        items, models.WorkItem, ["done", "major_errors", "late", "evidence_number"]
    )

    catalogue = list(ViolationCatalogueItem.objects.filter(code__in=VIOLATIONS))
    staff = [e for e in evaluations if not e.is_leader and not e.not_rated]
    for item, evaluation in zip(catalogue, rng.sample(staff, len(catalogue)), strict=False):
        violation_record(
            item=item, employee=evaluation.employee, occurred_on=end - timedelta(days=10)
        )

    now = timezone.now()
    for evaluation in evaluations:
        evaluation.state = EvaluationState.SCORED
        evaluation.self_submitted_at = evaluation.scored_at = now
    bulk_update_with_history(
        evaluations, models.Evaluation, ["state", "self_submitted_at", "scored_at"]
    )
    models.UnitPeriod.objects.filter(period=period).update(
        state=UnitPeriodState.SUBMITTED, submitted_at=now
    )
    period_recompute(period=period)
    period = services.period_advance(period=period, to=PeriodState.SUBMITTED, by=hr)
    period = services.period_sign_off(period=period, by=leader)
    return services.period_publish(period=period, by=leader)
