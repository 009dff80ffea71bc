"""Contact cards as the wire shows them (protocol §5.3).

Two shapes: **basic** (``contact/basic``, ``basicById``) and **full**
(``contact/list``, ``listById``, ``listAll``, ``listAllById``). Timestamps are
integer milliseconds, birthday parts non-padded strings, ids lower-case UUID
strings. Every answer is built fresh from the record: nothing returned shares
a mutable object with the stored state.
"""

from __future__ import annotations

from typing import Any, Final

from ..state.contacts import ContactRecord
from ._parse import to_ms

__all__ = ["EMPTY_AREAS", "basic_contact", "full_contact", "id_and_email"]

EMPTY_AREAS: Final = (
    "contactVisits",
    "contactEvents",
    "emailMessages",
    "contactFunnels",
    "contactNotes",
    "contactTasks",
    "incomingEmailMessages",
    "contactExtEvents",
    "coupons",
    "smsMessages",
)
"""Lists of the full shape whose areas the emulator does not model yet: always ``[]``."""


def _birthday(record: ContactRecord) -> tuple[str | None, str | None, str | None]:
    birthday = record.birthday
    if birthday is None:
        return None, None, None
    year = None if birthday.year is None else str(birthday.year)
    return year, str(birthday.month), str(birthday.day)


def _address(record: ContactRecord) -> dict[str, str | None]:
    return {
        "streetAddress": record.street_address,
        "zipCode": record.zip_code,
        "city": record.city,
        "country": record.country,
    }


def _has_address(record: ContactRecord) -> bool:
    return not (
        record.street_address is None
        and record.zip_code is None
        and record.city is None
        and record.country is None
    )


def basic_contact(record: ContactRecord) -> dict[str, Any]:
    """The basic shape; ``address`` is ``null`` when no address field is set."""
    year, month, day = _birthday(record)
    return {
        "contactId": record.id,
        "name": record.name,
        "email": record.email,
        "phone": record.phone,
        "fax": record.fax,
        "score": record.score,
        "state": record.state,
        "optedOut": record.opted_out,
        "optedOutPhone": record.opted_out_phone,
        "deleted": record.deleted,
        "invalid": record.invalid,
        "company": record.company,
        "externalId": record.external_id,
        "address": _address(record) if _has_address(record) else None,
        "birthdayYear": year,
        "birthdayMonth": month,
        "birthdayDay": day,
        "modifiedOn": to_ms(record.modified_on),
        "createdOn": to_ms(record.created_on),
        "lastVisit": to_ms(record.last_visit),
    }


def full_contact(record: ContactRecord) -> dict[str, Any]:
    """The full shape: key ``id`` (not ``contactId``), tags, details, main owner.

    ``address`` is always an object here (its fields ``null`` when unset);
    ``dictionaryProperties`` (``[{name, type, value}]``) is an emulator
    addition next to the documented ``properties``.
    """
    year, month, day = _birthday(record)
    contact: dict[str, Any] = {
        "id": record.id,
        "name": record.name,
        "email": record.email,
        "phone": record.phone,
        "fax": record.fax,
        "score": record.score,
        "state": record.state,
        "optedOut": record.opted_out,
        "optedOutPhone": record.opted_out_phone,
        "deleted": record.deleted,
        "invalid": record.invalid,
        "company": record.company,
        "externalId": record.external_id,
        "address": _address(record),
        "birthdayYear": year,
        "birthdayMonth": month,
        "birthdayDay": day,
        "province": record.province,
        "mainContactOwner": record.main_owner,
        "contactTags": [
            {
                "tag": tag,
                "tagName": tag,
                "score": entry.score,
                "createdOn": to_ms(entry.created_on),
                "tagWithScore": f"{tag} ({entry.score})",
            }
            for tag, entry in record.tags.items()
        ],
        "properties": [{"name": name, "value": value} for name, value in record.properties.items()],
        "dictionaryProperties": [
            {"name": name, "type": kind, "value": value}
            for name, (kind, value) in record.dictionary_properties.items()
        ],
        "modifiedOn": to_ms(record.modified_on),
        "createdOn": to_ms(record.created_on),
        "lastVisit": to_ms(record.last_visit),
    }
    for area in EMPTY_AREAS:
        contact[area] = []
    return contact


def id_and_email(record: ContactRecord) -> dict[str, str]:
    """``{id, email}``: the items of ``createdContacts`` / ``modifiedContacts``."""
    return {"id": record.id, "email": record.email}
