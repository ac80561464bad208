"""Checks every app's services share: refuse without permission, fail with field errors."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _


def require(allowed: bool) -> None:
    """Raise PermissionDenied unless `allowed`."""
    if not allowed:
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))


def raise_if(errors: dict[str, str]) -> None:
    """Raise one ValidationError naming every field in `errors`, if there is any."""
    if errors:
        raise ValidationError(errors)


def day_text(day: date | None) -> str:
    """A day as written in messages (dd/mm/yyyy), "…" for none."""
    return day.strftime("%d/%m/%Y") if day else "…"
