"""The core of an :class:`~salesmanago_emulator.state.account.Account`: users, purge, reads.

Split from ``account.py`` to keep modules small; see that module for the whole
picture. :class:`AccountBase` holds the account's configuration and store, runs
the nightly purge before every operation (S3.4), answers the reads, and has
the helpers every write uses.
"""

from __future__ import annotations

import os
import random
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Final, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..clock import Clock
from ..errors import (
    INVALID_OWNER,
    RULE_AWARE,
    AuthenticationFailed,
    ContactNotFound,
    InvalidField,
    ReadOnlyOwner,
)
from .area import AccountArea
from .contacts import ContactRecord, OptChange, TagEntry
from .normalize import normalize_email, validate_email
from .observers import HOOKS, ContactObserver
from .store import ContactStore

__all__ = ["AccountBase"]

_A = TypeVar("_A", bound=AccountArea)


_ids = random.Random(os.urandom(16))  # ids need uniqueness, not secrecy; 3x faster than uuid4
# Of 128 random bits, keep all but the version nibble and the two variant bits, then set
# those: version 4, variant RFC 4122 (10xx).
_KEEP: Final = ~((0xF << 76) | (0x3 << 62)) & ((1 << 128) - 1)
_VERSION_VARIANT: Final = (0x4 << 76) | (0x2 << 62)


def _new_id() -> str:
    """A random (version 4) UUID string, lower case: 8-4-4-4-12 hex digits."""
    raw = (_ids.getrandbits(128) & _KEEP | _VERSION_VARIANT).to_bytes(16, "big")
    return f"{raw[:4].hex()}-{raw[4:10].hex('-', 2)}-{raw[10:].hex()}"


