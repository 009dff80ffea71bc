"""Batch upsert checks each item on its own (docs: "A batch never raises for one bad
item"): an item failing the SDK's checks is a failed result at its index, never sent;
the others are sent in chunks and mapped back to their indexes. Each platform text
about an item is reported once. ``ContactUpsert.validate()`` runs the same checks
without sending. Runs on the sync and the async client, on a scripted fake platform
and on the emulator (protocol §5.2, §6 batchupsert; semantics S7.2, S10.1)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx
from sdk_helpers import AnyClient, answers, bodies, call, envelope, failed, ok

from salesmanago import (
    BatchUpsertItem,
    BatchUpsertResult,
    ConsentDetail,
    ContactUpsert,
    InternalServerError,
    InvalidFieldError,
    ValidationError,
)
from salesmanago._calls import LazyBody
from salesmanago.resources import _contact_writes as writes_module
from salesmanago.resources.contacts import batch_upsert_calls
from salesmanago_emulator import Emulator

BATCH_UPSERT = "/api/contact/batchupsert"


def _emails(request: httpx.Request) -> list[str]:
    return [d["contact"]["email"] for d in json.loads(request.content)["upsertDetails"]]


def _apply_all(request: httpx.Request) -> httpx.Response:
    return envelope(ok(contactIds={e: f"id-{e}" for e in _emails(request)}))


def _sorted_bodies(route: respx.Route) -> list[dict[str, Any]]:
    """The batch bodies sent, by their first e-mail (async chunks may arrive in any order)."""
    return sorted(bodies(route.calls), key=lambda b: str(b["upsertDetails"][0]["contact"]["email"]))


def _text(field: str, rule: str) -> str:
    return str(ValidationError(field, rule))


MIXED = [
    ContactUpsert(email="a0@example.com", name="Ann"),
    ContactUpsert(email="not-an-email"),
    ContactUpsert(email=" a2@example.com ", tags=[" VIP "]),
    ContactUpsert(email="a3@example.com", tags=["a,b"]),
    ContactUpsert(email="a4@example.com", force_opt_in=True, force_opt_out=True),
    ContactUpsert(email="a5@example.com"),
]
MIXED_REFUSED = {
    1: _text("upsertDetails[1].contact.email", "must be an e-mail address (got 'not-an-email')"),
    3: _text(
        "upsertDetails[3].tags[0]",
        "must not contain ',' (the platform splits tags on commas); pass each tag",
    ),
    4: _text("upsertDetails[4].forceOptIn", "cannot be set together with forceOptOut"),
}


async def test_invalid_items_are_failed_results_and_never_sent(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """Items 1, 3 and 4 fail the SDK's checks: each is a failed item at its index whose
    text is the ValidationError's (field under the caller's index, rule); items 0, 2
    and 5 are sent (chunks of 2 of the valid items: [0, 2], [5]) and keep their ids."""
    route = platform.post(BATCH_UPSERT).mock(side_effect=_apply_all)

    result = await call(client, "contacts.batch_upsert", MIXED, chunk_size=2)

    assert _sorted_bodies(route) == [
        {
            "upsertDetails": [
                {"contact": {"email": "a0@example.com", "name": "Ann"}},
                {"contact": {"email": "a2@example.com"}, "tags": ["VIP"]},
            ]
        },
        {"upsertDetails": [{"contact": {"email": "a5@example.com"}}]},
    ]
    assert result == BatchUpsertResult(
        items=(
            BatchUpsertItem(email="a0@example.com", contact_id="id-a0@example.com"),
            BatchUpsertItem(email="not-an-email", errors=(MIXED_REFUSED[1],)),
            BatchUpsertItem(email="a2@example.com", contact_id="id-a2@example.com"),
            BatchUpsertItem(email="a3@example.com", errors=(MIXED_REFUSED[3],)),
            BatchUpsertItem(email="a4@example.com", errors=(MIXED_REFUSED[4],)),
            BatchUpsertItem(email="a5@example.com", contact_id="id-a5@example.com"),
        )
    )
    assert [item.email for item in result.failed] == [
        "not-an-email",
        "a3@example.com",
        "a4@example.com",
    ]


@pytest.mark.parametrize(
    ("item", "field", "rule"),
    [
        (ContactUpsert(email="ann@example"), "contact.email", "has an invalid domain"),
        (ContactUpsert(email="a@example.com", tags=[""]), "tags[0]", "must not be empty"),
        (
            ContactUpsert(email="a@example.com", remove_tags=["x" * 256]),
            "removeTags[0]",
            "must be at most 255 characters (got 256)",
        ),
        (ContactUpsert(email="a@example.com", new_email="x@"), "newEmail", "e-mail"),
        (
            ContactUpsert(email="a@example.com", properties={" ": "x"}),
            "properties",
            "must not have an empty detail name",
        ),
        (
            ContactUpsert(
                email="a@example.com",
                force_phone_opt_in=True,
                force_phone_opt_out=True,
            ),
            "forcePhoneOptIn",
            "cannot be set together with forcePhoneOptOut",
        ),
    ],
    ids=["email-domain", "tag-empty", "remove-tag-long", "new-email", "property", "phone-opt"],
)
async def test_item_text_is_the_single_writes_validation_error(
    client: AnyClient, platform: respx.MockRouter, item: ContactUpsert, field: str, rule: str
) -> None:
    """The failed item's text is exactly what ``upsert`` (and ``validate()``) raise for
    the same item, with the field named under the item's index in the caller's list
    (here 5, in the 2nd chunk of 3)."""
    route = platform.post(BATCH_UPSERT).mock(side_effect=_apply_all)
    with pytest.raises(ValidationError) as single:
        await call(client, "contacts.upsert", item)
    assert single.value.field == field
    assert rule in single.value.rule
    with pytest.raises(ValidationError) as checked:
        item.validate()
    assert str(checked.value) == str(single.value)
    assert not platform.calls

    items = [ContactUpsert(email=f"c{i}@example.com") for i in range(5)] + [item]
    result = await call(client, "contacts.batch_upsert", items, chunk_size=3)

    expected = _text(f"upsertDetails[5].{field}", single.value.rule)
    assert result.items[5].errors == (expected,)
    assert [i.ok for i in result.items] == [True] * 5 + [False]
    assert sorted(len(b["upsertDetails"]) for b in bodies(route.calls)) == [2, 3]


async def test_platform_texts_name_the_callers_index_after_refused_items(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """Items refused by the SDK shift the positions the platform sees: its
    ``upsertDetails[1]`` (the 2nd item sent) is the caller's item 2, and the text is
    listed once although ``failures`` and ``message`` both carry it."""
    text = "Field 'upsertDetails[1].consentDetails[0].consentName' names no consent"

    def answer(request: httpx.Request) -> httpx.Response:
        emails = _emails(request)
        return envelope(
            failed(
                text,
                contactIds={emails[0]: "id-0", emails[2]: "id-3"},
                failures={"1": [text]},
            )
        )

    platform.post(BATCH_UPSERT).mock(side_effect=answer)
    items = [
        ContactUpsert(email="c0@example.com"),
        ContactUpsert(email="bad@"),
        ContactUpsert(email="c2@example.com"),
        ContactUpsert(email="c3@example.com"),
    ]
    result = await call(client, "contacts.batch_upsert", items)

    assert result.items[2] == BatchUpsertItem(
        email="c2@example.com",
        errors=("Field 'upsertDetails[2].consentDetails[0].consentName' names no consent",),
    )
    assert result.items[3] == BatchUpsertItem(email="c3@example.com", contact_id="id-3")
    assert result.items[1].errors == (
        "Field 'upsertDetails[1].contact.email' must be an e-mail address (got 'bad@')",
    )


async def test_each_platform_text_is_listed_once_in_order(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """``failures`` and ``message`` overlap: the item's texts are the union without
    repeats, ``failures`` first, then ``message``'s, each in its order."""
    first = "Field 'upsertDetails[0].contact.email' is blacklisted"
    second = "upsertDetails[0] refused"
    third = "Field 'upsertDetails[0].contact.name' is too long"
    platform.post(BATCH_UPSERT).mock(
        return_value=envelope(
            failed(
                first,
                third,
                second,
                contactIds={"c1@example.com": "id-1"},
                failures={"0": [first, second, first]},
            )
        )
    )
    items = [ContactUpsert(email="c0@example.com"), ContactUpsert(email="c1@example.com")]
    result = await call(client, "contacts.batch_upsert", items)
    assert result.items[0].errors == (first, second, third)
    assert result.items[1].ok


