"""An ``httpx`` transport over ``aiohttp``, for [`AsyncSalesManago`][salesmanago.AsyncSalesManago]
(the ``aiohttp`` extra: ``pip install 'salesmanago-py[aiohttp]'``).

```python
from salesmanago import AsyncSalesManago
from salesmanago.aiohttp_transport import AiohttpTransport

client = AsyncSalesManago(transport=AiohttpTransport(), client_id=..., api_secret=..., owner=...)
```

Why: with many tasks on one client, ``httpx``'s own async connection pool
(``httpcore``) spends far more CPU per request than the blocking client does (its
bookkeeping grows with connections x waiting requests, and every socket operation
passes through ``anyio``'s cancel scopes); ``aiohttp``'s pool does not. On bare
loopback this transport brings the async client's CPU per call down to the blocking
client's (``python -m bench --only load_async_bare``, see the benchmarks page).

The client works the same either way: requests are built and answers read by
``httpx`` (the transport only moves bytes), and every failure is raised as the
``httpx`` error the default transport raises for it, so retries and
[`may_have_landed`][salesmanago.errors.RequestFailedError.may_have_landed] are decided
alike. It runs on ``asyncio`` only (``aiohttp`` has no trio support) and reads each
answer whole before handing it over (the SDK reads every answer whole).
"""

from __future__ import annotations

import asyncio
import ssl

import aiohttp
import httpx

__all__ = ["AiohttpTransport"]


def _failure(exc: BaseException, request: httpx.Request) -> httpx.TransportError:
    """The ``httpx`` error the default transport raises for what ``exc`` says happened.

    Only a failure to connect says the request was never sent (``ConnectError``,
    ``ConnectTimeout``); a connection lost or timed out after that is a read error,
    after which the request may have landed.
    """
    text = str(exc) or type(exc).__name__
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return httpx.ConnectTimeout(text, request=request)
    if isinstance(exc, aiohttp.ClientConnectorError):  # DNS, refused, unreachable
        return httpx.ConnectError(text, request=request)
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return httpx.RemoteProtocolError(text, request=request)
    if isinstance(exc, (aiohttp.ServerTimeoutError, asyncio.TimeoutError)):
        return httpx.ReadTimeout(text, request=request)
    if isinstance(exc, aiohttp.InvalidURL):
        return httpx.UnsupportedProtocol(text, request=request)
    return httpx.ReadError(text, request=request)


class AiohttpTransport(httpx.AsyncBaseTransport):
    """Send an ``httpx.AsyncClient``'s requests with one ``aiohttp.ClientSession``.

    Args:
        max_connections: the most connections open at once (``aiohttp``'s
            ``limit``); the client's ``max_concurrent_requests`` usually keeps it
            lower.
        keepalive_expiry: seconds an idle connection is kept for reuse.
        verify: ``False`` to skip TLS certificate checks, or an ``ssl.SSLContext``.

    The session is opened on the first request (inside the running event loop) and
    closed by ``aclose`` (the client's ``close``). Like any transport given to
    ``httpx``, it reads no proxy settings from the environment.
    """

    def __init__(
        self,
        *,
        max_connections: int = 100,
        keepalive_expiry: float = 5.0,
        verify: bool | ssl.SSLContext = True,
    ) -> None:
        self._limit = max_connections
        self._keepalive = keepalive_expiry
        self._ssl: bool | ssl.SSLContext = verify
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(
            limit=self._limit, keepalive_timeout=self._keepalive, ssl=self._ssl
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            auto_decompress=False,  # httpx decodes the body by its Content-Encoding
            skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding"),
        )
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` and read its answer whole (``httpx`` calls this)."""
        session = self._session if self._session is not None else self._open()
        timeout = request.extensions.get("timeout", {})
        content = await request.aread()
        try:
            async with session.request(
                request.method,
                str(request.url),
                headers=request.headers.multi_items(),
                data=content or None,
                allow_redirects=False,
                timeout=aiohttp.ClientTimeout(
                    total=None,
                    connect=timeout.get("pool"),
                    sock_connect=timeout.get("connect"),
                    sock_read=timeout.get("read"),
                ),
            ) as answer:
                body = await answer.read()
                return httpx.Response(
                    answer.status,
                    headers=answer.raw_headers,
                    stream=httpx.ByteStream(body),
                    request=request,
                    extensions={"http_version": b"HTTP/1.1"},
                )
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise _failure(exc, request) from exc

    async def aclose(self) -> None:
        """Close the session and its connections."""
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()
