"""One test per rule of `shared/spec/scoring-rules.md` and per reason code.

Every expected number is a literal worked out by hand (the arithmetic is in the comment
next to it); nothing is computed by calling the engine a second time. The engine is pure:
no database, no `db` fixture. People are named as in a Vietnamese agency; their
employee codes (NV01, TP01 ...) are what the engine sees.
"""

from __future__ import annotations

import gc
from decimal import Decimal

import pytest

from evaluation.scoring import (
    Dossiers,
    ScoringInputError,
    Unit,
    UnitCap,
    Violation,
    WorkItem,
    score_month,
    score_year,
)

from .engine_builders import (
    HN3814,
    ND335,
    D,
    codes,
    general_summing,
    item,
    person,
    with_rules,
    year_of,
)

# nd335 without the annual quota, for annual tests that are not about the quota (with one
# person in a group, 20% of 1 rounds down to 0 and would move every Xuất sắc to Tốt).
ND335_NO_QUOTA = with_rules(ND335, annual_quota_rate=None)
# hn3814 without its monthly quota, for month tests that are not about it (alone in a unit,
# floor(30 % × 1) = 0 would move an A to B).
HN3814_NO_QUOTA = with_rules(HN3814, monthly_quota_rate=None)


def one(rules, p, unit: Unit | None = None):
    """Score a single person alone in a unit without a head; return their result."""
    outcome = score_month(rules, [unit or Unit(p.unit)], [p], month=p.month)
    return outcome.people[p.employee]


def month(rules, units, people, **kwargs):
    return score_month(rules, units, people, month=1, **kwargs)


def year(rules, units, people, **kwargs):
    return score_year(rules, units, people, year=2026, **kwargs)


# ------------------------------------------------------------------------ rule sets


def test_bo_quy_tac_tu_dung_hop_le():
    """The Python-built nd335 and hn3814 are consistent rule sets with their own labels."""
    ND335.validate()
    HN3814.validate()
    assert ND335.label("top") == "Xuất sắc"
    assert ND335.label("fail") == "Không hoàn thành"
    assert HN3814.label("good") == "B"
    # nd335: 5 + 5 + 8 × 2.5 = 30; hn3814: 4 × 5 = 20
    assert sum(c.max_points for c in ND335.general_criteria) == Decimal("30")
    assert sum(c.max_points for c in HN3814.general_criteria) == Decimal("20")


def test_bo_quy_tac_tu_dung_trung_ban_phat_hanh():
    """The builders equal the rule sets shipped in fixtures/reference/rulesets.json."""
    rulesets = pytest.importorskip("evaluation.rulesets")
    assert rulesets.shipped_rule_set("nd335") == ND335
    assert rulesets.shipped_rule_set("hn3814") == HN3814


# -------------------------------------------------------------------- worked example


def test_vi_du_mau_nd335_chuyen_vien_tot():
    """The worked example of the spec: chuyên viên Nguyễn Văn An, 89.72 → Tốt."""
    an = person(
        ND335,
        "NV01",
        general=tuple(
            D(x) for x in ("5", "5", "2.5", "2.5", "2.5", "2", "2.5", "2.5", "2.5", "2.5")
        ),
        items=(item(10, 10, 2), item(10, 8, 1, errors=1, late=1)),
        violations=(Violation(D("2"), criterion=1),),
    )
    result = one(ND335, an)
    assert result.criteria[1] == Decimal("3")  # 5 − 2
    assert result.general == Decimal("27.50")  # 29.5 − 2
    assert result.quantity_pct == Decimal("93.33")  # (2·10 + 1·8) / 30 = 93.333
    assert result.quality_pct == Decimal("86.67")  # (20 + 8 × 0.75) / 30 = 86.667
    assert result.progress_pct == Decimal("86.67")  # (20 + 8 × 0.75) / 30 = 86.667
    assert result.task_pct == Decimal("88.89")  # (93.33 + 86.67 + 86.67) / 3 = 88.89
    assert result.task_points == Decimal("62.22")  # 88.89 × 70 / 100 = 62.223
    assert result.bonus == Decimal("0")
    assert result.deductions == Decimal("0")
    assert result.total == Decimal("89.72")  # 27.50 + 62.22
    assert result.level == "good"
    assert ND335.label(result.level) == "Tốt"
    assert result.reasons == []


# --------------------------------------------------------------------- general block


def test_vi_pham_tru_vao_dung_tieu_chi_va_san_0_moi_tieu_chi():
    """Trần Thị Bình: violations come off their criterion, each criterion floored at 0."""
    binh = person(
        ND335,
        "NV02",
        violations=(
            Violation(D("1.5"), criterion=0),  # 5 − 1.5 = 3.5
            Violation(D("3"), criterion=1),  # 5 − 3 − 3 = −1 → 0
            Violation(D("3"), criterion=1),
            Violation(D("4"), criterion=2),  # 2.5 − 4 = −1.5 → 0
        ),
    )
    result = one(ND335, binh)
    assert result.criteria[:4] == (Decimal("3.5"), Decimal("0"), Decimal("0"), Decimal("2.5"))
    # 3.5 + 0 + 0 + 7 × 2.5 = 21 (without the floor: 3.5 − 1 − 1.5 + 17.5 = 18.5)
    assert result.general == Decimal("21.00")
    assert result.deductions == Decimal("0.00")  # tied to criteria: nothing off the total
    assert result.total == Decimal("91.00")  # 21 + 70
    assert result.level == "top"


@pytest.mark.parametrize(
    ("index", "value"),
    [(2, "2.51"), (0, "-0.01"), (9, "3"), (1, "5.001")],
)
def test_diem_tieu_chi_ngoai_khoang_bi_tu_choi_khong_cat_bot(index, value):
    """A criterion score above its maximum or below 0 is an error, never clamped."""
    scores = list(general_summing(ND335, "30"))
    scores[index] = D(value)
    with pytest.raises(ScoringInputError) as error:
        one(ND335, person(ND335, "NV03", general=tuple(scores)))
    assert error.value.path == f"general[{index}]"


def test_so_tieu_chi_chung_sai_bi_tu_choi():
    """nd335 has ten general criteria; nine scores are rejected."""
    nine = general_summing(ND335, "27.5")[:9]
    with pytest.raises(ScoringInputError) as error:
        one(ND335, person(ND335, "NV03", general=nine))
    assert error.value.path == "general"


# ------------------------------------------------------------------------ task block


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(WorkItem(D(0), D(0)), id="planned-0"),
        pytest.param(WorkItem(D(-1), D(0)), id="planned-negative"),
        pytest.param(WorkItem(D(5), D(-1)), id="done-negative"),
        pytest.param(WorkItem(D(5), D(5), D(0)), id="coefficient-0"),
        pytest.param(WorkItem(D(4), D(4), major_errors=-1), id="errors-negative"),
        pytest.param(WorkItem(D(4), D(4), late=-1), id="late-negative"),
        pytest.param(
            WorkItem(D(4), D(4), late=1, late_excused=2),
            id="excused-above-late",
        ),
        pytest.param(WorkItem(D(4), D(4), major_errors=D("1.5")), id="errors-fractional"),
    ],
)
def test_cong_viec_trai_quy_tac_bi_tu_choi(bad):
    """Input the rules forbid is an error naming the item, as for general scores.

    Scored silently, major_errors = −1 would give quality (4 × 1.25 + 4) / 8 = 112.50 %.
    """
    with pytest.raises(ScoringInputError) as error:
        one(ND335, person(ND335, "NV30", items=(bad, item(4, 4))))
    assert error.value.path == "items[0]"


def test_he_so_quy_doi_cong_viec():
    """Lê Văn Cường: a coefficient-3 report weighs three times a coefficient-1 one."""
    cuong = person(ND335, "NV04", items=(item(2, 2, 3), item(4, 1, 1)))
    result = one(ND335, cuong)
    # A = 3·2 + 1·4 = 10; counted = 3·2 + 1·1 = 7 → 70 % (unweighted it would be 3/6 = 50 %)
    assert (result.quantity_pct, result.quality_pct, result.progress_pct) == (
        Decimal("70.00"),
        Decimal("70.00"),
        Decimal("70.00"),
    )
    assert result.task_pct == Decimal("70.00")
    assert result.task_points == Decimal("49.00")  # 70 × 0.7
    assert result.total == Decimal("79.00")  # 30 + 49


def test_lam_vuot_ke_hoach_chi_tinh_bang_ke_hoach():
    """Phạm Thị Dung did 15 of 10 on one item: counted as 10, not 15."""
    dung = person(ND335, "NV05", items=(item(10, 15), item(10, 5)))
    result = one(ND335, dung)
    # counted = min(15, 10) + 5 = 15 of 20 → 75 % (uncapped: 20/20 = 100 %)
    assert result.quantity_pct == Decimal("75.00")
    assert result.quality_pct == Decimal("75.00")
    assert result.progress_pct == Decimal("75.00")
    assert result.task_points == Decimal("52.50")  # 75 × 0.7


def test_khoi_luong_thap_phan():
    """Hoàng Văn Em: a report 80 % done is 0.8 of 1; 1.25 of 2 is allowed too."""
    em = person(ND335, "NV06", items=(item(1, "0.8"), item(2, "1.25")))
    result = one(ND335, em)
    # (0.8 + 1.25) / 3 = 68.333 → 68.33
    assert result.quantity_pct == Decimal("68.33")
    assert result.task_pct == Decimal("68.33")
    assert result.task_points == Decimal("47.83")  # 68.33 × 0.7 = 47.831
    assert result.total == Decimal("77.83")  # 30 + 47.83


