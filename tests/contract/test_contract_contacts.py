"""Contacts on either target: upsert, read, update, tags, details, opt-in/out (contract
layer, see conftest.py). Each test names the requirement it checks: S-ids of
semantics.md, sections of api-protocol.md."""

from __future__ import annotations

import pytest
from contract_helpers import TAG, Platform

from salesmanago import AlreadyExistsError, ContactUpsert


async def test_S2_2_upsert_of_an_existing_email_returns_the_same_id(platform: Platform) -> None:
    """S2.2, protocol §6 (upsert): a second upsert of the e-mail answers the same
    contactId; the card reads back with what was sent (protocol §5.3)."""
    email = platform.email("upsert")
    first = await platform.call("contacts.upsert", ContactUpsert(email=email, name="Jan"))
    second = await platform.call(
        "contacts.upsert", ContactUpsert(email=email, phone="+48600100200")
    )
    assert second.contact_id == first.contact_id
    (card,) = await platform.call("contacts.list", [email])
    assert (card.contact_id, card.email, card.name) == (first.contact_id, email, "Jan")
    assert card.phone == "+48600100200"
    assert await platform.call("contacts.has_contact", email) == first.contact_id


async def test_S2_1_email_is_matched_case_insensitively(platform: Platform) -> None:
    """S2.1: one address, one card; e-mails compare case-insensitively, stored lower case."""
    email = platform.email("case")
    made = await platform.call("contacts.upsert", ContactUpsert(email=email.upper()))
    again = await platform.call("contacts.upsert", ContactUpsert(email=email))
    assert again.contact_id == made.contact_id
    (basic,) = await platform.call("contacts.basic", [email])
    assert basic.email == email


async def test_S2_2_update_changes_only_the_fields_sent(platform: Platform) -> None:
    """S2.2, protocol §6 (update; PX live test): phone kept after a name update."""
    email = platform.email("update")
    made = await platform.call(
        "contacts.upsert", ContactUpsert(email=email, name="Anna", phone="+48600000001")
    )
    updated = await platform.call("contacts.update", ContactUpsert(email=email, name="Anna Nowak"))
    assert updated.contact_id == made.contact_id
    (card,) = await platform.call("contacts.list", [email])
    assert (card.name, card.phone) == ("Anna Nowak", "+48600000001")


async def test_S2_2_insert_of_a_live_email_already_exists(platform: Platform) -> None:
    """S2.2, protocol §3.3 (grade D text, docs/emulator/decisions.md): a second insert
    fails with "already exists" naming the e-mail."""
    email = platform.email("insert")
    await platform.call("contacts.insert", ContactUpsert(email=email))
    with pytest.raises(AlreadyExistsError) as raised:
        await platform.call("contacts.insert", ContactUpsert(email=email))
    assert raised.value.messages == (f"Contact with email {email} already exists",)


async def test_S5_1_tags_added_normalised_and_removed(platform: Platform) -> None:
    """S5.1, protocol §7 (managetags; PX live test): added tags are on the card,
    normalised (national letters folded, upper case, other characters as ``_``);
    removed ones are gone."""
    email = platform.email("tags")
    made = await platform.call("contacts.upsert", ContactUpsert(email=email))
    answered = await platform.call("tags.manage", email, add=[TAG, "sm contract ł"])
    assert answered == made.contact_id
    (card,) = await platform.call("contacts.list", [email])
    assert {t.tag for t in card.tags} == {TAG, "SM_CONTRACT_L"}
    await platform.call("tags.manage", email, remove=["SM_CONTRACT_L"])
    (card,) = await platform.call("contacts.list", [email])
    assert [t.tag for t in card.tags] == [TAG]


async def test_S6_1_standard_details_set_and_overwritten(platform: Platform) -> None:
    """S6.1, protocol §5.2 (``properties``; read back as ``[{name, value}]``, §5.3)."""
    email = platform.email("details")
    await platform.call(
        "contacts.upsert",
        ContactUpsert(email=email, properties={"shoe_size": "43", "city": "Łódź"}),
    )
    await platform.call(
        "contacts.upsert", ContactUpsert(email=email, properties={"shoe_size": "44"})
    )
    (card,) = await platform.call("contacts.list", [email])
    assert card.properties["shoe_size"] == "44"
    assert card.properties["city"] == "Łódź"


async def test_S2_6_S2_7_email_and_phone_opt_in_and_out(platform: Platform) -> None:
    """S2.6, S2.7, protocol §7 (optin/optout/phoneoptin; PX live tests): each status
    changes on its own."""
    email = platform.email("optin")
    made = await platform.call("contacts.upsert", ContactUpsert(email=email))
    assert await platform.call("optin.opt_in", email) == made.contact_id
    (card,) = await platform.call("contacts.list", [email])
    assert card.opted_out is False
    await platform.call("optin.phone_opt_in", email)
    await platform.call("optin.opt_out", email)
    (card,) = await platform.call("contacts.list", [email])
    assert (card.opted_out, card.opted_out_phone) == (True, False)


async def test_S2_6_new_contact_is_opted_out_unless_forced(platform: Platform) -> None:
    """S2.6 (our decision, grade D: docs/emulator/decisions.md): a new contact is opted
    out of e-mail and phone unless the upsert forces opt-in."""
    plain, forced = platform.email("default"), platform.email("forced")
    await platform.call("contacts.upsert", ContactUpsert(email=plain))
    await platform.call("contacts.upsert", ContactUpsert(email=forced, force_opt_in=True))
    cards = {c.email: c for c in await platform.call("contacts.list", [plain, forced])}
    assert (cards[plain].opted_out, cards[plain].opted_out_phone) == (True, True)
    assert cards[forced].opted_out is False
