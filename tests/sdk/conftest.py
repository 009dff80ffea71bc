"""Fixtures of the SDK tests: the platform's canned replies (a respx router) and a sync
or async client that reaches it; the same for API v3 (``v3_platform``, ``v3_client``).

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
from sdk_helpers import ENDPOINT, SETTINGS, V3_ENDPOINT, V3_KEY, AnyClient, AnyV3Client

from salesmanago import AsyncSalesManago, AsyncSalesManagoV3, SalesManago, SalesManagoV3


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


@pytest.fixture
def v3_platform() -> Iterator[respx.MockRouter]:
    """API v3's canned replies: a respx router on ``https://api.salesmanago.com``."""
    with respx.mock(base_url=V3_ENDPOINT, assert_all_called=False) as router:
        yield router


@pytest.fixture
def make_v3_client(
    mode: str, v3_platform: respx.MockRouter, slept: list[float]
) -> Callable[..., AnyV3Client]:
    """Build an API v3 client of the test's mode that reaches ``v3_platform``; keyword
    arguments override its settings."""

    def make(**overrides: Any) -> AnyV3Client:
        settings: dict[str, Any] = {"api_key": V3_KEY, **overrides}
        if mode == "sync":
            return SalesManagoV3(**settings, sleep=slept.append)

        async def sleep(seconds: float) -> None:
            slept.append(seconds)

        return AsyncSalesManagoV3(**settings, sleep=sleep)

    return make


@pytest.fixture
def v3_client(make_v3_client: Callable[..., AnyV3Client]) -> AnyV3Client:
    """An API v3 client of the test's mode with the default settings (2 retries)."""
    return make_v3_client()
