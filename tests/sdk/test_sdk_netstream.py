"""The sockets of httpx's own async pool polled straight (``_netstream.py``, issue 17).

The pool's network backend is wrapped exactly where the client's `PoolEntry` applies
(the pool it builds, an exact ``httpx.AsyncHTTPTransport`` given): every connection
is still opened by the pool's own backend, and httpcore's anyio streams answer
``is_readable`` by polling the raw socket they report, as they do themselves, without
building anyio's table of extra attributes. Live tests run against loopback servers
in the test (a one-answer HTTP server that then closes the connection, over TCP or a
Unix socket) or an emulator server.
"""

from __future__ import annotations

import os
import socket
import ssl
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import anyio
import anyio.abc
import httpcore
import httpx
import pytest
from anyio.streams.stapled import StapledObjectStream
from anyio.streams.tls import TLSStream
from httpcore._backends.anyio import AnyIOStream
from httpcore._backends.auto import AutoBackend
from httpcore._utils import is_socket_readable

import salesmanago._netstream as netstream
from salesmanago import AsyncSalesManago, SalesManago
from salesmanago._netstream import PolledBackend, PolledStream, poll_straight, polled
from salesmanago_emulator import Emulator, EmulatorServer

CLIENT_ID, SECRET, OWNER = "net-client", "net-secret-value", "owner@example.com"
SETTINGS: dict[str, Any] = {"client_id": CLIENT_ID, "api_secret": SECRET, "owner": OWNER}
ANSWER = b'{"success": true, "message": [], "result": false}'
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
    len(ANSWER),
    ANSWER,
)


def _backend(transport: httpx.AsyncBaseTransport) -> httpcore.AsyncNetworkBackend:
    assert isinstance(transport, httpx.AsyncHTTPTransport)
    return transport._pool._network_backend


def _client_backend(client: AsyncSalesManago) -> httpcore.AsyncNetworkBackend:
    return _backend(client._http._transport)


