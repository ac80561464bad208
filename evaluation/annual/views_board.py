"""The year's procedure and the board's review: the board's page (each proposal with its
evidence, confirm or override, the meeting, publication; HR reopens and decides appeals),
a person's annual procedure (self-evaluation, the superior's rating, registration,
appeal), the unit's meeting with its confidential vote and registration, and the charts.

Thin views: rights from `evaluation.annual.permissions`, reads from `board_selectors`,
writes through `services.procedure` and `services.board`, which check again; a refusal
is shown as a message naming what was wrong and writes nothing.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evaluation.annual import board_models as bm
from evaluation.annual import board_selectors, locks, selectors, tables
from evaluation.annual import permissions as year_perms
from evaluation.annual.forms_scope import may_print_unit
from evaluation.annual.services import board, procedure
from evaluation.annual.views import _on, _organisation, _year
from hrsystem import exports, permissions
from hrsystem import selectors as hr_selectors
from hrsystem.forms import whole_number
from hrsystem.models import Employee, Unit


def _day(value: str, field: str) -> date:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        raise ValidationError({field: _("Ngày không hợp lệ (yyyy-mm-dd).")}) from None


def _attempt(request, action) -> None:
    """Run a service call; a refusal becomes an error message naming what was wrong."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã lưu."))


# ------------------------------------------------------------------ the board's review


@login_required
def review_page(request, year: int):
    """Each proposed title with its evidence and registration, the board's decisions, its
    meeting and publication. The board acts; the agency leader and HR read (HR reopens
    a published year and decides appeals)."""
    year = _year(year)
    organisation = _organisation(request)
    on = _on(year)
    if not permissions.can_read_results(request.user, organisation, on):
        raise PermissionDenied
    run = selectors.run_of(organisation, year)
    context = board_selectors.board_review(organisation, year, run, on)
    if exports.wanted(request):
        people, units = tables.proposals_tables(year)
        return exports.respond(
            request,
            people,
            context["people"],
            organisation=organisation,
            more=[(units, context["units"])],
        )
    context.update(
        year=year,
        organisation=organisation,
        run=run,
        may_decide=year_perms.can_review_titles(request.user, organisation, on),
        may_reopen=year_perms.can_reopen_year(request.user, organisation, on),
        person_titles=bm.INDIVIDUAL_TITLES,
        unit_titles=bm.COLLECTIVE_TITLES,
        levels=bm.LEVEL_CHOICES,
    )
    return render(request, "annual/review.html", context)


@login_required
@require_POST
def decide(request, year: int):
    """Confirm or override one proposed title (a person's or a unit's)."""
    year = _year(year)
    organisation = _organisation(request)
    if not year_perms.can_review_titles(request.user, organisation, _on(year)):
        raise PermissionDenied
    post = request.POST
    employee = unit = None
    if employee_id := whole_number(post.get("employee")):
        employee = get_object_or_404(Employee, pk=employee_id)
    elif unit_id := whole_number(post.get("unit")):
        unit = get_object_or_404(Unit, pk=unit_id, organisation=organisation)
    else:
        raise Http404
    keep = post.get("outcome", "confirm") == "confirm"
    _attempt(
        request,
        lambda: board.title_decide(
            organisation=organisation,
            year=year,
            employee=employee,
            unit=unit,
            final_title=None if keep else post.get("final_title", ""),
            reason=post.get("reason", ""),
            votes_for=post.get("votes_for"),
            votes_against=post.get("votes_against"),
            by=request.user,
        ),
    )
    return redirect("annual:review", year=year)


@login_required
@require_POST
def confirm_all(request, year: int):
    """Confirm every proposal the board has not decided yet, citing its meeting."""
    year = _year(year)
    organisation = _organisation(request)
    if not year_perms.can_review_titles(request.user, organisation, _on(year)):
        raise PermissionDenied
    _attempt(
        request,
        lambda: board.titles_confirm_all(
            organisation=organisation,
            year=year,
            meeting_reference=request.POST.get("meeting_reference", ""),
            by=request.user,
        ),
    )
    return redirect("annual:review", year=year)


@login_required
@require_POST
def board_meeting(request, year: int):
    year = _year(year)
    organisation = _organisation(request)
    if not year_perms.can_review_titles(request.user, organisation, _on(year)):
        raise PermissionDenied
    ids = {whole_number(v) for v in request.POST.getlist("members")} - {None}
    members = list(Employee.objects.filter(pk__in=ids))
    _attempt(
        request,
        lambda: board.board_meeting_record(
            organisation=organisation,
            year=year,
            meeting_on=_day(request.POST.get("meeting_on"), "meeting_on"),
            members=members,
            notes=request.POST.get("notes", ""),
            by=request.user,
        ),
    )
    return redirect("annual:review", year=year)


