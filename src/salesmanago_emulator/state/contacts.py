"""Contact cards: create, change, delete, restore; details, state and monitoring.

One card per e-mail (S2.1); an upsert of a known e-mail changes that card and
keeps its id (S2.2). A delete is soft: the card stays readable, counts
nowhere, and is restored by an upsert or insert of its e-mail until the
nightly purge at 02:00 of the account's zone removes it (S3.1, S3.2, S3.4);
a permanent delete or "forget me" removes it at once (S3.3). Writes are
checked as a whole before anything changes
(`prepare_write`, then the card's
e-mail, owner rights and the loyalty program a write names), so an error
leaves every card exactly as it was; a write naming a loyalty program enrols
the card in it (protocol §5.2).

Owners in arguments are e-mails of the account's users, in any case; the
contact ``key`` is an e-mail (any case, white space ignored) or a contact id.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar, Final

import attrs

from ..errors import (
    RULE_MUST_MATCH_EMAIL,
    RULE_NOT_EMPTY,
    RULE_ONE_OF,
    RULE_STRING,
    ContactAlreadyExists,
    ContactNotFound,
    EmulatorError,
    InvalidField,
    LimitExceeded,
)
from ._card import CONTACT_STATES, ContactRecord, ContactWrite, TagEntry
from ._core import AccountArea, AccountCore
from ._normalize import normalize_tags
from ._purge import next_purge_instant
from ._writes import PreparedWrite, prepare_write
from .loyalty import LoyaltyArea, LoyaltyProgram
from .optin import OptInArea
from .tags import TagsArea
from .users import UsersArea

__all__ = ["BATCH_UPSERT_LIMIT", "ContactsArea", "PlannedUpsert"]

BATCH_UPSERT_LIMIT: Final = 1000
"""Most items one ``batch_upsert`` takes (protocol §11 item 6; our choice)."""


@attrs.frozen(kw_only=True)
class PlannedUpsert:
    """An upsert that passed every check and is not applied yet
    ([`ContactsArea.check_upsert`][salesmanago_emulator.state.contacts.ContactsArea.check_upsert]):
    what it will do to the cards."""

    record: ContactRecord | None
    """The card it changes (live, or soft-deleted: restored), or ``None``: a new card."""
    email: str
    """The address the card has once it is applied (its ``newEmail``, if any)."""
    owner: str
    """The acting user (a new card's main owner)."""


class ContactsArea(AccountArea):
    """The account's contact cards: writes, deletion, details, state and monitoring."""

    key: ClassVar[str] = "contacts"

    def __init__(
        self,
        account: AccountCore,
        *,
        users: UsersArea,
        tags: TagsArea,
        optin: OptInArea,
        loyalty: LoyaltyArea,
    ) -> None:
        """The cards of ``account``; a write's tags, statuses and consents go through
        ``tags`` and ``optin``, its owner through ``users``, its loyalty program
        through ``loyalty``."""
        super().__init__(account)
        self._users = users
        self._tags = tags
        self._optin = optin
        self._loyalty = loyalty

    # --- writes ------------------------------------------------------------------

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
            loyalty_program,
            double_opt_in,
        ) = prepared  # one unpacking: the write path reads every part
        account = self.account
        store = account.store
        target, program = self._checked(email, new_email, loyalty_program, record, owner)

        # Every check passed: from here on nothing raises.
        created = restored = False
        if record is None:
            record = ContactRecord(account.new_id(), target, owner, now)
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
                self._tags.remove(record, remove_tags)
            if tags:
                self._tags.add(record, tags, tag_scoring, now)
            for name, value in properties:
                record.put_property(name, value)
            for name, kind, text in dictionary_properties:
                record.put_dictionary_property(name, kind, text)
            for name, state in consents:
                if record.consents.get(name) != state:
                    record.put_consent(name, state)
                    account.notify_consent(record, name, state)
            if email_opted_out is not None:
                self._optin.set_email_status(record, email_opted_out, "FROM_INIT", now)
            if phone_opted_out is not None:
                self._optin.set_phone_status(record, phone_opted_out, "FROM_INIT", now)
        if program is not None:
            self._loyalty.enrol(record, program, now)
        if not created:  # a new card was indexed as modified at ``now`` by add
            store.touch(record, now)
        if restored:
            account.notify_restored(record)
        account.notify_saved(record, created=created)
        if double_opt_in is not None and record.opted_out:  # after the card is saved
            self._optin.request_confirmation(record, double_opt_in, "UPSERT", now)
        return record

    def _checked(
        self,
        email: str | None,
        new_email: str | None,
        loyalty_program: str | None,
        record: ContactRecord | None,
        owner: str,
    ) -> tuple[str, LoyaltyProgram | None]:
        """What saving a prepared write (its ``email``, ``new_email`` and
        ``loyalty_program``) on ``record`` (``None``: a new card) needs checked against
        the cards: the address the card has afterwards and the loyalty program it joins.
        A ``newEmail`` held by another card -> ContactAlreadyExists, a read-only
        ``owner`` -> ReadOnlyOwner, an unknown or inactive program -> its refusal.
        Changes nothing."""
        current_email = record.email if record is not None else email
        assert current_email is not None
        target = current_email
        if new_email is not None and new_email != current_email:
            target = new_email
            other = self.account.store.by_email.get(target)
            if other is not None and other is not record:
                raise ContactAlreadyExists(target)
        if record is not None:
            self.account.check_may_write(record, owner)
        if loyalty_program is None:
            return target, None
        return target, self._loyalty.check_enrolment(loyalty_program)

    def _prepare(self, write: ContactWrite, now: datetime, *, require_email: bool) -> PreparedWrite:
        return prepare_write(write, self._optin.consent_register, now, require_email=require_email)

    def insert(self, write: ContactWrite, owner: str) -> ContactRecord:
        """Create a card (S2.1, S2.2); restores a soft-deleted one with the same e-mail (S3.2).

        A live card with the e-mail already -> ContactAlreadyExists carrying that
        card's id (protocol §14).
        """
        now = self.account.tick()
        user = self._users.acting(owner)
        prepared = self._prepare(write, now, require_email=True)
        assert prepared.email is not None
        existing = self.account.store.by_email.get(prepared.email)
        if existing is not None and not existing.deleted:
            raise ContactAlreadyExists(prepared.email, existing.id)
        return self._save(prepared, existing, user, now)

    def upsert(self, write: ContactWrite, owner: str) -> ContactRecord:
        """Create the card, or change the live one with this e-mail (same id), or restore it.

        ``new_email`` moves the card; a target held by another card (live or
        soft-deleted) -> ContactAlreadyExists.
        """
        now = self.account.tick()
        return self._upsert(write, self._users.acting(owner), now)

    def check_upsert(self, write: ContactWrite, owner: str) -> PlannedUpsert:
        """Every check [`upsert`][salesmanago_emulator.state.contacts.ContactsArea.upsert] makes,
        and nothing changed: what it would do.

        Refuses exactly as [`upsert`][salesmanago_emulator.state.contacts.ContactsArea.upsert] would
        now; as long as nothing else changes,
        [`upsert`][salesmanago_emulator.state.contacts.ContactsArea.upsert] of the same write then
        succeeds (``integration/upsert`` checks both its parts before applying either).
        """
        now = self.account.tick()
        user = self._users.acting(owner)
        prepared = self._prepare(write, now, require_email=True)
        assert prepared.email is not None
        record = self.account.store.by_email.get(prepared.email)
        target, _ = self._checked(
            prepared.email, prepared.new_email, prepared.loyalty_program, record, user
        )
        return PlannedUpsert(record=record, email=target, owner=user)

    def _upsert(self, write: ContactWrite, owner: str, now: datetime) -> ContactRecord:
        prepared = self._prepare(write, now, require_email=True)
        email = prepared.email
        assert email is not None
        return self._save(prepared, self.account.store.by_email.get(email), owner, now)

    def update(self, email: str, write: ContactWrite, owner: str) -> ContactRecord:
        """Change only the fields sent on the live card ``email`` (an e-mail or id) (S2.2).

        Missing or soft-deleted -> ContactNotFound. ``write.email``, when sent,
        must name the same card; ``write.new_email`` moves it.
        """
        now = self.account.tick()
        user = self._users.acting(owner)
        record = self.account.live(email)
        prepared = self._prepare(write, now, require_email=False)
        if prepared.email is not None and prepared.email != record.email:
            raise InvalidField("contact.email", RULE_MUST_MATCH_EMAIL)
        return self._save(prepared, record, user, now)

    def batch_upsert(
        self, writes: Sequence[ContactWrite | EmulatorError], owner: str
    ) -> list[ContactRecord | EmulatorError]:
        """Upsert each write on its own: a bad item yields its error, the others apply.

        Results are in the order of ``writes``; an error names its field as
        one write does (the caller adds the item's place). An item that is an
        error already (the caller could not read it) is answered as it is.
        More than `BATCH_UPSERT_LIMIT` items -> LimitExceeded for the
        whole batch.
        """
        now = self.account.tick()
        user = self._users.acting(owner)
        if len(writes) > BATCH_UPSERT_LIMIT:
            raise LimitExceeded("writes", BATCH_UPSERT_LIMIT)
        results: list[ContactRecord | EmulatorError] = []
        append, save, by_email = results.append, self._save, self.account.store.by_email
        consents = self._optin.consent_register
        with self.account.store.deferred_indexing():  # one instant for the whole batch
            for write in writes:
                if isinstance(write, EmulatorError):
                    append(write)
                    continue
                try:  # _upsert's steps, the consents looked up once for the batch
                    prepared = prepare_write(write, consents, now, require_email=True)
                    email = prepared.email
                    assert email is not None
                    append(save(prepared, by_email.get(email), user, now))
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
        account = self.account
        now = account.tick()
        user = self._users.acting(owner) if owner is not None else None
        record = account.store.lookup(key) if isinstance(key, str) else None
        if record is None or (record.deleted and not permanently):
            raise ContactNotFound(str(key))
        account.check_may_write(record, user)
        if permanently:
            self._remove(record)
            return None
        account.store.soft_delete(record, now, next_purge_instant(now, account.timezone))
        account.notify_deleted(record)
        return record

    def batch_delete(
        self,
        addressees: Sequence[tuple[str, str, str]],
        *,
        permanently: bool = False,
        owner: str | None = None,
    ) -> list[ContactRecord]:
        """Delete every card the ``(kind, value, field)`` addressees name, all or nothing.

        ``kind`` is ``EMAIL``, ``CONTACT_ID`` (a card, as
        [`delete`][salesmanago_emulator.state.contacts.ContactsArea.delete] finds it: missing, or
        soft-deleted when not ``permanently`` -> ContactNotFound naming the value) or ``TAG`` (every
        live card carrying the tag, S5.1; none is no error); ``field`` names the value in errors.
        Every addressee is resolved and every card checked (ReadOnlyOwner) before one is deleted,
        each then as [`delete`][salesmanago_emulator.state.contacts.ContactsArea.delete] does.
        Returns the cards named, each once.
        """
        account = self.account
        account.tick()
        user = self._users.acting(owner) if owner is not None else None
        found: dict[str, ContactRecord] = {}
        for kind, value, field in addressees:
            if kind == "TAG":
                for record in account.live_tagged(normalize_tags([value], field)):
                    found.setdefault(record.id, record)
                continue
            if kind not in ("EMAIL", "CONTACT_ID"):
                raise InvalidField(field, RULE_ONE_OF.format(choices="EMAIL, CONTACT_ID, TAG"))
            named = account.find_by(kind, value)
            if named is None or (named.deleted and not permanently):
                raise ContactNotFound(value)
            found.setdefault(named.id, named)
        for record in found.values():
            account.check_may_write(record, user)
        for record in found.values():  # every check passed: from here on nothing raises
            self.delete(record.id, permanently=permanently, owner=user)
        return list(found.values())

    def _remove(self, record: ContactRecord) -> None:
        self.account.store.remove(record)
        self.account.notify_removed(record)

    def forget(self, key: str) -> ContactRecord:
        """Forget me: remove the card and all its data at once, soft-deleted or not (S3.3).

        Returns the removed (detached) card; a missing one -> ContactNotFound.
        """
        self.account.tick()
        record = self.account.store.lookup(key) if isinstance(key, str) else None
        if record is None:
            raise ContactNotFound(str(key))
        self._remove(record)
        return record

    def restore(self, key: str) -> ContactRecord:
        """Restore a soft-deleted card before the purge (S3.1); ContactNotFound otherwise."""
        account = self.account
        now = account.tick()
        record = account.store.lookup(key) if isinstance(key, str) else None
        if record is None or not record.deleted:
            raise ContactNotFound(str(key))
        account.store.restore(record)
        account.store.touch(record, now)
        account.notify_restored(record)
        account.notify_saved(record)
        return record

    def restore_saved(
        self,
        record: ContactRecord,
        tags: Sequence[tuple[str, TagEntry]],
        *,
        deleted_at: datetime | None = None,
    ) -> None:
        """Put back a card a state export saved, with its ``tags``; ``deleted_at``: it was
        soft-deleted then, and its purge is due at the next 02:00 (S3.1).

        The card keeps its ``modified_on``. For a fresh account being loaded: nothing
        is checked here and no observer is told.
        """
        store = self.account.store
        store.add(record)
        for tag, entry in tags:
            store.put_tag(record, tag, entry, entry.created_on)
        if deleted_at is not None:
            modified = record.modified_on
            store.soft_delete(
                record, deleted_at, next_purge_instant(deleted_at, self.account.timezone)
            )
            if record.modified_on != modified:  # the soft delete touched it: the saved instant
                record.modified_on = modified
                store.modified.add(modified, record.id)

    # --- details, state, monitoring ----------------------------------------------

    def set_property(self, key: str, name: str, value: str) -> ContactRecord:
        """Add or overwrite one standard detail of a live card (S6.1)."""
        if not isinstance(name, str) or not name.strip():
            raise InvalidField("name", RULE_NOT_EMPTY)
        if not isinstance(value, str):
            raise InvalidField("value", RULE_STRING)
        interned = sys.intern(name)
        return self.account.change(key, lambda record, now: record.put_property(interned, value))

    def remove_property(self, key: str, name: str) -> ContactRecord:
        """Remove one standard detail of a live card (S6.1); absent -> nothing changes."""
        return self.account.change(key, lambda record, now: record.drop_property(name))

    def set_state(self, key: str, state: str) -> ContactRecord:
        """Change the business state of a live card (S2.5)."""
        norm = state.strip().upper() if isinstance(state, str) else None
        if norm not in CONTACT_STATES:
            raise InvalidField("state", RULE_ONE_OF.format(choices=", ".join(CONTACT_STATES)))
        value = CONTACT_STATES[CONTACT_STATES.index(norm)]

        def apply(record: ContactRecord, now: datetime) -> bool:
            if record.state == value:
                return False
            record.state = value
            return True

        return self.account.change(key, apply)

    def stop_monitoring(self, key: str) -> ContactRecord:
        """Stop recording visits of a live card (S2.8)."""
        return self.account.change(key, lambda r, now: _set_monitored(r, False))

    def restore_monitoring(self, key: str) -> ContactRecord:
        """Record visits of a live card again (S2.8)."""
        return self.account.change(key, lambda r, now: _set_monitored(r, True))


def _set_monitored(record: ContactRecord, monitored: bool) -> bool:
    if record.monitored == monitored:
        return False
    record.monitored = monitored
    return True
