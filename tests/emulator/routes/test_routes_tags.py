"""Tags over raw JSON (S5): managetags and the tag list."""

from __future__ import annotations

import pytest
from routes_helpers import A_ID, OMIT, Api

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
