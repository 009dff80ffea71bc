"""Time for the emulator: the real clock, or a frozen one tests move by hand.

Every instant the emulator stores comes from a [`Clock`][salesmanago_emulator.Clock] and is a
timezone-aware ``datetime`` in UTC. Nothing in the emulator reads the system
time directly, so a test can reach "02:00 tomorrow" (semantics S3.4) by
advancing a [`FrozenClock`][salesmanago_emulator.FrozenClock] instead of waiting.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Protocol, runtime_checkable

__all__ = ["Clock", "FrozenClock", "SystemClock", "is_aware", "parse_iso", "utc_iso"]


def parse_iso(text: str) -> datetime:
    """An ISO-8601 date-time as written by people and tools (a trailing ``Z`` means
    UTC); ValueError if it is none. The result may be naive: see `is_aware`."""
    return datetime.fromisoformat(text.strip().replace("Z", "+00:00"))


def is_aware(when: datetime) -> bool:
    """Whether ``when`` names one instant (it has a zone with an offset)."""
    return when.tzinfo is not None and when.utcoffset() is not None


def utc_iso(when: datetime) -> str:
    """An instant as ISO-8601 text in UTC, as the emulator writes instants out."""
    return when.astimezone(timezone.utc).isoformat()


@runtime_checkable
class Clock(Protocol):
    """Anything that tells the current time."""

    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        return datetime.now(timezone.utc)

    def __repr__(self) -> str:
        return "SystemClock()"


def _aware_utc(when: datetime, what: str) -> datetime:
    if not isinstance(when, datetime):
        raise TypeError(f"{what} must be a datetime, got {type(when).__name__}")
    if not is_aware(when):
        raise ValueError(
            f"{what} must be timezone-aware (the emulator keeps every instant in UTC); "
            f"got naive {when.isoformat()}"
        )
    return when.astimezone(timezone.utc)


class FrozenClock:
    """A clock that stands still until told to move.

    ``FrozenClock(datetime(2026, 3, 28, 23, 59, tzinfo=ZoneInfo("Europe/Warsaw")))``
    starts at that instant; [`advance`][salesmanago_emulator.FrozenClock.advance] moves it forward
    and [`set`][salesmanago_emulator.FrozenClock.set] puts it anywhere. The time given may be in any
    zone; [`now`][salesmanago_emulator.FrozenClock.now] answers in UTC.
    """

    __slots__ = ("_now",)

    def __init__(self, start: datetime) -> None:
        """Start at ``start`` (timezone-aware; a naive datetime is a ValueError)."""
        self._now = _aware_utc(start, "FrozenClock start")

    def now(self) -> datetime:
        """The frozen instant, in UTC."""
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by ``delta`` (zero or positive) and return the new instant."""
        if not isinstance(delta, timedelta):
            raise TypeError(f"advance() takes a timedelta, got {type(delta).__name__}")
        if delta < timedelta(0):
            raise ValueError(
                f"FrozenClock only moves forward with advance(); got {delta}. "
                "Use set() to jump to an earlier instant on purpose."
            )
        self._now = self._now + delta
        return self._now

    def set(self, when: datetime) -> None:
        """Jump to ``when`` (timezone-aware; earlier instants are allowed)."""
        self._now = _aware_utc(when, "FrozenClock.set() argument")

    def __repr__(self) -> str:
        return f"FrozenClock({self._now.isoformat()})"
