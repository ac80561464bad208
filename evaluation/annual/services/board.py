"""Emulation and the board's review: units register their emulation content and people
register for titles at the start of the year; at year end the board (Hội đồng thi đua –
khen thưởng) confirms or overrides each proposed title (an override needs a written
reason), records its meeting and publishes the final list, which locks the year. The
HR officer may reopen a published year with a reason (audited).

The board decides titles only: no function here touches a score or a level, and the
board's rights reach nothing that does.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from evaluation.annual import locks, models
from evaluation.annual import permissions as year_perms
from evaluation.annual.board_models import (
    COLLECTIVE_TITLES,
    INDIVIDUAL_TITLES,
    AnnualReview,
    Outcome,
    TitleDecision,
    TitleRegistration,
    UnitEmulationRegistration,
    YearReopening,
    YearState,
)
from evaluation.annual.services.procedure import review_of
from hrsystem import clock
from hrsystem.models import Employee, Organisation, Unit
from hrsystem.service_checks import REASON_LENGTH, require, save

PERSON_TITLES = {code for code, _label in INDIVIDUAL_TITLES}
UNIT_TITLES = {code for code, _label in COLLECTIVE_TITLES}


def _on(year: int) -> date:
    return min(date(year, 12, 31), clock.today())


def _text(value, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


@transaction.atomic
def unit_register(*, unit: Unit, year: int, title: str, targets: str, commitments: str, by):
    """A unit registers its emulation content (collective title, targets, commitments)."""
    require(year_perms.can_register_unit(by, unit, _on(year)))
    locks.ensure_open(unit.organisation, year)
    if title not in UNIT_TITLES:
        raise ValidationError({"title": _("Chọn một danh hiệu tập thể.")})
    targets = _text(targets, "targets", _("Phải ghi chỉ tiêu thi đua."))
    commitments = _text(commitments, "commitments", _("Phải ghi cam kết thi đua."))
    record = UnitEmulationRegistration.objects.filter(
        organisation=unit.organisation, year=year, unit=unit
    ).first() or UnitEmulationRegistration(organisation=unit.organisation, year=year, unit=unit)
    record.title = title
    record.targets = targets
    record.commitments = commitments
    record.registered_by = by
    record.registered_at = clock.now()
    save(record, by)
    return record


@transaction.atomic
def title_register(
    *, organisation: Organisation, employee: Employee, year: int, title: str, by
) -> TitleRegistration:
    """A person registers (or is registered by HR) for an individual title."""
    require(year_perms.can_register_title(by, employee, _on(year)))
    locks.ensure_open(organisation, year)
    if title not in PERSON_TITLES:
        raise ValidationError({"title": _("Chọn một danh hiệu cá nhân.")})
    record = TitleRegistration.objects.filter(
        organisation=organisation, year=year, employee=employee
    ).first() or TitleRegistration(organisation=organisation, year=year, employee=employee)
    record.title = title
    record.registered_by = by
    record.registered_at = clock.now()
    save(record, by)
    return record


def _votes(value, field: str) -> int:
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        number = -1
    if number < 0 or number > 999:
        raise ValidationError({field: _("Số phiếu phải là số nguyên từ 0 đến 999.")})
    return number


@transaction.atomic
def title_decide(
    *,
    organisation: Organisation,
    year: int,
    by,
    employee: Employee | None = None,
    unit: Unit | None = None,
    final_title: str | None = None,
    reason: str = "",
    votes_for=0,
    votes_against=0,
) -> TitleDecision:
    """The board confirms a proposed title (`final_title` None or equal to the proposal)
    or overrides it (another title, or "" for none) with a written reason. The proposal
    is the stored roll-up's; refused before a roll-up and on a published year."""
    require(year_perms.can_review_titles(by, organisation, _on(year)))
    locks.ensure_open(organisation, year)
    if (employee is None) == (unit is None):
        raise ValueError("title_decide: give exactly one of employee and unit")
    if employee is not None:
        result = models.AnnualResult.objects.filter(
            organisation=organisation, year=year, employee=employee
        ).first()
        allowed = PERSON_TITLES
    else:
        result = models.UnitAnnualResult.objects.filter(
            organisation=organisation, year=year, unit=unit
        ).first()
        allowed = UNIT_TITLES
    if result is None:
        raise ValidationError({"final_title": _("Chưa có kết quả năm để xét danh hiệu.")})
    proposed = result.title or ""
    final = proposed if final_title is None else final_title
    if final and final not in allowed:
        raise ValidationError({"final_title": _("Danh hiệu không hợp lệ.")})
    outcome = Outcome.CONFIRMED if final == proposed else Outcome.OVERRIDDEN
    reason = (reason or "").strip()
    if outcome == Outcome.OVERRIDDEN and not reason:
        raise ValidationError(
            {"reason": _("Thay đổi danh hiệu đề xuất phải ghi rõ lý do bằng văn bản.")}
        )
    subject = {"employee": employee} if employee is not None else {"unit": unit}
    decision = TitleDecision.objects.filter(
        organisation=organisation, year=year, **subject
    ).first() or TitleDecision(organisation=organisation, year=year, **subject)
    decision.proposed_title = proposed
    decision.final_title = final
    decision.outcome = outcome
    decision.reason = reason
    decision.votes_for = _votes(votes_for, "votes_for")
    decision.votes_against = _votes(votes_against, "votes_against")
    decision.decided_by = by
    decision.decided_at = clock.now()
    save(decision, by)
    return decision


