"""The core of an account: configuration, clock, the contact store and its reads,
the nightly purge, and the base of every area.

`AccountCore` holds what every area needs and nothing an area owns:
the credentials and time zone, the clock, the card store with its indexes,
the observers, and the reads of the cards (``find``, ``count``, ranges, ...).
It runs the nightly purge before every operation (S3.4). The areas (contacts,
tags, users, opt-in, scoring, events, coupons, ...) are
[`AccountArea`][salesmanago_emulator.state.AccountArea] subclasses composed by
[`Account`][salesmanago_emulator.Account]; each gets the core and,
through its constructor, the other areas it calls.
"""

from __future__ import annotations

import collections
import hashlib
import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import ClassVar, Final, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..clock import Clock
from ..errors import RULE_AWARE, RULE_ONE_OF, ContactNotFound, InvalidField, ReadOnlyOwner
from ._card import Confirmation, ConsentState, ContactRecord
from ._normalize import normalize_email
from ._observers import HOOKS, ContactObserver
from ._store import ContactStore

__all__ = ["AccountArea", "AccountCore"]

_A = TypeVar("_A", bound="AccountArea")


_ID_BATCH: Final = 512
"""How many ids `_new_id` makes in one go (`_id_batch`)."""
# Random byte -> hex digit (its low four bits), and -> the variant digit 8, 9, a or b
# (RFC 4122: 10xx), both uniform since 256 is a multiple of 16.
_HEX_DIGIT: Final = bytes(b"0123456789abcdef"[b & 15] for b in range(256))
_VARIANT_DIGIT: Final = bytes(b"89ab"[b & 3] for b in range(256))
# The fixed characters of an id laid out in 37 bytes (36 and a separating space):
# position -> the byte every id has there.
_FIXED: Final = ((8, b"-"), (13, b"-"), (14, b"4"), (18, b"-"), (23, b"-"), (36, b" "))


def _id_batch() -> list[str]:
    """`_ID_BATCH` random (version 4) UUID strings, lower case: 8-4-4-4-12 hex digits.

    One ``os.urandom`` call and a few byte-string operations for the whole batch
    (about a third of the time of formatting each id on its own): each id is laid
    out in 37 random bytes, each byte mapped to a hex digit, then the dashes, the
    version digit ``4`` and the variant digit written over their places. Every
    other digit is uniform and independent: 122 random bits per id, as in ``uuid4``.
    """
    raw = os.urandom(37 * _ID_BATCH)
    text = bytearray(raw.translate(_HEX_DIGIT))
    text[19::37] = raw[19::37].translate(_VARIANT_DIGIT)
    for at, char in _FIXED:
        text[at::37] = char * _ID_BATCH
    return text.decode("ascii").split()


class _Ids:
    """The ids of the current `_id_batch`, handed out one by one by `next` (a new batch
    once it is used up). A forked child starts a batch of its own (`os.register_at_fork`),
    so a parent and its child never hand out the same ids.

    `next` is one C-level callable for the life of the process (a chain over the
    batches' iterators): the default id factory is that callable itself, with no
    Python frame per id. `restart` empties the current batch's iterator in place,
    so the chain's next call starts a new batch.
    """

    def __init__(self) -> None:
        self._current: Iterator[str] = iter(())
        self.next: Callable[[], str] = itertools.chain.from_iterable(
            iter(self._next_batch, None)
        ).__next__

    def _next_batch(self) -> Iterator[str]:
        self._current = iter(_id_batch())
        return self._current

    def restart(self) -> None:
        """Drop what is left of the current batch."""
        collections.deque(self._current, maxlen=0)


_IDS: Final = _Ids()
if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork
    os.register_at_fork(after_in_child=_IDS.restart)

_new_id: Final[Callable[[], str]] = _IDS.next
"""A random (version 4) UUID string, lower case: the next of `_IDS` (a C-level call)."""


def _zone(timezone: str | ZoneInfo) -> ZoneInfo:
    if isinstance(timezone, str):
        try:
            return ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as err:
            raise ValueError(f"unknown time zone {timezone!r}") from err
    if not isinstance(timezone, ZoneInfo):
        raise ValueError("timezone must be an IANA name or a ZoneInfo")
    return timezone


class AccountArea(ContactObserver):
    """One area of an account; subclasses set [`key`][salesmanago_emulator.state.AccountArea.key]
    and override what they keep.

    An area is pure state: no HTTP, no JSON. It follows contact changes
    through the `ContactObserver`
    hooks it overrides, is emptied by [`reset`][salesmanago_emulator.state.AccountArea.reset], and
    keeps per-contact data on the card with `extension`
    under its [`key`][salesmanago_emulator.state.AccountArea.key]. Its export and import live in
    `salesmanago_emulator.snapshot` (one module per area, named as the area).
    """

    key: ClassVar[str] = ""
    """The area's name: the SDK resource it answers, and its key in the cards' extensions."""

    def __init__(self, account: AccountCore) -> None:
        """An empty area of ``account`` (the account attaches it as an observer)."""
        self.account = account

    def reset(self) -> None:
        """Forget everything this area holds (the cards' extensions are dropped with the cards)."""


