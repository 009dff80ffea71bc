"""The card's timeline of system events (seed 003 §14 [1], [12]; S1.4, S2.6, S2.7, S3,
S8.1, S9.1, S10.2, S12.1).

The platform lists on a contact card the actions the system took on the contact:
"creating / deleting the contact, assigning an owner or co-owner, etc." (seed 003
§14 [1]), and its dashboard timeline adds "a note added" (seed 003 [12]). The
platform has no public endpoint for it: the emulator offers it in Python
(`TimelineArea.of`) and through the control operation ``contacts/timeline``.

Each entry is recorded where its change happens, through the
`ContactObserver` hooks the areas
call (`KINDS` says which hook records which kind). An entry has a kind, the
instant (the account's injected clock; a creation the card's ``created_on``, a
deletion its ``deleted_at``) and the details the card shows, as ``(name, text)``
pairs. Entries follow the card: a soft delete keeps them, the purge, a permanent
delete or forget-me drops them with the card.

The creation entry is not stored (a million cards would each pay for it): it is
made from the card when read, always first, naming the user who created the card
(the main owner, or the earliest main owner the owner entries replaced). A
restore is placed right after the deletion it undoes, so a restoring write's own
entries (an opt-in) follow it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import ClassVar, Final

import attrs

from ..errors import (
    RULE_NOT_EMPTY,
    RULE_ONE_OF,
    RULE_REQUIRED,
    RULE_STRING,
    ContactNotFound,
    InvalidField,
)
from ._card import (
    CONFIRMATION_STATUSES,
    CONSENT_STATUSES,
    OPT_SOURCES,
    OWNER_LEVELS,
    Confirmation,
    ConsentState,
    ContactRecord,
)
from ._core import AccountArea, AccountCore

__all__ = [
    "CONTACT_CREATED",
    "CONTACT_DELETED",
    "CONTACT_RESTORED",
    "KINDS",
    "TimelineArea",
    "TimelineEntry",
    "check_entry",
]

CONTACT_CREATED: Final = "CONTACT_CREATED"
CONTACT_DELETED: Final = "CONTACT_DELETED"
CONTACT_RESTORED: Final = "CONTACT_RESTORED"
OWNER_ASSIGNED: Final = "OWNER_ASSIGNED"
OWNER_REMOVED: Final = "OWNER_REMOVED"
FUNNEL_STAGE_CHANGED: Final = "FUNNEL_STAGE_CHANGED"

_Detail = tuple[str, tuple[str, ...] | None]
"""A detail's name, and the texts it may hold (``None``: any non-empty text)."""
_TEXT: Final = None
_FLAG: Final = ("true", "false")

# kind -> (required details, optional details)
_SHAPES: Final[dict[str, tuple[tuple[_Detail, ...], tuple[_Detail, ...]]]] = {
    CONTACT_CREATED: ((("owner", _TEXT),), ()),
    CONTACT_DELETED: ((), ()),
    CONTACT_RESTORED: ((), ()),
    OWNER_ASSIGNED: (
        (("owner", _TEXT), ("level", OWNER_LEVELS)),
        (("previousLevel", OWNER_LEVELS),),
    ),
    OWNER_REMOVED: ((("owner", _TEXT), ("level", OWNER_LEVELS)), ()),
    "EMAIL_OPTED_IN": ((("source", OPT_SOURCES),), ()),
    "EMAIL_OPTED_OUT": ((("source", OPT_SOURCES),), ()),
    "PHONE_OPTED_IN": ((("source", OPT_SOURCES),), ()),
    "PHONE_OPTED_OUT": ((("source", OPT_SOURCES),), ()),
    "MARKED_INVALID": ((), ()),
    "INVALID_UNMARKED": ((), ()),
    "NOTE_ADDED": ((("noteId", _TEXT), ("author", _TEXT), ("private", _FLAG)), ()),
    "COUPON_GIVEN": ((("coupon", _TEXT), ("name", _TEXT)), ()),
    FUNNEL_STAGE_CHANGED: ((("funnel", _TEXT),), (("stage", _TEXT), ("previousStage", _TEXT))),
    "CONSENT_CHANGED": ((("consent", _TEXT), ("status", CONSENT_STATUSES)), ()),
    "DOUBLE_OPT_IN": ((("requestId", _TEXT), ("status", CONFIRMATION_STATUSES)), ()),
}

