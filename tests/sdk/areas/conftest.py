"""Fixtures for the commerce and CRM area tests: a scripted fake platform on an
``httpx.MockTransport`` and one driver that runs a method on the sync or the
async client, so every test body covers both twins."""

from __future__ import annotations

import asyncio
import inspect
import json
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from salesmanago import AsyncSalesManago, SalesManago

ENDPOINT = "https://app2.salesmanago.pl"
OWNER = "owner@shop.example.com"
AUTH_KEYS = frozenset({"clientId", "apiKey", "requestTime", "sha"})

Reply = dict[str, Any] | httpx.Response | Callable[[httpx.Request], httpx.Response]


class FakePlatform:
    """Answers scripted replies per path and records every request.

    ``reply(path, *bodies)`` queues answers for a path; the last one repeats.
    A path with no reply answers HTTP 404, so an unexpected call fails loudly.
    """

    def __init__(self) -> None:
        self.replies: dict[str, deque[Reply]] = defaultdict(deque)
        self.requests: list[httpx.Request] = []

    def reply(self, path: str, *answers: Reply) -> None:
        """Queue answers for ``path``; a dict is a success envelope's extra fields."""
        self.replies[path].extend(answers)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        queue = self.replies.get(request.url.path)
        if not queue:
            return httpx.Response(404, text=f"no reply scripted for {request.url.path}")
        answer = queue.popleft() if len(queue) > 1 else queue[0]
        if callable(answer):
            return answer(request)
        if isinstance(answer, httpx.Response):
            return answer
        envelope = {"success": True, "message": [], **answer}
        # Decimals in a scripted answer travel as strings (the SDK reads both).
        return httpx.Response(
            200,
            content=json.dumps(envelope, default=str).encode(),
            headers={"Content-Type": "application/json"},
        )

    # what was sent ---------------------------------------------------------------

    def posts(self, path: str | None = None) -> list[httpx.Request]:
        """The POSTs sent (to ``path``)."""
        return [
            r for r in self.requests if r.method == "POST" and (path is None or r.url.path == path)
        ]

    def bodies(self, path: str | None = None) -> list[dict[str, Any]]:
        """The JSON bodies of the POSTs, auth fields left out (``owner`` kept)."""
        return [
            {
                k: v
                for k, v in json.loads(r.content, parse_float=Decimal).items()
                if k not in AUTH_KEYS
            }
            for r in self.posts(path)
        ]

    def body(self, path: str) -> dict[str, Any]:
        """The only body sent to ``path``."""
        bodies = self.bodies(path)
        assert len(bodies) == 1, f"{len(bodies)} requests to {path}"
        return bodies[0]

    @property
    def paths(self) -> list[str]:
        """Every request's method and path, in order."""
        return [f"{r.method} {r.url.path}" for r in self.requests]


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
def platform() -> FakePlatform:
    """The scripted fake platform."""
    return FakePlatform()


@pytest.fixture
def sleeps() -> list[float]:
    """Every wait an injected sleep was asked for (nothing really sleeps)."""
    return []


@pytest.fixture(params=["sync", "async"])
def api(request: pytest.FixtureRequest, platform: FakePlatform, sleeps: list[float]) -> Driver:
    """The driver of a sync or an async client talking to ``platform``."""
    settings: dict[str, Any] = {
        "client_id": "client123",
        "api_secret": "secret-never-sent",
        "owner": OWNER,
        "endpoint": ENDPOINT,
        "api_key": "key",
    }
    transport = httpx.MockTransport(platform)
    if request.param == "sync":
        return Driver(
            "sync",
            SalesManago(
                **settings, http_client=httpx.Client(transport=transport), sleep=sleeps.append
            ),
        )

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    return Driver(
        "async",
        AsyncSalesManago(
            **settings, http_client=httpx.AsyncClient(transport=transport), sleep=sleep
        ),
    )
