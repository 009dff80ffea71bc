"""The async client over ``httpx``'s own connection pool (issue 17): the pool it builds
for itself is sized to its ``max_concurrent_requests``, and its requests are let into
httpx's own pool one at a time (`PoolEntry`), so httpcore 1.0 never hands one idle
connection to several of them (encode/httpcore#1035). A pool or client the caller
brings is sent to as it is. Pool-level tests run against an emulator server on a
real loopback socket (as ``test_sdk_aiohttp_transport``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anyio
import httpcore
import httpx
import pytest
import respx
from httpcore._backends.auto import AutoBackend

from salesmanago import APITimeoutError, AsyncSalesManago, ContactUpsert
from salesmanago._base_client import PoolEntry, enters_one_at_a_time, pool_limits
from salesmanago._netstream import PolledBackend
from salesmanago.aiohttp_transport import AiohttpTransport
from salesmanago_emulator import Emulator, EmulatorServer

CLIENT_ID, SECRET, OWNER = "pool-client", "pool-secret-value", "owner@example.com"
SETTINGS: dict[str, Any] = {"client_id": CLIENT_ID, "api_secret": SECRET, "owner": OWNER}


PASSWORD = "pool-user-password"


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    emulator = Emulator()
    emulator.add_account(client_id=CLIENT_ID, api_secret=SECRET, users=[OWNER])
    emulator.account(CLIENT_ID).users.set_password(OWNER, PASSWORD)
    with EmulatorServer(emulator) as running:
        yield running


def _pool(client: AsyncSalesManago) -> httpcore.AsyncConnectionPool:
    transport = client._http._transport
    assert isinstance(transport, httpx.AsyncHTTPTransport)
    return transport._pool


@pytest.mark.parametrize("limit", [1, 5, 16, 200])
async def test_the_pool_the_client_builds_holds_as_many_connections_as_requests_in_flight(
    limit: int,
) -> None:
    """Built by the client: at most ``max_concurrent_requests`` connections, and as many
    kept alive (httpx's default would be 100 and 20, whatever the limit)."""
    client = AsyncSalesManago(**SETTINGS, max_concurrent_requests=limit)
    pool = _pool(client)
    assert (pool._max_connections, pool._max_keepalive_connections) == (limit, limit)
    assert pool_limits(limit) == httpx.Limits(
        max_connections=limit, max_keepalive_connections=limit
    )
    assert isinstance(client._entry, PoolEntry)
    assert client.with_options(timeout=3)._entry is client._entry  # one pool, one entry
    await client.aclose()


async def test_a_given_http_client_is_never_altered_nor_let_in_through_an_entry() -> None:
    """The caller's ``httpx.AsyncClient`` keeps its own pool limits, and the requests the
    SDK sends through it carry nothing but what they always carried."""
    seen: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(dict(request.extensions))
        return httpx.Response(200, json={"success": True, "message": [], "result": False})

    limits = httpx.Limits(max_connections=3, max_keepalive_connections=1)
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler), limits=limits)
    transport = http._transport
    client = AsyncSalesManago(**SETTINGS, http_client=http, max_concurrent_requests=40)
    assert client._entry is None
    await client.contacts.has_contact("a@example.com")
    assert http._transport is transport
    assert [set(extensions) for extensions in seen] == [{"timeout"}]
    await client.aclose()
    own = httpx.AsyncClient(limits=limits)
    given = AsyncSalesManago(**SETTINGS, http_client=own, max_concurrent_requests=40)
    pool = _pool(given)
    assert (pool._max_connections, pool._max_keepalive_connections) == (3, 1)
    assert given._entry is None
    await own.aclose()


