"""The pytest plugin (fixtures, marker), the transport (sync and async) and the Emulator
object's helpers (the route table: test_routes_table; the command line: server/test_cli)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import httpx
import pytest
from callbacks_helpers import Receiver
from routes_helpers import A_ID, A_OWNER, A_SECRET, NOW_MS, URL, Api, sha

from salesmanago_emulator import Emulator, FrozenClock, SystemClock
from salesmanago_emulator._router import PACK_AT, CallRecord
from salesmanago_emulator.pytest_plugin import (
    DEFAULT_NOW,
    ContactManagerDriver,
    _parse_accounts,
    _parse_now,
)

# --- fixtures and marker ----------------------------------------------------------------


def test_default_fixture(salesmanago_emulator: Emulator) -> None:
    """Default: FrozenClock at 2026-01-15T10:00Z, account emulator-client / owner@example.com."""
    assert salesmanago_emulator.clock.now() == datetime(2026, 1, 15, 10, tzinfo=timezone.utc)
    assert isinstance(salesmanago_emulator.clock, FrozenClock)
    account = salesmanago_emulator.account("emulator-client")
    assert account.api_secret == "emulator-secret"
    assert account.users == ("owner@example.com",)
    assert account.timezone == ZoneInfo("Europe/Warsaw")


def test_fixture_is_fresh_per_test_first(salesmanago_emulator: Emulator) -> None:
    salesmanago_emulator.add_account(client_id="extra", api_secret="s", users=["a@example.com"])
    assert [a.client_id for a in salesmanago_emulator.accounts] == ["emulator-client", "extra"]


def test_fixture_is_fresh_per_test_second(salesmanago_emulator: Emulator) -> None:
    assert [a.client_id for a in salesmanago_emulator.accounts] == ["emulator-client"]


@pytest.mark.salesmanago(now="2026-03-28T23:59:00+01:00")
def test_marker_now_iso_string(salesmanago_emulator: Emulator) -> None:
    assert salesmanago_emulator.clock.now() == datetime(2026, 3, 28, 22, 59, tzinfo=timezone.utc)


@pytest.mark.salesmanago(
    now=datetime(2026, 6, 1, 12, tzinfo=ZoneInfo("Europe/Warsaw")),
    accounts=[
        {"client_id": "shop", "api_secret": "s1", "users": ["a@shop.pl", "b@shop.pl"]},
        {"client_id": "crm", "api_secret": "s2", "users": ["c@crm.pl"], "timezone": "UTC"},
    ],
)
def test_marker_accounts_and_datetime(salesmanago_emulator: Emulator) -> None:
    assert salesmanago_emulator.clock.now() == datetime(2026, 6, 1, 10, tzinfo=timezone.utc)
    assert [a.client_id for a in salesmanago_emulator.accounts] == ["shop", "crm"]
    assert salesmanago_emulator.account("crm").timezone == ZoneInfo("UTC")


@pytest.mark.salesmanago(
    accounts=[{"client_id": "shop", "api_secret": "s1", "users": ["a@shop.pl", "b@shop.pl"]}]
)
def test_client_fixture_uses_first_account_and_user(
    salesmanago_emulator: Emulator, salesmanago_client: object
) -> None:
    from salesmanago import ContactUpsert, SalesManago

    assert isinstance(salesmanago_client, SalesManago)
    result = salesmanago_client.contacts.upsert(ContactUpsert(email="x@example.com"))
    record = salesmanago_emulator.account("shop").find_live(result.contact_id)
    assert record.main_owner == "a@shop.pl"
    assert salesmanago_client.users.list() == ["a@shop.pl", "b@shop.pl"]


async def test_async_client_fixture(
    salesmanago_emulator: Emulator, async_salesmanago_client: object
) -> None:
    from salesmanago import AsyncSalesManago, ContactUpsert

    assert isinstance(async_salesmanago_client, AsyncSalesManago)
    result = await async_salesmanago_client.contacts.upsert(ContactUpsert(email="a@example.com"))
    assert await async_salesmanago_client.contacts.has_contact("a@example.com") == (
        result.contact_id
    )
    assert salesmanago_emulator.calls[-1].path == "/api/contact/hasContact"


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("2026-01-15T10:00:00", "must be timezone-aware"),
        (datetime(2026, 1, 15), "must be timezone-aware"),
        ("tomorrow", "not an ISO-8601 date-time"),
        (1768471200, "takes a datetime or an ISO-8601 string"),
    ],
)
def test_marker_now_errors(value: object, error: str) -> None:
    with pytest.raises(pytest.UsageError, match=error):
        _parse_now(value)


def test_marker_now_default_and_z() -> None:
    assert _parse_now(None) == DEFAULT_NOW
    assert _parse_now("2026-01-15T10:00:00Z") == DEFAULT_NOW


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ([], "non-empty list"),
        ("acc", "non-empty list"),
        (["acc"], "item 0 is not a dict"),
        ([{"client_id": "a", "api_secret": "s"}], r"missing keys \['users'\]"),
        (
            [{"client_id": "a", "api_secret": "s", "users": [], "tz": "UTC"}],
            r"unknown keys \['tz'\]",
        ),
    ],
)
def test_marker_accounts_errors(value: object, error: str) -> None:
    with pytest.raises(pytest.UsageError, match=error):
        _parse_accounts(value)


# --- the Emulator object -------------------------------------------------------------------


def test_emulator_defaults_and_errors() -> None:
    emu = Emulator()
    assert isinstance(emu.clock, SystemClock)
    with pytest.raises(LookupError, match="add_account"):
        emu.client()
    emu.add_account(client_id="c", api_secret="s", users=["u@example.com"])
    with pytest.raises(ValueError, match="already exists"):
        emu.add_account(client_id="c", api_secret="s", users=["u@example.com"])
    with pytest.raises(ValueError, match="at least one user"):
        emu.add_account(client_id="d", api_secret="s", users=[])
    with pytest.raises(KeyError, match="known: 'c'"):
        emu.account("nope")
    with pytest.raises(ValueError, match="call_log_size"):
        Emulator(call_log_size=-1)


def test_client_with_explicit_account_owner_and_options() -> None:
    emu = Emulator(clock=FrozenClock(DEFAULT_NOW))
    emu.add_account(client_id="one", api_secret="s1", users=["a@example.com"])
    emu.add_account(client_id="two", api_secret="s2", users=["b@example.com", "c@example.com"])
    with emu.client("two", owner="c@example.com", timeout=5.0) as client:
        assert client.users.list() == ["b@example.com", "c@example.com"]
    call = emu.calls[-1]
    assert call.request is not None
    assert call.request["clientId"] == "two"
    assert call.request["owner"] == "c@example.com"
    assert call.request["sha"] == "***"


def test_emulator_clients_close_their_own_http_client_and_leave_a_given_one_open() -> None:
    emu = Emulator(clock=FrozenClock(DEFAULT_NOW))
    emu.add_account(client_id="one", api_secret="s1", users=["a@example.com"])
    with emu.client() as client:
        assert client.users.list() == ["a@example.com"]
    assert client._http.is_closed
    given = httpx.Client(transport=emu.transport())
    with emu.client(http_client=given) as client:
        assert client.users.list() == ["a@example.com"]
    assert not given.is_closed
    given.close()


async def test_emulator_async_client_closes_its_own_http_client(emu: Emulator) -> None:
    async with emu.async_client() as client:
        assert A_OWNER in await client.users.list()
    assert client._http.is_closed


def test_call_log_keeps_the_bytes_and_decodes_the_request_once_masked(emu: Emulator) -> None:
    """A logged batch costs its bytes until read; read, it is the body with the sha masked."""
    details = [{"contact": {"email": f"u{i}@example.com"}} for i in range(300)]
    payload = {**json.loads(_body()), "upsertDetails": details}
    with httpx.Client(transport=emu.transport()) as http:
        http.post(f"{URL}/api/contact/batchupsert", content=json.dumps(payload).encode())
    call = emu.calls[-1]
    shown = repr(call)
    assert "batchupsert" in shown
    assert payload["sha"] not in shown
    assert "upsertDetails" not in shown  # the repr names the call, not its body
    request = call.request
    assert request == {**payload, "sha": "***"}
    assert call.request is request  # decoded once
    assert call.success


def test_call_log_keeps_a_large_body_compressed_and_reads_it_as_sent() -> None:
    """A body of PACK_AT bytes or more is kept compressed (a batch shrinks about tenfold:
    issue 17, memory per contact) and read back as the body sent, masked; a small one
    is kept as received. (Built directly: the suite's secret guard reads every logged
    request at once.)"""
    details = [
        {"contact": {"email": f"u{i}@example.com", "name": f"U {i}"}, "tags": ["A", "B"]}
        for i in range(200)
    ]
    payload = {**json.loads(_body()), "upsertDetails": details}
    content = json.dumps(payload).encode()
    assert len(content) >= PACK_AT
    at = datetime(2026, 1, 15, 10, tzinfo=timezone.utc)
    big = CallRecord("POST", "/api/contact/batchupsert", content, 200, {"success": True}, at)
    small = CallRecord("POST", "/api/user/listByClient", _body(), 200, {"success": True}, at)
    assert big._body is not None
    assert len(big._body) * 5 < len(content)
    assert small._body == _body()
    assert big.request == {**payload, "sha": "***"}
    assert big._body is None  # decoded once; the bytes with the sha are not kept
    assert small.request == {**json.loads(_body()), "sha": "***"}


def test_call_log_request_read_from_many_threads_is_one_answer(emu: Emulator) -> None:
    with httpx.Client(transport=emu.transport()) as http:
        http.post(f"{URL}/api/user/listByClient", content=_body())
    call = emu.calls[-1]
    with ThreadPoolExecutor(max_workers=8) as pool:
        seen = list(pool.map(lambda _: call.request, range(64)))
    assert all(request == seen[0] for request in seen)
    assert seen[0] is not None
    assert seen[0]["sha"] == "***"


@pytest.mark.parametrize(
    ("content", "status"),
    [(b"not json", 400), (b"[1, 2]", 400), (b'{"n": 1E+100000}', 400)],
)
def test_call_log_request_is_none_for_a_body_that_is_no_json_object(
    emu: Emulator, content: bytes, status: int
) -> None:
    with httpx.Client(transport=emu.transport()) as http:
        assert http.post(f"{URL}/api/contact/upsert", content=content).status_code == status
    assert emu.calls[-1].request is None


def test_call_log_request_is_none_for_a_path_not_served(emu: Emulator) -> None:
    with httpx.Client(transport=emu.transport()) as http:
        assert http.post(f"{URL}/api/nowhere", content=_body()).status_code == 404
    assert emu.calls[-1].request is None


# --- the transport ------------------------------------------------------------------------


def _body() -> bytes:
    return json.dumps(
        {
            "clientId": A_ID,
            "apiKey": "k",
            "requestTime": NOW_MS,
            "sha": sha("k", A_ID, A_SECRET),
            "owner": A_OWNER,
        }
    ).encode()


async def test_async_transport_raw(emu: Emulator) -> None:
    async with httpx.AsyncClient(transport=emu.transport()) as http:
        response = await http.post(f"{URL}/api/user/listByClient", content=_body())
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert int(response.headers["content-length"]) == len(response.content)
    assert response.json()["users"][0] == A_OWNER


def test_sync_and_async_share_state(emu: Emulator, api: Api) -> None:
    import asyncio

    contact_id = api.upsert("shared@example.com")

    async def look() -> object:
        async with httpx.AsyncClient(transport=emu.transport()) as http:
            body = json.loads(_body())
            body["email"] = "shared@example.com"
            response = await http.post(f"{URL}/api/contact/hasContact", json=body)
            return response.json()["contactId"]

    assert asyncio.run(look()) == contact_id


# --- the salesmanago_contact_manager fixture: select -> run -> what the integration got (S15)


def test_contact_manager_fixture_runs_and_delivers_a_bulk_opt_out(
    salesmanago_contact_manager: ContactManagerDriver, receiver: Receiver
) -> None:
    """S15, S10.3: a bulk opt-out reaches the integration's callback, one POST per card."""
    from salesmanago_emulator.state import ContactWrite
    from salesmanago_emulator.state.contact_manager import EmailOptOut, Selection, Tags

    cm = salesmanago_contact_manager
    owner = cm.account.users[0]
    for email in ("a@example.com", "b@example.com", "other@example.com"):
        tags = ("NEWSLETTER",) if email != "other@example.com" else ()
        cm.account.contacts.upsert(ContactWrite(email=email, tags=tags, force_opt_in=True), owner)
    cm.account.callbacks.register("OPT_OUT", receiver.url("/optout"), "s3cret")
    newsletter = Selection(include=(Tags(tags=("newsletter",)),))
    assert cm.recount(newsletter) == 2
    result = cm.run(newsletter, EmailOptOut(), deliver=True)
    assert [r.email for r in result.run.reports] == ["a@example.com", "b@example.com"]
    assert [b["email"] for b in result.bodies("OPT_OUT")] == ["a@example.com", "b@example.com"]
    assert all(e.delivered for e in result.callbacks)
    posted = sorted(json.loads(r.body)["email"] for r in receiver.requests)
    assert posted == ["a@example.com", "b@example.com"]
    assert cm.run(newsletter, EmailOptOut()).callbacks == ()  # already out: nothing queued
