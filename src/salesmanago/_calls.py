"""API calls described without I/O.

A resource method builds a `Call` (which endpoint, which body fields,
how to read the answer) and hands it to its client, which sends it. The sync
and async resources therefore share every byte of request building and
response parsing: only ``client._execute`` differs.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Generic, TypeVar

import attrs

__all__ = [
    "Call",
    "Endpoint",
    "LazyBody",
    "Page",
    "chunked",
    "item_ref",
    "renumber_item_refs",
]

T = TypeVar("T")
Envelope = Mapping[str, Any]


@attrs.frozen
class Endpoint:
    """One API method: a path and how to send it.

    Attributes:
        path: the path below the account's endpoint, e.g. ``/api/contact/upsert``.
        idempotent: whether sending the same request twice leaves the same state.
            Writes that are not (insert, adding an event, a note ...) are retried
            only when the request certainly never reached the platform.
        send_owner: whether the body carries the client's ``owner``.
        signed: whether the body carries the auth fields (``clientId``, ``apiKey``,
            ``requestTime``, ``sha``); the login chain's calls do not (protocol §2.3).
        nested: the body's keys of requests nested in it that carry their own
            ``clientId`` and ``owner`` (``integration/upsert``'s two parts).
        method: the HTTP method: ``POST`` for every legacy call; API v3 reads
            with ``GET`` (protocol §9).
        send_user: whether the body also carries the client's owner as ``user`` (the
            e-mail, SMS and statistics methods name the sender so, protocol §13.4).
    """

    path: str
    idempotent: bool
    send_owner: bool = True
    signed: bool = True
    nested: tuple[str, ...] = ()
    method: str = "POST"
    send_user: bool = False


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
        items_key: for one chunk of a batch: the wire key of the item list
            (``upsertDetails``, ``events``).
        indexes: for one chunk of a batch: the caller's index of each item sent, by
            position (``range(400, 800)`` for the second chunk of 400; any list when
            items the SDK refused were left out). The platform numbers the chunk's
            items from 0; the texts shown to the caller are renumbered
            (`caller_text`).
        repeatable: ``False`` when this request, unlike its method in general,
            must not be sent twice (an upsert that moves a card with ``newEmail``
            or adds tag scoring): it is then retried like a non-idempotent write.
        files: file parts ``(part name, file name, content, content type)``: the
            request is then sent as ``multipart/form-data``, the JSON body in a part
            named ``data`` (``email/sendWithAttachment``, protocol §1).
    """

    endpoint: Endpoint
    body: Mapping[str, object]
    parse: Callable[[Envelope], T]
    partial_key: str | None = None
    items_key: str | None = None
    indexes: Sequence[int] | None = None
    repeatable: bool = True
    files: tuple[tuple[str, str, bytes, str], ...] = attrs.field(default=(), repr=False)

    @property
    def idempotent(self) -> bool:
        """Whether sending this request twice leaves the same state and answer."""
        return self.endpoint.idempotent and self.repeatable

    def caller_text(self, text: str) -> str:
        """``text`` with the chunk's item references (``upsertDetails[3]``) renumbered
        to the caller's list (``upsertDetails[403]`` for a chunk starting at 400)."""
        if self.items_key is None or self.indexes is None:
            return text
        return renumber_item_refs(text, self.items_key, self.indexes)


class LazyBody(Mapping[str, object]):
    """A request body whose values are built when the request is sent.

    ``fields`` maps each wire key to a function building its value. A batch's
    chunks are then built one at a time, as each is sent, and none is kept: a
    retry builds its chunk again (the same JSON), and a batch of 100 000 items
    holds only the chunk in flight.
    """

    __slots__ = ("_fields",)

    def __init__(self, fields: Mapping[str, Callable[[], object]]) -> None:
        self._fields = fields

    def __getitem__(self, key: str) -> object:
        return self._fields[key]()

    def __iter__(self) -> Iterator[str]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def __repr__(self) -> str:
        return f"LazyBody({sorted(self._fields)})"


@attrs.frozen
class Page(Generic[T]):
    """One page of an auto-paginating listing and the call for the next one."""

    items: Sequence[T]
    next: Call[Page[T]] | None


@functools.cache
def item_ref(key: str) -> re.Pattern[str]:
    """``key[i]`` as a whole name (not ``mykey[i]``, not ``other.key[i]``)."""
    return re.compile(rf"(?<![\w.]){re.escape(key)}\[(\d+)\]")


def renumber_item_refs(text: str, key: str, indexes: Sequence[int]) -> str:
    """Replace every ``key[i]`` reference of ``text`` by ``key[indexes[i]]`` (an
    ``i`` past the end of ``indexes`` is left as it is)."""

    def caller_ref(match: re.Match[str]) -> str:
        position = int(match.group(1))
        if position >= len(indexes):
            return match.group(0)
        return f"{key}[{indexes[position]}]"

    return item_ref(key).sub(caller_ref, text)


def chunked(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """Split ``items`` into consecutive slices of at most ``size`` (none for no items)."""
    return [items[i : i + size] for i in range(0, len(items), size)]
