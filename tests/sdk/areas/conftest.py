"""Fixtures for the SDK's area tests.

Against the platform's canned replies: ``platform`` (a respx router on the account's
endpoint) and ``api``, one driver that runs a method on the sync or the async client, so
every test body covers both twins.

Against the emulator: the two-account set-up of the emulator's tests (``emu``,
``clock``, ``account_a``, ``account_b``, ``sm`` / ``asm``, the SDK's clients of account
A; ``api_b``, raw JSON as account B; from ``tests/emulator/routes/routes_fixtures.py``)
and ``raw_api``, raw JSON as account A (the emulator tests' ``api``: the name is the
driver's here). The emulator's per-area helpers (``tests/emulator/<area>_helpers.py``)
are importable too.
"""

from __future__ import annotations

import asyncio
import inspect
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parents[2] / "emulator"))
sys.path.insert(0, str(Path(__file__).parents[2] / "emulator" / "routes"))

import httpx
import pytest
import respx
from routes_fixtures import account_a, account_b, api_b, asm, clock, emu, http, sm
from routes_helpers import A_ID, A_OWNER, A_SECRET, Api

from salesmanago import AsyncSalesManago, SalesManago

__all__ = [
    "Driver",
    "account_a",
    "account_b",
    "api",
    "api_b",
    "asm",
    "clock",
    "emu",
    "http",
    "platform",
    "raw_api",
    "sleeps",
    "sm",
]

ENDPOINT = "https://app2.salesmanago.pl"
OWNER = "owner@shop.example.com"


class Driver:
    """Runs ``resource.method(...)`` on one client and returns a plain result:
    awaited for the async client; iterators (sync or async) become lists."""

    def __init__(self, mode: str, client: SalesManago | AsyncSalesManago) -> None:
        self.mode = mode
        self.client = client

    def __call__(self, name: str, *args: Any, **kwargs: Any) -> Any:
        resource, method = name.split(".")
        result = getattr(getattr(self.client, resource), method)(*args, **kwargs)
        if inspect.isawaitable(result):
            return asyncio.run(_awaited(result))
        if hasattr(result, "__aiter__"):
            return asyncio.run(_collected(result))
        if isinstance(result, Iterator):
            return list(result)
        return result


async def _awaited(awaitable: Any) -> Any:
    return await awaitable


async def _collected(iterator: Any) -> list[Any]:
    return [item async for item in iterator]


@pytest.fixture
def platform() -> Iterator[respx.MockRouter]:
    """The platform's canned replies: a respx router on the account's endpoint
    (``platform.post(PATH).mock(...)``); a request no route matches fails the test."""
    with respx.mock(base_url=ENDPOINT, assert_all_called=False) as router:
        yield router


@pytest.fixture
def sleeps() -> list[float]:
    """Every wait an injected sleep was asked for (nothing really sleeps)."""
    return []


@pytest.fixture(params=["sync", "async"])
def api(request: pytest.FixtureRequest, platform: respx.MockRouter, sleeps: list[float]) -> Driver:
    """The driver of a sync or an async client that reaches ``platform``."""
    settings: dict[str, Any] = {
        "client_id": "client123",
        "api_secret": "secret-never-sent",
        "owner": OWNER,
        "endpoint": ENDPOINT,
        "api_key": "key",
    }
    if request.param == "sync":
        return Driver("sync", SalesManago(**settings, sleep=sleeps.append))

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    return Driver("async", AsyncSalesManago(**settings, sleep=sleep))


@pytest.fixture
def raw_api(http: httpx.Client) -> Api:
    """Account A on the emulator, acting as its first user (raw JSON)."""
    return Api(http, A_ID, A_SECRET, A_OWNER)