@pytest.mark.parametrize(
    ("errors", "quality"),
    [
        (0, "100.00"),  # (4 + 4) / 8
        (1, "87.50"),  # (4 × 0.75 + 4) / 8
        (2, "75.00"),  # (4 × 0.50 + 4) / 8
        (3, "62.50"),  # (4 × 0.25 + 4) / 8
        (4, "50.00"),  # (4 × 0 + 4) / 8
        (5, "50.00"),  # 1 − 1.25 < 0 → floored at 0, not (−1 + 4) / 8 = 37.5
    ],
)
def test_moi_lan_danh_gia_chua_dat_tru_25_phan_tram_chat_luong(errors, quality):
    """Each failed quality review takes 25 % of that item's quality, floored at 0."""
    p = person(ND335, "NV07", items=(item(4, 4, errors=errors), item(4, 4)))
    result = one(ND335, p)
    assert result.quality_pct == Decimal(quality)
    assert result.quantity_pct == Decimal("100.00")
    assert result.progress_pct == Decimal("100.00")


@pytest.mark.parametrize(
    ("late", "progress"),
    [
        (0, "100.00"),
        (1, "87.50"),  # (4 × 0.75 + 4) / 8
        (2, "75.00"),
        (3, "62.50"),
        (4, "50.00"),
        (6, "50.00"),  # 1 − 1.5 < 0 → 0
    ],
)
def test_moi_ngay_tre_khong_ly_do_tru_25_phan_tram_tien_do(late, progress):
    """Each unexcused day late takes 25 % of that item's progress, floored at 0."""
    p = person(ND335, "NV08", items=(item(4, 4, late=late), item(4, 4)))
    result = one(ND335, p)
    assert result.progress_pct == Decimal(progress)
    assert result.quality_pct == Decimal("100.00")


@pytest.mark.parametrize(
    ("late", "excused", "progress"),
    [
        (3, 0, "25.00"),  # 1 − 0.75
        (3, 2, "75.00"),  # one unexcused day: 1 − 0.25
        (3, 3, "100.00"),  # all excused by the head
    ],
)
def test_tre_co_ly_do_khong_bi_tru(late, excused, progress):
    """Delays with an objective cause certified by the head are not counted."""
    p = person(ND335, "NV09", items=(item(2, 2, late=late, excused=excused),))
    assert one(ND335, p).progress_pct == Decimal(progress)


def test_viec_chua_lam_khong_co_chat_luong_va_tien_do():
    """Work not done earns neither quality nor progress (no error, not late, still 0)."""
    half = one(ND335, person(ND335, "NV10", items=(item(10, 0), item(10, 10))))
    # only the 10 done count: 10 / 20 for all three (not quality = progress = 100 %)
    assert (half.quantity_pct, half.quality_pct, half.progress_pct) == (
        Decimal("50.00"),
        Decimal("50.00"),
        Decimal("50.00"),
    )
    nothing = one(ND335, person(ND335, "NV11", items=(item(5, 0),)))
    assert (nothing.quantity_pct, nothing.quality_pct, nothing.progress_pct) == (
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("0.00"),
    )
    assert nothing.task_points == Decimal("0.00")
    assert nothing.reasons == []  # it had an item: not `no_work_items`


@pytest.mark.parametrize(
    ("planned", "done", "expected"),
    [
        # 1/3 = 33.33, 33.33, 1 × 0.5 / 3 = 16.67; (33.33 + 33.33 + 16.67) / 3 = 27.776 → 27.78;
        # 27.78 × 0.7 = 19.446 → 19.45 (from the unrounded 27.777…: 19.444 → 19.44)
        (3, 1, ("33.33", "16.67", "27.78", "19.45", "49.45")),
        # 5/7 = 71.43, 71.43, 5 × 0.5 / 7 = 35.71; 178.57 / 3 = 59.523 → 59.52;
        # 59.52 × 0.7 = 41.664 → 41.66 (from the unrounded 59.5238: 41.667 → 41.67)
        (7, 5, ("71.43", "35.71", "59.52", "41.66", "71.66")),
    ],
)
def test_lam_tron_tung_thanh_phan_roi_tinh_tiep_tu_so_da_lam_tron(planned, done, expected):
    """Each displayed component is rounded to 2 dp and the next is computed from it."""
    p = person(ND335, "NV12", items=(item(planned, done, late=2),))
    result = one(ND335, p)
    quantity, progress, task, points, total = (Decimal(x) for x in expected)
    assert result.quantity_pct == quantity
    assert result.quality_pct == quantity
    assert result.progress_pct == progress
    assert result.task_pct == task
    assert result.task_points == points
    assert result.total == total  # 30 + points


def test_trong_so_thanh_phan_nhiem_vu_la_du_lieu_bo_quy_tac():
    """A rule set weighing quantity double: (2·100 + 50 + 100) / 4 = 87.5, not 83.33."""
    rules = with_rules(ND335, weight_quantity=D(2))
    p = person(rules, "NV13", items=(item(4, 4, errors=2),))  # quality 50 %
    result = one(rules, p)
    assert result.quality_pct == Decimal("50.00")
    assert result.task_pct == Decimal("87.50")  # (2 × 100 + 1 × 50 + 1 × 100) / 4
    assert result.task_points == Decimal("61.25")  # 87.5 × 0.7
    assert result.total == Decimal("91.25")
    equal = one(ND335, person(ND335, "NV13", items=(item(4, 4, errors=2),)))
    assert equal.task_pct == Decimal("83.33")  # (100 + 50 + 100) / 3 = 83.333


def test_khong_co_viec_no_work_items_va_bang_0():
    """Đỗ Thị Giang had no work items: quantity, quality, progress 0 and a warning."""
    result = one(ND335, person(ND335, "NV14", items=()))
    assert (result.quantity_pct, result.quality_pct, result.progress_pct) == (
        Decimal("0"),
        Decimal("0"),
        Decimal("0"),
    )
    assert result.task_pct == Decimal("0")
    assert result.task_points == Decimal("0")
    assert result.total == Decimal("30.00")  # general only
    assert result.level == "fail"
    assert codes(result) == ["no_work_items"]


def test_lanh_dao_khong_co_viec_van_tinh_d_dd_e():
    """Trưởng phòng Vũ Văn Hải had no items: d, dd, e still count in the six-part mean."""
    units = [Unit("VP", head="TP01")]
    people = [
        person(ND335, "TP01", leader=True, items=(), e=50),
        person(ND335, "NV01"),  # 30 + 70 = 100
    ]
    hai = month(ND335, units, people).people["TP01"]
    assert (hai.leader_d, hai.leader_dd, hai.leader_e) == (Decimal(100), Decimal(100), Decimal(50))
    assert hai.task_pct == Decimal("41.67")  # (0 + 0 + 0 + 100 + 100 + 50) / 6 = 41.667
    assert hai.task_points == Decimal("29.17")  # 41.67 × 0.7 = 29.169
    assert hai.total == Decimal("59.17")  # 30 + 29.17
    assert codes(hai) == ["no_work_items"]


# ---------------------------------------------------------------------------- leaders


def test_lanh_dao_trung_binh_sau_phan_bang_nhau():
    """Leader task % = mean(quantity, quality, progress, d, dd, e), six equal parts."""
    units = [Unit("VP", head="TP01")]
    people = [
        person(ND335, "TP01", leader=True, items=(item(100, 90),), e=50),
        person(ND335, "NV01"),
    ]
    head = month(ND335, units, people).people["TP01"]
    assert head.leader_d == Decimal(100)
    # (90 + 90 + 90 + 100 + 100 + 50) / 6 = 86.667 (three-part mean would be 90)
    assert head.task_pct == Decimal("86.67")
    assert head.task_points == Decimal("60.67")  # 86.67 × 0.7 = 60.669
    assert head.total == Decimal("90.67")
    assert head.level == "top"


def _failing(rules, code, unit="VP", **kwargs):
    """A person with general 10 and 40 % done: 10 + 28 = 38 → Không hoàn thành."""
    return person(rules, code, unit, general="10", items=(item(100, 40),), **kwargs)


def test_truong_phong_d_50_khi_co_nguoi_khong_hoan_thanh():
    """Someone under the head fails: d = 50, `leader_unit_has_fail`, then the head cap."""
    units = [Unit("VP", head="TP01")]
    people = [
        person(ND335, "TP01", leader=True),
        person(ND335, "NV01"),  # 100
        _failing(ND335, "NV02"),  # 38
    ]
    outcome = month(ND335, units, people)
    head = outcome.people["TP01"]
    assert outcome.people["NV02"].total == Decimal("38.00")
    assert head.leader_d == Decimal(50)
    assert head.task_pct == Decimal("91.67")  # (3 × 100 + 50 + 100 + 100) / 6 = 91.667
    assert head.task_points == Decimal("64.17")  # 91.67 × 0.7 = 64.169
    assert head.total == Decimal("94.17")
    # unit score (100 + 38) / 2 = 69.00 → Hoàn thành, and the head is capped to it
    assert outcome.units["VP"].score == Decimal("69.00")
    assert head.level == "complete"
    assert codes(head) == ["leader_unit_has_fail", "head_capped_by_unit"]