class AccountCore:
    """Configuration, clock, card store, observers, purge and reads of one account."""

    client_id: str
    """The account id the requests carry."""
    api_secret: str
    """The secret the request ``sha`` is computed from (never sent)."""
    timezone: ZoneInfo
    """The account time zone: the nightly purge runs at 02:00 here (S3.1)."""
    clock: Clock
    """Where every timestamp comes from."""
    store: ContactStore
    """The cards and their indexes; areas change cards through the core's helpers."""

    def __init__(
        self,
        client_id: str,
        api_secret: str,
        *,
        timezone: str | ZoneInfo = "Europe/Warsaw",
        clock: Clock,
        id_factory: Callable[[], str] | None = None,
    ) -> None:
        """An empty account core.

        ``timezone`` is an IANA name or a ``ZoneInfo``; ``id_factory`` makes
        contact and item ids (default: a random lower-case UUID). Bad
        arguments raise ``ValueError``.
        """
        if not isinstance(client_id, str) or not client_id.strip():
            raise ValueError("client_id must be a non-empty string")
        if not isinstance(api_secret, str) or not api_secret:
            raise ValueError("api_secret must be a non-empty string")
        self.client_id = client_id
        self.api_secret = api_secret
        self.timezone = _zone(timezone)
        self.clock = clock
        self.new_id: Callable[[], str] = id_factory or _new_id
        """Make a new id (contacts, events, notes, tasks, ...)."""
        self.store = ContactStore()
        # hook name -> the observers overriding it (see _observers.HOOKS)
        self._hooks: dict[str, list[ContactObserver]] = {name: [] for name in HOOKS}
        self._areas: list[AccountArea] = []
        # Timed work of the areas (scheduled sends, ...): run by tick() once due, like
        # the purge; ``_due_at`` is the earliest instant any of it waits for.
        self._due_work: list[Callable[[datetime], datetime | None]] = []
        self._due_at: datetime | None = None
        self._name_order = 1

    def __repr__(self) -> str:
        name = type(self).__name__
        return f"<{name} {self.client_id} contacts={self.store.live}>"

    @property
    def name_order(self) -> int:
        """Where the first name stands in a card's name field: ``1`` before the last name
        (``Anna Kowalska``), ``2`` after it (``Kowalska Anna``). The Contact Manager's
        gender detection reads it (S15.5); a new account says 1."""
        return self._name_order

    @name_order.setter
    def name_order(self, value: int) -> None:
        if isinstance(value, bool) or value not in (1, 2):
            raise InvalidField("nameOrder", RULE_ONE_OF.format(choices="1, 2"))
        self._name_order = value

    def signature(self, api_key: str) -> str:
        """The ``sha`` a request with ``api_key`` carries: lower-case hex
        SHA1(apiKey + clientId + apiSecret) (protocol §2.2)."""
        text = api_key + self.client_id + self.api_secret
        return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()

    # --- areas and observers -----------------------------------------------------

    def add_observer(self, observer: ContactObserver) -> None:
        """Call ``observer``'s hooks after every contact change from now on (only the
        hooks it overrides: the no-ops of `ContactObserver` are not called)."""
        for name, observers in self._hooks.items():
            if getattr(type(observer), name) is not getattr(ContactObserver, name):
                observers.append(observer)

    def attach(self, area: _A) -> _A:
        """Register ``area``: it observes contact changes and is reset with the account."""
        self._areas.append(area)
        self.add_observer(area)
        return area

    @property
    def areas(self) -> tuple[AccountArea, ...]:
        """The account's areas, in the order they were attached."""
        return tuple(self._areas)

    def reset(self) -> None:
        """Forget every contact and every area's state; credentials and users stay."""
        self.store.clear()
        for area in self._areas:
            area.reset()

    def notify_saved(self, record: ContactRecord, *, created: bool = False) -> None:
        """Tell the observers a live card was created or changed."""
        for observer in self._hooks["contact_saved"]:
            observer.contact_saved(record, created=created)

    def notify_deleted(self, record: ContactRecord) -> None:
        """Tell the observers a card was soft-deleted."""
        for observer in self._hooks["contact_deleted"]:
            observer.contact_deleted(record)

    def notify_restored(self, record: ContactRecord) -> None:
        """Tell the observers a soft-deleted card was restored."""
        for observer in self._hooks["contact_restored"]:
            observer.contact_restored(record)

    def notify_removed(self, record: ContactRecord) -> None:
        """Tell the observers a card is gone for good."""
        for observer in self._hooks["contact_removed"]:
            observer.contact_removed(record)

    def notify_email_status(self, record: ContactRecord, opted_out: bool, source: str) -> None:
        """Tell the observers the card's e-mail status changed (S10.2 ``source``)."""
        for observer in self._hooks["email_status_changed"]:
            observer.email_status_changed(record, opted_out, source)

    def notify_owner_assigned(
        self, record: ContactRecord, owner: str, level: str, previous: str | None
    ) -> None:
        """Tell the observers ``owner`` now owns the card at ``level`` (was ``previous``)."""
        for observer in self._hooks["owner_assigned"]:
            observer.owner_assigned(record, owner, level, previous)

    def notify_owner_removed(self, record: ContactRecord, owner: str, level: str) -> None:
        """Tell the observers ``owner`` (at ``level``) no longer owns the card."""
        for observer in self._hooks["owner_removed"]:
            observer.owner_removed(record, owner, level)

    def notify_phone_status(self, record: ContactRecord, opted_out: bool, source: str) -> None:
        """Tell the observers the card's mobile-marketing status changed."""
        for observer in self._hooks["phone_status_changed"]:
            observer.phone_status_changed(record, opted_out, source)

    def notify_invalid_status(self, record: ContactRecord, invalid: bool) -> None:
        """Tell the observers the card's address was marked (or unmarked) invalid."""
        for observer in self._hooks["invalid_status_changed"]:
            observer.invalid_status_changed(record, invalid)

    def notify_note_added(
        self, record: ContactRecord, note_id: str, author: str, private: bool
    ) -> None:
        """Tell the observers a note was added to the card."""
        for observer in self._hooks["note_added"]:
            observer.note_added(record, note_id, author, private)

    def notify_coupon_given(self, record: ContactRecord, coupon: str, name: str) -> None:
        """Tell the observers the card was given a coupon."""
        for observer in self._hooks["coupon_given"]:
            observer.coupon_given(record, coupon, name)

    def notify_funnel_stage(
        self, record: ContactRecord, funnel: str, stage: str | None, previous: str | None
    ) -> None:
        """Tell the observers the card's stage in ``funnel`` changed (``None``: not in it)."""
        for observer in self._hooks["funnel_stage_changed"]:
            observer.funnel_stage_changed(record, funnel, stage, previous)

    def notify_consent(self, record: ContactRecord, name: str, state: ConsentState) -> None:
        """Tell the observers a named consent of the card changed (S10.1)."""
        for observer in self._hooks["consent_changed"]:
            observer.consent_changed(record, name, state)

    def notify_confirmation(self, record: ContactRecord, confirmation: Confirmation) -> None:
        """Tell the observers a double opt-in confirmation was requested, confirmed or ran out."""
        for observer in self._hooks["confirmation_changed"]:
            observer.confirmation_changed(record, confirmation)

    # --- time and purge ----------------------------------------------------------

    def tick(self) -> datetime:
        """The clock's time, after running the areas' due work (scheduled sends) and
        the nightly purge if they are due (S3.4)."""
        now = self.clock.now()
        if self._due_at is not None and self._due_at <= now:
            self._run_due(now)
        if self.store.purges.is_due(now):
            self._purge(now)
        return now

    def add_due_work(self, work: Callable[[datetime], datetime | None]) -> None:
        """Run ``work(now)`` from [`tick`][salesmanago_emulator.Account.tick] once the clock reaches
        an instant it asked for with [`schedule_due`][salesmanago_emulator.Account.schedule_due]; it
        answers its next instant, or ``None``.

        Due work runs before the purge, and must not call
        [`tick`][salesmanago_emulator.Account.tick] (it reads the store directly): the purge that
        follows sees what it did.
        """
        self._due_work.append(work)

    def schedule_due(self, instant: datetime) -> None:
        """Make [`tick`][salesmanago_emulator.Account.tick] run the due work once the clock reaches
        ``instant``."""
        if self._due_at is None or instant < self._due_at:
            self._due_at = instant

    def _run_due(self, now: datetime) -> None:
        self._due_at = None
        for work in self._due_work:
            following = work(now)
            if following is not None:
                self.schedule_due(following)

    def _purge(self, now: datetime) -> list[ContactRecord]:
        store = self.store
        purged: list[ContactRecord] = []
        for contact_id, deleted_at in store.purges.pop_due(now):
            record = store.by_id.get(contact_id)
            if record is not None and record.deleted and record.deleted_at == deleted_at:
                store.remove(record)
                purged.append(record)
        for record in purged:
            self.notify_removed(record)
        return purged

    def run_due_purge(self) -> list[ContactRecord]:
        """Purge now every soft-deleted contact whose 02:00 has passed; returns them (S3.4)."""
        return self._purge(self.clock.now())

    def next_purge(self) -> datetime | None:
        """The earliest pending purge instant (UTC), or ``None`` (may be a restored contact's)."""
        self.tick()
        return self.store.purges.earliest()

    # --- reads -------------------------------------------------------------------

    def find(self, key: str) -> ContactRecord | None:
        """The card with this e-mail or id, soft-deleted ones included until purged (S3.1)."""
        self.tick()
        return self.store.lookup(key) if isinstance(key, str) else None

    def find_live_by(self, kind: str, value: str) -> ContactRecord | None:
        """The live card an ``EMAIL`` or ``CONTACT_ID`` addressee names, or ``None``.

        Unlike [`find`][salesmanago_emulator.Account.find], the value must be of the kind given: an
        ``EMAIL`` addressee holding a contact id (or the reverse) names
        nobody; a soft-deleted card names nobody either (S3.1). Any other
        ``kind`` -> ``ValueError``.
        """
        record = self.find_by(kind, value)
        return None if record is None or record.deleted else record

    def find_by(self, kind: str, value: str) -> ContactRecord | None:
        """Like [`find_live_by`][salesmanago_emulator.Account.find_live_by], a soft-deleted card
        included (until purged)."""
        if kind not in ("EMAIL", "CONTACT_ID"):
            raise ValueError(f"kind must be EMAIL or CONTACT_ID, not {kind!r}")
        self.tick()
        if not isinstance(value, str):
            return None
        if kind == "EMAIL":
            return self.store.by_email.get(normalize_email(value))
        return self.store.by_id.get(value.strip().lower())

    def find_live(self, key: str) -> ContactRecord:
        """The live card with this e-mail or id; ContactNotFound if missing or soft-deleted."""
        self.tick()
        return self.live(key)

    def live(self, key: str) -> ContactRecord:
        """Like [`find_live`][salesmanago_emulator.Account.find_live] without the purge check (the
        caller just ran [`tick`][salesmanago_emulator.Account.tick])."""
        record = self.store.lookup(key) if isinstance(key, str) else None
        if record is None or record.deleted:
            raise ContactNotFound(str(key))
        return record

    def has_contact(self, email: str) -> str | None:
        """The id of the live card with this e-mail; ``None`` if missing or soft-deleted (S3.1)."""
        self.tick()
        record = self.store.by_email.get(normalize_email(email)) if isinstance(email, str) else None
        return None if record is None or record.deleted else record.id

    def live_contacts(self) -> Iterator[ContactRecord]:
        """Every live card (soft-deleted ones excluded), oldest first; a snapshot."""
        self.tick()
        return iter([r for r in self.store.by_id.values() if not r.deleted])

    def live_tagged(self, tags: Iterable[str]) -> list[ContactRecord]:
        """Every live card carrying any of ``tags`` (normalised names), oldest first.

        Soft-deleted cards are left out (S3.1); no tags -> an empty list.
        """
        wanted = frozenset(tags)
        self.tick()
        if not wanted:
            return []
        return [
            r for r in self.store.by_id.values() if not r.deleted and not wanted.isdisjoint(r.tags)
        ]

    def all_contacts(self) -> Iterator[ContactRecord]:
        """Every card including soft-deleted ones awaiting the purge; a snapshot."""
        self.tick()
        return iter(list(self.store.by_id.values()))

    def count(self) -> int:
        """Number of live cards (S3.1: soft-deleted ones do not count)."""
        self.tick()
        return self.store.live

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
        self.tick()
        by_id = self.store.by_id
        index = self.store.created if attr == "created_on" else self.store.modified

        def valid(when: datetime, contact_id: str) -> bool:
            record = by_id.get(contact_id)
            return record is not None and not record.deleted and getattr(record, attr) == when

        return [by_id[i] for i in index.between(start, end, valid)]

    def is_owner(self, record: ContactRecord, email: str) -> bool:
        """Whether ``email`` owns ``record`` at any level (S1.7)."""
        return isinstance(email, str) and record.owner_level(normalize_email(email)) is not None

    # --- helpers for the areas' writes -------------------------------------------

    @staticmethod
    def check_may_write(record: ContactRecord, owner: str | None) -> None:
        """ReadOnlyOwner if ``owner`` (a normalised user, or ``None``) owns ``record``
        read-only (S1.6)."""
        if owner is not None and record.owner_level(owner) == "READ_ONLY":
            raise ReadOnlyOwner(owner, record.email)

    def change(self, key: str, apply: Callable[[ContactRecord, datetime], bool]) -> ContactRecord:
        """Run ``apply`` on the live card ``key``; touch and notify only if it changed something."""
        now = self.tick()
        record = self.live(key)
        if apply(record, now):
            self.store.touch(record, now)
            self.notify_saved(record)
        return record
