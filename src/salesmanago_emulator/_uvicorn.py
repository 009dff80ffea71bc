"""uvicorn for server mode: the emulator's app on a socket bound beforehand, in a thread.

uvicorn answers a few requests itself, before any app runs: a request its HTTP parser
(h11) refuses gets ``text/plain`` 400, a connection over ``limit_concurrency`` a
``text/plain`` 503. ``EnvelopeProtocol`` answers those with the platform's JSON
envelope instead, caps connections itself, and gives the app the ``DROP_EXTENSION``
of ``asgi`` with which an injected fault closes a connection without an answer. It
relies on uvicorn's h11 protocol (``send_400_response``, ``conn``, ``app``);
``tests/emulator/server`` pins it.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from typing import TYPE_CHECKING, Any, Final

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from ._httpdoor import MAX_HEAD_BYTES, envelope
from .asgi import DROP_EXTENSION
from .errors import TEXT_HTTP_BAD_REQUEST, TEXT_HTTP_BUSY, TEXT_HTTP_HEAD_TOO_LARGE

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send
    from uvicorn.server import ServerState

__all__ = ["EnvelopeProtocol", "UvicornThread"]

IDLE_TIMEOUT: Final = 60.0
"""Seconds an idle keep-alive connection stays open (clients' pools expire theirs first)."""
_BACKLOG: Final = 1024
_GRACEFUL_SECONDS: Final = 5
_STARTUP_SECONDS: Final = 15.0


class _Connection(h11.Connection):
    """h11's connection, remembering the error that made it refuse the request."""

    error: h11.RemoteProtocolError | None = None

    def next_event(self) -> Any:
        try:
            return super().next_event()
        except h11.RemoteProtocolError as exc:
            self.error = exc
            raise


class EnvelopeProtocol(H11Protocol):
    """uvicorn's h11 protocol answering its own refusals with the JSON envelope, capping
    connections (``limit_concurrency``: a connection over it is answered 503 and closed),
    and offering the app a way to drop the connection."""

    def __init__(
        self,
        config: uvicorn.Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        """As uvicorn's; the cap is taken from ``limit_concurrency`` (uvicorn's own check,
        which answers in plain text, is switched off)."""
        super().__init__(config, server_state, app_state, _loop)
        self.conn = _Connection(h11.SERVER, MAX_HEAD_BYTES)
        self.max_connections = config.limit_concurrency
        self.limit_concurrency = None
        self._inner: ASGIApp = self.app
        self.app = self._serve

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Count the connection; one over the cap is answered 503 and closed."""
        super().connection_made(transport)  # type: ignore[arg-type]
        if self.max_connections is not None and len(self.connections) > self.max_connections:
            self.app = self._busy

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope["extensions"] = {**scope.get("extensions", {}), DROP_EXTENSION: {"drop": self._drop}}
        await self._inner(scope, receive, send)

    def _drop(self) -> None:
        """Close the connection with no answer (the request's cycle counts as gone)."""
        if self.cycle is not None:
            self.cycle.disconnected = True
        self.transport.close()

    async def _busy(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = envelope(TEXT_HTTP_BUSY.format(limit=self.max_connections))
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
            (b"retry-after", b"1"),
        ]
        await send({"type": "http.response.start", "status": 503, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def send_400_response(self, msg: str) -> None:
        """The parser's refusal as an envelope: 431 for a head too large, else 400."""
        error = self.conn.error if isinstance(self.conn, _Connection) else None
        if error is not None and error.error_status_hint == 431:
            status, text = 431, TEXT_HTTP_HEAD_TOO_LARGE.format(limit=MAX_HEAD_BYTES)
        else:
            status, text = 400, TEXT_HTTP_BAD_REQUEST.format(reason=error or msg)
        body = envelope(text)
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        response = h11.Response(status_code=status, headers=headers)
        for event in (response, h11.Data(data=body), h11.EndOfMessage()):
            self.transport.write(self.conn.send(event) or b"")
        self.transport.close()


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
            http=EnvelopeProtocol,
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
