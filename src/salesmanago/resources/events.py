"""External events: add, batch add, update, delete (protocol §5.5, §8.1; semantics S7).

The module-level ``*_call`` functions build every request and read every
answer; [`Events`][salesmanago.resources.events.Events] and
[`AsyncEvents`][salesmanago.resources.events.AsyncEvents] only send them.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

from .. import _converter
from .._bulk import (
    DEFAULT_RATE_RETRIES,
    Chunk,
    SyncKind,
    SyncRun,
    run_blocking,
    run_concurrently,
)
from .._calls import Call, Endpoint, Envelope, item_ref, renumber_item_refs
from .._options import RequestOptions, Unpack
from .._validation import (
    check_aware,
    check_count,
    check_length,
    check_model,
    check_money,
    check_positive,
)
from ..errors import ValidationError
from ..models.bulk import RowResult, RowStatus, SyncProgress, SyncReport, UnreadableRow
from ..models.events import (
    MAX_DETAILS,
    BatchEventItem,
    BatchEventResult,
    EventForContact,
    ExternalEvent,
)
from ._base import AsyncAPIResource, SyncAPIResource
from ._keys import contact_key

__all__ = ["AsyncEvents", "Events"]

# Adding an event is not idempotent: a repeat would add a second event (unless it
# carries an externalId, S7.4), so it is retried only when it certainly never left.
ADD: Final = Endpoint("/api/v2/contact/addContactExtEvent", idempotent=False)
BATCH_ADD: Final = Endpoint("/api/contact/batchAddContactExtEvent", idempotent=False)
UPDATE: Final = Endpoint("/api/v2/contact/updateContactExtEvent", idempotent=True)
DELETE: Final = Endpoint("/api/v2/contact/deleteContactExtEvent", idempotent=True)

#: The most events ``batchAddContactExtEvent`` takes in one request (protocol §3.4).
BATCH_MAX: Final = 1000

#: Field limits in characters (protocol §3.4; semantics S7.5).
MAX_DESCRIPTION: Final = 2048
MAX_PRODUCTS: Final = 512
MAX_FIELD: Final = 255


# request building ----------------------------------------------------------------


def event_body(event: ExternalEvent, prefix: str = "contactEvent") -> dict[str, Any]:
    """The wire ``contactEvent`` object, every limit checked first (S7.5)."""
    check_model(event, ExternalEvent, prefix)
    if event.date is None:
        raise ValidationError(f"{prefix}.date", "is required")
    check_aware(event.date, f"{prefix}.date")
    check_length(event.description, f"{prefix}.description", MAX_DESCRIPTION)
    check_length(event.products, f"{prefix}.products", MAX_PRODUCTS)
    check_length(event.location, f"{prefix}.location", MAX_FIELD)
    check_length(event.external_id, f"{prefix}.externalId", MAX_FIELD)
    check_length(event.shop_domain, f"{prefix}.shopDomain", MAX_FIELD)
    check_count(event.details, f"{prefix}.details", MAX_DETAILS)
    for number, detail in enumerate(event.details, start=1):
        if not isinstance(detail, str):
            raise ValidationError(f"{prefix}.detail{number}", "must be a string")
        check_length(detail, f"{prefix}.detail{number}", MAX_FIELD)
    check_money(event.value, f"{prefix}.value")
    body: dict[str, Any] = _converter.unstructure(event)
    body.pop("details", None)
    for number, detail in enumerate(event.details, start=1):
        body[f"detail{number}"] = detail
    return body


def _check_id(value: object, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(field, "must be a non-empty id")
    return value.strip()


def _event_id(envelope: Envelope) -> str:
    value = envelope.get("eventId")
    if not isinstance(value, str) or not value:
        raise TypeError("eventId: expected a non-empty string")
    return value


def add_call(
    event: ExternalEvent,
    email: str | None,
    contact_id: str | None,
    force_opt_in: bool | None,
) -> Call[str]:
    """Add one event to a contact, creating the contact when it does not exist (S7.6)."""
    body: dict[str, Any] = contact_key(email, contact_id)
    if force_opt_in is not None:
        body["forceOptIn"] = force_opt_in
    body["contactEvent"] = event_body(event)
    return Call(ADD, body, _event_id)


def update_call(event_id: str, event: ExternalEvent) -> Call[str]:
    """Replace the fields of the event ``event_id`` with those of ``event``."""
    body = {"eventId": _check_id(event_id, "contactEvent.eventId"), **event_body(event)}
    return Call(UPDATE, {"contactEvent": body}, _event_id)


def delete_call(event_id: str | None, external_id: str | None) -> Call[None]:
    """Delete an event by its id or by the caller's external id (exactly one)."""
    if (event_id is None) == (external_id is None):
        raise ValidationError("eventId", "give exactly one of event_id and external_id")
    if event_id is not None:
        body = {"eventId": _check_id(event_id, "eventId")}
    else:
        body = {"externalId": _check_id(external_id, "externalId")}
        check_length(body["externalId"], "externalId", MAX_FIELD)
    return Call(DELETE, body, lambda _: None)


