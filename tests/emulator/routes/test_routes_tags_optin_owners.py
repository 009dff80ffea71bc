"""Tags (S5), opt-in/opt-out (S2.6, S2.7, S10.2) and owners (S1.4) over raw JSON."""

from __future__ import annotations

import pytest
from routes_helpers import A_ID, A_OWNER, A_SECOND, OMIT, Api, snapshot

from salesmanago_emulator import Emulator


def _tags(api: Api, email: str) -> list[str]:
    contact = api.ok("contact/listAll", email=[email])["contacts"][0]
    return [t["tag"] for t in contact["contactTags"]]


def test_s5_1_managetags_adds_and_removes(api: Api) -> None:
    """S5.1 / PX testModify: added tags present, removed ones absent afterwards."""
    contact_id = api.upsert("t@example.com", tags=["OLD", "KEEP"])
    envelope = api.ok(
        "contact/managetags", email="t@example.com", tags=["new tag"], removeTags=["old"]
    )
    assert envelope == {"success": True, "message": [], "contactId": contact_id}
    assert _tags(api, "t@example.com") == ["KEEP", "NEW_TAG"]


def test_managetags_by_contact_id_with_scoring(api: Api) -> None:
    """S4.2: with tagScoring each add scores the tag."""
    contact_id = api.upsert("s@example.com")
    for _ in range(2):
        api.ok(
            "contact/managetags", email=OMIT, contactId=contact_id, tags=["HOT"], tagScoring=True
        )
    contact = api.ok("contact/listAll", email=["s@example.com"])["contacts"][0]
    assert contact["contactTags"][0]["tagWithScore"] == "HOT (2)"


def test_managetags_missing_contact(emu: Emulator, api: Api) -> None:
    assert api.fail("contact/managetags", email="ghost@example.com", tags=["X"]) == [
        "Contact not found: ghost@example.com"
    ]
    assert api.fail("contact/managetags", tags=["X"]) == ["Field 'email' is required"]
    assert emu.account(A_ID).tags.list() == []


def test_managetags_same_tag_added_and_removed(api: Api) -> None:
    api.upsert("c@example.com")
    assert api.fail("contact/managetags", email="c@example.com", tags=["A"], removeTags=["a"]) == [
        "Field 'removeTags' names tag A that the same request adds"
    ]


@pytest.mark.parametrize("path", ["contact/tags", "v2/contact/tags"])
def test_s5_3_tag_list_counts_live_contacts(api: Api, path: str) -> None:
    """S5.3 / S3.1: tags by name with live-contact counts; both paths (protocol §13.7)."""
    api.upsert("a@example.com", tags=["B", "A"])
    api.upsert("b@example.com", tags=["B"])
    api.upsert("c@example.com", tags=["C"])
    api.ok("contact/delete", email="c@example.com")
    envelope = api.ok(path, showSystemTags=False)
    assert envelope["tags"] == [
        {"tag": "A", "numberOfTagged": 1},
        {"tag": "B", "numberOfTagged": 2},
    ]
    assert api.ok(path, owner=OMIT)["tags"] == envelope["tags"]


def test_tag_list_show_system_tags_must_be_boolean(api: Api) -> None:
    assert api.fail("contact/tags", showSystemTags="yes") == [
        "Field 'showSystemTags' must be a boolean"
    ]


# --- opt-in / opt-out ------------------------------------------------------------------


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


# --- owners -----------------------------------------------------------------------------


def test_list_by_client_returns_users(api: Api) -> None:
    """Protocol §2.3: users = the valid owner values."""
    assert api.ok("user/listByClient") == {
        "success": True,
        "message": [],
        "users": [A_OWNER, A_SECOND],
    }


def test_s1_4_set_main_owner(api: Api) -> None:
    """S1.4: newOwner becomes main owner; the old one stays a co-owner (listed for both)."""
    api.upsert("own@example.com")
    assert api.ok("contact/setMainOwner", contact="own@example.com", newOwner=A_SECOND) == {
        "success": True,
        "message": [],
    }
    contact = api.ok("contact/listAll", email=["own@example.com"])["contacts"][0]
    assert contact["mainContactOwner"] == A_SECOND
    assert api.ok("contact/list", email=["own@example.com"])["contacts"] != []


def test_set_main_owner_errors(emu: Emulator, api: Api) -> None:
    api.upsert("own@example.com")
    before = snapshot(emu.account(A_ID))
    assert api.fail(
        "contact/setMainOwner", contact="own@example.com", newOwner="x@example.com"
    ) == ["Field 'newOwner' must be a user of the account (got x@example.com)"]
    assert api.fail("contact/setMainOwner", contact="ghost@example.com", newOwner=A_SECOND) == [
        "Contact not found: ghost@example.com"
    ]
    assert api.fail("contact/setMainOwner", newOwner=A_SECOND) == ["Field 'contact' is required"]
    assert snapshot(emu.account(A_ID)) == before