def test_truong_don_vi_chiu_trach_nhiem_ca_cay_don_vi_con():
    """Chủ tịch xã: someone failing two levels down makes d = 50 for every head above."""
    units = [
        Unit("UB", head="CT01"),
        Unit("TP", parent="UB", head="TP01"),
        Unit("HT", parent="TP"),
    ]
    people = [
        person(ND335, "CT01", "UB", leader=True),
        person(ND335, "VP01", "UB"),  # 100
        person(ND335, "TP01", "TP", leader=True),
        person(ND335, "NV01", "TP"),  # 100
        _failing(ND335, "NV03", "HT"),  # 38
    ]
    outcome = month(ND335, units, people)
    for head in ("CT01", "TP01"):
        result = outcome.people[head]
        assert result.leader_d == Decimal(50)
        assert result.total == Decimal("94.17")  # as above: 30 + 64.17
        assert result.level == "top"  # own units score 100 → Xuất sắc, no cap
        assert codes(result) == ["leader_unit_has_fail"]


def test_truong_cap_tren_tinh_truong_don_vi_con_sau_khi_bi_gioi_han():
    """A sub-unit head failing only through the head cap still counts for the head above."""
    units = [
        Unit("UB", head="CT01"),
        Unit("TP", parent="UB", head="TP01", caps=(UnitCap("fail", "KL-2026-01"),)),
    ]
    people = [
        person(ND335, "CT01", "UB", leader=True),
        person(ND335, "VP01", "UB"),
        person(ND335, "TP01", "TP", leader=True),
        person(ND335, "NV01", "TP"),
    ]
    outcome = month(ND335, units, people)
    tp01 = outcome.people["TP01"]
    assert tp01.leader_d == Decimal(100)  # NV01 passed
    assert tp01.total == Decimal("100.00")  # the head keeps the points
    assert tp01.level == "fail"  # unit TP capped at fail by the serious finding
    assert codes(tp01) == ["head_capped_by_unit"]
    assert outcome.units["TP"].level == "fail"
    assert codes(outcome.units["TP"]) == ["capped_by_violation"]
    ct01 = outcome.people["CT01"]
    assert ct01.leader_d == Decimal(50)
    assert ct01.total == Decimal("94.17")
    assert codes(ct01) == ["leader_unit_has_fail"]


def test_pho_phong_chi_chiu_trach_nhiem_nhan_vien_cua_don_vi():
    """A deputy answers for the unit's non-leader staff: not another deputy, not sub-units."""
    units = [Unit("TP", head="TP01"), Unit("HT", parent="TP")]
    people = [
        person(ND335, "TP01", "TP", leader=True),
        person(ND335, "PP01", "TP", leader=True),
        # a failing deputy: general 0, nothing done, dd = e = 50
        person(ND335, "PP02", "TP", leader=True, general="0", items=(item(10, 0),), dd=50, e=50),
        person(ND335, "NV01", "TP"),
        _failing(ND335, "NV03", "HT"),
    ]
    outcome = month(ND335, units, people)
    pp01, pp02, tp01 = (outcome.people[c] for c in ("PP01", "PP02", "TP01"))
    assert pp01.leader_d == Decimal(100)
    assert pp01.total == Decimal("100.00")
    assert pp02.leader_d == Decimal(100)
    assert pp02.task_pct == Decimal("33.33")  # (0 + 0 + 0 + 100 + 50 + 50) / 6 = 33.333
    assert pp02.total == Decimal("23.33")  # 0 + 33.33 × 0.7 = 23.331
    assert pp02.level == "fail"
    assert tp01.leader_d == Decimal(50)  # the head answers for PP02 and the sub-unit
    # unit TP: (NV01 100 + PP01 100 + PP02 23.33) / 3 = 74.443 → 74.44 → Tốt
    assert outcome.units["TP"].score == Decimal("74.44")
    assert tp01.total == Decimal("94.17")
    assert tp01.level == "good"
    assert codes(tp01) == ["leader_unit_has_fail", "head_capped_by_unit"]


def test_pho_phong_theo_uy_quyen_authority():
    """With a delegation, a deputy answers only for the staff delegated to them."""
    units = [Unit("TP", head="TP01")]
    people = [
        person(ND335, "TP01", "TP", leader=True),
        person(ND335, "PP01", "TP", leader=True),
        person(ND335, "PP02", "TP", leader=True),
        person(ND335, "NV01", "TP"),
        _failing(ND335, "NV02", "TP"),
    ]
    outcome = month(ND335, units, people, authority={"PP01": ["NV01"]})
    assert outcome.people["PP01"].leader_d == Decimal(100)
    assert outcome.people["PP01"].reasons == []
    assert outcome.people["PP02"].leader_d == Decimal(50)  # default: all non-leader staff
    assert outcome.people["PP02"].total == Decimal("94.17")
    assert codes(outcome.people["PP02"]) == ["leader_unit_has_fail"]


def test_khong_ai_duoi_quyen_d_100():
    """A head alone in the unit: nobody under authority → d = 100; the unit has no staff."""
    outcome = month(ND335, [Unit("VP", head="TP01")], [person(ND335, "TP01", leader=True)])
    head = outcome.people["TP01"]
    assert head.leader_d == Decimal(100)
    assert head.total == Decimal("100.00")
    assert head.level == "top"  # a unit with no rated staff caps nothing
    assert head.reasons == []


def test_d_theo_xep_loai_sau_gioi_han_vi_pham():
    """d reads final levels: a 100-point staff member capped at fail by a violation counts."""
    units = [Unit("VP", head="TP01")]
    people = [
        person(ND335, "TP01", leader=True),
        person(ND335, "NV01", violations=(Violation(D("0"), cap="fail", ref="BB-03"),)),
    ]
    outcome = month(ND335, units, people)
    assert outcome.people["NV01"].total == Decimal("100.00")
    assert outcome.people["NV01"].level == "fail"
    head = outcome.people["TP01"]
    assert head.leader_d == Decimal(50)
    assert head.total == Decimal("94.17")
    # the unit score is 100 (points, not levels) → Xuất sắc: the head is not capped
    assert head.level == "top"
    assert codes(head) == ["leader_unit_has_fail"]


# ------------------------------------------------------------ reason order in a month


def test_thu_tu_ly_do_thang_khong_co_viec_d_roi_gioi_han_vi_pham():
    """Reasons: `no_work_items`, `leader_unit_has_fail`, then the caps in step order."""
    units = [Unit("VP", head="TP01")]
    people = [
        person(
            ND335,
            "TP01",
            leader=True,
            items=(),
            violations=(Violation(D("0"), cap="fail", ref="BB-09"),),
        ),
        person(ND335, "NV01"),
        _failing(ND335, "NV02"),
    ]
    head = month(ND335, units, people).people["TP01"]
    # (0 + 0 + 0 + 50 + 100 + 100) / 6 = 41.667 → 41.67; × 0.7 = 29.169 → 29.17; 30 + 29.17
    assert head.total == Decimal("59.17")
    assert head.level == "fail"
    assert codes(head) == ["no_work_items", "leader_unit_has_fail", "capped_by_violation"]


def test_thu_tu_ly_do_gioi_han_vi_pham_truoc_gioi_han_theo_don_vi():
    """A violation cap (to Tốt) comes before the head cap (to the unit's Hoàn thành)."""
    units = [Unit("VP", head="TP01")]
    people = [
        person(ND335, "TP01", leader=True, violations=(Violation(D("0"), cap="good"),)),
        person(ND335, "NV01"),  # 100
        _failing(ND335, "NV02"),  # 38 → unit (100 + 38) / 2 = 69 → Hoàn thành
    ]
    head = month(ND335, units, people).people["TP01"]
    assert head.total == Decimal("94.17")
    assert head.level == "complete"
    assert codes(head) == ["leader_unit_has_fail", "capped_by_violation", "head_capped_by_unit"]


# ------------------------------------------------------------- bonus and deductions


@pytest.mark.parametrize(
    ("bonus", "expected_bonus", "total"),
    [
        (("6", "7"), "10.00", "95.00"),  # 6 + 7 = 13 → capped at 10; 15 + 70 + 10
        (("2.5",), "2.50", "87.50"),  # 15 + 70 + 2.5
    ],
)
def test_diem_thuong_hn3814_bi_gioi_han(bonus, expected_bonus, total):
    """Ngô Thị Hoa's initiatives: the bonus sum is capped at the rule set's 10 points."""
    hoa = person(HN3814, "NV15", general="15", bonus=bonus)
    result = one(HN3814, hoa)
    assert result.bonus == Decimal(expected_bonus)
    assert result.total == Decimal(total)


def test_nd335_tu_choi_diem_thuong():
    """nd335 has no bonus block: a bonus entry is an error."""
    with pytest.raises(ScoringInputError) as error:
        one(ND335, person(ND335, "NV16", bonus=("1",)))
    assert error.value.path == "bonus"


def test_diem_tru_khong_gan_tieu_chi_tru_vao_tong():
    """hn3814's catalogue: violations tied to no criterion come off the total."""
    p = person(HN3814, "NV17", violations=(Violation(D("3")), Violation(D("1.5"))))
    result = one(HN3814, p)
    assert result.general == Decimal("20.00")  # criteria untouched
    assert result.deductions == Decimal("4.50")  # 3 + 1.5
    assert result.total == Decimal("85.50")  # 20 + 70 − 4.5
    assert result.level == "good"
    assert HN3814.label(result.level) == "B"


