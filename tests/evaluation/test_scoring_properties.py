"""Properties of the scoring engine over generated agencies (hypothesis, derandomized).

Each property states a rule of `shared/spec/scoring-rules.md` that must hold for every
input: totals within 0-100, a breakdown that adds up, monotonicity in done work and in
violations, quotas never exceeded and never failing anyone, results independent of input
order, and not-rated people invisible to every mean and quota base.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date
from decimal import ROUND_FLOOR, Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluation.rules import LEVEL_RANK, RuleSet
from evaluation.scoring import (
    Bonus,
    Discipline,
    Dossiers,
    PersonMonth,
    PersonYear,
    Unit,
    UnitCap,
    Violation,
    WorkItem,
    round2,
    score_month,
    score_year,
)

from .engine_builders import HN3814, ND335, month_result

PROPERTY = settings(
    derandomize=True,
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
HEAVY = settings(PROPERTY, max_examples=30)

RULE_SETS = st.sampled_from([ND335, HN3814])
HUNDRED = Decimal(100)


def decimals(low: str, high: str):
    return st.decimals(
        min_value=Decimal(low),
        max_value=Decimal(high),
        places=2,
        allow_nan=False,
        allow_infinity=False,
    )


FEW = st.sampled_from([0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 5])
"""Error and delay counts: mostly none, sometimes one, two, or enough to floor at 0."""


ITEM_COUNTS = st.integers(0, 9).map(lambda i: (1, 1, 2, 1, 3, 2, 0, 1, 2, 3)[i])
"""How many work items a month has: mostly one to three, sometimes none."""


@st.composite
def work_items(draw):
    planned = draw(decimals("0.01", "20"))
    late = draw(FEW)
    return WorkItem(
        planned=planned,
        # mostly all done, sometimes any amount (less, or more than planned)
        done=planned if draw(st.integers(0, 3)) else draw(decimals("0", "25")),
        coefficient=draw(decimals("0.1", "3")),
        major_errors=draw(FEW),
        late=late,
        late_excused=draw(st.integers(0, late)),
    )


def violations(rules: RuleSet):
    return st.builds(
        Violation,
        points=decimals("0", "8"),
        criterion=st.one_of(st.none(), st.integers(0, len(rules.general_criteria) - 1)),
        cap=st.sampled_from([None, None, None, "good", "complete", "fail"]),
        ref=st.sampled_from(["", "BB-01", "BB-02"]),
    )


@st.composite
def person_months(draw, rules: RuleSet, code: str, unit: str, leader: bool, absent: bool):
    # mostly the criterion's maximum, sometimes anything from 0 to it
    general = tuple(
        c.max_points if draw(st.integers(0, 3)) else draw(decimals("0", str(c.max_points)))
        for c in rules.general_criteria
    )
    bonus = ()
    if rules.bonus_cap is not None:
        count = draw(st.integers(0, 3).map(lambda i: (1, 2, 0, 1)[i]))
        bonus = tuple(Bonus(draw(decimals("1", "8"))) for _ in range(count))
    return PersonMonth(
        employee=code,
        unit=unit,
        month=1,
        leader=leader,
        absent=absent,
        general=general,
        items=tuple(draw(work_items()) for _ in range(draw(ITEM_COUNTS))),
        violations=tuple(
            draw(violations(rules)) for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2])))
        ),
        bonus=bonus,
        dd=draw(st.sampled_from([HUNDRED, Decimal(50)])) if leader else HUNDRED,
        e=draw(st.sampled_from([HUNDRED, Decimal(50)])) if leader else HUNDRED,
    )


@st.composite
def agencies(draw, rules: RuleSet, absent_one_in: int = 10):
    """A small unit tree (parents always earlier, so no cycle) with people in each unit."""
    count = draw(st.integers(1, 4))
    units: list[Unit] = []
    people: list[PersonMonth] = []
    dossiers: dict[str, Dossiers] = {}
    for index in range(count):
        code = f"U{index}"
        parent = None if index == 0 else draw(st.sampled_from([None, *(u.code for u in units)]))
        size = draw(st.integers(0, 6).map(lambda i: (4, 6, 5, 3, 2, 1, 0)[i]))
        has_head = size > 0 and draw(st.booleans())
        for number in range(size):
            head = has_head and number == 0
            leader = head or draw(st.integers(0, 4)) == 0
            absent = absent_one_in > 0 and draw(st.sampled_from(range(absent_one_in))) == 1
            people.append(draw(person_months(rules, f"E{index}{number}", code, leader, absent)))
        caps = tuple(
            UnitCap(level)
            for level in draw(st.lists(st.sampled_from(["good", "complete", "fail"]), max_size=1))
        )
        units.append(
            Unit(
                code,
                parent=parent,
                head=f"E{index}0" if has_head else None,
                outstanding=draw(st.booleans()),
                caps=caps,
            )
        )
        if draw(st.booleans()):
            dossiers[code] = Dossiers(draw(st.integers(0, 50)), draw(st.integers(0, 10)))
    return units, people, dossiers


def score(rules, agency):
    units, people, dossiers = agency
    return score_month(rules, units, people, month=1, dossiers=dossiers)


def clamp(value: Decimal) -> Decimal:
    return min(max(value, Decimal(0)), HUNDRED)


# --------------------------------------------------------------- totals and breakdown


@PROPERTY
@given(st.data())
def test_tong_trong_0_100_va_bang_chi_tiet_cong_dung(data):
    rules = data.draw(RULE_SETS)
    outcome = score(rules, data.draw(agencies(rules)))
    for result in outcome.people.values():
        if not result.rated:
            assert result.total is None and result.level is None
            continue
        assert Decimal(0) <= result.total <= HUNDRED
        # counted work never exceeds what was assigned; quality and progress only lose
        assert Decimal(0) <= result.quantity_pct <= HUNDRED
        assert Decimal(0) <= result.quality_pct <= result.quantity_pct
        assert Decimal(0) <= result.progress_pct <= result.quantity_pct
        assert Decimal(0) <= result.task_pct <= HUNDRED
        assert Decimal(0) <= result.bonus <= (rules.bonus_cap or Decimal(0))
        assert result.deductions >= Decimal(0)
        for value in (
            result.general,
            result.quantity_pct,
            result.quality_pct,
            result.progress_pct,
            result.task_pct,
            result.task_points,
            result.bonus,
            result.deductions,
            result.total,
        ):
            assert value == round2(value)  # every displayed component has 2 dp
        assert result.general == round2(sum(result.criteria, Decimal(0)))
        parts = [
            (rules.weight_quantity, result.quantity_pct),
            (rules.weight_quality, result.quality_pct),
            (rules.weight_progress, result.progress_pct),
        ]
        if result.leader_d is not None:
            parts += [
                (rules.weight_leader_d, result.leader_d),
                (rules.weight_leader_dd, result.leader_dd),
                (rules.weight_leader_e, result.leader_e),
            ]
        weighted = sum((w * v for w, v in parts), Decimal(0))
        weights = sum((w for w, _ in parts), Decimal(0))
        assert result.task_pct == round2(weighted / weights)
        assert result.task_points == round2(result.task_pct * rules.task_max / HUNDRED)
        assert result.total == clamp(
            result.general + result.task_points + result.bonus - result.deductions
        )


# ------------------------------------------------------------------------ monotonic


@PROPERTY
@given(st.data())
def test_lam_them_viec_khong_bao_gio_giam_tong(data):
    """More done work on one item never lowers anyone's total (d only improves too)."""
    rules = data.draw(RULE_SETS)
    units, people, dossiers = data.draw(agencies(rules, absent_one_in=0))
    workers = [i for i, p in enumerate(people) if p.items]
    if not workers:
        return
    who = data.draw(st.sampled_from(workers))
    which = data.draw(st.integers(0, len(people[who].items) - 1))
    more = data.draw(decimals("0.01", "10"))
    items = list(people[who].items)
    items[which] = replace(items[which], done=items[which].done + more)
    changed = list(people)
    changed[who] = replace(people[who], items=tuple(items))
    before = score(rules, (units, people, dossiers))
    after = score(rules, (units, changed, dossiers))
    for code, result in before.people.items():
        assert after.people[code].total >= result.total


