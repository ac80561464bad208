"""Score boxes read "2,5" and "2.5" and name their limits the way the user writes numbers."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from evaluation.forms import PointsField


@pytest.mark.parametrize("typed", ["2,5", "2.5", " 2,5 "])
def test_it_reads_a_comma_or_a_point(typed):
    assert PointsField(label="Tiêu chí 1", max_value=Decimal("5.00")).clean(typed) == Decimal("2.5")


@pytest.mark.parametrize(
    ("language", "typed", "message"),
    [
        ("vi", "7", "Tiêu chí 1 không được lớn hơn 5,5."),
        ("vi", "-1", "Tiêu chí 1 không được nhỏ hơn 0."),
        ("en", "7", "Tiêu chí 1 cannot be more than 5.5."),
    ],
)
def test_it_names_the_limit_as_the_user_writes_numbers(language, typed, message):
    with translation.override(language):
        field = PointsField(label="Tiêu chí 1", max_value=Decimal("5.50"))
        with pytest.raises(ValidationError) as error:
            field.clean(typed)
    assert error.value.messages == [message]
