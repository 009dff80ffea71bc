"""Counting a card's activity: shares with percentages, hourly and weekly histograms
(S16.1, S16.2). Pure functions over what the areas hand in; no account, no clock.

Percentages are exact decimals rounded to two places half-up (``ROUND_HALF_UP``),
each on its own: their sum is 100 within half a hundredth per group (three groups
of one visit each give 33.33 three times, 99.99 in all).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Final
from zoneinfo import ZoneInfo

import attrs

__all__ = ["HOURS", "WEEKDAYS", "Histograms", "Share", "histograms", "percent", "shares"]

HOURS: Final = 24
"""Bars of the hourly histogram: 0 .. 23 in the account's time zone."""
WEEKDAYS: Final = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
"""Bars of the weekly histogram, Monday first (the platform's Polish week)."""
_CENT: Final = Decimal("0.01")


def percent(count: int, total: int) -> Decimal:
    """``count`` of ``total`` in percent, two decimals, half-up; 0.00 of nothing."""
    if total <= 0:
        return Decimal("0.00")
    return (Decimal(100 * count) / Decimal(total)).quantize(_CENT, rounding=ROUND_HALF_UP)


@attrs.frozen(kw_only=True)
class Share:
    """One group of a card's visits (a device, a system, a browser) (S16.1)."""

    name: str
    """The group's name (``UNKNOWN`` when the visits did not say)."""
    visits: int
    """How many visits fall in it."""
    percent: Decimal
    """Their share of all the visits counted, two decimals rounded half-up."""
    last_visit: datetime
    """The group's latest visit."""


def shares(items: Iterable[tuple[str, datetime]]) -> tuple[Share, ...]:
    """The groups of ``(name, date)`` items: most items first, then by name."""
    counts: dict[str, int] = {}
    latest: dict[str, datetime] = {}
    for name, when in items:
        counts[name] = counts.get(name, 0) + 1
        if name not in latest or when > latest[name]:
            latest[name] = when
    total = sum(counts.values())
    ranked = sorted(counts, key=lambda name: (-counts[name], name))
    return tuple(
        Share(
            name=name,
            visits=counts[name],
            percent=percent(counts[name], total),
            last_visit=latest[name],
        )
        for name in ranked
    )


@attrs.frozen(kw_only=True)
class Histograms:
    """A card's activity by hour of the day and by day of the week (S16.2)."""

    sources: tuple[str, ...]
    """The sources counted (``VISITS``, ``EXTERNAL_EVENTS``, ...), in the order asked."""
    hourly: tuple[int, ...]
    """Items per hour 0 .. 23 in the account's time zone."""
    weekly: tuple[int, ...]
    """Items per weekday, Monday first (`WEEKDAYS`)."""

    @property
    def total(self) -> int:
        """How many items were counted (the sum of either histogram)."""
        return sum(self.hourly)


def histograms(
    sources: Iterable[tuple[str, Iterable[datetime]]],
    zone: ZoneInfo,
    start: datetime | None = None,
    end: datetime | None = None,
) -> Histograms:
    """Count the instants of each ``(name, instants)`` source dated in [``start``,
    ``end``] (either open when ``None``) by local hour and weekday in ``zone``."""
    hourly = [0] * HOURS
    weekly = [0] * len(WEEKDAYS)
    names: list[str] = []
    for name, instants in sources:
        names.append(name)
        for when in instants:
            if (start is not None and when < start) or (end is not None and when > end):
                continue
            local = when.astimezone(zone)
            hourly[local.hour] += 1
            weekly[local.weekday()] += 1
    return Histograms(sources=tuple(names), hourly=tuple(hourly), weekly=tuple(weekly))