@PROPERTY
@given(st.data())
def test_them_vi_pham_khong_bao_gio_tang_tong_hay_xep_loai(data):
    """One more violation never raises a total, nor the violator's level (nor, without a
    monthly quota, anyone's level)."""
    rules = data.draw(RULE_SETS)
    units, people, dossiers = data.draw(agencies(rules, absent_one_in=0))
    if not people:
        return
    who = data.draw(st.integers(0, len(people) - 1))
    extra = data.draw(violations(rules))
    changed = list(people)
    changed[who] = replace(people[who], violations=(*people[who].violations, extra))
    before = score(rules, (units, people, dossiers))
    after = score(rules, (units, changed, dossiers))
    violator = people[who].employee
    for code, result in before.people.items():
        assert after.people[code].total <= result.total
        if code == violator or rules.monthly_quota_rate is None:
            assert LEVEL_RANK[after.people[code].level] >= LEVEL_RANK[result.level]


# --------------------------------------------------------------------------- quotas


def floor_of(rate: Decimal, base: int) -> int:
    return int((rate * base).to_integral_value(ROUND_FLOOR))


@PROPERTY
@given(st.data())
def test_chi_tieu_thang_khong_vuot_va_khong_lam_ai_khong_hoan_thanh(data):
    units, people, dossiers = data.draw(agencies(HN3814))
    outcome = score(HN3814, (units, people, dossiers))
    without = score(replace(HN3814, monthly_quota_rate=None), (units, people, dossiers))
    for unit in units:
        rated = [r for r in outcome.people.values() if r.rated and r.unit == unit.code]
        rate = (
            HN3814.monthly_quota_outstanding_rate if unit.outstanding else HN3814.monthly_quota_rate
        )
        assert sum(1 for r in rated if r.level == "top") <= floor_of(rate, len(rated))
    for code, result in outcome.people.items():
        free = without.people[code]
        assert result.total == free.total
        if result.level != free.level:
            # only ever top → good, with its reason
            assert (free.level, result.level) == ("top", "good")
            assert result.reasons[-1].code == "quota_downgrade"
        assert (result.level == "fail") == (free.level == "fail")


