"""Leaders' posts (head, deputy, acting head) and deputies' scoring rights (delegations)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from hrsystem import permissions, selectors
from hrsystem.models import (
    Assignment,
    DeputyDelegation,
    Employee,
    Organisation,
    Post,
    PostKind,
    Unit,
)
from hrsystem.service_checks import current_reason, day_text, raise_if, require, save

from .common import _dates_error, _fields_valid

_COMBINABLE = {PostKind.DEPUTY, PostKind.ACTING}
"""A deputy may also be the acting head of their unit (phó phụ trách); no other pair."""


def post_validate(post: Post, *, changed: str = "start") -> None:
    """Raise ValidationError naming the field when `post` breaks a rule.

    Rules: dates ordered; the holder works in the unit's agency on `start`; one head per
    unit at a time; no overlapping acting intervals; one post per person per unit at a
    time, except a deputy who is also acting head. Callers that save must hold a lock on
    the unit (`post_assign`, `post_end`). Overlaps are reported on `changed`.
    """
    _fields_valid(post)
    raise_if(_dates_error(post.start, post.end) | _term_error(post))
    placed = selectors.assignment_on(post.employee, on=post.start)
    overlapping = (
        Post.objects.filter(selectors.overlapping(post.start, post.end), unit=post.unit)
        .exclude(pk=post.pk)
        .select_related("employee")
    )
    agency = placed.unit.organisation_id if placed else None
    raise_if(_post_errors(post, agency, list(overlapping), changed))


def _term_error(post: Post) -> dict[str, str]:
    if post.term_end is not None and post.term_end <= post.start:
        return {
            "term_end": _(
                "Ngày hết thời hạn bổ nhiệm (%(term)s) phải sau ngày bắt đầu (%(start)s)."
            )
            % {"term": day_text(post.term_end), "start": day_text(post.start)}
        }
    return {}


def _post_errors(post: Post, agency_id: int | None, overlapping: list[Post], changed: str):
    """The rules of `post_validate` once the holder's agency on `start` and the unit's
    posts overlapping the interval (in the model's order) are known; no query."""
    errors = {}
    if agency_id != post.unit.organisation_id:
        errors["employee"] = _("%(name)s không công tác tại %(agency)s vào ngày %(day)s.") % {
            "name": post.employee.full_name,
            "agency": post.unit.organisation,
            "day": day_text(post.start),
        }
    others = _COMBINABLE - {post.kind} if post.kind in _COMBINABLE else set()
    own = next(
        (p for p in overlapping if p.employee_id == post.employee_id and p.kind not in others),
        None,
    )
    clash = None
    if post.kind in (PostKind.HEAD, PostKind.ACTING):
        clash = next((p for p in overlapping if p.kind == post.kind), None)
    if own is not None:
        errors[changed] = _(
            "%(name)s đã giữ chức vụ %(kind)s tại %(unit)s từ %(start)s đến %(end)s."
        ) % {
            "name": own.employee.full_name,
            "kind": own.get_kind_display(),
            "unit": post.unit,
            "start": day_text(own.start),
            "end": day_text(own.end),
        }
    elif clash is not None:
        errors[changed] = _(
            "%(unit)s đã có %(kind)s là %(name)s từ %(start)s đến %(end)s: "
            "hãy kết thúc chức vụ đó trước."
        ) % {
            "unit": post.unit,
            "kind": clash.get_kind_display().lower(),
            "name": clash.employee.full_name,
            "start": day_text(clash.start),
            "end": day_text(clash.end),
        }
    return errors


def _overlaps(row, start: date, end: date | None) -> bool:
    """In Python, `selectors.overlapping(start, end)` for one row."""
    return (row.end is None or row.end >= start) and (end is None or row.start <= end)


@transaction.atomic
def post_assign_many(*, organisation: Organisation, rows: list[dict], by=None) -> list[Post]:
    """Appoint many posts of `organisation` at once (an agency's first load).

    Each row holds `post_assign`'s keywords (employee, unit, kind, start, end); the rules
    of `post_validate` are checked for the whole set against the stored posts and the
    rows above (the units locked, a constant number of queries), then the posts are
    written with bulk inserts and their history rows (`by`, and the reason of the
    enclosing `audit_reason`). Every bad row is reported, keyed `rows[i].field`; one bad
    row and nothing is written. `by` must keep the agency and may not appoint themselves.
    """
    if by is not None:
        require(permissions.can_manage_org(by, organisation))
        require(all(row["employee"].user_id != by.pk for row in rows))
    unit_ids = {row["unit"].pk for row in rows}
    list(Unit.objects.select_for_update().filter(pk__in=unit_ids))
    posts_of: dict[int, list[Post]] = {pk: [] for pk in unit_ids}
    for stored in Post.objects.filter(unit__in=unit_ids).select_related("employee"):
        posts_of[stored.unit_id].append(stored)
    placements: dict[int, list[Assignment]] = {}
    assignments = Assignment.objects.filter(employee__in={row["employee"].pk for row in rows})
    for assignment in assignments.select_related("unit"):
        placements.setdefault(assignment.employee_id, []).append(assignment)
    errors: dict[str, list[str]] = {}
    made = []
    for index, row in enumerate(rows):
        post = Post(**row)
        found = {}
        try:
            _fields_valid(post, exclude=["employee", "unit"])
        except ValidationError as error:
            found = {name: msgs[0] for name, msgs in error.message_dict.items()}
        found = found or _dates_error(post.start, post.end)
        if not found:
            placed = next(
                (
                    a
                    for a in placements.get(post.employee_id, [])
                    if _overlaps(a, post.start, post.start)
                ),
                None,
            )
            overlapping = sorted(
                (p for p in posts_of[post.unit_id] if _overlaps(p, post.start, post.end)),
                key=lambda p: (p.kind, p.start),
            )
            agency = placed.unit.organisation_id if placed else None
            found = _post_errors(post, agency, overlapping, "start")
        if post.unit.organisation_id != organisation.pk:
            found["unit"] = _("Đơn vị %(unit)s không thuộc cơ quan này.") % {"unit": post.unit}
        for name, text in found.items():
            errors.setdefault(f"rows[{index}].{name}", []).append(text)
        posts_of[post.unit_id].append(post)
        made.append(post)
    if errors:
        raise ValidationError(errors)
    history = {"default_user": by, "default_change_reason": current_reason()}
    return bulk_create_with_history(made, Post, batch_size=2000, **history)


@transaction.atomic
def post_assign(
    *,
    employee: Employee,
    unit: Unit,
    kind: str,
    start: date,
    end: date | None = None,
    term_end: date | None = None,
    by=None,
) -> Post:
    """Appoint `employee` head, deputy or acting head of `unit` from `start` to `end`
    (`term_end`: when the appointment's term runs out and reappointment is due)."""
    if by is not None:
        require(permissions.can_keep_employee(by, employee, start))
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    post = Post(employee=employee, unit=unit, kind=kind, start=start, end=end, term_end=term_end)
    post_validate(post)
    save(post, by)
    return post


@transaction.atomic
def post_end(*, post: Post, end: date, by=None) -> Post:
    """Set the last day `post` is held (closing it, or moving its end date)."""
    if by is not None:
        require(permissions.can_keep_employee(by, post.employee, post.start))
    Unit.objects.select_for_update().get(pk=post.unit_id)
    post = Post.objects.select_related("employee", "unit__organisation").get(pk=post.pk)
    post.end = end
    post_validate(post, changed="end")
    save(post, by, update_fields=["end"])
    return post


@transaction.atomic
def post_term_set(*, post: Post, term_end: date | None, by=None) -> Post:
    """Set the day `post`'s term runs out (reappointment due), or clear it."""
    if by is not None:
        require(permissions.can_keep_employee(by, post.employee, post.start))
    post = Post.objects.select_for_update().select_related("employee").get(pk=post.pk)
    post.term_end = term_end
    _fields_valid(post, exclude=["employee", "unit"])
    raise_if(_term_error(post))
    save(post, by, update_fields=["term_end"])
    return post


# --- deputies' scoring rights ----------------------------------------------------------


def deputy_delegation_validate(delegation: DeputyDelegation) -> None:
    """Raise ValidationError naming the field when a delegation breaks a rule.

    The deputy holds a deputy post in the unit and the staff member works there, not as
    its leader, on `start`; one deputy per staff member at a time; never oneself.
    """
    _fields_valid(delegation)
    errors = _dates_error(delegation.start, delegation.end)
    raise_if(errors)
    day = delegation.start
    if delegation.deputy_id == delegation.staff_id:
        errors["staff"] = _("Không thể phân công cấp phó chấm điểm chính mình.")
    if not Post.objects.filter(
        selectors.active_on(day),
        employee=delegation.deputy,
        unit=delegation.unit,
        kind=PostKind.DEPUTY,
    ).exists():
        errors["deputy"] = _("%(name)s không là cấp phó của %(unit)s vào ngày %(day)s.") % {
            "name": delegation.deputy.full_name,
            "unit": delegation.unit,
            "day": day_text(day),
        }
    placed = selectors.assignment_on(delegation.staff, on=day)
    leads = Post.objects.filter(
        selectors.active_on(day), employee=delegation.staff, unit=delegation.unit
    ).exists()
    if placed is None or placed.unit_id != delegation.unit_id or leads:
        errors.setdefault(
            "staff",
            _("%(name)s không là công chức (không giữ chức vụ) của %(unit)s vào ngày %(day)s.")
            % {"name": delegation.staff.full_name, "unit": delegation.unit, "day": day_text(day)},
        )
    clash = (
        DeputyDelegation.objects.filter(
            selectors.overlapping(delegation.start, delegation.end), staff=delegation.staff
        )
        .exclude(pk=delegation.pk)
        .select_related("deputy")
        .first()
    )
    if clash is not None:
        errors["start"] = _(
            "%(staff)s đã được phân công cho %(deputy)s từ %(start)s đến %(end)s."
        ) % {
            "staff": delegation.staff.full_name,
            "deputy": clash.deputy.full_name,
            "start": day_text(clash.start),
            "end": day_text(clash.end),
        }
    raise_if(errors)


@transaction.atomic
def deputy_delegate(
    *,
    deputy: Employee,
    staff: Employee,
    unit: Unit,
    start: date,
    end: date | None = None,
    by=None,
) -> DeputyDelegation:
    """Give `deputy` the right to score `staff` of `unit` from `start` to `end`."""
    if by is not None:
        require(permissions.can_delegate(by, unit, start))
        require(by.pk not in (deputy.user_id, staff.user_id))
    Unit.objects.select_for_update().get(pk=unit.pk)
    delegation = DeputyDelegation(deputy=deputy, staff=staff, unit=unit, start=start, end=end)
    deputy_delegation_validate(delegation)
    save(delegation, by)
    return delegation


@transaction.atomic
def deputy_delegation_end(*, delegation: DeputyDelegation, end: date, by=None) -> DeputyDelegation:
    """Set the last day of a delegation."""
    if by is not None:
        require(permissions.can_delegate(by, delegation.unit, delegation.start))
    Unit.objects.select_for_update().get(pk=delegation.unit_id)
    errors = _dates_error(delegation.start, end)
    raise_if(errors)
    delegation.end = end
    save(delegation, by, update_fields=["end"])
    return delegation
