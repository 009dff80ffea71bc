"""The notes area in a snapshot: every note, card by card, oldest first (S9.1).

``"notes": [{"id": "...", "contactId": "<a card's id>", "note": "...",
"priv": false, "author": "<a user>", "createdOn": "<instant>"}, ...]``. A
note is checked as the wire checks one: a text of at most 1024 characters,
not blank; ``priv`` true or false; its author a user of the account.
"""

from __future__ import annotations

from typing import Any, Final

from ..clock import utc_iso
from ..state._normalize import check_text
from ..state.account import Account
from ..state.notes import MAX_NOTE, Note
from ._reader import Unique, Value
from .contacts import card
from .users import user

__all__ = ["KEYS", "dump", "load"]

KEYS: Final = ("id", "contactId", "note", "priv", "author", "createdOn")
"""The keys of a note."""


def dump(account: Account) -> list[dict[str, Any]]:
    """Every note, card by card (oldest card first), each card's oldest first."""
    return [
        {
            "id": note.id,
            "contactId": record.id,
            "note": note.text,
            "priv": note.private,
            "author": note.author,
            "createdOn": utc_iso(note.created_on),
        }
        for record in account.all_contacts()
        for note in account.notes.of(record)
    ]


def load(account: Account, value: Value) -> None:
    """Put the notes of ``value`` on the loaded cards of ``account``."""
    ids = Unique()
    for item in value.items():
        fields = item.fields("a note", KEYS)
        record = card(account, fields.need("contactId"))
        note = Note(
            id=fields.need("id").identifier(ids),
            text=fields.need("note").rule(check_text, MAX_NOTE),
            private=fields.need("priv").boolean(),
            author=user(account, fields.need("author")),
            created_on=fields.need("createdOn").instant(),
        )
        account.notes.restore_saved(record, note)
