"""Operations that take more than one request: list and basic look-ups over 50 keys
(protocol §3.4), batch upserts in chunks with per-item outcomes, and the paged
``paginatedModifiedContacts`` and ``paginatedListById`` listings, on both clients."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime, timezone

import httpx
import pytest
import respx
from sdk_helpers import AnyClient, answers, bodies, call, envelope, failed, ok

from salesmanago import (
    BatchUpsertItem,
    ContactChange,
    ContactUpsert,
    InternalServerError,
    RequestFailedError,
    ResponseValidationError,
    ValidationError,
)
from salesmanago.resources.contacts import BATCH_UPSERT_CHUNK, FIRST_PAGE, LIST_LIMIT

T0 = datetime(2024, 5, 1, tzinfo=timezone.utc)
T1 = datetime(2024, 5, 2, tzinfo=timezone.utc)

#: method, path, key field sent, id field answered (protocol §5.3), keys are e-mails
LOOKUPS = [
    ("contacts.list", "/api/contact/list", "email", "id", True),
    ("contacts.list_by_id", "/api/contact/listById", "contactId", "id", False),
    ("contacts.basic", "/api/contact/basic", "email", "contactId", True),
    ("contacts.basic_by_id", "/api/contact/basicById", "id", "contactId", False),
]


def _key(i: int, emails: bool) -> str:
    return f"user{i}@example.com" if emails else f"id-{i:03d}"


def _lookup_answer(
    sent_field: str, id_field: str, emails: bool
) -> Callable[[httpx.Request], httpx.Response]:
    """Answer every known key (all but multiples of 7), newest first, as the platform
    stores it (e-mails in lower case)."""

    def answer(request: httpx.Request) -> httpx.Response:
        keys = json.loads(request.content)[sent_field]
        contacts = []
        for key in reversed(keys):
            number = int(re.sub(r"\D", "", key))
            if number % 7 == 0:
                continue
            email = key.lower() if emails else f"user{number}@example.com"
            contact_id = f"id-{number:03d}"
            contacts.append({id_field: contact_id, "email": email})
        return envelope(ok(contacts=contacts))

    return answer


@pytest.mark.parametrize(
    ("method", "path", "sent", "answered", "emails"), LOOKUPS, ids=[m for m, *_ in LOOKUPS]
)
async def test_lookup_of_120_keys_takes_three_requests_merged_in_order(
    client: AnyClient,
    platform: respx.MockRouter,
    method: str,
    path: str,
    sent: str,
    answered: str,
    emails: bool,
) -> None:
    """120 keys -> requests of 50, 50 and 20 consecutive keys; the answers (in
    another order, unknown keys left out) are merged back in input order. E-mails
    match case-insensitively (S2.1)."""
    keys = [_key(i, emails) for i in range(1, 121)]
    if emails:
        keys = [k.upper() if i % 2 else k for i, k in enumerate(keys)]
    route = platform.post(path).mock(side_effect=_lookup_answer(sent, answered, emails))

    result = await call(client, method, keys)

    sent_keys = sorted((b[sent] for b in bodies(route.calls)), key=len, reverse=True)
    assert [len(k) for k in sent_keys] == [LIST_LIMIT, LIST_LIMIT, 20]
    assert sorted(k for chunk in sent_keys for k in chunk) == sorted(keys)
    assert {tuple(chunk) for chunk in sent_keys} == {
        tuple(keys[0:50]),
        tuple(keys[50:100]),
        tuple(keys[100:120]),
    }
    expected = [i for i in range(1, 121) if i % 7]
    assert [c.contact_id for c in result] == [f"id-{i:03d}" for i in expected]
    assert platform.calls.call_count == 3


async def test_lookup_repeats_a_key_only_once(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """A key asked twice (in any case) is returned once, at its first position."""
    platform.post("/api/contact/list").mock(side_effect=_lookup_answer("email", "id", True))
    keys = ["user2@example.com", "user3@example.com", "USER2@example.com"]
    result = await call(client, "contacts.list", keys)
    assert [c.email for c in result] == ["user2@example.com", "user3@example.com"]


async def test_empty_lookup_sends_nothing(client: AnyClient, platform: respx.MockRouter) -> None:
    """No keys, no request."""
    assert await call(client, "contacts.list", []) == []
    assert not platform.calls


# batch upsert -------------------------------------------------------------------------


def _batch_answer(request: httpx.Request) -> httpx.Response:
    """Ids for every item of the request but the failures scripted per chunk:
    chunk 2 (items 400-799) fails local index 5 via ``failures`` and local index 7
    via a ``message`` text; chunk 3 (800-949) fails one item keyed by its e-mail and
    omits another without saying why."""
    details = json.loads(request.content)["upsertDetails"]
    emails = [d["contact"]["email"] for d in details]
    first = int(re.sub(r"\D", "", emails[0]))
    ids = {e: f"id-{re.sub(r'[^0-9]', '', e)}" for e in emails}
    if first == 400:
        del ids[emails[5]], ids[emails[7]]
        return envelope(
            ok(
                contactIds=ids,
                failures={"5": ["Field 'phone' is too long"]},
                message=["upsertDetails[7].contact.email: Invalid email address"],
            )
        )
    if first == 800:
        del ids[emails[10]], ids[emails[20]]
        return envelope(ok(contactIds=ids, failures={emails[10]: "Contact is blacklisted"}))
    return envelope(ok(contactIds=ids))


async def test_batch_upsert_of_950_in_default_chunks_maps_results_to_inputs(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """950 items with the default chunk (400, the official plugin's package) ->
    requests of 400, 400 and 150; every item's outcome comes back in input order,
    failures keyed by index, by e-mail or named in ``message`` included."""
    items = [ContactUpsert(email=f"c{i}@example.com") for i in range(950)]
    platform.post("/api/contact/batchupsert").mock(side_effect=_batch_answer)

    result = await call(client, "contacts.batch_upsert", items)

    sizes = sorted((len(b["upsertDetails"]) for b in bodies(platform.calls)), reverse=True)
    assert BATCH_UPSERT_CHUNK == 400
    assert sizes == [400, 400, 150]
    assert [i.email for i in result.items] == [item.email for item in items]
    failed_at = {index for index, item in enumerate(result.items) if not item.ok}
    assert failed_at == {405, 407, 810, 820}
    assert result.items[405].errors == ("Field 'phone' is too long",)
    # the platform numbered the item 7 of its chunk; the caller reads its own index
    assert result.items[407].errors == ("upsertDetails[407].contact.email: Invalid email address",)
    assert result.items[810].errors == ("Contact is blacklisted",)
    assert result.items[820].errors == ("the platform returned no contact id for this item",)
    assert result.items[0] == BatchUpsertItem(email="c0@example.com", contact_id="id-0")
    assert result.items[949].contact_id == "id-949"
    assert len(result.contact_ids) == 946
    assert [i.email for i in result.failed] == [
        "c405@example.com",
        "c407@example.com",
        "c810@example.com",
        "c820@example.com",
    ]


async def test_batch_upsert_partial_success_false_is_reported_per_item(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """``success: false`` that still carries ``contactIds`` is a partial success:
    applied items keep their ids, the others carry the platform's texts."""
    platform.post("/api/contact/batchupsert").mock(
        return_value=envelope(
            failed(
                "upsertDetails[1].contact.email: Contact is blacklisted",
                contactIds={"A@example.com": "id-a"},
            )
        )
    )
    result = await call(
        client,
        "contacts.batch_upsert",
        [ContactUpsert(email="a@example.com"), ContactUpsert(email="b@example.com")],
    )
    assert result.items == (
        BatchUpsertItem(email="a@example.com", contact_id="id-a"),
        BatchUpsertItem(
            email="b@example.com",
            errors=("upsertDetails[1].contact.email: Contact is blacklisted",),
        ),
    )


async def test_batch_upsert_total_failure_is_raised(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """``success: false`` with no ids at all is an error, not a result of failures."""
    platform.post("/api/contact/batchupsert").mock(
        return_value=envelope(failed("Not authenticated"))
    )
    with pytest.raises(RequestFailedError):
        await call(client, "contacts.batch_upsert", [ContactUpsert(email="a@example.com")])


async def test_batch_upsert_failing_chunk_is_raised(
    make_client: Callable[..., AnyClient], platform: respx.MockRouter
) -> None:
    """A chunk whose request fails for good raises (the chunks before it are in the
    error's ``partial_results``: tests/sdk/test_sdk_batch_partial.py)."""
    client = make_client(max_retries=0)
    platform.post("/api/contact/batchupsert").mock(
        side_effect=answers(_batch_answer, *[httpx.Response(500)] * 3)
    )
    items = [ContactUpsert(email=f"c{i}@example.com") for i in range(10)]
    with pytest.raises(InternalServerError):
        await call(client, "contacts.batch_upsert", items, chunk_size=3)


async def test_batch_upsert_custom_chunk_size(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """``chunk_size`` sets the items per request (here 1000, the largest allowed)."""
    platform.post("/api/contact/batchupsert").mock(side_effect=_batch_answer)
    items = [ContactUpsert(email=f"c{i}@example.com") for i in range(1001)]
    result = await call(client, "contacts.batch_upsert", items, chunk_size=1000)
    assert sorted(len(b["upsertDetails"]) for b in bodies(platform.calls)) == [1, 1000]
    assert len(result.items) == 1001


# pages --------------------------------------------------------------------------------


def _page_answer(total: int, size: int) -> Callable[[httpx.Request], httpx.Response]:
    def answer(request: httpx.Request) -> httpx.Response:
        page = json.loads(request.content)["page"] - FIRST_PAGE
        numbers = range(page * size, min((page + 1) * size, total))
        changes = [{"id": f"id-{n}", "email": f"c{n}@example.com"} for n in numbers]
        return envelope(ok(modifiedContacts=changes, hasMore=(page + 1) * size < total))

    return answer


async def test_iter_modified_pages_until_has_more_is_false(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """Pages FIRST_PAGE, FIRST_PAGE+1 ... are asked with the same range and size until
    ``hasMore`` is false; the items come in order."""
    path = "/api/contact/paginatedModifiedContacts"
    route = platform.post(path).mock(side_effect=_page_answer(total=5, size=2))

    changes = await call(client, "contacts.iter_modified", T0, T1, page_size=2)

    assert changes == [
        ContactChange(contact_id=f"id-{n}", email=f"c{n}@example.com") for n in range(5)
    ]
    pages = bodies(route.calls)
    assert [b["page"] for b in pages] == [FIRST_PAGE, FIRST_PAGE + 1, FIRST_PAGE + 2]
    assert {(b["from"], b["to"], b["size"]) for b in pages} == {(1714521600000, 1714608000000, 2)}


async def test_iter_modified_stops_on_an_empty_page(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """An empty page ends the listing even if it claims more (no endless loop)."""
    route = platform.post("/api/contact/paginatedModifiedContacts").mock(
        side_effect=answers(
            ok(modifiedContacts=[{"id": "a", "email": "a@example.com"}], hasMore=True),
            ok(modifiedContacts=[], hasMore=True),
        )
    )
    assert len(await call(client, "contacts.iter_modified", T0, T1)) == 1
    assert route.call_count == 2


def test_iter_modified_is_lazy(platform: respx.MockRouter, client: AnyClient) -> None:
    """Nothing is sent until the first item is asked for."""
    platform.post("/api/contact/paginatedModifiedContacts").mock(
        return_value=envelope(ok(modifiedContacts=[], hasMore=False))
    )
    iterator = client.contacts.iter_modified(T0, T1)
    assert not platform.calls
    del iterator


# paginatedListById (issue 12 wire §2) -----------------------------------------------

LIST_PAGES = "/api/contact/paginatedListById"


def _full(n: int) -> dict[str, object]:
    return {"id": f"id-{n}", "email": f"c{n}@example.com", "contactTags": [], "createdOn": n}


async def test_iter_all_pages_the_owners_contacts_until_has_more_is_false(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """Pages 0, 1, 2 of ``size`` are asked in turn until ``hasMore`` is false; every
    contact comes once, in order, with its full data; an empty page claiming more
    ends the listing too."""
    route = platform.post(LIST_PAGES).mock(
        side_effect=answers(
            ok(contacts=[_full(0), _full(1)], hasMore=True),
            ok(contacts=[_full(2), _full(3)], hasMore=True),
            ok(contacts=[_full(4)], hasMore=False),
        )
    )
    contacts = await call(client, "contacts.iter_all", page_size=2)
    assert [c.contact_id for c in contacts] == [f"id-{n}" for n in range(5)]
    assert contacts[4].created_on == datetime(1970, 1, 1, 0, 0, 0, 4000, tzinfo=timezone.utc)
    assert bodies(route.calls) == [{"page": p, "size": 2} for p in (0, 1, 2)]

    platform.post(LIST_PAGES).mock(
        side_effect=answers(ok(contacts=[_full(0)], hasMore=True), ok(contacts=[], hasMore=True))
    )
    assert len(await call(client, "contacts.iter_all")) == 1


@pytest.mark.parametrize(
    ("page", "size", "field"),
    [(-1, 10, "page"), (0, 0, "size"), (0, 1001, "size"), (True, 10, "page"), (0, 2.5, "size")],
)
async def test_list_page_arguments_are_checked_before_sending(
    client: AnyClient, platform: respx.MockRouter, page: object, size: object, field: str
) -> None:
    """A page from 0, a size of 1..1000 (integers): else ValidationError, nothing sent."""
    with pytest.raises(ValidationError) as caught:
        await call(client, "contacts.list_page", page, size=size)
    assert caught.value.field == field
    assert not platform.calls


async def test_a_page_without_has_more_is_a_response_validation_error(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    platform.post(LIST_PAGES).mock(return_value=envelope(ok(contacts=[])))
    with pytest.raises(ResponseValidationError, match="hasMore"):
        await call(client, "contacts.list_page")
