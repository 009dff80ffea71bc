"""Contact cards as the emulator stores them, and the write that changes one.

`ContactWrite` is what a route hands to the
[`Account`][salesmanago_emulator.Account]: every field optional,
``None`` meaning "not sent". `ContactRecord` is the stored card.

Records are built for a million of them in memory: ``__slots__``, containers
created on first use (``None`` until then), interned tag and detail names,
short detail values shared between cards (`common_value`), small slotted value
objects, and the fields most cards never set (phone, address, consents, ...)
held together in one holder made on the first such value (`_Rare`). Readers
use the accessors (``tags``, ``properties``, ``owners``, ...), which never
return ``None``. Only the
[`Account`][salesmanago_emulator.Account] changes records; other
code treats them as read-only.
"""

from __future__ import annotations

import calendar
import operator
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar, overload

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

    Not slotted: a write lives for one request; `of` fills a `sparse` write's
    instance dictionary in one step, the routes' reader as it reads.
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
        write = cls.sparse()
        vars(write).update(fields)
        return write

    @classmethod
    def sparse(cls) -> ContactWrite:
        """A write holding no field yet: every field reads ``None`` (the class's) until
        set in its instance dictionary, as `of` and the routes' reader set them."""
        return object.__new__(cls)


# The class holds None for every field, for the writes made by ``of`` (or filled by the
# routes' reader): they hold only the fields sent, and the account visits only those.
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
V = TypeVar("V")

_RARE_FIELDS: Final = (
    "_consents",
    "_dictionary_properties",
    "_extensions",
    "_opt_history",
    "_owners",
    "birthday",
    "city",
    "company",
    "country",
    "deleted_at",
    "external_id",
    "fax",
    "lang",
    "last_visit",
    "phone",
    "province",
    "status_before_invalid",
    "street_address",
    "zip_code",
)
"""The card's attributes kept in its `_Rare` holder (most cards set none of them)."""

COMMON_VALUE_LENGTH: Final = 32
"""Detail values up to this many characters are shared between cards (`common_value`)."""
COMMON_VALUES: Final = 4096
"""How many distinct detail values `common_value` keeps to share (the first seen)."""
_common_values: dict[str, str] = {}


def common_value(value: str) -> str:
    """One shared object for a short detail value many cards hold (``"red"``, ``"42"``).

    The first `COMMON_VALUES` distinct values of at most `COMMON_VALUE_LENGTH`
    characters are kept in a table; a value equal to one of them is stored as
    that object, so a million cards with the same value hold one string. The
    value is the same text either way: only memory changes.
    """
    if len(value) > COMMON_VALUE_LENGTH:
        return value
    shared = _common_values.get(value)
    if shared is not None:
        return shared
    if len(_common_values) < COMMON_VALUES:
        _common_values[value] = value
    return value


class _Rare:
    """The fields most cards never set, held apart from the card (S2.3): a card
    that sets none of them points at the one shared, all-``None`` `_NO_RARE`
    instead of holding a slot each. Read and written through `_RareField`; only
    `ContactRecord` uses it."""

    __slots__ = _RARE_FIELDS

    def __init__(self) -> None:
        for name in _RARE_FIELDS:
            setattr(self, name, None)


_NO_RARE: Final = _Rare()
"""The holder of every card that sets no rarely-set field: all ``None``, never written."""


class _RareField(property, Generic[V]):
    """A card attribute kept in the card's `_Rare` holder.

    A property whose read is ``operator.attrgetter("_rare.<name>")`` (no Python call:
    about as cheap as a slot); writing a value (not ``None``) to a card that holds
    `_NO_RARE` gives it a holder of its own first.
    """

    def __init__(self, name: str) -> None:
        def write(record: ContactRecord, value: V) -> None:
            rare = record._rare
            if rare is _NO_RARE:
                if value is None:
                    return  # already None: no holder needed
                rare = record._rare = _Rare()
            setattr(rare, name, value)

        read = operator.attrgetter(f"_rare.{name}")
        super().__init__(read, write, None, f"The card's ``{name}`` (kept in its `_Rare`).")

    if TYPE_CHECKING:  # how mypy sees the property: typed reads and writes

        @overload
        def __get__(self, record: None, owner: type | None = None) -> _RareField[V]: ...
        @overload
        def __get__(self, record: ContactRecord, owner: type | None = None) -> V: ...
        def __get__(
            self, record: ContactRecord | None, owner: type | None = None
        ) -> V | _RareField[V]: ...
        def __set__(self, record: ContactRecord, value: V) -> None: ...


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
        "_properties",
        "_rare",
        "_tags",
        "created_on",
        "deleted",
        "email",
        "id",
        "invalid",
        "main_owner",
        "modified_on",
        "monitored",
        "name",
        "opted_out",
        "opted_out_phone",
        "score",
        "state",
    )

    FIELDS: Final = (
        "id",
        "email",
        "name",
        "phone",
        "fax",
        "company",
        "external_id",
        "state",
        "street_address",
        "zip_code",
        "city",
        "country",
        "province",
        "birthday",
        "lang",
        "score",
        "opted_out",
        "opted_out_phone",
        "invalid",
        "status_before_invalid",
        "deleted",
        "deleted_at",
        "monitored",
        "created_on",
        "modified_on",
        "last_visit",
        "main_owner",
    )
    """The card's plain (scalar) attributes, in the order of S2.3; the views
    (``tags``, ``properties``, ...) come on top."""

    id: str
    email: str
    name: str | None
    phone = _RareField[str | None]("phone")
    fax = _RareField[str | None]("fax")
    company = _RareField[str | None]("company")
    external_id = _RareField[str | None]("external_id")
    state: str
    street_address = _RareField[str | None]("street_address")
    zip_code = _RareField[str | None]("zip_code")
    city = _RareField[str | None]("city")
    country = _RareField[str | None]("country")
    province = _RareField[str | None]("province")
    birthday = _RareField[Birthday | None]("birthday")
    lang = _RareField[str | None]("lang")
    score: int
    opted_out: bool
    opted_out_phone: bool
    invalid: bool
    status_before_invalid = _RareField[bool | None]("status_before_invalid")
    """``opted_out`` as it was when the contact was marked invalid (S2.6); ``None`` if valid."""
    deleted: bool
    deleted_at = _RareField[datetime | None]("deleted_at")
    monitored: bool
    created_on: datetime
    modified_on: datetime
    last_visit = _RareField[datetime | None]("last_visit")
    main_owner: str
    _owners = _RareField[dict[str, str] | None]("_owners")
    _tags: dict[str, TagEntry] | None
    _properties: dict[str, str] | None
    _dictionary_properties = _RareField[dict[str, tuple[str, str]] | None]("_dictionary_properties")
    _consents = _RareField[dict[str, ConsentState] | None]("_consents")
    _opt_history = _RareField[list[OptChange] | None]("_opt_history")
    _extensions = _RareField[dict[str, object] | None]("_extensions")
    _rare: _Rare

    def __init__(self, contact_id: str, email: str, main_owner: str, now: datetime) -> None:
        """A new card: PROSPECT, score 0, opted out of e-mail and phone, monitored."""
        self.id = contact_id
        self.email = email
        self.main_owner = main_owner
        self.created_on = now
        self.modified_on = now
        self.name = None
        self.state = "PROSPECT"
        self.score = 0
        self.opted_out = True
        self.opted_out_phone = True
        self.invalid = False
        self.deleted = False
        self.monitored = True
        self._tags = None
        self._properties = None
        self._rare = _NO_RARE  # every rarely-set field None (see _Rare)

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
        self._properties[name] = common_value(value)
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
