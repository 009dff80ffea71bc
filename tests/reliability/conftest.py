"""Fixtures of the reliability tests: an emulator, and sync or async clients on it.

``make_client`` is parametrised over ``"sync"`` and ``"async"``; the clients'
waits between retries go to ``slept`` and the emulator's injected latency to
``latency_slept``: nothing really sleeps.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "sdk"))

from reliability_helpers import API_SECRET, CLIENT_ID, KNOWN, OWNER, AnyClient

from salesmanago import ContactUpsert, SalesManago
from salesmanago_emulator import Emulator, FrozenClock


@pytest.fixture
def emulator() -> Emulator:
    """An emulator with one account holding the contact ``KNOWN``; an empty call log."""
    emu = Emulator(clock=FrozenClock(datetime(2026, 1, 15, 10, 0, tzinfo=timezone.utc)))
    emu.add_account(client_id=CLIENT_ID, api_secret=API_SECRET, users=[OWNER])
    with emu.client() as seed:
        seed.contacts.upsert(ContactUpsert(email=KNOWN))
    emu.clear_calls()
    return emu


@pytest.fixture
def slept() -> list[float]:
    """Every wait a client asked its injected sleep for."""
    return []


@pytest.fixture
def latency_slept(emulator: Emulator) -> list[float]:
    """Every injected latency the emulator waited (sync and async), instead of sleeping."""
    waits: list[float] = []

    async def async_sleep(seconds: float) -> None:
        waits.append(seconds)

    emulator.faults.sleep = waits.append
    emulator.faults.async_sleep = async_sleep
    return waits


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    """Which client a test runs against."""
    return str(request.param)


@pytest.fixture
async def make_client(
    mode: str, emulator: Emulator, slept: list[float]
) -> AsyncIterator[Callable[..., AnyClient]]:
    """Build a client of the test's mode on ``emulator`` (2 retries unless overridden)."""
    made: list[AnyClient] = []

    def make(**options: Any) -> AnyClient:
        options.setdefault("max_retries", 2)
        if mode == "sync":
            client: AnyClient = emulator.client(sleep=slept.append, **options)
        else:

            async def sleep(seconds: float) -> None:
                slept.append(seconds)

            client = emulator.async_client(sleep=sleep, **options)
        made.append(client)
        return client

    yield make
    for client in made:
        if isinstance(client, SalesManago):
            client.close()
        else:
            await client.close()


@pytest.fixture
def client(make_client: Callable[..., AnyClient]) -> AnyClient:
    """A client of the test's mode with the SDK's default two retries."""
    return make_client()
