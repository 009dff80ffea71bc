"""The contacts area in a snapshot: every card, soft-deleted ones too, with all it holds.

``"contacts": [card, ...]`` oldest first. A card (optional keys that are
unset or empty are left out; ``state`` ... ``monitored`` default to a new
card's values when missing)::

    {"id": "...", "email": "jan@example.com", "mainOwner": "<a user>",
     "createdOn": "<instant>", "modifiedOn": "<instant>", "state": "PROSPECT",
     "score": 0, "optedOut": true, "optedOutPhone": true, "monitored": true,
     "name": "...", "phone", "fax", "company", "externalId", "streetAddress",
     "zipCode", "city", "country", "province", "lang",
     "birthday": {"year": 1990 | null, "month": 2, "day": 28},
     "invalid": true, "statusBeforeInvalid": false, "lastVisit": "<instant>",
     "deleted": true, "deletedAt": "<instant>", "purgeAt": "<instant>",
     "owners": [{"email": "<a user>", "level": "CO_OWNER" | "READ_ONLY"}],
     "tags": [{"tag": "VIP", "score": 1, "createdOn": "<instant>"}],
     "properties": {"color": "blue"},
     "dictionaryProperties": [{"name": "size", "type": "NUMBER", "value": "42"}],
     "consents": [{"name": "<a registered consent>", "status": "CONFIRMED",
                   "date": "<instant>", "ip": "...", "descriptionId": 1}],
     "optHistory": [{"at": "<instant>", "channel": "EMAIL", "status": "OPT_IN",
                     "source": "FROM_INIT"}],
     "confirmations": [<a double opt-in confirmation, see .optin>]}

Each value is checked as the wire checks it (e-mail, tags, states, details,
consents, sources); ``purgeAt`` is derived (the first 02:00 after
``deletedAt`` in the account's time zone, S3.1) and must be that instant. The
areas that keep data per card (events, notes, ...) write it in their own
lists, naming the card by ``contactId``.
"""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Any, Final

from ..clock import utc_iso
from ..errors import (
    RULE_BLANK_DETAIL,
    RULE_DELETED_CARD_ONLY,
    RULE_GOT,
    RULE_INVALID_CARD_ONLY,
    RULE_MAIN_OWNER_ALREADY,
    RULE_NAMES_NO,
    RULE_PURGE_AT,
    RULE_UNKNOWN_CONSENT,
    InvalidField,
)
from ..state._card import (
    CHANNELS,
    CONSENT_STATUSES,
    CONTACT_STATES,
    DICTIONARY_TYPES,
    OPT_SOURCES,
    OWNER_LEVELS,
    Birthday,
    ConsentState,
    ContactRecord,
    OptChange,
    TagEntry,
)
from ..state._purge import next_purge_instant
from ..state._writes import check_dictionary_value
from ..state.account import Account
from . import optin
from ._reader import Fields, Unique, Value
from .users import user

__all__ = ["CARD_KEYS", "card", "dump", "export_card", "load"]

# Card texts: (key, attribute) of optional strings, kept as given (as the wire does).
_TEXT_FIELDS: Final = (
    ("name", "name"),
    ("phone", "phone"),
    ("fax", "fax"),
    ("company", "company"),
    ("externalId", "external_id"),
    ("streetAddress", "street_address"),
    ("zipCode", "zip_code"),
    ("city", "city"),
    ("country", "country"),
    ("province", "province"),
    ("lang", "lang"),
)
_INTERNED: Final = frozenset({"city", "country", "province", "lang"})  # as the wire does

CARD_KEYS: Final = (
    "id",
    "email",
    "mainOwner",
    "createdOn",
    "modifiedOn",
    "state",
    "score",
    "optedOut",
    "optedOutPhone",
    "monitored",
    *(key for key, _ in _TEXT_FIELDS),
    "birthday",
    "invalid",
    "statusBeforeInvalid",
    "lastVisit",
    "deleted",
    "deletedAt",
    "purgeAt",
    "owners",
    "tags",
    "properties",
    "dictionaryProperties",
    "consents",
    "optHistory",
    "confirmations",
)
"""The keys of a card."""

_BIRTHDAY_KEYS: Final = ("year", "month", "day")
_OWNER_KEYS: Final = ("email", "level")
_TAG_KEYS: Final = ("tag", "score", "createdOn")
_DICTIONARY_KEYS: Final = ("name", "type", "value")
_CONSENT_KEYS: Final = ("name", "status", "date", "ip", "descriptionId")
_OPT_KEYS: Final = ("at", "channel", "status", "source")
_OPT_STATUSES: Final = ("OPT_IN", "OPT_OUT")


# --- export --------------------------------------------------------------------------


