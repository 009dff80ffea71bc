"""The sockets of httpx's own async pool, polled straight (issue 17).

Before it hands an idle HTTP/1.1 connection to a request, httpcore's pool asks each
idle connection whether the server closed it (``has_expired``: an idle connection
whose socket is readable can only be about to read the server's end). Its anyio
stream answers ``get_extra_info("is_readable")`` by polling its raw socket, but
finds that socket through anyio's ``extra(SocketAttribute.raw_socket)``, which builds
the stream's whole table of extra attributes each time (a ``getpeername`` call
among them). With 64 connections that was over a third of the async client's CPU
on loopback.

`PolledBackend` wraps the pool's own network backend: every connection is still
opened by it (socket options, local address, Unix socket, proxies as configured),
and each anyio stream it opens comes back as a `PolledStream`, which keeps the raw
socket the stream reports and answers ``is_readable`` with httpcore's own
``is_socket_readable`` on that socket -- the very function and socket httpcore's
stream uses. Every other question, and every read, write and close, goes to the
stream itself. Streams of any other kind (httpcore's trio stream, a mock, a backend
of one's own) are handed on as they are.

`poll_straight` installs the wrapper in the pool of an exact
``httpx.AsyncHTTPTransport`` (the client's `PoolEntry` applies there too). It reads
two private attributes, httpx's ``transport._pool`` and httpcore's
``pool._network_backend``; when either is missing or is not what it was, it leaves
the transport as it is (``tests/sdk/test_sdk_netstream.py`` fails then).
"""

from __future__ import annotations

import ssl
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

try:
    from httpcore._backends.anyio import AnyIOStream
    from httpcore._utils import is_socket_readable
except ImportError:  # pragma: no cover - an httpcore that moved them: pools left as they are
    AVAILABLE = False
else:
    AVAILABLE = True

#: The socket options httpcore takes (its ``SOCKET_OPTION``), as the backend passes them on.
SocketOptions = Iterable[Any] | None


class PolledStream(httpcore.AsyncNetworkStream):
    """One of httpcore's anyio streams, answering ``is_readable`` on its raw socket.

    ``socket`` is the raw socket the stream reports (``get_extra_info("socket")``),
    the one its own ``is_readable`` polls: anyio's stream keeps one socket for its
    lifetime, and a TLS stream reports the socket of the stream it wraps. ``read``,
    ``write`` and ``aclose`` are the stream's own bound methods.
    """

    def __init__(self, inner: httpcore.AsyncNetworkStream, socket: Any) -> None:
        self._inner = inner
        self._socket = socket
        self.read = inner.read  # type: ignore[method-assign]
        self.write = inner.write  # type: ignore[method-assign]
        self.aclose = inner.aclose  # type: ignore[method-assign]

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """The stream's TLS stream, polled straight in its turn."""
        return polled(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        """What the stream answers; ``is_readable`` polled on its raw socket."""
        if info == "is_readable":
            return is_socket_readable(self._socket)
        return self._inner.get_extra_info(info)


def polled(stream: httpcore.AsyncNetworkStream) -> httpcore.AsyncNetworkStream:
    """``stream`` as a `PolledStream` when it is one of httpcore's anyio streams that
    reports a socket; any other stream as it is."""
    if type(stream) is not AnyIOStream:
        return stream
    socket = stream.get_extra_info("socket")
    if socket is None:
        return stream
    return PolledStream(stream, socket)


class PolledBackend(httpcore.AsyncNetworkBackend):
    """A pool's network backend (``inner``) whose anyio streams are polled straight."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend) -> None:
        self.inner = inner

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: SocketOptions = None,
    ) -> httpcore.AsyncNetworkStream:
        """The inner backend's connection, polled straight."""
        stream = await self.inner.connect_tcp(
            host,
            port,
            timeout=timeout,
            local_address=local_address,
            socket_options=socket_options,
        )
        return polled(stream)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: SocketOptions = None,
    ) -> httpcore.AsyncNetworkStream:
        """The inner backend's connection, polled straight."""
        stream = await self.inner.connect_unix_socket(
            path, timeout=timeout, socket_options=socket_options
        )
        return polled(stream)

    async def sleep(self, seconds: float) -> None:
        """The inner backend's sleep."""
        await self.inner.sleep(seconds)


def poll_straight(transport: httpx.AsyncBaseTransport) -> bool:
    """Wrap the network backend of ``transport``'s pool in a `PolledBackend`, once;
    whether the pool's backend is one now.

    Only an exact ``httpx.AsyncHTTPTransport`` (any pool it built: direct, HTTP or
    SOCKS proxy, HTTP/1.1 or HTTP/2) whose ``_pool`` has an httpcore network backend
    in ``_network_backend``; anything else is left as it is.
    """
    if not AVAILABLE or type(transport) is not httpx.AsyncHTTPTransport:
        return False
    pool = getattr(transport, "_pool", None)
    if not isinstance(pool, httpcore.AsyncConnectionPool):
        return False
    backend = getattr(pool, "_network_backend", None)
    if isinstance(backend, PolledBackend):
        return True
    if not isinstance(backend, httpcore.AsyncNetworkBackend):
        return False
    pool._network_backend = PolledBackend(backend)
    return True
