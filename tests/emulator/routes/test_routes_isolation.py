"""S1.2: accounts are strictly apart. A client of account A can neither read, count,
change nor delete anything of account B, whatever ids or e-mails it sends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from routes_helpers import B_ID, B_OWNER, NOW_MS, OMIT, Api, snapshot

from salesmanago_emulator import Emulator


@pytest.fixture
def b_contact(api_b: Api) -> tuple[str, str]:
    """A tagged, detailed contact of account B: (e-mail, id)."""
    email = "secret@b.example.com"
    contact_id = api_b.upsert(email, contact={"name": "B's"}, tags=["B_ONLY"])
    return email, contact_id


def test_s1_2_reads_of_b_through_a_find_nothing(api: Api, b_contact: tuple[str, str]) -> None:
    """S1.2: A's reads by B's e-mail or id come back empty."""
    email, contact_id = b_contact
    assert api.ok("contact/hasContact", email=email) == {
        "success": True,
        "message": [],
        "result": False,
        "contactId": None,
    }
    assert api.ok("contact/basic", email=[email])["contacts"] == []
    assert api.ok("contact/basicById", id=[contact_id])["contacts"] == []
    for path, key, value in [
        ("contact/list", "email", email),
        ("contact/listAll", "email", email),
        ("contact/listById", "contactId", contact_id),
        ("contact/listAllById", "contactId", contact_id),
    ]:
        assert api.ok(path, **{key: [value]})["contacts"] == []


def test_s1_2_counts_and_listings_of_a_ignore_b(api: Api, b_contact: tuple[str, str]) -> None:
    """S1.2: nothing of B is countable through A: tags, created/modified ranges."""
    window = {"from": NOW_MS - 1, "to": NOW_MS + 1}
    assert api.ok("contact/tags")["tags"] == []
    assert api.ok("v2/contact/tags")["tags"] == []
    assert api.ok("contact/createdContacts", **window)["createdContacts"] == []
    assert api.ok("contact/modifiedContacts", **window)["modifiedContacts"] == []
    page = api.ok("contact/paginatedModifiedContacts", page=0, size=10, **window)
    assert page["modifiedContacts"] == []
    assert page["hasMore"] is False
    assert api.ok("user/listByClient")["users"] == ["owner@a.example.com", "second@a.example.com"]


def test_s1_2_writes_through_a_never_touch_b(
    emu: Emulator, api: Api, b_contact: tuple[str, str]
) -> None:
    """S1.2: every write naming B's e-mail or id fails as not found (or creates A's own card)."""
    email, contact_id = b_contact
    before = snapshot(emu.account(B_ID))
    not_found = [f"Contact not found: {email}"]
    by_id = [f"Contact not found: {contact_id}"]
    assert api.fail("contact/update", email=email, contact={"name": "hacked"}) == not_found
    assert (
        api.fail("contact/update", email=OMIT, contactId=contact_id, contact={"name": "x"}) == by_id
    )
    assert api.fail("contact/delete", email=email) == not_found
    assert api.fail("contact/delete", email=OMIT, contactId=contact_id, permanently=True) == by_id
    assert api.fail("contact/managetags", email=email, removeTags=["B_ONLY"]) == not_found
    for path in ("optin", "optout", "phoneoptin", "phoneoptout"):
        assert api.fail(f"contact/{path}", email=OMIT, contactId=contact_id) == by_id
    assert api.ok("contact/batchoptin", emails=[email])["contactIds"] == {}
    assert (
        api.fail("contact/setMainOwner", contact=email, newOwner="owner@a.example.com") == not_found
    )
    addressee = [{"addresseeType": "CONTACT_ID", "value": contact_id}]
    assert api.fail("contact/stopMonitoring", contacts=addressee) == by_id
    # An upsert of the same e-mail through A creates A's own, unrelated card.
    own = api.upsert(email, contact={"name": "A's"})
    assert own != contact_id
    api.ok("contact/delete", email=email, permanently=True)
    assert snapshot(emu.account(B_ID)) == before
    assert emu.account(B_ID).find_live(contact_id).name == "B's"


def test_s1_2_a_owner_cannot_act_on_b(api: Api, api_b: Api, b_contact: tuple[str, str]) -> None:
    """S1.2/S1.3: A's credentials with B's owner, or B's clientId with A's secret, are refused."""
    email, _ = b_contact
    assert api.fail("contact/basic", email=[email], owner=B_OWNER) == [
        "Not authenticated, invalid owner"
    ]
    assert api.fail("contact/basic", email=[email], clientId=B_ID) == ["Not authenticated"]
    assert api_b.ok("contact/hasContact", email=email)["result"] is True


def test_s1_2_same_email_in_both_accounts_is_two_cards(emu: Emulator, api: Api, api_b: Api) -> None:
    """S1.2: the same e-mail in A and B: two ids, separate data, separate purges."""
    a_id = api.upsert("both@example.com", tags=["IN_A"])
    b_id = api_b.upsert("both@example.com", tags=["IN_B"])
    assert a_id != b_id
    assert api.ok("contact/tags")["tags"] == [{"tag": "IN_A", "numberOfTagged": 1}]
    assert api_b.ok("contact/tags")["tags"] == [{"tag": "IN_B", "numberOfTagged": 1}]
    api.ok("contact/delete", email="both@example.com")
    emu.clock.advance(timedelta(days=1))  # type: ignore[attr-defined]
    assert api.ok("contact/hasContact", email="both@example.com")["result"] is False
    assert api_b.ok("contact/hasContact", email="both@example.com")["contactId"] == b_id


def test_s1_2_reset_drops_everything_keeps_clock(emu: Emulator, api: Api) -> None:
    api.upsert("x@example.com")
    clock = emu.clock
    emu.reset()
    assert emu.clock is clock
    assert emu.calls == []
    assert api.fail("contact/hasContact", email="x@example.com") == ["Not authenticated"]
    with pytest.raises(KeyError, match="no emulator account"):
        emu.account("clienta000000001")