@transaction.atomic
def titles_confirm_all(
    *, organisation: Organisation, year: int, meeting_reference: str, by
) -> list[TitleDecision]:
    """The board confirms, in one act citing its meeting (minutes number and date),
    every proposed title it has not decided yet; overrides and decisions already taken
    are left as they are. Each confirmation keeps a history row by `by` with the
    meeting reference as its reason. Refused on a published year and when nothing is
    left to confirm."""
    require(year_perms.can_review_titles(by, organisation, _on(year)))
    locks.ensure_open(organisation, year)
    reference = _text(
        meeting_reference,
        "meeting_reference",
        _("Phải ghi biên bản họp hội đồng (số, ngày) làm căn cứ xác nhận."),
    )
    reason = _("Giữ nguyên đề xuất theo biên bản họp %(reference)s") % {"reference": reference}
    decided = TitleDecision.objects.filter(organisation=organisation, year=year)
    now = clock.now()
    common = {
        "organisation": organisation,
        "year": year,
        "outcome": Outcome.CONFIRMED,
        "reason": reason,
        "decided_by": by,
        "decided_at": now,
    }
    rows = [
        TitleDecision(employee_id=employee_id, proposed_title=title, final_title=title, **common)
        for employee_id, title in models.AnnualResult.objects.filter(
            organisation=organisation, year=year
        )
        .exclude(title="")
        .exclude(Exists(decided.filter(employee=OuterRef("employee"))))
        .order_by("employee_id")
        .values_list("employee_id", "title")
    ] + [
        TitleDecision(unit_id=unit_id, proposed_title=title, final_title=title, **common)
        for unit_id, title in models.UnitAnnualResult.objects.filter(
            organisation=organisation, year=year
        )
        .exclude(title="")
        .exclude(Exists(decided.filter(unit=OuterRef("unit"))))
        .order_by("unit_id")
        .values_list("unit_id", "title")
    ]
    if not rows:
        raise ValidationError(
            {"meeting_reference": _("Không còn danh hiệu đề xuất nào chờ hội đồng xét.")}
        )
    return bulk_create_with_history(
        rows, TitleDecision, default_user=by, default_change_reason=reason[:REASON_LENGTH]
    )


