"""The personnel rule's arithmetic (`evaluation.annual.personnel.check`): no database."""

from evaluation.annual.personnel import check

BLOCK_FAIL = check.Levels(person=frozenset({"fail"}), unit=frozenset({"fail"}))


def test_it_counts_the_latest_rolled_up_years_up_to_the_day_s_year():
    assert check.counted_years([2023, 2024, 2025, 2027], up_to=2026, count=2) == (2025, 2024)
    assert check.counted_years([2025, 2025], up_to=2026, count=3) == (2025,)
    assert check.counted_years([], up_to=2026, count=2) == ()


def test_it_reads_level_lists_ignoring_blanks():
    assert check.parse_levels("fail, complete,") == {"fail", "complete"}
    assert check.parse_levels("") == frozenset()


def test_a_reappointment_is_checked_as_such_and_only_a_move_up_as_a_rotation():
    assert check.action_of("reappoint", from_depth=1, to_depth=1) == check.REAPPOINTMENT
    assert check.action_of("rotate", from_depth=2, to_depth=1) == check.ROTATION_UP
    assert check.action_of("appoint", from_depth=1, to_depth=0) == check.ROTATION_UP
    assert check.action_of("rotate", from_depth=1, to_depth=1) is None
    assert check.action_of("rotate", from_depth=1, to_depth=2) is None


def test_a_blocking_level_of_the_person_or_the_unit_in_a_counted_year_is_a_finding():
    found = check.findings(
        levels=BLOCK_FAIL,
        years=(2026, 2025),
        person={2026: "good", 2025: "fail", 2024: "fail"},
        unit={2026: "fail"},
    )
    assert found == [
        check.Finding(check.UNIT, 2026, "fail"),
        check.Finding(check.PERSON, 2025, "fail"),
    ]


def test_a_year_outside_those_counted_or_a_side_not_checked_finds_nothing():
    only_person = check.Levels(person=frozenset({"fail"}), unit=frozenset())
    assert check.findings(levels=only_person, years=(2026,), person={}, unit={2026: "fail"}) == []
    assert check.findings(levels=BLOCK_FAIL, years=(2026,), person={2024: "fail"}, unit={}) == []


def test_bottom_years_are_the_counted_years_the_unit_was_rated_lowest():
    assert check.bottom_years(
        years=(2026, 2025), unit={2025: "fail", 2024: "fail"}, bottom="fail"
    ) == [check.Finding(check.UNIT, 2025, "fail")]
