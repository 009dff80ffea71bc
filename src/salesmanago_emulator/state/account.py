"""One SALESmanago account: its users, consents and contact cards, and the rules on them.

The :class:`Account` is pure state: no HTTP, no JSON, no locking (the
emulator holds one lock around every call). Every public method first runs
the nightly purge if the clock has passed 02:00 since a contact was
soft-deleted (S3.4), then does its work. Writes are checked as a whole before
anything changes, so an error leaves every card exactly as it was.

Owners in arguments are e-mails of the account's users, in any case; the
contact ``key`` is an e-mail (any case, white space ignored) or a contact id.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

from ..clock import Clock
from ..errors import (
    RULE_MUST_MATCH_EMAIL,
    ContactAlreadyExists,
    ContactNotFound,
    EmulatorError,
    InvalidField,
    LimitExceeded,
)
from .callbacks import CallbacksArea
from .card_actions import CardActions
from .companies import CompaniesArea, CompanyView
from .contacts import ContactRecord, ContactWrite
from .coupons import CouponsArea
from .events import EventsArea
from .funnels import FunnelsArea
from .jobs import JobsArea
from .notes import NotesArea
from .purge import next_purge_instant
from .rules import RulesArea
from .tasks import TasksArea
from .visits import VisitsArea
from .writes import PreparedWrite, prepare_write

__all__ = ["BATCH_UPSERT_LIMIT", "Account"]

BATCH_UPSERT_LIMIT: Final = 1000
"""Most items one ``batch_upsert`` takes (protocol §11 item 6; our choice)."""


class Account(CardActions):
    """A SALESmanago account (one ``clientId``) and everything stored under it (S1.2).

    Construction, reads and the purge come from
    :class:`~salesmanago_emulator.state.account_base.AccountBase`; the
    single-card actions (tags, details, status, consents, owners, monitoring,
    scoring) from :class:`~salesmanago_emulator.state.card_actions.CardActions`;
    contact writes and deletion are here. The areas beyond the card (events,
    coupons, notes, tasks, funnels, companies, export jobs) are attributes
    created in :meth:`__init__`.
    """

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
        """Create an empty account (see :class:`AccountBase`) with its areas."""
        super().__init__(
            client_id, api_secret, users, timezone=timezone, clock=clock, id_factory=id_factory
        )
        # --- areas (one line each; order = snapshot order) ---
        self.funnels = self._attach(FunnelsArea(self))
        self.companies = self._attach(CompaniesArea(self))
        self.callbacks = self._attach(CallbacksArea(self))
        self.jobs = self._attach(JobsArea(self))
        self.coupons = self._attach(CouponsArea(self))
        self.notes = self._attach(NotesArea(self))
        self.tasks = self._attach(TasksArea(self))
        self.events = self._attach(EventsArea(self))
        self.visits = self._attach(VisitsArea(self))
        self.rules = self._attach(RulesArea(self))

    # --- contact writes ----------------------------------------------------------

    def _save(
        self,
        prepared: PreparedWrite,
        record: ContactRecord | None,
        owner: str,
        now: datetime,
    ) -> ContactRecord:
        """Create or change a card from a prepared write: checks first, then changes."""
        (
            email,
            new_email,
            scalars,
            tags,
            remove_tags,
            tag_scoring,
            properties,
            dictionary_properties,
            consents,
            email_opted_out,
            phone_opted_out,
        ) = prepared  # one unpacking: the write path reads every part
        store = self._store
        current_email = record.email if record is not None else email
        assert current_email is not None
        target = new_email if new_email is not None else current_email
        if target != current_email:
            other = store.by_email.get(target)
            if other is not None and other is not record:
                raise ContactAlreadyExists(target)
        if record is not None:
            self._check_may_write(record, owner)

        # Every check passed: from here on nothing raises.
        created = restored = False
        if record is None:
            record = ContactRecord(self._new_id(), target, owner, now)
            store.add(record)
            created = True
        else:
            if record.deleted:
                store.restore(record)
                restored = True
            if target != record.email:
                store.rename(record, target)
        for attr, value in scalars:
            setattr(record, attr, value)
        if (  # one test for the parts most writes leave out
            tags
            or remove_tags
            or properties
            or dictionary_properties
            or consents
            or email_opted_out is not None
            or phone_opted_out is not None
        ):
            if remove_tags:
                self._remove_tags(record, remove_tags)
            if tags:
                self._add_tags(record, tags, tag_scoring, now)
            for name, value in properties:
                record.put_property(name, value)
            for name, kind, text in dictionary_properties:
                record.put_dictionary_property(name, kind, text)
            for name, state in consents:
                record.put_consent(name, state)
            if email_opted_out is not None:
                self._set_email_status(record, email_opted_out, "FROM_INIT", now)
            if phone_opted_out is not None:
                self._set_phone_status(record, phone_opted_out, "FROM_INIT", now)
        if not created:  # a new card was indexed as modified at ``now`` by add
            store.touch(record, now)
        if restored:
            self._restored(record)
        self._saved(record, created=created)
        return record

    def insert(self, write: ContactWrite, owner: str) -> ContactRecord:
        """Create a card (S2.1, S2.2); restores a soft-deleted one with the same e-mail (S3.2).

        A live card with the e-mail already -> ContactAlreadyExists.
        """
        now = self._tick()
        user = self._owner(owner)
        prepared = prepare_write(write, self._consents, now, require_email=True)
        assert prepared.email is not None
        existing = self._store.by_email.get(prepared.email)
        if existing is not None and not existing.deleted:
            raise ContactAlreadyExists(prepared.email)
        return self._save(prepared, existing, user, now)

    def upsert(self, write: ContactWrite, owner: str) -> ContactRecord:
        """Create the card, or change the live one with this e-mail (same id), or restore it.

        ``new_email`` moves the card; a target held by another card (live or
        soft-deleted) -> ContactAlreadyExists.
        """
        now = self._tick()
        return self._upsert(write, self._owner(owner), now)

    def _upsert(self, write: ContactWrite, owner: str, now: datetime) -> ContactRecord:
        prepared = prepare_write(write, self._consents, now, require_email=True)
        email = prepared.email
        assert email is not None
        return self._save(prepared, self._store.by_email.get(email), owner, now)

    def update(self, email: str, write: ContactWrite, owner: str) -> ContactRecord:
        """Change only the fields sent on the live card ``email`` (an e-mail or id) (S2.2).

        Missing or soft-deleted -> ContactNotFound. ``write.email``, when sent,
        must name the same card; ``write.new_email`` moves it.
        """
        now = self._tick()
        user = self._owner(owner)
        record = self._live(email)
        prepared = prepare_write(write, self._consents, now, require_email=False)
        if prepared.email is not None and prepared.email != record.email:
            raise InvalidField("contact.email", RULE_MUST_MATCH_EMAIL)
        return self._save(prepared, record, user, now)

    def batch_upsert(
        self,
        writes: Sequence[ContactWrite],
        owner: str,
        *,
        indexes: Sequence[int] | None = None,
    ) -> list[ContactRecord | EmulatorError]:
        """Upsert each write on its own: a bad item yields its error, the others apply.

        Errors name ``upsertDetails[i]....``, ``i`` being the write's position,
        or ``indexes[position]`` when given (the item's index in the request,
        when items refused earlier were left out). More than
        :data:`BATCH_UPSERT_LIMIT` items -> LimitExceeded for the whole batch.
        """
        now = self._tick()
        user = self._owner(owner)
        if len(writes) > BATCH_UPSERT_LIMIT:
            raise LimitExceeded("upsertDetails", BATCH_UPSERT_LIMIT)
        results: list[ContactRecord | EmulatorError] = []
        append, upsert = results.append, self._upsert
        with self._store.deferred_indexing():  # one instant for the whole batch
            for index, write in enumerate(writes):
                try:
                    append(upsert(write, user, now))
                except InvalidField as err:  # named under its item only when it happens
                    item = index if indexes is None else indexes[index]
                    append(err.under(f"upsertDetails[{item}]."))
                except EmulatorError as err:
                    append(err)
        return results

    # --- deletion ----------------------------------------------------------------

    def delete(
        self, key: str, *, permanently: bool = False, owner: str | None = None
    ) -> ContactRecord | None:
        """Soft-delete a card (S3.1), or with ``permanently`` remove it at once (S3.3).

        Returns the soft-deleted card, or ``None`` when it was removed. A
        missing card -> ContactNotFound; soft-deleting an already soft-deleted
        one -> ContactNotFound too (a permanent delete of it succeeds).
        ``owner``, when given, must be a user and not a read-only owner.
        """
        now = self._tick()
        user = self._owner(owner) if owner is not None else None
        record = self._store.lookup(key) if isinstance(key, str) else None
        if record is None or (record.deleted and not permanently):
            raise ContactNotFound(str(key))
        self._check_may_write(record, user)
        if permanently:
            self._remove(record)
            return None
        self._store.soft_delete(record, now, next_purge_instant(now, self.timezone))
        self._deleted(record)
        return record

    def _remove(self, record: ContactRecord) -> None:
        self._store.remove(record)
        self._removed(record)

    def forget(self, key: str) -> ContactRecord:
        """Forget me: remove the card and all its data at once, soft-deleted or not (S3.3).

        Returns the removed (detached) card; a missing one -> ContactNotFound.
        """
        self._tick()
        record = self._store.lookup(key) if isinstance(key, str) else None
        if record is None:
            raise ContactNotFound(str(key))
        self._remove(record)
        return record

    def restore(self, key: str) -> ContactRecord:
        """Restore a soft-deleted card before the purge (S3.1); ContactNotFound otherwise."""
        now = self._tick()
        record = self._store.lookup(key) if isinstance(key, str) else None
        if record is None or not record.deleted:
            raise ContactNotFound(str(key))
        self._store.restore(record)
        self._store.touch(record, now)
        self._restored(record)
        self._saved(record)
        return record

    # --- companies ---------------------------------------------------------------

    def company(self, name: str) -> CompanyView:
        """The company ``name`` with its summed scoring and live persons (S4.3-S4.5).

        Names compare trimmed and case-insensitively; a name no card gives ->
        CompanyNotFound. See :class:`~.companies.CompaniesArea`.
        """
        return self.companies.company(name)