@transaction.atomic
def board_meeting_record(
    *,
    organisation: Organisation,
    year: int,
    meeting_on: date,
    members: list[Employee],
    notes: str,
    by,
) -> AnnualReview:
    """The board's meeting: date, members present (board members of the agency), notes."""
    require(year_perms.can_review_titles(by, organisation, _on(year)))
    locks.ensure_open(organisation, year)
    if meeting_on is None or meeting_on.year not in (year, year + 1):
        raise ValidationError({"meeting_on": _("Ngày họp phải trong năm đánh giá hoặc năm sau.")})
    if not members:
        raise ValidationError({"members": _("Phải ghi các thành viên có mặt.")})
    strangers = [
        m
        for m in members
        if not (m.user and year_perms.is_board_member(m.user, organisation, _on(year)))
    ]
    if strangers:
        raise ValidationError(
            {
                "members": _("Không phải thành viên hội đồng: %(names)s.")
                % {"names": ", ".join(str(m) for m in strangers)}
            }
        )
    review = AnnualReview.objects.select_for_update().get(pk=review_of(organisation, year).pk)
    review.meeting_on = meeting_on
    review.meeting_notes = (notes or "").strip()
    save(review, by)
    review.members_present.set(members)
    return review


@transaction.atomic
def publish(*, organisation: Organisation, year: int, by) -> AnnualReview:
    """Publish the final list and lock the year. Refused when already published, before
    the roll-up, before the board's meeting is recorded, or while a proposed title has
    no decision."""
    require(year_perms.can_review_titles(by, organisation, _on(year)))
    review = AnnualReview.objects.select_for_update().get(pk=review_of(organisation, year).pk)
    if review.state == YearState.PUBLISHED:
        raise ValidationError({"year": _("Kết quả năm %(year)s đã được công bố.") % {"year": year}})
    run = models.AnnualRun.objects.filter(organisation=organisation, year=year).first()
    if run is None or run.computed_at is None:
        raise ValidationError({"year": _("Chưa tổng hợp kết quả năm.")})
    if review.meeting_on is None:
        raise ValidationError(
            {"meeting_on": _("Phải ghi biên bản họp hội đồng trước khi công bố.")}
        )
    undecided = missing_decisions(organisation, year)
    if undecided:
        raise ValidationError(
            {
                "year": _("Còn %(count)s danh hiệu đề xuất chưa được hội đồng xét.")
                % {"count": undecided}
            }
        )
    review.state = YearState.PUBLISHED
    review.published_at = clock.now()
    review.published_by = by
    save(review, by)
    return review


def missing_decisions(organisation: Organisation, year: int) -> int:
    """How many proposed titles (people's and units') have no board decision; 2 queries."""
    decided = TitleDecision.objects.filter(organisation=organisation, year=year)
    people = (
        models.AnnualResult.objects.filter(organisation=organisation, year=year)
        .exclude(title="")
        .exclude(Exists(decided.filter(employee=OuterRef("employee"))))
        .count()
    )
    units = (
        models.UnitAnnualResult.objects.filter(organisation=organisation, year=year)
        .exclude(title="")
        .exclude(Exists(decided.filter(unit=OuterRef("unit"))))
        .count()
    )
    return people + units


@transaction.atomic
def reopen(*, organisation: Organisation, year: int, reason: str, by) -> YearReopening:
    """The HR officer reopens a published year with a written reason (audited)."""
    require(year_perms.can_reopen_year(by, organisation, _on(year)))
    reason = _text(reason, "reason", _("Mở lại năm phải ghi rõ lý do."))
    review = AnnualReview.objects.select_for_update().get(pk=review_of(organisation, year).pk)
    if review.state != YearState.PUBLISHED:
        raise ValidationError({"reason": _("Năm chưa công bố: không cần mở lại.")})
    review.state = YearState.OPEN
    review._change_reason = reason
    save(review, by)
    return YearReopening.objects.create(review=review, reason=reason, by=by, at=clock.now())
