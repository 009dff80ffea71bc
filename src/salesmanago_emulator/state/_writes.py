"""Checking a `ContactWrite` as a whole.

`prepare_write` validates and normalises every field of one write and
returns a `PreparedWrite`, or raises the first
[`InvalidField`][salesmanago_emulator.errors.InvalidField]. Nothing is changed here:
the account applies a prepared write only once it has passed every check, so
a bad write never leaves a card half-changed.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Final, NamedTuple

from ..errors import (
    RULE_AWARE,
    RULE_BOOLEAN,
    RULE_CONSENT_ACCEPT_AND_OPT_OUT,
    RULE_DATE,
    RULE_FORCE_BOTH,
    RULE_NOT_EMPTY,
    RULE_NUMBER,
    RULE_ONE_OF,
    RULE_REQUIRED,
    RULE_STRING,
    RULE_TAG_ADDED_AND_REMOVED,
    RULE_UNKNOWN_CONSENT,
    InvalidField,
)
from ._card import (
    CONTACT_STATES,
    DICTIONARY_TYPES,
    ConsentDetail,
    ConsentState,
    ContactWrite,
    DictionaryProperty,
    DoubleOptIn,
)
from ._normalize import normalize_tags, validate_email

__all__ = ["PreparedWrite", "check_dictionary_value", "check_tag_conflict", "prepare_write"]

# Short, highly repeated values are interned to save memory at a million contacts.
_INTERNED: Final = frozenset({"country", "province", "lang", "city"})
# ContactWrite string field -> its wire name (under "contact." or at the top level).
_SCALAR_WIRES: Final = {
    "name": "contact.name",
    "phone": "contact.phone",
    "fax": "contact.fax",
    "company": "contact.company",
    "external_id": "contact.externalId",
    "street_address": "contact.address.streetAddress",
    "zip_code": "contact.address.zipCode",
    "city": "contact.address.city",
    "country": "contact.address.country",
    "province": "province",
    "lang": "lang",
}
# The parts of a PreparedWrite after the scalars, for a write that sets none of them
# (no tags, details, consents or flags: the usual write).
_NOTHING_MORE: Final = ((), (), False, (), (), (), None, None, None, None)
_new_tuple: Final = tuple.__new__
_DATE_RE: Final = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)


class PreparedWrite(NamedTuple):
    """A write that passed every check, its values in stored form.

    ``email_opted_out`` / ``phone_opted_out`` are the statuses the write asks
    for (``None``: leave as is). ``consents`` maps the account's spelling of a
    consent name to its new state. ``loyalty_program`` is the name of the
    program to enrol the card in, as sent (the account looks it up).
    ``double_opt_in`` asks for a confirmation after the write (``useApiDoubleOptIn``).
    """

    email: str | None
    new_email: str | None
    scalars: tuple[tuple[str, object], ...]
    tags: tuple[str, ...]
    remove_tags: tuple[str, ...]
    tag_scoring: bool
    properties: tuple[tuple[str, str], ...]
    dictionary_properties: tuple[tuple[str, str, str], ...]
    consents: tuple[tuple[str, ConsentState], ...]
    email_opted_out: bool | None
    phone_opted_out: bool | None
    loyalty_program: str | None = None
    double_opt_in: DoubleOptIn | None = None


def check_tag_conflict(add: Sequence[str], remove: Sequence[str], field: str) -> None:
    """Refuse a request that adds and removes the same (normalised) tag."""
    if add and remove:
        added = set(add)
        for tag in remove:
            if tag in added:
                raise InvalidField(field, RULE_TAG_ADDED_AND_REMOVED.format(tag=tag))


def _aware(value: datetime | None, field: str) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidField(field, RULE_AWARE)
    return value.astimezone(timezone.utc)


def check_dictionary_value(kind: str, value: str, field: str) -> None:
    """A dictionary detail's value as its type takes it (S6.2): a finite number for
    ``NUMBER``; ``yyyy-MM-dd`` or digits for ``DATE``. InvalidField naming ``field``."""
    if kind == "NUMBER":
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise InvalidField(field, RULE_NUMBER.format(value=value))
        return
    match = _DATE_RE.fullmatch(value)
    if match is not None:
        try:
            date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            raise InvalidField(field, RULE_DATE.format(value=value)) from None
        return
    if not (value.isascii() and value.isdigit()):
        raise InvalidField(field, RULE_DATE.format(value=value))


def _email_status(write: ContactWrite) -> bool | None:
    if not (write.force_opt_in or write.force_opt_out or write.consent_details):
        return None
    if write.force_opt_in and write.force_opt_out:
        raise InvalidField("forceOptIn", RULE_FORCE_BOTH.format(other="forceOptOut"))
    withdrawn = any(c.opt_out for c in write.consent_details or ())
    accepted = any(c.accept for c in write.consent_details or ())
    if write.force_opt_out or withdrawn:
        return True
    if write.force_opt_in or accepted:
        return False
    return None


def _phone_status(write: ContactWrite) -> bool | None:
    if write.force_phone_opt_in and write.force_phone_opt_out:
        raise InvalidField("forcePhoneOptIn", RULE_FORCE_BOTH.format(other="forcePhoneOptOut"))
    if write.force_phone_opt_out:
        return True
    if write.force_phone_opt_in:
        return False
    return None


def _properties(properties: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    for name, value in properties.items():
        if not isinstance(name, str) or not name.strip():
            raise InvalidField("properties", RULE_NOT_EMPTY)
        if not isinstance(value, str):
            raise InvalidField(f"properties.{name}", RULE_STRING)
        out.append((sys.intern(name), value))
    return tuple(out)


def _dictionary(
    items: tuple[DictionaryProperty, ...],
) -> tuple[tuple[str, str, str], ...]:
    out: list[tuple[str, str, str]] = []
    for index, item in enumerate(items):
        where = f"dictionaryProperties[{index}]"
        if not isinstance(item.name, str) or not item.name.strip():
            raise InvalidField(f"{where}.name", RULE_NOT_EMPTY)
        kind = item.type.strip().upper() if isinstance(item.type, str) else ""
        if kind not in DICTIONARY_TYPES:
            raise InvalidField(
                f"{where}.type", RULE_ONE_OF.format(choices=", ".join(DICTIONARY_TYPES))
            )
        if not isinstance(item.value, str):
            raise InvalidField(f"{where}.value", RULE_STRING)
        value = item.value.strip()
        check_dictionary_value(kind, value, f"{where}.value")
        out.append((sys.intern(item.name), DICTIONARY_TYPES[DICTIONARY_TYPES.index(kind)], value))
    return tuple(out)


def _consent_states(
    details: tuple[ConsentDetail, ...], consents: Mapping[str, str], now: datetime
) -> tuple[tuple[str, ConsentState], ...]:
    states: list[tuple[str, ConsentState]] = []
    for index, detail in enumerate(details):
        where = f"consentDetails[{index}]"
        known = consents.get(detail.name.strip().lower()) if isinstance(detail.name, str) else None
        if known is None:
            raise InvalidField(f"{where}.consentName", RULE_UNKNOWN_CONSENT)
        if detail.accept and detail.opt_out:
            raise InvalidField(f"{where}.optOut", RULE_CONSENT_ACCEPT_AND_OPT_OUT)
        when = _aware(detail.agreement_date, f"{where}.agreementDate")
        if detail.accept:
            status, when = "CONFIRMED", when or now
        elif detail.opt_out:
            status, when = "WITHDRAWN", when or now
        else:
            status = "UNCONFIRMED"
        states.append(
            (
                known,
                ConsentState(
                    status=status, date=when, ip=detail.ip, description_id=detail.description_id
                ),
            )
        )
    return tuple(states)


def prepare_write(
    write: ContactWrite,
    consents: Mapping[str, str],
    now: datetime,
    *,
    require_email: bool,
) -> PreparedWrite:
    """Validate ``write`` and return it in stored form.

    Errors name fields as one write spells them (``contact.email``; a batch
    names them under the item with
    [`InvalidField.under`][salesmanago_emulator.errors.InvalidField.under]). ``consents`` maps
    lower-cased consent names of the account to their spelling; ``require_email`` refuses a write
    without ``contact.email`` (insert,
    upsert: a card cannot exist without one, S2.1).

    The first error is reported: a missing required e-mail first, then the
    e-mails, strings and state in the order the write holds them (a write
    the routes read, or made by `ContactWrite.of`, holds the fields in the
    order they were read), then tags, details, consents, statuses and the loyalty
    program's name (a string; whether the program exists and is active is the
    account's to check). Only the fields a write holds are visited. Anything
    but a ContactWrite -> TypeError.
    """
    if not isinstance(write, ContactWrite):
        raise TypeError(f"expected a ContactWrite, got {type(write).__name__}")
    if require_email and write.email is None:
        raise InvalidField("contact.email", RULE_REQUIRED)
    email = new_email = None
    scalars: list[tuple[str, object]] = []
    more = False  # whether a field of the second pass (tags, details, ...) is set
    for attr, value in vars(write).items():
        if value is None:
            continue
        wire = _SCALAR_WIRES.get(attr)
        if wire is not None:
            if not isinstance(value, str):
                raise InvalidField(wire, RULE_STRING)
            scalars.append((attr, sys.intern(value) if attr in _INTERNED else value))
        elif attr == "email":
            email = validate_email(value, "contact.email")
        elif attr == "new_email":
            new_email = validate_email(value, "newEmail")
        elif attr == "state":
            state = value.strip().upper() if isinstance(value, str) else None
            if state not in CONTACT_STATES:
                raise InvalidField(
                    "contact.state", RULE_ONE_OF.format(choices=", ".join(CONTACT_STATES))
                )
            scalars.append(("state", CONTACT_STATES[CONTACT_STATES.index(state)]))
        elif attr == "birthday":
            scalars.append(("birthday", value))
        else:
            more = True
    if not more:
        # the NamedTuple without its Python-level constructor, its parts joined by one
        # tuple concatenation (the hot path: a starred display builds a list first)
        parts = (email, new_email, tuple(scalars)) + _NOTHING_MORE  # noqa: RUF005
        return _new_tuple(PreparedWrite, parts)
    tags = tuple(normalize_tags(write.tags, "tags")) if write.tags else ()
    remove: tuple[str, ...] = ()
    if write.remove_tags:
        remove = tuple(normalize_tags(write.remove_tags, "removeTags"))
        check_tag_conflict(tags, remove, "removeTags")
    properties = _properties(write.properties) if write.properties else ()
    dictionary = _dictionary(write.dictionary_properties) if write.dictionary_properties else ()
    states = _consent_states(write.consent_details, consents, now) if write.consent_details else ()
    email_status = phone_status = None
    if (
        write.force_opt_in
        or write.force_opt_out
        or write.force_phone_opt_in
        or write.force_phone_opt_out
        or write.consent_details
    ):
        email_status, phone_status = _email_status(write), _phone_status(write)
    loyalty = write.loyalty_program
    if loyalty is not None and not isinstance(loyalty, str):
        raise InvalidField("loyaltyProgram", RULE_STRING)
    double = write.double_opt_in
    if double is not None and not isinstance(double, DoubleOptIn):
        raise InvalidField("useApiDoubleOptIn", RULE_BOOLEAN)
    return PreparedWrite(
        email,
        new_email,
        tuple(scalars),
        tags,
        remove,
        bool(write.tag_scoring),
        properties,
        dictionary,
        states,
        email_status,
        phone_status,
        loyalty,
        double,
    )
