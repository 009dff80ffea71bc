"""Helpers of the callback tests of several layers (S10.3, S17.3): a loopback HTTP
receiver that records every request it gets and answers with the statuses queued in
``receiver.statuses`` (200 once they run out), and an account with a busy callbacks
area."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import attrs
from routes_helpers import A_OWNER

from salesmanago_emulator import Account, FrozenClock
from salesmanago_emulator.state import ContactWrite

__all__ = ["EMPTY", "Received", "Receiver", "busy"]

EMPTY = {"endpoints": [], "actions": [], "outbox": []}
"""The callbacks area's dump with nothing registered or queued."""


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


def busy(account: Account, clock: FrozenClock) -> Account:
    """URLs, an action endpoint, and an outbox with a delivered and a failed entry."""
    account.callbacks.register("OPT_IN", "http://127.0.0.1:1/in?e=$email$", "s-in")
    account.callbacks.register("OPT_OUT", "http://127.0.0.1:1/out", "s-out")
    account.callbacks.register_action("http://localhost:1/crm", "s-crm", kinds=["TASK", "TAGS"])
    account.contacts.upsert(ContactWrite(email="jan@shop.pl", force_opt_in=True), A_OWNER)
    clock.advance(timedelta(minutes=5))
    account.optin.opt_out("jan@shop.pl")
    account.callbacks.fire_action("TASK", "jan@shop.pl", {"text": "t", "date": "+1day"})
    first, second, _ = account.callbacks.outbox()
    account.callbacks.record_attempt(first.id, clock.now(), error=None)
    account.callbacks.record_attempt(second.id, clock.now(), error="HTTP 500 from x")
    return account
