"""Fixtures of the callback tests: two accounts, raw JSON and SDK doors, a loopback receiver.

The two-account fixtures (``emu``, ``api``, ``sm`` ...) come from ``routes_fixtures``.

``receiver`` is a tiny ``http.server`` on 127.0.0.1 (an ephemeral port) that
records every request it gets and answers with the statuses queued in
``receiver.statuses`` (200 once they run out).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "routes"))
sys.path.insert(0, str(Path(__file__).parent))

from callbacks_helpers import Received, Receiver
from routes_fixtures import account_a, account_b, api, clock, emu, http, sm

__all__ = ["Received", "Receiver", "account_a", "account_b", "api", "clock", "emu", "http", "sm"]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A running loopback receiver."""
    server = Receiver()
    yield server
    server.close()
