"""The report's two charts as inline SVG, drawn here so the HTML needs no script or network.

Charts are plain shapes and text in a viewBox, so they scale to the page and print sharply on
A4; every label is escaped, since unit and cadre names come from organisers' spreadsheets.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from orggraph.domain.policy import Policy

_FONT = 'font-family="inherit" font-size="11"'
_BAR_COLOUR = "#3566a8"
_IN_BAND = "#2e7d32"
_OUT_OF_BAND = "#c4532b"
_NONE = "#8a939c"
_GRID = "#d5d9de"
_MAX_LABEL = 16


@dataclass(frozen=True)
class Bar:
    """One child unit's coverage: a share from 0 to 1 and the words printed beside it."""

    label: str
    share: float
    note: str


def _short(label: str) -> str:
    return label if len(label) <= _MAX_LABEL else label[: _MAX_LABEL - 1] + "…"


def coverage_chart(bars: list[Bar], title: str) -> str:
    """Horizontal bars, one per child unit, on a 0-100 % axis."""
    label_w, plot_w, note_w, row_h = 170, 330, 140, 22
    top, bottom = 8, 26
    width = label_w + plot_w + note_w
    height = top + row_h * len(bars) + bottom
    parts = [
        f'<svg class="chart coverage-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    axis_y = top + row_h * len(bars)
    for tick in (0, 25, 50, 75, 100):
        x = label_w + plot_w * tick / 100
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{axis_y}" stroke="{_GRID}"/>'
            f'<text x="{x:.1f}" y="{axis_y + 15}" text-anchor="middle" {_FONT}>{tick}%</text>'
        )
    for i, bar in enumerate(bars):
        y = top + i * row_h
        bar_w = plot_w * max(0.0, min(1.0, bar.share))
        parts.append(
            f"<g><title>{escape(bar.label)}: {escape(bar.note)}</title>"
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" {_FONT}>'
            f"{escape(_short(bar.label))}</text>"
            f'<rect x="{label_w}" y="{y + 4}" width="{bar_w:.1f}" height="{row_h - 8}" '
            f'fill="{_BAR_COLOUR}"/>'
            f'<text x="{label_w + plot_w + 6}" y="{y + 15}" {_FONT}>{escape(bar.note)}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, ... at or above `value` (the y axis' top)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def load_histogram(
    load: dict[int, int], policy: Policy, title: str, band_label: str, x_label: str, y_label: str
) -> str:
    """Cadres per household count, the policy band shaded behind the bars.

    Bars inside the band are green, outside it orange, cadres covering none grey, so the
    printed page reads without a legend even in black and white (the band is labelled).
    """
    left, plot_w, plot_h, top, bottom = 48, 560, 200, 22, 40
    width, height = left + plot_w + 12, top + plot_h + bottom
    last = max([*load, policy.max_households + 1])
    slot = plot_w / (last + 1)
    y_top = _nice_ceiling(max(load.values(), default=1))

    def x_of(households: int) -> float:
        return left + households * slot

    def y_of(cadres: int) -> float:
        return top + plot_h - plot_h * cadres / y_top

    parts = [
        f'<svg class="chart load-histogram" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    band_x = x_of(policy.min_households)
    band_w = x_of(policy.max_households + 1) - band_x
    parts.append(
        f'<rect class="band" x="{band_x:.1f}" y="{top}" width="{band_w:.1f}" height="{plot_h}" '
        f'fill="{_IN_BAND}" fill-opacity="0.12" stroke="{_IN_BAND}" stroke-dasharray="4 3"/>'
        f'<text x="{band_x + band_w / 2:.1f}" y="{top - 6}" text-anchor="middle" {_FONT} '
        f'fill="{_IN_BAND}">{escape(band_label)}</text>'
    )
    for tick in (0, y_top // 2, y_top):
        y = y_of(tick)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{_GRID}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" {_FONT}>{tick:,}</text>'
        )
    label_every = 1 if last < 40 else 5
    for households in range(last + 1):
        cadres = load.get(households, 0)
        x = x_of(households)
        if households % label_every == 0:
            parts.append(
                f'<text x="{x + slot / 2:.1f}" y="{top + plot_h + 14}" text-anchor="middle" '
                f"{_FONT}>{households}</text>"
            )
        if not cadres:
            continue
        colour = (
            _NONE if households == 0 else _IN_BAND if policy.in_band(households) else _OUT_OF_BAND
        )
        y = y_of(cadres)
        parts.append(
            f'<g><title>{households}: {cadres:,}</title><rect x="{x + 1:.1f}" y="{y:.1f}" '
            f'width="{max(1.0, slot - 2):.1f}" height="{top + plot_h - y:.1f}" '
            f'fill="{colour}"/></g>'
        )
    parts.append(
        f'<text x="{left + plot_w / 2}" y="{height - 6}" text-anchor="middle" {_FONT}>'
        f"{escape(x_label)}</text>"
        f'<text x="12" y="{top + plot_h / 2}" text-anchor="middle" {_FONT} '
        f'transform="rotate(-90 12 {top + plot_h / 2})">{escape(y_label)}</text></svg>'
    )
    return "".join(parts)