async def test_refused_chunk_error_names_the_callers_index_after_refused_items(
    make_client: Callable[..., AnyClient], platform: respx.MockRouter
) -> None:
    """A chunk refused as a whole raises; its texts and ``values`` name the caller's
    index even though the SDK left an item out before it."""
    client = make_client(max_retries=0)
    field = "upsertDetails[1].contact.email"
    platform.post(BATCH_UPSERT).mock(
        return_value=envelope(
            {
                "success": False,
                "message": [f"Field '{field}' must be a valid e-mail address"],
                "values": {"field": field},
            }
        )
    )
    items = [
        ContactUpsert(email="c0@example.com"),
        ContactUpsert(email="bad"),
        ContactUpsert(email="c2@example.com"),
    ]
    with pytest.raises(InvalidFieldError) as info:
        await call(client, "contacts.batch_upsert", items)
    assert info.value.messages == (
        "Field 'upsertDetails[2].contact.email' must be a valid e-mail address",
    )
    assert info.value.values == {"field": "upsertDetails[2].contact.email"}


async def test_failed_request_partial_results_include_the_refused_items(
    make_client: Callable[..., AnyClient], platform: respx.MockRouter
) -> None:
    """A chunk failing for good raises; ``partial_results`` holds the applied chunks
    and the items the SDK refused (their outcome is known), in input order."""
    client = make_client(max_retries=0)
    platform.post(BATCH_UPSERT).mock(side_effect=answers(_apply_all, httpx.Response(500)))
    items = [
        ContactUpsert(email="c0@example.com"),
        ContactUpsert(email="bad"),
        ContactUpsert(email="c2@example.com"),
        ContactUpsert(email="c3@example.com"),
        ContactUpsert(email="c4@example.com", tags=[""]),
    ]
    with pytest.raises(InternalServerError) as info:
        await call(client, "contacts.batch_upsert", items, chunk_size=2)
    partial = info.value.partial_results
    assert isinstance(partial, BatchUpsertResult)
    assert [(i.email, i.ok) for i in partial.items] == [
        ("c0@example.com", True),
        ("bad", False),
        ("c2@example.com", True),
        ("c4@example.com", False),
    ]
    assert (info.value.completed_requests, info.value.total_requests) == (1, 2)


