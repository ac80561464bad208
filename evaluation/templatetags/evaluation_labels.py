"""Words for the cycle's codes: level names in the user's language, a unit's status.

Level names are rule-set data (`RuleSet.level_labels`): the names the product ships are
translated here, a province's own names (A, B, ...) are shown as the rule set stores them.
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import pgettext_lazy

from evaluation.models import PeriodState, UnitPeriodState

register = template.Library()

SHIPPED_LEVEL_NAMES = {
    "Xuất sắc": pgettext_lazy("level", "Xuất sắc"),
    "Tốt": pgettext_lazy("level", "Tốt"),
    "Hoàn thành": pgettext_lazy("level", "Hoàn thành"),
    "Không hoàn thành": pgettext_lazy("level", "Không hoàn thành"),
}
"""The nd335 level names; hn3814's A, B, C and D read the same in every language."""


@register.filter
def level_name(name: str | None) -> str | None:
    """A rule set's level name in the active language; unknown names as stored."""
    if not name:
        return name
    return str(SHIPPED_LEVEL_NAMES.get(name, name))


UNIT_AT_STEP = {
    PeriodState.OPEN: (pgettext_lazy("unit", "Chưa bắt đầu"), ""),
    PeriodState.SELF_ASSESSMENT: (pgettext_lazy("unit", "Đang tự đánh giá"), " state--todo"),
    PeriodState.SCORING: (UnitPeriodState.DRAFT.label, " state--todo"),
}
"""What a unit that has not submitted is doing, by the period's step."""

UNIT_TONES = {
    UnitPeriodState.SUBMITTED: " state--done",
    UnitPeriodState.APPROVED: " state--done",
    UnitPeriodState.RETURNED: " state--late",
}


@register.simple_tag
def unit_status(unit_period, period):
    """The unit's status badge: its own state once submitted or returned, else the step
    the period is at ("Đang tự đánh giá" while people self-assess, "Đang chấm" after)."""
    label, tone = unit_status_label(unit_period, period)
    return format_html('<span class="state{}">{}</span>', tone, label)


def unit_status_label(unit_period, period) -> tuple:
    """(label, tone) of a unit's status (also its Excel export's words)."""
    if unit_period.state == UnitPeriodState.DRAFT and period.state in UNIT_AT_STEP:
        return UNIT_AT_STEP[period.state]
    return unit_period.get_state_display(), UNIT_TONES.get(unit_period.state, "")
