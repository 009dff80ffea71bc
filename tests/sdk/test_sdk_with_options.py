"""``with_options``: a new client built through the constructor that keeps every
setting of its original but the ones given, and sends through the original's
connection pool without ever closing it (anthropic-sdk-python's ``copy``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx
from sdk_helpers import (
    API_KEY,
    CLIENT_ID,
    ENDPOINT,
    OWNER,
    SETTINGS,
    SHA,
    AnyClient,
    answers,
    call,
    ok,
    payloads,
)

from salesmanago import AsyncSalesManago, ConfigurationError, InternalServerError, SalesManago

USERS = "/api/user/listByClient"


async def _close(client: AnyClient) -> None:
    if isinstance(client, AsyncSalesManago):
        await client.aclose()
    else:
        client.close()


async def test_a_clone_keeps_every_setting(
    make_client: Callable[..., AnyClient], platform: respx.MockRouter, slept: list[float]
) -> None:
    """Without arguments the clone is the original again: the same credentials (api_key
    and signature included), endpoint, timeout, retries, sleep and pool."""
    original = make_client(timeout=12.0, max_retries=1)
    clone = original.with_options()
    route = platform.post(USERS).mock(side_effect=answers(httpx.Response(503), ok(users=[])))

    assert await call(clone, "users.list") == []

    assert type(clone) is type(original)
    assert clone is not original
    assert (clone.owner, clone.base_url) == (OWNER, ENDPOINT)
    assert (clone.timeout, clone.max_retries) == (12.0, 1)
    assert clone._http is original._http
    assert clone._sleep is original._sleep
    assert len(slept) == 1  # the retry waited in the original's sleep
    sent = payloads(route.calls)
    assert [(p["clientId"], p["apiKey"], p["sha"], p["owner"]) for p in sent] == [
        (CLIENT_ID, API_KEY, SHA, OWNER)
    ] * 2
    assert {str(c.request.url) for c in route.calls} == {ENDPOINT + USERS}
    assert route.calls.last.request.extensions["timeout"] == httpx.Timeout(12.0).as_dict()
    await _close(original)


async def test_a_clone_changes_only_what_is_given(
    make_client: Callable[..., AnyClient], platform: respx.MockRouter
) -> None:
    """``with_options`` returns a client with the new timeout and retries, sending
    through the same HTTP client; the original keeps its settings and each client's
    resources send through that client."""
    route = platform.post(USERS).mock(return_value=httpx.Response(500))
    original = make_client()
    clone = original.with_options(timeout=5.0, max_retries=0)

    assert (clone.timeout, clone.max_retries) == (5.0, 0)
    assert (original.timeout, original.max_retries) == (30.0, 2)
    assert original.with_options(timeout=7.0).max_retries == 2
    assert original.with_options(max_retries=4).timeout == 30.0
    assert clone.users._client is clone
    assert original.users._client is original

    with pytest.raises(InternalServerError):
        await call(clone, "users.list")
    assert route.call_count == 1
    assert route.calls[0].request.extensions["timeout"] == httpx.Timeout(5.0).as_dict()

    with pytest.raises(InternalServerError):
        await call(original, "users.list")
    assert route.call_count == 4
    assert route.calls.last.request.extensions["timeout"] == httpx.Timeout(30.0).as_dict()
    await _close(original)


@pytest.mark.parametrize(("name", "value"), [("timeout", 0), ("timeout", -1), ("max_retries", -1)])
def test_a_clone_refuses_bad_settings(
    make_client: Callable[..., AnyClient], name: str, value: float
) -> None:
    """A timeout must be positive and retries 0 or more, for a clone as for a client."""
    with pytest.raises(ConfigurationError, match=name):
        make_client().with_options(**{name: value})


@pytest.mark.parametrize("how", ["own pool", "transport"])
async def test_closing_a_clone_leaves_the_pool_open(
    make_client: Callable[..., AnyClient], how: str
) -> None:
    """The clone (and its own clones) send with the original's pool and never close
    it; closing the original closes it."""
    options: dict[str, Any] = {}
    if how == "transport":
        answer = httpx.Response(200, json=ok(users=[]))
        mock = httpx.MockTransport(lambda request: answer)
        options["transport"] = mock
    original = make_client(**options)
    clone = original.with_options(max_retries=5)
    grandchild = clone.with_options(timeout=1.0)
    assert clone._http is original._http
    assert grandchild._http is original._http

    await _close(grandchild)
    await _close(clone)
    assert not original._http.is_closed
    await _close(original)
    assert original._http.is_closed


async def test_an_injected_http_client_stays_open(mode: str) -> None:
    """An ``http_client`` passed in is the caller's: neither the client nor its clones
    close it."""
    http: httpx.Client | httpx.AsyncClient
    if mode == "sync":
        http = httpx.Client()
        original: AnyClient = SalesManago(**SETTINGS, http_client=http)
    else:
        http = httpx.AsyncClient()
        original = AsyncSalesManago(**SETTINGS, http_client=http)
    clone = original.with_options(timeout=2.0)
    assert clone._http is http
    await _close(clone)
    await _close(original)
    assert not http.is_closed
    if isinstance(http, httpx.AsyncClient):
        await http.aclose()
    else:
        http.close()


async def test_an_async_clone_shares_the_in_flight_limit() -> None:
    """The async clone waits in the same ``max_concurrent_requests`` limiter as its
    original (not one of its own), and keeps the original's ``concurrency``."""
    original = AsyncSalesManago(**SETTINGS, max_concurrent_requests=3)
    original.concurrency = 9
    clone = original.with_options(timeout=3.0)
    assert clone.max_concurrent_requests == 3
    assert clone._in_flight is original._in_flight
    assert clone.concurrency == 9
    assert AsyncSalesManago(**SETTINGS).with_options().concurrency == AsyncSalesManago.concurrency
    await original.aclose()