async def test_all_items_invalid_sends_nothing(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """No valid item: no request, every item failed; an empty batch is an empty result."""
    result = await call(
        client, "contacts.batch_upsert", [ContactUpsert(email="x"), ContactUpsert(email="y@")]
    )
    assert [i.email for i in result.failed] == ["x", "y@"]
    assert await call(client, "contacts.batch_upsert", []) == BatchUpsertResult(items=())
    assert not platform.calls


@pytest.mark.parametrize(("chunk_size", "rule"), [(0, "1 or more"), (1001, "at most 1000")])
async def test_a_wrong_batch_as_a_whole_still_raises(
    client: AnyClient, platform: respx.MockRouter, chunk_size: int, rule: str
) -> None:
    """Only what is wrong for the whole batch raises, before anything is checked or sent."""
    with pytest.raises(ValidationError, match=rule):
        await call(client, "contacts.batch_upsert", MIXED, chunk_size=chunk_size)
    assert not platform.calls


def test_validate_returns_none_for_a_valid_write() -> None:
    """``validate()`` returns None for a write the SDK would send (it has no client,
    so it cannot send anything)."""
    item = ContactUpsert(email=" jan@example.com ", tags=["VIP"], properties={"shoe": "42"})
    assert item.validate() is None


# --- on the emulator -----------------------------------------------------------------


@pytest.fixture
def emulator() -> Emulator:
    emu = Emulator()
    emu.add_account(client_id="client-1", api_secret="secret-1", users=["owner@example.com"])
    return emu


async def test_mixed_batch_on_the_emulator(emulator: Emulator, mode: str) -> None:
    """End to end: the SDK refuses item 1 (e-mail) and never sends it; the emulator
    refuses item 3 (an unknown consent, S10.1) and the SDK names it by the caller's
    index, once; the others are created and their ids are the emulator's."""
    items = [
        ContactUpsert(email="e0@example.com", name="Ewa"),
        ContactUpsert(email="e1@example"),
        ContactUpsert(email="e2@example.com"),
        ContactUpsert(
            email="e3@example.com",
            consent_details=[ConsentDetail(consent_name="NOPE", consent_accept=True)],
        ),
        ContactUpsert(email="e4@example.com", tags=["A,B"]),
        ContactUpsert(email="e5@example.com"),
    ]
    client: AnyClient = emulator.client() if mode == "sync" else emulator.async_client()
    result = await call(client, "contacts.batch_upsert", items, chunk_size=3)

    account = emulator.account("client-1")
    ids = {e: account.has_contact(e) for e in ("e0@example.com", "e2@example.com")}
    ids["e5@example.com"] = account.has_contact("e5@example.com")
    assert all(ids.values())
    assert result.items == (
        BatchUpsertItem(email="e0@example.com", contact_id=ids["e0@example.com"]),
        BatchUpsertItem(
            email="e1@example",
            errors=(
                _text("upsertDetails[1].contact.email", "has an invalid domain (got 'e1@example')"),
            ),
        ),
        BatchUpsertItem(email="e2@example.com", contact_id=ids["e2@example.com"]),
        BatchUpsertItem(
            email="e3@example.com",
            errors=(
                "Field 'upsertDetails[3].consentDetails[0].consentName' "
                "names no consent of this account",
            ),
        ),
        BatchUpsertItem(
            email="e4@example.com",
            errors=(
                _text(
                    "upsertDetails[4].tags[0]",
                    "must not contain ',' (the platform splits tags on commas); pass each tag",
                ),
            ),
        ),
        BatchUpsertItem(email="e5@example.com", contact_id=ids["e5@example.com"]),
    )
    sent = [
        [d["contact"]["email"] for d in c.request["upsertDetails"]]
        for c in emulator.calls
        if c.path == BATCH_UPSERT and c.request is not None
    ]
    assert sorted(sent) == [
        ["e0@example.com", "e2@example.com", "e3@example.com"],
        ["e5@example.com"],
    ]
    assert account.has_contact("e1@example") is None
    assert account.has_contact("e4@example.com") is None


async def test_s2_2_an_item_moving_its_card_gets_the_cards_id(
    emulator: Emulator, mode: str
) -> None:
    """``contactIds`` names a moved card by its new address (``newEmail``): the item
    is reported applied, with the id the card keeps (S2.2), not as failed."""
    client: AnyClient = emulator.client() if mode == "sync" else emulator.async_client()
    first = await call(client, "contacts.upsert", ContactUpsert(email="known@example.com"))
    items = [
        ContactUpsert(email="new@example.com"),
        ContactUpsert(email="known@example.com", new_email="moved@example.com"),
    ]
    result = await call(client, "contacts.batch_upsert", items)
    account = emulator.account("client-1")
    assert result.items == (
        BatchUpsertItem(email="new@example.com", contact_id=account.has_contact("new@example.com")),
        BatchUpsertItem(email="known@example.com", contact_id=first.contact_id),
    )
    assert account.has_contact("moved@example.com") == first.contact_id
    assert account.has_contact("known@example.com") is None


# --- bodies built when sent ----------------------------------------------------------


def test_chunk_bodies_are_built_when_sent() -> None:
    """Planning a batch checks every item but builds no body: each chunk's JSON is
    built from its items when its request is built (and again, the same, on a retry)."""
    items = [ContactUpsert(email=f"c{i}@example.com", name=f"C{i}") for i in range(5)]
    built: list[str] = []
    original = writes_module.upsert_body

    def counting(item: ContactUpsert, *args: Any) -> Any:
        built.append(item.email)
        return original(item, *args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(writes_module, "upsert_body", counting)
        calls, _ = batch_upsert_calls(items, 2)
        assert [type(c.body) for c in calls] == [LazyBody] * 3
        assert built == []  # planning built no body
        assert dict(calls[2].body) == {
            "upsertDetails": [{"contact": {"email": "c4@example.com", "name": "C4"}}]
        }
        assert built == ["c4@example.com"]  # only the chunk sent, when sent
        first = dict(calls[0].body)
        assert first == {
            "upsertDetails": [
                {"contact": {"email": "c0@example.com", "name": "C0"}},
                {"contact": {"email": "c1@example.com", "name": "C1"}},
            ]
        }
        assert built == ["c4@example.com", "c0@example.com", "c1@example.com"]
        assert dict(calls[0].body) == first  # rebuilt the same (a retry)
        assert built[3:] == ["c0@example.com", "c1@example.com"]


async def test_a_retried_chunk_sends_the_same_json(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """A chunk retried after HTTP 503 is rebuilt to the same items."""
    route = platform.post(BATCH_UPSERT).mock(side_effect=answers(httpx.Response(503), _apply_all))
    items = [ContactUpsert(email="c0@example.com"), ContactUpsert(email="x")]
    result = await call(client, "contacts.batch_upsert", items)
    first, second = bodies(route.calls)
    assert first == second == {"upsertDetails": [{"contact": {"email": "c0@example.com"}}]}
    assert [i.ok for i in result.items] == [True, False]
