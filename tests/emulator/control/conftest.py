"""Fixtures of the control API's tests: two accounts, a loopback server, a callback receiver.

The two-account fixtures (``emu`` with accounts A and B at a frozen instant,
``account_a``, ``account_b``, ``api`` ...) come from ``routes_fixtures``;
``server`` is an :class:`EmulatorServer` on ``emu`` (127.0.0.1, a free port)
and ``receiver`` a loopback HTTP receiver of callbacks (``callbacks_helpers``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "routes"))
sys.path.insert(0, str(Path(__file__).parent.parent / "server"))
sys.path.insert(0, str(Path(__file__).parent.parent / "callbacks"))
sys.path.insert(0, str(Path(__file__).parent))

from callbacks_helpers import Receiver
from routes_fixtures import account_a, account_b, api, clock, emu, http

from salesmanago_emulator import Emulator, EmulatorServer

__all__ = ["account_a", "account_b", "api", "clock", "emu", "http", "receiver", "server"]


@pytest.fixture
def server(emu: Emulator) -> Iterator[EmulatorServer]:
    """An EmulatorServer on ``emu`` (127.0.0.1, a free port)."""
    with EmulatorServer(emu) as running:
        yield running


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A running loopback receiver."""
    running = Receiver()
    yield running
    running.close()
