"""Notes on contacts (protocol §8.4; semantics S9.1)."""

from __future__ import annotations

from typing import Any, Final

from .._calls import Call, Endpoint, Envelope
from .._options import RequestOptions, Unpack
from .._validation import check_length
from ..errors import ValidationError
from ._base import AsyncAPIResource, SyncAPIResource
from ._keys import contact_key

__all__ = ["AsyncNotes", "Notes"]

# Not idempotent: a repeat adds a second note.
ADD_NOTE: Final = Endpoint("/api/contact/addNote", idempotent=False)

#: The longest note, in characters (semantics S9.1).
MAX_NOTE: Final = 1024


def _messages(envelope: Envelope) -> list[str] | None:
    raw = envelope.get("message")
    if isinstance(raw, list) and raw:
        return [str(m) for m in raw]
    return None


def add_call(
    note: str, email: str | None, contact_id: str | None, private: bool
) -> Call[list[str] | None]:
    """Add a note (≤ 1024 characters, never shortened) to one existing contact."""
    body: dict[str, Any] = contact_key(email, contact_id)
    if not isinstance(note, str) or not note.strip():
        raise ValidationError("note", "must be a non-empty text")
    check_length(note, "note", MAX_NOTE)
    body["note"] = note
    body["priv"] = bool(private)
    return Call(ADD_NOTE, body, _messages)


class Notes(SyncAPIResource):
    """Notes on contacts (semantics S9.1)."""

    def add(
        self,
        note: str,
        *,
        email: str | None = None,
        contact_id: str | None = None,
        private: bool = False,
        **options: Unpack[RequestOptions],
    ) -> list[str] | None:
        """Add ``note`` (at most 1024 characters; longer raises ValidationError) to the
        contact named by ``email`` or ``contact_id``; ``private`` makes it visible to its
        author only. Returns the platform's informative messages, or ``None``. Not
        retried once it may have landed."""
        return self._with(options)._execute(add_call(note, email, contact_id, private))


class AsyncNotes(AsyncAPIResource):
    """Notes on contacts (semantics S9.1)."""

    async def add(
        self,
        note: str,
        *,
        email: str | None = None,
        contact_id: str | None = None,
        private: bool = False,
        **options: Unpack[RequestOptions],
    ) -> list[str] | None:
        """Add ``note`` (at most 1024 characters; longer raises ValidationError) to the
        contact named by ``email`` or ``contact_id``; ``private`` makes it visible to its
        author only. Returns the platform's informative messages, or ``None``. Not
        retried once it may have landed."""
        return await self._with(options)._execute(add_call(note, email, contact_id, private))
