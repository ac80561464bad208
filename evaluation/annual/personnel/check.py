"""What the agency's personnel rule says about one person: pure functions over plain
values (levels by year), no ORM, no Django.

A *reappointment* is checked against the rule's reappointment levels; an appointment or a
rotation *up* (to a unit higher in the tree than the one the person comes from) against
its rotation levels. A finding names the year, whose level (the person's or their unit's)
and the level; any finding means the rule says no.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

PERSON = "person"
UNIT = "unit"

REAPPOINTMENT = "reappointment"
ROTATION_UP = "rotation_up"


@dataclass(frozen=True, slots=True)
class Levels:
    """The levels that block one action: of the person, of their unit (empty: not checked)."""

    person: frozenset[str]
    unit: frozenset[str]


@dataclass(frozen=True, slots=True)
class Finding:
    """In `year`, `subject` (PERSON or UNIT) was rated `level`."""

    subject: str
    year: int
    level: str


def parse_levels(text: str) -> frozenset[str]:
    """Level codes written comma-separated ("fail,complete"), blanks ignored."""
    return frozenset(code.strip() for code in (text or "").split(",") if code.strip())


def counted_years(years_done: Iterable[int], *, up_to: int, count: int) -> tuple[int, ...]:
    """The `count` latest years with results (`years_done`) up to `up_to`, latest first."""
    return tuple(sorted((y for y in set(years_done) if y <= up_to), reverse=True)[:count])


def action_of(kind: str, *, from_depth: int, to_depth: int) -> str | None:
    """Which of the rule's checks a proposal of `kind` falls under: a reappointment, a
    rotation up (appointment or rotation into a unit higher than the one the person comes
    from), or neither (a move sideways or down)."""
    if kind == "reappoint":
        return REAPPOINTMENT
    if kind in ("appoint", "rotate") and to_depth < from_depth:
        return ROTATION_UP
    return None


def findings(
    *,
    levels: Levels,
    years: Iterable[int],
    person: Mapping[int, str],
    unit: Mapping[int, str],
) -> list[Finding]:
    """Each counted year where the person's or the unit's level is one that blocks."""
    found = []
    for year in years:
        if person.get(year) in levels.person:
            found.append(Finding(PERSON, year, person[year]))
        if unit.get(year) in levels.unit:
            found.append(Finding(UNIT, year, unit[year]))
    return found


def bottom_years(*, years: Iterable[int], unit: Mapping[int, str], bottom: str) -> list[Finding]:
    """Counted years in which the unit was rated at the bottom level: a proposal from such
    a unit always warns, whatever the rule (the articles' "weak wards")."""
    return [Finding(UNIT, year, unit[year]) for year in years if unit.get(year) == bottom]
