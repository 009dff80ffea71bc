"""Notes (S9.1), sync and async: against the platform's canned replies, then end to end
on the emulator (with a task too)."""

from __future__ import annotations

import pytest
from routes_helpers import A_OWNER, NOW
from sdk_helpers import body, envelope, ok
from tasks_helpers import DUE

from salesmanago import AsyncSalesManago, ContactUpsert, SalesManago, ValidationError
from salesmanago_emulator import Account, Emulator, FrozenClock
from salesmanago_emulator.state.notes import MAX_NOTE

ADD_NOTE = "/api/contact/addNote"

OWNER = "owner@shop.example.com"


def test_note_is_sent_with_priv_and_returns_the_platform_messages(api, platform) -> None:
    """S9.1: a note with content and a private flag."""
    add_note = platform.post(ADD_NOTE).mock(return_value=envelope(ok(message=["Note added"])))
    assert api("notes.add", "Called, wants an offer", email="a@example.com", private=True) == [
        "Note added"
    ]
    assert body(add_note) == {
        "owner": OWNER,
        "email": "a@example.com",
        "note": "Called, wants an offer",
        "priv": True,
    }


def test_note_by_contact_id_public_by_default(api, platform) -> None:
    add_note = platform.post(ADD_NOTE).mock(return_value=envelope(ok()))
    assert api("notes.add", "n" * 1024, contact_id="c-1") is None
    assert body(add_note) == {
        "owner": OWNER,
        "contactId": "c-1",
        "note": "n" * 1024,
        "priv": False,
    }


def test_note_over_1024_characters_is_refused_not_truncated(api, platform) -> None:
    """S9.1: longer content is refused with a clear error, never truncated."""
    with pytest.raises(ValidationError) as info:
        api("notes.add", "ą" * 1025, email="a@example.com")
    assert info.value.field == "note"
    assert "at most 1024 characters (got 1025)" in info.value.rule
    with pytest.raises(ValidationError):
        api("notes.add", "   ", email="a@example.com")
    assert not platform.calls


# --- end to end on the emulator (sm / asm: account A's clients) ---------------------


def test_sdk_note_private_and_long_refused(sm: SalesManago, emu: Emulator[FrozenClock]) -> None:
    """S9.1 end to end: messages returned, notes read back; 1025 characters never sent."""
    sm.contacts.upsert(ContactUpsert(email="a@example.com"))
    assert sm.notes.add("Called", email="a@example.com", private=True) == ["Note added"]
    (contact,) = sm.contacts.list(["a@example.com"])
    (note,) = contact.notes
    assert (note.note, note.private, note.date, note.owner) == ("Called", True, NOW, A_OWNER)
    assert note.note_id
    sent = len(emu.calls)
    assert sent >= 3  # the calls above were recorded
    with pytest.raises(ValidationError, match="note") as info:
        sm.notes.add("x" * (MAX_NOTE + 1), email="a@example.com")
    assert info.value.field == "note"
    assert len(emu.calls) == sent  # refused by the SDK: no request sent
    assert [n.note for n in sm.contacts.list(["a@example.com"])[0].notes] == ["Called"]


async def test_sdk_async_note_and_task(asm: AsyncSalesManago, account_a: Account) -> None:
    """The async client: a note and a task land on account A's card."""
    await asm.contacts.upsert(ContactUpsert(email="a@example.com"))
    await asm.notes.add("async note", email="a@example.com")
    task_id = await asm.tasks.create("a@example.com", "Call", DUE)
    assert await asm.tasks.finish(task_id) == task_id
    record = account_a.find("a@example.com")
    assert record is not None
    assert [n.text for n in account_a.notes.of(record)] == ["async note"]
    assert account_a.tasks.of(record) == []
