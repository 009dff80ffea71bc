"""The ``aiohttp`` transport (``salesmanago.aiohttp_transport``, issue 17): the async
client over it answers and fails exactly as over ``httpx``'s own transport, against
an emulator server on a real loopback socket."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator

import httpx
import pytest

from salesmanago import (
    APIConnectionError,
    APITimeoutError,
    AsyncSalesManago,
    ContactUpsert,
    SalesManagoError,
)
from salesmanago.aiohttp_transport import AiohttpTransport
from salesmanago_emulator import Emulator, EmulatorServer

CLIENT_ID, SECRET, OWNER = "aio-client", "aio-secret", "owner@example.com"

Transport = Callable[[], httpx.AsyncBaseTransport]
TRANSPORTS: dict[str, Transport] = {"httpx": httpx.AsyncHTTPTransport, "aiohttp": AiohttpTransport}


@pytest.fixture
def emu() -> Emulator:
    emulator = Emulator()
    emulator.add_account(client_id=CLIENT_ID, api_secret=SECRET, users=[OWNER])
    return emulator


@pytest.fixture
def server(emu: Emulator) -> Iterator[EmulatorServer]:
    with EmulatorServer(emu) as running:
        yield running


def _client(url: str, transport: httpx.AsyncBaseTransport, **options: float) -> AsyncSalesManago:
    return AsyncSalesManago(
        client_id=CLIENT_ID,
        api_secret=SECRET,
        owner=OWNER,
        endpoint=url,
        transport=transport,
        max_retries=0,
        **options,  # type: ignore[arg-type]
    )


async def test_calls_answer_as_over_the_default_transport(server: EmulatorServer) -> None:
    """Upsert, read back and batch-upsert over each transport: the same answers."""
    seen: dict[str, tuple[object, ...]] = {}
    for name, make in TRANSPORTS.items():
        client = _client(server.url, make())
        try:
            upserted = await client.contacts.upsert(
                ContactUpsert(email=f"{name}@example.com", name="Zażółć", tags=["VIP"])
            )
            found = await client.contacts.has_contact(f"{name}@example.com")
            missing = await client.contacts.has_contact(f"nobody-{name}@example.com")
            batch = await client.contacts.batch_upsert(
                [ContactUpsert(email=f"{name}-{i}@example.com") for i in range(3)]
            )
        finally:
            await client.close()
        assert upserted.contact_id
        seen[name] = (found is not None, missing, len(batch.contact_ids))
    assert seen["aiohttp"] == seen["httpx"] == (True, None, 3)


async def test_closed_client_closes_the_session_once(server: EmulatorServer) -> None:
    transport = AiohttpTransport()
    client = _client(server.url, transport)
    await client.contacts.has_contact("a@example.com")
    session = transport._session
    assert session is not None
    await client.close()
    assert session.closed
    await transport.aclose()  # closing again is harmless
    assert transport._session is None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def _failure(url: str, name: str, **options: float) -> SalesManagoError:
    """The error an upsert ends with over transport ``name``."""
    client = _client(url, TRANSPORTS[name](), **options)
    try:
        await client.contacts.upsert(ContactUpsert(email="a@example.com"))
    except SalesManagoError as exc:
        return exc
    finally:
        await client.close()
    raise AssertionError("the upsert did not fail")


def _outcome(exc: SalesManagoError) -> tuple[type[BaseException], type[BaseException], bool]:
    """The SDK error's class, the httpx error behind it, and whether it may have landed."""
    assert isinstance(exc, (APIConnectionError, APITimeoutError))
    assert exc.__cause__ is not None
    return type(exc), type(exc.__cause__), exc.may_have_landed


async def test_a_refused_connection_fails_alike_and_never_landed() -> None:
    """Nothing listening: ``httpx.ConnectError`` behind an APIConnectionError, not landed."""
    url = f"http://127.0.0.1:{_free_port()}"
    seen = {name: _outcome(await _failure(url, name)) for name in TRANSPORTS}
    assert seen["aiohttp"] == seen["httpx"] == (APIConnectionError, httpx.ConnectError, False)


async def test_a_connection_dropped_after_sending_fails_alike(
    emu: Emulator, server: EmulatorServer
) -> None:
    """The server reads the request and drops the connection: the same SDK error over
    either transport, with ``httpx.RemoteProtocolError`` (sent: not a connect error)."""
    seen = {}
    for name in TRANSPORTS:
        emu.faults.add("read_timeout", path="/api/contact/upsert", times=1)
        seen[name] = _outcome(await _failure(server.url, name))
    assert seen["aiohttp"] == seen["httpx"]
    assert seen["aiohttp"][:2] == (APIConnectionError, httpx.RemoteProtocolError)


async def test_a_slow_answer_is_a_read_timeout_alike(emu: Emulator, server: EmulatorServer) -> None:
    """An answer slower than the client's timeout: APITimeoutError from ``httpx.ReadTimeout``."""
    seen = {}
    for name in TRANSPORTS:
        emu.faults.add("latency", path="/api/contact/upsert", seconds=1.0, times=1)
        seen[name] = _outcome(await _failure(server.url, name, timeout=0.2))
    assert seen["aiohttp"] == seen["httpx"]
    assert seen["aiohttp"][:2] == (APITimeoutError, httpx.ReadTimeout)