def export_card(account: Account, record: ContactRecord) -> dict[str, Any]:
    """One card in the snapshot format (the control API shows cards this way too)."""
    card: dict[str, Any] = {
        "id": record.id,
        "email": record.email,
        "mainOwner": record.main_owner,
        "createdOn": utc_iso(record.created_on),
        "modifiedOn": utc_iso(record.modified_on),
        "state": record.state,
        "score": record.score,
        "optedOut": record.opted_out,
        "optedOutPhone": record.opted_out_phone,
        "monitored": record.monitored,
    }
    for key, attr in _TEXT_FIELDS:
        value = getattr(record, attr)
        if value is not None:
            card[key] = value
    if record.birthday is not None:
        b = record.birthday
        card["birthday"] = {"year": b.year, "month": b.month, "day": b.day}
    if record.invalid:
        card["invalid"] = True
    if record.status_before_invalid is not None:
        card["statusBeforeInvalid"] = record.status_before_invalid
    if record.last_visit is not None:
        card["lastVisit"] = utc_iso(record.last_visit)
    if record.deleted and record.deleted_at is not None:
        card["deleted"] = True
        card["deletedAt"] = utc_iso(record.deleted_at)
        card["purgeAt"] = utc_iso(next_purge_instant(record.deleted_at, account.timezone))
    card.update(_lists(record))
    confirmations = optin.dump_confirmations(account, record)
    if confirmations:
        card["confirmations"] = confirmations
    return card


def _lists(record: ContactRecord) -> dict[str, Any]:
    """The card's owners, tags, details, consents and history (those it has)."""
    lists: dict[str, Any] = {}
    owners = record.other_owners()
    if owners:
        lists["owners"] = [{"email": e, "level": lv} for e, lv in owners]
    if record.tags:
        lists["tags"] = [
            {"tag": t, "score": e.score, "createdOn": utc_iso(e.created_on)}
            for t, e in record.tags.items()
        ]
    if record.properties:
        lists["properties"] = dict(record.properties)
    if record.dictionary_properties:
        lists["dictionaryProperties"] = [
            {"name": n, "type": k, "value": v} for n, (k, v) in record.dictionary_properties.items()
        ]
    if record.consents:
        lists["consents"] = [_consent(name, c) for name, c in record.consents.items()]
    if record.opt_history:
        lists["optHistory"] = [
            {"at": utc_iso(o.at), "channel": o.channel, "status": o.status, "source": o.source}
            for o in record.opt_history
        ]
    return lists


def _consent(name: str, consent: ConsentState) -> dict[str, Any]:
    item: dict[str, Any] = {"name": name, "status": consent.status}
    if consent.date is not None:
        item["date"] = utc_iso(consent.date)
    if consent.ip is not None:
        item["ip"] = consent.ip
    if consent.description_id is not None:
        item["descriptionId"] = consent.description_id
    return item


def dump(account: Account) -> list[dict[str, Any]]:
    """Every card, soft-deleted ones too, oldest first (a due purge runs first)."""
    return [export_card(account, record) for record in account.all_contacts()]


# --- import --------------------------------------------------------------------------


def card(account: Account, value: Value) -> ContactRecord:
    """The card of ``account`` whose id ``value`` holds (a ``contactId``), soft-deleted or not."""
    contact_id = value.text()
    record = account.store.by_id.get(contact_id)
    if record is None:
        value.refuse(RULE_NAMES_NO.format(what="card", value=contact_id))
    return record


def load(account: Account, value: Value) -> None:
    """Put the cards of ``value`` in ``account`` (its users and consents loaded first)."""
    ids, emails = Unique(), Unique()
    for item in value.items():
        fields = item.fields("a card", CARD_KEYS)
        record = _record(account, fields, ids, emails)
        _scalars(record, fields)
        _status(record, fields)
        _owners(account, record, fields)
        _details(record, fields)
        _consents(account, record, fields)
        _history(record, fields)
        tags = _tags(fields)
        account.contacts.restore_saved(record, tags, deleted_at=_deleted_at(account, fields))
        optin.load_confirmations(account, record, fields)


def _record(account: Account, fields: Fields, ids: Unique, emails: Unique) -> ContactRecord:
    id_value = fields.need("id")
    contact_id = id_value.identifier(ids)
    id_value.stored(contact_id, contact_id.lower())
    email_value = fields.need("email")
    email = email_value.email()
    emails.add(email_value, email)
    main_owner = user(account, fields.need("mainOwner"))
    record = ContactRecord(contact_id, email, main_owner, fields.need("createdOn").instant())
    record.modified_on = fields.need("modifiedOn").instant()
    return record


def _scalars(record: ContactRecord, fields: Fields) -> None:
    for key, attr in _TEXT_FIELDS:
        text = fields.get(key, Value.text)
        if text is not None and attr in _INTERNED:
            text = sys.intern(text)
        setattr(record, attr, text)
    record.state = fields.get("state", lambda v: v.one_of(CONTACT_STATES)) or "PROSPECT"
    record.score = fields.get("score", Value.integer) or 0
    record.last_visit = fields.get("lastVisit", Value.instant)
    if fields.has("birthday"):
        birthday = fields.need("birthday")
        parts = birthday.fields("a birthday", _BIRTHDAY_KEYS)
        try:
            record.birthday = Birthday(
                year=parts.get("year", Value.integer),
                month=parts.need("month").integer(),
                day=parts.need("day").integer(),
            )
        except InvalidField as err:
            birthday.refuse(err.rule)