KINDS: Final[Mapping[str, str]] = {
    CONTACT_CREATED: "a card created (insert, upsert, an event or coupon for a new e-mail)",
    CONTACT_DELETED: "a soft delete (S3.1)",
    CONTACT_RESTORED: "a soft-deleted card restored (S3.2)",
    OWNER_ASSIGNED: "an owner added or its level changed, a new main owner (S1.4)",
    OWNER_REMOVED: "an owner removed (S1.5)",
    "EMAIL_OPTED_IN": "e-mail status to opt-in, with its S10.2 source",
    "EMAIL_OPTED_OUT": "e-mail status to opt-out, with its S10.2 source",
    "PHONE_OPTED_IN": "mobile-marketing status to opt-in (S2.7)",
    "PHONE_OPTED_OUT": "mobile-marketing status to opt-out (S2.7)",
    "MARKED_INVALID": "the address marked invalid (S2.6)",
    "INVALID_UNMARKED": "the invalid mark removed, the previous status back (S2.6)",
    "NOTE_ADDED": "a note added (S9.1, seed 003 [12])",
    "COUPON_GIVEN": "a coupon given (S8.1)",
    FUNNEL_STAGE_CHANGED: "joined, moved in or left a funnel (S12.1)",
    "CONSENT_CHANGED": "a named consent given, withdrawn or left unconfirmed (S10.1)",
    "DOUBLE_OPT_IN": "a double opt-in confirmation requested, confirmed or run out (S10)",
}
"""Every kind of entry, in the order they are documented, with what records it."""


@attrs.frozen(kw_only=True, weakref_slot=False)
class TimelineEntry:
    """One system event of a card."""

    kind: str
    """One of `KINDS`."""
    at: datetime
    """When it happened (aware)."""
    details: tuple[tuple[str, str], ...] = ()
    """What the card shows of it, ``(name, text)`` in a fixed order (``dict()`` them)."""


