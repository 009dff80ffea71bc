"""E-mail and phone opt-in/opt-out over raw JSON, single and batch (S2.6, S2.7, S10.2)."""

from __future__ import annotations

import pytest
from routes_helpers import A_ID, OMIT, Api

from salesmanago_emulator import Emulator


def test_s2_6_optin_optout_change_basic_flags(emu: Emulator, api: Api) -> None:
    """S2.6/S10.2: e-mail opt-in and opt-out, recorded with source FROM_INIT."""
    contact_id = api.upsert("o@example.com")
    assert api.ok("contact/optin", email="O@example.com")["contactId"] == contact_id
    basic = api.ok("contact/basic", email=["o@example.com"])["contacts"][0]
    assert basic["optedOut"] is False
    assert api.ok("contact/optout", contactId=contact_id, email=OMIT)["contactId"] == contact_id
    basic = api.ok("contact/basic", email=["o@example.com"])["contacts"][0]
    assert basic["optedOut"] is True
    history = emu.account(A_ID).find_live(contact_id).opt_history
    assert [(h.channel, h.status, h.source) for h in history][-2:] == [
        ("EMAIL", "OPT_IN", "FROM_INIT"),
        ("EMAIL", "OPT_OUT", "FROM_INIT"),
    ]


def test_s2_7_phone_status_is_independent(api: Api) -> None:
    """S2.7: mobile opt-in/out does not touch the e-mail status."""
    api.upsert("p@example.com")
    api.ok("contact/phoneoptin", email="p@example.com")
    basic = api.ok("contact/basic", email=["p@example.com"])["contacts"][0]
    assert (basic["optedOut"], basic["optedOutPhone"]) == (True, False)
    api.ok("contact/phoneoptout", email="p@example.com")
    basic = api.ok("contact/basic", email=["p@example.com"])["contacts"][0]
    assert basic["optedOutPhone"] is True


@pytest.mark.parametrize("path", ["optin", "optout", "phoneoptin", "phoneoptout"])
def test_opt_methods_need_a_live_contact(api: Api, path: str) -> None:
    """S3.2: writes that need an existing contact answer not found for a soft-deleted one."""
    api.upsert("gone@example.com")
    api.ok("contact/delete", email="gone@example.com")
    assert api.fail(f"contact/{path}", email="gone@example.com") == [
        "Contact not found: gone@example.com"
    ]
    assert api.fail(f"contact/{path}") == ["Field 'email' is required"]


def test_batch_optin_and_optout(api: Api) -> None:
    a = api.upsert("a@example.com")
    b = api.upsert("b@example.com")
    envelope = api.ok(
        "contact/batchoptin", emails=["A@example.com", "b@example.com", "x@example.com"]
    )
    assert envelope["contactIds"] == {"a@example.com": a, "b@example.com": b}
    assert envelope["message"] == ["Contact not found: x@example.com"]
    flags = [
        c["optedOut"]
        for c in api.ok("contact/basic", email=["a@example.com", "b@example.com"])["contacts"]
    ]
    assert flags == [False, False]
    envelope = api.ok("contact/batchoptout", emails=["b@example.com"], owner=OMIT)
    assert envelope == {"success": True, "message": [], "contactIds": {"b@example.com": b}}


def test_batch_opt_errors(api: Api) -> None:
    assert api.fail("contact/batchoptin", emails=[]) == ["Field 'emails' must not be empty"]
    assert api.fail("contact/batchoptin", emails="a@example.com") == [
        "Field 'emails' must be a list of strings"
    ]
    assert api.fail("contact/batchoptout", emails=["a@example.com", 7]) == [
        "Field 'emails[1]' must be a string"
    ]
    too_many = [f"u{i}@example.com" for i in range(1001)]
    assert api.fail("contact/batchoptin", emails=too_many) == [
        "Field 'emails' must hold at most 1000 items"
    ]
