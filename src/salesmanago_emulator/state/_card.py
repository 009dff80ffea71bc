"""Contact cards as the emulator stores them, and the write that changes one.

`ContactWrite` is what a route hands to the
[`Account`][salesmanago_emulator.Account]: every field optional,
``None`` meaning "not sent". `ContactRecord` is the stored card.

Records are built for a million of them in memory: ``__slots__``, containers
created on first use (``None`` until then), interned tag and detail names,
small slotted value objects. Readers use the accessors (``tags``,
``properties``, ``owners``, ...), which never return ``None``. Only the
[`Account`][salesmanago_emulator.Account] changes records; other
code treats them as read-only.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import Any, Final

import attrs

from ..errors import RULE_REAL_DATE, InvalidField

__all__ = [
    "CHANNELS",
    "CONFIRMATION_STATUSES",
    "CONSENT_STATUSES",
    "CONTACT_STATES",
    "DICTIONARY_TYPES",
    "OPT_SOURCES",
    "OWNER_LEVELS",
    "Birthday",
    "Confirmation",
    "ConsentDetail",
    "ConsentState",
    "ContactRecord",
    "ContactWrite",
    "DictionaryProperty",
    "DoubleOptIn",
    "OptChange",
    "TagEntry",
]

CONTACT_STATES: Final = ("CUSTOMER", "PROSPECT", "PARTNER", "OTHER", "UNKNOWN")
"""Values of a contact's ``state`` (S2.5, protocol §4); new contacts are ``PROSPECT``."""
OWNER_LEVELS: Final = ("MAIN", "CO_OWNER", "READ_ONLY")
"""Ownership levels of a contact (S1.4)."""
DICTIONARY_TYPES: Final = ("NUMBER", "DATE")
"""Types of a dictionary detail (S6.2, protocol §5.2)."""
CONSENT_STATUSES: Final = ("CONFIRMED", "WITHDRAWN", "UNCONFIRMED")
"""Statuses of a named consent on a contact (S10.1)."""
OPT_SOURCES: Final = ("FROM_INIT", "ONE_MESSAGE", "MESSAGE", "MANAGE", "FEEDBACK_COMPL")
"""Sources of an opt-in/opt-out change (S10.2); ``FROM_INIT`` is the API."""
CHANNELS: Final = ("EMAIL", "PHONE")
"""Channels of the opt-in/opt-out history (S2.6, S2.7)."""
CONFIRMATION_STATUSES: Final = ("PENDING", "CONFIRMED", "EXPIRED")
"""Statuses of a double opt-in confirmation (protocol §5.2, §7; grade D)."""


# --- write input -----------------------------------------------------------------


@attrs.frozen
class Birthday:
    """A birthday; the year is optional (the wire sends ``yyyyMMdd`` or ``MMdd``).

    Construction checks that the date exists (29 February only in a leap year,
    or with no year) and raises [`InvalidField`][salesmanago_emulator.errors.InvalidField]
    for field ``birthday`` otherwise.
    """

    year: int | None
    month: int
    day: int

    def __attrs_post_init__(self) -> None:
        year = 2000 if self.year is None else self.year  # 2000: 29 February allowed
        ok = 1 <= year <= 9999 and 1 <= self.month <= 12
        if ok:
            ok = 1 <= self.day <= calendar.monthrange(year, self.month)[1]
        if not ok:
            shown = f"{self.month:02}{self.day:02}"
            if self.year is not None:
                shown = f"{self.year:04}{shown}"
            raise InvalidField("birthday", RULE_REAL_DATE.format(value=shown))

    @classmethod
    def parse(cls, text: str, field: str = "birthday") -> Birthday:
        """Read the wire form ``yyyyMMdd`` or ``MMdd``; errors name ``field``."""
        digits = text.strip()
        if not digits.isascii() or not digits.isdigit() or len(digits) not in (4, 8):
            raise InvalidField(field, RULE_REAL_DATE.format(value=text))
        year = int(digits[:4]) if len(digits) == 8 else None
        rest = digits[-4:]
        try:
            return cls(year=year, month=int(rest[:2]), day=int(rest[2:]))
        except InvalidField as err:
            raise InvalidField(field, err.rule) from None


@attrs.frozen
class DictionaryProperty:
    """One dictionary detail in a write (S6.2): ``type`` is ``NUMBER`` or ``DATE``."""

    name: str
    type: str
    value: str


