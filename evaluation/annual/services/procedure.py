"""The year's procedure (NĐ 335/2025 and the annual practice): the self-evaluation
deadline, each person's self-evaluation, the unit's review meeting with its confidential
confidence vote on the head, the superior's rating, and the person's appeal of the
published year.

Keyword-only, atomic, `by` checked inside (PermissionDenied), ValidationError naming the
field; a refusal writes nothing. A published year refuses every change (`locks`).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from evaluation import scoring
from evaluation.annual import locks, models
from evaluation.annual import permissions as year_perms
from evaluation.annual import selectors as year_selectors
from evaluation.annual.board_models import (
    LEVEL_CHOICES,
    AnnualAppeal,
    AnnualReview,
    AppealState,
    Confidence,
    ConfidenceTally,
    ConfidenceVoter,
    LevelDecision,
    LevelSource,
    SelfAssessment,
    SuperiorRating,
    UnitMeeting,
)
from evaluation.presenters import level_label
from evaluation.rulesets import rule_set_from_snapshot
from hrsystem import clock, selectors
from hrsystem.models import Employee, Organisation, Unit
from hrsystem.service_checks import require, save

LEVELS = {code for code, _label in LEVEL_CHOICES}
MIN_VOTERS_SHOWN = 5
"""A confidence vote's result is shown only once at least this many have voted."""


def _on(year: int) -> date:
    return min(date(year, 12, 31), clock.today())


