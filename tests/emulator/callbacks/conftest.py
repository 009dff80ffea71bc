"""Fixtures of the callback tests: two accounts, raw JSON and SDK doors, a loopback receiver.

``receiver`` is a tiny ``http.server`` on 127.0.0.1 (an ephemeral port) that
records every request it gets and answers with the statuses queued in
``receiver.statuses`` (200 once they run out).
"""

from __future__ import annotations

import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import attrs
import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "routes"))

from routes_helpers import A_ID, A_OWNER, A_SECOND, A_SECRET, B_ID, B_OWNER, B_SECRET, NOW, Api

from salesmanago import SalesManago
from salesmanago_emulator import Account, Emulator, FrozenClock


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


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A running loopback receiver."""
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def clock() -> FrozenClock:
    """The emulator's clock, frozen at 2026-01-15 10:00 UTC."""
    return FrozenClock(NOW)


@pytest.fixture
def emu(clock: FrozenClock) -> Emulator:
    """Two accounts, A (two users) and B (one user), at a frozen instant."""
    emulator = Emulator(clock=clock)
    emulator.add_account(client_id=A_ID, api_secret=A_SECRET, users=[A_OWNER, A_SECOND])
    emulator.add_account(client_id=B_ID, api_secret=B_SECRET, users=[B_OWNER])
    return emulator


@pytest.fixture
def account_a(emu: Emulator) -> Account:
    """Account A's state."""
    return emu.account(A_ID)


@pytest.fixture
def account_b(emu: Emulator) -> Account:
    """Account B's state."""
    return emu.account(B_ID)


@pytest.fixture
def api(emu: Emulator) -> Iterator[Api]:
    """Account A, acting as its first user (raw JSON)."""
    with httpx.Client(transport=emu.transport()) as http:
        yield Api(http, A_ID, A_SECRET, A_OWNER)


@pytest.fixture
def sm(emu: Emulator) -> Iterator[SalesManago]:
    """The SDK's sync client of account A on the emulator."""
    with emu.client(A_ID) as client:
        yield client
