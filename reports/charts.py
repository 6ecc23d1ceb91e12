"""Charts as SVG, drawn on the server: no script, no CDN, readable without colours.

Pure: the caller gives the labels and the number format of the reader's language;
every text is escaped. Each chart is an `<svg role="img">` named by its <title> and
described by its <desc> (what a screen reader says), and each bar or point carries
a <title> with its label and value (a tooltip on hover).
"""

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 640, 300
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 56, 16, 36, 44
MAX_X_LABELS = 8
TICKS = 4
PALETTE = ("#7a2f66", "#1a7f37", "#9a6700", "#0969da")
ID_PATTERN = re.compile(r"^[a-z][a-z0-9-]*$")

Number = Callable[[float], str]


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]
    color: str = ""


def nice_ceiling(value: float) -> float:
    """The round number (1, 2 or 5 times a power of ten) at or above `value` / TICKS,
    times TICKS: the top of the y axis."""
    raw_step = value / TICKS
    if raw_step <= 0:  # nothing to show, or too small to divide
        return float(TICKS)
    power = 10 ** math.floor(math.log10(raw_step))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw_step:
            return factor * power * TICKS
    return 10 * power * TICKS  # unreachable: factor 10 always covers raw_step


def _text(x: float, y: float, content: str, **attributes) -> str:
    extra = "".join(f' {name.replace("_", "-")}="{escape(str(value))}"'
                    for name, value in attributes.items())
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{escape(content)}</text>'


def _frame(chart_id: str, title: str, description: str, body: list[str]) -> str:
    if not ID_PATTERN.match(chart_id):
        raise ValueError(f"chart id {chart_id!r}: lowercase letters, digits and dashes")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{chart_id}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
        + "".join(body) + "</svg>")


def _axes(labels: Sequence[str], top: float, number: Number) -> list[str]:
    """The y grid with its ticks, and the x labels (every n-th, so that they never overlap)."""
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    parts = ['<g class="axes" font-size="11" fill="#5b636e">']
    for tick in range(TICKS + 1):
        value = top * tick / TICKS
        y = MARGIN_TOP + plot_height - plot_height * tick / TICKS
        parts.append(f'<line x1="{MARGIN_LEFT}" x2="{WIDTH - MARGIN_RIGHT}" y1="{y:.1f}" '
                     f'y2="{y:.1f}" stroke="#d5d9de" stroke-width="1"/>')
        parts.append(_text(MARGIN_LEFT - 6, y + 4, number(value), text_anchor="end"))
    every = max(1, math.ceil(len(labels) / MAX_X_LABELS))
    slot = plot_width / max(len(labels), 1)
    for index, label in enumerate(labels):
        if index % every == 0:
            x = MARGIN_LEFT + slot * (index + 0.5)
            parts.append(_text(x, HEIGHT - MARGIN_BOTTOM + 16, label, text_anchor="middle"))
    parts.append("</g>")
    return parts


def _legend(series: Sequence[Series]) -> list[str]:
    parts, x = ['<g class="legend" font-size="12" fill="#1f2328">'], float(MARGIN_LEFT)
    for item in series:
        parts.append(f'<rect x="{x:.1f}" y="10" width="12" height="12" rx="2" '
                     f'fill="{escape(item.color)}"/>')
        parts.append(_text(x + 16, 20, item.name))
        x += 28 + 7 * len(item.name)
    parts.append("</g>")
    return parts


def _checked(labels: Sequence[str], series: Sequence[Series]) -> list[Series]:
    if not series:
        raise ValueError("a chart needs at least one series")
    colored = []
    for index, item in enumerate(series):
        if len(item.values) != len(labels):
            raise ValueError(f"series {item.name!r} has {len(item.values)} values for "
                             f"{len(labels)} labels")
        if any(value < 0 or not math.isfinite(value) for value in item.values):
            raise ValueError(f"series {item.name!r}: values are finite and not negative")
        colored.append(Series(item.name, item.values,
                              item.color or PALETTE[index % len(PALETTE)]))
    return colored


def bar_chart(*, chart_id: str, title: str, description: str, labels: Sequence[str],
              series: Sequence[Series], number: Number = str) -> str:
    """Bars of each series side by side for each label (e.g. points earned, spent and
    expired, per week)."""
    series = _checked(labels, series)
    top = nice_ceiling(max((max(item.values, default=0) for item in series), default=0))
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    slot = plot_width / max(len(labels), 1)
    bar = slot * 0.8 / len(series)
    body = [*_axes(labels, top, number), *_legend(series), '<g class="bars">']
    for index, label in enumerate(labels):
        for position, item in enumerate(series):
            value = item.values[index]
            height = plot_height * value / top
            x = MARGIN_LEFT + slot * index + slot * 0.1 + bar * position
            y = MARGIN_TOP + plot_height - height
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{height:.1f}" '
                f'fill="{escape(item.color)}"><title>{escape(label)}: {escape(item.name)} '
                f'{escape(number(value))}</title></rect>')
    body.append("</g>")
    return _frame(chart_id, title, description, body)


def line_chart(*, chart_id: str, title: str, description: str, labels: Sequence[str],
               series: Sequence[Series], number: Number = str) -> str:
    """A line per series over the labels (e.g. active members per week)."""
    series = _checked(labels, series)
    top = nice_ceiling(max((max(item.values, default=0) for item in series), default=0))
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    slot = plot_width / max(len(labels), 1)
    body = [*_axes(labels, top, number), *_legend(series)]
    for item in series:
        points = [(MARGIN_LEFT + slot * (index + 0.5),
                   MARGIN_TOP + plot_height - plot_height * value / top)
                  for index, value in enumerate(item.values)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        body.append(f'<g class="line"><polyline points="{path}" fill="none" '
                    f'stroke="{escape(item.color)}" stroke-width="2.5"/>')
        for (x, y), label, value in zip(points, labels, item.values, strict=True):
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" '
                        f'fill="{escape(item.color)}"><title>{escape(label)}: '
                        f'{escape(item.name)} {escape(number(value))}</title></circle>')
        body.append("</g>")
    return _frame(chart_id, title, description, body)