def _text(value, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _level(value, field: str = "level") -> str:
    if value not in LEVELS:
        raise ValidationError({field: _("Chọn một mức xếp loại.")})
    return value


def review_of(organisation: Organisation, year: int) -> AnnualReview:
    """The agency's year as a procedure, created on first use."""
    review, _created = AnnualReview.objects.get_or_create(organisation=organisation, year=year)
    return review


def _organisation_of(employee: Employee, year: int) -> Organisation:
    unit = selectors.unit_of(employee, on=_on(year))
    if unit is None:
        raise ValidationError(
            {
                "employee": _("%(person)s không công tác trong năm %(year)s.")
                % {"person": employee, "year": year}
            }
        )
    return unit.organisation


@transaction.atomic
def deadline_set(*, organisation: Organisation, year: int, deadline: date | None, by):
    """The HR officer sets (or clears) the self-evaluation deadline of the year."""
    require(year_perms.can_set_deadline(by, organisation, _on(year)))
    locks.ensure_open(organisation, year)
    if deadline is not None and deadline.year not in (year, year + 1):
        raise ValidationError(
            {"deadline": _("Hạn tự đánh giá phải trong năm đánh giá hoặc năm sau đó.")}
        )
    review = AnnualReview.objects.select_for_update().get(pk=review_of(organisation, year).pk)
    review.self_assessment_deadline = deadline
    save(review, by)
    return review


@transaction.atomic
def self_assess(*, employee: Employee, year: int, comment: str, proposed_level: str, by):
    """The person's own annual self-evaluation (comment and proposed level), before the
    deadline; they may amend it until then."""
    require(year_perms.is_self(by, employee))
    organisation = _organisation_of(employee, year)
    locks.ensure_open(organisation, year)
    comment = _text(comment, "comment", _("Phải ghi tự nhận xét."))
    proposed_level = _level(proposed_level, "proposed_level")
    deadline = review_of(organisation, year).self_assessment_deadline
    if deadline is not None and clock.today() > deadline:
        raise ValidationError(
            {"comment": _("Đã quá hạn tự đánh giá (%(day)s).") % {"day": f"{deadline:%d/%m/%Y}"}}
        )
    record = SelfAssessment.objects.filter(
        organisation=organisation, year=year, employee=employee
    ).first() or SelfAssessment(organisation=organisation, year=year, employee=employee)
    record.comment = comment
    record.proposed_level = proposed_level
    record.submitted_at = clock.now()
    save(record, by)
    return record


def _engine_result(organisation: Organisation, year: int, employee: Employee):
    """The person's stored annual result (the engine's proposal) and the run's rules;
    refused before the roll-up and for a person the engine did not rate."""
    result = models.AnnualResult.objects.filter(
        organisation=organisation, year=year, employee=employee
    ).first()
    run = year_selectors.run_of(organisation, year)
    if result is None or run is None or not run.rule_set_snapshot:
        raise ValidationError(
            {"level": _("Chưa tổng hợp kết quả năm: mức xếp loại được quyết định trên đề xuất.")}
        )
    if not result.rated:
        raise ValidationError(
            {
                "level": _(
                    "%(person)s không được xếp loại năm (dưới 6 tháng công tác): không quyết "
                    "định mức xếp loại."
                )
                % {"person": employee}
            }
        )
    return result, rule_set_from_snapshot(run.rule_set_snapshot)


def _check_quota(result: models.AnnualResult, level: str, rules) -> None:
    """Refuse a decided Xuất sắc beyond the quota of the person's group (the quota step):
    the limit is the engine's (rate × the group's people rated Tốt or Xuất sắc after the
    caps, rounded as the rule set says); the holders counted are the decided levels."""
    if level != scoring.TOP:
        return
    levels = year_selectors.decided_group_levels(result)
    base = sum(1 for engine, _final in levels.values() if engine in rules.annual_quota_base_levels)
    limit = scoring.quota_limit(rules, rules.annual_quota_rate, base)
    others = sum(
        1 for pk, (_engine, final) in levels.items() if final == scoring.TOP and pk != result.pk
    )
    if others + 1 > limit:
        raise ValidationError(
            {
                "level": _(
                    "Vượt tỷ lệ mức %(top)s của nhóm %(group)s (bước tỷ lệ): %(base)s người "
                    "đạt từ mức Tốt trở lên nên chỉ %(limit)s người được mức %(top)s, đã có "
                    "%(count)s."
                )
                % {
                    "top": level_label(rules, scoring.TOP),
                    "group": result.quota_group or _("toàn cơ quan"),
                    "base": base,
                    "limit": limit,
                    "count": others,
                }
            }
        )


def _decide_level(
    *, result: models.AnnualResult, level: str, reason: str, source: str, by, appeal=None
) -> LevelDecision:
    """Write the person's decided level (history: who, when, why)."""
    record = LevelDecision.objects.filter(
        organisation_id=result.organisation_id, year=result.year, employee_id=result.employee_id
    ).first() or LevelDecision(
        organisation_id=result.organisation_id, year=result.year, employee_id=result.employee_id
    )
    record.engine_level = result.level
    record.level = level
    record.source = source
    record.reason = reason
    record.appeal = appeal
    record.decided_by = by
    record.decided_at = clock.now()
    if reason:
        record._change_reason = reason[:100]
    save(record, by)
    return record


@transaction.atomic
def rate_year(*, employee: Employee, year: int, level: str, comment: str, by, reason: str = ""):
    """The superior's rating of a person's year with a comment; never one's own. It
    decides the person's level (NĐ 335/2025: the engine's level is the proposal); a
    level other than the engine's needs a written `reason` and may not take a Xuất
    sắc beyond the group's quota. Refused before the roll-up and once published."""
    require(year_perms.can_rate_year(by, employee, _on(year)))
    organisation = _organisation_of(employee, year)
    locks.ensure_open(organisation, year)
    level = _level(level)
    comment = _text(comment, "comment", _("Phải ghi nhận xét khi đánh giá."))
    result, rules = _engine_result(organisation, year, employee)
    reason = (reason or "").strip()
    if level != result.level and not reason:
        raise ValidationError(
            {
                "reason": _(
                    "Mức đánh giá khác mức hệ thống đề xuất (%(engine)s): phải ghi rõ lý do "
                    "bằng văn bản."
                )
                % {"engine": level_label(rules, result.level)}
            }
        )
    _check_quota(result, level, rules)
    record = SuperiorRating.objects.filter(
        organisation=organisation, year=year, employee=employee
    ).first() or SuperiorRating(organisation=organisation, year=year, employee=employee)
    record.level = level
    record.comment = comment
    record.rated_by = by
    record.rated_at = clock.now()
    if reason:
        record._change_reason = reason[:100]
    save(record, by)
    _decide_level(result=result, level=level, reason=reason, source=LevelSource.RATING, by=by)
    return record


@transaction.atomic
def meeting_record(
    *,
    unit: Unit,
    year: int,
    held_on: date,
    present: list[Employee],
    comments: str,
    vote_open: bool,
    by,
):
    """The unit's annual review meeting: date, who was present (the unit's own people),
    colleagues' comments, and whether a confidence vote on the head is held."""
    require(year_perms.can_hold_meeting(by, unit, _on(year)))
    organisation = unit.organisation
    locks.ensure_open(organisation, year)
    if held_on is None or held_on.year not in (year, year + 1):
        raise ValidationError({"held_on": _("Ngày họp phải trong năm đánh giá hoặc năm sau.")})
    staff = {m.employee.pk for m in selectors.unit_staff(unit, on=held_on)}
    outsiders = [p for p in present if p.pk not in staff]
    if outsiders:
        raise ValidationError(
            {
                "present": _("Không thuộc đơn vị: %(names)s.")
                % {"names": ", ".join(str(p) for p in outsiders)}
            }
        )
    meeting = UnitMeeting.objects.filter(organisation=organisation, year=year, unit=unit).first()
    if meeting is not None and meeting.voters.exists() and not vote_open:
        raise ValidationError(
            {"vote_open": _("Đã có người bỏ phiếu: không huỷ được cuộc bỏ phiếu.")}
        )
    if meeting is None:
        meeting = UnitMeeting(organisation=organisation, year=year, unit=unit)
    meeting.held_on = held_on
    meeting.comments = (comments or "").strip()
    meeting.vote_open = bool(vote_open)
    meeting.recorded_by = by
    meeting.recorded_at = clock.now()
    meeting.save()
    meeting.present.set(present)
    return meeting


def _voter(by, meeting: UnitMeeting) -> Employee:
    """The voting employee: on the unit's staff on the meeting day, not its leader."""
    employee = Employee.objects.filter(user=by).first() if by is not None else None
    if employee is None:
        require(False)
    members = selectors.unit_staff(meeting.unit, on=meeting.held_on)
    member = next((m for m in members if m.employee.pk == employee.pk), None)
    if member is None:
        raise ValidationError({"option": _("Chỉ cán bộ của đơn vị được bỏ phiếu tín nhiệm.")})
    if member.is_leader:
        raise ValidationError({"option": _("Người đứng đầu không bỏ phiếu tín nhiệm chính mình.")})
    return employee


@transaction.atomic
def confidence_vote(*, meeting: UnitMeeting, option: str, by) -> None:
    """Cast one confidential vote on the unit's head. Two separate writes that share
    nothing but the meeting: `by` joins the voters (refused the second time) and the
    chosen option's count goes up by one. No row names both."""
    meeting = UnitMeeting.objects.select_for_update().get(pk=meeting.pk)
    locks.ensure_open(meeting.organisation, meeting.year)
    if not meeting.vote_open:
        raise ValidationError({"option": _("Đơn vị không lấy phiếu tín nhiệm.")})
    if option not in Confidence.values:
        raise ValidationError({"option": _("Chọn một mức tín nhiệm.")})
    employee = _voter(by, meeting)
    try:
        with transaction.atomic():
            ConfidenceVoter.objects.create(meeting=meeting, employee=employee)
    except IntegrityError:
        raise ValidationError({"option": _("Bạn đã bỏ phiếu rồi.")}) from None
    tally, _created = ConfidenceTally.objects.get_or_create(meeting=meeting, option=option)
    ConfidenceTally.objects.filter(pk=tally.pk).update(count=F("count") + 1)


@transaction.atomic
def appeal_file(*, employee: Employee, year: int, reason: str, by) -> AnnualAppeal:
    """The person appeals their published year, as for a month; one pending at a time."""
    require(year_perms.is_self(by, employee))
    organisation = _organisation_of(employee, year)
    if not locks.is_published(organisation, year):
        raise ValidationError({"reason": _("Chỉ kiến nghị được kết quả năm đã công bố.")})
    reason = _text(reason, "reason", _("Kiến nghị phải ghi rõ nội dung."))
    if AnnualAppeal.objects.filter(
        organisation=organisation, year=year, employee=employee, state=AppealState.PENDING
    ).exists():
        raise ValidationError({"reason": _("Bạn đã có kiến nghị đang chờ giải quyết.")})
    appeal = AnnualAppeal(
        organisation=organisation,
        year=year,
        employee=employee,
        filed_by=by,
        filed_at=clock.now(),
        reason=reason,
    )
    save(appeal, by)
    return appeal


@transaction.atomic
def appeal_decide(
    *, appeal: AnnualAppeal, upheld: bool, reason: str, by, level: str | None = None
) -> AnnualAppeal:
    """The HR officer decides an annual appeal with a written reason. An upheld appeal
    may change the person's decided level (`level`), with the decision's reason: that
    needs the year reopened (with its own reason) and keeps the quota; a rejected one
    changes nothing."""
    appeal = AnnualAppeal.objects.select_for_update().get(pk=appeal.pk)
    require(year_perms.can_decide_appeal(by, appeal.organisation, _on(appeal.year)))
    if appeal.employee.user_id == by.pk:
        require(False)
    if appeal.state != AppealState.PENDING:
        raise ValidationError({"reason": _("Kiến nghị này đã được giải quyết.")})
    appeal.decision_reason = _text(reason, "reason", _("Quyết định phải ghi rõ lý do."))
    result = None
    if level:
        if not upheld:
            raise ValidationError(
                {"level": _("Chỉ kiến nghị được chấp nhận mới thay đổi mức xếp loại.")}
            )
        level = _level(level)
        locks.ensure_open(appeal.organisation, appeal.year)
        result, rules = _engine_result(appeal.organisation, appeal.year, appeal.employee)
        _check_quota(result, level, rules)
    appeal.state = AppealState.UPHELD if upheld else AppealState.REJECTED
    appeal.decided_by = by
    appeal.decided_at = clock.now()
    save(appeal, by)
    if result is not None:
        _decide_level(
            result=result,
            level=level,
            reason=appeal.decision_reason,
            source=LevelSource.APPEAL,
            appeal=appeal,
            by=by,
        )
    return appeal


def confidence_result(meeting: UnitMeeting) -> dict | None:
    """The vote's counts per option, or None while fewer than `MIN_VOTERS_SHOWN` voted;
    2 queries."""
    voters = meeting.voters.count()
    if voters < MIN_VOTERS_SHOWN:
        return None
    counts = dict(meeting.tallies.values_list("option", "count"))
    return {
        "voters": voters,
        "rows": [(label, counts.get(code, 0)) for code, label in Confidence.choices],
    }