@st.composite
def agency_years(draw, rules: RuleSet, not_rated_one_in: int = 6):
    count = draw(st.integers(1, 3))
    units = []
    for index in range(count):
        parent = None if index == 0 else draw(st.sampled_from([None, *(u.code for u in units)]))
        units.append(Unit(f"U{index}", parent=parent))
    people = []
    for number in range(draw(st.integers(1, 14))):
        code = f"E{number:02}"
        unit = draw(st.sampled_from([u.code for u in units]))
        if not_rated_one_in > 0 and draw(st.sampled_from(range(not_rated_one_in))) == 1:
            rated_months = draw(st.integers(0, 5))
        else:
            rated_months = draw(st.integers(6, 12))
        # a person has a usual level, each month a little above or below it
        usual = draw(st.sampled_from(["97", "94", "91", "88", "80", "72", "60", "45"]))
        months = []
        for month in range(1, 13):
            if month <= rated_months:
                total = min(HUNDRED, max(Decimal(0), Decimal(usual) + draw(decimals("-4", "4"))))
                level = "top" if total >= 90 else "good" if total >= 70 else "complete"
                if total < 50:
                    level = "fail"
                if level == "top" and draw(st.integers(0, 3)) == 0:
                    level = "good"  # moved by a monthly quota
                months.append(month_result(code, month, str(total), level, unit=unit))
            elif draw(st.integers(0, 7)) == 0:
                months.append(month_result(code, month, None, unit=unit))
        disciplines = ()
        if draw(st.integers(0, 5)) == 0:
            disciplines = (
                Discipline(
                    draw(st.sampled_from(ND335.discipline_forms)),
                    draw(st.dates(min_value=date(2025, 6, 1), max_value=date(2027, 2, 1))),
                ),
            )
        people.append(
            PersonYear(
                employee=code,
                unit=unit,
                leader=draw(st.booleans()),
                quota_group=draw(st.sampled_from([None, None, "ke_toan", "thanh_tra"])),
                months=tuple(months),
                disciplines=disciplines,
                initiative=draw(st.booleans()),
                degradation_concluded=draw(st.integers(0, 19)) == 0,
                corruption_in_unit=draw(st.integers(0, 9)) == 0,
            )
        )
    heads = {}
    for unit in units:
        members = [p.employee for p in people if p.unit == unit.code]
        if members and draw(st.booleans()):
            heads[unit.code] = members[0]
    units = [replace(u, head=heads.get(u.code)) for u in units]
    dossiers = {
        u.code: Dossiers(draw(st.integers(0, 500)), draw(st.integers(0, 80)))
        for u in units
        if draw(st.booleans())
    }
    return units, people, dossiers


