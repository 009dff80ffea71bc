"""Base classes of the sync and async resources."""

from __future__ import annotations

from .._base_client import AsyncAPIClient, SyncAPIClient

__all__ = ["AsyncAPIResource", "SyncAPIResource"]


class SyncAPIResource:
    """A group of API methods bound to a blocking client."""

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client


class AsyncAPIResource:
    """A group of API methods bound to an asynchronous client."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client
