"""Fixtures shared by the emulator's tests of every layer.

The two-account set-up is defined once in ``routes/routes_fixtures.py`` (the security
tests import it too): ``clock`` (frozen at ``routes_helpers.NOW``), ``emu`` (accounts A
with two users and B with one, see ``routes_helpers.new_emulator``), ``account_a`` /
``account_b`` (their state), ``http`` (a plain httpx client on the emulator's
transport), ``api`` / ``api_b`` (raw JSON as A / B) and ``sm`` / ``asm`` (the SDK's
clients of account A). ``receiver`` is a loopback HTTP receiver of callbacks
(``callbacks_helpers``).

A directory's own conftest may override them: ``server/`` runs its own one-account
emulator; ``state/`` has a one-account ``clock`` and ``account`` of its own, and runs
the two-account emulator on ``emu_clock``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "routes"))

import pytest
from callbacks_helpers import Receiver
from routes_fixtures import account_a, account_b, api, api_b, asm, clock, emu, http, sm

__all__ = [
    "account_a",
    "account_b",
    "api",
    "api_b",
    "asm",
    "clock",
    "emu",
    "http",
    "receiver",
    "sm",
]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A running loopback receiver of callbacks."""
    running = Receiver()
    yield running
    running.close()
