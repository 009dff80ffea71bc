"""Server mode: the background deliverer POSTs callbacks while the server runs (S10.3).
Across layers on purpose: registered through the control API, queued by an API write,
posted to a loopback receiver whose handler calls the server back."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
from callbacks_helpers import Receiver
from routes_helpers import A_ID, A_SECRET, Api

from salesmanago_emulator import Emulator, EmulatorServer


def wait_for(condition: Callable[[], object], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


def test_s10_3_server_delivers_in_the_background(emu: Emulator, receiver: Receiver) -> None:
    seen_by_handler: list[int] = []
    with EmulatorServer(emu) as server, httpx.Client(base_url=server.url) as http:

        def handler_calls_back() -> None:
            # the delivery holds no lock while posting: the handler may call the server
            answer = http.get("/_emulator/callbacks", params={"pendingOnly": "true"}, timeout=2)
            seen_by_handler.append(answer.status_code)

        receiver.on_request = handler_calls_back
        register = {"kind": "OPT_IN", "url": receiver.url("/in"), "secret": "s"}
        assert http.post("/_emulator/callbacks/register", json=register).json()["success"]
        api = Api(http, A_ID, A_SECRET, "owner@a.example.com")
        body = api.body(contact={"email": "jan@shop.pl"}, forceOptIn=True)
        assert http.post("/api/contact/upsert", json=body).json()["success"]
        wait_for(lambda: receiver.requests)
        assert [r.path for r in receiver.requests] == ["/in"]
        wait_for(lambda: emu.account(A_ID).callbacks.outbox(pending_only=True) == [])
        assert emu.account(A_ID).callbacks.outbox()[0].delivered
    assert seen_by_handler == [200]
