"""API calls described without I/O.

A resource method builds a :class:`Call` (which endpoint, which body fields,
how to read the answer) and hands it to its client, which sends it. The sync
and async resources therefore share every byte of request building and
response parsing: only ``client.execute`` differs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

import attrs

__all__ = ["Call", "Endpoint", "Page", "chunked"]

T = TypeVar("T")
Envelope = Mapping[str, Any]


@attrs.frozen
class Endpoint:
    """One API method of the legacy API.

    Attributes:
        path: the path below the account's endpoint, e.g. ``/api/contact/upsert``.
        idempotent: whether sending the same request twice leaves the same state.
            Writes that are not (insert, adding an event, a note ...) are retried
            only when the request certainly never reached the platform.
        send_owner: whether the body carries the client's ``owner``.
    """

    path: str
    idempotent: bool
    send_owner: bool = True


@attrs.frozen
class Call(Generic[T]):
    """One request to send and the way to read its answer.

    Attributes:
        endpoint: the API method.
        body: the method's fields (the client adds the auth fields and ``owner``).
        parse: turns the success envelope into the method's result.
        partial_key: for batch methods: a ``success: false`` envelope that still
            carries this key reports a partial success (some items applied), and is
            parsed like a success so that every item's outcome reaches the caller.
    """

    endpoint: Endpoint
    body: Mapping[str, object]
    parse: Callable[[Envelope], T]
    partial_key: str | None = None


@attrs.frozen
class Page(Generic[T]):
    """One page of an auto-paginating listing and the call for the next one."""

    items: Sequence[T]
    next: Call[Page[T]] | None


def chunked(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """Split ``items`` into consecutive slices of at most ``size`` (none for no items)."""
    return [items[i : i + size] for i in range(0, len(items), size)]
