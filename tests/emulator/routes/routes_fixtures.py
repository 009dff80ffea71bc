"""The two-account fixtures, defined once for every suite that uses them.

``tests/emulator/conftest.py`` (for every layer of the emulator's tests) and the
conftests of ``tests/security`` and ``tests/sdk/areas`` import the ones they need (pytest
registers a fixture a conftest imports like one it defines):
``clock`` (frozen at :data:`routes_helpers.NOW`), ``emu`` (accounts A with two
users and B with one, see :func:`routes_helpers.new_emulator`), ``account_a`` /
``account_b`` (their state), ``http`` (a plain httpx client on the emulator's
transport), ``api`` / ``api_b`` (raw JSON as A / B) and ``sm`` / ``asm`` (the
SDK's clients of account A).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from routes_helpers import A_ID, A_OWNER, A_SECRET, B_ID, B_OWNER, B_SECRET, NOW, Api, new_emulator

from salesmanago import AsyncSalesManago, SalesManago
from salesmanago_emulator import Account, Emulator, FrozenClock

__all__ = ["account_a", "account_b", "api", "api_b", "asm", "clock", "emu", "http", "sm"]


@pytest.fixture
def clock() -> FrozenClock:
    """The emulator's clock, frozen at 2026-01-15 10:00 UTC."""
    return FrozenClock(NOW)


@pytest.fixture
def emu(clock: FrozenClock) -> Emulator[FrozenClock]:
    """Two accounts, A (two users) and B (one user), at a frozen instant."""
    return new_emulator(clock)


@pytest.fixture
def account_a(emu: Emulator[FrozenClock]) -> Account:
    """Account A's state."""
    return emu.account(A_ID)


@pytest.fixture
def account_b(emu: Emulator[FrozenClock]) -> Account:
    """Account B's state."""
    return emu.account(B_ID)


@pytest.fixture
def http(emu: Emulator[FrozenClock]) -> Iterator[httpx.Client]:
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
def sm(emu: Emulator[FrozenClock]) -> Iterator[SalesManago]:
    """The SDK's sync client of account A on the emulator."""
    with emu.client(A_ID) as client:
        yield client


@pytest.fixture
async def asm(emu: Emulator[FrozenClock]) -> AsyncIterator[AsyncSalesManago]:
    """The SDK's async client of account A on the emulator."""
    async with emu.async_client(A_ID) as client:
        yield client
