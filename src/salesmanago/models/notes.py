"""Note models (protocol §8.4; semantics S9.1)."""

from __future__ import annotations

from datetime import datetime

import attrs

from .._converter import wire

__all__ = ["ContactNote"]


@attrs.frozen(kw_only=True)
class ContactNote:
    """A note as read back with a contact's full data (``contactNotes[]``).

    The platform's note shape was never observed (protocol §8.4), so every field
    is optional, the id too.
    """

    note_id: str | None = attrs.field(default=None, metadata=wire(name="id"))
    note: str | None = None
    private: bool | None = attrs.field(default=None, metadata=wire(name="priv"))
    date: datetime | None = None
    owner: str | None = None
