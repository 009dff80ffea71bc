"""Inline SVG bar charts for the card's activity (seed 003 §5, §6): no script, no CDN."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from markupsafe import Markup, escape

__all__ = ["bar_chart"]

_BAR: Final = 22
_GAP: Final = 4
_HEIGHT: Final = 90
_LABEL: Final = 16


def bar_chart(title: str, labels: Sequence[str], values: Sequence[int]) -> Markup:
    """A labelled vertical bar chart as an ``<svg>`` element (``role="img"``, titled).

    Each bar carries a ``<title>`` with its label and count (shown on hover); the
    tallest bar fills the height, an all-zero chart draws empty bars.
    """
    if len(labels) != len(values):
        raise ValueError("bar_chart needs one label per value")
    top = max(values, default=0) or 1
    width = len(values) * (_BAR + _GAP) + _GAP
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'width="{width}" height="{_HEIGHT + 2 * _LABEL}" '
        f'viewBox="0 0 {width} {_HEIGHT + 2 * _LABEL}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = _GAP + index * (_BAR + _GAP)
        height = round(_HEIGHT * value / top)
        y = _LABEL + _HEIGHT - height
        parts.append(
            f"<g><title>{escape(label)}: {value}</title>"
            f'<rect x="{x}" y="{y}" width="{_BAR}" height="{height}" fill="#2b6cb0"/>'
            f'<text x="{x + _BAR / 2:g}" y="{_LABEL - 4}" font-size="10" '
            f'text-anchor="middle">{value if value else ""}</text>'
            f'<text x="{x + _BAR / 2:g}" y="{_LABEL + _HEIGHT + 12}" font-size="10" '
            f'text-anchor="middle">{escape(label)}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every inserted text went through escape()
