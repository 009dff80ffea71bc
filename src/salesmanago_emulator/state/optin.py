"""E-mail and mobile marketing status, invalid addresses, named consents, consent forms
and double opt-in (S2.6, S2.7, S10.1, S10.2; protocol §5.2, §7).

Every real change of a status is recorded in the card's opt-in/opt-out history
with its source (S10.2: ``FROM_INIT`` is the API, ``MANAGE`` the Contact
Manager, ...); setting a status a card already has records nothing. Marking
an address invalid remembers the e-mail status it had, and unmarking restores
exactly that status (S2.6). The account's named consents (with their text) and
consent forms are registered here (S10.1); a write's consent details must name
one of them.

Double opt-in: a write with ``useApiDoubleOptIn`` that leaves its card opted out,
or ``email/sendConfirmation``, asks the contact to confirm
([`OptInArea.request_confirmation`][salesmanago_emulator.state.optin.OptInArea.request_confirmation],
the one place a confirmation is made). The confirmation stays ``PENDING`` until the contact confirms
it ([`OptInArea.confirm`][salesmanago_emulator.state.optin.OptInArea.confirm], what the platform's
link does: the card is opted in with source ``MESSAGE`` and gets the confirmation's tag) or until
`CONFIRMATION_VALIDITY` has passed on the clock (``EXPIRED``; grade D).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, ClassVar, Final

import attrs

from ..errors import (
    RULE_CONFIRMATION_KEY,
    RULE_CONFIRMATION_NOT_PENDING,
    RULE_CONFIRMATION_OPTIONS,
    RULE_CONSENT_FORM_ID,
    RULE_MIN,
    RULE_NAME_OR_OBJECT,
    RULE_NO_PENDING_CONFIRMATION,
    RULE_NOT_EMPTY,
    RULE_ONE_OF,
    RULE_ONE_TAG,
    RULE_OPT_SOURCE,
    RULE_REQUIRED,
    RULE_STRING,
    RULE_UNKNOWN_CONFIRMATION,
    ContactNotFound,
    InvalidField,
)
from ._card import (
    CHANNELS,
    CONFIRMATION_STATUSES,
    OPT_SOURCES,
    Confirmation,
    ContactRecord,
    DoubleOptIn,
    OptChange,
)
from ._core import AccountArea, AccountCore
from ._normalize import normalize_tags
from .tags import TagsArea

__all__ = ["CONFIRMATION_SOURCE", "CONFIRMATION_VALIDITY", "FIRST_REQUEST_ID", "OptInArea"]

CONFIRMATION_VALIDITY: Final = timedelta(days=7)
"""How long a double opt-in confirmation waits for the contact (grade D)."""
CONFIRMATION_SOURCE: Final = "MESSAGE"
"""The history source of the opt-in a confirmation brings: the contact clicked the
link of a message (S10.2; grade D)."""
FIRST_REQUEST_ID: Final = 900000001
"""The first ``requestId`` of ``email/sendConfirmation`` (digits, a range of its own so
that it never names an export job; grade D)."""


def _source(source: str) -> str:
    if source not in OPT_SOURCES:
        raise InvalidField(
            "source", RULE_OPT_SOURCE.format(choices=", ".join(OPT_SOURCES), value=source)
        )
    return OPT_SOURCES[OPT_SOURCES.index(source)]


class OptInArea(AccountArea):
    """The cards' e-mail and phone statuses, invalid marks, and the account's consents."""

    key: ClassVar[str] = "optin"

    def __init__(self, account: AccountCore, *, tags: TagsArea | None = None) -> None:
        """The statuses of ``account``'s cards, its (empty) consent register, consent
        forms and confirmations; a confirmation's tag goes on through ``tags``."""
        super().__init__(account)
        self._tags = tags
        self._consents: dict[str, str] = {}  # lower-cased name -> spelling
        self._texts: dict[str, str] = {}  # spelling -> the consent's text
        self._forms: dict[int, str] = {}  # intId -> name
        self._confirmations: dict[str, Confirmation] = {}  # requestId -> confirmation
        self._next_request = FIRST_REQUEST_ID
        account.add_due_work(self._expire_due)  # the clock runs confirmations out

    def reset(self) -> None:
        """Forget the consents, forms and confirmations (the statuses go with the cards)."""
        self._consents.clear()
        self._texts.clear()
        self._forms.clear()
        self._confirmations.clear()
        self._next_request = FIRST_REQUEST_ID

    def contact_removed(self, record: ContactRecord) -> None:
        """A card gone for good takes its confirmations with it."""
        for request_id in [
            c.request_id for c in self._confirmations.values() if c.contact_id == record.id
        ]:
            del self._confirmations[request_id]

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

    def add_consent(self, name: str, text: str | None = None) -> str:
        """Register a named consent in the account (S10.1); returns its stored spelling.

        Names compare case-insensitively; registering one again keeps its spelling
        and, with ``text``, sets the consent's text (what the contact is shown and
        the card lists with the consent's status).
        """
        self.account.tick()
        if not isinstance(name, str) or not name.strip():
            raise InvalidField("consentName", RULE_NOT_EMPTY)
        if text is not None and not isinstance(text, str):
            raise InvalidField("text", RULE_STRING)
        spelled = name.strip()
        stored = self._consents.setdefault(spelled.lower(), sys.intern(spelled))
        if text is not None:
            self._texts[stored] = text
        return stored

    def consent_text(self, name: str) -> str | None:
        """The text of the registered consent ``name`` (its stored spelling), or ``None``."""
        return self._texts.get(name)

    def consents(self) -> list[str]:
        """The account's consent names, in the order they were registered."""
        self.account.tick()
        return list(self._consents.values())

    @property
    def consent_register(self) -> Mapping[str, str]:
        """Lower-cased consent name -> its spelling (what a write's consents are checked
        against); read-only."""
        return self._consents

    def set_up(
        self,
        consents: Iterable[str | Mapping[str, Any]] = (),
        forms: Iterable[str | Mapping[str, Any]] = (),
    ) -> None:
        """Register an account's consents and consent forms as a setup gives them.

        A consent is a name or ``{"name": ..., "text": ...}`` (text optional); a
        form is a name or ``{"name": ..., "int_id": ...}`` (id optional). A bad
        item -> InvalidField naming it (``consents[1].name``, ``consent_forms[0]``).
        """
        for index, item in enumerate(consents):
            where = f"consents[{index}]"
            name, extra = _setup_item(item, where, "text")
            if extra is not None and not isinstance(extra, str):
                raise InvalidField(f"{where}.text", RULE_STRING)
            try:
                self.add_consent(name, extra)
            except InvalidField as err:
                raise InvalidField(f"{where}.name", err.rule) from None
        for index, item in enumerate(forms):
            where = f"consent_forms[{index}]"
            name, form_id = _setup_item(item, where, "int_id")
            try:
                self.add_consent_form(name, form_id)
            except InvalidField as err:
                raise err.under(f"{where}.") from None

    # --- consent forms (protocol §7 consent/form/data) ----------------------------

    def add_consent_form(self, name: str, form_id: int | None = None) -> int:
        """Register a consent form; returns its ``intId`` (``form_id``, or the next free
        number from 1). A blank name or a taken or non-positive id -> InvalidField."""
        self.account.tick()
        if not isinstance(name, str) or not name.strip():
            raise InvalidField("name", RULE_NOT_EMPTY)
        if form_id is None:
            form_id = max(self._forms, default=0) + 1
        elif isinstance(form_id, bool) or not isinstance(form_id, int) or form_id < 1:
            raise InvalidField("intId", RULE_MIN.format(minimum=1))
        elif form_id in self._forms:
            raise InvalidField("intId", RULE_CONSENT_FORM_ID.format(name=self._forms[form_id]))
        self._forms[form_id] = name.strip()
        return form_id

    def consent_forms(self) -> list[tuple[int, str]]:
        """The account's consent forms, ``(intId, name)``, in the order registered."""
        self.account.tick()
        return list(self._forms.items())

    # --- the opt-in/opt-out history (S10.2) ---------------------------------------

    def history(self, key: str, channel: str | None = None) -> list[OptChange]:
        """The opt-in/opt-out history of the card ``key`` (soft-deleted ones too), oldest
        first; only channel ``EMAIL`` or ``PHONE`` when given (S10.2)."""
        if channel is not None and channel not in CHANNELS:
            raise InvalidField("channel", RULE_ONE_OF.format(choices=", ".join(CHANNELS)))
        record = self.account.find(key)
        if record is None:
            raise ContactNotFound(str(key))
        return [c for c in record.opt_history if channel is None or c.channel == channel]

    # --- double opt-in (protocol §5.2, §7) ----------------------------------------

    def request_confirmation(
        self, record: ContactRecord, options: DoubleOptIn, origin: str, now: datetime
    ) -> Confirmation:
        """Ask the card's contact to confirm its e-mail address: the one place a
        confirmation is made (a write's ``useApiDoubleOptIn``, ``sendConfirmation``).

        ``options`` are checked already; ``origin`` is ``UPSERT`` or
        ``SEND_CONFIRMATION``. Never raises.
        """
        confirmation = Confirmation(
            request_id=str(self._next_request),
            contact_id=record.id,
            email=record.email,
            origin=origin,
            requested_at=now,
            expires_at=now + CONFIRMATION_VALIDITY,
            options=options,
        )
        self._next_request += 1
        self._confirmations[confirmation.request_id] = confirmation
        self.account.schedule_due(confirmation.expires_at)
        self.account.notify_confirmation(record, confirmation)
        return confirmation

    def send_confirmation(self, email: str, options: DoubleOptIn) -> Confirmation:
        """``email/sendConfirmation``: ask the live contact ``email`` to confirm (protocol §7).

        ``options`` needs ``lang``, or all of ``template_id``, ``account_id`` and
        ``subject``; its ``tag`` (one tag) goes on the card once confirmed. A missing
        or soft-deleted contact -> ContactNotFound.
        """
        now = self.account.tick()
        checked = check_confirmation_options(options)
        record = self.account.live(email)
        return self.request_confirmation(record, checked, "SEND_CONFIRMATION", now)

    def confirmations(
        self, key: str | None = None, status: str | None = None
    ) -> list[Confirmation]:
        """The account's confirmations, oldest first: only those of the card ``key``
        (an e-mail or id) and of ``status`` when given. Runs out the due ones first."""
        self.account.tick()  # runs out the due ones (due work)
        if status is not None and status not in CONFIRMATION_STATUSES:
            raise InvalidField(
                "status", RULE_ONE_OF.format(choices=", ".join(CONFIRMATION_STATUSES))
            )
        contact_id = None
        if key is not None:
            record = self.account.find(key)
            if record is None:
                raise ContactNotFound(str(key))
            contact_id = record.id
        return [
            c
            for c in self._confirmations.values()
            if (contact_id is None or c.contact_id == contact_id)
            and (status is None or c.status == status)
        ]

    def confirm(self, request_id: str | None = None, *, contact: str | None = None) -> Confirmation:
        """The contact confirms (what the link in the platform's mail does): the pending
        confirmation ``request_id``, or the newest pending one of the card ``contact``.

        The live card is opted in to e-mail (history source `CONFIRMATION_SOURCE`)
        and gets the confirmation's tag. A resolved or unknown confirmation, a card
        waiting for none -> InvalidField; a soft-deleted card -> ContactNotFound.
        """
        now = self.account.tick()  # runs out the due ones first
        pending = self._pending(request_id, contact)
        record = self.account.live(pending.contact_id)
        done = attrs.evolve(pending, status="CONFIRMED", resolved_at=now)
        self._confirmations[done.request_id] = done
        self.set_email_status(record, False, CONFIRMATION_SOURCE, now)
        if done.options.tag is not None and self._tags is not None:
            self._tags.add(record, (done.options.tag,), False, now)
        self.account.store.touch(record, now)
        self.account.notify_confirmation(record, done)
        self.account.notify_saved(record)
        return done

    def expire(self, request_id: str | None = None, *, contact: str | None = None) -> Confirmation:
        """Let the pending confirmation run out now (as
        [`confirm`][salesmanago_emulator.state.optin.OptInArea.confirm] names it); the card stays as
        it is."""
        now = self.account.tick()  # runs out the due ones first
        pending = self._pending(request_id, contact)
        return self._run_out(pending, now)

    def has_confirmation(self, request_id: str) -> bool:
        """Whether the account gave a confirmation with this request id."""
        return request_id in self._confirmations

    def restore_confirmation(self, confirmation: Confirmation) -> None:
        """Put a saved confirmation back (the snapshot checked it); later request ids
        follow the highest one."""
        self._confirmations[confirmation.request_id] = confirmation
        self._next_request = max(self._next_request, int(confirmation.request_id) + 1)
        if confirmation.status == "PENDING":
            self.account.schedule_due(confirmation.expires_at)

    def _pending(self, request_id: str | None, contact: str | None) -> Confirmation:
        if request_id is not None and contact is not None:
            raise InvalidField("requestId", RULE_CONFIRMATION_KEY)
        if contact is not None:
            record = self.account.find(contact)
            if record is None:
                raise ContactNotFound(str(contact))
            found = [
                c
                for c in self._confirmations.values()
                if c.contact_id == record.id and c.status == "PENDING"
            ]
            if not found:
                raise InvalidField("contact", RULE_NO_PENDING_CONFIRMATION)
            return found[-1]
        if request_id is None:
            raise InvalidField("requestId", RULE_REQUIRED)
        key = request_id.strip() if isinstance(request_id, str) else request_id
        confirmation = self._confirmations.get(key) if isinstance(key, str) else None
        if confirmation is None:
            raise InvalidField("requestId", RULE_UNKNOWN_CONFIRMATION.format(value=request_id))
        if confirmation.status != "PENDING":
            raise InvalidField(
                "requestId", RULE_CONFIRMATION_NOT_PENDING.format(status=confirmation.status)
            )
        return confirmation

    def _run_out(self, pending: Confirmation, when: datetime) -> Confirmation:
        expired = attrs.evolve(pending, status="EXPIRED", resolved_at=when)
        self._confirmations[expired.request_id] = expired
        record = self.account.store.by_id.get(expired.contact_id)
        if record is not None:
            self.account.notify_confirmation(record, expired)
        return expired

    def _expire_due(self, now: datetime) -> datetime | None:
        """Due work ([`AccountCore.add_due_work`][salesmanago_emulator.Account.add_due_work]): run
        out every pending confirmation whose time has passed, at its ``expires_at``; the next
        expiry, or ``None``."""
        following: datetime | None = None
        for confirmation in list(self._confirmations.values()):
            if confirmation.status != "PENDING":
                continue
            if confirmation.expires_at <= now:
                self._run_out(confirmation, confirmation.expires_at)
            elif following is None or confirmation.expires_at < following:
                following = confirmation.expires_at
        return following