class AccountBase:
    """Configuration, store, purge and reads of an account; the base of ``Account``."""

    client_id: str
    """The account id the requests carry."""
    api_secret: str
    """The secret the request ``sha`` is computed from (never sent)."""
    users: tuple[str, ...]
    """Normalised e-mails of the platform users; the valid ``owner`` values."""
    timezone: ZoneInfo
    """The account time zone: the nightly purge runs at 02:00 here (S3.1)."""
    clock: Clock
    """Where every timestamp comes from."""
    extensions: dict[str, object]
    """Account-level state of later areas (funnels, campaigns, ...), keyed by area."""

    def __init__(
        self,
        client_id: str,
        api_secret: str,
        users: Sequence[str],
        *,
        timezone: str | ZoneInfo = "Europe/Warsaw",
        clock: Clock,
        id_factory: Callable[[], str] | None = None,
    ) -> None:
        """Create an empty account.

        ``users`` must name at least one valid e-mail; ``timezone`` is an IANA
        name or a ``ZoneInfo``; ``id_factory`` makes contact ids (default: a
        random lower-case UUID). Bad arguments raise ``ValueError``.
        """
        if not isinstance(client_id, str) or not client_id.strip():
            raise ValueError("client_id must be a non-empty string")
        if not isinstance(api_secret, str) or not api_secret:
            raise ValueError("api_secret must be a non-empty string")
        if isinstance(users, str) or not users:
            raise ValueError("users must be a non-empty sequence of e-mail addresses")
        normalised: dict[str, None] = {}
        for index, user in enumerate(users):
            try:
                normalised[sys.intern(validate_email(user, f"users[{index}]"))] = None
            except InvalidField as err:
                raise ValueError(str(err)) from None
        if isinstance(timezone, str):
            try:
                timezone = ZoneInfo(timezone)
            except (ZoneInfoNotFoundError, ValueError) as err:
                raise ValueError(f"unknown time zone {timezone!r}") from err
        if not isinstance(timezone, ZoneInfo):
            raise ValueError("timezone must be an IANA name or a ZoneInfo")
        self.client_id = client_id
        self.api_secret = api_secret
        self.users = tuple(normalised)
        self._user_set = frozenset(self.users)
        self.timezone = timezone
        self.clock = clock
        self.extensions = {}
        self._new_id = id_factory or _new_id
        self._store = ContactStore()
        self._consents: dict[str, str] = {}
        # hook name -> the observers overriding it (see observers.HOOKS)
        self._hooks: dict[str, list[ContactObserver]] = {name: [] for name in HOOKS}
        self._areas: list[AccountArea] = []

    def __repr__(self) -> str:
        name = type(self).__name__
        return f"<{name} {self.client_id} users={len(self.users)} contacts={self._store.live}>"

    # --- users, observers, reset -------------------------------------------------

    def is_user(self, email: str) -> bool:
        """Whether ``email`` (any case) is a user of this account (a valid ``owner``)."""
        return isinstance(email, str) and normalize_email(email) in self._user_set

    def add_user(self, email: str) -> str:
        """Add a platform user; returns the normalised e-mail (InvalidField ``user`` if bad)."""
        user = sys.intern(validate_email(email, "user"))
        if user not in self._user_set:
            self.users = (*self.users, user)
            self._user_set = frozenset(self.users)
        return user

    def add_observer(self, observer: ContactObserver) -> None:
        """Call ``observer``'s hooks after every contact change from now on (only the
        hooks it overrides: the no-ops of :class:`ContactObserver` are not called)."""
        for name, observers in self._hooks.items():
            if getattr(type(observer), name) is not getattr(ContactObserver, name):
                observers.append(observer)

    def _attach(self, area: _A) -> _A:
        """Register ``area``: it observes contact changes, is reset and snapshotted."""
        self._areas.append(area)
        self.add_observer(area)
        return area

    @property
    def areas(self) -> tuple[AccountArea, ...]:
        """The account's areas beyond the card, in the order they were attached."""
        return tuple(self._areas)

    def reset(self) -> None:
        """Forget every contact, consent and area state; users and credentials stay."""
        self._store.clear()
        self._consents.clear()
        self.extensions.clear()
        for area in self._areas:
            area.reset()

    # --- time and purge ----------------------------------------------------------

    def _tick(self) -> datetime:
        now = self.clock.now()
        if self._store.purges.is_due(now):
            self._purge(now)
        return now

    def _purge(self, now: datetime) -> list[ContactRecord]:
        store = self._store
        purged: list[ContactRecord] = []
        for contact_id, deleted_at in store.purges.pop_due(now):
            record = store.by_id.get(contact_id)
            if record is not None and record.deleted and record.deleted_at == deleted_at:
                store.remove(record)
                purged.append(record)
        for record in purged:
            self._removed(record)
        return purged

    def run_due_purge(self) -> list[ContactRecord]:
        """Purge now every soft-deleted contact whose 02:00 has passed; returns them (S3.4)."""
        return self._purge(self.clock.now())

    def next_purge(self) -> datetime | None:
        """The earliest pending purge instant (UTC), or ``None`` (may be a restored contact's)."""
        self._tick()
        return self._store.purges.earliest()

    # --- reads -------------------------------------------------------------------

    def find(self, key: str) -> ContactRecord | None:
        """The card with this e-mail or id, soft-deleted ones included until purged (S3.1)."""
        self._tick()
        return self._store.lookup(key) if isinstance(key, str) else None

    def find_live_by(self, kind: str, value: str) -> ContactRecord | None:
        """The live card an ``EMAIL`` or ``CONTACT_ID`` addressee names, or ``None``.

        Unlike :meth:`find`, the value must be of the kind given: an
        ``EMAIL`` addressee holding a contact id (or the reverse) names
        nobody; a soft-deleted card names nobody either (S3.1). Any other
        ``kind`` -> ``ValueError``.
        """
        if kind not in ("EMAIL", "CONTACT_ID"):
            raise ValueError(f"kind must be EMAIL or CONTACT_ID, not {kind!r}")
        self._tick()
        if not isinstance(value, str):
            return None
        if kind == "EMAIL":
            record = self._store.by_email.get(normalize_email(value))
        else:
            record = self._store.by_id.get(value.strip().lower())
        return None if record is None or record.deleted else record

    def find_live(self, key: str) -> ContactRecord:
        """The live card with this e-mail or id; ContactNotFound if missing or soft-deleted."""
        self._tick()
        return self._live(key)

    def _live(self, key: str) -> ContactRecord:
        record = self._store.lookup(key) if isinstance(key, str) else None
        if record is None or record.deleted:
            raise ContactNotFound(str(key))
        return record

    def has_contact(self, email: str) -> str | None:
        """The id of the live card with this e-mail; ``None`` if missing or soft-deleted (S3.1)."""
        self._tick()
        record = (
            self._store.by_email.get(normalize_email(email)) if isinstance(email, str) else None
        )
        return None if record is None or record.deleted else record.id

    def live_contacts(self) -> Iterator[ContactRecord]:
        """Every live card (soft-deleted ones excluded), oldest first; a snapshot."""
        self._tick()
        return iter([r for r in self._store.by_id.values() if not r.deleted])

    def live_tagged(self, tags: Iterable[str]) -> list[ContactRecord]:
        """Every live card carrying any of ``tags`` (normalised names), oldest first.

        Soft-deleted cards are left out (S3.1); no tags -> an empty list.
        """
        wanted = frozenset(tags)
        self._tick()
        if not wanted:
            return []
        return [
            r for r in self._store.by_id.values() if not r.deleted and not wanted.isdisjoint(r.tags)
        ]

    def all_contacts(self) -> Iterator[ContactRecord]:
        """Every card including soft-deleted ones awaiting the purge; a snapshot."""
        self._tick()
        return iter(list(self._store.by_id.values()))

    def count(self) -> int:
        """Number of live cards (S3.1: soft-deleted ones do not count)."""
        self._tick()
        return self._store.live

    def created_between(self, start: datetime, end: datetime) -> list[ContactRecord]:
        """Live cards created in ``[start, end]``, ordered by (creation time, id)."""
        return self._between("created_on", start, end)

    def modified_between(self, start: datetime, end: datetime) -> list[ContactRecord]:
        """Live cards last modified in ``[start, end]``, ordered by (modification time, id)."""
        return self._between("modified_on", start, end)

    def _between(
        self, attr: Literal["created_on", "modified_on"], start: datetime, end: datetime
    ) -> list[ContactRecord]:
        for value, name in ((start, "from"), (end, "to")):
            if value.tzinfo is None or value.utcoffset() is None:
                raise InvalidField(name, RULE_AWARE)
        self._tick()
        by_id = self._store.by_id
        index = self._store.created if attr == "created_on" else self._store.modified

        def valid(when: datetime, contact_id: str) -> bool:
            record = by_id.get(contact_id)
            return record is not None and not record.deleted and getattr(record, attr) == when

        return [by_id[i] for i in index.between(start, end, valid)]

    def is_owner(self, record: ContactRecord, email: str) -> bool:
        """Whether ``email`` owns ``record`` at any level (S1.7)."""
        return isinstance(email, str) and record.owner_level(normalize_email(email)) is not None

    # --- helpers for writes ------------------------------------------------------

    def _owner(self, owner: str) -> str:
        user = normalize_email(owner) if isinstance(owner, str) else ""
        if user not in self._user_set:
            raise AuthenticationFailed(INVALID_OWNER)
        return sys.intern(user)

    def _check_may_write(self, record: ContactRecord, owner: str | None) -> None:
        if owner is not None and record.owner_level(owner) == "READ_ONLY":
            raise ReadOnlyOwner(owner, record.email)

    def _saved(self, record: ContactRecord, *, created: bool = False) -> None:
        for observer in self._hooks["contact_saved"]:
            observer.contact_saved(record, created=created)

    def _deleted(self, record: ContactRecord) -> None:
        for observer in self._hooks["contact_deleted"]:
            observer.contact_deleted(record)

    def _restored(self, record: ContactRecord) -> None:
        for observer in self._hooks["contact_restored"]:
            observer.contact_restored(record)

    def _removed(self, record: ContactRecord) -> None:
        for observer in self._hooks["contact_removed"]:
            observer.contact_removed(record)

    def _set_email_status(
        self, record: ContactRecord, opted_out: bool, source: str, now: datetime
    ) -> bool:
        if record.opted_out == opted_out:
            return False
        record.opted_out = opted_out
        if record.invalid:
            record.status_before_invalid = opted_out
        record.add_opt_change(
            OptChange(
                at=now, channel="EMAIL", status="OPT_OUT" if opted_out else "OPT_IN", source=source
            )
        )
        for observer in self._hooks["email_status_changed"]:
            observer.email_status_changed(record, opted_out, source)
        return True

    def _set_phone_status(
        self, record: ContactRecord, opted_out: bool, source: str, now: datetime
    ) -> bool:
        if record.opted_out_phone == opted_out:
            return False
        record.opted_out_phone = opted_out
        record.add_opt_change(
            OptChange(
                at=now, channel="PHONE", status="OPT_OUT" if opted_out else "OPT_IN", source=source
            )
        )
        return True

    def _add_tags(
        self, record: ContactRecord, tags: Iterable[str], scoring: bool, now: datetime
    ) -> bool:
        changed = False
        current = record.tags
        fresh: TagEntry | None = None  # immutable: one object serves every new tag of a call
        for tag in tags:
            entry = current.get(tag)
            if entry is None:
                if fresh is None:
                    fresh = TagEntry(1 if scoring else 0, now)
                self._store.put_tag(record, tag, fresh, now)
                changed = True
            elif scoring:
                self._store.put_tag(record, tag, TagEntry(entry.score + 1, entry.created_on), now)
                changed = True
        return changed

    def _remove_tags(self, record: ContactRecord, tags: Iterable[str]) -> bool:
        changed = False
        for tag in tags:
            changed = self._store.drop_tag(record, tag) or changed
        return changed

    def _change(self, key: str, apply: Callable[[ContactRecord, datetime], bool]) -> ContactRecord:
        """Run ``apply`` on the live card ``key``; touch and notify only if it changed something."""
        now = self._tick()
        record = self._live(key)
        if apply(record, now):
            self._store.touch(record, now)
            self._saved(record)
        return record
