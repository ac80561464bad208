"""Qualification statistics: per unit and for the agency, the shares the reports quote
(e.g. "standard general education 96.7 %, professional level college or above 83.4 %")
among the people working there on a day."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from .models import Assignment, Organisation, Qualification, QualificationKind, Unit
from .selectors import active_on

CENT = Decimal("0.01")

MEASURES: list[tuple[str, str, frozenset[str], object]] = [
    ("general", QualificationKind.GENERAL, frozenset({"thpt"}), _("Giáo dục phổ thông đạt chuẩn")),
    (
        "college",
        QualificationKind.PROFESSIONAL,
        frozenset({"sau_dai_hoc", "dai_hoc", "cao_dang"}),
        _("Chuyên môn cao đẳng trở lên"),
    ),
    (
        "political",
        QualificationKind.POLITICAL,
        frozenset({"cao_cap", "trung_cap"}),
        _("Lý luận chính trị trung cấp trở lên"),
    ),
    (
        "state_mgmt",
        QualificationKind.STATE_MANAGEMENT,
        frozenset({"cvcc", "cvc", "cv", "can_su"}),
        _("Đã bồi dưỡng quản lý nhà nước"),
    ),
    ("it", QualificationKind.IT, frozenset({"nang_cao", "co_ban"}), _("Có chứng chỉ tin học")),
    (
        "language",
        QualificationKind.LANGUAGE,
        frozenset({"c", "b", "a", "dan_toc"}),
        _("Có chứng chỉ ngoại ngữ, tiếng dân tộc"),
    ),
]
"""(key, kind, levels that count, label) of each share."""


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, ROUND_HALF_UP)


@dataclass(slots=True)
class QualificationRow:
    """People of a unit (or the agency) and how many meet each measure."""

    code: str
    name: str
    people: int
    counts: dict[str, int]

    @property
    def shares(self) -> list[tuple[str, int, Decimal | None]]:
        """(key, count, percent) in the order of `MEASURES`."""
        return [
            (key, self.counts.get(key, 0), _percent(self.counts.get(key, 0), self.people))
            for key, _kind, _levels, _label in MEASURES
        ]


def qualification_statistics(
    *, organisation: Organisation, on: date, unit_ids=None
) -> tuple[list[QualificationRow], QualificationRow]:
    """Per unit (limited to `unit_ids` when given) and for them all: the people working
    there on `on` and how many hold a qualification counted by each measure, awarded by
    `on`; 3 queries."""
    assignments = Assignment.objects.filter(active_on(on), unit__organisation=organisation)
    if unit_ids is not None:
        assignments = assignments.filter(unit_id__in=list(unit_ids))
    people_by_unit: dict[int, set[int]] = defaultdict(set)
    for unit_id, employee_id in assignments.values_list("unit_id", "employee_id"):
        people_by_unit[unit_id].add(employee_id)
    everyone = set().union(*people_by_unit.values()) if people_by_unit else set()
    held: dict[int, set[str]] = defaultdict(set)
    rows = Qualification.objects.filter(employee_id__in=everyone, awarded_on__lte=on)
    for employee_id, kind, level in rows.values_list("employee_id", "kind", "level"):
        for key, measure_kind, levels, _label in MEASURES:
            if kind == measure_kind and level in levels:
                held[employee_id].add(key)

    def row(code: str, name: str, people: set[int]) -> QualificationRow:
        counts: dict[str, int] = defaultdict(int)
        for employee_id in people:
            for key in held.get(employee_id, ()):
                counts[key] += 1
        return QualificationRow(code=code, name=name, people=len(people), counts=dict(counts))

    units = Unit.objects.filter(pk__in=list(people_by_unit)).order_by("path")
    per_unit = [row(unit.code, unit.name, people_by_unit[unit.pk]) for unit in units]
    return per_unit, row(organisation.code, str(organisation.name), everyone)
