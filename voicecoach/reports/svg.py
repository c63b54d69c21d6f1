"""Line charts as inline SVG for the printable reports (no JavaScript in print or PDF): labelled
axes, Dutch numbers, one line per series, gaps where a value is missing."""

from __future__ import annotations

import math
from html import escape

from babel.numbers import format_decimal

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 60, 20, 16, 90
COLOURS = ("#1f6f8b", "#a3342a", "#1b6840", "#8e5ea2", "#c77c02")


def _nl(value: float) -> str:
    return format_decimal(round(value, 1), format="#,##0.#", locale="nl")


def _nice_step(rough: float) -> float:
    """1, 2 or 5 times a power of ten: ticks a reader can count in."""
    if rough <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(rough))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= rough)


def line_chart(title: str, x_labels: list[str], series: dict[str, list[float | None]], y_title: str, x_title: str) -> str:
    """An SVG line chart; every value of every series belongs to the x label at the same index."""
    values = [v for line in series.values() for v in line if v is not None] or [0.0]
    tick_step = _nice_step((max(0.0, *values) - min(0.0, *values)) / 4)
    low = math.floor(min(0.0, *values) / tick_step) * tick_step
    high = max(math.ceil(max(0.0, *values) / tick_step) * tick_step, low + tick_step)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(x_labels) - 1, 1)

    def x(i: int) -> float:
        return LEFT + (i * step if len(x_labels) > 1 else plot_w / 2)

    def y(v: float) -> float:
        return TOP + plot_h * (high - v) / (high - low)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" class="report-chart">',
             f'<title>{escape(title)}</title>']
    ticks = [low + n * tick_step for n in range(round((high - low) / tick_step) + 1)]
    for tick in ticks:
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#dde3ea"/>'
                     f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11">{_nl(tick)}</text>')
    parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(0):.1f}" y2="{y(0):.1f}" stroke="#4f5d6b"/>')
    for i, label in enumerate(x_labels):
        parts.append(f'<text x="{x(i):.1f}" y="{TOP + plot_h + 14}" text-anchor="middle" font-size="10">{escape(label)}</text>')
    parts.append(f'<text x="{LEFT + plot_w / 2}" y="{TOP + plot_h + 32}" text-anchor="middle" font-size="12">{escape(x_title)}</text>'
                 f'<text transform="translate(14 {TOP + plot_h / 2}) rotate(-90)" text-anchor="middle" font-size="12">{escape(y_title)}</text>')
    for n, (name, line) in enumerate(series.items()):
        colour = COLOURS[n % len(COLOURS)]
        points = [(x(i), y(v)) for i, v in enumerate(line) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        parts.extend(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{colour}"/>' for px, py in points)
        legend_y = HEIGHT - BOTTOM + 52 + 16 * (n // 2)
        legend_x = LEFT + (n % 2) * plot_w / 2
        parts.append(f'<rect x="{legend_x}" y="{legend_y - 9}" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{legend_x + 18}" y="{legend_y + 1}" font-size="11">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)
