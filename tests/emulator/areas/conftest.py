"""Fixtures of the area tests (events, coupons, notes, tasks, funnels, companies, exports).

The same two-account set-up as the route tests: ``emu`` (accounts A and B at
a frozen instant), ``api`` / ``api_b`` (raw JSON posters, see
``routes_helpers``), plus ``account_a`` / ``account_b`` (their state) and
``sm`` / ``asm`` (SDK clients of account A on the emulator).
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "routes"))

from routes_helpers import (
    A_ID,
    A_OWNER,
    A_SECOND,
    A_SECRET,
    B_ID,
    B_OWNER,
    B_SECRET,
    NOW,
    Api,
)

from salesmanago import AsyncSalesManago, SalesManago
from salesmanago_emulator import Account, Emulator, FrozenClock


@pytest.fixture
def clock() -> FrozenClock:
    """The emulator's clock, frozen at 2026-01-15 10:00 UTC."""
    return FrozenClock(NOW)


@pytest.fixture
def emu(clock: FrozenClock) -> Emulator:
    """Two accounts, A (two users) and B (one user), at a frozen instant."""
    emulator = Emulator(clock=clock)
    emulator.add_account(client_id=A_ID, api_secret=A_SECRET, users=[A_OWNER, A_SECOND])
    emulator.add_account(client_id=B_ID, api_secret=B_SECRET, users=[B_OWNER])
    return emulator


@pytest.fixture
def account_a(emu: Emulator) -> Account:
    """Account A's state."""
    return emu.account(A_ID)


@pytest.fixture
def account_b(emu: Emulator) -> Account:
    """Account B's state."""
    return emu.account(B_ID)


@pytest.fixture
def http(emu: Emulator) -> Iterator[httpx.Client]:
    """A plain httpx client on the emulator's transport."""
    with httpx.Client(transport=emu.transport()) as client:
        yield client


@pytest.fixture
def api(http: httpx.Client) -> Api:
    """Account A, acting as its first user (raw JSON)."""
    return Api(http, A_ID, A_SECRET, A_OWNER)


@pytest.fixture
def api_b(http: httpx.Client) -> Api:
    """Account B, acting as its user (raw JSON)."""
    return Api(http, B_ID, B_SECRET, B_OWNER)


@pytest.fixture
def sm(emu: Emulator) -> Iterator[SalesManago]:
    """The SDK's sync client of account A on the emulator."""
    with emu.client(A_ID) as client:
        yield client


@pytest.fixture
async def asm(emu: Emulator) -> AsyncIterator[AsyncSalesManago]:
    """The SDK's async client of account A on the emulator."""
    async with emu.async_client(A_ID) as client:
        yield client
