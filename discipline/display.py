"""How ledger values read on the discipline pages, PDFs and exports, in one place.

Points are written shortest (0,5 · 1 · 1,25) in the active language's number format,
a deduction with a true minus sign (−0,5); people by their employee name.
"""

from datetime import date
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

MINUS = "\u2212"


def points_text(value: Decimal | int | None) -> str:
    """`value` with no trailing zeros ('0,5', '1', '1,25'); '' for None."""
    if value is None:
        return ""
    value = Decimal(value)
    shortest = (
        value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    )
    return number_format(shortest)


def deduction_text(value: Decimal | int | None) -> str:
    """Points taken off, with a minus sign ('−0,5'); '0' when nothing is taken off."""
    if value is None:
        return ""
    text = points_text(value)
    return text if Decimal(value) == 0 else f"{MINUS}{text}"


def person_name(user) -> str:
    """The user's employee name, else the account's name (family name first), else the
    login; '' for None. Reads `user.employee`, so select it with the user."""
    if user is None:
        return ""
    employee = getattr(user, "employee", None)
    if employee is not None:
        return employee.full_name
    return f"{user.last_name} {user.first_name}".strip() or user.get_username()


def document_date(day: date) -> str:
    """The date line of an administrative document ('ngày 03 tháng 02 năm 2026'): a day
    below 10 and the months 1 and 2 get a leading zero (Nghị định 30/2020/NĐ-CP)."""
    return _("ngày %(day)s tháng %(month)s năm %(year)s") % {
        "day": f"{day.day:02d}",
        "month": f"{day.month:02d}" if day.month < 3 else str(day.month),
        "year": day.year,
    }
