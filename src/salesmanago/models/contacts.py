"""Contact models: what a contact write sends and what contact reads return (protocol §5)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar

import attrs

from .._converter import wire
from .._validation import check_aware, check_email, check_model, check_tags
from ..errors import ValidationError
from .coupons import ContactCoupon
from .events import ContactExtEvent
from .funnels import ContactFunnel
from .messages import ContactEmailMessage, ContactSmsMessage
from .notes import ContactNote
from .optin import ContactConsent
from .tasks import ContactTask

__all__ = [
    "Address",
    "BatchUpsertItem",
    "BatchUpsertResult",
    "ConsentDetail",
    "Contact",
    "ContactBasic",
    "ContactChange",
    "ContactEventResult",
    "ContactPage",
    "ContactState",
    "ContactTag",
    "ContactUpsert",
    "DictionaryProperty",
    "DictionaryPropertyType",
    "DoubleOptIn",
    "UpsertResult",
]


class ContactState(str, Enum):
    """The contact's business relation (semantics S2.5); new contacts are PROSPECT."""

    CUSTOMER = "CUSTOMER"
    PROSPECT = "PROSPECT"
    PARTNER = "PARTNER"
    OTHER = "OTHER"
    UNKNOWN = "UNKNOWN"


class DictionaryPropertyType(str, Enum):
    """The type of a dictionary detail (semantics S6.2)."""

    NUMBER = "NUMBER"
    DATE = "DATE"


def _properties_to_wire(value: Mapping[str, str]) -> dict[str, str]:
    return dict(value)


def _properties_from_wire(value: Any) -> dict[str, str]:
    """Responses carry details as ``[{name, value}]`` (protocol §5.3)."""
    if isinstance(value, Mapping):
        return {str(k): "" if v is None else str(v) for k, v in value.items()}
    if not isinstance(value, list):
        raise TypeError(f"expected a list of {{name, value}}, got {type(value).__name__}")
    out: dict[str, str] = {}
    for item in value:
        if not isinstance(item, Mapping) or not isinstance(item.get("name"), str):
            raise TypeError(f"expected {{name, value}}, got {item!r}")
        raw = item.get("value")
        out[item["name"]] = "" if raw is None else str(raw)
    return out


_T = TypeVar("_T")


def _frozen_dict(value: Mapping[str, str] | None) -> dict[str, str]:
    return dict(value or {})


def _items(value: Iterable[_T], field: str) -> tuple[_T, ...]:
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{field} must be a list of items, not a single {type(value).__name__}")
    return tuple(value)


def _tags(value: Iterable[str]) -> tuple[str, ...]:
    return _items(value, "tags")


def _remove_tags(value: Iterable[str]) -> tuple[str, ...]:
    return _items(value, "remove_tags")


def _dictionary_properties(value: Iterable[DictionaryProperty]) -> tuple[DictionaryProperty, ...]:
    return _items(value, "dictionary_properties")


def _consent_details(value: Iterable[ConsentDetail]) -> tuple[ConsentDetail, ...]:
    return _items(value, "consent_details")


@attrs.frozen(kw_only=True)
class Address:
    """A postal address (``address`` in requests and responses)."""

    street_address: str | None = None
    zip_code: str | None = None
    city: str | None = None
    country: str | None = None


@attrs.frozen(kw_only=True)
class ConsentDetail:
    """A named consent given or withdrawn with a write (semantics S10.1).

    The consent must already exist in the account.
    """

    consent_name: str
    consent_accept: bool
    agreement_date: datetime | None = None
    ip: str | None = None
    opt_out: bool | None = None
    consent_description_id: int | None = None


@attrs.frozen(kw_only=True)
class DictionaryProperty:
    """A typed detail from the account's dictionary (semantics S6.2)."""

    name: str
    type: DictionaryPropertyType
    value: str


@attrs.frozen(kw_only=True)
class DoubleOptIn:
    """Ask the platform to send its double-opt-in e-mail after the write."""

    email_id: str | None = attrs.field(default=None, metadata=wire(name="doubleOptInEmailId"))
    language: str | None = attrs.field(default=None, metadata=wire(name="doubleOptInLanguage"))
    template_id: str | None = attrs.field(
        default=None, metadata=wire(name="apiDoubleOptInEmailTemplateId")
    )
    account_id: str | None = attrs.field(
        default=None, metadata=wire(name="apiDoubleOptInEmailAccountId")
    )
    subject: str | None = attrs.field(
        default=None, metadata=wire(name="apiDoubleOptInEmailSubject")
    )


