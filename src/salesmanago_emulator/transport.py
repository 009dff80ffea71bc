"""The emulator as an httpx transport, for sync and async clients alike.

``httpx.Client(transport=emulator.transport())`` and
``httpx.AsyncClient(transport=emulator.transport())`` send every request
straight to the emulator's router: no socket, no thread, no event-loop
trickery. The host part of the URL does not choose anything; the path is matched
from its ``/api/`` (or, for API v3, ``/v3/``) segment on, so
``https://app3.salesmanago.pl/api/contact/upsert`` and
``http://salesmanago.emulator/api/contact/upsert`` reach the same route, and
``https://api.salesmanago.com/v3/product/catalogList`` reaches the v3 door with
the request's ``API-KEY`` header. The host is what ``authorization/token``
answers as the account's ``endpoint``.
"""

from __future__ import annotations

import datetime
import functools
import time
from typing import TYPE_CHECKING, Final

import httpx

from ._multipart import FORM_PATHS
from ._router import route_path
from .faults import ConnectionDroppedError, ResponseTimeoutError
from .routes._v3 import V3_PREFIX

if TYPE_CHECKING:
    from ._router import Router
    from .faults import FaultPlan

__all__ = ["EmulatorTransport"]

_CONTENT_TYPE: Final = (b"Content-Type", b"application/json")
_API_KEY: Final = "API-KEY"


@functools.lru_cache(maxsize=1024)
def _headers(length: int, allow: str | None = None) -> httpx.Headers:
    """An answer's own headers, normalised once per body length (httpx copies them);
    ``allow``: the ``Allow`` header of a 405."""
    raw = [_CONTENT_TYPE, (b"Content-Length", str(length).encode())]
    if allow is not None:
        raw.append((b"Allow", allow.encode()))
    return httpx.Headers(raw)


def _host(request: httpx.Request) -> str:
    """The ``host[:port]`` a request is sent to: its ``Host`` header (httpx sets it from
    the URL, leaving out a default port)."""
    return request.headers.get("host") or request.url.netloc.decode("ascii")


def _read_answer(
    request: httpx.Request, status: int, headers: httpx.Headers, body: bytes, started: float
) -> httpx.Response:
    """An answer as a client holds it once read: body loaded, stream consumed and closed,
    ``elapsed`` since ``started`` (``time.perf_counter()`` when the request arrived).

    What ``response.read()`` would leave, set directly: the body is all in hand, so
    httpx's chunked reading (decoder, chunkers, request contexts, close; about half the
    instructions of a whole routed upsert) has nothing to do. ``httpx.MockTransport``'s
    ``content=`` answers come read too. Pinned to a response read the ordinary way by
    ``tests/emulator/routes/test_routes_fast_paths.py`` (sync and async).
    """
    # A ready byte stream, as network transports hand over: httpx then skips
    # re-deriving the content headers, which it would do for ``content=``.
    response = httpx.Response(
        status, headers=headers, stream=httpx.ByteStream(body), request=request
    )
    response._content = body  # what Response.read() keeps
    response._num_bytes_downloaded = len(body)
    response.is_stream_consumed = True
    response.is_closed = True
    response.elapsed = datetime.timedelta(seconds=time.perf_counter() - started)
    return response


class EmulatorTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """One transport serving both ``httpx.Client`` and ``httpx.AsyncClient``.

    Every request is answered in process by the emulator's router; closing the
    transport does nothing (the emulator outlives its clients).
    """

    def __init__(self, router: Router) -> None:
        """Answer requests with ``router`` (see
        [`Emulator.transport`][salesmanago_emulator.Emulator.transport])."""
        self._router = router

    def _respond(
        self,
        request: httpx.Request,
        path: str,
        content: bytes,
        fault: FaultPlan | None,
        started: float,
    ) -> httpx.Response:
        # Only API v3 reads the API-KEY header; only the login chain reads the host.
        api_key = request.headers.get(_API_KEY) if path.startswith(V3_PREFIX) else None
        try:
            status, body = self._router.handle(
                request.method,
                path,
                content,
                fault,
                api_key=api_key,
                host=functools.partial(_host, request),
                # read only where a form may come (httpx's header look-up is not free)
                content_type=request.headers.get("content-type") if path in FORM_PATHS else None,
            )
        except ConnectionDroppedError as exc:
            raise httpx.ConnectError(str(exc), request=request) from None
        except ResponseTimeoutError as exc:
            raise httpx.ReadTimeout(str(exc), request=request) from None
        if status == 405:
            headers = _headers(len(body), self._router.allow(path))
        else:  # one int argument: lru_cache's key is the int itself, no tuple
            headers = _headers(len(body))
        if fault is not None:
            headers = httpx.Headers([*headers.raw, *fault.headers])
        return _read_answer(request, status, headers, body, started)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer a request of a sync ``httpx.Client`` (injected latency: ``faults.sleep``)."""
        started = time.perf_counter()
        content = request.read()
        path = route_path(request.url.path)
        fault = self._router.plan(request.method, path, content)
        if fault is not None and fault.delay:
            self._router.faults.sleep(fault.delay)
        return self._respond(request, path, content, fault, started)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Answer a request of an ``httpx.AsyncClient`` (latency: ``faults.async_sleep``)."""
        started = time.perf_counter()
        content = await request.aread()
        path = route_path(request.url.path)
        fault = self._router.plan(request.method, path, content)
        if fault is not None and fault.delay:
            await self._router.faults.async_sleep(fault.delay)
        return self._respond(request, path, content, fault, started)

    def close(self) -> None:
        """Nothing to release."""

    async def aclose(self) -> None:
        """Nothing to release."""
