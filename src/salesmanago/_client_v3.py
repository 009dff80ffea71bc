"""The two API v3 clients: [`SalesManagoV3`][salesmanago.SalesManagoV3] (blocking) and
[`AsyncSalesManagoV3`][salesmanago.AsyncSalesManagoV3] (protocol §9; issue 12 wire §4).

API v3 is a separate service (``https://api.salesmanago.com``, paths ``/v3/...``)
authenticated by an API key in the ``API-KEY`` header. Its clients share the
legacy clients' retries, status errors and I/O; only the wire differs
(`V3Wire`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

import httpx

from ._base_client import (
    DEFAULT_MAX_CONCURRENT_REQUESTS,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    V3_SERVERS,
    AsyncAPIClient,
    AsyncSleep,
    SyncAPIClient,
    normalize_endpoint,
    resolve_setting,
)
from ._wire import V3Wire
from .errors import ConfigurationError
from .resources.catalogs import AsyncCatalogs, AsyncProducts, Catalogs, Products

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["DEFAULT_V3_ENDPOINT", "AsyncSalesManagoV3", "SalesManagoV3"]

#: API v3's server (protocol §9).
DEFAULT_V3_ENDPOINT: Final = "https://api.salesmanago.com"
_KEY_VARIABLE: Final = "SALESMANAGO_V3_API_KEY"
_ENDPOINT_VARIABLE: Final = "SALESMANAGO_V3_ENDPOINT"


def _v3_identity(
    original: V3Wire | None, api_key: str | None, endpoint: str | None
) -> tuple[str, str]:
    """The client's key and base URL: a ``with_options`` clone's are its original's;
    any other client's come from the arguments or ``SALESMANAGO_V3_*``."""
    if original is not None:
        return original._api_key, original.base_url
    key = resolve_setting("api_key", api_key, variable=_KEY_VARIABLE)
    if key is None or not key.strip() or not key.isprintable():  # never shown: it is secret
        raise ConfigurationError("api_key must be a non-empty API v3 key of printable characters")
    configured = resolve_setting("endpoint", endpoint, variable=_ENDPOINT_VARIABLE, required=False)
    return key.strip(), normalize_endpoint(configured or DEFAULT_V3_ENDPOINT, V3_SERVERS)


class SalesManagoV3(V3Wire, SyncAPIClient):
    """A blocking client for SALESmanago API v3: product catalogs and products.

    Every argument is keyword-only. ``api_key`` and ``endpoint`` fall back to
    ``SALESMANAGO_V3_API_KEY`` and ``SALESMANAGO_V3_ENDPOINT``; a key missing from
    both raises [`ConfigurationError`][salesmanago.errors.ConfigurationError].

    Args:
        api_key: an API v3 key (Integration Center → API → API v3); sent in the
            ``API-KEY`` header, never printed.
        endpoint: ``api.salesmanago.com`` or any ``http(s)://`` URL (e.g. an
            emulator). Default ``https://api.salesmanago.com``.
        timeout: seconds per HTTP attempt (default 30), or an ``httpx.Timeout``
            used as is.
        default_headers: headers sent with every request, as for ``SalesManago``;
            ``API-KEY`` is set by ``api_key`` only.
        max_retries: retries after a retryable failure (default 2).
        http_client: an ``httpx.Client`` to send with; the caller keeps ownership.
        transport: an ``httpx`` transport for the client's own ``httpx.Client``.
            Not with ``http_client``.
        sleep: how to wait between retries (tests inject a recorder).
    """

    catalogs: Catalogs
    products: Products

    def __init__(
        self,
        *,
        api_key: str | None = None,
        endpoint: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        default_headers: Mapping[str, str] | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.Client | None = None,
        sleep: Callable[[float], None] | None = None,
        transport: httpx.BaseTransport | None = None,
        _original: SalesManagoV3 | None = None,
    ) -> None:
        self._api_key, base_url = _v3_identity(_original, api_key, endpoint)
        super().__init__(
            base_url=base_url,
            timeout=timeout,
            default_headers=default_headers,
            max_retries=max_retries,
            http_client=http_client,
            sleep=sleep,
            transport=transport,
            original=_original,
        )
        self.catalogs = Catalogs(self)
        self.products = Products(self)

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
    ) -> SalesManagoV3:
        """A client like this one with the settings given changed; it keeps the key,
        endpoint and ``sleep`` and sends through this client's pool (see
        [`SalesManago.with_options`][salesmanago.SalesManago.with_options])."""
        return type(self)(**self._clone_settings(timeout, max_retries, default_headers))


class AsyncSalesManagoV3(V3Wire, AsyncAPIClient):
    """An asynchronous client for SALESmanago API v3 (see
    [`SalesManagoV3`][salesmanago.SalesManagoV3]).

    ``http_client`` is an ``httpx.AsyncClient``, ``transport`` an
    ``httpx.AsyncBaseTransport``, ``sleep`` an async callable; at most
    ``max_concurrent_requests`` requests are in flight at once, and a product upsert
    of many chunks sends [`concurrency`][salesmanago.AsyncSalesManagoV3.concurrency] at a time.
    """

    catalogs: AsyncCatalogs
    products: AsyncProducts

    def __init__(
        self,
        *,
        api_key: str | None = None,
        endpoint: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        default_headers: Mapping[str, str] | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.AsyncClient | None = None,
        sleep: AsyncSleep | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        _original: AsyncSalesManagoV3 | None = None,
        max_concurrent_requests: int = DEFAULT_MAX_CONCURRENT_REQUESTS,
    ) -> None:
        self._api_key, base_url = _v3_identity(_original, api_key, endpoint)
        super().__init__(
            base_url=base_url,
            timeout=timeout,
            default_headers=default_headers,
            max_retries=max_retries,
            http_client=http_client,
            sleep=sleep,
            max_concurrent_requests=max_concurrent_requests,
            transport=transport,
            original=_original,
        )
        self.catalogs = AsyncCatalogs(self)
        self.products = AsyncProducts(self)

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
    ) -> AsyncSalesManagoV3:
        """A client like this one with the settings given changed (see
        [`SalesManagoV3.with_options`][salesmanago.SalesManagoV3.with_options]); it also shares this
        client's ``max_concurrent_requests`` limit and keeps its
        [`concurrency`][salesmanago.AsyncSalesManagoV3.concurrency]."""
        return type(self)(**self._clone_settings(timeout, max_retries, default_headers))
