"""Small server-side SVG charts: a 12-month trend line and a level distribution.

Both return inline SVG with a <title> and <desc> (role="img"), so a screen reader gets a
sentence; pages put the same figures in a table next to the chart. No JavaScript, no
library: a clerk's slow office PC draws them as fast as text.
"""

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

register = template.Library()

WIDTH, HEIGHT = 440, 220
LEFT, RIGHT, TOP, BOTTOM = 34, 16, 12, 30


def score_text(value) -> str:
    """A score with two decimals in the active language's format, or a dash."""
    return "—" if value is None else number_format(value, 2)


def _f(value: float) -> str:
    return f"{value:.1f}"


def _y(score) -> str:
    plot = HEIGHT - TOP - BOTTOM
    return _f(TOP + plot * (1 - float(score) / 100))


@register.simple_tag
def trend_chart(points, thresholds=(), chart_id="trend"):
    """A line of monthly totals (0–100) with the level thresholds as dashed lines.

    `points`: (label, total or None, level label) per month, oldest first; a month
    without a result leaves a gap in the line. `thresholds`: scores to draw as lines.
    """
    points = list(points)
    if not points:
        return ""
    step = (WIDTH - LEFT - RIGHT) / max(len(points) - 1, 1)
    xs = [
        _f(LEFT + step * index) if len(points) > 1 else _f(WIDTH / 2)
        for index in range(len(points))
    ]
    grid = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" class="chart__threshold"/>'
        '<text x="{}" y="{}" class="chart__axis" text-anchor="end">{}</text>',
        (
            (
                LEFT,
                WIDTH - RIGHT,
                _y(score),
                _y(score),
                LEFT - 4,
                _y(Decimal(score) - 1),
                f"{int(score)}",
            )
            for score in thresholds
        ),
    )
    segments, current = [], []
    for x, (_label, total, _level) in zip(xs, points, strict=True):
        if total is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append(f"{x},{_y(total)}")
    if current:
        segments.append(current)
    lines = format_html_join(
        "",
        '<polyline points="{}" class="chart__line"/>',
        ((" ".join(segment),) for segment in segments if len(segment) > 1),
    )
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="4.5" class="chart__dot"><title>{}: {} ({})</title></circle>',
        (
            (x, _y(total), label, score_text(total), level or "—")
            for x, (label, total, level) in zip(xs, points, strict=True)
            if total is not None
        ),
    )
    labels = format_html_join(
        "",
        '<text x="{}" y="{}" class="chart__axis" text-anchor="middle">{}</text>',
        ((x, HEIGHT - 12, label) for x, (label, _t, _l) in zip(xs, points, strict=True)),
    )
    scored = [(label, total) for label, total, _level in points if total is not None]
    if scored:
        description = _("Tổng điểm từng tháng: %(values)s.") % {
            "values": "; ".join(f"{label} {score_text(total)}" for label, total in scored)
        }
    else:
        description = _("Chưa có kết quả tháng nào.")
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
        '<line x1="{}" x2="{}" y1="{}" y2="{}" class="chart__baseline"/>'
        "{}{}{}{}</svg>",
        WIDTH,
        HEIGHT,
        chart_id,
        chart_id,
        chart_id,
        _("Tổng điểm 12 tháng gần nhất"),
        chart_id,
        description,
        LEFT,
        WIDTH - RIGHT,
        _y(0),
        _y(0),
        grid,
        lines,
        dots,
        labels,
    )


@register.simple_tag
def level_bars(rows, chart_id="levels"):
    """Horizontal bars: (label, count, css modifier) per level, scaled to the largest count."""
    rows = list(rows)
    largest = max((count for _label, count, _mod in rows), default=0) or 1
    bar, gap, label_width, width = 22, 8, 150, 480
    room = width - label_width - 40

    def bar_row(index, label, count, modifier):
        top = index * (bar + gap)
        length = room * count / largest
        return (
            top + 16,
            label,
            label_width,
            top,
            _f(max(length, 1)),
            bar,
            modifier,
            _f(label_width + length + 6),
            top + 16,
            count,
        )

    bars = format_html_join(
        "",
        '<text x="0" y="{}" class="chart__axis">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" rx="3" class="chart__bar chart__bar--{}"/>'
        '<text x="{}" y="{}" class="chart__value">{}</text>',
        (bar_row(index, *row) for index, row in enumerate(rows)),
    )
    description = "; ".join(f"{label}: {count}" for label, count, _mod in rows)
    return format_html(
        '<svg class="chart chart--bars" viewBox="0 0 {} {}" role="img"'
        ' aria-labelledby="{}-title {}-desc"><title id="{}-title">{}</title>'
        '<desc id="{}-desc">{}</desc>{}</svg>',
        width,
        max(len(rows) * (bar + gap), bar),
        chart_id,
        chart_id,
        chart_id,
        _("Phân bố mức xếp loại"),
        chart_id,
        description,
        bars,
    )


@register.filter
def score(value):
    """A score with two decimals in the active language's format, or a dash."""
    return score_text(value)