BatchInput = tuple[str, ExternalEvent] | EventForContact


def _batch_item(item: BatchInput, index: int) -> tuple[str, dict[str, Any]]:
    """The key naming the item's contact and its wire object ``{email|contactId, contactEvent}``.

    In a ``(key, event)`` pair, a key holding ``@`` is an e-mail, any other a contact id.
    """
    prefix = f"events[{index}]."
    if isinstance(item, EventForContact):
        email, contact_id, event = item.email, item.contact_id, item.event
    elif isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
        key, event = item
        email, contact_id = (key, None) if "@" in key else (None, key)
    else:
        raise ValidationError(
            f"events[{index}]",
            "must be an EventForContact or an (e-mail or contact id, event) pair",
        )
    wire_key = contact_key(email, contact_id, prefix)
    body = {**wire_key, "contactEvent": event_body(event, f"{prefix}contactEvent")}
    return next(iter(wire_key.values())), body


def batch_calls(items: Sequence[BatchInput], chunk_size: int) -> list[Call[BatchEventResult]]:
    """Batch adds of at most ``chunk_size`` events each (1–1000 per request, §3.4).

    Each call's result covers its own items; `merge_batches` joins them.
    """
    if isinstance(items, (str, Mapping)):
        raise ValidationError("events", "must be a list of events for contacts")
    check_positive(chunk_size, "chunk_size")
    if chunk_size > BATCH_MAX:
        raise ValidationError("chunk_size", f"must be at most {BATCH_MAX} (got {chunk_size})")
    if not items:
        raise ValidationError("events", "must hold at least 1 item (got 0)")
    prepared = [_batch_item(item, index) for index, item in enumerate(items)]
    events = [item.event if isinstance(item, EventForContact) else item[1] for item in items]
    calls: list[Call[BatchEventResult]] = []
    for start in range(0, len(prepared), chunk_size):
        chunk = prepared[start : start + chunk_size]
        parse = functools.partial(
            _batch_result,
            keys=[key for key, _ in chunk],
            events=events[start : start + chunk_size],
        )
        calls.append(
            Call(
                BATCH_ADD,
                {"events": [body for _, body in chunk]},
                parse,
                partial_key="failedContacts",
                items_key="events",
                indexes=range(start, start + len(chunk)),
            )
        )
    return calls


def _batch_result(
    envelope: Envelope, *, keys: Sequence[str], events: Sequence[ExternalEvent]
) -> BatchEventResult:
    """Each item's outcome: failed when its contact is listed in ``failedContacts``."""
    raw = envelope.get("failedContacts") or []
    if not isinstance(raw, list):
        raise TypeError("failedContacts: expected a list")
    failed = {str(f).strip().lower() for f in raw}
    items = tuple(
        BatchEventItem(contact=key, event=event, ok=key.strip().lower() not in failed)
        for key, event in zip(keys, events, strict=True)
    )
    created = envelope.get("createdAmount")
    failed_amount = envelope.get("failedAmount")
    return BatchEventResult(
        items=items,
        created_amount=_amount(created, sum(i.ok for i in items), "createdAmount"),
        failed_amount=_amount(failed_amount, len(items) - sum(i.ok for i in items), "failedAmount"),
    )


def _amount(value: object, default: int, key: str) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)) or value != int(value):
        raise TypeError(f"{key}: expected an integer")
    return int(value)


def merge_batches(results: Sequence[BatchEventResult]) -> BatchEventResult:
    """One result for every chunk: items in input order, totals summed."""
    return BatchEventResult(
        items=tuple(item for r in results for item in r.items),
        created_amount=sum(r.created_amount for r in results),
        failed_amount=sum(r.failed_amount for r in results),
    )


