"""Notes on contacts (protocol §8.4; S9.1): ``addNote``, and ``contactNotes`` of the card.

A note holds at most 1024 characters and may be private (``priv``);
``addNote`` is owner-bound.
"""

from __future__ import annotations

from typing import Any, Final

from ..errors import TEXT_NOTE_ADDED
from ..state._card import ContactRecord
from ..state.account import Account
from ._base import RequestContext, RouteTable
from ._keys import contact_key
from ._parse import Body, opt_bool, req_str, to_ms

__all__ = ["card_notes", "table"]

table: Final = RouteTable("notes")
"""The notes route."""


@table.route("/api/contact/addNote")
def add_note(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Add ``note`` (at most 1024 characters), private with ``priv``, to a contact (S9.1)."""
    key = contact_key(body)
    text = req_str(body, "note")
    private = bool(opt_bool(body, "priv"))
    ctx.account.notes.add(key, text, owner=ctx.owner, private=private)
    return {"message": [TEXT_NOTE_ADDED]}


def card_notes(account: Account, record: ContactRecord) -> list[dict[str, Any]]:
    """``contactNotes``: every note of the contact, oldest first; private ones flagged
    ``priv`` with their author."""
    return [
        {
            "id": note.id,
            "note": note.text,
            "priv": note.private,
            "date": to_ms(note.created_on),
            "owner": note.author,
        }
        for note in account.notes.of(record)
    ]