async def _read_request(stream: anyio.abc.ByteStream) -> bytes:
    """One HTTP/1.1 request's bytes (head and ``Content-Length`` body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += await stream.receive()
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        body += await stream.receive()
    return head


class OneAnswerServer:
    """Answers one request per connection, then closes the connection (as a server
    closes an idle keep-alive connection); counts connections and keeps request heads."""

    def __init__(self) -> None:
        self.connections = 0
        self.heads: list[bytes] = []
        self.closed = anyio.Event()

    async def handle(self, stream: anyio.abc.ByteStream) -> None:
        self.connections += 1
        async with stream:
            self.heads.append(await _read_request(stream))
            await stream.send(RESPONSE)
        self.closed.set()


@asynccontextmanager
async def _serving(
    listener: anyio.abc.Listener[Any], server: OneAnswerServer
) -> AsyncIterator[None]:
    async with anyio.create_task_group() as tg:
        tg.start_soon(listener.serve, server.handle)
        yield
        tg.cancel_scope.cancel()


async def _tcp_listener() -> tuple[anyio.abc.Listener[Any], str]:
    listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
    port = listener.extra(anyio.abc.SocketAttribute.local_port)
    return listener, f"http://127.0.0.1:{port}"


async def _until(check: Callable[[], bool]) -> None:
    """Poll ``check`` (a socket's state: no event tells when it changes) until true."""
    with anyio.fail_after(5):
        while not check():  # noqa: ASYNC110
            await anyio.sleep(0.005)


async def _two_calls_across_a_server_close(
    client: AsyncSalesManago, server: OneAnswerServer
) -> None:
    """A call, the server closing its connection, a second call: both answered."""
    assert await client.contacts.has_contact("a@example.com") is None
    await server.closed.wait()
    await anyio.sleep(0.05)  # the server's end reaches the client's socket
    assert await client.contacts.has_contact("b@example.com") is None
    await client.aclose()


# --- where the wrapper is installed ------------------------------------------------------
# (the pool the client builds, an exact httpx transport, a proxy's, a login's and not the
# others: `tests/sdk/test_sdk_async_pool.py`, with the entry it goes with)


async def test_a_given_http_client_and_a_sync_client_keep_their_backends() -> None:
    """An ``http_client`` given is used as it is, even over httpx's own transport; the
    blocking client's pool is never touched."""
    own = httpx.AsyncClient()
    backend = _backend(own._transport)
    client = AsyncSalesManago(**SETTINGS, http_client=own)
    assert client._entry is None
    assert _backend(own._transport) is backend
    assert not isinstance(backend, PolledBackend)
    await own.aclose()
    sync = SalesManago(**SETTINGS)
    sync_transport = sync._http._transport
    assert isinstance(sync_transport, httpx.HTTPTransport)
    assert isinstance(sync_transport._pool._network_backend, httpcore.SyncBackend)
    sync.close()


def test_a_pool_is_wrapped_once_however_many_clients_share_it() -> None:
    """Two clients over one transport, and a ``with_options`` clone, leave one wrapper
    around the pool's own backend."""
    transport = httpx.AsyncHTTPTransport()
    first = AsyncSalesManago(**SETTINGS, transport=transport)
    backend = _backend(transport)
    assert isinstance(backend, PolledBackend)
    AsyncSalesManago(**SETTINGS, transport=transport)
    first.with_options(timeout=3)
    assert _backend(transport) is backend
    assert isinstance(backend.inner, AutoBackend)
    assert poll_straight(transport) is True
    assert _backend(transport) is backend


def test_httpx_and_httpcore_private_attributes_keep_their_meaning() -> None:
    """What `poll_straight` reads: httpx's ``AsyncHTTPTransport._pool`` is httpcore's
    pool (a proxy's too), and the pool keeps the backend its connections are opened
    with in ``_network_backend`` (``test_the_pool_asks_the_polled_stream`` checks that
    the pool really uses it). Fails if either is renamed or changes type."""
    for transport in (httpx.AsyncHTTPTransport(), httpx.AsyncHTTPTransport(proxy="http://p:9")):
        pool = transport._pool
        assert isinstance(pool, httpcore.AsyncConnectionPool)
        assert isinstance(pool._network_backend, httpcore.AsyncNetworkBackend)
    assert isinstance(httpx.AsyncHTTPTransport(proxy="http://p:9")._pool, httpcore.AsyncHTTPProxy)


def test_a_transport_without_those_attributes_is_left_as_it_is(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Should httpx or httpcore drop or change either attribute, nothing is wrapped and
    the client still works as before (this is the fallback, not the usual case)."""
    transport = httpx.AsyncHTTPTransport()
    pool = transport._pool
    del transport._pool
    assert poll_straight(transport) is False
    transport._pool = pool
    monkeypatch.setattr(pool, "_network_backend", object())
    assert poll_straight(transport) is False
    assert type(pool._network_backend) is object
    assert poll_straight(httpx.MockTransport(lambda request: httpx.Response(200))) is False
    monkeypatch.setattr(netstream, "AVAILABLE", False)
    assert poll_straight(httpx.AsyncHTTPTransport()) is False


# --- the stream's answers ----------------------------------------------------------------


async def test_is_readable_agrees_with_the_stream_live_idle_and_closed() -> None:
    """On a live loopback connection: idle (not readable), an answer waiting
    (readable), read (not readable), closed by the server (readable: its end waits),
    closed here. Each time the wrapped stream's own answer is the same; every other
    question is answered by the stream itself."""
    server = OneAnswerServer()
    listener, url = await _tcp_listener()
    port = int(url.rsplit(":", 1)[1])
    async with _serving(listener, server):
        stream = await PolledBackend(AutoBackend()).connect_tcp("127.0.0.1", port, timeout=5)
        assert isinstance(stream, PolledStream)
        inner = stream._inner
        assert type(inner) is AnyIOStream

        def agree() -> bool:
            answer = stream.get_extra_info("is_readable")
            assert answer is inner.get_extra_info("is_readable")
            return answer is True

        assert agree() is False
        for info in ("socket", "client_addr", "server_addr", "ssl_object", "other"):
            assert stream.get_extra_info(info) == inner.get_extra_info(info)
        assert stream.get_extra_info("socket") is stream._socket
        await stream.write(b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n", 5)
        await _until(agree)
        assert await stream.read(65536, 5) == RESPONSE
        await server.closed.wait()
        await _until(agree)  # the server's end arrived: readable, to read b""
        assert await stream.read(65536, 5) == b""
        await stream.aclose()
        assert agree() is True  # as httpcore's own: no socket left to poll


async def test_read_write_and_close_are_the_streams_own() -> None:
    """No layer in between for the bytes: the wrapper's read, write and aclose are the
    anyio stream's own bound methods."""
    listener, url = await _tcp_listener()
    async with _serving(listener, OneAnswerServer()):
        port = int(url.rsplit(":", 1)[1])
        stream = await PolledBackend(AutoBackend()).connect_tcp("127.0.0.1", port)
        assert isinstance(stream, PolledStream)
        inner = stream._inner
        assert (stream.read, stream.write, stream.aclose) == (inner.read, inner.write, inner.aclose)
        await stream.aclose()


async def test_a_server_closed_keep_alive_connection_is_dropped_for_a_new_one() -> None:
    """Through the client (no retries): the server answers and closes the connection;
    the pool sees it readable while idle, drops it, and the next call succeeds on a new
    connection. Had the wrapper said "not readable", the call would go out on the
    closed connection and fail."""
    server = OneAnswerServer()
    listener, url = await _tcp_listener()
    async with _serving(listener, server):
        client = AsyncSalesManago(**SETTINGS, endpoint=url, max_retries=0)
        assert isinstance(_client_backend(client), PolledBackend)
        await _two_calls_across_a_server_close(client, server)
    assert server.connections == 2


async def test_the_pool_asks_the_polled_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    """httpcore's pool opens its connections with ``_network_backend`` and asks their
    streams ``is_readable`` before reusing them: the second call over a kept-alive
    connection polls its socket through the wrapper, on the socket it was opened on."""
    polled_sockets: list[object] = []
    real = is_socket_readable

    def spy(sock: Any) -> bool:
        polled_sockets.append(sock)
        return real(sock)

    monkeypatch.setattr(netstream, "is_socket_readable", spy)
    emulator = Emulator()
    emulator.add_account(client_id=CLIENT_ID, api_secret=SECRET, users=[OWNER])
    with EmulatorServer(emulator) as running:
        client = AsyncSalesManago(**SETTINGS, endpoint=running.url, max_retries=0)
        await client.contacts.has_contact("a@example.com")
        after_first = len(polled_sockets)  # the pool's pass as the answer is closed
        await client.contacts.has_contact("b@example.com")
        await client.aclose()
    assert after_first >= 1
    assert len(polled_sockets) > after_first  # and before the second call reuses it
    assert len({id(sock) for sock in polled_sockets}) == 1


async def test_socket_options_and_local_address_reach_the_polled_socket() -> None:
    """A transport's own connection settings still apply: the pool's backend opens the
    socket, with the options and local address given, and it is the socket polled."""
    server = OneAnswerServer()
    listener, url = await _tcp_listener()
    seen: list[tuple[int, str]] = []
    async with _serving(listener, server):
        transport = httpx.AsyncHTTPTransport(
            local_address="127.0.0.1",
            socket_options=[(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)],
        )
        client = AsyncSalesManago(**SETTINGS, endpoint=url, max_retries=0, transport=transport)
        backend = _backend(transport)
        assert isinstance(backend, PolledBackend)
        connect = backend.connect_tcp

        async def kept(*args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
            stream = await connect(*args, **kwargs)
            assert isinstance(stream, PolledStream)
            option = stream._socket.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE)
            seen.append((option, stream.get_extra_info("client_addr")[0]))
            return stream

        backend.connect_tcp = kept  # type: ignore[method-assign]
        assert await client.contacts.has_contact("a@example.com") is None
        await client.aclose()
    assert seen == [(1, "127.0.0.1")]
    assert server.connections == 1


async def test_a_unix_socket_transport_is_polled_straight() -> None:
    """``uds=``: the pool's backend connects the Unix socket; the stream is polled on
    it, and a server-closed connection is replaced as over TCP."""
    server = OneAnswerServer()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "s.sock")
        listener = await anyio.create_unix_listener(path)
        async with _serving(listener, server):
            transport = httpx.AsyncHTTPTransport(uds=path)
            client = AsyncSalesManago(
                **SETTINGS, endpoint="http://localhost", max_retries=0, transport=transport
            )
            assert isinstance(_backend(transport), PolledBackend)
            await _two_calls_across_a_server_close(client, server)
    assert server.connections == 2


async def test_a_forward_proxy_is_reached_through_the_wrapped_backend() -> None:
    """``proxy=``: httpcore's proxy pool opens its connection to the proxy with the
    wrapped backend; the request goes to the proxy in absolute form."""
    server = OneAnswerServer()
    listener, url = await _tcp_listener()
    async with _serving(listener, server):
        transport = httpx.AsyncHTTPTransport(proxy=url)
        assert isinstance(transport._pool, httpcore.AsyncHTTPProxy)
        client = AsyncSalesManago(
            **SETTINGS, endpoint="http://platform.test", max_retries=0, transport=transport
        )
        assert isinstance(_backend(transport), PolledBackend)
        assert await client.contacts.has_contact("a@example.com") is None
        await client.aclose()
    [head] = server.heads
    assert head.startswith(b"POST http://platform.test/api/contact/hasContact HTTP/1.1")


# --- TLS, other streams, trio ------------------------------------------------------------


class _Starting(httpcore.AsyncNetworkStream):
    """A stream whose start_tls hands over a given stream (the TLS one)."""

    def __init__(self, tls: httpcore.AsyncNetworkStream) -> None:
        self.tls = tls
        self.started: list[tuple[object, ...]] = []

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's signature
    ) -> httpcore.AsyncNetworkStream:
        self.started.append((ssl_context, server_hostname, timeout))
        return self.tls