# bulk sync (events.sync) ----------------------------------------------------------

PreparedEvent = tuple[str, dict[str, Any]]
_NAMED_FAILED: Final = "the platform listed the contact {key!r} in failedContacts"


def _prepare_sync_row(index: int, item: BatchInput) -> PreparedEvent:
    """One row of ``events.sync``, checked like a batch item (a refusal names it
    ``events[<index in the input>]``)."""
    return _batch_item(item, index)


def _sync_results(
    envelope: Envelope, *, keys: Sequence[str], indexes: Sequence[int]
) -> list[RowResult]:
    """One RowResult per event of a chunk.

    When the answer's ``message`` names items (``events[3]...``), exactly those are
    refused, with their texts; otherwise the answer names only contacts
    (``failedContacts``), and every item of a listed contact is refused.
    """
    raw = envelope.get("failedContacts") or []
    if not isinstance(raw, list):
        raise TypeError("failedContacts: expected a list")
    failed = {str(f).strip().lower() for f in raw}
    texts: dict[int, list[str]] = {}
    loose: list[str] = []  # texts naming no item
    for text in envelope.get("message") or []:
        if (match := item_ref("events").search(str(text))) is not None:
            caller = renumber_item_refs(str(text), "events", indexes)
            texts.setdefault(int(match.group(1)), []).append(caller)
        else:
            loose.append(str(text))
    # texts naming no item belong to the failed contact when there is only one
    fallback = [_NAMED_FAILED.format(key=key) for key in raw[:1]] + loose
    results = []
    for position, (key, index) in enumerate(zip(keys, indexes, strict=True)):
        named = texts.get(position)
        if named is None and not texts and key.strip().lower() in failed:
            named = fallback if len(failed) == 1 else [_NAMED_FAILED.format(key=key)]
        if named:
            results.append(RowResult(index=index, status=RowStatus.REFUSED, errors=tuple(named)))
        else:
            results.append(RowResult(index=index, status=RowStatus.APPLIED))
    return results


def _sync_call(chunk: Chunk[PreparedEvent]) -> Call[list[RowResult]]:
    """The ``batchAddContactExtEvent`` of one chunk of ``events.sync``."""
    read = functools.partial(
        _sync_results, keys=[key for key, _ in chunk.items], indexes=chunk.indexes
    )
    return Call(
        BATCH_ADD,
        {"events": [body for _, body in chunk.items]},
        read,
        partial_key="failedContacts",
        items_key="events",
        indexes=chunk.indexes,
    )


#: What ``events.sync`` needs to sync events by ``batchAddContactExtEvent``.
EVENT_SYNC: Final = SyncKind[BatchInput, PreparedEvent](
    "events", _prepare_sync_row, _sync_call, BATCH_MAX
)


# resources -----------------------------------------------------------------------