async def test_a_client_from_login_keeps_the_logins_pool_and_its_entry(
    server: EmulatorServer,
) -> None:
    """``from_login`` hands the pool it built for the login to the client, and with it
    that pool's entry (the entry has already seen the pool report) and its network
    backend, wrapped once."""
    client = await AsyncSalesManago.from_login(
        username=OWNER, password=PASSWORD, endpoint=server.url, max_concurrent_requests=4
    )
    assert isinstance(client._entry, PoolEntry)
    assert client._entry._reports
    pool = _pool(client)
    assert (pool._max_connections, pool._max_keepalive_connections) == (4, 4)
    backend = pool._network_backend  # polled straight once, for the login (_netstream)
    assert isinstance(backend, PolledBackend)
    assert isinstance(backend.inner, AutoBackend)
    assert await client.contacts.has_contact("nobody@example.com") is None
    await client.aclose()


@pytest.mark.parametrize(
    ("transport", "let_in"),
    [
        (None, True),
        (httpx.AsyncHTTPTransport(), True),
        (httpx.AsyncHTTPTransport(proxy="http://127.0.0.1:9"), True),
        (type("Mine", (httpx.AsyncHTTPTransport,), {})(), False),
        (httpx.MockTransport(lambda request: httpx.Response(200)), False),
        (AiohttpTransport(), False),
    ],
    ids=["built", "httpx", "httpx-proxy", "subclass", "mock", "aiohttp"],
)
def test_only_httpx_own_transport_goes_through_an_entry(
    transport: httpx.AsyncBaseTransport | None, let_in: bool
) -> None:
    """The pool the client builds and an exact httpx transport given (direct or through
    a proxy) get an entry, and a `PolledBackend` around their pool's own backend
    (``_netstream``); a subclass, a mock or the aiohttp transport are sent to as they
    are."""
    assert enters_one_at_a_time(transport) is let_in
    client = AsyncSalesManago(**SETTINGS, transport=transport)
    assert (client._entry is not None) is let_in
    sender = client._http._transport
    if let_in:
        assert isinstance(sender, httpx.AsyncHTTPTransport)
        backend = sender._pool._network_backend
        assert isinstance(backend, PolledBackend)
        assert isinstance(backend.inner, AutoBackend)
    elif isinstance(sender, httpx.AsyncHTTPTransport):
        assert not isinstance(sender._pool._network_backend, PolledBackend)


