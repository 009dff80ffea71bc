"""Delivering queued callbacks over loopback HTTP (``delivery.py``): POST, retries, kept
errors, refusals. Across layers on purpose: the state queues, the deliverer posts to a
real receiver, the state records each attempt."""

from __future__ import annotations

import json
import socket
import time
from datetime import timedelta

import httpx
import pytest
from callbacks_helpers import Receiver
from routes_helpers import A_OWNER, NOW

from salesmanago_emulator import Account, Emulator, FrozenClock
from salesmanago_emulator.delivery import Deliverer, is_loopback_url, refusal
from salesmanago_emulator.state import ContactWrite


class Sleeps(list[float]):
    """An injected sleep that records instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def opt_out_queued(account: Account, url: str, secret: str = "out-secret") -> None:
    account.callbacks.register("OPT_OUT", url, secret)
    account.contacts.upsert(ContactWrite(email="jan@shop.pl", force_opt_in=True), A_OWNER)
    account.optin.opt_out("jan@shop.pl", source="MESSAGE")


def test_s10_3_delivery_posts_the_payload_to_a_loopback_receiver(
    emu: Emulator, account_a: Account, receiver: Receiver, clock: FrozenClock
) -> None:
    opt_out_queued(account_a, receiver.url("/shop/optout?email=$email$"))
    clock.advance(timedelta(seconds=30))
    [done] = emu.deliver_callbacks(sleep=Sleeps())
    [request] = receiver.requests
    assert request.method == "POST"
    assert request.path == "/shop/optout?email=jan@shop.pl"
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.body) == dict(done.payload)
    assert json.loads(request.body)["type"] == "OPT_OUT"
    assert json.loads(request.body)["source"] == "MESSAGE"
    assert (done.delivered, done.attempts, done.last_error) == (True, 1, None)
    assert done.last_attempt == NOW + timedelta(seconds=30)
    assert account_a.callbacks.outbox() == [done]
    assert emu.deliver_callbacks() == []  # delivered entries are not sent again
    assert len(receiver.requests) == 1


def test_s17_3_action_delivered(emu: Emulator, account_a: Account, receiver: Receiver) -> None:
    account_a.contacts.upsert(ContactWrite(email="jan@shop.pl"), A_OWNER)
    account_a.callbacks.register_action(receiver.url("/crm"), "crm-secret", kinds=["DEAL_STAGE"])
    data = {"stage": "Offer", "status": "won"}
    account_a.callbacks.fire_action("DEAL_STAGE", "jan@shop.pl", data)
    [done] = emu.deliver_callbacks()
    body = json.loads(receiver.requests[0].body)
    assert body["type"] == "DEAL_STAGE"
    assert body["data"] == {**data, "sort": "modified", "order": "desc", "limit": 1}
    assert done.delivered


def test_delivery_retries_with_backoff_then_succeeds(
    emu: Emulator, account_a: Account, receiver: Receiver
) -> None:
    opt_out_queued(account_a, receiver.url())
    receiver.statuses.extend([500, 503])
    sleeps = Sleeps()
    [done] = emu.deliver_callbacks(sleep=sleeps, backoff=0.5)
    assert len(receiver.requests) == 3
    assert sleeps == [0.5, 1.0]
    assert (done.delivered, done.attempts, done.last_error) == (True, 3, None)


def test_delivery_failure_is_kept_with_its_error(
    emu: Emulator, account_a: Account, receiver: Receiver
) -> None:
    opt_out_queued(account_a, receiver.url("/down"))
    receiver.statuses.extend([500, 500, 502])
    [failed] = emu.deliver_callbacks(sleep=Sleeps())
    assert (failed.delivered, failed.attempts) == (False, 3)
    assert failed.last_error == f"HTTP 502 from {receiver.url('/down')}"
    assert account_a.callbacks.outbox(pending_only=True) == [failed]
    assert emu.deliver_callbacks(sleep=Sleeps()) == []  # its attempts are used up
    assert len(receiver.requests) == 3
    [done] = emu.deliver_callbacks(sleep=Sleeps(), retry_failed=True)
    assert (done.delivered, done.attempts, done.last_error) == (True, 4, None)


def test_delivery_connection_error_is_kept(emu: Emulator, account_a: Account) -> None:
    with socket.socket() as sock:  # a port nobody listens on once closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    opt_out_queued(account_a, f"http://127.0.0.1:{port}/gone")
    sleeps = Sleeps()
    [failed] = emu.deliver_callbacks(sleep=sleeps, max_attempts=2, backoff=0.25)
    assert (failed.delivered, failed.attempts) == (False, 2)
    assert failed.last_error is not None
    assert failed.last_error.startswith("ConnectError")
    assert sleeps == [0.25]


@pytest.mark.parametrize(
    "url",
    ["https://shop.example.com/optout", "http://10.0.0.1/x", "http://192.168.1.5:8080/x"],
)
def test_s10_3_non_loopback_url_is_refused_and_never_sent(
    emu: Emulator, account_a: Account, url: str
) -> None:
    def no_network(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"sent to {request.url}")

    opt_out_queued(account_a, url)
    with httpx.Client(transport=httpx.MockTransport(no_network)) as client:
        [refused] = emu.deliver_callbacks(http_client=client)
        assert emu.deliver_callbacks(http_client=client) == [refused]  # refused again, unsent
    assert (refused.delivered, refused.attempts) == (False, 0)
    assert refused.last_error is not None
    assert "is not a loopback host" in refused.last_error
    assert account_a.callbacks.outbox() == [refused]


def test_loopback_hosts() -> None:
    for url in [
        "http://127.0.0.1:8/x",
        "http://[::1]:8/x",
        "http://LOCALHOST/x",
        "https://127.0.0.2",
    ]:
        assert is_loopback_url(url), url
    for url in ["http://example.com", "http://0.0.0.0/x", "http://[::2]/x", "ftp://127.0.0.1/x"]:
        assert not is_loopback_url(url), url
    assert refusal("ftp://127.0.0.1/x") == "refused: scheme 'ftp' is not http or https"


def test_delivery_holds_no_lock_while_posting(
    emu: Emulator, account_a: Account, receiver: Receiver
) -> None:
    """A handler may call the emulator back while its callback is being delivered."""

    def call_back() -> int:
        got = emu.lock.acquire(timeout=2)
        if got:
            emu.lock.release()
        return 200 if got else 500

    receiver.on_request = call_back
    opt_out_queued(account_a, receiver.url())
    [done] = emu.deliver_callbacks(max_attempts=1)
    assert done.delivered


def test_background_delivery_until_stopped(
    emu: Emulator, account_a: Account, receiver: Receiver
) -> None:
    deliverer = emu.deliverer(sleep=Sleeps())
    deliverer.start_background(interval=0.01)
    try:
        assert deliverer.running
        with pytest.raises(RuntimeError):
            deliverer.start_background()
        with emu.lock:
            opt_out_queued(account_a, receiver.url())
        deadline = time.monotonic() + 5
        while not receiver.requests and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        deliverer.close()
    assert not deliverer.running
    assert len(receiver.requests) == 1
    assert account_a.callbacks.outbox()[0].delivered


def test_deliverer_options_are_checked() -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        Deliverer(list, max_attempts=0)
    with pytest.raises(ValueError, match="backoff"):
        Deliverer(list, backoff=-1)
    with Deliverer(list, backoff=0.5, max_backoff=8) as deliverer:
        assert [deliverer.delay(n) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
        with pytest.raises(ValueError, match="interval"):
            deliverer.start_background(interval=0)
        assert deliverer.deliver() == []
