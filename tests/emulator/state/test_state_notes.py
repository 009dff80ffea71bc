"""Notes in the state layer (S9.1): length, privacy, owners; with the tasks, what
deletion and reset do to both."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from notes_helpers import _contact_write_refusal, area_state
from routes_helpers import A_OWNER, A_SECOND, NOW
from tasks_helpers import DUE

from salesmanago_emulator import Account, FrozenClock
from salesmanago_emulator.errors import (
    AuthenticationFailed,
    ContactNotFound,
    InvalidField,
    ReadOnlyOwner,
    TaskNotFound,
)
from salesmanago_emulator.state._card import ContactWrite
from salesmanago_emulator.state.notes import MAX_NOTE


def test_s9_1_note_of_1024_characters_is_kept_whole(account_a: Account, contact: str) -> None:
    """S9.1: 1024 characters (counted as characters, not bytes) are taken as they are."""
    text = "ż" * MAX_NOTE
    note = account_a.notes.add("a@example.com", text, owner=" Owner@A.example.com ")
    assert note.text == text
    assert note.author == A_OWNER
    assert not note.private
    assert note.created_on == NOW
    record = account_a.find(contact)
    assert record is not None
    assert account_a.notes.of(record) == [note]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("ż" * 1025, "must be at most 1024 characters long (got 1025)"),
        ("   ", "must not be empty"),
        (42, "must be a string"),
    ],
)
def test_s9_1_bad_note_is_refused_never_truncated(
    account_a: Account, contact: str, text: Any, rule: str
) -> None:
    """S9.1: a longer note is refused with an error naming ``note``; nothing is stored."""
    with pytest.raises(InvalidField) as info:
        account_a.notes.add(contact, text, owner=A_OWNER)
    assert info.value.field == "note"
    assert info.value.rule == rule
    assert area_state(account_a) == ([], [])


def test_s9_1_private_note_is_visible_to_its_author_only(account_a: Account, contact: str) -> None:
    """S9.1: a private note shows to its author; public notes to every user."""
    public = account_a.notes.add(contact, "public", owner=A_SECOND)
    private = account_a.notes.add(contact, "mine", owner=A_OWNER, private=True)
    record = account_a.find(contact)
    assert record is not None
    assert account_a.notes.visible_to(record, A_OWNER.upper()) == [public, private]
    assert account_a.notes.visible_to(record, A_SECOND) == [public]


def test_s9_1_note_refusals_for_missing_contact_and_read_only_owner(
    account_a: Account, contact: str
) -> None:
    """A note needs a live contact and an owner allowed to act on it (S1.4)."""
    with pytest.raises(ContactNotFound):
        account_a.notes.add("nobody@example.com", "x", owner=A_OWNER)
    account_a.users.add_owner(contact, A_SECOND, "READ_ONLY")
    with pytest.raises(ReadOnlyOwner):
        account_a.notes.add(contact, "x", owner=A_SECOND)
    assert area_state(account_a) == ([], [])


def test_s3_soft_delete_keeps_notes_and_tasks_frozen_until_restored(
    account_a: Account, contact: str
) -> None:
    """S3.1/S3.2: kept through a soft delete, unchangeable meanwhile, back on restore."""
    note = account_a.notes.add(contact, "kept", owner=A_OWNER)
    task = account_a.tasks.create(contact, "Call", DUE)
    account_a.contacts.delete(contact)
    with pytest.raises(ContactNotFound):
        account_a.tasks.update(task.id, note="x")
    with pytest.raises(ContactNotFound):
        account_a.tasks.finish(task.id)
    with pytest.raises(ContactNotFound):
        account_a.tasks.create(contact, "Call", DUE)
    with pytest.raises(ContactNotFound):
        account_a.notes.add(contact, "x", owner=A_OWNER)
    account_a.contacts.upsert(ContactWrite(email="a@example.com"), A_OWNER)  # restores (S3.2)
    record = account_a.find(contact)
    assert record is not None
    assert account_a.notes.of(record) == [note]
    assert account_a.tasks.finish(task.id) == task


@pytest.mark.parametrize("how", ["permanent", "forget", "purge"])
def test_s3_removal_drops_notes_and_tasks(
    account_a: Account, contact: str, emu_clock: FrozenClock, how: str
) -> None:
    """S3.3/S3.4: removed for good, the contact's notes and tasks are gone."""
    account_a.notes.add(contact, "gone", owner=A_OWNER)
    task = account_a.tasks.create(contact, "Call", DUE)
    if how == "permanent":
        account_a.contacts.delete(contact, permanently=True)
    elif how == "forget":
        account_a.contacts.forget(contact)
    else:
        account_a.contacts.delete(contact)
        emu_clock.advance(timedelta(days=1))
        account_a.run_due_purge()
    assert account_a.tasks.get(task.id) is None
    with pytest.raises(TaskNotFound):
        account_a.tasks.finish(task.id)
    assert area_state(account_a) == ([], [])
    new = account_a.contacts.upsert(ContactWrite(email="a@example.com"), A_OWNER)
    assert account_a.notes.of(new) == []
    assert account_a.tasks.of(new) == []


def test_reset_forgets_notes_and_tasks(account_a: Account, contact: str) -> None:
    """Reset empties both areas."""
    account_a.notes.add(contact, "x", owner=A_OWNER)
    task = account_a.tasks.create(contact, "Call", DUE)
    account_a.reset()
    assert account_a.tasks.get(task.id) is None
    assert area_state(account_a) == ([], [])


@pytest.mark.parametrize("owner", ["stranger@example.com", "not an e-mail"])
def test_s1_3_note_author_must_be_a_user(account_a: Account, contact: str, owner: str) -> None:
    expected = _contact_write_refusal(account_a, owner)
    with pytest.raises(AuthenticationFailed) as info:
        account_a.notes.add(contact, "hello", owner=owner)
    assert str(info.value) == expected
    assert account_a.notes.of(account_a.find_live(contact)) == []