@PROPERTY
@given(st.data())
def test_chi_tieu_nam_khong_vuot_trong_moi_nhom(data):
    rules = data.draw(RULE_SETS)
    units, people, dossiers = data.draw(agency_years(rules))
    outcome = score_year(rules, units, people, year=2026, dossiers=dossiers)
    groups: dict[str | None, list] = {}
    for p in people:
        groups.setdefault(p.quota_group, []).append(outcome.people[p.employee])
    for members in groups.values():
        base = sum(1 for r in members if r.level in ("top", "good"))
        assert sum(1 for r in members if r.level == "top") <= floor_of(
            rules.annual_quota_rate, base
        )
    for result in outcome.people.values():
        assert result.rated == (result.level is not None)
        if "quota_downgrade" in [r.code for r in result.reasons]:
            assert (result.score_level, result.level) == ("top", "good")


# ------------------------------------------------------------------ input order


@HEAVY
@given(st.data())
def test_ket_qua_thang_khong_phu_thuoc_thu_tu_dau_vao(data):
    rules = data.draw(RULE_SETS)
    units, people, dossiers = data.draw(agencies(rules))
    shuffle = random.Random(data.draw(st.integers(0, 2**32)))
    units2, people2 = list(units), list(people)
    shuffle.shuffle(units2)
    shuffle.shuffle(people2)
    first = score(rules, (units, people, dossiers))
    second = score(rules, (units2, people2, dossiers))
    assert first.people == second.people
    assert first.units == second.units


@HEAVY
@given(st.data())
def test_ket_qua_nam_khong_phu_thuoc_thu_tu_dau_vao(data):
    rules = data.draw(RULE_SETS)
    units, people, dossiers = data.draw(agency_years(rules))
    shuffle = random.Random(data.draw(st.integers(0, 2**32)))
    units2, people2 = list(units), list(people)
    shuffle.shuffle(units2)
    shuffle.shuffle(people2)
    first = score_year(rules, units, people, year=2026, dossiers=dossiers)
    second = score_year(rules, units2, people2, year=2026, dossiers=dossiers)
    assert first.people == second.people
    assert first.units == second.units


# -------------------------------------------------------------------- not rated


@HEAVY
@given(st.data())
def test_nguoi_vang_khong_anh_huong_don_vi_hay_chi_tieu(data):
    """Adding people absent for the month changes no unit result and nobody else's."""
    rules = data.draw(RULE_SETS)
    units, people, dossiers = data.draw(agencies(rules))
    absent = [
        PersonMonth(
            employee=f"V{n}", unit=data.draw(st.sampled_from(units)).code, month=1, absent=True
        )
        for n in range(data.draw(st.integers(1, 4)))
    ]
    before = score(rules, (units, people, dossiers))
    after = score(rules, (units, people + absent, dossiers))
    assert after.units == before.units
    for code, result in before.people.items():
        assert after.people[code] == result
    assert all(not after.people[p.employee].rated for p in absent)


@HEAVY
@given(st.data())
def test_nguoi_khong_xep_loai_nam_khong_anh_huong_don_vi(data):
    """People not rated for the year change no unit result and no one's annual result."""
    rules = data.draw(RULE_SETS)
    units, people, dossiers = data.draw(agency_years(rules, not_rated_one_in=0))
    extra = [
        PersonYear(
            employee=f"V{n}",
            unit=data.draw(st.sampled_from(units)).code,
            months=tuple(month_result(f"V{n}", m, "95") for m in range(1, 4)),
            initiative=True,
        )
        for n in range(data.draw(st.integers(1, 3)))
    ]
    before = score_year(rules, units, people, year=2026, dossiers=dossiers)
    after = score_year(rules, units, people + extra, year=2026, dossiers=dossiers)
    assert after.units == before.units
    for code, result in before.people.items():
        assert after.people[code] == result
    assert all(not after.people[p.employee].rated for p in extra)
