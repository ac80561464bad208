"""Checks the organisation services share: field validation, date order, allowed changes,
the right to manage an agency, codes unique in an agency."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.utils.translation import gettext as _

from hrsystem import permissions
from hrsystem.models import (
    Organisation,
)
from hrsystem.service_checks import day_text, require

ONE_DAY = timedelta(days=1)


def _fields_valid(obj, exclude: Iterable[str] = ()) -> None:
    """Field-level validation (types, lengths, choices, dates parsed) before any rule."""
    obj.clean_fields(exclude=list(exclude))


def _dates_error(start: date, end: date | None) -> dict[str, str]:
    if end is not None and end < start:
        return {
            "end": _("Ngày kết thúc (%(end)s) phải bằng hoặc sau ngày bắt đầu (%(start)s).")
            % {"end": day_text(end), "start": day_text(start)}
        }
    return {}


def _apply(obj, changes: dict, allowed: set[str]) -> None:
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"cannot change {sorted(unknown)} here")
    for name, value in changes.items():
        setattr(obj, name, value)


def _manage_org(by, organisation: Organisation, on: date | None = None) -> None:
    if by is not None:
        require(permissions.can_manage_org(by, organisation, on))


def _keep_people(by, organisation: Organisation, on: date | None = None) -> None:
    """HR of the agency, or its HR system through the API (units, people, posts only)."""
    if by is not None:
        require(permissions.can_keep_people(by, organisation, on))


# --- agencies --------------------------------------------------------------------------


def _unique_code(model, organisation, code: str, exclude_pk=None) -> dict[str, str]:
    if model.objects.filter(organisation=organisation, code=code).exclude(pk=exclude_pk).exists():
        return {"code": _("Mã %(code)s đã được dùng trong cơ quan này.") % {"code": code}}
    return {}
