"""Shared set-up of the examples: the live platform when ``SALESMANAGO_*`` is set,
the embedded emulator otherwise; a tiny local HTTP receiver for callbacks, and the
check of a callback's key."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from salesmanago import SalesManago
from salesmanago_emulator import Emulator, FrozenClock

OWNER = "owner@example.com"
CLIENT_ID = "example-client"
API_SECRET = "example-secret"
CREDENTIAL_VARIABLES = ("SALESMANAGO_CLIENT_ID", "SALESMANAGO_API_SECRET", "SALESMANAGO_OWNER")

#: A JSON body handler: the request path and the decoded body -> HTTP status to answer.
JsonHandler = Callable[[str, Mapping[str, Any]], int]


def live() -> bool:
    """Whether the credentials of a live account are in the environment."""
    return all(os.environ.get(name) for name in CREDENTIAL_VARIABLES)


def new_emulator() -> Emulator[FrozenClock]:
    """A fresh emulator at a fixed instant with the examples' account."""
    emulator = Emulator(clock=FrozenClock(datetime(2026, 11, 20, 21, 0, tzinfo=timezone.utc)))
    emulator.add_account(
        client_id=CLIENT_ID,
        api_secret=API_SECRET,
        users=[OWNER, "sales@example.com"],
        timezone="Europe/Warsaw",
    )
    return emulator


def connect() -> tuple[SalesManago, Emulator[FrozenClock] | None]:
    """A client for the live account, or for a fresh emulator (returned too)."""
    if live():
        return SalesManago(), None
    emulator = new_emulator()
    return emulator.client(), emulator


def callback_key_ok(body: Mapping[str, Any], secret: str) -> bool:
    """Whether a callback body's ``key`` proves it came from the platform.

    The platform signs each callback it POSTs (opt-in / opt-out callbacks, rule
    actions) with ``key`` = sha1(``email`` + the URL's secret), as a hex digest.
    The comparison takes constant time (``hmac.compare_digest``), so a forger
    cannot learn the key byte by byte from how fast it is refused.
    """
    email = str(body.get("email", ""))
    expected = hashlib.sha1((email + secret).encode(), usedforsecurity=False).hexdigest()
    return hmac.compare_digest(str(body.get("key", "")), expected)


@contextmanager
def json_receiver(handle: JsonHandler) -> Iterator[str]:
    """Serve POSTed JSON bodies to ``handle`` on 127.0.0.1 (a free port) in a thread.

    Yields the base URL (``http://127.0.0.1:<port>``); the server stops on exit.
    A body that is not a JSON object is answered 400 without calling ``handle``.
    """

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"null")
            except ValueError:
                body = None
            status = handle(self.path, body) if isinstance(body, dict) else 400
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            """Keep the example's output (and stderr) clean."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, name="callback-receiver", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
