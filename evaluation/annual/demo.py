"""The demo agency's year, ready for the board (`manage.py setup_demo_year`, run by
`setup_demo` after the months).

The year is the current one from August on (its months so far), else the last one. Of
its months before the six the demo shows, only as many as the year needs to reach the
rule set's minimum of locked months are published (as those are: each month costs seconds
of `./run demo`); every month whose appeal window has passed is locked by the HR
officer; two initiatives are recognised, units register their emulation content and a
few people their titles; the HR officer rolls the year up, the agency's unit TCKH holds
its review meeting with a confidence vote on its head, and `hoi_dong` finds every
proposal waiting for the board.

The personnel board: the head of KTHT was concluded to have degraded this year (rated
Không hoàn thành), the terms of the heads of KTHT and TCKH run out within the next months,
and the demo agency switches its personnel rule on (the shipped default stays off) so the
report flags KTHT's head; the rule row's note says why.

Idempotent: a year already rolled up is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from discipline.selectors import month_bounds
from evaluation import demo as month_demo
from evaluation.annual import models, services
from evaluation.annual.board_models import Confidence
from evaluation.annual.personnel import services as personnel_services
from evaluation.annual.services import board, procedure
from evaluation.models import Evaluation, Period, PeriodState
from evaluation.rulesets import rule_set_from_snapshot
from evaluation.services import period_lock
from hrsystem import clock as app_clock
from hrsystem import selectors as hr_selectors
from hrsystem.demo import clock, past_months
from hrsystem.models import Employee, Organisation, Post, PostKind, Unit
from hrsystem.services import post_term_set

FIRST_FULL_MONTH = 8
"""From August the current year has at least six months the board can weigh."""
MEETING_UNIT = "TCKH"
WEAK_HEAD_UNIT = "KTHT"
TERMS_DUE = {WEAK_HEAD_UNIT: 45, "TCKH": 120, "VP": 400}
"""Unit code → days from today to its head's term end (VP's lies outside the default window)."""
RULE_NOTE = (
    "Cơ quan mẫu bật quy định để minh hoạ báo cáo của Hội đồng nhân sự, theo bài học của quận "
    "Long Biên: không bổ nhiệm lại cán bộ không hoàn thành nhiệm vụ, không luân chuyển cán bộ "
    "từ đơn vị yếu lên."
)


@dataclass(frozen=True)
class DemoYear:
    year: int
    built: list[str]
    locked: int
    people: int
    created: bool


def demo_year_of(today: date) -> int:
    return today.year if today.month >= FIRST_FULL_MONTH else today.year - 1


def build_demo_year(*, organisation: Organisation, today: date | None = None) -> DemoYear:
    today = today or app_clock.today()
    year = demo_year_of(today)
    if models.AnnualRun.objects.filter(organisation=organisation, year=year).exists():
        return DemoYear(year, [], 0, 0, False)
    users = get_user_model().objects.in_bulk(
        ["to_chuc", "truong_phong", "hoi_dong", "nhanvien"], field_name="username"
    )
    hr = users["to_chuc"]
    shown = past_months(today)
    last = min(12, today.month - 1) if year == today.year else 12
    earlier = [(year, m) for m in range(1, last + 1) if (year, m) not in shown]
    latest = Period.objects.filter(organisation=organisation, state=PeriodState.PUBLISHED).latest(
        "start"
    )
    short = _months_short(organisation, year, latest, today)
    wanted = earlier[max(0, len(earlier) - short) :]
    built = month_demo.publish_months(
        organisation=organisation, months=wanted, latest=latest, today=today
    )
    locked = _lock_months(organisation, year, hr, today)
    first_day = date(year, 1, 1)
    with clock(first_day + timedelta(days=14), 9):
        _registrations(organisation, year, users)
    year_end = min(date(year, 12, 20), today - timedelta(days=1))
    with clock(year_end, 9):
        _initiatives(organisation, year, hr)
        _degradation(organisation, year, hr)
        run = services.rollup_year(organisation, year, hr)
        _unit_meeting(organisation, year, year_end)
    with clock(today, 8):
        _personnel(organisation, year, hr, today)
    return DemoYear(year, [str(p) for p in built], locked, run.people, True)


def _months_short(organisation, year: int, latest: Period, today: date) -> int:
    """How many earlier months the year still needs so that its locked months reach the
    rule set's minimum for rating a year (the months shown count once locked; an earlier
    month built now is past its appeal window and is locked too)."""
    minimum = rule_set_from_snapshot(latest.rule_set_snapshot).annual_min_months
    lockable = (
        Period.objects.filter(organisation=organisation, year=year)
        .filter(Q(state=PeriodState.LOCKED) | Q(state=PeriodState.PUBLISHED, appeal_due__lt=today))
        .count()
    )
    return max(0, minimum - lockable)


def _lock_months(organisation, year: int, hr, today: date) -> int:
    """Lock each published month of the year whose appeal window has passed."""
    count = 0
    for period in Period.objects.filter(
        organisation=organisation, year=year, state=PeriodState.PUBLISHED
    ).order_by("number"):
        if period.appeal_due is None or period.appeal_due >= today:
            continue
        with transaction.atomic(), clock(period.appeal_due + timedelta(days=1), 8):
            period_lock(period=period, by=hr)
        count += 1
    return count


def _registrations(organisation, year: int, users) -> None:
    """Every unit with a head registers; three people register for titles."""
    on = date(year, 1, 15)
    heads = hr_selectors.leader_posts_on(
        Unit.objects.filter(organisation=organisation).values_list("pk", flat=True), on=on
    )
    units = Unit.objects.filter(pk__in=heads).order_by("path")
    for unit in units:
        board.unit_register(
            unit=unit,
            year=year,
            title="tap_the_lao_dong_xuat_sac" if unit.depth <= 1 else "tap_the_lao_dong_tien_tien",
            targets="100% hồ sơ giải quyết đúng hạn; không có cán bộ bị kỷ luật.",
            commitments="Thực hiện nghiêm kỷ luật, kỷ cương hành chính.",
            by=users["to_chuc"],
        )
    nhanvien = users["nhanvien"].employee
    board.title_register(
        organisation=organisation,
        employee=nhanvien,
        year=year,
        title="chien_si_thi_dua_co_so",
        by=users["nhanvien"],
    )
    board.title_register(
        organisation=organisation,
        employee=users["hoi_dong"].employee,
        year=year,
        title="lao_dong_tien_tien",
        by=users["hoi_dong"],
    )


def _initiatives(organisation, year: int, hr) -> None:
    """Two initiatives recognised for the two best months of the year so far."""
    best = (
        Evaluation.objects.filter(
            period__organisation=organisation,
            period__year=year,
            period__state=PeriodState.LOCKED,
            is_current=True,
            level="top",
        )
        .exclude(employee__user=hr)
        .values_list("employee_id", flat=True)
        .order_by("employee__code")
        .distinct()[:2]
    )
    for index, employee in enumerate(Employee.objects.filter(pk__in=list(best))):
        services.initiative_record(
            organisation=organisation,
            employee=employee,
            year=year,
            title=f"Số hoá quy trình tiếp nhận hồ sơ ({index + 1})",
            document_number=f"{index + 12}/QĐ-UBND",
            document_date=month_bounds(year, 11)[0],
            issuer="Chủ tịch UBND huyện",
            by=hr,
            reason="Quyết định công nhận sáng kiến",
        )


def _degradation(organisation, year: int, hr) -> None:
    """The head of KTHT concluded to have degraded in the year: rated Không hoàn thành."""
    unit = Unit.objects.get(organisation=organisation, code=WEAK_HEAD_UNIT)
    head = hr_selectors.unit_leader(unit, on=app_clock.today())
    services.degradation_record(
        organisation=organisation,
        employee=head,
        year=year,
        document_number="05/KL-UBKT",
        document_date=month_bounds(year, 11)[0],
        issuer="Ủy ban Kiểm tra Huyện ủy",
        by=hr,
        reason="Kết luận của Ủy ban Kiểm tra",
    )


def _personnel(organisation, year: int, hr, today: date) -> None:
    """The heads' terms running out, and the agency's personnel rule switched on."""
    units = Unit.objects.filter(organisation=organisation, code__in=TERMS_DUE)
    for unit in units:
        post = Post.objects.get(unit=unit, kind=PostKind.HEAD, end__isnull=True)
        post_term_set(post=post, term_end=today + timedelta(days=TERMS_DUE[unit.code]), by=hr)
    personnel_services.personnel_rule_save(
        organisation=organisation,
        effective_from=date(year, 1, 1),
        note=RULE_NOTE,
        by=hr,
        enabled=True,
        years_counted=2,
        reappoint_person_levels="fail",
        reappoint_unit_levels="fail",
        rotation_person_levels="fail",
        rotation_unit_levels="fail",
        legal_basis=(
            "Bài học kinh nghiệm của quận Long Biên (TP Hà Nội): kiên quyết không bổ nhiệm lại "
            "cán bộ không hoàn thành nhiệm vụ; chấm dứt luân chuyển cán bộ từ phường yếu lên."
        ),
    )


def _unit_meeting(organisation, year: int, day: date) -> None:
    """TCKH's review meeting with a confidence vote on its head by six of its staff."""
    unit = Unit.objects.filter(organisation=organisation, code=MEETING_UNIT).first()
    head = hr_selectors.unit_leader(unit, on=day) if unit else None
    if head is None or head.user is None:
        return
    staff = [m.employee for m in hr_selectors.unit_staff(unit, on=day)]
    meeting = procedure.meeting_record(
        unit=unit,
        year=year,
        held_on=day,
        present=staff,
        comments="Tập thể nhất trí với kết quả tự đánh giá; đề nghị phát huy.",
        vote_open=True,
        by=head.user,
    )
    voters = [p for p in staff if p.user_id and p.pk != head.pk][:6]
    for index, person in enumerate(voters):
        option = Confidence.HIGH if index % 3 else Confidence.MEDIUM
        procedure.confidence_vote(meeting=meeting, option=option, by=person.user)
