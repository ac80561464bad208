"""Reads of the personnel board: the rule in effect, the counted years and the annual
levels of people and units, the report of reappointments and rotations due, and what a
proposal would be warned about. Every read is a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import F, Q
from django.utils.translation import gettext as _

from evaluation import scoring
from evaluation.annual.board_models import LEVEL_CHOICES
from evaluation.annual.models import AnnualResult, AnnualRun, RunState, UnitAnnualResult
from evaluation.annual.personnel_models import PersonnelProposal, PersonnelRule, ProposalKind
from hrsystem.models import Employee, Organisation, Post, PostKind, Unit
from hrsystem.service_checks import day_text

from . import check

LEVEL_LABELS = dict(LEVEL_CHOICES)
BOTTOM = scoring.FAIL
"""The bottom annual level (Không hoàn thành nhiệm vụ): a unit rated so is a weak unit."""
DUE_POSTS = (PostKind.HEAD, PostKind.DEPUTY)
"""Posts held by appointment for a term, whose term end makes a reappointment due."""


def rule_on(organisation: Organisation, on: date) -> PersonnelRule:
    """The version in effect on `on`: the agency's latest from that day or before, else the
    shipped default's; an unsaved row with the model's defaults (off) if there is none.
    One query."""
    found = (
        PersonnelRule.objects.filter(
            Q(organisation=organisation) | Q(organisation__isnull=True), effective_from__lte=on
        )
        .order_by(F("organisation_id").desc(nulls_last=True), "-effective_from")
        .first()
    )
    return found or PersonnelRule(organisation=organisation, effective_from=on)


def rule_levels(rule: PersonnelRule, action: str | None) -> check.Levels:
    """The levels that block `action` under `rule` (none when it is off or for no action)."""
    if not rule.enabled or action is None:
        return check.Levels(frozenset(), frozenset())
    if action == check.REAPPOINTMENT:
        person, unit = rule.reappoint_person_levels, rule.reappoint_unit_levels
    else:
        person, unit = rule.rotation_person_levels, rule.rotation_unit_levels
    return check.Levels(check.parse_levels(person), check.parse_levels(unit))


def years_counted(organisation: Organisation, rule: PersonnelRule, on: date) -> tuple[int, ...]:
    """The rule's number of latest rolled-up years of the agency up to `on`'s year. One query."""
    done = AnnualRun.objects.filter(
        organisation=organisation, state=RunState.DONE, year__lte=on.year
    ).values_list("year", flat=True)
    return check.counted_years(done, up_to=on.year, count=rule.years_counted)


@dataclass(slots=True)
class Levels:
    """Annual levels by (person id, year) and (unit id, year)."""

    people: dict[int, dict[int, str]]
    units: dict[int, dict[int, str]]


def levels_of(organisation: Organisation, years: Iterable[int], employee_ids, unit_ids) -> Levels:
    """The stored annual levels of these people and units in these years. Two queries."""
    years = list(years)
    people: dict[int, dict[int, str]] = {}
    units: dict[int, dict[int, str]] = {}
    if years:
        for employee_id, year, level in AnnualResult.objects.filter(
            organisation=organisation, year__in=years, employee_id__in=list(employee_ids)
        ).values_list("employee_id", "year", "level"):
            if level:
                people.setdefault(employee_id, {})[year] = level
        for unit_id, year, level in UnitAnnualResult.objects.filter(
            organisation=organisation, year__in=years, unit_id__in=list(unit_ids)
        ).values_list("unit_id", "year", "level"):
            if level:
                units.setdefault(unit_id, {})[year] = level
    return Levels(people, units)


def finding_text(finding: check.Finding, unit: Unit) -> str:
    level = str(LEVEL_LABELS.get(finding.level, finding.level))
    if finding.subject == check.PERSON:
        return _("Năm %(year)s: cá nhân xếp loại %(level)s.") % {
            "year": finding.year,
            "level": level,
        }
    return _("Năm %(year)s: đơn vị %(unit)s xếp loại %(level)s.") % {
        "year": finding.year,
        "unit": unit.name,
        "level": level,
    }


def rule_text(rule: PersonnelRule, action: str) -> str:
    """What the rule says, with its date and its legal basis."""
    if action == check.REAPPOINTMENT:
        says = _("không bổ nhiệm lại")
    else:
        says = _("không luân chuyển, bổ nhiệm lên đơn vị cấp trên")
    text = _("Theo quy định của cơ quan áp dụng từ %(day)s: %(says)s.") % {
        "day": day_text(rule.effective_from),
        "says": says,
    }
    if rule.legal_basis:
        text += " " + _("Căn cứ: %(basis)s") % {"basis": rule.legal_basis}
    return text


def warnings_for(
    *,
    rule: PersonnelRule,
    action: str | None,
    years: tuple[int, ...],
    person: dict[int, str],
    unit_levels: dict[int, str],
    unit: Unit,
    weak_unit_warns: bool,
) -> tuple[list[check.Finding], list[str]]:
    """The rule's findings on one person and the texts to show: each finding, then the
    rule and its basis; a proposal (`weak_unit_warns`) also warns of every counted year
    its unit was rated at the bottom level, rule or no rule."""
    found = check.findings(
        levels=rule_levels(rule, action), years=years, person=person, unit=unit_levels
    )
    texts = [finding_text(finding, unit) for finding in found]
    if found:
        texts.append(rule_text(rule, action))
    if weak_unit_warns:
        for finding in check.bottom_years(years=years, unit=unit_levels, bottom=BOTTOM):
            if finding not in found:
                texts.append(
                    _("Năm %(year)s: đơn vị %(unit)s xếp loại %(level)s (mức thấp nhất).")
                    % {
                        "year": finding.year,
                        "unit": unit.name,
                        "level": LEVEL_LABELS.get(finding.level, finding.level),
                    }
                )
    return found, texts


@dataclass(slots=True)
class DueRow:
    """A reappointment (a post whose term runs out) or a proposal due in the window."""

    employee: Employee
    unit: Unit
    due: date
    what: str
    post_kind: str
    to_unit: Unit | None
    person_levels: list[tuple[int, str]]
    unit_levels: list[tuple[int, str]]
    findings: list[check.Finding] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return bool(self.findings)


@dataclass(slots=True)
class PersonnelReport:
    organisation: Organisation
    on: date
    until: date
    rule: PersonnelRule
    years: tuple[int, ...]
    rows: list[DueRow]

    @property
    def flagged(self) -> int:
        return sum(row.flagged for row in self.rows)


def _labelled(years, levels: dict[int, str]) -> list[tuple[int, str]]:
    return [(year, str(LEVEL_LABELS.get(levels.get(year, ""), "—"))) for year in years]


def personnel_report(*, organisation: Organisation, on: date, days: int) -> PersonnelReport:
    """Heads and deputies whose term runs out between `on` and `days` later (their
    reappointment is due) and the proposals to appoint or rotate someone effective in
    that window, each with the counted years' levels of the person and of their unit and
    what the agency's rule says. Six queries, whatever the number of rows."""
    until = on + timedelta(days=days)
    rule = rule_on(organisation, on)
    years = years_counted(organisation, rule, on)
    posts = list(
        Post.objects.filter(
            Q(end__isnull=True) | Q(end__gte=on),
            unit__organisation=organisation,
            kind__in=DUE_POSTS,
            start__lte=on,
            term_end__gte=on,
            term_end__lte=until,
        )
        .select_related("employee", "unit")
        .order_by("term_end", "unit__path", "kind")
    )
    proposals = list(
        PersonnelProposal.objects.filter(
            organisation=organisation, effective_on__gte=on, effective_on__lte=until
        )
        .select_related("employee", "from_unit", "to_unit")
        .order_by("effective_on", "pk")
    )
    levels = levels_of(
        organisation,
        years,
        {post.employee_id for post in posts} | {p.employee_id for p in proposals},
        {post.unit_id for post in posts} | {p.from_unit_id for p in proposals},
    )
    rows = []
    for post in posts:
        person = levels.people.get(post.employee_id, {})
        unit = levels.units.get(post.unit_id, {})
        found, texts = warnings_for(
            rule=rule,
            action=check.REAPPOINTMENT,
            years=years,
            person=person,
            unit_levels=unit,
            unit=post.unit,
            weak_unit_warns=False,
        )
        rows.append(
            DueRow(
                employee=post.employee,
                unit=post.unit,
                due=post.term_end,
                what=str(ProposalKind.REAPPOINT.label),
                post_kind=post.get_kind_display(),
                to_unit=None,
                person_levels=_labelled(years, person),
                unit_levels=_labelled(years, unit),
                findings=found,
                texts=texts,
            )
        )
    for proposal in proposals:
        person = levels.people.get(proposal.employee_id, {})
        unit = levels.units.get(proposal.from_unit_id, {})
        action = check.action_of(
            proposal.kind, from_depth=proposal.from_unit.depth, to_depth=proposal.to_unit.depth
        )
        found, texts = warnings_for(
            rule=rule,
            action=action,
            years=years,
            person=person,
            unit_levels=unit,
            unit=proposal.from_unit,
            weak_unit_warns=False,
        )
        rows.append(
            DueRow(
                employee=proposal.employee,
                unit=proposal.from_unit,
                due=proposal.effective_on,
                what=proposal.get_kind_display(),
                post_kind=proposal.get_post_kind_display(),
                to_unit=proposal.to_unit,
                person_levels=_labelled(years, person),
                unit_levels=_labelled(years, unit),
                findings=found,
                texts=texts,
            )
        )
    rows.sort(key=lambda row: (row.due, row.unit.path, row.employee.sort_key))
    return PersonnelReport(organisation, on, until, rule, years, rows)


def proposal_warnings(
    *,
    organisation: Organisation,
    employee: Employee,
    kind: str,
    from_unit: Unit,
    to_unit: Unit,
    on: date,
) -> tuple[PersonnelRule, list[str]]:
    """The rule in effect on `on` and what a proposal of `kind` for `employee` from
    `from_unit` to `to_unit` would be warned about. Four queries."""
    rule = rule_on(organisation, on)
    years = years_counted(organisation, rule, on)
    levels = levels_of(organisation, years, [employee.pk], [from_unit.pk])
    _found, texts = warnings_for(
        rule=rule,
        action=check.action_of(kind, from_depth=from_unit.depth, to_depth=to_unit.depth),
        years=years,
        person=levels.people.get(employee.pk, {}),
        unit_levels=levels.units.get(from_unit.pk, {}),
        unit=from_unit,
        weak_unit_warns=True,
    )
    return rule, texts
