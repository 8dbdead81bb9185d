"""Charts as inline SVG: no script, no file fetched, printable, and labelled for a screen reader.

Every chart sits beside a table of the same numbers; the red/amber/green bands are drawn as
shaded, labelled zones, and every point and bar carries its figure as text, so colour is never
the only signal.
"""

from __future__ import annotations

from datetime import date

from markupsafe import Markup, escape

from models.compliance.shares import Share
from models.policy.policy import Compliance

BAND_FILL = {"green": "#e3f1e6", "amber": "#fcf0d9", "red": "#f8e1e1"}
INK = "#1d2733"
LINE = "#1f4e8c"


def trend_chart(title: str, days: list[date], shares: list[Share], bands: Compliance) -> Markup:
    """A line of the share within timescale at each day, over the policy's bands."""
    width, height, left, right, top, bottom = 560, 320, 44, 56, 20, 40
    plot_w, plot_h = width - left - right, height - top - bottom

    def y(percent: float) -> float:
        return top + plot_h * (1 - percent / 100)

    def x(index: int) -> float:
        return left + plot_w * index / max(1, len(days) - 1)

    parts = [_open(width, height, title)]
    zones = (
        ("green", 100, bands.green_from),
        ("amber", bands.green_from, bands.amber_from),
        ("red", bands.amber_from, 0),
    )
    for name, upper, lower in zones:
        if upper > lower:
            parts.append(
                f'<rect x="{left}" y="{y(upper):.1f}" width="{plot_w}" height="{y(lower) - y(upper):.1f}" '
                f'fill="{BAND_FILL[name]}"/>'
                f'<text x="{left + plot_w + 6}" y="{y(upper) + 12:.1f}" font-size="11" '
                f'fill="{INK}">{name}</text>'
            )
    for percent in (0, 25, 50, 75, 100):
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(percent):.1f}" y2="{y(percent):.1f}" stroke="#c9ced6" '
            f'stroke-width="0.5"/><text x="{left - 6}" y="{y(percent) + 4:.1f}" text-anchor="end" '
            f'font-size="11" fill="{INK}">{percent}%</text>'
        )
    points = [(x(i), y(s.percent)) for i, s in enumerate(shares) if s.percent is not None]
    if len(points) > 1:
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{LINE}" stroke-width="2"/>')
    for index, (day, share) in enumerate(zip(days, shares, strict=True)):
        label = "today" if index == len(days) - 1 else day.strftime("%b")
        parts.append(
            f'<text x="{x(index):.1f}" y="{height - 18}" text-anchor="middle" font-size="11" fill="{INK}">'
            f"{escape(label)}</text>"
        )
        if share.percent is not None:
            px, py = x(index), y(share.percent)
            parts.append(
                f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{LINE}"/>'
                f'<text x="{px:.1f}" y="{py - 8:.1f}" text-anchor="middle" font-size="11" font-weight="600" '
                f'fill="{INK}">{share.percent:.0f}%</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(title: str, rows: list[tuple[str, Share, str]]) -> Markup:
    """One horizontal bar per named share, its figure and rating written beside it."""
    row_h, left, right, top = 22, 220, 150, 8
    width = 720
    plot_w = width - left - right
    height = top * 2 + row_h * max(1, len(rows))
    parts = [_open(width, height, title)]
    for index, (name, share, rating) in enumerate(rows):
        y = top + index * row_h
        percent = share.percent or 0
        parts.append(
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" font-size="12" fill="{INK}">{escape(name)}</text>'
            f'<rect x="{left}" y="{y + 4}" width="{plot_w}" height="{row_h - 8}" fill="#eef0f3"/>'
            f'<rect x="{left}" y="{y + 4}" width="{plot_w * percent / 100:.1f}" height="{row_h - 8}" '
            f'fill="{_BAR[rating]}"/>'
            f'<text x="{left + plot_w + 8}" y="{y + 15}" font-size="12" fill="{INK}">{escape(share.label())} '
            f"{escape({'none': '', 'unrated': 'not rated'}.get(rating, rating))}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


_BAR = {"green": "#2e7d4f", "amber": "#b86e00", "red": "#b42318", "none": "#8a94a3", "unrated": "#8a94a3"}


def _open(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" class="chart" font-family="system-ui, sans-serif">'
        f"<title>{escape(title)}</title>"
    )