@attrs.frozen(kw_only=True)
class ContactUpsert:
    """One contact write: insert, upsert, update, or an item of a batch upsert.

    ``email`` names the contact. Every other field is sent only when set, so an
    update changes exactly the fields given (semantics S2.2). ``properties``
    are standard details (S6.1) and ``birthday`` travels as ``yyyyMMdd``.
    ``loyalty_program`` enrols the contact in the loyalty program of that name
    (protocol §5.2; the platform refuses an unknown or inactive program).
    """

    email: str = attrs.field(metadata=wire(group="contact"))
    name: str | None = attrs.field(default=None, metadata=wire(group="contact"))
    phone: str | None = attrs.field(default=None, metadata=wire(group="contact"))
    fax: str | None = attrs.field(default=None, metadata=wire(group="contact"))
    company: str | None = attrs.field(default=None, metadata=wire(group="contact"))
    external_id: str | None = attrs.field(default=None, metadata=wire(group="contact"))
    state: ContactState | None = attrs.field(default=None, metadata=wire(group="contact"))
    address: Address | None = attrs.field(default=None, metadata=wire(group="contact"))
    birthday: date | None = None
    province: str | None = None
    lang: str | None = None
    tags: tuple[str, ...] = attrs.field(default=(), converter=_tags)
    remove_tags: tuple[str, ...] = attrs.field(default=(), converter=_remove_tags)
    tag_scoring: bool | None = None
    properties: Mapping[str, str] = attrs.field(
        factory=dict,
        converter=_frozen_dict,
        metadata=wire(unstructure=_properties_to_wire),
    )
    dictionary_properties: tuple[DictionaryProperty, ...] = attrs.field(
        default=(), converter=_dictionary_properties
    )
    force_opt_in: bool | None = None
    force_opt_out: bool | None = None
    force_phone_opt_in: bool | None = None
    force_phone_opt_out: bool | None = None
    new_email: str | None = None
    consent_details: tuple[ConsentDetail, ...] = attrs.field(default=(), converter=_consent_details)
    double_opt_in: DoubleOptIn | None = None
    loyalty_program: str | None = None

    def validate(self) -> None:
        """Run the SDK's own checks of this write, sending nothing.

        Raises the [`ValidationError`][salesmanago.errors.ValidationError] that ``insert``,
        ``upsert`` and ``update`` would raise before sending (``Field
        'contact.email' must be an e-mail address (got 'jan')``). In
        ``batch_upsert`` the same check makes the item a failed result whose text
        names the field under the item's index (``upsertDetails[3].contact.email``).
        The platform may still refuse a write that passes (an unknown consent,
        a blacklisted e-mail).
        """
        check_upsert(self)


#: A contact write's values as checked (white space trimmed): the e-mail, the new
#: e-mail, the tags to add and the tags to remove (what
#: [`check_upsert`][salesmanago.models.contacts.check_upsert] returns).
CheckedUpsert = tuple[str, str | None, Sequence[str], Sequence[str]]


def check_upsert(item: ContactUpsert) -> CheckedUpsert:
    """Every client-side rule of one contact write (insert, upsert, update, batch item);
    [`ContactUpsert.validate`][salesmanago.models.contacts.ContactUpsert.validate] runs it, and the
    contact resources before sending.

    Fields are named as a single write spells them (``contact.email``, ``tags[0]``);
    ``_validation.in_item`` names them inside a batch. Returns the values to send as checked.
    """
    check_model(item, ContactUpsert, "contact")
    email = check_email(item.email, "contact.email")
    new_email = None if item.new_email is None else check_email(item.new_email, "newEmail")
    # () when absent: a batch keeps one result per item until it is sent
    tags: Sequence[str] = check_tags(item.tags, "tags") if item.tags else ()
    remove_tags: Sequence[str] = (
        check_tags(item.remove_tags, "removeTags") if item.remove_tags else ()
    )
    if item.force_opt_in and item.force_opt_out:
        raise ValidationError("forceOptIn", "cannot be set together with forceOptOut")
    if item.force_phone_opt_in and item.force_phone_opt_out:
        raise ValidationError("forcePhoneOptIn", "cannot be set together with forcePhoneOptOut")
    if item.properties:
        for name in item.properties:
            if not name.strip():
                raise ValidationError("properties", "must not have an empty detail name")
    if item.consent_details:
        for index, consent in enumerate(item.consent_details):
            check_aware(consent.agreement_date, f"consentDetails[{index}].agreementDate")
    if item.loyalty_program is not None and (
        not isinstance(item.loyalty_program, str) or not item.loyalty_program.strip()
    ):
        raise ValidationError("loyaltyProgram", "must be a non-empty loyalty program name")
    return email, new_email, tags, remove_tags


@attrs.frozen(kw_only=True)
class UpsertResult:
    """What insert, upsert and update return."""

    contact_id: str
    external_id: str | None = None


@attrs.frozen(kw_only=True)
class ContactEventResult:
    """What ``contacts.upsert_with_event`` returns: the id of each part sent
    (``None`` for a part not sent)."""

    contact_id: str | None = None
    event_id: str | None = None


