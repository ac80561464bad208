"""Every reason code the engine can emit is documented and has translatable text."""

from django.utils import translation

from evaluation import scoring
from evaluation.reasons import REASON_TEXT, reason_text


def test_it_has_text_for_every_engine_code():
    assert set(REASON_TEXT) == set(scoring.REASON_CODES)


def test_it_lists_every_code_in_the_engine_docstring():
    for code in scoring.REASON_CODES:
        assert f"``{code}``" in scoring.__doc__


def test_it_explains_a_reason_with_its_values_in_vietnamese():
    reason = scoring.Reason(scoring.QUOTA_DOWNGRADE, (("rank", "3"), ("limit", "2")))
    with translation.override("vi"):
        text = reason_text(reason)
    assert text.startswith("Vượt tỷ lệ cho mức cao nhất")
    assert "thứ tự: 3" in text
    assert "số được giữ: 2" in text