async def test_64_tasks_each_start_on_the_connection_they_are_handed(
    server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """64 tasks over httpx's own pool, 16 in flight: every request starts on the first
    connection the pool hands it (no ``ConnectionNotAvailable`` and new search), no
    more connections are opened than requests are in flight, and every upsert lands."""
    attempts = 0
    handle = httpcore.AsyncHTTP11Connection.handle_async_request

    async def counted(self: httpcore.AsyncHTTP11Connection, request: httpcore.Request) -> Any:
        nonlocal attempts
        attempts += 1
        return await handle(self, request)

    monkeypatch.setattr(httpcore.AsyncHTTP11Connection, "handle_async_request", counted)
    client = AsyncSalesManago(**SETTINGS, endpoint=server.url, max_retries=0)
    emails = iter([f"task{i}@example.com" for i in range(640)])
    ids: list[str] = []

    async def worker() -> None:
        for email in emails:
            ids.append((await client.contacts.upsert(ContactUpsert(email=email))).contact_id)

    async with anyio.create_task_group() as tg:
        for _ in range(64):
            tg.start_soon(worker)
    opened = len(_pool(client).connections)
    await client.aclose()
    assert len(set(ids)) == 640
    assert attempts == 640
    assert 1 <= opened <= 16


def _request(pool: float | None) -> httpx.Request:
    timeout = httpx.Timeout(5.0, pool=pool).as_dict()
    return httpx.Request("POST", "http://pool.test/api", extensions={"timeout": timeout})


async def _held_for(entry: PoolEntry, seconds: float, holding: anyio.Event) -> None:
    await entry._enter(_request(None))
    holding.set()
    await anyio.sleep(seconds)
    entry._lock.release()


async def test_the_wait_to_enter_is_part_of_the_pool_timeout() -> None:
    """A request let in late gets only what is left of its pool timeout; one whose pool
    timeout ran out while it waited is ``httpx.PoolTimeout``, and gives the entry back."""
    entry = PoolEntry()
    late, patient = _request(0.01), _request(30.0)
    holding = anyio.Event()
    async with anyio.create_task_group() as tg:
        tg.start_soon(_held_for, entry, 0.2, holding)
        await holding.wait()
        with pytest.raises(httpx.PoolTimeout) as info:
            await entry._enter(late)
    assert info.value.request is late
    assert not entry._lock.locked()
    holding = anyio.Event()
    async with anyio.create_task_group() as tg:
        tg.start_soon(_held_for, entry, 0.2, holding)
        await holding.wait()
        await entry._enter(patient)
    left = patient.extensions["timeout"]["pool"]
    assert 29.0 < left <= 30.0 - 0.2
    assert patient.extensions["timeout"]["read"] == 5.0
    entry._lock.release()


async def test_a_pool_timeout_at_the_entry_is_the_clients_timeout_error(
    server: EmulatorServer,
) -> None:
    """Through the client: the entry's PoolTimeout is a timeout like httpx's own (the
    request was never sent), raised as APITimeoutError."""
    client = AsyncSalesManago(
        **SETTINGS,
        endpoint=server.url,
        max_retries=0,
        timeout=httpx.Timeout(5.0, pool=0.01),
    )
    assert client._entry is not None
    await client.contacts.has_contact("warm@example.com")  # the pool has reported
    holding = anyio.Event()
    async with anyio.create_task_group() as tg:
        tg.start_soon(_held_for, client._entry, 0.2, holding)
        await holding.wait()
        with pytest.raises(APITimeoutError) as info:
            await client.contacts.has_contact("late@example.com")
    assert info.value.may_have_landed is False
    assert isinstance(info.value.__cause__, httpx.PoolTimeout)
    await client.aclose()


async def test_the_entry_is_given_back_after_a_failure_or_a_cancellation() -> None:
    """Held through a whole send (the pool reports nothing here), the entry is given
    back when the send fails and when the task is cancelled in it."""

    async def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/refused":
            raise httpx.ConnectError("refused", request=request)
        await anyio.sleep(30)
        return httpx.Response(200)

    http = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    entry = PoolEntry()
    entry._reports = True  # as after a report: the next request holds the entry
    with pytest.raises(httpx.ConnectError):
        await entry.send(http, http.build_request("POST", "http://pool.test/refused"))
    assert not entry._lock.locked()
    entry._reports = True
    with anyio.move_on_after(0.05) as scope:
        await entry.send(http, http.build_request("POST", "http://pool.test/slow"))
    assert scope.cancelled_caught
    assert not entry._lock.locked()
    await http.aclose()


async def test_no_trace_is_left_on_the_requests_sent(server: EmulatorServer) -> None:
    """The ``trace`` extension the entry sets is gone once the request is sent: the
    request an answer or an error carries is the one the SDK built."""
    client = AsyncSalesManago(**SETTINGS, endpoint=server.url, max_retries=0)
    requests: list[httpx.Request] = []

    async def keep(response: httpx.Response) -> None:
        requests.append(response.request)

    client._http.event_hooks["response"].append(keep)
    for _ in range(2):  # the first one teaches the entry that the pool reports
        await client.contacts.has_contact("a@example.com")
    await client.aclose()
    assert [set(request.extensions) for request in requests] == [{"timeout"}] * 2


async def test_a_mocked_pool_is_never_waited_for() -> None:
    """In front of a pool that reports nothing (respx here), requests go in freely:
    two requests each waiting for the other both finish."""
    both = anyio.Event()
    seen: list[str] = []

    async def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        if len(seen) == 2:
            both.set()
        await both.wait()
        return httpx.Response(200, json={"success": True, "message": [], "result": False})

    with respx.mock(base_url="https://app2.salesmanago.pl") as platform:
        platform.post("/api/contact/hasContact").mock(side_effect=answer)
        client = AsyncSalesManago(**SETTINGS)
        assert client._entry is not None
        with anyio.fail_after(5):
            async with anyio.create_task_group() as tg:
                tg.start_soon(client.contacts.has_contact, "a@example.com")
                tg.start_soon(client.contacts.has_contact, "b@example.com")
        assert not client._entry._reports
        await client.aclose()
    assert len(seen) == 2
