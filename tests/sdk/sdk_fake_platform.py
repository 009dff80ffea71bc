"""Shared pieces of the SDK tests: the account's settings, a scripted fake platform
on ``httpx.MockTransport`` and :func:`call`, which runs one resource method on the
sync or the async client so that a single test body covers both twins."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
from sdk_helpers import (  # noqa: F401 - re-exported while tests move to sdk_helpers
    ACCEPT,
    API_KEY,
    API_SECRET,
    AUTH_KEYS,
    CLIENT_ID,
    CONTENT_TYPE,
    ENDPOINT,
    OWNER,
    SHA,
    AnyClient,
    call,
    failed,
    ok,
)

#: What the fake platform may answer: an envelope, a response, an exception to
#: raise from the transport, or a function of the request returning one of those.
Reply = dict[str, Any] | httpx.Response | Exception | Callable[[httpx.Request], Any]


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(type(value).__name__)


class FakeServer:
    """The platform, scripted per path; records every request it receives.

    ``on(path, *replies)`` queues replies for a path; the last one repeats. A path
    with no reply answers HTTP 404, so an unexpected call fails loudly.
    """

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self._replies: dict[str, deque[Reply]] = {}

    def on(self, path: str, *replies: Reply) -> None:
        """Queue ``replies`` for ``path`` (appended after those queued already)."""
        self._replies.setdefault(path, deque()).extend(replies)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        queue = self._replies.get(request.url.path)
        if not queue:
            return httpx.Response(404, text=f"no reply scripted for {request.url.path}")
        reply = queue.popleft() if len(queue) > 1 else queue[0]
        if callable(reply) and not isinstance(reply, (httpx.Response, Exception)):
            reply = reply(request)
        if isinstance(reply, Exception):
            raise reply
        if isinstance(reply, httpx.Response):
            # a fresh copy: a response object is bound to the client that read it
            return httpx.Response(reply.status_code, headers=reply.headers, content=reply.content)
        return httpx.Response(
            200,
            content=json.dumps(reply, default=_json_default).encode(),
            headers={"Content-Type": "application/json"},
        )

    # what was sent ---------------------------------------------------------------

    def paths(self) -> list[str]:
        """The path of every request, in the order received."""
        return [r.url.path for r in self.requests]

    def payloads(self, path: str | None = None) -> list[dict[str, Any]]:
        """The whole JSON bodies (auth fields included) of the requests (to ``path``)."""
        return [
            json.loads(r.content, parse_float=Decimal)
            for r in self.requests
            if path is None or r.url.path == path
        ]

    def bodies(self, path: str | None = None) -> list[dict[str, Any]]:
        """The bodies without the auth fields and ``owner``: the method's own fields."""
        return [
            {k: v for k, v in p.items() if k not in (*AUTH_KEYS, "owner")}
            for p in self.payloads(path)
        ]
