"""Fixtures for the emulator's state-layer tests: a frozen clock and one account."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from salesmanago_emulator.clock import FrozenClock
from salesmanago_emulator.state import Account

WARSAW = ZoneInfo("Europe/Warsaw")
OWNER = "owner@shop.pl"
OTHER_USER = "second@shop.pl"
THIRD_USER = "third@shop.pl"


@pytest.fixture
def clock() -> FrozenClock:
    """A clock frozen at 2026-01-15 10:00 Warsaw time."""
    return FrozenClock(datetime(2026, 1, 15, 10, 0, tzinfo=WARSAW))


@pytest.fixture
def account(clock: FrozenClock) -> Account:
    """An empty account in Europe/Warsaw with three users."""
    return Account("client1", "secret1", [OWNER, OTHER_USER, THIRD_USER], clock=clock)
