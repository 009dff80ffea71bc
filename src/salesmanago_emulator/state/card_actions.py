"""Single-purpose changes of a live card: tags, details, status, consents, owners, scoring.

These are the Contact Manager / contact-card actions and the small API methods
(``managetags``, ``optin``, ``setMainOwner``, ...). Each needs a live contact
(soft-deleted -> ContactNotFound, S3.2), changes ``modified_on`` only when
something actually changes, and checks everything before changing anything.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from datetime import datetime
from typing import Literal

from ..errors import (
    RULE_INTEGER,
    RULE_NOT_A_USER,
    RULE_NOT_EMPTY,
    RULE_ONE_OF,
    RULE_OPT_SOURCE,
    RULE_STRING,
    TEXT_LAST_OWNER,
    TEXT_MAIN_OWNER_LEVEL,
    TEXT_NOT_OWNER,
    Conflict,
    InvalidField,
)
from .account_base import AccountBase
from .contacts import CONTACT_STATES, OPT_SOURCES, OWNER_LEVELS, ContactRecord
from .normalize import normalize_email, normalize_tags
from .tags import TagCount
from .writes import check_tag_conflict

__all__ = ["CardActions"]


class CardActions(AccountBase):
    """Actions on one live card; mixed into :class:`~salesmanago_emulator.state.account.Account`."""

    def manage_tags(
        self,
        key: str,
        add: Iterable[str],
        remove: Iterable[str],
        *,
        tag_scoring: bool = False,
        owner: str | None = None,
    ) -> ContactRecord:
        """Add and remove tags on a live card (S5.1); the same tag in both -> InvalidField.

        With ``tag_scoring`` a newly added tag scores 1 and re-adding a tag
        adds 1 to its score; without, a new tag scores 0 and re-adding keeps
        its entry (S4.2).
        """
        user = self._owner(owner) if owner is not None else None
        adding = normalize_tags(add, "tags")
        removing = normalize_tags(remove, "removeTags")
        check_tag_conflict(adding, removing, "removeTags")

        def apply(record: ContactRecord, now: datetime) -> bool:
            self._check_may_write(record, user)
            removed = self._remove_tags(record, removing)
            return self._add_tags(record, adding, tag_scoring, now) or removed

        return self._change(key, apply)

    def add_tags_from_details(
        self, key: str, prefix: str, detail_names: Iterable[str], *, tag_scoring: bool = False
    ) -> ContactRecord:
        """Tag a live card with ``prefix`` + the value of each named standard detail (S5.2).

        ``ROZMIARBUTA_`` with detail ``rozmiar_buta`` = ``43`` gives
        ``ROZMIARBUTA_43``; details the card lacks are skipped.
        """
        names = list(detail_names)

        def apply(record: ContactRecord, now: datetime) -> bool:
            values = [prefix + record.properties[n] for n in names if n in record.properties]
            tags = normalize_tags(values, "detailNames") if values else []
            return self._add_tags(record, tags, tag_scoring, now)

        return self._change(key, apply)

    def tag_list(self, order: Literal["name", "created"] = "name") -> list[TagCount]:
        """The account's tags with live-contact counts, by name or by creation (S5.3, S3.1)."""
        self._tick()
        if order not in ("name", "created"):
            raise InvalidField("order", RULE_ONE_OF.format(choices="name, created"))
        return self._store.tags.listing(order)

    def set_property(self, key: str, name: str, value: str) -> ContactRecord:
        """Add or overwrite one standard detail of a live card (S6.1)."""
        if not isinstance(name, str) or not name.strip():
            raise InvalidField("name", RULE_NOT_EMPTY)
        if not isinstance(value, str):
            raise InvalidField("value", RULE_STRING)
        interned = sys.intern(name)
        return self._change(key, lambda record, now: record.put_property(interned, value))

    def remove_property(self, key: str, name: str) -> ContactRecord:
        """Remove one standard detail of a live card (S6.1); absent -> nothing changes."""
        return self._change(key, lambda record, now: record.drop_property(name))

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

        return self._change(key, apply)

    # --- e-mail and phone status -------------------------------------------------

    @staticmethod
    def _source(source: str) -> str:
        if source not in OPT_SOURCES:
            raise InvalidField(
                "source", RULE_OPT_SOURCE.format(choices=", ".join(OPT_SOURCES), value=source)
            )
        return OPT_SOURCES[OPT_SOURCES.index(source)]

    def opt_in(self, key: str, source: str = "FROM_INIT") -> ContactRecord:
        """E-mail opt-in of a live card (S2.6), recorded with ``source`` if it changes (S10.2)."""
        src = self._source(source)
        return self._change(key, lambda r, now: self._set_email_status(r, False, src, now))

    def opt_out(self, key: str, source: str = "FROM_INIT") -> ContactRecord:
        """E-mail opt-out of a live card (S2.6), recorded with ``source`` if it changes (S10.2)."""
        src = self._source(source)
        return self._change(key, lambda r, now: self._set_email_status(r, True, src, now))

    def phone_opt_in(self, key: str, source: str = "FROM_INIT") -> ContactRecord:
        """Mobile-marketing opt-in of a live card (S2.7), recorded on channel PHONE."""
        src = self._source(source)
        return self._change(key, lambda r, now: self._set_phone_status(r, False, src, now))

    def phone_opt_out(self, key: str, source: str = "FROM_INIT") -> ContactRecord:
        """Mobile-marketing opt-out of a live card (S2.7), recorded on channel PHONE."""
        src = self._source(source)
        return self._change(key, lambda r, now: self._set_phone_status(r, True, src, now))

    def mark_invalid(self, key: str) -> ContactRecord:
        """Mark a live card's address invalid (S2.6), remembering its opt-in/opt-out."""

        def apply(record: ContactRecord, now: datetime) -> bool:
            if record.invalid:
                return False
            record.invalid = True
            record.status_before_invalid = record.opted_out
            return True

        return self._change(key, apply)

    def restore_previous_status(self, key: str) -> ContactRecord:
        """Unmark invalid: back to exactly the opt-in/opt-out it had before (S2.6)."""

        def apply(record: ContactRecord, now: datetime) -> bool:
            if not record.invalid:
                return False
            previous = record.status_before_invalid
            record.invalid = False
            record.status_before_invalid = None
            if previous is not None:
                self._set_email_status(record, previous, "MANAGE", now)
            return True

        return self._change(key, apply)

    # --- consents ----------------------------------------------------------------

    def add_consent(self, name: str) -> str:
        """Register a named consent in the account (S10.1); returns its stored spelling.

        Names compare case-insensitively; registering one again is a no-op.
        """
        self._tick()
        if not isinstance(name, str) or not name.strip():
            raise InvalidField("consentName", RULE_NOT_EMPTY)
        spelled = name.strip()
        return self._consents.setdefault(spelled.lower(), sys.intern(spelled))

    def consents(self) -> list[str]:
        """The account's consent names, in the order they were registered."""
        self._tick()
        return list(self._consents.values())

    # --- owners ------------------------------------------------------------------

    def _user_field(self, email: str, field: str) -> str:
        user = normalize_email(email) if isinstance(email, str) else ""
        if user not in self._user_set:
            raise InvalidField(field, RULE_NOT_A_USER.format(value=email))
        return sys.intern(user)

    def set_main_owner(self, key: str, new_owner: str) -> ContactRecord:
        """Make ``new_owner`` (a user) the main owner (S1.4); the old one stays as CO_OWNER."""
        new = self._user_field(new_owner, "newOwner")

        def apply(record: ContactRecord, now: datetime) -> bool:
            old = record.main_owner
            if new == old:
                return False
            record.drop_owner(new)
            record.main_owner = new
            record.put_owner(old, "CO_OWNER")
            return True

        return self._change(key, apply)

    def add_owner(self, key: str, email: str, level: str = "CO_OWNER") -> ContactRecord:
        """Add owner ``email`` (a user) at ``level``, or change an existing owner's level (S1.4).

        ``MAIN`` does what :meth:`set_main_owner` does; giving the main owner a
        lower level -> Conflict (set another main owner first).
        """
        if level not in OWNER_LEVELS:
            raise InvalidField("level", RULE_ONE_OF.format(choices=", ".join(OWNER_LEVELS)))
        if level == "MAIN":
            return self.set_main_owner(key, email)
        user = self._user_field(email, "owner")

        def apply(record: ContactRecord, now: datetime) -> bool:
            current = record.owner_level(user)
            if current == "MAIN":
                raise Conflict(TEXT_MAIN_OWNER_LEVEL.format(owner=user, contact=record.email))
            if current == level:
                return False
            record.put_owner(user, level)
            return True

        return self._change(key, apply)

    def remove_owner(self, key: str, email: str) -> ContactRecord:
        """Remove an owner while the card has more than one (S1.5), else Conflict.

        Removing the main owner promotes the earliest-added co-owner, or if
        there is none the earliest-added read-only owner.
        """
        user = normalize_email(email) if isinstance(email, str) else ""

        def apply(record: ContactRecord, now: datetime) -> bool:
            level = record.owner_level(user)
            if level is None:
                raise Conflict(TEXT_NOT_OWNER.format(owner=user, contact=record.email))
            others = record.other_owners()
            if not others:
                raise Conflict(TEXT_LAST_OWNER.format(contact=record.email))
            if level != "MAIN":
                record.drop_owner(user)
                return True
            heir = next((e for e, lv in others if lv == "CO_OWNER"), others[0][0])
            record.drop_owner(heir)
            record.main_owner = heir
            return True

        return self._change(key, apply)

    # --- monitoring and scoring --------------------------------------------------

    def stop_monitoring(self, key: str) -> ContactRecord:
        """Stop recording visits of a live card (S2.8)."""
        return self._change(key, lambda r, now: self._set_monitored(r, False))

    def restore_monitoring(self, key: str) -> ContactRecord:
        """Record visits of a live card again (S2.8)."""
        return self._change(key, lambda r, now: self._set_monitored(r, True))

    @staticmethod
    def _set_monitored(record: ContactRecord, monitored: bool) -> bool:
        if record.monitored == monitored:
            return False
        record.monitored = monitored
        return True

    @staticmethod
    def _points(points: int) -> int:
        if isinstance(points, bool) or not isinstance(points, int):
            raise InvalidField("score", RULE_INTEGER)
        return points

    def set_score(self, key: str, points: int) -> ContactRecord:
        """Set a live card's scoring to ``points`` (S4.1)."""
        value = self._points(points)

        def apply(record: ContactRecord, now: datetime) -> bool:
            if record.score == value:
                return False
            record.score = value
            return True

        return self._change(key, apply)

    def add_score(self, key: str, points: int) -> ContactRecord:
        """Add ``points`` (may be negative) to a live card's scoring (S4.1)."""
        value = self._points(points)

        def apply(record: ContactRecord, now: datetime) -> bool:
            if value == 0:
                return False
            record.score += value
            return True

        return self._change(key, apply)
