"""The clocks (clock.py): FrozenClock stands still until moved, only forward by advance;
SystemClock is aware UTC (S3.4)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from salesmanago_emulator.clock import Clock, FrozenClock, SystemClock


def test_s3_4_frozen_clock_stands_still_until_advanced() -> None:
    clock = FrozenClock(datetime(2026, 3, 28, 23, 59, tzinfo=ZoneInfo("Europe/Warsaw")))
    first = clock.now()
    assert clock.now() == first
    assert first.tzinfo is timezone.utc
    assert first == datetime(2026, 3, 28, 22, 59, tzinfo=timezone.utc)
    assert clock.advance(timedelta(minutes=2)) == first + timedelta(minutes=2)
    assert clock.now() == first + timedelta(minutes=2)


def test_s3_4_frozen_clock_refuses_naive_and_backward_advance() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FrozenClock(datetime(2026, 1, 1))
    clock = FrozenClock(datetime(2026, 1, 1, tzinfo=timezone.utc))
    with pytest.raises(ValueError, match="only moves forward"):
        clock.advance(timedelta(seconds=-1))
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.set(datetime(2026, 1, 2))
    clock.set(datetime(2025, 1, 1, 12, tzinfo=ZoneInfo("Europe/Warsaw")))
    assert clock.now() == datetime(2025, 1, 1, 11, tzinfo=timezone.utc)


def test_s3_4_system_clock_is_aware_utc_and_both_satisfy_protocol() -> None:
    now = SystemClock().now()
    assert now.tzinfo is timezone.utc
    assert isinstance(SystemClock(), Clock)
    assert isinstance(FrozenClock(now), Clock)
