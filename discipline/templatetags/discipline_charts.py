"""Horizontal bar charts as inline SVG for the discipline dashboards.

Each chart has a <title> and <desc> (role="img"); the page shows the same figures in a
table next to it, so nothing is only in the picture. The SVG has a viewBox and no fixed
size, so it fills its card and scales with it. A unit name wraps to two lines; a longer
one ends in "…" and its row's <title> gives it whole.
"""

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join

register = template.Library()

WIDTH, LABEL, VALUE = 960, 330, 84
"""viewBox width, label column and value column, in user units (13px text)."""
ROW, BAR, LINE = 38, 18, 15
LINE_CHARS = 44
"""Characters of a label line that fit the label column at 13px."""


def label_lines(label: str, width: int = LINE_CHARS) -> list[str]:
    """`label` cut at spaces into at most two lines of `width` characters; the second
    ends in "…" when the rest does not fit (a word longer than a line is cut too)."""
    lines: list[str] = []
    current = ""
    for word in label.split():
        candidate = f"{current} {word}".strip()
        if len(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
    lines.append(current)
    lines = [line if len(line) <= width else line[: width - 1] + "…" for line in lines]
    if len(lines) > 2:
        second = " ".join(lines[1:])
        lines = [lines[0], second[: width - 1].rstrip() + "…"]
    return lines


def _label(x: int, middle: float, label: str):
    lines = label_lines(label)
    first = middle + 4.5 - (LINE / 2 if len(lines) == 2 else 0)
    return format_html_join(
        "",
        '<tspan x="{}" y="{}">{}</tspan>',
        ((x, f"{first + index * LINE:.1f}", line) for index, line in enumerate(lines)),
    )


@register.simple_tag
def percent_bars(rows, title, chart_id, target=None):
    """One bar per (label, percent or None) row on a 0–100 scale; an optional target line."""
    rows = [(str(label), value) for label, value in rows]
    if not rows:
        return ""
    plot = WIDTH - LABEL - VALUE
    height = ROW * len(rows) + 8

    def text(value):
        return "—" if value is None else f"{number_format(value, 2)} %"

    def bar(index, label, value):
        top = 4 + index * ROW
        middle = top + ROW / 2
        width = 0 if value is None else plot * float(value) / 100
        modifier = (
            "none" if value is None else ("good" if target is None or value >= target else "fail")
        )
        return (
            label,
            LABEL - 10,
            _label(LABEL - 10, middle, label),
            LABEL,
            f"{middle - BAR / 2:.1f}",
            f"{width:.1f}",
            BAR,
            modifier,
            f"{LABEL + width + 6:.1f}",
            f"{middle + 4.5:.1f}",
            text(value),
        )

    bars = format_html_join(
        "",
        '<g class="chart__row"><title>{}</title>'
        '<text x="{}" class="chart__axis" text-anchor="end">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" class="chart__bar--{}"/>'
        '<text x="{}" y="{}" class="chart__value">{}</text></g>',
        (bar(index, label, value) for index, (label, value) in enumerate(rows)),
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
    description = "; ".join(f"{label}: {text(value)}" for label, value in rows)
    return format_html(
        '<div class="chart-scroll"><svg class="chart chart--wide" viewBox="0 0 {} {}" '
        'preserveAspectRatio="xMinYMin meet" role="img" aria-labelledby="{}-title {}-desc">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
        '<line x1="{}" x2="{}" y1="0" y2="{}" class="chart__baseline"/>{}{}</svg></div>',
        WIDTH,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        LABEL,
        LABEL,
        height,
        bars,
        line,
    )
