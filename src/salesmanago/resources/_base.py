"""Base classes of the sync and async resources."""

from __future__ import annotations

from .._base_client import AsyncAPIClient, SyncAPIClient
from .._options import RequestOptions

__all__ = ["AsyncAPIResource", "SyncAPIResource"]


class SyncAPIResource:
    """A group of API methods bound to a blocking client."""

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client

    def _with(self, options: RequestOptions) -> SyncAPIClient:
        """The client one call sends through: with the call's ``options`` (timeout,
        extra headers) if it has any."""
        return self._client._scoped(options)


class AsyncAPIResource:
    """A group of API methods bound to an asynchronous client."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client

    def _with(self, options: RequestOptions) -> AsyncAPIClient:
        """The client one call sends through: with the call's ``options`` (timeout,
        extra headers) if it has any."""
        return self._client._scoped(options)