class Events(SyncAPIResource):
    """External events of contacts: purchases, carts, visits … (semantics S7)."""

    def add(
        self,
        event: ExternalEvent,
        *,
        email: str | None = None,
        contact_id: str | None = None,
        force_opt_in: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> str:
        """Add ``event`` to the contact named by ``email`` or ``contact_id``; returns the
        event's id. A missing contact is created (S7.6); an ``external_id`` the contact
        already has updates that event instead (S7.4). Not retried once it may have
        landed."""
        return self._with(options)._execute(add_call(event, email, contact_id, force_opt_in))

    def add_batch(
        self,
        items: Sequence[BatchInput],
        *,
        chunk_size: int = BATCH_MAX,
        **options: Unpack[RequestOptions],
    ) -> BatchEventResult:
        """Add many events, ``chunk_size`` (≤ 1000) per request. ``items`` are
        [`EventForContact`][salesmanago.models.events.EventForContact] or
        ``(e-mail or contact id, event)`` pairs; every item's outcome comes back in input order
        (S7.2). Not retried once it may have landed. A request that fails for good raises its error,
        whose ``partial_results`` is the BatchEventResult of the chunks applied before."""
        calls = batch_calls(items, chunk_size)
        return merge_batches(self._with(options)._execute_all(calls, merge_batches))

    def sync(
        self,
        rows: Iterable[BatchInput | UnreadableRow],
        *,
        chunk_size: int = BATCH_MAX,
        checkpoint: str | os.PathLike[str] | None = None,
        progress: Callable[[SyncProgress], None] | None = None,
        on_result: Callable[[RowResult], None] | None = None,
        keep_results: bool = True,
        max_rate_retries: int = DEFAULT_RATE_RETRIES,
        row_key: Callable[[Any], bytes] | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncReport:
        """Add every event of ``rows`` (any iterable of EventForContact or ``(e-mail or
        contact id, event)`` pairs, read lazily) by batch adds of ``chunk_size``, one
        request at a time, as ``contacts.sync`` upserts contacts: a result per row,
        progress, the back-off after 429 and the checkpoint alike. A chunk in flight
        when the run was killed may have landed unacknowledged and is sent again: give
        events an ``external_id`` so that a repeat updates the event instead of adding
        one (S7.4). See docs/bulk.md."""
        client = self._with(options)
        settings = (chunk_size, checkpoint, progress, on_result, keep_results, max_rate_retries)
        run = SyncRun(EVENT_SYNC, rows, 1, *settings, row_key)
        return run_blocking(run, client._execute, client._sleep)

    def update(self, event_id: str, event: ExternalEvent, **options: Unpack[RequestOptions]) -> str:
        """Replace the event ``event_id`` with ``event``'s fields; returns its id."""
        return self._with(options)._execute(update_call(event_id, event))

    def delete(
        self,
        event_id: str | None = None,
        *,
        external_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> None:
        """Delete an event by its id or by its external id."""
        self._with(options)._execute(delete_call(event_id, external_id))


class AsyncEvents(AsyncAPIResource):
    """External events of contacts: purchases, carts, visits … (semantics S7)."""

    async def add(
        self,
        event: ExternalEvent,
        *,
        email: str | None = None,
        contact_id: str | None = None,
        force_opt_in: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> str:
        """Add ``event`` to the contact named by ``email`` or ``contact_id``; returns the
        event's id. A missing contact is created (S7.6); an ``external_id`` the contact
        already has updates that event instead (S7.4). Not retried once it may have
        landed."""
        return await self._with(options)._execute(add_call(event, email, contact_id, force_opt_in))

    async def add_batch(
        self,
        items: Sequence[BatchInput],
        *,
        chunk_size: int = BATCH_MAX,
        **options: Unpack[RequestOptions],
    ) -> BatchEventResult:
        """Add many events, ``chunk_size`` (≤ 1000) per request, concurrently. ``items``
        are [`EventForContact`][salesmanago.models.events.EventForContact] or
        ``(e-mail or contact id, event)`` pairs; every item's outcome comes back in input order
        (S7.2). Not retried once it may have landed. A request that fails for good raises its error,
        whose ``partial_results`` is the BatchEventResult of the chunks applied before."""
        calls = batch_calls(items, chunk_size)
        return merge_batches(await self._with(options)._execute_all(calls, merge_batches))

    async def sync(
        self,
        rows: Iterable[BatchInput | UnreadableRow],
        *,
        chunk_size: int = BATCH_MAX,
        checkpoint: str | os.PathLike[str] | None = None,
        progress: Callable[[SyncProgress], None] | None = None,
        on_result: Callable[[RowResult], None] | None = None,
        keep_results: bool = True,
        max_rate_retries: int = DEFAULT_RATE_RETRIES,
        row_key: Callable[[Any], bytes] | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncReport:
        """Like [`Events.sync`][salesmanago.resources.events.Events.sync], with up to the client's
        ``max_concurrent_requests`` chunks in flight (fewer after a 429). See docs/bulk.md."""
        client = self._with(options)
        settings = (chunk_size, checkpoint, progress, on_result, keep_results, max_rate_retries)
        run = SyncRun(EVENT_SYNC, rows, client.max_concurrent_requests, *settings, row_key)
        return await run_concurrently(run, client._execute, client._sleep)

    async def update(
        self, event_id: str, event: ExternalEvent, **options: Unpack[RequestOptions]
    ) -> str:
        """Replace the event ``event_id`` with ``event``'s fields; returns its id."""
        return await self._with(options)._execute(update_call(event_id, event))

    async def delete(
        self,
        event_id: str | None = None,
        *,
        external_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> None:
        """Delete an event by its id or by its external id."""
        await self._with(options)._execute(delete_call(event_id, external_id))
