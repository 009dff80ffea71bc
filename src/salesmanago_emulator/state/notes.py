"""Notes on contacts: at most 1024 characters, public or private (semantics S9.1).

A note is added by a user of the account (its author) to one live contact and
kept on the card (extension ``notes``, oldest first). Its length is counted in
characters (code points), never bytes, and a longer note is refused, never
shortened. A private note is visible to its author only:
[`NotesArea.visible_to`][salesmanago_emulator.state.notes.NotesArea.visible_to] filters for a
viewer. No endpoint lists, changes or deletes notes (protocol §8.4), so notes only grow; they stay
through a soft delete and go with the contact when it is removed for good.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Final

import attrs

from ._card import ContactRecord
from ._core import AccountArea, AccountCore
from ._normalize import check_text, normalize_email
from .users import UsersArea

__all__ = ["MAX_NOTE", "Note", "NotesArea"]

MAX_NOTE: Final = 1024
"""Longest note, in characters (S9.1)."""


@attrs.frozen(kw_only=True)
class Note:
    """One note on one contact."""

    id: str
    """The note's id (from the account's id factory)."""
    text: str
    """The content, at most `MAX_NOTE` characters."""
    private: bool
    """Visible to `author` only."""
    author: str
    """The user (normalised e-mail) who added it."""
    created_on: datetime
    """When it was added."""


class NotesArea(AccountArea):
    """The notes on an account's contacts (S9.1)."""

    key: ClassVar[str] = "notes"

    def __init__(self, account: AccountCore, *, users: UsersArea) -> None:
        """The notes of ``account``; ``users`` checks their authors."""
        super().__init__(account)
        self._users = users

    def of(self, record: ContactRecord) -> list[Note]:
        """Every note on ``record``, private ones included, oldest first."""
        held = record.extension(self.key)
        return list(held) if isinstance(held, list) else []

    def visible_to(self, record: ContactRecord, viewer: str) -> list[Note]:
        """The notes on ``record`` that user ``viewer`` may see: public ones and their own."""
        user = normalize_email(viewer)
        return [n for n in self.of(record) if not n.private or n.author == user]

    def add(self, key: str, text: str, *, owner: str, private: bool = False) -> Note:
        """Add a note by user ``owner`` to the live contact ``key`` (e-mail or id).

        Refusals: AuthenticationFailed (``owner`` not a user); ContactNotFound;
        InvalidField ``note`` (not a string, blank, or over 1024 characters:
        ``must be at most 1024 characters long (got n)``); ReadOnlyOwner.
        The card's ``modifiedOn`` does not change.
        """
        author = self._users.acting(owner)
        record = self.account.find_live(key)
        now = self.account.clock.now()
        text = check_text(text, "note", MAX_NOTE)
        self.account.check_may_write(record, author)
        note = Note(
            id=self.account.new_id(),
            text=text,
            private=bool(private),
            author=author,
            created_on=now,
        )
        self._append(record, note)
        self.account.notify_note_added(record, note.id, author, note.private)
        return note

    def _append(self, record: ContactRecord, note: Note) -> None:
        held = record.extension(self.key)
        if not isinstance(held, list):
            held = []
            record.set_extension(self.key, held)
        held.append(note)

    def restore_saved(self, record: ContactRecord, note: Note) -> None:
        """Put back ``note`` of ``record`` as a state export saved it, after the card's
        others (a state import: nothing is checked here)."""
        self._append(record, note)
