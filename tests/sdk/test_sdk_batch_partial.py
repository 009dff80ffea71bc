"""Batches split into chunks, seen from the caller: item references in the platform's
texts name the caller's index, and a chunk that fails for good raises an error that
carries the results of the chunks applied before it (protocol §3.2 ``message`` and
``values``, §3.4 batch limits; semantics S7.2). Also: response validation paths name
the wire's keys (protocol §5.3). Every test runs on the sync and the async client."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timezone

import httpx
import pytest
import respx
from sdk_helpers import ENDPOINT, AnyClient, answers, call, envelope, failed, ok

from salesmanago import (
    AsyncSalesManago,
    BatchEventResult,
    BatchUpsertResult,
    ContactUpsert,
    ExternalEvent,
    ExternalEventType,
    InternalServerError,
    InvalidFieldError,
    RequestFailedError,
    ResponseValidationError,
)
from salesmanago._calls import renumber_item_refs

BATCH_UPSERT = "/api/contact/batchupsert"
BATCH_EVENTS = "/api/contact/batchAddContactExtEvent"
WHEN = datetime(2026, 1, 15, 10, 0, tzinfo=timezone.utc)


def _items(count: int) -> list[ContactUpsert]:
    return [ContactUpsert(email=f"c{i}@example.com") for i in range(count)]


def _emails(request: httpx.Request) -> list[str]:
    return [d["contact"]["email"] for d in json.loads(request.content)["upsertDetails"]]


def _apply_all(request: httpx.Request) -> httpx.Response:
    return envelope(ok(contactIds={e: f"id-{e}" for e in _emails(request)}))


# --- item references name the caller's index -------------------------------------------


async def test_batch_upsert_item_texts_name_the_callers_index(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """The platform numbers the items of each chunk from 0; the caller reads
    ``upsertDetails[<its own index>]`` in every item's texts (message and failures)."""

    def answer(request: httpx.Request) -> httpx.Response:
        emails = _emails(request)
        ids = {e: f"id-{e}" for e in emails[1:]}
        return envelope(
            failed(
                "Field 'upsertDetails[0].contact.email' must be a valid e-mail address",
                contactIds=ids,
                failures={"0": ["upsertDetails[0] refused; see upsertDetails[0].contact"]},
            )
        )

    platform.post(BATCH_UPSERT).mock(side_effect=answer)
    result = await call(client, "contacts.batch_upsert", _items(6), chunk_size=3)
    failed_items = [(i, item.errors) for i, item in enumerate(result.items) if not item.ok]
    assert failed_items == [
        (
            0,
            (
                "upsertDetails[0] refused; see upsertDetails[0].contact",
                "Field 'upsertDetails[0].contact.email' must be a valid e-mail address",
            ),
        ),
        (
            3,
            (
                "upsertDetails[3] refused; see upsertDetails[3].contact",
                "Field 'upsertDetails[3].contact.email' must be a valid e-mail address",
            ),
        ),
    ]


async def test_refused_chunk_error_names_the_callers_index(
    make_client: Callable[..., AnyClient], platform: respx.MockRouter
) -> None:
    """A chunk refused as a whole (no ids at all) raises; its messages and ``values``
    name the item by its index in the caller's list (here the 2nd chunk's item 1 = 5)."""
    client = make_client(max_retries=0)
    field = "upsertDetails[1].contact.email"
    platform.post(BATCH_UPSERT).mock(
        side_effect=answers(
            _apply_all,
            {
                "success": False,
                "message": [f"Field '{field}' must be a valid e-mail address"],
                "values": {"field": field, "count": 1},
            },
        )
    )
    with pytest.raises(InvalidFieldError) as info:
        await call(client, "contacts.batch_upsert", _items(6), chunk_size=4)
    assert info.value.messages == (
        "Field 'upsertDetails[5].contact.email' must be a valid e-mail address",
    )
    assert info.value.values == {"field": "upsertDetails[5].contact.email", "count": 1}
    assert "upsertDetails[5]" in str(info.value)
    # the raw body stays as the platform sent it
    assert isinstance(info.value.body, dict)
    assert info.value.body["values"]["field"] == field