async def test_start_tls_gives_a_tls_stream_polled_on_the_same_socket() -> None:
    """anyio's TLS stream reports the raw socket of the stream it wraps (the one
    httpcore's own TLS stream polls), so the wrapper's TLS stream polls the TCP socket;
    ``ssl_object`` and the rest are the TLS stream's. (A TLS stream made without a
    handshake: nothing is read or written through it.)"""
    listener, url = await _tcp_listener()
    async with _serving(listener, OneAnswerServer()):
        port = int(url.rsplit(":", 1)[1])
        plain = await anyio.connect_tcp("127.0.0.1", port)
        context = ssl.create_default_context()
        tls_object = context.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), server_hostname="t")
        tls = TLSStream(
            transport_stream=plain,
            standard_compatible=False,
            _ssl_object=tls_object,
            _read_bio=ssl.MemoryBIO(),
            _write_bio=ssl.MemoryBIO(),
        )
        inner_tls = AnyIOStream(tls)
        raw = plain.extra(anyio.abc.SocketAttribute.raw_socket)
        assert inner_tls.get_extra_info("socket") is raw
        starting = _Starting(inner_tls)
        stream = PolledStream(starting, raw)
        started = await stream.start_tls(context, "t", 5.0)
        assert starting.started == [(context, "t", 5.0)]
        assert isinstance(started, PolledStream)
        assert started._inner is inner_tls
        assert started._socket is raw
        assert started.get_extra_info("ssl_object") is tls_object
        assert started.get_extra_info("is_readable") is inner_tls.get_extra_info("is_readable")
        await plain.aclose()