def test_nd335_vi_pham_khong_gan_tieu_chi_tru_vao_tong():
    """nd335 too: a violation tied to no criterion is a deduction from the total."""
    p = person(ND335, "NV17", violations=(Violation(D("2.25")),))
    result = one(ND335, p)
    assert result.general == Decimal("30.00")
    assert result.deductions == Decimal("2.25")
    assert result.total == Decimal("97.75")  # 30 + 70 − 2.25


def test_gioi_han_tong_diem_tru_tuy_chon():
    """A rule set may cap the deductions: 4 + 3 = 7 → 5 with a cap of 5 (none by default)."""
    violations = (Violation(D("4")), Violation(D("3")))
    capped_rules = with_rules(HN3814, deduction_cap=D("5"))
    capped = one(capped_rules, person(capped_rules, "NV18", violations=violations))
    assert capped.deductions == Decimal("5.00")
    assert capped.total == Decimal("85.00")  # 20 + 70 − 5
    uncapped = one(HN3814, person(HN3814, "NV18", violations=violations))
    assert uncapped.deductions == Decimal("7.00")
    assert uncapped.total == Decimal("83.00")  # 20 + 70 − 7


def test_tong_bi_chan_duoi_o_0():
    """5 + 0 − 12 = −7 → total 0, Không hoàn thành (D)."""
    p = person(HN3814, "NV19", general="5", items=(item(5, 0),), violations=(Violation(D("12")),))
    result = one(HN3814, p)
    assert result.deductions == Decimal("12.00")
    assert result.total == Decimal("0")
    assert result.level == "fail"


def test_tong_bi_chan_tren_o_100():
    """A rule-set version with a 15-point bonus cap: 20 + 70 + 15 = 105 → 100."""
    rules = with_rules(HN3814_NO_QUOTA, bonus_cap=D("15"))
    result = one(rules, person(rules, "NV20", bonus=("15",)))
    assert result.bonus == Decimal("15.00")
    assert result.total == Decimal("100")
    assert result.level == "top"


# --------------------------------------------------------------------------- levels


@pytest.mark.parametrize(
    ("rules", "general", "pct", "total", "level", "label"),
    [
        (ND335, "20", 100, "90.00", "top", "Xuất sắc"),  # 20 + 70
        (ND335, "19.99", 100, "89.99", "good", "Tốt"),  # 19.99 + 70
        (ND335, "0", 100, "70.00", "good", "Tốt"),  # 0 + 70
        (ND335, "0.69", 99, "69.99", "complete", "Hoàn thành"),  # 0.69 + 69.3
        (ND335, "1", 70, "50.00", "complete", "Hoàn thành"),  # 1 + 49
        (ND335, "0.99", 70, "49.99", "fail", "Không hoàn thành"),  # 0.99 + 49
        (HN3814_NO_QUOTA, "20", 100, "90.00", "top", "A"),
        (HN3814_NO_QUOTA, "19.99", 100, "89.99", "good", "B"),
        (HN3814_NO_QUOTA, "0", 100, "70.00", "good", "B"),
        (HN3814_NO_QUOTA, "0.69", 99, "69.99", "complete", "C"),
        (HN3814_NO_QUOTA, "1", 70, "50.00", "complete", "C"),
        (HN3814_NO_QUOTA, "0.99", 70, "49.99", "fail", "D"),
    ],
)
def test_nguong_xep_loai_dung_90_70_50(rules, general, pct, total, level, label):
    """Thresholds are inclusive: exactly 90 / 70 / 50 reach the level."""
    result = one(rules, person(rules, "NV21", general=general, items=(item(100, pct),)))
    assert result.total == Decimal(total)
    assert result.level == level
    assert result.score_level == level
    assert rules.label(result.level) == label


# --------------------------------------------------------------------- violation caps


def test_gioi_han_vi_pham_ha_xep_loai_khong_doi_diem():
    """Unexcused absence of 3 days caps Đinh Văn Khoa at fail; his 100 points stay."""
    khoa = person(ND335, "NV22", violations=(Violation(D("0"), cap="fail", ref="BB-2026-07"),))
    result = one(ND335, khoa)
    assert result.total == Decimal("100.00")
    assert result.score_level == "top"
    assert result.level == "fail"
    assert codes(result) == ["capped_by_violation"]
    assert "BB-2026-07" in dict(result.reasons[0].params).values()


def test_nhieu_gioi_han_vi_pham_mot_ly_do():
    """Two caps (Tốt and Hoàn thành): the worse applies and the reason appears once."""
    p = person(
        ND335,
        "NV23",
        violations=(
            Violation(D("0"), cap="good", ref="BB-1"),
            Violation(D("0"), cap="complete", ref="BB-2"),
        ),
    )
    result = one(ND335, p)
    assert result.level == "complete"
    assert codes(result) == ["capped_by_violation"]


@pytest.mark.parametrize("cap", ["good", "complete"])
def test_gioi_han_khong_thap_hon_thi_khong_co_ly_do(cap):
    """25 + 35 = 60 → Hoàn thành already: a cap at Tốt or Hoàn thành lowers nothing."""
    p = person(
        ND335,
        "NV24",
        general="25",
        items=(item(100, 50),),
        violations=(Violation(D("0"), cap=cap),),
    )
    result = one(ND335, p)
    assert result.total == Decimal("60.00")
    assert result.level == "complete"
    assert result.reasons == []


# -------------------------------------------------------------- head capped by unit


def _unit_at_62_50(rules=ND335):
    """Head TP01 (100) with NV01 = 25 + 35 = 60 and NV02 = 30 + 35 = 65: unit 62.50."""
    return [
        person(rules, "TP01", leader=True),
        person(rules, "NV01", general="25", items=(item(100, 50),)),
        person(rules, "NV02", items=(item(100, 50),)),
    ]


def test_truong_phong_bi_gioi_han_theo_xep_loai_don_vi():
    """Trưởng phòng Lý Văn Long keeps 100 points but not Xuất sắc in a Hoàn thành unit."""
    outcome = month(ND335, [Unit("VP", head="TP01")], _unit_at_62_50())
    assert outcome.units["VP"].score == Decimal("62.50")  # (60 + 65) / 2
    assert outcome.units["VP"].level == "complete"
    long = outcome.people["TP01"]
    assert long.total == Decimal("100.00")
    assert long.score_level == "top"
    assert long.level == "complete"
    assert codes(long) == ["head_capped_by_unit"]


def test_truong_phong_khong_bi_gioi_han_khi_tat_cong_tac():
    """The head-accountability switch off: the head keeps Xuất sắc."""
    rules = with_rules(ND335, head_capped_by_unit=False)
    outcome = month(rules, [Unit("VP", head="TP01")], _unit_at_62_50(rules))
    assert outcome.people["TP01"].level == "top"
    assert outcome.people["TP01"].reasons == []


def test_truong_phong_cung_muc_don_vi_khong_co_ly_do():
    """Head at 25 + 35 = 60 (Hoàn thành) in a Hoàn thành unit: nothing lowered, no reason."""
    people = _unit_at_62_50()
    people[0] = person(ND335, "TP01", leader=True, general="25", items=(item(100, 50),))
    outcome = month(ND335, [Unit("VP", head="TP01")], people)
    head = outcome.people["TP01"]
    # (50 + 50 + 50 + 100 + 100 + 100) / 6 = 75 → 52.50; 25 + 52.50 = 77.50 → Tốt → capped
    assert head.total == Decimal("77.50")
    assert head.level == "complete"
    assert codes(head) == ["head_capped_by_unit"]
    people[0] = person(ND335, "TP01", leader=True, general="10", items=(item(100, 50),))
    head = month(ND335, [Unit("VP", head="TP01")], people).people["TP01"]
    assert head.total == Decimal("62.50")  # 10 + 52.50 → Hoàn thành, the unit's level
    assert head.level == "complete"
    assert head.reasons == []


def test_quyen_truong_phong_trong_thang_duoc_cham_nhu_lanh_dao():
    """Chuyên viên Mai Văn Nam is acting head (quyền trưởng phòng) of VP this month."""
    units = [Unit("VP", head="NV05")]
    people = [
        person(ND335, "NV05", items=(item(100, 90),), e=50),  # not flagged leader
        person(ND335, "NV01"),
    ]
    nam = month(ND335, units, people).people["NV05"]
    assert nam.leader_d == Decimal(100)
    # (90 + 90 + 90 + 100 + 100 + 50) / 6 = 86.667 → 86.67; × 0.7 = 60.669 → 60.67
    assert nam.task_pct == Decimal("86.67")
    assert nam.total == Decimal("90.67")


def test_don_vi_khong_co_truong_khong_gioi_han_ai():
    """A unit with no head: its deputy is not capped (unit (60 + 100) / 2 = 80 → Tốt)."""
    people = [
        person(ND335, "PP01", leader=True),
        person(ND335, "NV01", general="25", items=(item(100, 50),)),
    ]
    outcome = month(ND335, [Unit("VP", head=None)], people)
    assert outcome.units["VP"].score == Decimal("80.00")
    assert outcome.units["VP"].level == "good"
    assert outcome.people["PP01"].total == Decimal("100.00")
    assert outcome.people["PP01"].level == "top"
    assert outcome.people["PP01"].reasons == []


# ---------------------------------------------------------------------------- units


