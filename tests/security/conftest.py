"""Fixtures of the security tests: the two-account set-up of the route and area tests.

``emu`` holds accounts A (two users) and B (one user) at a frozen instant;
``api`` / ``api_b`` post raw JSON as A / B (``routes_helpers.Api``);
``account_a`` / ``account_b`` are their state. The hypothesis tests build
their own emulators with :func:`security_helpers.new_emulator` (a fresh one
per test function, not per example).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "emulator" / "routes"))

from routes_helpers import A_ID, A_OWNER, A_SECRET, B_ID, B_OWNER, B_SECRET, Api
from security_helpers import new_emulator

from salesmanago_emulator import Account, Emulator, FrozenClock


@pytest.fixture
def emu() -> Emulator[FrozenClock]:
    """Two accounts, A (two users) and B (one user), on a frozen clock."""
    return new_emulator()


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
