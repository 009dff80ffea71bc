"""E-mail and mobile marketing status, invalid addresses and named consents (S2.6, S2.7,
S10.1, S10.2).

Every real change of a status is recorded in the card's opt-in/opt-out history
with its source (S10.2: ``FROM_INIT`` is the API, ``MANAGE`` the Contact
Manager, ...); setting a status a card already has records nothing. Marking
an address invalid remembers the e-mail status it had, and unmarking restores
exactly that status (S2.6). The account's named consents are registered here
(S10.1); a write's consent details must name one of them.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from datetime import datetime
from typing import ClassVar

from ..errors import RULE_NOT_EMPTY, RULE_OPT_SOURCE, InvalidField
from ._card import OPT_SOURCES, ContactRecord, OptChange
from ._core import AccountArea, AccountCore

__all__ = ["OptInArea"]


def _source(source: str) -> str:
    if source not in OPT_SOURCES:
        raise InvalidField(
            "source", RULE_OPT_SOURCE.format(choices=", ".join(OPT_SOURCES), value=source)
        )
    return OPT_SOURCES[OPT_SOURCES.index(source)]


class OptInArea(AccountArea):
    """The cards' e-mail and phone statuses, invalid marks, and the account's consents."""

    key: ClassVar[str] = "optin"

    def __init__(self, account: AccountCore) -> None:
        """The statuses of ``account``'s cards and its (empty) consent register."""
        super().__init__(account)
        self._consents: dict[str, str] = {}  # lower-cased name -> spelling

    def reset(self) -> None:
        """Forget the registered consents (the statuses go with the cards)."""
        self._consents.clear()

    # --- one live card -----------------------------------------------------------

    def opt_in(self, key: str, source: str = "FROM_INIT") -> ContactRecord:
        """E-mail opt-in of a live card (S2.6), recorded with ``source`` if it changes (S10.2)."""
        src = _source(source)
        return self.account.change(key, lambda r, now: self.set_email_status(r, False, src, now))

    def opt_out(self, key: str, source: str = "FROM_INIT") -> ContactRecord:
        """E-mail opt-out of a live card (S2.6), recorded with ``source`` if it changes (S10.2)."""
        src = _source(source)
        return self.account.change(key, lambda r, now: self.set_email_status(r, True, src, now))

    def phone_opt_in(self, key: str, source: str = "FROM_INIT") -> ContactRecord:
        """Mobile-marketing opt-in of a live card (S2.7), recorded on channel PHONE."""
        src = _source(source)
        return self.account.change(key, lambda r, now: self.set_phone_status(r, False, src, now))

    def phone_opt_out(self, key: str, source: str = "FROM_INIT") -> ContactRecord:
        """Mobile-marketing opt-out of a live card (S2.7), recorded on channel PHONE."""
        src = _source(source)
        return self.account.change(key, lambda r, now: self.set_phone_status(r, True, src, now))

    def mark_invalid(self, key: str) -> ContactRecord:
        """Mark a live card's address invalid (S2.6), remembering its opt-in/opt-out."""

        def apply(record: ContactRecord, now: datetime) -> bool:
            if record.invalid:
                return False
            record.invalid = True
            record.status_before_invalid = record.opted_out
            self.account.notify_invalid_status(record, True)
            return True

        return self.account.change(key, apply)

    def restore_previous_status(self, key: str) -> ContactRecord:
        """Unmark invalid: back to exactly the opt-in/opt-out it had before (S2.6)."""

        def apply(record: ContactRecord, now: datetime) -> bool:
            if not record.invalid:
                return False
            previous = record.status_before_invalid
            record.invalid = False
            record.status_before_invalid = None
            self.account.notify_invalid_status(record, False)
            if previous is not None:
                self.set_email_status(record, previous, "MANAGE", now)
            return True

        return self.account.change(key, apply)

    # --- changes of one card (the caller touches and notifies) --------------------

    def set_email_status(
        self, record: ContactRecord, opted_out: bool, source: str, now: datetime
    ) -> bool:
        """Set the e-mail status, recording a real change (S10.2); whether it changed."""
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
        self.account.notify_email_status(record, opted_out, source)
        return True

    def set_phone_status(
        self, record: ContactRecord, opted_out: bool, source: str, now: datetime
    ) -> bool:
        """Set the mobile-marketing status, recording a real change; whether it changed."""
        if record.opted_out_phone == opted_out:
            return False
        record.opted_out_phone = opted_out
        record.add_opt_change(
            OptChange(
                at=now, channel="PHONE", status="OPT_OUT" if opted_out else "OPT_IN", source=source
            )
        )
        self.account.notify_phone_status(record, opted_out, source)
        return True

    # --- the account's consents --------------------------------------------------

    def add_consent(self, name: str) -> str:
        """Register a named consent in the account (S10.1); returns its stored spelling.

        Names compare case-insensitively; registering one again is a no-op.
        """
        self.account.tick()
        if not isinstance(name, str) or not name.strip():
            raise InvalidField("consentName", RULE_NOT_EMPTY)
        spelled = name.strip()
        return self._consents.setdefault(spelled.lower(), sys.intern(spelled))

    def consents(self) -> list[str]:
        """The account's consent names, in the order they were registered."""
        self.account.tick()
        return list(self._consents.values())

    @property
    def consent_register(self) -> Mapping[str, str]:
        """Lower-cased consent name -> its spelling (what a write's consents are checked
        against); read-only."""
        return self._consents
