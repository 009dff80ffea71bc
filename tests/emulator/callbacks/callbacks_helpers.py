"""A loopback HTTP receiver for the callback tests: records every request it gets and
answers with the statuses queued in ``receiver.statuses`` (200 once they run out)."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import attrs

__all__ = ["Received", "Receiver"]


@attrs.define
class Received:
    """One request the receiver got."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    """A loopback HTTP server recording requests (see module docstring)."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.statuses: deque[int] = deque()
        self.on_request: Callable[[], int | None] | None = None
        """Run in the server thread per request; a status it returns wins."""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                receiver.requests.append(
                    Received("POST", self.path, dict(self.headers.items()), body)
                )
                status = receiver.statuses.popleft() if receiver.statuses else 200
                if receiver.on_request is not None:
                    status = receiver.on_request() or status
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self.thread.start()

    def url(self, path: str = "/hook") -> str:
        """A URL on this receiver."""
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()