def test_diem_don_vi_trung_binh_nguoi_cua_don_vi_tru_truong():
    """Unit score: own rated people except the head (deputies in, sub-units out), 2 dp."""
    units = [Unit("UB", head="CT01"), Unit("TP", parent="UB")]
    people = [
        person(ND335, "CT01", "UB", leader=True),  # 100, head: excluded
        person(ND335, "PP01", "UB", leader=True),  # 100, deputy: included
        person(ND335, "NV01", "UB", general="25", items=(item(100, 50),)),  # 25 + 35 = 60
        person(ND335, "NV02", "UB", general="2", items=(item(100, 70),)),  # 2 + 49 = 51
        person(ND335, "NV09", "TP"),  # 100, sub-unit: excluded
    ]
    outcome = month(ND335, units, people)
    ub = outcome.units["UB"]
    assert ub.rated_count == 3
    assert ub.score == Decimal("70.33")  # (100 + 60 + 51) / 3 = 70.333
    assert ub.level == "good"
    assert ub.reasons == []
    assert outcome.units["TP"].score == Decimal("100.00")


def test_don_vi_khong_co_nhan_vien_duoc_xep_loai():
    """Only the head (and an absent clerk): no score, no level, only `no_rated_staff`."""
    people = [person(ND335, "TP01", leader=True), person(ND335, "NV01", absent=True)]
    outcome = month(
        ND335, [Unit("VP", head="TP01")], people, dossiers={"VP": Dossiers(on_time=1, late=9)}
    )
    vp = outcome.units["VP"]
    assert vp.rated_count == 0
    assert vp.score is None
    assert vp.level is None
    assert codes(vp) == ["no_rated_staff"]  # not also `unit_low_on_time_rate`
    assert outcome.people["TP01"].level == "top"


def test_ty_le_dung_han_lam_tron_2_chu_so():
    """On-time rate = on time / (on time + late) × 100, 2 dp; none without dossiers."""
    assert Dossiers(on_time=120, late=3).rate() == Decimal("97.56")  # 12000 / 123 = 97.5609
    assert Dossiers(on_time=2, late=1).rate() == Decimal("66.67")  # 66.666
    assert Dossiers(on_time=0, late=0).rate() is None
    outcome = month(ND335, [Unit("VP"), Unit("KT")], [person(ND335, "NV01", "VP")])
    assert outcome.units["VP"].on_time_rate is None


@pytest.mark.parametrize(
    ("on_time", "late", "floor", "rate", "level", "reasons"),
    [
        (85, 15, "90", "85.00", "complete", ["unit_low_on_time_rate"]),
        (85, 15, "80", "85.00", "top", []),  # the agency's floor is configurable
        # 17999 / 20000 = 89.995 → 90.00 before the comparison: not below 90
        (17999, 2001, "90", "90.00", "top", []),
        (17998, 2002, "90", "89.99", "complete", ["unit_low_on_time_rate"]),  # 89.99
    ],
)
def test_ty_le_dung_han_duoi_san_ha_xep_loai_don_vi(on_time, late, floor, rate, level, reasons):
    """Below the on-time floor the unit is capped at Hoàn thành; so is its head."""
    people = [person(ND335, "TP01", leader=True), person(ND335, "NV01")]
    outcome = month(
        ND335,
        [Unit("VP", head="TP01")],
        people,
        dossiers={"VP": Dossiers(on_time=on_time, late=late)},
        on_time_floor=D(floor),
    )
    vp = outcome.units["VP"]
    assert vp.on_time_rate == Decimal(rate)
    assert vp.score == Decimal("100.00")
    assert vp.score_level == "top"
    assert vp.level == level
    assert codes(vp) == reasons
    assert outcome.people["TP01"].level == level


def test_ty_le_dung_han_thap_khi_don_vi_da_hoan_thanh_khong_co_ly_do():
    """Unit already at Hoàn thành (62.50): a low rate lowers nothing, so no reason."""
    outcome = month(
        ND335,
        [Unit("VP", head="TP01")],
        _unit_at_62_50(),
        dossiers={"VP": Dossiers(on_time=50, late=50)},
    )
    assert outcome.units["VP"].on_time_rate == Decimal("50.00")
    assert outcome.units["VP"].level == "complete"
    assert outcome.units["VP"].reasons == []


def test_phat_hien_nghiem_trong_gioi_han_don_vi():
    """A serious inspection finding caps the unit as its catalogue item says."""
    capped = month(
        ND335,
        [Unit("VP", caps=(UnitCap("complete", "TTr-2026-05"),))],
        [person(ND335, "NV01")],
    ).units["VP"]
    assert capped.score == Decimal("100.00")
    assert capped.level == "complete"
    assert codes(capped) == ["capped_by_violation"]
    mild = month(
        ND335,
        [Unit("VP", caps=(UnitCap("good", "TTr-2026-06"),))],
        [person(ND335, "NV01", general="25", items=(item(100, 50),))],  # 60 → Hoàn thành
    ).units["VP"]
    assert mild.level == "complete"
    assert mild.reasons == []


# ------------------------------------------------------------ monthly quota (hn3814)


def _a(code, unit="VP", *, general="20", pct=100, bonus="5", **kwargs):
    """An hn3814 person: general + pct × 0.7 + bonus (default 20 + 70 + 5 = 95 → A)."""
    return person(
        HN3814, code, unit, general=general, items=(item(100, pct),), bonus=(bonus,), **kwargs
    )


def test_chi_tieu_loai_a_30_phan_tram():
    """Seven people at A in one unit: floor(0.30 × 7) = floor(2.1) = 2 keep A."""
    people = [_a(f"NV0{n}") for n in range(1, 8)]
    outcome = month(HN3814, [Unit("VP")], people)
    levels = {code: r.level for code, r in outcome.people.items()}
    # equal totals, task %, general: by code
    assert levels == {
        "NV01": "top",
        "NV02": "top",
        "NV03": "good",
        "NV04": "good",
        "NV05": "good",
        "NV06": "good",
        "NV07": "good",
    }
    assert outcome.people["NV07"].total == Decimal("95.00")  # the points stay
    assert codes(outcome.people["NV03"]) == ["quota_downgrade"]
    assert outcome.people["NV01"].reasons == []


@pytest.mark.parametrize(
    ("outstanding", "kept"),
    [(False, 1), (True, 2)],  # floor(0.30 × 5) = 1; floor(0.40 × 5) = 2
)
def test_chi_tieu_40_phan_tram_don_vi_xuat_sac(outstanding, kept):
    """An outstanding unit's quota rises to 40 %."""
    people = [_a(f"NV0{n}") for n in range(1, 6)]
    outcome = month(HN3814, [Unit("VP", outstanding=outstanding)], people)
    assert sorted(c for c, r in outcome.people.items() if r.level == "top") == [
        f"NV0{n}" for n in range(1, kept + 1)
    ]


def test_chi_tieu_thu_tu_uu_tien_tong_nhiem_vu_chung_ma():
    """Ten rated, floor(0.30 × 10) = 3 keep A: by total, then task %, general, code."""
    people = [
        _a("NV09", pct=95, bonus="8.5"),  # 20 + 66.5 + 8.5 = 95, task 95
        _a("NV05", pct=90, bonus="10"),  # 20 + 63 + 10 = 93, task 90
        _a("NV03", general="15", bonus="8"),  # 15 + 70 + 8 = 93, task 100, general 15
        _a("NV07", bonus="3"),  # 20 + 70 + 3 = 93, task 100, general 20
        _a("NV08", bonus="3"),  # same as NV07, later code
    ] + [_a(code, general="15", bonus="0") for code in ("NV01", "NV02", "NV04", "NV06", "NV10")]
    outcome = month(HN3814, [Unit("VP")], people)
    # fillers: 15 + 70 + 0 = 85 → B
    assert outcome.people["NV01"].total == Decimal("85.00")
    # ranking: NV09 (95), NV07, NV08 (93, task 100, general 20, code), NV03 (general 15),
    # NV05 (task 90)
    top = sorted(c for c, r in outcome.people.items() if r.level == "top")
    assert top == ["NV07", "NV08", "NV09"]
    assert outcome.people["NV03"].level == "good"
    assert outcome.people["NV05"].level == "good"
    assert codes(outcome.people["NV03"]) == ["quota_downgrade"]
    assert codes(outcome.people["NV05"]) == ["quota_downgrade"]
    assert outcome.people["NV01"].reasons == []


def test_chi_tieu_tinh_ca_truong_phong():
    """The quota base includes the head: 4 rated → floor(1.2) = 1 (3 staff alone: 0)."""
    people = [
        _a("TP01", leader=True),  # six parts at 100: 20 + 70 + 5 = 95
        _a("NV01", bonus="3"),  # 93
        _a("NV02", bonus="2"),  # 92
        _a("NV03", bonus="1"),  # 91
    ]
    outcome = month(HN3814, [Unit("VP", head="TP01")], people)
    assert outcome.units["VP"].score == Decimal("92.00")  # (93 + 92 + 91) / 3 → A
    assert outcome.people["TP01"].total == Decimal("95.00")
    assert outcome.people["TP01"].level == "top"
    for code in ("NV01", "NV02", "NV03"):
        assert outcome.people[code].level == "good"
        assert codes(outcome.people[code]) == ["quota_downgrade"]


