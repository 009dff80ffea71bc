"""The emulator as an httpx transport, for sync and async clients alike.

``httpx.Client(transport=emulator.transport())`` and
``httpx.AsyncClient(transport=emulator.transport())`` send every request
straight to the emulator's router: no socket, no thread, no event-loop
trickery. The host part of the URL is ignored; the path is matched from its
``/api/`` segment on, so ``https://app3.salesmanago.pl/api/contact/upsert``
and ``http://salesmanago.emulator/api/contact/upsert`` reach the same route.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import httpx

if TYPE_CHECKING:
    from ._router import Router

__all__ = ["EmulatorTransport"]

_CONTENT_TYPE: Final = (b"Content-Type", b"application/json")
_ALLOW: Final = (b"Allow", b"POST")


def _route_path(path: str) -> str:
    """The part of a URL path the router matches: from ``/api/`` on."""
    index = path.find("/api/")
    return path[index:] if index > 0 else path


class EmulatorTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """One transport serving both ``httpx.Client`` and ``httpx.AsyncClient``.

    Every request is answered in process by the emulator's router; closing the
    transport does nothing (the emulator outlives its clients).
    """

    def __init__(self, router: Router) -> None:
        """Answer requests with ``router`` (see :meth:`Emulator.transport`)."""
        self._router = router

    def _respond(self, request: httpx.Request, content: bytes) -> httpx.Response:
        status, body = self._router.handle(request.method, _route_path(request.url.path), content)
        headers = [_CONTENT_TYPE, (b"Content-Length", str(len(body)).encode())]
        if status == 405:
            headers.append(_ALLOW)
        # A ready byte stream, as network transports hand over: httpx then skips
        # re-deriving the content headers, which it would do for ``content=``.
        return httpx.Response(
            status, headers=headers, stream=httpx.ByteStream(body), request=request
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer a request of a sync ``httpx.Client``."""
        return self._respond(request, request.read())

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Answer a request of an ``httpx.AsyncClient``."""
        return self._respond(request, await request.aread())

    def close(self) -> None:
        """Nothing to release."""

    async def aclose(self) -> None:
        """Nothing to release."""