@attrs.frozen(kw_only=True)
class BatchUpsertItem:
    """The outcome of one item of a batch upsert, in input order.

    Exactly one of ``contact_id`` and ``errors`` is set.
    """

    email: str
    contact_id: str | None = None
    errors: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether the platform applied this item."""
        return self.contact_id is not None


@attrs.frozen(kw_only=True)
class BatchUpsertResult:
    """All items of a batch upsert, in input order, with per-item failures."""

    items: tuple[BatchUpsertItem, ...]

    @property
    def contact_ids(self) -> dict[str, str]:
        """E-mail -> contact id for every applied item."""
        return {i.email: i.contact_id for i in self.items if i.contact_id is not None}

    @property
    def failed(self) -> tuple[BatchUpsertItem, ...]:
        """The items the platform did not apply."""
        return tuple(i for i in self.items if i.contact_id is None)


@attrs.frozen(kw_only=True)
class ContactTag:
    """A tag on a contact, with its own scoring (semantics S4.2)."""

    tag: str
    tag_name: str | None = None
    score: int = 0
    created_on: datetime | None = None
    tag_with_score: str | None = None


@attrs.frozen(kw_only=True)
class ContactBasic:
    """A contact's basic data (``contact/basic``, ``basicById``; protocol §5.3)."""

    contact_id: str
    email: str
    name: str | None = None
    phone: str | None = None
    fax: str | None = None
    score: int = 0
    state: str | None = None
    opted_out: bool = False
    opted_out_phone: bool = False
    deleted: bool = False
    invalid: bool = False
    company: str | None = None
    external_id: str | None = None
    address: Address | None = None
    birthday_year: int | None = None
    birthday_month: int | None = None
    birthday_day: int | None = None
    created_on: datetime | None = None
    modified_on: datetime | None = None
    last_visit: datetime | None = None


@attrs.frozen(kw_only=True)
class Contact:
    """A contact's full data (``contact/list``, ``listById``; protocol §5.3).

    ``properties`` are the standard details, read back as strings (S6.1);
    ``dictionary_properties`` the typed ones (S6.2, ``dictionaryProperties``);
    ``consents`` the named consents with their status (S10.1, ``contactConsents``).
    ``ext_events``, ``notes``, ``tasks``, ``coupons`` and ``funnels`` are the card's
    ``contactExtEvents``, ``contactNotes``, ``contactTasks``, ``coupons`` and
    ``contactFunnels`` (S2.3), read tolerantly: only their ids are required.
    ``email_messages`` and ``sms_messages`` are the card's mailings (``emailMessages``,
    ``smsMessages``; S11.1), each with its delivery status.
    """

    contact_id: str = attrs.field(metadata=wire(name="id"))
    email: str
    name: str | None = None
    phone: str | None = None
    fax: str | None = None
    score: int = 0
    state: str | None = None
    opted_out: bool = False
    opted_out_phone: bool = False
    deleted: bool = False
    invalid: bool = False
    company: str | None = None
    external_id: str | None = None
    address: Address | None = None
    province: str | None = None
    birthday_year: int | None = None
    birthday_month: int | None = None
    birthday_day: int | None = None
    main_owner: str | None = attrs.field(default=None, metadata=wire(name="mainContactOwner"))
    tags: tuple[ContactTag, ...] = attrs.field(default=(), metadata=wire(name="contactTags"))
    properties: Mapping[str, str] = attrs.field(
        factory=dict, metadata=wire(structure=_properties_from_wire)
    )
    created_on: datetime | None = None
    modified_on: datetime | None = None
    ext_events: tuple[ContactExtEvent, ...] = attrs.field(
        default=(), metadata=wire(name="contactExtEvents")
    )
    notes: tuple[ContactNote, ...] = attrs.field(default=(), metadata=wire(name="contactNotes"))
    tasks: tuple[ContactTask, ...] = attrs.field(default=(), metadata=wire(name="contactTasks"))
    coupons: tuple[ContactCoupon, ...] = ()
    funnels: tuple[ContactFunnel, ...] = attrs.field(
        default=(), metadata=wire(name="contactFunnels")
    )
    dictionary_properties: tuple[DictionaryProperty, ...] = ()
    consents: tuple[ContactConsent, ...] = attrs.field(
        default=(), metadata=wire(name="contactConsents")
    )
    email_messages: tuple[ContactEmailMessage, ...] = ()
    sms_messages: tuple[ContactSmsMessage, ...] = ()

    @property
    def tag_names(self) -> tuple[str, ...]:
        """The contact's tag names."""
        return tuple(t.tag for t in self.tags)


@attrs.frozen(kw_only=True)
class ContactPage:
    """One page of the owner's contacts (``contact/paginatedListById``), oldest first.

    Attributes:
        page: the page's number, from 0.
        contacts: the page's contacts, with their full data.
        has_more: whether a later page holds more contacts.
    """

    page: int
    contacts: tuple[Contact, ...]
    has_more: bool


@attrs.frozen(kw_only=True)
class ContactChange:
    """A contact created or modified in a time range: its id and e-mail."""

    contact_id: str = attrs.field(metadata=wire(name="id"))
    email: str
