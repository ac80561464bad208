"""Discipline decisions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from discipline.models import (
    DisciplineDecision,
    DisciplineForm,
    Violation,
    ViolationStatus,
)
from hrsystem import permissions
from hrsystem import selectors as hr_selectors
from hrsystem import services as hr_services
from hrsystem.models import (
    Employee,
    Post,
)
from hrsystem.service_checks import day_text, locked_day_errors, raise_if, require, save

from .common import _not_in_future, _unit_on


@transaction.atomic
def discipline_decide(
    *,
    employee: Employee,
    number: str,
    decided_on: date,
    signer_name: str,
    signer_title: str,
    form: DisciplineForm,
    legal_basis: str,
    effect_from: date,
    effect_to: date | None = None,
    violations: Iterable[Violation] = (),
    public_duty: bool = True,
    by=None,
) -> DisciplineDecision:
    """Enter a discipline decision; by the HR officer of the person's agency, never oneself.

    A leaders-only form (cách chức) needs the person to hold a leadership post (head,
    deputy or acting head) on `decided_on`, and ends every post they hold on its effective
    date; linked violations must be theirs and counted. A decision taking effect in a
    locked month is refused until the HR office reopens it (the year's results read it).
    """
    if by is not None:
        require(permissions.can_manage_employee(by, employee, decided_on))
    violations = list(violations)
    unit = _unit_on(employee, decided_on, "employee")
    decision = DisciplineDecision(
        organisation=unit.organisation,
        unit=unit,
        employee=employee,
        number=number.strip(),
        decided_on=decided_on,
        signer_name=signer_name.strip(),
        signer_title=signer_title.strip(),
        form=form,
        legal_basis=legal_basis.strip(),
        effect_from=effect_from,
        effect_to=effect_to,
        public_duty=public_duty,
        recorded_by=by,
    )
    decision.full_clean()
    errors = _not_in_future(decided_on, "decided_on")
    if effect_from < decided_on:
        errors["effect_from"] = _(
            "Ngày có hiệu lực không được trước ngày quyết định (%(day)s)."
        ) % {"day": day_text(decided_on)}
    errors |= locked_day_errors(unit.organisation_id, effect_from, "effect_from")
    if (
        form.leaders_only
        and not Post.objects.filter(hr_selectors.active_on(decided_on), employee=employee).exists()
    ):
        errors["form"] = _(
            "Hình thức “%(form)s” chỉ áp dụng với người giữ chức vụ lãnh đạo, quản lý; "
            "%(name)s không giữ chức vụ nào vào ngày %(day)s."
        ) % {"form": form.name, "name": employee.full_name, "day": day_text(decided_on)}
    if any(
        v.employee_id != employee.pk or v.status == ViolationStatus.ANNULLED for v in violations
    ):
        errors["violations"] = _("Chỉ liên kết các vi phạm của chính %(name)s chưa bị huỷ.") % {
            "name": employee.full_name
        }
    raise_if(errors)
    save(decision, by)
    decision.violations.set(violations)
    if form.leaders_only:
        _posts_end(employee, decision.effect_from, by)
    return decision


def _posts_end(employee: Employee, effect_from: date, by) -> None:
    """A removal from post (cách chức) takes effect: every post the person holds on
    `effect_from` ends the day before it, through hrsystem's service (rights follow)."""
    for post in Post.objects.filter(
        hr_selectors.active_on(effect_from), employee=employee, start__lt=effect_from
    ):
        hr_services.post_end(post=post, end=effect_from - timedelta(days=1))
