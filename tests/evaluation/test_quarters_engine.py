"""The engine's quarter and half-year results (NĐ 335 Điều 17 khoản 3, Điều 23).

A quarter's score is the mean of its rated monthly totals, 2 places half-up, with the
level the same thresholds give a month; a quarter with no rated month has none. Checked
on fixed cases (one, two, three rated months, none, a tie at the half) and as properties
over generated totals (hypothesis, derandomized).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation.rulesets import rule_set_from_snapshot, snapshot
from evaluation.scoring import (
    ScoringInputError,
    half_of,
    half_year_months,
    half_year_result,
    income_coefficient,
    level_for,
    quarter_months,
    quarter_of,
    quarter_result,
)

from .engine_builders import HN3814, ND335

D = Decimal
PROPERTY = settings(derandomize=True, max_examples=80, deadline=None)
TOTALS = st.decimals(min_value=D(0), max_value=D(100), places=2, allow_nan=False)
MONTH = st.one_of(st.none(), TOTALS)
"""A month's total: None when the person was not rated that month."""


def test_one_rated_month_is_the_quarter():
    result = quarter_result(ND335, [D("91.25"), None, None])
    assert (result.rated_months, result.score, result.level) == (1, D("91.25"), "top")


def test_two_rated_months_are_averaged():
    result = quarter_result(ND335, [None, D("80"), D("69")])
    assert (result.rated_months, result.score, result.level) == (2, D("74.50"), "good")


def test_three_rated_months_are_averaged():
    result = quarter_result(ND335, [D("90"), D("90"), D("89.99")])
    assert result.rated_months == 3
    assert result.score == D("90.00")  # 89.9966… rounds up to the top threshold
    assert result.level == "top"


def test_a_quarter_with_no_rated_month_has_no_result():
    for totals in ([], [None], [None, None, None]):
        result = quarter_result(ND335, totals)
        assert (result.rated, result.rated_months, result.score, result.level) == (
            False,
            0,
            None,
            None,
        )


def test_the_mean_rounds_half_up_at_the_half():
    # 70.00 + 70.01 = 140.01 / 2 = 70.005 → 70.01 (half up, not to even)
    assert quarter_result(ND335, [D("70.00"), D("70.01")]).score == D("70.01")
    # 49.99 + 50 + 50 = 149.99 / 3 = 49.99666… → 50.00, which reaches "complete"
    below = quarter_result(ND335, [D("49.99"), D("50"), D("50")])
    assert (below.score, below.level) == (D("50.00"), "complete")


def test_the_level_comes_from_the_rule_sets_own_thresholds():
    strict = replace(ND335, threshold_top=D(95), threshold_good=D(80), threshold_complete=D(60))
    assert quarter_result(ND335, [D("92")]).level == "top"
    assert quarter_result(strict, [D("92")]).level == "good"


def test_a_quarter_has_three_months_at_most_and_a_half_year_six():
    with pytest.raises(ScoringInputError, match="quarter"):
        quarter_result(ND335, [D(1)] * 4)
    with pytest.raises(ScoringInputError, match="half"):
        half_year_result(ND335, [D(1)] * 7)


def test_a_half_year_is_the_mean_of_its_rated_months():
    totals = [D("80"), None, D("90"), D("70"), None, D("95")]
    assert half_year_result(ND335, totals).score == D("83.75")
    assert half_year_result(ND335, totals).rated_months == 4


def test_months_quarters_and_halves_line_up():
    assert [quarter_of(m) for m in range(1, 13)] == [1] * 3 + [2] * 3 + [3] * 3 + [4] * 3
    assert [half_of(m) for m in range(1, 13)] == [1] * 6 + [2] * 6
    assert quarter_months(3) == (7, 8, 9)
    assert half_year_months(2) == (7, 8, 9, 10, 11, 12)
    for wrong in (0, 13):
        with pytest.raises(ScoringInputError):
            quarter_of(wrong)
    with pytest.raises(ScoringInputError):
        quarter_months(5)


def test_no_income_table_gives_no_coefficient():
    assert ND335.income_coefficients == {}
    assert income_coefficient(ND335, "top") is None


def test_the_income_table_gives_the_levels_coefficient():
    rules = replace(ND335, income_coefficients={"top": D("1.2"), "good": D("1.0")})
    assert income_coefficient(rules, "top") == D("1.2")
    assert income_coefficient(rules, "good") == D("1.0")
    assert income_coefficient(rules, "complete") is None  # a level the table leaves out
    assert income_coefficient(rules, None) is None  # a quarter not rated


def test_the_income_table_survives_the_periods_snapshot():
    rules = replace(HN3814, income_coefficients={"top": D("1.20"), "fail": D("0")})
    assert rule_set_from_snapshot(snapshot(rules)) == rules
    old = snapshot(ND335)
    del old["income_coefficients"]  # a snapshot taken before the table existed
    assert rule_set_from_snapshot(old).income_coefficients == {}


@PROPERTY
@given(st.lists(MONTH, min_size=0, max_size=3), st.sampled_from([ND335, HN3814]))
def test_the_quarter_is_the_rounded_mean_of_the_rated_months(totals, rules):
    rated = [t for t in totals if t is not None]
    result = quarter_result(rules, totals)
    assert result.rated_months == len(rated)
    if not rated:
        assert result.score is None and result.level is None
        return
    exact = sum(rated, D(0)) / len(rated)
    assert result.score == exact.quantize(D("0.01"), ROUND_HALF_UP)
    assert abs(result.score - exact) <= D("0.005")
    assert min(rated) <= result.score <= max(rated)
    assert result.level == level_for(rules, result.score)


@PROPERTY
@given(st.lists(MONTH, min_size=3, max_size=3))
def test_order_and_unrated_months_do_not_change_the_quarter(totals):
    forward = quarter_result(ND335, totals)
    assert quarter_result(ND335, list(reversed(totals))) == forward
    assert quarter_result(ND335, [t for t in totals if t is not None]) == forward


@PROPERTY
@given(TOTALS)
def test_a_quarterly_period_is_its_own_quarter(total):
    result = quarter_result(ND335, [total])
    assert result.score == total.quantize(D("0.01"))
    assert result.level == level_for(ND335, total)
