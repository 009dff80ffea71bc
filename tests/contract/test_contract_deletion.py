"""Deletion on either target: soft delete, restore, permanent delete, and the 02:00
purge (emulator only: it needs the clock moved). Semantics S3.x, protocol §6 and §14."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from contract_helpers import Platform

from salesmanago import ContactUpsert, NotFoundError


async def test_S3_1_soft_deleted_contact_is_hidden_but_readable(platform: Platform) -> None:
    """S3.1, protocol §6 (delete without ``permanently``): ``hasContact`` answers no
    contact, while a read by e-mail still returns the card flagged ``deleted``."""
    email = platform.email("soft")
    made = await platform.call("contacts.upsert", ContactUpsert(email=email))
    await platform.call("contacts.delete", email)
    assert await platform.call("contacts.has_contact", email) is None
    (basic,) = await platform.call("contacts.basic", [email])
    assert (basic.contact_id, basic.deleted) == (made.contact_id, True)


async def test_S3_2_upsert_restores_the_same_card_before_the_purge(platform: Platform) -> None:
    """S3.2, protocol §6 (SUP-DEL): an upsert of a soft-deleted e-mail restores the same
    card (same id, its tags kept) with the new data applied."""
    email = platform.email("restore")
    made = await platform.call("contacts.upsert", ContactUpsert(email=email, tags=["SM_CONTRACT"]))
    await platform.call("contacts.delete", email)
    again = await platform.call("contacts.upsert", ContactUpsert(email=email, name="Back"))
    assert again.contact_id == made.contact_id
    (card,) = await platform.call("contacts.list", [email])
    assert (card.deleted, card.name) == (False, "Back")
    assert [t.tag for t in card.tags] == ["SM_CONTRACT"]


async def test_S3_2_writes_that_need_a_live_contact_refuse_a_deleted_one(
    platform: Platform,
) -> None:
    """S3.2: managetags on a soft-deleted contact answers "not found" (grade D text)."""
    email = platform.email("deleted-tags")
    await platform.call("contacts.upsert", ContactUpsert(email=email))
    await platform.call("contacts.delete", email)
    with pytest.raises(NotFoundError) as raised:
        await platform.call("tags.manage", email, add=["SM_CONTRACT"])
    assert raised.value.messages == (f"Contact not found: {email}",)


async def test_S3_3_permanent_delete_frees_the_email(platform: Platform) -> None:
    """S3.3, protocol §14 (PX live test): after ``permanently: true`` the contact is gone
    and the same e-mail makes a new card."""
    email = platform.email("permanent")
    made = await platform.call("contacts.insert", ContactUpsert(email=email))
    await platform.call("contacts.delete", email, permanently=True)
    assert await platform.call("contacts.has_contact", email) is None
    again = await platform.call("contacts.insert", ContactUpsert(email=email))
    assert again.contact_id != made.contact_id


@pytest.mark.emulator_only("the 02:00 purge needs the clock moved past 02:00 (S3.4)")
async def test_S3_1_S3_4_purge_at_0200_makes_the_email_new(platform: Platform) -> None:
    """S3.1, S3.4: a contact deleted at 23:59 is restorable until 02:00 (Europe/Warsaw);
    after 02:00 an upsert makes a new card."""
    assert platform.emulator is not None
    clock = platform.emulator.clock
    clock.set(datetime(2026, 3, 10, 22, 59, tzinfo=timezone.utc))  # 23:59 in Warsaw
    email = platform.email("purge")
    made = await platform.call("contacts.upsert", ContactUpsert(email=email))
    await platform.call("contacts.delete", email)
    clock.advance(timedelta(hours=2))  # 01:59: still restorable
    (basic,) = await platform.call("contacts.basic", [email])
    assert (basic.contact_id, basic.deleted) == (made.contact_id, True)
    clock.advance(timedelta(minutes=2))  # 02:01: purged
    again = await platform.call("contacts.upsert", ContactUpsert(email=email))
    assert again.contact_id != made.contact_id
