"""Checks every app's services share: refuse without permission, fail with field errors,
save with the audit user."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _


def require(allowed: bool) -> None:
    """Raise PermissionDenied unless `allowed`."""
    if not allowed:
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))


_REASON: ContextVar[str | None] = ContextVar("audit_reason", default=None)
REASON_LENGTH = 100
"""The history tables' `history_change_reason` length."""


@contextmanager
def audit_reason(reason: str) -> Iterator[None]:
    """Every history row that `save` writes inside the block records `reason` (an import
    names its file and why it was loaded)."""
    token = _REASON.set(reason[:REASON_LENGTH])
    try:
        yield
    finally:
        _REASON.reset(token)


def current_reason() -> str | None:
    """The reason of the enclosing `audit_reason` block (for bulk history rows)."""
    return _REASON.get()


def save(obj, by, **kwargs) -> None:
    """Save `obj` with `by` (when given) as the user of its audit-history row, and the
    reason of the enclosing `audit_reason` block, if any."""
    if by is not None:
        obj._history_user = by
    reason = _REASON.get()
    if reason is not None:
        obj._change_reason = reason
    obj.save(**kwargs)


def raise_if(errors: dict[str, str]) -> None:
    """Raise one ValidationError naming every field in `errors`, if there is any."""
    if errors:
        raise ValidationError(errors)


def day_text(day: date | None) -> str:
    """A day as written in messages (dd/mm/yyyy), "…" for none."""
    return day.strftime("%d/%m/%Y") if day else "…"


LOCKED_PERIOD_FINDERS: list = []
"""Functions `(organisation_id, day) -> str | None` naming the locked period that covers
`day` in the agency. The evaluation app adds its own when it starts, so the discipline
ledger refuses entries into locked months without importing evaluation."""


def locked_day_errors(organisation_id: int, day: date | None, field: str) -> dict[str, str]:
    """{field: why} if `day` falls in a locked period of the agency, else {}."""
    if day is None:
        return {}
    for find in LOCKED_PERIOD_FINDERS:
        period = find(organisation_id, day)
        if period:
            return {
                field: _(
                    "Ngày %(day)s thuộc kỳ %(period)s đã khoá: kết quả kỳ này không được thay "
                    "đổi. Hãy đề nghị phòng Tổ chức mở lại kỳ rồi ghi lại."
                )
                % {"day": day_text(day), "period": period}
            }
    return {}
