"""uvicorn for server mode: the emulator's app on a socket bound beforehand, in a thread.

uvicorn answers a few requests itself, before any app runs: a request its HTTP parser
refuses gets ``text/plain`` 400, a connection over ``limit_concurrency`` a ``text/plain``
503. ``EnvelopeHttpToolsProtocol`` (httptools, the ``server`` extra's parser) and
``EnvelopeH11Protocol`` (h11, when httptools is missing) answer those with the
platform's JSON envelope instead, cap connections themselves, and give the app the
``DROP_EXTENSION`` of ``asgi`` with which an injected fault closes a connection without
an answer. They rely on uvicorn's protocols (``send_400_response``, ``conn``, ``app``,
``cycle``); ``tests/emulator/server/test_server_probes.py`` runs every probe on both.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, Final

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    HAS_HTTPTOOLS = True
except ImportError:  # pragma: no cover - httptools is in the server extra
    HttpToolsProtocol = H11Protocol  # type: ignore[misc,assignment]
    HAS_HTTPTOOLS = False

from ._httpdoor import MAX_HEAD_BYTES, envelope
from .asgi import DROP_EXTENSION
from .errors import TEXT_HTTP_BAD_REQUEST, TEXT_HTTP_BUSY, TEXT_HTTP_HEAD_TOO_LARGE

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = [
    "HAS_HTTPTOOLS",
    "EnvelopeH11Protocol",
    "EnvelopeHttpToolsProtocol",
    "UvicornThread",
    "bind",
    "protocol_class",
]

IDLE_TIMEOUT: Final = 60.0
"""Seconds an idle keep-alive connection stays open (clients' pools expire theirs first)."""
_BACKLOG: Final = 1024
_GRACEFUL_SECONDS: Final = 5
_STARTUP_SECONDS: Final = 15.0


def _head(status: int, text: str) -> tuple[list[tuple[bytes, bytes]], bytes]:
    body = envelope(text)
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    return headers, body


class _Guard:
    """What both protocols add to uvicorn's: the connection cap and the drop extension."""

    def __init__(self, protocol: H11Protocol | HttpToolsProtocol, config: uvicorn.Config) -> None:
        self.protocol = protocol
        self.inner: ASGIApp = protocol.app
        self.max_connections = config.limit_concurrency
        protocol.limit_concurrency = None  # uvicorn's own cap answers in plain text

    def app(self, connections: int) -> ASGIApp:
        """The app a new connection is served by (the busy answer over the cap)."""
        if self.max_connections is not None and connections > self.max_connections:
            return self.busy
        return self.serve

    async def serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope["extensions"] = {**scope.get("extensions", {}), DROP_EXTENSION: {"drop": self.drop}}
        await self.inner(scope, receive, send)

    def drop(self) -> None:
        """Close the connection with no answer (the request's cycle counts as gone)."""
        cycle = self.protocol.cycle
        if cycle is not None:
            cycle.disconnected = True
        self.protocol.transport.close()

    async def busy(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers, body = _head(503, TEXT_HTTP_BUSY.format(limit=self.max_connections))
        headers.append((b"retry-after", b"1"))
        await send({"type": "http.response.start", "status": 503, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _guard(protocol: H11Protocol | HttpToolsProtocol) -> None:
    """A connection uvicorn just counted: served by the guarded app (the busy answer
    over the cap)."""
    protocol.app = _Guard(protocol, protocol.config).app(len(protocol.connections))


class _Connection(h11.Connection):
    """h11's connection, remembering the error that made it refuse the request."""

    error: h11.RemoteProtocolError | None = None

    def next_event(self) -> Any:
        try:
            return super().next_event()
        except h11.RemoteProtocolError as exc:
            self.error = exc
            raise


class EnvelopeH11Protocol(H11Protocol):
    """uvicorn's h11 protocol answering its own refusals with the JSON envelope, capping
    connections (``limit_concurrency``: a connection over it is answered 503 and closed),
    and offering the app a way to drop the connection."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Count the connection (one over the cap is answered 503); read with a parser
        that remembers its refusal."""
        self.conn = _Connection(h11.SERVER, MAX_HEAD_BYTES)  # nothing was read yet
        super().connection_made(transport)  # type: ignore[arg-type]
        _guard(self)

    def send_400_response(self, msg: str) -> None:
        """The parser's refusal as an envelope: 431 for a head too large, else 400."""
        error = self.conn.error if isinstance(self.conn, _Connection) else None
        if error is not None and error.error_status_hint == 431:
            status, text = 431, TEXT_HTTP_HEAD_TOO_LARGE.format(limit=MAX_HEAD_BYTES)
        else:
            status, text = 400, TEXT_HTTP_BAD_REQUEST.format(reason=error or msg)
        headers, body = _head(status, text)
        response = h11.Response(status_code=status, headers=headers)
        for event in (response, h11.Data(data=body), h11.EndOfMessage()):
            self.transport.write(self.conn.send(event) or b"")
        self.transport.close()


class _HeadTooLargeError(Exception):
    """Raised from the parser's callbacks past ``MAX_HEAD_BYTES`` of request head."""


class EnvelopeHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools (llhttp, in C) protocol with the same envelopes, cap and drop
    extension as ``EnvelopeH11Protocol``, and a limit on the request head (llhttp has
    none)."""

    head_bytes = 0
    head_too_large = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Count the connection; one over the cap is answered 503 and closed."""
        super().connection_made(transport)  # type: ignore[arg-type]
        _guard(self)

    def on_message_begin(self) -> None:
        """A new request: its head is counted afresh."""
        self.head_bytes = 0
        super().on_message_begin()

    def _count(self, size: int) -> None:
        self.head_bytes += size
        if self.head_bytes > MAX_HEAD_BYTES:
            self.head_too_large = True
            raise _HeadTooLargeError

    def on_url(self, url: bytes) -> None:
        """Count the target against the head's limit."""
        self._count(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        """Count the header against the head's limit."""
        self._count(len(name) + len(value) + 4)
        super().on_header(name, value)

    def send_400_response(self, msg: str) -> None:
        """The parser's refusal as an envelope: 431 for a head too large, else 400."""
        if self.head_too_large:
            status, text = 431, TEXT_HTTP_HEAD_TOO_LARGE.format(limit=MAX_HEAD_BYTES)
        else:
            status, text = 400, TEXT_HTTP_BAD_REQUEST.format(reason=msg)
        headers, body = _head(status, text)
        lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}".encode()]
        lines += [name + b": " + value for name, value in headers]
        self.transport.write(b"\r\n".join(lines) + b"\r\n\r\n" + body)
        self.transport.close()


def protocol_class() -> type[asyncio.Protocol]:
    """The protocol servers use: httptools' when installed (the ``server`` extra), else
    h11's."""
    return EnvelopeHttpToolsProtocol if HAS_HTTPTOOLS else EnvelopeH11Protocol


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (``OSError`` when it cannot be had)."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(_BACKLOG)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


class UvicornThread:
    """uvicorn serving ``app`` on ``sock`` in a daemon thread."""

    def __init__(self, app: ASGIApp, sock: socket.socket, *, max_connections: int) -> None:
        """Ready to `start`; ``max_connections`` caps open connections."""
        self.sock = sock
        config = uvicorn.Config(
            app,
            http=protocol_class(),
            lifespan="on",
            log_config=None,
            access_log=False,
            proxy_headers=False,
            server_header=False,
            headers=[("server", "salesmanago-emulator")],
            timeout_keep_alive=int(IDLE_TIMEOUT),
            timeout_graceful_shutdown=_GRACEFUL_SECONDS,
            limit_concurrency=max_connections,
            backlog=_BACKLOG,
        )
        self.server = uvicorn.Server(config)
        name = f"salesmanago-emulator:{sock.getsockname()[1]}"
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._failed: BaseException | None = None

    def _run(self) -> None:
        try:
            self.server.run(sockets=[self.sock])
        except BaseException as exc:  # a lifespan that failed: reported by start()
            self._failed = exc

    def start(self) -> None:
        """Serve; returns once uvicorn listens (``RuntimeError`` if it did not start)."""
        self.thread.start()
        deadline = _STARTUP_SECONDS
        while not self.server.started and self.thread.is_alive() and deadline > 0:
            self.thread.join(0.005)
            deadline -= 0.005
        if not self.server.started:
            self.stop()
            raise RuntimeError(f"the emulator's server did not start: {self._failed!r}")

    def stop(self) -> None:
        """Stop serving: close the listening socket and every connection, end the thread."""
        self.server.should_exit = True
        self.thread.join()
        self.sock.close()

    @property
    def alive(self) -> bool:
        """Whether the thread is serving."""
        return self.thread.is_alive()
