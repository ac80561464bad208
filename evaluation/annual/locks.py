"""The year's lock: once the board publishes the final list, nothing of the year changes
(no roll-up, no input, no rating, no decision) until the HR officer reopens it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from evaluation.annual.board_models import AnnualReview, YearState


def is_published(organisation, year: int) -> bool:
    """Is the agency's year published (locked)? 1 query."""
    return AnnualReview.objects.filter(
        organisation=organisation, year=year, state=YearState.PUBLISHED
    ).exists()


def ensure_open(organisation, year: int) -> None:
    """Refuse any change to a published year, naming it."""
    if is_published(organisation, year):
        raise ValidationError(
            {
                "year": _(
                    "Kết quả năm %(year)s đã được công bố và khoá; phải mở lại năm "
                    "(có lý do) trước khi thay đổi."
                )
                % {"year": year}
            }
        )