@login_required
@require_POST
def publish(request, year: int):
    year = _year(year)
    organisation = _organisation(request)
    if not year_perms.can_review_titles(request.user, organisation, _on(year)):
        raise PermissionDenied
    _attempt(request, lambda: board.publish(organisation=organisation, year=year, by=request.user))
    return redirect("annual:review", year=year)


@login_required
@require_POST
def reopen(request, year: int):
    year = _year(year)
    organisation = _organisation(request)
    if not year_perms.can_reopen_year(request.user, organisation, _on(year)):
        raise PermissionDenied
    _attempt(
        request,
        lambda: board.reopen(
            organisation=organisation,
            year=year,
            reason=request.POST.get("reason", ""),
            by=request.user,
        ),
    )
    return redirect("annual:review", year=year)


@login_required
@require_POST
def deadline(request, year: int):
    """The HR officer sets (or clears) the self-evaluation deadline."""
    year = _year(year)
    organisation = _organisation(request)
    if not year_perms.can_set_deadline(request.user, organisation, _on(year)):
        raise PermissionDenied
    raw = request.POST.get("deadline", "").strip()
    _attempt(
        request,
        lambda: procedure.deadline_set(
            organisation=organisation,
            year=year,
            deadline=_day(raw, "deadline") if raw else None,
            by=request.user,
        ),
    )
    return redirect("annual:review", year=year)


@login_required
@require_POST
def appeal_decide(request, year: int, appeal_id: int):
    year = _year(year)
    organisation = _organisation(request)
    if not year_perms.can_decide_appeal(request.user, organisation, _on(year)):
        raise PermissionDenied
    appeal = get_object_or_404(bm.AnnualAppeal, pk=appeal_id, organisation=organisation)
    _attempt(
        request,
        lambda: procedure.appeal_decide(
            appeal=appeal,
            upheld=request.POST.get("upheld") == "1",
            reason=request.POST.get("reason", ""),
            level=request.POST.get("level") or None,
            by=request.user,
        ),
    )
    return redirect("annual:review", year=year)


# ------------------------------------------------------------------ a person's procedure


@login_required
def procedure_page(request, year: int, employee_id: int):
    """A person's annual procedure: their self-evaluation, the superior's rating, their
    title registration, the board's decision once published, and their appeal."""
    year = _year(year)
    employee = get_object_or_404(Employee, pk=employee_id)
    on = _on(year)
    unit = hr_selectors.unit_of(employee, on=on)
    if unit is None:
        raise Http404
    organisation = unit.organisation
    user = request.user
    if not (
        permissions.can_view_employee(user, employee, on)
        or permissions.can_read_results(user, organisation, on)
    ):
        permissions.refuse(request, organisation.pk)
    own = year_perms.is_self(user, employee)
    published = locks.is_published(organisation, year)
    review = bm.AnnualReview.objects.filter(organisation=organisation, year=year).first()
    context = board_selectors.person_procedure(organisation, year, employee)
    if not published and not year_perms.can_review_titles(user, organisation, on):
        context["decision"] = None
    context.update(
        year=year,
        employee=employee,
        own=own,
        published=published,
        deadline=review.self_assessment_deadline if review else None,
        may_rate=not published and year_perms.can_rate_year(user, employee, on),
        levels=bm.LEVEL_CHOICES,
        person_titles=bm.INDIVIDUAL_TITLES,
    )
    return render(request, "annual/procedure.html", context)


def _procedure_post(request, year: int, employee_id: int, action):
    year = _year(year)
    employee = get_object_or_404(Employee, pk=employee_id)
    _attempt(request, lambda: action(year, employee))
    return redirect("annual:procedure", year=year, employee_id=employee.pk)


@login_required
@require_POST
def self_assess(request, year: int, employee_id: int):
    return _procedure_post(
        request,
        year,
        employee_id,
        lambda y, e: procedure.self_assess(
            employee=e,
            year=y,
            comment=request.POST.get("comment", ""),
            proposed_level=request.POST.get("proposed_level", ""),
            by=request.user,
        ),
    )


@login_required
@require_POST
def rate(request, year: int, employee_id: int):
    return _procedure_post(
        request,
        year,
        employee_id,
        lambda y, e: procedure.rate_year(
            employee=e,
            year=y,
            level=request.POST.get("level", ""),
            comment=request.POST.get("comment", ""),
            reason=request.POST.get("reason", ""),
            by=request.user,
        ),
    )


@login_required
@require_POST
def appeal_file(request, year: int, employee_id: int):
    return _procedure_post(
        request,
        year,
        employee_id,
        lambda y, e: procedure.appeal_file(
            employee=e, year=y, reason=request.POST.get("reason", ""), by=request.user
        ),
    )


