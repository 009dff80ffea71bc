"""Fixtures of the SDK tests: the platform's canned replies (a respx router) and a sync
or async client that reaches it.

``client`` (and ``make_client`` for other settings) is parametrised over
``"sync"`` and ``"async"``: every test that takes it runs against both clients.
The clients send through httpx's own transport, which respx answers while
``platform`` is active; waits between retries go to ``slept`` instead of the clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import respx
from sdk_helpers import ENDPOINT, SETTINGS, AnyClient

from salesmanago import AsyncSalesManago, SalesManago


@pytest.fixture
def platform() -> Iterator[respx.MockRouter]:
    """The platform's canned replies: a respx router on the account's endpoint.

    ``platform.post(PATH).mock(...)`` answers the requests to ``PATH``; a request
    that no route matches fails the test. Clients on httpx's own transport reach it.
    """
    with respx.mock(base_url=ENDPOINT, assert_all_called=False) as router:
        yield router


@pytest.fixture
def slept() -> list[float]:
    """Every wait a client asked its injected sleep for (nothing really sleeps)."""
    return []


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    """Which client a test runs against."""
    return str(request.param)


@pytest.fixture
def make_client(
    mode: str, platform: respx.MockRouter, slept: list[float]
) -> Callable[..., AnyClient]:
    """Build a client of the test's mode that reaches ``platform``; keyword arguments
    override the account's settings (``max_retries=0``, ``api_key=...``)."""

    def make(**overrides: Any) -> AnyClient:
        settings: dict[str, Any] = {**SETTINGS, **overrides}
        if mode == "sync":
            return SalesManago(**settings, sleep=slept.append)

        async def sleep(seconds: float) -> None:
            slept.append(seconds)

        return AsyncSalesManago(**settings, sleep=sleep)

    return make


@pytest.fixture
def client(make_client: Callable[..., AnyClient]) -> AnyClient:
    """A client of the test's mode with the default settings (2 retries)."""
    return make_client()