@attrs.frozen
class ConsentDetail:
    """One consent in a write (S10.1, protocol §5.2 ``consentDetails``)."""

    name: str
    accept: bool
    agreement_date: datetime | None = None
    ip: str | None = None
    opt_out: bool = False
    description_id: int | None = None


@attrs.frozen(kw_only=True)
class DoubleOptIn:
    """The double opt-in a write or ``email/sendConfirmation`` asks for (protocol §5.2, §7).

    Every field is optional and kept as sent: the template, sending account and
    subject (``apiDoubleOptInEmail*``, older clients), the e-mail and language
    (``doubleOptInEmailId``, ``doubleOptInLanguage`` / ``lang``, newer ones), and
    the tag the contact gets once it confirms (``sendConfirmation``'s ``tag``,
    normalised by the account).
    """

    template_id: str | None = None
    account_id: str | None = None
    subject: str | None = None
    email_id: str | None = None
    lang: str | None = None
    tag: str | None = None


def _opt_tuple(value: Iterable[str] | None) -> tuple[str, ...] | None:
    return None if value is None else tuple(value)


def _opt_dict_props(
    value: Iterable[DictionaryProperty] | None,
) -> tuple[DictionaryProperty, ...] | None:
    return None if value is None else tuple(value)


def _opt_consents(value: Iterable[ConsentDetail] | None) -> tuple[ConsentDetail, ...] | None:
    return None if value is None else tuple(value)


@attrs.frozen(kw_only=True, slots=False)
class ContactWrite:
    """The data of one insert / upsert / update (protocol §5.1, §5.2).

    Every field is optional; ``None`` means "not sent" and leaves the stored
    value alone. Values are taken as the route parsed them; the account checks
    and normalises them (e-mail, state, tags, details, consents) as a whole
    before changing anything.

    Not slotted: a write lives for one request, and `of` (the routes'
    way to build one) fills its instance dictionary in one step.
    """

    email: str | None = None
    name: str | None = None
    phone: str | None = None
    fax: str | None = None
    company: str | None = None
    external_id: str | None = None
    state: str | None = None
    street_address: str | None = None
    zip_code: str | None = None
    city: str | None = None
    country: str | None = None
    province: str | None = None
    birthday: Birthday | None = None
    lang: str | None = None
    tags: tuple[str, ...] | None = attrs.field(default=None, converter=_opt_tuple)
    remove_tags: tuple[str, ...] | None = attrs.field(default=None, converter=_opt_tuple)
    tag_scoring: bool | None = None
    properties: Mapping[str, str] | None = None
    dictionary_properties: tuple[DictionaryProperty, ...] | None = attrs.field(
        default=None, converter=_opt_dict_props
    )
    force_opt_in: bool | None = None
    force_opt_out: bool | None = None
    force_phone_opt_in: bool | None = None
    force_phone_opt_out: bool | None = None
    new_email: str | None = None
    consent_details: tuple[ConsentDetail, ...] | None = attrs.field(
        default=None, converter=_opt_consents
    )
    loyalty_program: str | None = None
    """The loyalty program to enrol the card in, by name (protocol §5.2 ``loyaltyProgram``)."""
    double_opt_in: DoubleOptIn | None = None
    """Ask for a double opt-in confirmation after the write (``useApiDoubleOptIn``)."""

    @classmethod
    def of(cls, fields: Mapping[str, Any]) -> ContactWrite:
        """The write with ``fields`` (by attribute name) set and every other field ``None``.

        Equal to ``ContactWrite(**fields)`` for known field names and values
        already in their stored form (tuples, not lists), as the routes parse
        them; neither is checked and the converters are not run, which makes
        this several times cheaper on the write path.
        """
        write = object.__new__(cls)
        vars(write).update(fields)  # a field left out reads the class's None
        return write


# The class holds None for every field, for the writes made by ``of``: they hold
# only the fields sent, and the account visits only those.
for _field in attrs.fields(ContactWrite):
    setattr(ContactWrite, _field.name, None)


# --- stored values -----------------------------------------------------------------


@attrs.frozen(weakref_slot=False)
class TagEntry:
    """A tag on a contact: its own scoring (S4.2) and when it was put on."""

    score: int
    created_on: datetime


@attrs.frozen(weakref_slot=False)
class ConsentState:
    """A named consent on a contact (S10.1)."""

    status: str
    date: datetime | None = None
    ip: str | None = None
    description_id: int | None = None


@attrs.frozen(weakref_slot=False)
class OptChange:
    """One entry of the opt-in/opt-out history (S10.2)."""

    at: datetime
    channel: str
    status: str
    source: str


