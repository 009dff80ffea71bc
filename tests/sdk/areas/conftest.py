"""Fixtures for the commerce and CRM area tests: the platform's canned replies (a
respx router on the account's endpoint) and one driver that runs a method on the
sync or the async client, so every test body covers both twins."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Iterator
from typing import Any

import pytest
import respx

from salesmanago import AsyncSalesManago, SalesManago

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
