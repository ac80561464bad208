"""Property: for any stored months and annual inputs of a small agency, the stored annual
results are exactly what `scoring.score_year` rates from the same inputs.

Hypothesis draws each person's unit (the last month's decides), month totals and
absences (ties made likely by a small set of totals), a quota group, maternity months,
an initiative, a degradation conclusion, a discipline decision, and corruption cases
per unit; the expected outcome is the engine called on inputs built here from the draw,
not from the roll-up's own reading.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from discipline.models import DisciplineDecision, DisciplineForm
from evaluation import scoring
from evaluation.annual import services
from evaluation.annual.models import AnnualResult, UnitAnnualResult
from evaluation.models import Evaluation
from evaluation.rulesets import rule_set_from_snapshot
from hrsystem.models import QuotaGroup
from tests.annual.builders import build_year
from tests.shared import shared_cast

pytestmark = pytest.mark.django_db

MONTHS = 7
TOTALS = ("45", "69.99", "70", "85", "89.99", "90", "90.01", "95.5", "100")
DOC = {"document_number": "1/QĐ", "document_date": date(2026, 12, 1), "issuer": "UBND xã"}
STAFF = ("a1", "a2", "a3", "a4", "a5", "b1", "b2", "b3", "b4", "to_chuc", "hoi_dong")


@shared_cast("small_year")
def small_year():
    c = build_year(months=MONTHS)
    DisciplineForm.objects.get_or_create(
        code="khien_trach", defaults={"name": "Khiển trách", "severity": 1}
    )
    c.group2 = QuotaGroup.objects.create(organisation=c.org, name="Văn thư")
    return c


month_entry = st.one_of(st.none(), st.sampled_from(TOTALS))
person = st.fixed_dictionaries(
    {
        "months": st.lists(month_entry, min_size=MONTHS, max_size=MONTHS),
        "move_to_b": st.booleans(),
        "group": st.sampled_from([None, "Kế toán", "Văn thư"]),
        "maternity": st.lists(st.integers(1, 12), max_size=3, unique=True),
        "initiative": st.booleans(),
        "degradation": st.integers(0, 9).map(lambda n: n == 0),
        "discipline": st.integers(0, 6).map(lambda n: n == 0),
    }
)
heads = st.fixed_dictionaries(
    {"months": st.lists(st.sampled_from(TOTALS), min_size=MONTHS, max_size=MONTHS)}
)


@settings(max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    staff=st.fixed_dictionaries({name: person for name in STAFF}),
    head_a=heads,
    head_b=heads,
    corruption=st.sets(st.sampled_from(["PA", "PB"])),
)
def test_stored_year_equals_the_engine(small_year, staff, head_a, head_b, corruption):
    c = small_year
    with transaction.atomic():
        expected = _store_draw(c, staff, {"truong_a": head_a, "truong_b": head_b}, corruption)
        services.rollup_year(c.org, c.year, c.hr)
        stored = {
            row.employee.code: row
            for row in AnnualResult.objects.filter(organisation=c.org).select_related("employee")
        }
        assert set(stored) == set(expected.people)
        for code, want in expected.people.items():
            got = stored[code]
            assert got.rated == want.rated, code
            assert got.score == want.score, code
            assert (got.level or None) == want.level, code
            assert (got.title or None) == want.title, code
            assert got.months_worked == want.months_worked, code
            assert got.months_at_top == want.months_at_top, code
            assert [r["code"] for r in got.reasons] == [r.code for r in want.reasons], code
        units = {
            row.unit.code: row
            for row in UnitAnnualResult.objects.filter(organisation=c.org).select_related("unit")
        }
        for code, want in expected.units.items():
            got = units[code]
            assert (got.score, got.level or None) == (want.score, want.level), code
            assert (got.rank, got.title or None) == (want.rank, want.title), code
        transaction.set_rollback(True)


def _store_draw(c, staff, leaders, corruption) -> scoring.YearOutcome:
    rules = rule_set_from_snapshot(c.periods[-1].rule_set_snapshot)
    groups = {g.name: g for g in QuotaGroup.objects.filter(organisation=c.org)}
    units = {"PA": c.pa, "PB": c.pb}
    people = []
    for name, draw in {**staff, **leaders}.items():
        employee = c.people[name]
        if name == "to_chuc":  # the HR officer records nothing on their own record
            draw = {**draw, "maternity": [], "initiative": False, "degradation": False}
        is_head = name in leaders
        unit = (
            ("PA" if name == "truong_a" else "PB")
            if is_head
            else ("PB" if draw.get("move_to_b") else employee.code[0] == "B" and "PB" or "PA")
        )
        if name in ("to_chuc",) and not draw.get("move_to_b"):
            unit = "PA"
        if name in ("hoi_dong",) and not draw.get("move_to_b"):
            unit = "PB"
        months = []
        for period, total in zip(c.periods, draw["months"], strict=True):
            rows = Evaluation.objects.filter(period=period, employee=employee, is_current=True)
            # only the last month's unit decides the year's unit; earlier ones stay
            values = {"unit_id": units[unit].pk} if period is c.periods[-1] else {}
            if total is None:
                rows.update(absent=True, total=None, level="", score_level="", **values)
                months.append(
                    scoring.MonthResult(employee.code, unit, period.number, False, absent=True)
                )
            else:
                value = Decimal(total)
                level = scoring.level_for(rules, value)
                rows.update(absent=False, total=value, level=level, score_level=level, **values)
                months.append(
                    scoring.MonthResult(
                        employee.code, unit, period.number, True, total=value, level=level
                    )
                )
        group = draw.get("group")
        employee.quota_group = groups[group] if group else None
        employee.save(update_fields=["quota_group"])
        maternity = draw.get("maternity", [])
        if maternity:
            services.maternity_record(
                organisation=c.org,
                employee=employee,
                year=c.year,
                months=maternity,
                by=c.hr,
                reason="r",
                **DOC,
            )
        if draw.get("initiative"):
            services.initiative_record(
                organisation=c.org,
                employee=employee,
                year=c.year,
                title="Sáng kiến",
                by=c.hr,
                reason="r",
                **DOC,
            )
        if draw.get("degradation"):
            services.degradation_record(
                organisation=c.org, employee=employee, year=c.year, by=c.hr, reason="r", **DOC
            )
        disciplines = ()
        if draw.get("discipline"):
            DisciplineDecision.objects.create(
                organisation=c.org,
                unit=units[unit],
                employee=employee,
                number=f"{employee.code}/KL",
                decided_on=date(2026, 4, 2),
                signer_name="Chủ tịch",
                signer_title="Chủ tịch",
                legal_basis="Luật",
                form=DisciplineForm.objects.get(code="khien_trach"),
                effect_from=date(2026, 4, 2),
            )
            disciplines = (scoring.Discipline("khien_trach", date(2026, 4, 2)),)
        people.append(
            scoring.PersonYear(
                employee=employee.code,
                unit=unit,
                leader=is_head,
                quota_group=group,
                months=tuple(months),
                maternity_months=frozenset(maternity),
                disciplines=disciplines,
                initiative=bool(draw.get("initiative")),
                degradation_concluded=bool(draw.get("degradation")),
                corruption_in_unit=unit in corruption,
            )
        )
    for code in corruption:
        services.corruption_case_record(
            organisation=c.org,
            unit=units[code],
            year=c.year,
            summary="Vụ việc",
            by=c.hr,
            reason="r",
            **DOC,
        )
    tree = [
        scoring.Unit("UBND"),
        scoring.Unit("PA", "UBND", "TRUONG_A"),
        scoring.Unit("PB", "UBND", "TRUONG_B"),
    ]
    return scoring.score_year(rules, tree, people, year=c.year, on_time_floor=c.org.on_time_floor)
