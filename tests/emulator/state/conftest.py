"""Fixtures for the emulator's state-layer tests.

Two set-ups: one account of its own (``account``, three users, Europe/Warsaw) on
``clock``, frozen at 2026-01-15 10:00 Warsaw time; and the two-account emulator of every
layer's tests (``emu``, ``account_a``, ``account_b`` from ``tests/emulator/conftest.py``),
which here runs on ``emu_clock`` (frozen at ``routes_helpers.NOW``, 10:00 UTC) because
``clock`` is taken. ``contact`` and ``other`` are two live contacts of account A.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from routes_helpers import A_OWNER, NOW, new_emulator
from state_helpers import OTHER_USER, OWNER, THIRD_USER

from salesmanago_emulator import Emulator
from salesmanago_emulator.clock import FrozenClock
from salesmanago_emulator.state import Account, ContactWrite

WARSAW = ZoneInfo("Europe/Warsaw")


@pytest.fixture
def clock() -> FrozenClock:
    """A clock frozen at 2026-01-15 10:00 Warsaw time."""
    return FrozenClock(datetime(2026, 1, 15, 10, 0, tzinfo=WARSAW))


@pytest.fixture
def account(clock: FrozenClock) -> Account:
    """An empty account in Europe/Warsaw with three users."""
    return Account("client1", "secret1", [OWNER, OTHER_USER, THIRD_USER], clock=clock)


@pytest.fixture
def emu_clock() -> FrozenClock:
    """The two-account emulator's clock, frozen at 2026-01-15 10:00 UTC (``clock`` in the
    other layers' tests)."""
    return FrozenClock(NOW)


@pytest.fixture
def emu(emu_clock: FrozenClock) -> Emulator[FrozenClock]:
    """Accounts A (two users) and B (one user) on ``emu_clock``."""
    return new_emulator(emu_clock)


@pytest.fixture
def contact(account_a: Account) -> str:
    """A live contact of account A (main owner A_OWNER); returns its id."""
    return account_a.contacts.upsert(ContactWrite(email="a@example.com"), A_OWNER).id


@pytest.fixture
def other(account_a: Account) -> str:
    """A second live contact of account A (main owner A_OWNER); returns its id."""
    return account_a.contacts.upsert(ContactWrite(email="b@example.com"), A_OWNER).id
