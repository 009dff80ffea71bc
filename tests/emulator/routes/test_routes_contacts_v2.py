"""Contacts on the wire, issue 12: the §14 facts about ``insert`` and e-mail spelling.

Raw JSON through the in-process transport and through a real server socket.
"""

from __future__ import annotations

import pytest
from routes_helpers import A_ID, snapshot
from routes_server import WIRES, over

from salesmanago_emulator import Emulator

KELVIN = "\u212a"


@pytest.mark.parametrize("wire", WIRES)
def test_protocol_14_insert_of_a_live_email_is_refused_with_its_contact_id(
    emu: Emulator, wire: str
) -> None:
    """§14: a live suite re-runs an insert of a fixed address and reads ``contactId``;
    the insert is still refused and changes nothing (S2.1, S2.2)."""
    with over(emu, wire) as api:
        contact_id = api.ok("contact/insert", contact={"email": "fixed@example.com"})["contactId"]
        before = snapshot(emu.account(A_ID))
        envelope = api.post("contact/insert", contact={"email": "Fixed@Example.com", "name": "X"})
    assert envelope == {
        "success": False,
        "message": ["Contact with email fixed@example.com already exists"],
        "contactId": contact_id,
    }
    assert snapshot(emu.account(A_ID)) == before


@pytest.mark.parametrize("wire", WIRES)
def test_new_email_taken_carries_no_contact_id(emu: Emulator, wire: str) -> None:
    """Only an insert's refusal names the card; an upsert's ``newEmail`` conflict does not."""
    with over(emu, wire) as api:
        api.upsert("a@example.com")
        api.upsert("b@example.com")
        envelope = api.post(
            "contact/upsert", contact={"email": "a@example.com"}, newEmail="b@example.com"
        )
    assert envelope == {
        "success": False,
        "message": ["Contact with email b@example.com already exists"],
    }


@pytest.mark.parametrize("wire", WIRES)
@pytest.mark.parametrize(
    "path", ["contact/upsert", "contact/insert", "contact/update", "contact/batchupsert"]
)
def test_protocol_3_4_kelvin_sign_email_is_refused_on_every_write(
    emu: Emulator, wire: str, path: str
) -> None:
    """§14 (issue 12): ``\\u212aate@example.com`` folds to ``kate@...`` only by case
    folding; every write refuses it, and it does not name the ``kate`` card."""
    email = f"{KELVIN}ate@example.com"
    with over(emu, wire) as api:
        api.upsert("kate@example.com", contact={"name": "Kate"})
        before = snapshot(emu.account(A_ID))
        if path == "contact/batchupsert":
            envelope = api.post(path, upsertDetails=[{"contact": {"email": email}}])
            assert envelope["failures"] == {
                "0": ["Field 'upsertDetails[0].contact.email' must be a valid e-mail address"]
            }
        elif path == "contact/update":
            assert api.fail(path, email=email, contact={"name": "K"}) == [
                f"Contact not found: {email}"
            ]
        else:
            assert api.fail(path, contact={"email": email, "name": "K"}) == [
                "Field 'contact.email' must be a valid e-mail address"
            ]
        assert api.ok("contact/hasContact", email=email)["result"] is False
    assert snapshot(emu.account(A_ID)) == before