async def test_refused_event_chunk_names_the_callers_index(
    make_client: Callable[..., AnyClient], platform: respx.MockRouter
) -> None:
    """Batch events (S7.2): ``events[i]`` in a refused chunk's texts is renumbered."""
    client = make_client(max_retries=0)
    platform.post(BATCH_EVENTS).mock(
        side_effect=answers(
            ok(createdAmount=2, failedAmount=0, failedContacts=[]),
            failed("Field 'events[0].contactEvent.date' is required"),
        )
    )
    event = ExternalEvent(date=WHEN, event_type=ExternalEventType.PURCHASE)
    items = [(f"c{i}@example.com", event) for i in range(3)]
    with pytest.raises(RequestFailedError) as info:
        await call(client, "events.add_batch", items, chunk_size=2)
    assert info.value.messages == ("Field 'events[2].contactEvent.date' is required",)


def test_renumber_item_refs_only_touches_the_list_key() -> None:
    """Only ``<key>[i]`` is renumbered; other lists' and longer names' indexes are not."""
    text = "upsertDetails[2].tags[0]; myupsertDetails[2]; events[2]; upsertDetails[10]"
    assert renumber_item_refs(text, "upsertDetails", range(400, 800)) == (
        "upsertDetails[402].tags[0]; myupsertDetails[2]; events[2]; upsertDetails[410]"
    )


# --- a failing chunk keeps the results of those applied -----------------------------


async def test_failed_chunk_carries_the_applied_chunks(
    make_client: Callable[..., AnyClient], platform: respx.MockRouter, mode: str
) -> None:
    """Chunk 2 of 12 fails for good: the error (its own class) carries the
    BatchUpsertResult of every chunk the platform applied, and says so; the chunks
    not yet started when it failed are never sent (more chunks than the async
    client's concurrency, so the async client stops early too)."""
    client = make_client(max_retries=0)
    applied: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        emails = _emails(request)
        if emails[0] == "c3@example.com":
            return httpx.Response(500, text="boom")
        applied.extend(emails)
        return _apply_all(request)

    route = platform.post(BATCH_UPSERT).mock(side_effect=answer)
    with pytest.raises(InternalServerError) as info:
        await call(client, "contacts.batch_upsert", _items(36), chunk_size=3)
    error = info.value
    assert isinstance(error.partial_results, BatchUpsertResult)
    got = [item.email for item in error.partial_results.items]
    assert sorted(got) == sorted(applied)
    assert got == sorted(got, key=lambda e: int(e[1:].split("@")[0]))  # input order
    assert all(item.ok for item in error.partial_results.items)
    assert error.total_requests == 12
    assert error.completed_requests == len(applied) // 3
    assert f"{error.completed_requests} of 12 requests" in str(error)
    assert "partial_results" in str(error)
    assert error.other_errors == ()  # one chunk failed: no other error to report
    assert "other_errors" not in str(error)
    if mode == "sync":
        assert applied == ["c0@example.com", "c1@example.com", "c2@example.com"]
        assert route.call_count == 2  # nothing is sent after the failure
    else:
        assert AsyncSalesManago.concurrency < 12  # else every chunk could be in flight
        assert route.call_count < 12  # the chunks not yet started are never sent


async def test_async_chunks_in_flight_are_awaited_not_cancelled(platform: respx.MockRouter) -> None:
    """Async: a failure stops new chunks but the ones already sent finish, so a write
    that landed is never missing from ``partial_results``."""
    import anyio

    release = anyio.Event()
    answered: list[str] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        emails = _emails(request)
        if emails[0] == "c0@example.com":
            await release.wait()  # in flight while chunk 1 fails
        if emails[0] == "c1@example.com":
            release.set()
            return httpx.Response(500)
        answered.extend(emails)
        return _apply_all(request)

    platform.post(BATCH_UPSERT).mock(side_effect=handler)
    client = AsyncSalesManago(
        client_id="c",
        api_secret="s",
        owner="owner@example.com",
        endpoint=ENDPOINT,
        max_retries=0,
    )
    with pytest.raises(InternalServerError) as info:
        await client.contacts.batch_upsert(_items(2), chunk_size=1)
    assert answered == ["c0@example.com"]
    assert [i.email for i in info.value.partial_results.items] == ["c0@example.com"]
    assert (info.value.completed_requests, info.value.total_requests) == (1, 2)
    await client.aclose()


