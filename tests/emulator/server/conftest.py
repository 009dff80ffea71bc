"""Fixtures of the server tests: an emulator at a frozen instant behind a real loopback socket."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from server_helpers import CLIENT_ID, NOW, OWNER, SECRET

from salesmanago_emulator import Emulator, EmulatorServer, FrozenClock


@pytest.fixture
def clock() -> FrozenClock:
    """The emulator's clock."""
    return FrozenClock(NOW)


@pytest.fixture
def emu(clock: FrozenClock) -> Emulator:
    """One account (two users) at a frozen instant."""
    emulator = Emulator(clock=clock)
    emulator.add_account(
        client_id=CLIENT_ID, api_secret=SECRET, users=[OWNER, "second@example.com"]
    )
    return emulator


@pytest.fixture
def server(emu: Emulator) -> Iterator[EmulatorServer]:
    """An EmulatorServer on ``emu`` (127.0.0.1, a free port)."""
    with EmulatorServer(emu) as running:
        yield running
