"""Shared pieces of the SDK tests: the account's settings, the platform's envelopes as
respx replies, readers of what a respx route received, and :func:`call`, which runs
one resource method on the sync or the async client so that a single test body
covers both twins.

The canned platform is a respx router (fixture ``platform`` in ``conftest.py``):
``platform.post(PATH).mock(side_effect=answers(...))`` answers the requests to
``PATH`` in turn, and ``route.calls`` holds what was sent.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

import httpx
from respx.models import Call, Route

from salesmanago import AsyncSalesManago, AsyncSalesManagoV3, SalesManago, SalesManagoV3
from salesmanago._auth import compute_sha

CLIENT_ID = "client-id-0042"
API_SECRET = "api-secret-DO-NOT-PRINT-7f3c9a"
API_KEY = "api-key-0042"
OWNER = "owner@shop.example.com"
ENDPOINT = "https://app3.salesmanago.pl"
SHA = compute_sha(API_KEY, CLIENT_ID, API_SECRET)
#: The account's settings, as keyword arguments of either client.
SETTINGS: dict[str, Any] = {
    "client_id": CLIENT_ID,
    "api_secret": API_SECRET,
    "owner": OWNER,
    "endpoint": ENDPOINT,
    "api_key": API_KEY,
}

AUTH_KEYS = ("clientId", "apiKey", "requestTime", "sha")
CONTENT_TYPE = "application/json;charset=UTF-8"
ACCEPT = "application/json, application/json"

AnyClient = SalesManago | AsyncSalesManago
AnyV3Client = SalesManagoV3 | AsyncSalesManagoV3

#: API v3 (protocol §9): its server and a key.
V3_ENDPOINT = "https://api.salesmanago.com"
V3_KEY = "v3-api-key-NEVER-PRINTED-5e1f"
#: One canned answer: an envelope (a JSON 200 reply), a response, an exception the
#: transport raises, or a function of the request returning the response.
Answer = Mapping[str, Any] | httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def ok(**fields: Any) -> dict[str, Any]:
    """A success envelope with ``fields`` next to ``success`` and ``message``."""
    return {"success": True, "message": [], **fields}


def failed(*messages: str, **fields: Any) -> dict[str, Any]:
    """A ``success: false`` envelope carrying ``messages``."""
    return {"success": False, "message": list(messages), **fields}


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)  # the SDK reads a Decimal sent as a string or as a number
    raise TypeError(type(value).__name__)


def envelope(body: Mapping[str, Any], status: int = 200) -> httpx.Response:
    """``body`` as the platform's JSON reply."""
    return httpx.Response(
        status,
        content=json.dumps(body, default=_json_default).encode(),
        headers={"Content-Type": "application/json"},
    )


def answers(*items: Answer) -> list[Answer]:
    """A route's ``side_effect``: one answer per request, in order (a request past the
    last one fails the test); an envelope becomes a JSON 200 reply."""
    return [envelope(item) if isinstance(item, Mapping) else item for item in items]


# what was sent -------------------------------------------------------------------------


def sent(calls: Iterable[Call]) -> list[httpx.Request]:
    """The requests of ``route.calls`` (or ``platform.calls``), in order."""
    return [c.request for c in calls]


def payloads(calls: Iterable[Call]) -> list[dict[str, Any]]:
    """The whole JSON bodies (auth fields included) of the requests."""
    return [json.loads(c.request.content, parse_float=Decimal) for c in calls]


def bodies(calls: Iterable[Call]) -> list[dict[str, Any]]:
    """The bodies without the auth fields and ``owner``: the method's own fields."""
    return [{k: v for k, v in p.items() if k not in (*AUTH_KEYS, "owner")} for p in payloads(calls)]


def posted(calls: Iterable[Call]) -> list[dict[str, Any]]:
    """The bodies without the auth fields, ``owner`` kept (where the endpoint takes it)."""
    return [{k: v for k, v in p.items() if k not in AUTH_KEYS} for p in payloads(calls)]


def body(route: Route) -> dict[str, Any]:
    """The only body ``route`` received, as :func:`posted` reads it."""
    assert route.call_count == 1, f"{route.call_count} requests to {route.pattern}"
    return posted(route.calls)[0]


async def call(client: object, name: str, *args: Any, **kwargs: Any) -> Any:
    """Run ``client.<resource>.<method>(*args, **kwargs)`` on either client.

    An awaitable is awaited; an iterator (sync or async) is collected into a list.
    """
    target: Any = client
    for part in name.split("."):
        target = getattr(target, part)
    result = target(*args, **kwargs)
    if inspect.isawaitable(result):
        return await result
    if hasattr(result, "__aiter__"):
        return [item async for item in result]
    if isinstance(result, Iterator):
        return list(result)
    return result