async def test_async_chunks_failing_together_are_all_reported(platform: respx.MockRouter) -> None:
    """Async: chunks in flight that fail too are not lost: the error raised (the first
    failure) lists them in ``other_errors`` and says how many in its text."""
    import anyio

    both_sent = anyio.Event()
    seen: list[str] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(_emails(request)[0])
        if len(seen) == 2:
            both_sent.set()
        await both_sent.wait()  # both chunks in flight, then both fail
        return httpx.Response(503 if seen[0] == _emails(request)[0] else 500)

    platform.post(BATCH_UPSERT).mock(side_effect=handler)
    client = AsyncSalesManago(
        client_id="c",
        api_secret="s",
        owner="owner@example.com",
        endpoint=ENDPOINT,
        max_retries=0,
    )
    with pytest.raises(InternalServerError) as info:
        await client.contacts.batch_upsert(_items(2), chunk_size=1)
    error = info.value
    assert (error.completed_requests, error.total_requests) == (0, 2)
    (other,) = error.other_errors
    assert isinstance(other, InternalServerError)
    assert {error.status_code, other.status_code} == {500, 503}
    assert "1 more of its requests failed too: see the error's other_errors" in str(error)
    await client.aclose()


async def test_failed_event_chunk_carries_the_applied_events(
    make_client: Callable[..., AnyClient], platform: respx.MockRouter
) -> None:
    """Batch events: the error's partial_results is a BatchEventResult."""
    client = make_client(max_retries=0)
    platform.post(BATCH_EVENTS).mock(
        side_effect=answers(ok(createdAmount=2, failedAmount=0), httpx.Response(503))
    )
    event = ExternalEvent(date=WHEN, event_type=ExternalEventType.CART)
    items = [(f"c{i}@example.com", event) for i in range(4)]
    with pytest.raises(InternalServerError) as info:
        await call(client, "events.add_batch", items, chunk_size=2)
    partial = info.value.partial_results
    assert isinstance(partial, BatchEventResult)
    assert [i.contact for i in partial.items] == ["c0@example.com", "c1@example.com"]
    assert partial.created_amount == 2
    assert info.value.completed_requests == len(partial.items) // 2


async def test_lookup_chunks_carry_their_pages(
    make_client: Callable[..., AnyClient], platform: respx.MockRouter
) -> None:
    """Look-ups over 50 keys: the pages answered before the failure come as a list."""
    client = make_client(max_retries=0)
    platform.post("/api/contact/basic").mock(
        side_effect=answers(
            ok(contacts=[{"contactId": "id-0", "email": "k0@example.com"}]), httpx.Response(500)
        )
    )
    keys = [f"k{i}@example.com" for i in range(60)]
    with pytest.raises(InternalServerError) as info:
        await call(client, "contacts.basic", keys)
    (page,) = info.value.partial_results
    assert [c.email for c in page] == ["k0@example.com"]
    assert info.value.total_requests == 2


async def test_single_request_failure_has_no_partial_results(
    make_client: Callable[..., AnyClient], platform: respx.MockRouter
) -> None:
    """One chunk only: the error is the request's own, text unchanged."""
    client = make_client(max_retries=0)
    platform.post(BATCH_UPSERT).mock(return_value=envelope(failed("Request limit exceeded")))
    with pytest.raises(RequestFailedError) as info:
        await call(client, "contacts.batch_upsert", _items(2))
    assert info.value.partial_results is None
    assert info.value.total_requests == 0
    assert str(info.value) == "/api/contact/batchupsert: Request limit exceeded"


# --- response validation names wire keys ----------------------------------------------


async def test_response_validation_paths_name_wire_keys(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """A mistyped response value is reported at its wire key (camelCase)."""
    platform.post("/api/contact/basic").mock(
        return_value=envelope(
            ok(contacts=[{"contactId": "id-1", "email": "a@example.com", "optedOutPhone": "x"}])
        )
    )
    with pytest.raises(ResponseValidationError) as info:
        await call(client, "contacts.basic", ["a@example.com"])
    assert "response[0].optedOutPhone" in str(info.value)
    assert "opted_out_phone" not in str(info.value)
