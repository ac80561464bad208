"""Horizontal bar charts as inline SVG for the discipline dashboards.

Each chart has a <title> and <desc> (role="img"); the page shows the same figures in a
table next to it, so nothing is only in the picture.
"""

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

register = template.Library()

WIDTH, ROW, LABEL = 560, 26, 220


@register.simple_tag
def percent_bars(rows, title, chart_id, target=None):
    """One bar per (label, percent or None) row on a 0–100 scale; an optional target line."""
    rows = list(rows)
    if not rows:
        return ""
    plot = WIDTH - LABEL - 60
    height = ROW * len(rows) + 24

    def bar(index, label, value):
        y = 8 + index * ROW
        width = 0 if value is None else plot * float(value) / 100
        text = "—" if value is None else f"{number_format(value, 2)} %"
        modifier = (
            "none" if value is None else ("good" if target is None or value >= target else "fail")
        )
        return (
            LABEL - 8,
            y + 15,
            label[:34],
            LABEL,
            y + 3,
            f"{width:.1f}",
            modifier,
            LABEL + width + 6,
            y + 15,
            text,
        )

    bars = format_html_join(
        "",
        '<text x="{}" y="{}" class="chart__axis" text-anchor="end">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="16" class="chart__bar--{}"/>'
        '<text x="{}" y="{}" class="chart__value">{}</text>',
        (bar(index, str(label), value) for index, (label, value) in enumerate(rows)),
    )
    line = ""
    if target is not None:
        x = LABEL + plot * float(target) / 100
        line = format_html(
            '<line x1="{}" x2="{}" y1="0" y2="{}" class="chart__threshold"/>',
            f"{x:.1f}",
            f"{x:.1f}",
            height,
        )
    description = "; ".join(
        f"{label}: {'—' if value is None else number_format(value, 2) + ' %'}"
        for label, value in rows
    )
    return format_html(
        '<svg class="chart chart--wide" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="{}-title {}-desc"><title id="{}-title">{}</title>'
        '<desc id="{}-desc">{}</desc>'
        '<line x1="{}" x2="{}" y1="0" y2="{}" class="chart__baseline"/>{}{}</svg>',
        WIDTH,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description or _("Không có số liệu."),
        LABEL,
        LABEL,
        height,
        bars,
        line,
    )