async def test_streams_of_any_other_kind_are_handed_on_as_they_are() -> None:
    """A mock backend's stream, and an anyio stream of httpcore's that reports no socket
    (over memory here), are not wrapped: they answer for themselves."""
    mock = await PolledBackend(httpcore.AsyncMockBackend([RESPONSE])).connect_tcp("t", 80)
    assert type(mock) is httpcore.AsyncMockStream
    send, receive = anyio.create_memory_object_stream[bytes](1)
    memory = AnyIOStream(StapledObjectStream(send, receive))  # type: ignore[arg-type]
    assert memory.get_extra_info("socket") is None
    assert polled(memory) is memory
    send.close()
    receive.close()


def test_under_trio_the_streams_are_handed_on_as_they_are(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under trio httpcore opens trio streams, which poll their socket cheaply
    themselves: the backend is wrapped, the streams are not, and calls work."""
    pytest.importorskip("trio")
    handed: list[httpcore.AsyncNetworkStream] = []

    def kept(stream: httpcore.AsyncNetworkStream) -> httpcore.AsyncNetworkStream:
        handed.append(polled(stream))
        return handed[-1]

    monkeypatch.setattr(netstream, "polled", kept)
    server = OneAnswerServer()

    async def main() -> None:
        listener, url = await _tcp_listener()
        async with _serving(listener, server):
            client = AsyncSalesManago(**SETTINGS, endpoint=url, max_retries=0)
            assert isinstance(_client_backend(client), PolledBackend)
            await _two_calls_across_a_server_close(client, server)

    anyio.run(main, backend="trio")
    assert len(handed) == 2
    assert not any(isinstance(stream, PolledStream) for stream in handed)
    assert server.connections == 2
