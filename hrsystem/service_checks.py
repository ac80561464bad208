"""Checks every app's services share: refuse without permission, fail with field errors,
save with the audit user."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _


def require(allowed: bool) -> None:
    """Raise PermissionDenied unless `allowed`."""
    if not allowed:
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))


def save(obj, by, **kwargs) -> None:
    """Save `obj` with `by` (when given) as the user of its audit-history row."""
    if by is not None:
        obj._history_user = by
    obj.save(**kwargs)


def raise_if(errors: dict[str, str]) -> None:
    """Raise one ValidationError naming every field in `errors`, if there is any."""
    if errors:
        raise ValidationError(errors)


def day_text(day: date | None) -> str:
    """A day as written in messages (dd/mm/yyyy), "…" for none."""
    return day.strftime("%d/%m/%Y") if day else "…"
