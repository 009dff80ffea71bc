"""The old ``http.server`` server mode, kept ONLY as the bench's baseline (issue 15).

``bench.server`` compares the Starlette + uvicorn server with it under 64 concurrent
clients ("no slower than today's server"). This is ``salesmanago_emulator/server.py`` as
it was before issue 15 (its imports made absolute, its docstring cut); nothing in
``src/`` or the tests uses it. Run: ``python -m bench._old_server CLIENT:SECRET:OWNER``.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from salesmanago_emulator._jsoncodec import encode_json
from salesmanago_emulator._router import route_path
from salesmanago_emulator.control import CONTROL_PREFIX, handle_control
from salesmanago_emulator.errors import TEXT_INTERNAL
from salesmanago_emulator.faults import InjectedTransportError
from salesmanago_emulator.routes._v3 import V3_PREFIX

if TYPE_CHECKING:
    from types import TracebackType

    from salesmanago_emulator._emulator import Emulator
    from salesmanago_emulator.delivery import Deliverer
    from salesmanago_emulator.statefile import StateFile

__all__ = ["MAX_BODY_BYTES", "EmulatorServer"]

MAX_BODY_BYTES: Final = 10 * 1024 * 1024
"""The largest request body accepted (10 MiB); larger ones get HTTP 413."""

_LOG: Final = logging.getLogger("salesmanago_emulator.server")
_JSON: Final = "application/json"
_LINGER_SECONDS: Final = 2.0
_IDLE_TIMEOUT: Final = 60.0
# Router statuses that mean the request never reached a handler: nothing changed.
_UNDISPATCHED: Final = frozenset({404, 405})


def _envelope(message: str) -> bytes:
    return encode_json({"success": False, "message": [message]}).encode()


def _too_large(length: int, limit: int) -> str:
    return f"Request body too large: {length} bytes (the limit is {limit})"


class _Handler(BaseHTTPRequestHandler):
    """One connection: reads requests, hands them to the router or the control API."""

    server: _HTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "salesmanago-emulator"
    sys_version = ""
    timeout = _IDLE_TIMEOUT
    # Headers and body go out in separate writes: with Nagle on, the body waits for
    # the client's delayed ACK (~40 ms per request on Linux loopback).
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        """Log at debug level instead of writing every request to stderr."""
        _LOG.debug("%s " + format, self.address_string(), *args)

    def _send(self, status: int, body: bytes, extra: list[tuple[str, str]] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", _JSON)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra or ():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _refuse_body(self, status: int, message: str) -> None:
        """Answer without reading the body, then discard what the client still sends."""
        self.close_connection = True
        self._send(status, _envelope(message))
        self.wfile.flush()
        sock = self.connection
        try:
            sock.shutdown(socket.SHUT_WR)
            sock.settimeout(0.2)
            deadline = time.monotonic() + _LINGER_SECONDS
            while time.monotonic() < deadline and sock.recv(65536):
                pass
        except OSError:
            pass

    def handle_expect_100(self) -> bool:
        """Refuse an announced over-long body before the client sends it (no 100 Continue)."""
        text = (self.headers.get("Content-Length") or "0").strip()
        if text.isdigit() and int(text) > self.server.max_body:
            self.close_connection = True
            self._send(413, _envelope(_too_large(int(text), self.server.max_body)))
            return False
        return super().handle_expect_100()

    def _read_body(self) -> bytes | None:
        if self.headers.get("Transfer-Encoding"):
            self._refuse_body(411, "Send the body with a Content-Length (no chunked encoding)")
            return None
        text = self.headers.get("Content-Length", "0").strip() or "0"
        if not text.isdigit():
            self._refuse_body(400, "Bad Content-Length header")
            return None
        length = int(text)
        if length > self.server.max_body:
            self._refuse_body(413, _too_large(length, self.server.max_body))
            return None
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        try:
            body = self._read_body()
            if body is None:
                return
            url = urlsplit(self.path)
            if url.path.startswith(CONTROL_PREFIX):
                self._control(url.path[len(CONTROL_PREFIX) :], body, url.query)
            else:
                self._api(route_path(url.path), body)
        except (ConnectionError, TimeoutError):
            self.close_connection = True
        except Exception:
            _LOG.exception("salesmanago_emulator: error answering %s %s", self.command, self.path)
            self.close_connection = True
            with contextlib.suppress(OSError):
                self._send(500, _envelope(TEXT_INTERNAL))

    def _commit(self) -> None:
        state_file = self.server.state_file
        if state_file is not None:
            state_file.commit()

    def _control(self, name: str, body: bytes, query: str) -> None:
        status, data, changed = handle_control(
            self.server.emulator, self.command, name, body, query
        )
        if changed:
            self._commit()
        self._send(status, data)

    def _host(self) -> str:
        """The ``host[:port]`` the client sent the request to (its ``Host`` header), else
        the address the server listens on."""
        host = (self.headers.get("Host") or "").strip()
        if host:
            return host
        address, port = self.server.server_address[:2]
        text = address.decode() if isinstance(address, bytes) else str(address)
        return f"[{text}]:{port}" if ":" in text else f"{text}:{port}"

    def _api(self, path: str, body: bytes) -> None:
        router = self.server.emulator._router
        fault = router.plan(self.command, path, body)
        if fault is not None and fault.delay:
            router.faults.sleep(fault.delay)
        api_key = self.headers.get("API-KEY") if path.startswith(V3_PREFIX) else None
        try:
            status, data = router.handle(
                self.command,
                path,
                body,
                fault,
                api_key=api_key,
                host=self._host(),
                content_type=self.headers.get("Content-Type"),
            )
        except InjectedTransportError as exc:
            if exc.applied:  # an after-write fault: the request changed the state
                self._commit()
            self.close_connection = True  # no answer: the client sees the connection drop
            return
        reached = fault is None or fault.reaches_platform  # else refused before the write
        if reached and status not in _UNDISPATCHED:
            self._commit()
        extra = [("Allow", router.allow(path))] if status == 405 else []
        if fault is not None:
            extra += [(k.decode(), v.decode()) for k, v in fault.headers]
        self._send(status, data, extra)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle  # noqa: N815


class _HTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that knows its emulator and can close live connections."""

    daemon_threads = True
    block_on_close = False
    # The listen backlog (socketserver's default is 5): a client opening many
    # connections at once (an async client with 64 tasks) is reset beyond it.
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        emulator: Emulator[Any],
        state_file: StateFile | None,
        max_body: int,
    ) -> None:
        self.emulator = emulator
        self.state_file = state_file
        self.max_body = max_body
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        _LOG.exception("salesmanago_emulator: connection from %s failed", client_address)

    def close_connections(self) -> None:
        """Break every open (idle keep-alive) connection so its thread ends."""
        with self._open_lock:
            sockets = list(self._open)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class EmulatorServer:
    """An HTTP server answering for ``emulator`` at
    [`url`][salesmanago_emulator.EmulatorServer.url].

    Binds ``host`` (default the loopback interface: the control API has no
    authentication) and ``port`` (``0``: a free one, see
    [`port`][salesmanago_emulator.EmulatorServer.port] after
    [`start`][salesmanago_emulator.EmulatorServer.start]). ``state_file`` is saved after every
    change and once more by [`stop`][salesmanago_emulator.EmulatorServer.stop]. Use it as a context
    manager, or call [`start`][salesmanago_emulator.EmulatorServer.start] and
    [`stop`][salesmanago_emulator.EmulatorServer.stop].
    """

    def __init__(
        self,
        emulator: Emulator[Any],
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        state_file: StateFile | None = None,
        max_body: int = MAX_BODY_BYTES,
    ) -> None:
        """A server for ``emulator``; nothing is bound before
        [`start`][salesmanago_emulator.EmulatorServer.start]."""
        self.emulator = emulator
        self.host = host
        self._port = port
        self.state_file = state_file
        self.max_body = max_body
        self._server: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._deliverer: Deliverer | None = None  # callbacks (S10.3), see delivery.py

    @property
    def port(self) -> int:
        """The bound port (the requested one before
        [`start`][salesmanago_emulator.EmulatorServer.start])."""
        if self._server is not None:
            return int(self._server.server_address[1])
        return self._port

    @property
    def url(self) -> str:
        """``http://host:port``: the SDK's ``endpoint``; the API is under ``/api/``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def running(self) -> bool:
        """Whether the server is serving."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> EmulatorServer:
        """Bind and serve in a background thread; returns ``self``. Starting twice is an error."""
        if self._server is not None:
            raise RuntimeError("the server is already started")
        server = _HTTPServer((self.host, self._port), self.emulator, self.state_file, self.max_body)
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"salesmanago-emulator:{self.port}",
            daemon=True,
        )
        self._thread.start()
        self._deliverer = self.emulator.deliverer()
        self._deliverer.start_background(interval=0.2)
        return self

    def stop(self) -> None:
        """Stop serving, close every connection, and save the state file once more."""
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        server.server_close()
        server.close_connections()
        if thread is not None:
            thread.join()
        if self._deliverer is not None:
            self._deliverer.close()
            self._deliverer = None
        self._server = self._thread = None
        if self.state_file is not None:
            self.state_file.save()

    def serve_forever(self) -> None:
        """Start (if needed) and block until [`stop`][salesmanago_emulator.EmulatorServer.stop] is
        called from another thread."""
        if self._server is None:
            self.start()
        thread = self._thread
        if thread is not None:
            thread.join()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<EmulatorServer {self.url} {state}>"


def main() -> None:
    """Serve one account (``CLIENT:SECRET:OWNER``) on a free port until killed; the first
    line printed is ``serving on <url>``."""
    import sys

    from salesmanago_emulator import Emulator

    client_id, secret, owner = sys.argv[1].split(":")
    emulator = Emulator()
    emulator.add_account(client_id=client_id, api_secret=secret, users=[owner])
    server = EmulatorServer(emulator).start()
    print(f"serving on {server.url}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