def _setup_item(item: object, where: str, extra: str) -> tuple[str, Any]:
    """A setup item's name and its one optional ``extra`` field."""
    if isinstance(item, str):
        return item, None
    if not isinstance(item, Mapping):
        raise InvalidField(where, RULE_NAME_OR_OBJECT.format(extra=extra))
    unknown = sorted(set(item) - {"name", extra})
    if unknown:
        raise InvalidField(f"{where}.{unknown[0]}", RULE_NAME_OR_OBJECT.format(extra=extra))
    name = item.get("name")
    if not isinstance(name, str):
        raise InvalidField(f"{where}.name", RULE_STRING)
    return name, item.get(extra)


def check_confirmation_options(options: DoubleOptIn) -> DoubleOptIn:
    """``sendConfirmation``'s options as stored: ``lang`` or all of the template, account
    and subject (protocol §7), strings; the tag normalised to one tag. InvalidField
    naming the wire field otherwise."""
    wires = (
        ("template_id", "apiDoubleOptInEmailTemplateId"),
        ("account_id", "apiDoubleOptInEmailAccountId"),
        ("subject", "apiDoubleOptInEmailSubject"),
        ("email_id", "doubleOptInEmailId"),
        ("lang", "lang"),
        ("tag", "tag"),
    )
    for attr, wire in wires:
        value = getattr(options, attr)
        if value is not None and not isinstance(value, str):
            raise InvalidField(wire, RULE_STRING)
    full = options.template_id and options.account_id and options.subject
    if not (options.lang and options.lang.strip()) and not full:
        raise InvalidField("lang", RULE_CONFIRMATION_OPTIONS)
    if options.tag is None:
        return options
    try:
        tags = normalize_tags([options.tag], "tag")
    except InvalidField as err:
        raise InvalidField("tag", err.rule) from None
    if len(tags) != 1:
        raise InvalidField("tag", RULE_ONE_TAG.format(count=len(tags), tags=", ".join(tags)))
    return attrs.evolve(options, tag=tags[0])
