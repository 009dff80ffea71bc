"""Fixtures of the route tests: two accounts on one emulator, raw httpx clients."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from routes_helpers import A_ID, A_OWNER, A_SECOND, A_SECRET, B_ID, B_OWNER, B_SECRET, NOW, Api

from salesmanago_emulator import Emulator, FrozenClock


@pytest.fixture
def emu() -> Emulator:
    """Two accounts, A (two users) and B (one user), at a frozen instant."""
    emulator = Emulator(clock=FrozenClock(NOW))
    emulator.add_account(client_id=A_ID, api_secret=A_SECRET, users=[A_OWNER, A_SECOND])
    emulator.add_account(client_id=B_ID, api_secret=B_SECRET, users=[B_OWNER])
    return emulator


@pytest.fixture
def http(emu: Emulator) -> Iterator[httpx.Client]:
    """A plain httpx client on the emulator's transport."""
    with httpx.Client(transport=emu.transport()) as client:
        yield client


@pytest.fixture
def api(http: httpx.Client) -> Api:
    """Account A, acting as its first user."""
    return Api(http, A_ID, A_SECRET, A_OWNER)


@pytest.fixture
def api_b(http: httpx.Client) -> Api:
    """Account B, acting as its user."""
    return Api(http, B_ID, B_SECRET, B_OWNER)