def test_chi_tieu_sau_gioi_han_truong_phong():
    """Step order: the head capped to the unit's B holds no A slot; NV01 keeps it."""
    people = [
        _a("TP01", leader=True, bonus="8"),  # 20 + 70 + 8 = 98
        _a("NV01"),  # 95
        _a("NV02", general="20", pct=50, bonus="5"),  # 20 + 35 + 5 = 60
        _a("NV03", general="20", pct=50, bonus="5"),  # 60
    ]
    outcome = month(HN3814, [Unit("VP", head="TP01")], people)
    assert outcome.units["VP"].score == Decimal("71.67")  # (95 + 60 + 60) / 3 = 71.667 → B
    assert outcome.people["TP01"].level == "good"
    assert codes(outcome.people["TP01"]) == ["head_capped_by_unit"]
    # 4 rated → 1 A slot, taken by NV01
    assert outcome.people["NV01"].level == "top"
    assert outcome.people["NV01"].reasons == []


def test_chi_tieu_d_50_roi_bi_ha_do_chi_tieu():
    """Reason order for a head at A with d = 50 moved to B by the quota."""
    people = [_a("TP01", leader=True, bonus="10")]
    people += [_a(f"NV{n:02}", bonus="10") for n in range(1, 11)]  # 20 + 70 + 10 = 100
    # one clerk with nothing done and general 0: 0 → D
    people.append(_a("NV11", general="0", pct=0, bonus="0"))
    outcome = month(HN3814, [Unit("VP", head="TP01")], people)
    # unit: (10 × 100 + 0) / 11 = 90.909 → 90.91 → A, so the head is not capped
    assert outcome.units["VP"].score == Decimal("90.91")
    head = outcome.people["TP01"]
    assert head.leader_d == Decimal(50)
    assert head.total == Decimal("94.17")  # 20 + 64.17 + 10
    # 12 rated → floor(3.6) = 3 A slots: NV01, NV02, NV03 (100 each) before the head
    assert head.level == "good"
    assert codes(head) == ["leader_unit_has_fail", "quota_downgrade"]
    assert outcome.people["NV11"].level == "fail"
    assert outcome.people["NV11"].reasons == []


@pytest.mark.parametrize(("rounding", "kept"), [("floor", 1), ("half_up", 2)])
def test_chi_tieu_lam_tron_theo_bo_quy_tac(rounding, kept):
    """quota_rounding: 0.30 × 5 = 1.5 → 1 (floor) or 2 (half_up)."""
    rules = with_rules(HN3814, quota_rounding=rounding)
    people = [_a(f"NV0{n}") for n in range(1, 6)]
    outcome = month(rules, [Unit("VP")], people)
    assert sum(1 for r in outcome.people.values() if r.level == "top") == kept


def test_chi_tieu_tinh_rieng_tung_don_vi():
    """Each unit has its own quota: 3 + 4 rated → 0 and 1 A (pooled 7 would give 2)."""
    people = [_a(f"KT0{n}", "KT") for n in range(1, 4)]  # floor(0.9) = 0
    people += [_a(f"VP0{n}", "VP") for n in range(1, 5)]  # floor(1.2) = 1
    outcome = month(HN3814, [Unit("KT"), Unit("VP")], people)
    assert sorted(c for c, r in outcome.people.items() if r.level == "top") == ["VP01"]


# ------------------------------------------------------------------------ not rated


def test_vang_ca_thang_khong_xep_loai_va_khong_tinh_vao_co_so():
    """Absent all month: not rated, outside the unit mean and the quota base."""
    people = [_a(f"NV0{n}") for n in range(1, 7)] + [
        person(HN3814, "NV07", absent=True),
    ]
    outcome = month(HN3814, [Unit("VP")], people)
    absent = outcome.people["NV07"]
    assert absent.rated is False
    assert absent.total is None
    assert absent.level is None
    assert codes(absent) == ["not_rated_absent"]
    assert outcome.units["VP"].rated_count == 6
    assert outcome.units["VP"].score == Decimal("95.00")
    # 6 rated → floor(1.8) = 1 keeps A (with the absent one counted: floor(2.1) = 2)
    assert sum(1 for r in outcome.people.values() if r.level == "top") == 1


def test_nhan_cong_tac_sau_ngay_15_khong_xep_loai():
    """Joined on the 20th: not rated, with its own reason, outside the unit mean."""
    people = [_a("NV01"), person(HN3814, "NV02", joined_late=True)]
    outcome = month(HN3814, [Unit("VP")], people)
    late = outcome.people["NV02"]
    assert (late.rated, late.total, late.level) == (False, None, None)
    assert codes(late) == ["not_rated_joined_late"]
    assert outcome.units["VP"].rated_count == 1


# --------------------------------------------------------------------------- annual


def _titles(outcome):
    return {code: r.title for code, r in outcome.people.items()}


def _levels(outcome):
    return {code: r.level for code, r in outcome.people.items()}


def test_nam_thang_thai_san_tinh_mot_lan():
    """Months worked = rated ∪ maternity: {1, 2, 3, 4} ∪ {4, 5, 6} = 6 → rated."""
    people = [
        year_of("NV01", ["80"] * 4, maternity=(4, 5, 6)),
        # {1, 2, 3, 4} ∪ {4, 5} = 5 < 6 → not rated, and nothing else applies
        year_of(
            "NV02",
            ["80"] * 4,
            maternity=(4, 5),
            disciplines=(("khien_trach", "2026-03-02"),),
            degradation=True,
        ),
    ]
    outcome = year(ND335_NO_QUOTA, [Unit("VP")], people)
    thu = outcome.people["NV01"]
    assert thu.months_worked == 6
    assert thu.rated is True
    assert thu.score == Decimal("80.00")
    assert thu.level == "good"
    assert thu.reasons == []
    nam = outcome.people["NV02"]
    assert nam.months_worked == 5
    assert nam.rated is False
    assert nam.score is None
    assert nam.level is None
    assert nam.title is None
    assert codes(nam) == ["not_rated_few_months"]


def test_nam_khong_co_thang_duoc_xep_loai_thi_khong_xep_loai():
    """Twelve maternity months and no rated month: Không xếp loại."""
    people = [
        year_of("NV03", [], maternity=tuple(range(1, 13))),
        year_of("NV04", [None] * 12),  # absent all year
    ]
    outcome = year(ND335_NO_QUOTA, [Unit("VP")], people)
    for code in ("NV03", "NV04"):
        assert outcome.people[code].rated is False
        assert outcome.people[code].level is None
        assert codes(outcome.people[code]) == ["not_rated_few_months"]


def test_diem_nam_trung_binh_cac_thang_2_chu_so():
    """(90 + 85.01 + 80 + 70 + 75 + 88) / 6 = 488.01 / 6 = 81.335 → 81.34 (half up)."""
    totals = ["90.00", "85.01", "80.00", "70.00", "75.00", "88.00"]
    outcome = year(ND335_NO_QUOTA, [Unit("VP")], [year_of("NV05", totals)])
    result = outcome.people["NV05"]
    assert result.score == Decimal("81.34")
    assert result.mean == Decimal("81.335")
    assert result.level == "good"
    assert result.months_at_top == 1  # only January reached 90


@pytest.mark.parametrize(
    ("total", "rated_months", "absent", "level", "reasons"),
    [
        ("95", 9, 3, "complete", ["capped_absence"]),  # Xuất sắc → Hoàn thành
        ("60", 9, 3, "complete", ["capped_absence"]),  # already Hoàn thành: reason anyway
        ("40", 9, 3, "fail", ["capped_absence"]),  # already below: reason anyway
        ("95", 10, 2, "top", []),  # two absent months: no cap
    ],
)
def test_vang_3_thang_tro_len_toi_da_hoan_thanh(total, rated_months, absent, level, reasons):
    """Absent 3 months or more in the year → at most Hoàn thành."""
    person_year = year_of("NV06", [total] * rated_months + [None] * absent)
    result = year(ND335_NO_QUOTA, [Unit("VP")], [person_year]).people["NV06"]
    assert result.score == Decimal(total)
    assert result.level == level
    assert codes(result) == reasons


@pytest.mark.parametrize(
    ("form", "day", "total", "level", "reasons"),
    [
        ("khien_trach", "2026-05-12", "95", "fail", ["discipline_in_year"]),
        ("canh_cao", "2026-01-01", "80", "fail", ["discipline_in_year"]),
        ("khien_trach", "2026-12-31", "40", "fail", ["discipline_in_year"]),  # already fail
        ("khien_trach", "2025-12-31", "95", "top", []),  # dated the previous year
        ("buoc_thoi_viec", "2027-01-04", "95", "top", []),  # dated the next year
    ],
)
def test_ky_luat_trong_nam_khong_hoan_thanh(form, day, total, level, reasons):
    """A discipline decision (khiển trách or above) dated in the year → Không hoàn thành."""
    person_year = year_of("NV07", [total] * 12, disciplines=((form, day),))
    result = year(ND335_NO_QUOTA, [Unit("VP")], [person_year]).people["NV07"]
    assert result.level == level
    assert codes(result) == reasons


@pytest.mark.parametrize("total", ["95", "40"])
def test_ket_luan_suy_thoai_khong_hoan_thanh(total):
    """Concluded degradation → Không hoàn thành, with its reason even if already there."""
    result = year(
        ND335_NO_QUOTA, [Unit("VP")], [year_of("NV08", [total] * 12, degradation=True)]
    ).people["NV08"]
    assert result.level == "fail"
    assert codes(result) == ["degradation_concluded"]