@attrs.frozen(kw_only=True, weakref_slot=False)
class Confirmation:
    """A double opt-in confirmation the platform asked a contact for (protocol §5.2, §7).

    ``status`` is ``PENDING`` until the contact confirms (``CONFIRMED``: the card
    is opted in) or the confirmation runs out (``EXPIRED``) at ``expires_at``;
    ``resolved_at`` is when either happened. ``origin`` says what asked for it:
    ``UPSERT`` (a write's ``useApiDoubleOptIn``) or ``SEND_CONFIRMATION``.
    """

    request_id: str
    contact_id: str
    email: str
    origin: str
    requested_at: datetime
    expires_at: datetime
    options: DoubleOptIn
    status: str = "PENDING"
    resolved_at: datetime | None = None


_EMPTY_MAP: Final[Mapping[Any, Any]] = MappingProxyType({})


class ContactRecord:
    """One stored contact card (S2.3).

    Plain attributes hold the scalar data; ``tags``, ``properties``,
    ``dictionary_properties``, ``consents``, ``opt_history``, ``owners`` and
    ``extensions`` are read-only views (empty, never ``None``, when nothing is
    stored). Only the account mutates a record.

    ``extensions`` is the place for later areas (events, notes, tasks,
    coupons, funnels, visits): each keeps its per-contact data under its own
    key through `extension` / `set_extension`, so the card stays
    one object and disappears with the contact.
    """

    __slots__ = (
        "_consents",
        "_dictionary_properties",
        "_extensions",
        "_opt_history",
        "_owners",
        "_properties",
        "_tags",
        "birthday",
        "city",
        "company",
        "country",
        "created_on",
        "deleted",
        "deleted_at",
        "email",
        "external_id",
        "fax",
        "id",
        "invalid",
        "lang",
        "last_visit",
        "main_owner",
        "modified_on",
        "monitored",
        "name",
        "opted_out",
        "opted_out_phone",
        "phone",
        "province",
        "score",
        "state",
        "status_before_invalid",
        "street_address",
        "zip_code",
    )

    id: str
    email: str
    name: str | None
    phone: str | None
    fax: str | None
    company: str | None
    external_id: str | None
    state: str
    street_address: str | None
    zip_code: str | None
    city: str | None
    country: str | None
    province: str | None
    birthday: Birthday | None
    lang: str | None
    score: int
    opted_out: bool
    opted_out_phone: bool
    invalid: bool
    status_before_invalid: bool | None
    """``opted_out`` as it was when the contact was marked invalid (S2.6); ``None`` if valid."""
    deleted: bool
    deleted_at: datetime | None
    monitored: bool
    created_on: datetime
    modified_on: datetime
    last_visit: datetime | None
    main_owner: str
    _owners: dict[str, str] | None
    _tags: dict[str, TagEntry] | None
    _properties: dict[str, str] | None
    _dictionary_properties: dict[str, tuple[str, str]] | None
    _consents: dict[str, ConsentState] | None
    _opt_history: list[OptChange] | None
    _extensions: dict[str, object] | None

    def __init__(self, contact_id: str, email: str, main_owner: str, now: datetime) -> None:
        """A new card: PROSPECT, score 0, opted out of e-mail and phone, monitored."""
        self.id = contact_id
        self.email = email
        self.main_owner = main_owner
        self.created_on = now
        self.modified_on = now
        self.name = self.phone = self.fax = self.company = self.external_id = None
        self.street_address = self.zip_code = self.city = self.country = None
        self.province = self.lang = None
        self.birthday = None
        self.state = "PROSPECT"
        self.score = 0
        self.opted_out = True
        self.opted_out_phone = True
        self.invalid = False
        self.status_before_invalid = None
        self.deleted = False
        self.deleted_at = None
        self.monitored = True
        self.last_visit = None
        self._owners = None
        self._tags = None
        self._properties = None
        self._dictionary_properties = None
        self._consents = None
        self._opt_history = None
        self._extensions = None

    # --- read-only views -----------------------------------------------------

    @property
    def tags(self) -> Mapping[str, TagEntry]:
        """Tag name -> `TagEntry`, in the order the tags were put on."""
        return self._tags if self._tags is not None else _EMPTY_MAP

    @property
    def properties(self) -> Mapping[str, str]:
        """Standard details, name -> value (S6.1)."""
        if self._properties is None:
            return _EMPTY_MAP
        return self._properties

    @property
    def dictionary_properties(self) -> Mapping[str, tuple[str, str]]:
        """Dictionary details, name -> (type, value) (S6.2)."""
        if self._dictionary_properties is None:
            return _EMPTY_MAP
        return self._dictionary_properties

    @property
    def consents(self) -> Mapping[str, ConsentState]:
        """Named consents, consent name -> `ConsentState` (S10.1)."""
        return self._consents if self._consents is not None else _EMPTY_MAP

    @property
    def opt_history(self) -> Sequence[OptChange]:
        """Opt-in/opt-out changes, oldest first (S10.2)."""
        return () if self._opt_history is None else tuple(self._opt_history)

    @property
    def owners(self) -> Mapping[str, str]:
        """Owner e-mail -> level (``MAIN``, ``CO_OWNER``, ``READ_ONLY``); the main owner first."""
        result = {self.main_owner: "MAIN"}
        if self._owners:
            result.update(self._owners)
        return MappingProxyType(result)

    @property
    def extensions(self) -> Mapping[str, object]:
        """Per-area data attached by later areas (events, notes, ...), key -> value."""
        if self._extensions is None:
            return _EMPTY_MAP
        return self._extensions

    def extension(self, key: str) -> object | None:
        """The data another area keeps on this card under ``key``, or ``None``."""
        return None if self._extensions is None else self._extensions.get(key)

    def set_extension(self, key: str, value: object | None) -> None:
        """Attach (or, with ``None``, drop) another area's data under ``key``."""
        if value is None:
            if self._extensions is not None:
                self._extensions.pop(key, None)
                if not self._extensions:
                    self._extensions = None
            return
        if self._extensions is None:
            self._extensions = {}
        self._extensions[key] = value

    def owner_level(self, email: str) -> str | None:
        """The level of owner ``email`` (already normalised), or ``None`` if not an owner."""
        if email == self.main_owner:
            return "MAIN"
        return None if self._owners is None else self._owners.get(email)

    # --- low-level mutators: for the account only (it keeps the indexes right) ----

    def put_tag(self, tag: str, entry: TagEntry) -> bool:
        """Store ``entry`` under ``tag``; true if the tag was not on the card before."""
        if self._tags is None:
            self._tags = {}
        is_new = tag not in self._tags
        self._tags[tag] = entry
        return is_new

    def drop_tag(self, tag: str) -> bool:
        """Remove ``tag``; true if it was on the card."""
        if self._tags is None or self._tags.pop(tag, None) is None:
            return False
        if not self._tags:
            self._tags = None
        return True

    def put_property(self, name: str, value: str) -> bool:
        """Add or overwrite a standard detail; true if something changed."""
        if self._properties is None:
            self._properties = {}
        elif self._properties.get(name) == value:
            return False
        self._properties[name] = value
        return True

    def drop_property(self, name: str) -> bool:
        """Remove a standard detail; true if it was there."""
        if self._properties is None or name not in self._properties:
            return False
        del self._properties[name]
        if not self._properties:
            self._properties = None
        return True

    def put_dictionary_property(self, name: str, kind: str, value: str) -> None:
        """Add or overwrite a dictionary detail."""
        if self._dictionary_properties is None:
            self._dictionary_properties = {}
        self._dictionary_properties[name] = (kind, value)

    def put_consent(self, name: str, state: ConsentState) -> None:
        """Set the state of a named consent."""
        if self._consents is None:
            self._consents = {}
        self._consents[name] = state

    def add_opt_change(self, change: OptChange) -> None:
        """Append to the opt-in/opt-out history."""
        if self._opt_history is None:
            self._opt_history = []
        self._opt_history.append(change)

    def other_owners(self) -> Sequence[tuple[str, str]]:
        """(e-mail, level) of every owner but the main one, in the order they were added."""
        return () if self._owners is None else tuple(self._owners.items())

    def put_owner(self, email: str, level: str) -> None:
        """Make ``email`` a non-main owner at ``level`` (``CO_OWNER`` or ``READ_ONLY``)."""
        if self._owners is None:
            self._owners = {}
        self._owners[email] = level

    def drop_owner(self, email: str) -> None:
        """Remove a non-main owner (no-op if ``email`` is not one)."""
        if self._owners is not None:
            self._owners.pop(email, None)
            if not self._owners:
                self._owners = None

    def __repr__(self) -> str:
        flag = " deleted" if self.deleted else ""
        return f"<ContactRecord {self.id} {self.email}{flag}>"
