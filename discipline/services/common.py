"""Checks the discipline services share: units, dates, one target."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hrsystem import clock
from hrsystem import selectors as hr_selectors
from hrsystem.models import (
    Employee,
    Unit,
)
from hrsystem.service_checks import day_text


def _in_subtree(unit: Unit, roots: Iterable[Unit]) -> bool:
    return any(unit.path.startswith(root.path) for root in roots)


def _unit_on(employee: Employee, on: date, field: str) -> Unit:
    unit = hr_selectors.unit_of(employee, on=on)
    if unit is None:
        raise ValidationError(
            {
                field: _("%(name)s không công tác tại đơn vị nào vào ngày %(day)s.")
                % {"name": employee.full_name, "day": day_text(on)}
            }
        )
    return unit


def _not_in_future(day: date, field: str) -> dict[str, str]:
    if day > clock.today():
        return {field: _("Ngày %(day)s chưa tới.") % {"day": day_text(day)}}
    return {}


def _one_target(employee: Employee | None, unit: Unit | None) -> None:
    if (employee is None) == (unit is None):
        raise ValidationError(
            {"employee": _("Chọn đúng một đối tượng: một cán bộ hoặc một đơn vị.")}
        )


def _target_unit(employee: Employee | None, unit: Unit | None, on: date) -> Unit:
    return unit if unit is not None else _unit_on(employee, on, "employee")