def test_tham_nhung_trong_don_vi_chi_ap_dung_lanh_dao():
    """A corruption case in the unit fails its leader; the flag means nothing for staff."""
    people = [
        year_of("PP01", ["95"] * 12, leader=True, corruption=True),
        year_of("NV09", ["95"] * 12, corruption=True),
    ]
    outcome = year(ND335_NO_QUOTA, [Unit("VP")], people)
    assert outcome.people["PP01"].level == "fail"
    assert codes(outcome.people["PP01"]) == ["corruption_in_unit"]
    assert outcome.people["NV09"].level == "top"
    assert outcome.people["NV09"].reasons == []


def test_thu_tu_ly_do_nam():
    """Annual caps in order: absence, discipline, degradation, corruption."""
    person_year = year_of(
        "PP02",
        ["95"] * 9 + [None] * 3,
        leader=True,
        disciplines=(("khien_trach", "2026-08-20"),),
        degradation=True,
        corruption=True,
    )
    result = year(ND335_NO_QUOTA, [Unit("VP")], [person_year]).people["PP02"]
    assert result.level == "fail"
    assert codes(result) == [
        "capped_absence",
        "discipline_in_year",
        "degradation_concluded",
        "corruption_in_unit",
    ]


@pytest.mark.parametrize(
    ("dossiers", "unit_level", "unit_reasons"),
    [
        (None, "good", []),  # (75 + 76) / 2 = 75.50 → Tốt
        (Dossiers(on_time=80, late=20), "complete", ["unit_low_on_time_rate"]),  # 80.00 < 90
    ],
)
def test_truong_phong_bi_gioi_han_theo_xep_loai_nam_cua_don_vi(dossiers, unit_level, unit_reasons):
    """The head's annual level may not be above the unit's annual level."""
    people = [
        year_of("TP01", ["95"] * 12, leader=True),
        year_of("NV01", ["75"] * 12),
        year_of("NV02", ["76"] * 12),
    ]
    outcome = year(
        ND335_NO_QUOTA,
        [Unit("VP", head="TP01")],
        people,
        dossiers={"VP": dossiers} if dossiers else None,
    )
    vp = outcome.units["VP"]
    assert vp.score == Decimal("75.50")
    assert vp.level == unit_level
    assert codes(vp) == unit_reasons
    head = outcome.people["TP01"]
    assert head.score == Decimal("95.00")
    assert head.level == unit_level
    assert codes(head) == ["head_capped_by_unit"]


def test_thu_tu_ly_do_nam_gioi_han_vang_roi_gioi_han_theo_don_vi():
    """Step 3 before step 4: absence caps the head at Hoàn thành, the unit's Không hoàn
    thành (staff at 40) lowers it again."""
    people = [
        year_of("TP01", ["95"] * 9 + [None] * 3, leader=True),
        year_of("NV01", ["40"] * 12),
    ]
    outcome = year(ND335_NO_QUOTA, [Unit("VP", head="TP01")], people)
    assert outcome.units["VP"].level == "fail"
    head = outcome.people["TP01"]
    assert head.score == Decimal("95.00")
    assert head.level == "fail"
    assert codes(head) == ["capped_absence", "head_capped_by_unit"]


def test_truong_phong_khong_bi_gioi_han_nam_khi_tat_cong_tac():
    rules = with_rules(ND335_NO_QUOTA, head_capped_by_unit=False)
    people = [year_of("TP01", ["95"] * 12, leader=True), year_of("NV01", ["75"] * 12)]
    outcome = year(rules, [Unit("VP", head="TP01")], people)
    assert outcome.people["TP01"].level == "top"
    assert outcome.people["TP01"].reasons == []


def test_diem_nam_don_vi_tru_truong_va_don_vi_con():
    """Unit annual score: the unit's own rated people, head excluded, 2 dp."""
    units = [Unit("UB", head="CT01"), Unit("TP", parent="UB"), Unit("KT", parent="UB")]
    people = [
        year_of("CT01", ["95"] * 12, unit="UB", leader=True),
        year_of("NV01", ["80"] * 12, unit="UB"),
        year_of("NV02", ["71"] * 12, unit="UB"),
        year_of("NV03", ["70"] * 12, unit="UB"),
        year_of("NV04", ["99"] * 3, unit="UB"),  # 3 months: not rated, not counted
        year_of("NV09", ["95"] * 12, unit="TP"),
    ]
    outcome = year(ND335_NO_QUOTA, units, people)
    ub = outcome.units["UB"]
    assert ub.score == Decimal("73.67")  # (80 + 71 + 70) / 3 = 73.667
    assert ub.rated_count == 3
    assert ub.members == 4  # the head is a member
    assert ub.level == "good"
    assert outcome.units["TP"].score == Decimal("95.00")
    kt = outcome.units["KT"]
    assert kt.score is None
    assert kt.level is None
    assert codes(kt) == ["no_rated_staff"]


# -------------------------------------------------------------------- annual quota


def _twelve(code, total, **kwargs):
    return year_of(code, [total] * 12, **kwargs)


def test_chi_tieu_nam_theo_nhom():
    """20 % per quota group: agency-wide (across units VP and KT) 10 in the base → 2;
    the kế toán group 4 → floor(0.8) = 0."""
    people = [
        _twelve("NV01", "95"),
        _twelve("NV02", "94"),
        _twelve("NV03", "93", unit="KT"),
        _twelve("NV04", "92", unit="KT"),
        _twelve("NV05", "91"),
    ] + [_twelve(f"NV{n:02}", "80", unit="KT") for n in range(6, 11)]
    people += [
        _twelve("KT01", "95", quota_group="ke_toan"),
        _twelve("KT02", "94", quota_group="ke_toan"),
        _twelve("KT03", "80", quota_group="ke_toan"),
        _twelve("KT04", "80", quota_group="ke_toan"),
    ]
    outcome = year(ND335, [Unit("VP"), Unit("KT")], people)
    assert sorted(c for c, r in outcome.people.items() if r.level == "top") == ["NV01", "NV02"]
    for code in ("NV03", "NV04", "NV05", "KT01", "KT02"):
        assert outcome.people[code].level == "good"
        assert outcome.people[code].score_level == "top"
        assert codes(outcome.people[code]) == ["quota_downgrade"]


def test_chi_tieu_nam_co_so_tinh_sau_cac_buoc_1_den_4():
    """The base counts Tốt or Xuất sắc after the caps: 5 + 4 = 9 → floor(1.8) = 1, not 2."""
    people = [
        _twelve("NV01", "95"),
        _twelve("NV02", "94"),
        _twelve("NV03", "93"),
        _twelve("NV04", "92"),
        _twelve("NV05", "91"),
        _twelve("NV06", "99", disciplines=(("khien_trach", "2026-06-01"),)),  # → fail
    ] + [_twelve(f"NV{n:02}", "80") for n in range(7, 11)]
    outcome = year(ND335, [Unit("VP")], people)
    assert outcome.people["NV06"].level == "fail"
    assert codes(outcome.people["NV06"]) == ["discipline_in_year"]
    assert [c for c, r in sorted(outcome.people.items()) if r.level == "top"] == ["NV01"]


_TOP12 = ["top"] * 12


@pytest.mark.parametrize(
    ("nv01", "nv02", "keeper"),
    [
        # score first: 92.00 with no month at the top level beats 91.00 with twelve
        ((["92"] * 12, ["good"] * 12), (["91"] * 12, _TOP12), "NV01"),
        # same 91.00: twelve months at the top level beat six
        ((["91"] * 12, ["top"] * 6 + ["good"] * 6), (["91"] * 12, _TOP12), "NV02"),
        # same 91.00, same months: unrounded 1001.05 / 12 = 91.0042 > 1001.02 / 12 = 91.0017
        ((["91"] * 11 + ["91.02"], _TOP12), (["91"] * 11 + ["91.05"], _TOP12), "NV02"),
        # all equal: employee code
        ((["91"] * 12, _TOP12), (["91"] * 12, _TOP12), "NV01"),
    ],
)
def test_chi_tieu_nam_thu_tu_uu_tien(nv01, nv02, keeper):
    """Five Xuất sắc, floor(0.2 × 5) = 1 kept: score, months at top, unrounded mean, code."""
    people = [
        year_of("NV01", nv01[0], levels=nv01[1]),
        year_of("NV02", nv02[0], levels=nv02[1]),
    ] + [_twelve(f"NV0{n}", "90") for n in range(3, 6)]
    outcome = year(ND335, [Unit("VP")], people)
    assert [c for c, r in sorted(outcome.people.items()) if r.level == "top"] == [keeper]


@pytest.mark.parametrize(("rounding", "kept"), [("floor", 1), ("half_up", 2)])
def test_chi_tieu_nam_lam_tron_theo_bo_quy_tac(rounding, kept):
    """Base 8 (3 Xuất sắc + 5 Tốt): 0.2 × 8 = 1.6 → 1 (floor) or 2 (half_up)."""
    rules = with_rules(ND335, quota_rounding=rounding)
    people = [_twelve("NV01", "95"), _twelve("NV02", "94"), _twelve("NV03", "93")]
    people += [_twelve(f"NV{n:02}", "80") for n in range(4, 9)]
    outcome = year(rules, [Unit("VP")], people)
    assert sum(1 for r in outcome.people.values() if r.level == "top") == kept


# -------------------------------------------------------------------------- titles