@login_required
@require_POST
def register_title(request, year: int, employee_id: int):
    organisation = _organisation(request)
    return _procedure_post(
        request,
        year,
        employee_id,
        lambda y, e: board.title_register(
            organisation=organisation,
            employee=e,
            year=y,
            title=request.POST.get("title", ""),
            by=request.user,
        ),
    )


# ------------------------------------------------------------------ the unit's meeting


@login_required
def unit_page(request, year: int, unit_id: int):
    """The unit's year: its emulation registration, its review meeting and the
    confidential confidence vote (counts shown from 5 voters on). For the unit's
    people, its leaders and those who read the agency's results."""
    year = _year(year)
    unit = get_object_or_404(Unit.objects.select_related("organisation"), pk=unit_id)
    on = _on(year)
    user = request.user
    own_unit = hr_selectors.unit_of_user(user, on=on)
    member = own_unit is not None and own_unit.pk == unit.pk
    if not (
        member
        or unit.pk in permissions.unit_ids_for(user, permissions.Perm.VIEW_UNIT_RECORDS, on)
        or permissions.can_read_results(user, unit.organisation, on)
    ):
        permissions.refuse(request, unit.organisation_id)
    meeting = (
        bm.UnitMeeting.objects.filter(organisation=unit.organisation, year=year, unit=unit)
        .prefetch_related("present")
        .first()
    )
    voted = meeting is not None and meeting.voters.filter(employee__user=user).exists()
    context = {
        "year": year,
        "unit": unit,
        "meeting": meeting,
        "confidence": procedure.confidence_result(meeting) if meeting else None,
        "min_voters": procedure.MIN_VOTERS_SHOWN,
        "voted": voted,
        "may_vote": member and meeting is not None and meeting.vote_open and not voted,
        "may_hold": year_perms.can_hold_meeting(user, unit, on),
        "staff": hr_selectors.unit_staff(unit, on=on),
        "registration": bm.UnitEmulationRegistration.objects.filter(
            organisation=unit.organisation, year=year, unit=unit
        ).first(),
        "options": bm.Confidence.choices,
        "unit_titles": bm.COLLECTIVE_TITLES,
        "may_print": may_print_unit(user, unit, on),
    }
    return render(request, "annual/unit_year.html", context)


def _unit_post(request, year: int, unit_id: int, action):
    year = _year(year)
    unit = get_object_or_404(Unit.objects.select_related("organisation"), pk=unit_id)
    _attempt(request, lambda: action(year, unit))
    return redirect("annual:unit", year=year, unit_id=unit.pk)


@login_required
@require_POST
def meeting(request, year: int, unit_id: int):
    unit = get_object_or_404(Unit, pk=unit_id)
    if not year_perms.can_hold_meeting(request.user, unit, _on(_year(year))):
        raise PermissionDenied
    ids = {whole_number(v) for v in request.POST.getlist("present")} - {None}
    return _unit_post(
        request,
        year,
        unit_id,
        lambda y, u: procedure.meeting_record(
            unit=u,
            year=y,
            held_on=_day(request.POST.get("held_on"), "held_on"),
            present=list(Employee.objects.filter(pk__in=ids)),
            comments=request.POST.get("comments", ""),
            vote_open=request.POST.get("vote_open") == "1",
            by=request.user,
        ),
    )


@login_required
@require_POST
def vote(request, year: int, unit_id: int):
    def cast(y, u):
        found = bm.UnitMeeting.objects.filter(year=y, unit=u).first()
        if found is None:
            raise ValidationError({"option": _("Đơn vị chưa họp đánh giá năm.")})
        procedure.confidence_vote(
            meeting=found, option=request.POST.get("option", ""), by=request.user
        )

    return _unit_post(request, year, unit_id, cast)


@login_required
@require_POST
def unit_register(request, year: int, unit_id: int):
    return _unit_post(
        request,
        year,
        unit_id,
        lambda y, u: board.unit_register(
            unit=u,
            year=y,
            title=request.POST.get("title", ""),
            targets=request.POST.get("targets", ""),
            commitments=request.POST.get("commitments", ""),
            by=request.user,
        ),
    )


# ------------------------------------------------------------------ charts


@login_required
def charts_page(request, year: int):
    """Level distribution per unit, the mean month total per month and the heads'
    accountability: every unit for the board, the agency leader and HR; a head sees
    the units they lead."""
    year = _year(year)
    organisation = _organisation(request)
    on = _on(year)
    unit_ids = year_perms.visible_unit_ids(request.user, organisation, on)
    if unit_ids is not None and not unit_ids:
        raise PermissionDenied
    run = selectors.run_of(organisation, year)
    context = board_selectors.charts(organisation, year, run, unit_ids)
    context.update(year=year, organisation=organisation, run=run)
    return render(request, "annual/charts.html", context)