def check_entry(
    kind: object, details: Mapping[str, object]
) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The kind and details of an entry as stored, checked: InvalidField naming ``kind``
    or the detail (a required one missing, an unknown one, a value out of its choices or
    not a non-empty text)."""
    if not isinstance(kind, str) or kind not in _SHAPES:
        raise InvalidField("kind", RULE_ONE_OF.format(choices=", ".join(KINDS)))
    required, optional = _SHAPES[kind]
    known = [name for name, _ in (*required, *optional)]
    for name in details:
        if name not in known:
            raise InvalidField(name, RULE_ONE_OF.format(choices=", ".join(known) or "none"))
    out: list[tuple[str, str]] = []
    for name, choices in (*required, *optional):
        value = details.get(name)
        if value is None:
            if (name, choices) in required:
                raise InvalidField(name, RULE_REQUIRED)
            continue
        if not isinstance(value, str) or not value.strip():
            raise InvalidField(name, RULE_NOT_EMPTY if isinstance(value, str) else RULE_STRING)
        if choices is not None and value not in choices:
            raise InvalidField(name, RULE_ONE_OF.format(choices=", ".join(choices)))
        out.append((sys.intern(name), value))
    return sys.intern(kind), tuple(out)


def _entry(kind: str, at: datetime, **details: str | None) -> TimelineEntry:
    pairs = tuple((name, value) for name, value in details.items() if value is not None)
    return TimelineEntry(kind=kind, at=at, details=pairs)


def _creator(record: ContactRecord, stored: Sequence[TimelineEntry]) -> str:
    """The user who created the card: the first main owner an owner entry replaced."""
    for entry in stored:
        details = dict(entry.details)
        if (entry.kind == OWNER_ASSIGNED and details.get("previousLevel") == "MAIN") or (
            entry.kind == OWNER_REMOVED and details.get("level") == "MAIN"
        ):
            return details["owner"]
    return record.main_owner


class TimelineArea(AccountArea):
    """The system events of every card (seed 003 §14), kept on the card."""

    key: ClassVar[str] = "timeline"

    def __init__(self, account: AccountCore) -> None:
        """No entries yet (they live on the cards)."""
        super().__init__(account)

    # --- reads -------------------------------------------------------------------

    def stored(self, record: ContactRecord) -> list[TimelineEntry]:
        """The card's stored entries (all but the creation), oldest first."""
        held = record.extension(self.key)
        return list(held) if isinstance(held, list) else []

    def entries(self, record: ContactRecord) -> list[TimelineEntry]:
        """The card's timeline, oldest first: its creation, then every stored entry."""
        stored = self.stored(record)
        created = _entry(CONTACT_CREATED, record.created_on, owner=_creator(record, stored))
        return [created, *stored]

    def of(self, key: str, kinds: Iterable[str] | None = None) -> list[TimelineEntry]:
        """The timeline of the card ``key`` (e-mail or id), oldest first; only ``kinds``
        when given (InvalidField ``kinds`` for an unknown one).

        A soft-deleted card answers until the purge (S3.1); a missing one ->
        ContactNotFound.
        """
        wanted = None if kinds is None else frozenset(kinds)
        if wanted is not None and not wanted <= KINDS.keys():
            raise InvalidField("kinds", RULE_ONE_OF.format(choices=", ".join(KINDS)))
        record = self.account.find(key)
        if record is None:
            raise ContactNotFound(str(key))
        return [e for e in self.entries(record) if wanted is None or e.kind in wanted]

    # --- recording ---------------------------------------------------------------

    def _add(self, record: ContactRecord, entry: TimelineEntry) -> None:
        held = record.extension(self.key)
        if not isinstance(held, list):
            held = []
            record.set_extension(self.key, held)
        held.append(entry)

    def _now(self) -> datetime:
        return self.account.clock.now()

    def contact_deleted(self, record: ContactRecord) -> None:
        """A soft delete, at the card's ``deleted_at``."""
        at = record.deleted_at if record.deleted_at is not None else self._now()
        self._add(record, _entry(CONTACT_DELETED, at))

    def contact_restored(self, record: ContactRecord) -> None:
        """A restore, right after the deletion it undoes (before the restoring write's
        own entries, recorded while the write was applied)."""
        entry = _entry(CONTACT_RESTORED, self._now())
        held = record.extension(self.key)
        if not isinstance(held, list):
            self._add(record, entry)
            return
        last_delete = max(
            (i for i, e in enumerate(held) if e.kind == CONTACT_DELETED), default=len(held) - 1
        )
        held.insert(last_delete + 1, entry)

    def email_status_changed(self, record: ContactRecord, opted_out: bool, source: str) -> None:
        """E-mail opt-in or opt-out, with its source (S10.2)."""
        kind = "EMAIL_OPTED_OUT" if opted_out else "EMAIL_OPTED_IN"
        self._add(record, _entry(kind, self._now(), source=source))

    def phone_status_changed(self, record: ContactRecord, opted_out: bool, source: str) -> None:
        """Mobile-marketing opt-in or opt-out, with its source (S2.7)."""
        kind = "PHONE_OPTED_OUT" if opted_out else "PHONE_OPTED_IN"
        self._add(record, _entry(kind, self._now(), source=source))

    def invalid_status_changed(self, record: ContactRecord, invalid: bool) -> None:
        """The address marked invalid, or unmarked (S2.6)."""
        self._add(record, _entry("MARKED_INVALID" if invalid else "INVALID_UNMARKED", self._now()))

    def owner_assigned(
        self, record: ContactRecord, owner: str, level: str, previous: str | None
    ) -> None:
        """An owner added, or its level changed (S1.4)."""
        details = {"owner": owner, "level": level, "previousLevel": previous}
        self._add(record, _entry(OWNER_ASSIGNED, self._now(), **details))

    def owner_removed(self, record: ContactRecord, owner: str, level: str) -> None:
        """An owner removed (S1.5)."""
        self._add(record, _entry(OWNER_REMOVED, self._now(), owner=owner, level=level))

    def note_added(self, record: ContactRecord, note_id: str, author: str, private: bool) -> None:
        """A note added (S9.1, seed 003 [12])."""
        flag = "true" if private else "false"
        entry = _entry("NOTE_ADDED", self._now(), noteId=note_id, author=author, private=flag)
        self._add(record, entry)

    def coupon_given(self, record: ContactRecord, coupon: str, name: str) -> None:
        """A coupon given (S8.1)."""
        self._add(record, _entry("COUPON_GIVEN", self._now(), coupon=coupon, name=name))

    def funnel_stage_changed(
        self, record: ContactRecord, funnel: str, stage: str | None, previous: str | None
    ) -> None:
        """A funnel joined, a stage reached, or the funnel left (S12.1)."""
        entry = _entry(
            FUNNEL_STAGE_CHANGED, self._now(), funnel=funnel, stage=stage, previousStage=previous
        )
        self._add(record, entry)

    def consent_changed(self, record: ContactRecord, name: str, state: ConsentState) -> None:
        """A named consent got a new state (S10.1)."""
        self._add(record, _entry("CONSENT_CHANGED", self._now(), consent=name, status=state.status))

    def confirmation_changed(self, record: ContactRecord, confirmation: Confirmation) -> None:
        """A double opt-in confirmation requested, confirmed or run out, at the instant
        it happened (an expiry at its ``expires_at``, even when noticed later)."""
        at = confirmation.resolved_at or confirmation.requested_at
        entry = _entry(
            "DOUBLE_OPT_IN", at, requestId=confirmation.request_id, status=confirmation.status
        )
        self._add(record, entry)

    # --- state import ------------------------------------------------------------

    def restore_saved(self, record: ContactRecord, entry: TimelineEntry) -> None:
        """Put back ``entry`` of ``record`` as a state export saved it, after the card's
        others (a state import: nothing is checked here)."""
        self._add(record, entry)