def test_danh_hieu_ca_nhan_ldtt_va_cstdcs():
    """LĐTT for Tốt or Xuất sắc; CSTĐCS for LĐTT with a recognised initiative."""
    people = [
        _twelve("LD01", "95"),
        _twelve("LD02", "80", initiative=True),
        _twelve("LD03", "60", initiative=True),  # Hoàn thành: no title at all
        _twelve("LD04", "40"),
        _twelve("LD05", "95", initiative=True),
        _twelve("LD06", "95", initiative=True, disciplines=(("khien_trach", "2026-02-02"),)),
    ]
    outcome = year(ND335_NO_QUOTA, [Unit("VP")], people)
    assert _titles(outcome) == {
        "LD01": "lao_dong_tien_tien",
        "LD02": "chien_si_thi_dua_co_so",
        "LD03": None,
        "LD04": None,
        "LD05": "chien_si_thi_dua_co_so",
        "LD06": None,
    }


def test_cstdcs_yeu_cau_xuat_sac_khi_bat_tuy_chon():
    """Option: CSTĐCS requires annual Xuất sắc; a Tốt with an initiative stays LĐTT."""
    rules = with_rules(ND335_NO_QUOTA, cstdcs_requires_top=True)
    people = [_twelve("LD02", "80", initiative=True), _twelve("LD05", "95", initiative=True)]
    outcome = year(rules, [Unit("VP")], people)
    assert _titles(outcome) == {"LD02": "lao_dong_tien_tien", "LD05": "chien_si_thi_dua_co_so"}


def test_cstdcs_gioi_han_ty_le():
    """Option: CSTĐCS at most 50 % of the LĐTT holders: 6 LĐTT → 3, by annual score."""
    rules = with_rules(ND335_NO_QUOTA, cstdcs_share_cap=D("0.5"))
    people = [
        _twelve("LD01", "85", initiative=True),
        _twelve("LD02", "80", initiative=True),
        _twelve("LD03", "95", initiative=True),
        _twelve("LD04", "90", initiative=True),
        _twelve("LD05", "75"),
        _twelve("LD06", "75"),
    ]
    outcome = year(rules, [Unit("VP")], people)
    assert _titles(outcome) == {
        "LD01": "chien_si_thi_dua_co_so",
        "LD02": "lao_dong_tien_tien",  # fourth by score: beyond floor(0.5 × 6) = 3
        "LD03": "chien_si_thi_dua_co_so",
        "LD04": "chien_si_thi_dua_co_so",
        "LD05": "lao_dong_tien_tien",
        "LD06": "lao_dong_tien_tien",
    }


def _collective(nv01_initiative=True, nv03_disciplines=()):
    """Unit VP: head TP01 95, NV01 80, NV02 80, NV03 60.

    Unit score (80 + 80 + 60) / 3 = 73.33 → Tốt, so TP01 is capped to Tốt (still LĐTT).
    """
    return [
        _twelve("TP01", "95", leader=True),
        _twelve("NV01", "80", initiative=nv01_initiative),
        _twelve("NV02", "80"),
        _twelve("NV03", "60", disciplines=nv03_disciplines),
    ]


@pytest.mark.parametrize(
    ("initiative", "disciplines", "title"),
    [
        # 3 of 4 LĐTT = 75 % ≥ 70 %, one CSTĐCS, everyone ≥ Hoàn thành
        (True, (), "tap_the_lao_dong_xuat_sac"),
        # no CSTĐCS: only tiên tiến (75 % > 50 %)
        (False, (), "tap_the_lao_dong_tien_tien"),
        # a khiển trách makes NV03 fail: not every member ≥ Hoàn thành; still tiên tiến
        (True, (("khien_trach", "2026-04-01"),), "tap_the_lao_dong_tien_tien"),
        # a cảnh cáo in the year blocks both titles
        (True, (("canh_cao", "2026-04-01"),), None),
        # a cảnh cáo dated the previous year does not count
        (True, (("canh_cao", "2025-11-30"),), "tap_the_lao_dong_xuat_sac"),
    ],
)
def test_danh_hieu_tap_the(initiative, disciplines, title):
    """Collective titles of a unit whose members include its head."""
    outcome = year(ND335_NO_QUOTA, [Unit("VP", head="TP01")], _collective(initiative, disciplines))
    assert outcome.people["TP01"].level == "good"
    assert outcome.people["TP01"].title == "lao_dong_tien_tien"
    assert outcome.units["VP"].title == title


@pytest.mark.parametrize(
    ("good", "complete", "initiative", "title"),
    [
        (7, 3, True, "tap_the_lao_dong_xuat_sac"),  # 7 / 10 = 70 % exactly: ≥ 70 %
        (6, 4, True, "tap_the_lao_dong_tien_tien"),  # 60 %: more than half only
        (3, 1, False, "tap_the_lao_dong_tien_tien"),  # 75 % but no CSTĐCS
        (2, 2, True, None),  # 50 % exactly: not more than half
    ],
)
def test_danh_hieu_tap_the_nguong_ty_le(good, complete, initiative, title):
    """Shares at the thresholds; NV01 (Tốt) has the initiative when `initiative`."""
    people = [
        _twelve(f"NV{n:02}", "80", initiative=initiative and n == 1) for n in range(1, good + 1)
    ]
    people += [_twelve(f"NV{n:02}", "60") for n in range(good + 1, good + complete + 1)]
    outcome = year(ND335_NO_QUOTA, [Unit("VP")], people)
    assert outcome.units["VP"].title == title


def test_thanh_vien_tap_the_gom_truong_khong_gom_don_vi_con():
    """VP: head 80 (LĐTT), NV01 80, NV02 60 → 2 / 3 > 50 % → tiên tiến (1 / 2 without
    the head would be none); the sub-unit's LĐTT and CSTĐCS do not count for VP."""
    units = [Unit("VP", head="TP01"), Unit("TP", parent="VP")]
    people = [
        _twelve("TP01", "80", unit="VP", leader=True),
        _twelve("NV01", "80", unit="VP"),
        _twelve("NV02", "60", unit="VP"),
        _twelve("TP02", "95", unit="TP", initiative=True),
        _twelve("TP03", "95", unit="TP"),
    ]
    outcome = year(ND335_NO_QUOTA, units, people)
    assert outcome.units["VP"].title == "tap_the_lao_dong_tien_tien"
    assert outcome.units["TP"].title == "tap_the_lao_dong_xuat_sac"  # 2 / 2, one CSTĐCS


def test_don_vi_khong_co_thanh_vien_khong_co_danh_hieu():
    units = [Unit("KT"), Unit("HC")]
    people = [year_of("HC01", ["95"] * 3, unit="HC", initiative=True)]  # not rated
    outcome = year(ND335_NO_QUOTA, units, people)
    assert outcome.units["KT"].title is None
    assert outcome.units["HC"].title is None
    assert outcome.units["KT"].members == 0
    assert outcome.units["HC"].members == 0


# ------------------------------------------------------------------- unit ranking


def test_xep_hang_don_vi():
    """By annual score, then on-time rate (none last), then code; no shared ranks."""
    units = [Unit(code) for code in ("DA", "DB", "DC", "DD", "DE", "DF", "DG")]
    people = [
        _twelve("A1", "85", unit="DA"),
        _twelve("B1", "85", unit="DB"),
        _twelve("C1", "85", unit="DC"),
        _twelve("D1", "90", unit="DD"),
        _twelve("E1", "85", unit="DE"),
        year_of("F1", ["85"] * 2, unit="DF"),  # not rated: DF has no score
        _twelve("G1", "85", unit="DG"),
    ]
    dossiers = {
        "DA": Dossiers(on_time=80, late=20),  # 80.00
        "DB": Dossiers(on_time=95, late=5),  # 95.00
        "DE": Dossiers(on_time=80, late=20),  # 80.00, tie with DA → code
        "DG": Dossiers(on_time=0, late=5),  # 0.00: still before "no dossiers"
    }
    outcome = year(ND335_NO_QUOTA, units, people, dossiers=dossiers)
    ranks = {code: r.rank for code, r in outcome.units.items()}
    assert ranks == {"DD": 1, "DB": 2, "DA": 3, "DE": 4, "DG": 5, "DC": 6, "DF": None}


# ----------------------------------------------------------------------- unit tree


@pytest.mark.parametrize(
    "units",
    [
        [Unit("PA", parent="PB"), Unit("PB", parent="PA")],
        [Unit("PA", parent="PA")],
        [Unit("UB"), Unit("PA", parent="PC"), Unit("PB", parent="PA"), Unit("PC", parent="PB")],
    ],
)
def test_cay_don_vi_co_vong_bi_tu_choi(units):
    """A unit tree with a cycle is an error, for a month and for a year."""
    with pytest.raises(ScoringInputError) as error:
        month(ND335, units, [])
    assert error.value.path == "units"
    with pytest.raises(ScoringInputError):
        year(ND335, units, [])


def test_bo_thu_gom_rac_duoc_bat_lai_ca_khi_loi():
    """The engine pauses Python's cyclic collector while it works and always restores it."""
    assert gc.isenabled()
    month(ND335, [Unit("UB")], [])
    assert gc.isenabled()
    with pytest.raises(ScoringInputError):
        month(ND335, [Unit("PA", parent="PA")], [])
    assert gc.isenabled()
    gc.disable()
    try:
        year(ND335, [Unit("UB")], [])
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()