def _flag(fields: Fields, key: str, default: bool) -> bool:
    found = fields.get(key, Value.boolean)
    return default if found is None else found


def _status(record: ContactRecord, fields: Fields) -> None:
    record.opted_out = _flag(fields, "optedOut", True)
    record.opted_out_phone = _flag(fields, "optedOutPhone", True)
    record.monitored = _flag(fields, "monitored", True)
    record.invalid = _flag(fields, "invalid", False)
    if record.invalid:  # an invalid card remembers the status it had (S2.6)
        record.status_before_invalid = fields.need("statusBeforeInvalid").boolean()
    elif fields.has("statusBeforeInvalid"):
        fields.need("statusBeforeInvalid").refuse(RULE_INVALID_CARD_ONLY)


def _owners(account: Account, record: ContactRecord, fields: Fields) -> None:
    seen = Unique()
    for item in fields.items("owners"):
        owner = item.fields("an owner", _OWNER_KEYS)
        email_value = owner.need("email")
        email = user(account, email_value)
        if email == record.main_owner:
            email_value.refuse(RULE_MAIN_OWNER_ALREADY)
        seen.add(email_value, email)
        record.put_owner(email, owner.need("level").one_of(OWNER_LEVELS[1:]))


def _tags(fields: Fields) -> list[tuple[str, TagEntry]]:
    seen = Unique()
    tags = []
    for item in fields.items("tags"):
        entry = item.fields("a tag", _TAG_KEYS)
        tag_value = entry.need("tag")
        tag = tag_value.tag()
        seen.add(tag_value, tag)
        score = entry.need("score").integer()
        tags.append((tag, TagEntry(score, entry.need("createdOn").instant())))
    return tags


def _details(record: ContactRecord, fields: Fields) -> None:
    if fields.has("properties"):
        for name, item in fields.need("properties").entries():
            if not name.strip():
                item.refuse(RULE_BLANK_DETAIL)
            record.put_property(sys.intern(name), item.text())
    seen = Unique()
    for item in fields.items("dictionaryProperties"):
        detail = item.fields("a dictionary detail", _DICTIONARY_KEYS)
        name_value = detail.need("name")
        name = name_value.text(blank=False)
        seen.add(name_value, name)
        kind = detail.need("type").one_of(DICTIONARY_TYPES)
        text_value = detail.need("value")
        text = text_value.stored(text_value.text(), text_value.text().strip())
        text_value.rule(_dictionary_value, kind)
        record.put_dictionary_property(sys.intern(name), kind, text)


def _dictionary_value(value: str, field: str, kind: str) -> None:
    check_dictionary_value(kind, value, field)


def _consents(account: Account, record: ContactRecord, fields: Fields) -> None:
    register = account.optin.consent_register
    seen = Unique()
    for item in fields.items("consents"):
        consent = item.fields("a consent", _CONSENT_KEYS)
        name_value = consent.need("name")
        given = name_value.text()
        name = register.get(given.strip().lower())
        if name is None:
            name_value.refuse(RULE_GOT.format(rule=RULE_UNKNOWN_CONSENT, value=repr(given)))
        name_value.stored(given, name)
        seen.add(name_value, name)
        state = ConsentState(
            status=consent.need("status").one_of(CONSENT_STATUSES),
            date=consent.get("date", Value.instant),
            ip=consent.get("ip", Value.text),
            description_id=consent.get("descriptionId", Value.integer),
        )
        record.put_consent(name, state)


def _history(record: ContactRecord, fields: Fields) -> None:
    for item in fields.items("optHistory"):
        change = item.fields("an opt-in/opt-out change", _OPT_KEYS)
        record.add_opt_change(
            OptChange(
                at=change.need("at").instant(),
                channel=change.need("channel").one_of(CHANNELS),
                status=change.need("status").one_of(_OPT_STATUSES),
                source=change.need("source").one_of(OPT_SOURCES),
            )
        )


def _deleted_at(account: Account, fields: Fields) -> datetime | None:
    """When the card was soft-deleted, or ``None``; its ``purgeAt`` must be the derived one."""
    if not _flag(fields, "deleted", False):
        for key in ("deletedAt", "purgeAt"):
            if fields.has(key):
                fields.need(key).refuse(RULE_DELETED_CARD_ONLY)
        return None
    deleted_at = fields.need("deletedAt").instant()
    purge_value = fields.get("purgeAt", lambda v: v)
    if purge_value is not None:
        due = next_purge_instant(deleted_at, account.timezone)
        if purge_value.instant() != due:
            purge_value.refuse(RULE_PURGE_AT.format(due=utc_iso(due)))
    return deleted_at
