"""Writes whose method is idempotent but whose request is not: they are retried like
non-idempotent writes (docs/errors.md, Retries).

An upsert or update that moves the card to ``new_email`` fails when repeated (the old
address is gone), one with ``tag_scoring`` scores its tags again, and a repeated
delete finds the card already deleted. Each is sent once when its answer is lost
after it landed, and the error says the write may have been applied; the same write
without those options is still retried.
"""

from __future__ import annotations

import pytest
from reliability_helpers import CLIENT_ID, KNOWN, NEW, AnyClient, applied, calls_to
from sdk_helpers import call

from salesmanago import APITimeoutError, ContactUpsert
from salesmanago_emulator import Emulator

UPSERT = "/api/contact/upsert"
UPDATE = "/api/contact/update"
BATCH = "/api/contact/batchupsert"
DELETE = "/api/contact/delete"
MOVED = "moved@example.com"


def _timeout_after_write(emulator: Emulator, path: str) -> None:
    emulator.faults.add("read_timeout", after_write=True, path=path, times=1)


@pytest.mark.parametrize(
    ("method", "path", "item"),
    [
        ("contacts.upsert", UPSERT, ContactUpsert(email=KNOWN, new_email="moved@example.com")),
        ("contacts.upsert", UPSERT, ContactUpsert(email=KNOWN, tags=["VIP"], tag_scoring=True)),
        ("contacts.update", UPDATE, ContactUpsert(email=KNOWN, new_email="moved@example.com")),
    ],
    ids=["upsert-new-email", "upsert-tag-scoring", "update-new-email"],
)
async def test_s2_1_write_that_cannot_be_repeated_is_sent_once(
    client: AnyClient, emulator: Emulator, method: str, path: str, item: ContactUpsert
) -> None:
    _timeout_after_write(emulator, path)
    with pytest.raises(APITimeoutError, match="may have been applied") as caught:
        await call(client, method, item)
    assert caught.value.may_have_landed is True
    assert len(calls_to(emulator, path)) == 1
    assert len(applied(emulator, path)) == 1


async def test_plain_upsert_is_still_retried(client: AnyClient, emulator: Emulator) -> None:
    _timeout_after_write(emulator, UPSERT)
    result = await call(client, "contacts.upsert", ContactUpsert(email=KNOWN, name="Ann"))
    assert result.contact_id is not None
    assert len(calls_to(emulator, UPSERT)) == 2


async def test_batch_chunk_with_a_moving_item_is_sent_once(
    client: AnyClient, emulator: Emulator
) -> None:
    """One item with ``new_email`` makes its whole chunk unrepeatable; other chunks
    stay retryable (``test_batch_chunk_of_plain_items_stays_retryable_beside_a_moving_one``)."""
    items = [
        ContactUpsert(email=NEW),
        ContactUpsert(email=KNOWN, new_email="moved@example.com"),
    ]
    _timeout_after_write(emulator, BATCH)
    with pytest.raises(APITimeoutError, match="may have been applied"):
        await call(client, "contacts.batch_upsert", items)
    assert len(calls_to(emulator, BATCH)) == 1


def _chunks_sent(emulator: Emulator) -> list[tuple[str, ...]]:
    """The addresses each logged batch request carried, in the order the door saw them."""
    return [
        tuple(detail["contact"]["email"] for detail in record.request["upsertDetails"])
        for record in calls_to(emulator, BATCH)
    ]


async def test_batch_chunk_of_plain_items_stays_retryable_beside_a_moving_one(
    client: AnyClient, emulator: Emulator
) -> None:
    """With one item per chunk, only the moving item's chunk is unrepeatable: the plain
    chunk whose answer is lost after it landed is sent again, the moving one once."""
    account = emulator.account(CLIENT_ID)
    known = account.find(KNOWN)
    assert known is not None
    known_id = known.id
    items = [
        ContactUpsert(email=NEW),
        ContactUpsert(email=KNOWN, new_email=MOVED),
    ]
    _timeout_after_write(emulator, BATCH)
    result = await call(client, "contacts.batch_upsert", items, chunk_size=1)
    assert not result.failed
    # sync and async clients interleave the chunks differently: count per chunk
    sent = _chunks_sent(emulator)
    assert sorted(sent) == [(KNOWN,), (NEW,), (NEW,)], sent
    faulted = [record for record in calls_to(emulator, BATCH) if record.fault is not None]
    assert [record.fault for record in faulted] == ["read timeout after write"]
    assert faulted[0].request["upsertDetails"] == [{"contact": {"email": NEW}}]
    assert len(applied(emulator, BATCH)) == 3
    moving = [r for r in calls_to(emulator, BATCH) if r.request["upsertDetails"][0].get("newEmail")]
    assert len(moving) == 1
    assert moving[0].response["contactIds"] == {MOVED: known_id}
    # the moved item is reported applied, with the card's (unchanged) id
    new = account.find(NEW)
    assert new is not None
    assert [(item.email, item.contact_id) for item in result.items] == [
        (NEW, new.id),
        (KNOWN, known_id),
    ]
    assert account.find(KNOWN) is None
    moved = account.find(MOVED)
    assert moved is not None
    assert moved.id == known_id


async def test_batch_without_such_items_is_retried(client: AnyClient, emulator: Emulator) -> None:
    _timeout_after_write(emulator, BATCH)
    result = await call(
        client, "contacts.batch_upsert", [ContactUpsert(email=NEW), ContactUpsert(email=KNOWN)]
    )
    assert not result.failed
    assert len(calls_to(emulator, BATCH)) == 2


@pytest.mark.parametrize("permanently", [False, True])
async def test_s3_1_delete_is_sent_once_when_its_answer_is_lost(
    client: AnyClient, emulator: Emulator, permanently: bool
) -> None:
    """A repeated delete would answer "Contact not found" for a delete that worked."""
    _timeout_after_write(emulator, DELETE)
    with pytest.raises(APITimeoutError, match="may have been applied"):
        await call(client, "contacts.delete", KNOWN, permanently=permanently)
    assert len(calls_to(emulator, DELETE)) == 1
    card = emulator.account(CLIENT_ID).find(KNOWN)
    if permanently:
        assert card is None
    else:
        assert card is not None
        assert card.deleted
