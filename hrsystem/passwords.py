"""Password rules beyond Django's: nothing an outsider guesses from the login screen or
the agency's letterhead."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hrsystem import clock, selectors
from hrsystem.models import Employee, search_key

MIN_GUESSABLE = 3
"""Shorter names or codes are too common inside passwords to refuse."""


def _folded(text: str) -> str:
    """`text` without diacritics, case, spaces or punctuation ('Bình Xuyên' → 'binhxuyen')."""
    return "".join(ch for ch in search_key(text) if ch.isalnum())


def guessable_words(user) -> list[str]:
    """What a password must not contain for `user`: their login, their name, and the name
    (and its last two words, the place), and the code of their agency; 2 queries."""
    words = [user.get_username()]
    employee = Employee.objects.filter(user=user.pk).first() if user.pk else None
    if employee is not None:
        words.append(employee.full_name)
        unit = selectors.unit_of_user(user, on=clock.today())
        if unit is not None:
            agency = unit.organisation
            words += [agency.name, " ".join(agency.name.split()[-2:]), agency.code]
    return [folded for folded in map(_folded, words) if len(folded) >= MIN_GUESSABLE]


class NotTheAgencyValidator:
    """Refuses a password that contains the login, the person's name, or the agency's name
    or code, compared without diacritics, case or spaces ("BinhXuyen@2026" for an account
    of UBND huyện Bình Xuyên)."""

    def validate(self, password, user=None):
        if user is None:
            return
        typed = _folded(password)
        if any(word in typed for word in guessable_words(user)):
            raise ValidationError(
                _(
                    "Mật khẩu không được chứa tên đăng nhập, họ tên của bạn hay tên, mã cơ "
                    "quan: những thứ đó ai cũng đoán được."
                ),
                code="password_guessable",
            )

    def get_help_text(self):
        return _("Mật khẩu không được chứa tên đăng nhập, họ tên, tên hay mã cơ quan.")
