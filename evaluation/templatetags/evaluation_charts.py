"""Small server-side SVG charts: a 12-month trend line and a level distribution.

Both return inline SVG with a <title> and <desc> (role="img"), so a screen reader gets a
sentence; pages put the same figures in a table next to the chart. No JavaScript, no
library: a clerk's slow office PC draws them as fast as text.
"""

from dataclasses import dataclass
from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from evaluation import forms

register = template.Library()


@dataclass(frozen=True)
class Frame:
    """A drawing's size in its own units and the margins around the plot. The plot keeps
    `inset` clear inside its left and right edges and `top` above 100, so a dot at an
    edge and the labels next to it are never clipped."""

    width: int
    height: int
    left: int = 56
    right: int = 16
    top: int = 18
    bottom: int = 36
    inset: int = 18

    def y(self, score) -> str:
        plot = self.height - self.top - self.bottom
        return _f(self.top + plot * (1 - float(score) / 100))


WIDE = Frame(720, 240)
"""The trend on a screen: as wide as its card (about 3:1)."""
NARROW = Frame(360, 240, left=40, right=8, inset=12)
"""The trend on a phone (max-width 40rem): taller for its width, every other month named."""


def score_text(value) -> str:
    """A score with two decimals in the active language's format, or a dash."""
    return "—" if value is None else number_format(value, 2)


def _f(value: float) -> str:
    return f"{value:.1f}"


def _gridlines(frame: Frame, thresholds) -> str:
    """A labelled line at 0, at 100 and at every threshold (dashed: a level starts there)."""
    levels = {Decimal(score) for score in thresholds if 0 < Decimal(score) < 100}
    rows = []
    for score in sorted(levels | {Decimal(0), Decimal(100)}):
        kind = "chart__threshold" if score in levels else "chart__grid"
        y = frame.y(score)
        rows.append((kind, frame.left, frame.width - frame.right, y, y, frame.left - 6, y))
        rows[-1] += (f"{score.normalize():f}",)
    return format_html_join(
        "",
        '<line class="{}" x1="{}" x2="{}" y1="{}" y2="{}"/>'
        '<text class="chart__axis" x="{}" y="{}" text-anchor="end"'
        ' dominant-baseline="middle">{}</text>',
        rows,
    )


def _trend_svg(frame: Frame, points, thresholds, chart_id: str, modifier: str, every: int):
    first, last = frame.left + frame.inset, frame.width - frame.right - frame.inset
    step = (last - first) / max(len(points) - 1, 1)
    xs = [
        _f(first + step * index) if len(points) > 1 else _f((first + last) / 2)
        for index in range(len(points))
    ]
    segments, current = [], []
    for x, (_label, total, _level) in zip(xs, points, strict=True):
        if total is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append(f"{x},{frame.y(total)}")
    if current:
        segments.append(current)
    lines = format_html_join(
        "",
        '<polyline points="{}" class="chart__line"/>',
        ((" ".join(segment),) for segment in segments if len(segment) > 1),
    )
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="5" class="chart__dot"><title>{}: {} ({})</title></circle>',
        (
            (x, frame.y(total), label, score_text(total), level or "—")
            for x, (label, total, level) in zip(xs, points, strict=True)
            if total is not None
        ),
    )
    named = len(points) - 1
    labels = format_html_join(
        "",
        '<text x="{}" y="{}" class="chart__axis" text-anchor="middle">{}</text>',
        (
            (x, frame.height - 10, label)
            for index, (x, (label, _t, _l)) in enumerate(zip(xs, points, strict=True))
            if (named - index) % every == 0
        ),
    )
    scored = [(label, total) for label, total, _level in points if total is not None]
    if scored:
        description = _("Tổng điểm từng tháng: %(values)s.") % {
            "values": "; ".join(f"{label} {score_text(total)}" for label, total in scored)
        }
    else:
        description = _("Chưa có kết quả tháng nào.")
    return format_html(
        '<svg class="chart chart--trend {}" viewBox="0 0 {} {}" width="100%" role="img"'
        ' aria-labelledby="{}-title {}-desc">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
        "{}"
        '<line x1="{}" x2="{}" y1="{}" y2="{}" class="chart__baseline"/>'
        "{}{}{}</svg>",
        modifier,
        frame.width,
        frame.height,
        chart_id,
        chart_id,
        chart_id,
        _("Tổng điểm 12 tháng gần nhất"),
        chart_id,
        description,
        _gridlines(frame, thresholds),
        frame.left,
        frame.width - frame.right,
        frame.y(0),
        frame.y(0),
        lines,
        dots,
        labels,
    )


@register.simple_tag
def trend_chart(points, thresholds=(), chart_id="trend"):
    """A line of monthly totals on a 0–100 axis with labelled gridlines, the level
    thresholds dashed; as wide as its card (viewBox, width 100%).

    Drawn twice, for a screen and for a phone; the stylesheet shows one, so a screen
    reader meets one. `points`: (label, total or None, level name) per month, oldest
    first; a month without a result leaves a gap. `thresholds`: scores drawn as lines.
    """
    points = list(points)
    if not points:
        return ""
    return format_html(
        "{}{}",
        _trend_svg(WIDE, points, thresholds, chart_id, "chart--screen", 1),
        _trend_svg(
            NARROW, points, thresholds, f"{chart_id}-phone", "chart--phone", 1 + (len(points) > 6)
        ),
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


@register.filter
def plain(value):
    """A number as its shortest text in the active language: 0,5 and 2, not 0,500."""
    return forms.plain(value)
