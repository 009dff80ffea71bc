"""Notes over raw JSON (protocol §8.4; semantics S9.1): addNote and the card's list."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from notes_helpers import NOTE, area_state, full
from routes_helpers import A_OWNER, NOW_MS, OMIT, Api, snapshot
from tasks_helpers import TASK, create_body

from salesmanago_emulator import Account, FrozenClock


def test_raw_add_note_answers_a_message_and_the_card_lists_it(api: Api) -> None:
    """Protocol §8.4: success carries its text in ``message``; ``contactNotes`` shows the note."""
    contact_id = api.upsert("a@example.com")
    assert api.ok(NOTE, email="a@example.com", note="Called", priv=True)["message"] == [
        "Note added"
    ]
    api.ok(NOTE, contactId=contact_id, note="n" * 1024)
    notes = full(api)["contactNotes"]
    assert [(n["note"], n["priv"], n["date"], n["owner"]) for n in notes] == [
        ("Called", True, NOW_MS, A_OWNER),
        ("n" * 1024, False, NOW_MS, A_OWNER),
    ]
    assert all(isinstance(n["id"], str) and n["id"] for n in notes)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"note": "ą" * 1025}, "Field 'note' must be at most 1024 characters long (got 1025)"),
        ({"note": OMIT}, "Field 'note' is required"),
        ({"note": ""}, "Field 'note' must not be empty"),
        ({"priv": "yes"}, "Field 'priv' must be a boolean"),
        ({"email": OMIT}, "Field 'email' is required"),
        ({"email": "nobody@example.com"}, "Contact not found: nobody@example.com"),
        ({"owner": OMIT}, "Not authenticated, not owner specified"),
    ],
)
def test_raw_add_note_refusals(
    api: Api, account_a: Account, fields: dict[str, Any], message: str
) -> None:
    """S9.1 on the wire: the field and rule are named, nothing is stored or cut."""
    api.upsert("a@example.com")
    before = snapshot(account_a), area_state(account_a)
    envelope = api.post(NOTE, **{"email": "a@example.com", "note": "x", **fields})
    assert envelope["success"] is False
    assert envelope["message"] == [message]
    assert (snapshot(account_a), area_state(account_a)) == before


def test_raw_note_does_not_modify_the_card(api: Api, clock: FrozenClock) -> None:
    """Adding a note leaves the card's ``modifiedOn`` alone (a note is not contact data)."""
    api.upsert("a@example.com")
    clock.advance(timedelta(hours=1))
    api.ok(NOTE, email="a@example.com", note="x")
    api.ok(TASK, **create_body())
    assert full(api)["modifiedOn"] == NOW_MS
