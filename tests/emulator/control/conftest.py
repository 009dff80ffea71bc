"""Fixtures of the control API's tests: a loopback server on the two-account emulator.

The two-account fixtures (``emu`` with accounts A and B at a frozen instant,
``account_a``, ``account_b``, ``api`` ...) and ``receiver`` (a loopback HTTP receiver
of callbacks) come from ``tests/emulator/conftest.py``; ``server`` is an
:class:`EmulatorServer` on ``emu`` (127.0.0.1, a free port).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "server"))
sys.path.insert(0, str(Path(__file__).parent))

from salesmanago_emulator import Emulator, EmulatorServer


@pytest.fixture
def server(emu: Emulator) -> Iterator[EmulatorServer]:
    """An EmulatorServer on ``emu`` (127.0.0.1, a free port)."""
    with EmulatorServer(emu) as running:
        yield running
