"""A small agency in its October 2026 period, for the monthly-cycle tests.

`cycle` builds the organisation cast of `tests/hrsystem/conftest.py` (see its
docstring for who holds which post), loads the shipped rule sets, gives the shared
position CV two standing tasks — A (coefficient 2, 10 planned) and B (coefficient 1,
10 planned) — and opens October 2026 under nd335 as the HR officer `to_chuc`, with deadlines a few
days after the real today (rights over October are decided on 31/10/2026 whatever the
day the tests run).
"""

from datetime import date, timedelta
from decimal import Decimal

from django.core.management import call_command
from django.utils import timezone

from discipline.models import Violation, ViolationCatalogueItem, ViolationSource
from evaluation import services
from evaluation.models import Evaluation, PeriodState
from evaluation.rulesets import SHIPPED_FIXTURE
from hrsystem import services as hr_services
from hrsystem.models import JobPosition
from tests.factories import EmployeeFactory, PeriodFactory
from tests.hrsystem.cast import build_cast
from tests.shared import shared_cast

D = Decimal
WORKED_GENERAL = dict(enumerate(D(v) for v in ("5", "5", "2.5", "2.5", "2.5", "2") + ("2.5",) * 4))
"""The spec's worked example: general criteria adding up to 29.5."""
FULL = dict(enumerate(D(v) for v in ("5", "5") + ("2.5",) * 8))


def load_rule_sets() -> None:
    call_command("loaddata", str(SHIPPED_FIXTURE), verbosity=0)


def build_cycle(*, month: int = 10, rule_set_code: str = "nd335", extra_staff: int = 0):
    """The cast in an open period; `extra_staff` more people join TC first."""
    load_rule_sets()
    c = build_cast()
    position = JobPosition.objects.get(organisation=c.org, code="CV")
    c.extra = [
        EmployeeFactory(unit=c.tc, job_position=position, code=f"TC{n:03d}")
        for n in range(extra_staff)
    ]
    c.task_a = hr_services.standard_task_create(
        job_position=position,
        name="Thẩm định hồ sơ A",
        unit_of_measure="hồ sơ",
        coefficient=D(2),
        default_planned=D(10),
    )
    c.task_b = hr_services.standard_task_create(
        job_position=position,
        name="Báo cáo B",
        unit_of_measure="báo cáo",
        coefficient=D(1),
        default_planned=D(10),
    )
    today = timezone.localdate()
    c.period = PeriodFactory(
        organisation=c.org,
        number=month,
        rule_set_code=rule_set_code,
        by=c.to_chuc.user,
        self_assessment_due=today + timedelta(days=3),
        scoring_due=today + timedelta(days=5),
        unit_submission_due=today + timedelta(days=7),
        sign_off_due=today + timedelta(days=10),
    )
    return c


def ev(c, name: str) -> Evaluation:
    """The current evaluation of cast member `name` in the cycle's period."""
    return Evaluation.objects.get(period=c.period, employee=getattr(c, name), is_current=True)


def advance(c, *states) -> None:
    for state in states:
        c.period = services.period_advance(period=c.period, to=state, by=c.to_chuc.user)


def to_scoring(c) -> None:
    advance(c, PeriodState.SELF_ASSESSMENT, PeriodState.SCORING)


def items(evaluation) -> dict[str, object]:
    return {item.name: item for item in evaluation.work_items.order_by("id")}


def violation(c, employee, *, points, criterion_code=None, cap_level=None, on=date(2026, 10, 8)):
    """A recorded ledger entry against `employee` (written directly: a fixture, not a test)."""
    item = ViolationCatalogueItem.objects.filter(criterion_code=criterion_code).first()
    if item is None:
        item = ViolationCatalogueItem.objects.create(
            code=f"test_{criterion_code or 'total'}",
            description="Vi phạm thử nghiệm",
            legal_basis="Quy chế thử nghiệm",
            default_points=points,
            criterion_code=criterion_code,
            effective_from=date(2026, 1, 1),
        )
    unit = Evaluation.objects.get(period=c.period, employee=employee, is_current=True).unit
    return Violation.objects.create(
        organisation=c.org,
        unit=unit,
        employee=employee,
        item=item,
        occurred_on=on,
        points=points,
        criterion_code=criterion_code,
        cap_level=cap_level,
        legal_basis=item.legal_basis,
        source=ViolationSource.CONDUCT,
        contest_deadline=on,
    )


def score(c, name: str, by: str, *, final=None, **kwargs) -> Evaluation:
    evaluation = ev(c, name)
    return services.evaluation_score(
        evaluation=evaluation,
        revision=evaluation.revision,
        final=FULL if final is None else final,
        by=getattr(c, by).user,
        **kwargs,
    )


@shared_cast("cycle")
def cycle_fixture():
    """`build_cycle()`, built once per module; each test gets its own copy."""
    return build_cycle()
