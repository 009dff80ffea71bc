"""Contact cards as the wire shows them (protocol §5.3).

Two shapes: **basic** (``contact/basic``, ``basicById``) and **full**
(``contact/list``, ``listById``, ``listAll``, ``listAllById``). Timestamps are
integer milliseconds, birthday parts non-padded strings, ids lower-case UUID
strings. Every answer is built fresh from the record: nothing returned shares
a mutable object with the stored state.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

from ..state._card import ContactRecord
from . import activity, coupons, events, funnels, messages, notes, tasks
from ._parse import to_ms

if TYPE_CHECKING:
    from ..state.account import Account

__all__ = [
    "CARD_LISTS",
    "CARD_SECTIONS",
    "CardSection",
    "basic_contact",
    "card_consents",
    "full_contact",
    "id_and_email",
]

CARD_LISTS: Final = (
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
"""The lists of the full shape, in order; one without a renderer in `CARD_SECTIONS`
is ``[]``."""

CardSection = Callable[["Account", ContactRecord], list[dict[str, Any]]]
"""Renders one list of the full shape for a card: account and record in, wire items out."""

CARD_SECTIONS: Final[Mapping[str, CardSection]] = MappingProxyType(
    {
        "contactVisits": activity.card_visits,
        "contactFunnels": funnels.card_funnels,
        "contactNotes": notes.card_notes,
        "contactTasks": tasks.card_tasks,
        "contactExtEvents": events.card_events,
        "coupons": coupons.card_coupons,
        "emailMessages": messages.card_emails,
        "smsMessages": messages.card_sms,
    }
)
"""The renderer of each list of the full shape the emulator fills, by its key; the
other lists of `CARD_LISTS` are ``[]``. A route module that shows data on the
card adds its renderer here."""


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


def _card(
    record: ContactRecord, id_key: str, address: dict[str, str | None] | None
) -> dict[str, Any]:
    """The fields both shapes start with, the id under ``id_key``, then ``address``."""
    year, month, day = _birthday(record)
    return {
        id_key: record.id,
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
        "address": address,
        "birthdayYear": year,
        "birthdayMonth": month,
        "birthdayDay": day,
    }


def _times(record: ContactRecord) -> dict[str, int | None]:
    """The timestamps both shapes end with."""
    return {
        "modifiedOn": to_ms(record.modified_on),
        "createdOn": to_ms(record.created_on),
        "lastVisit": to_ms(record.last_visit),
    }


def basic_contact(account: Account, record: ContactRecord) -> dict[str, Any]:
    """The basic shape; ``address`` is ``null`` when no address field is set.

    ``account`` is unused: the signature matches `full_contact`.
    """
    contact = _card(record, "contactId", _address(record) if _has_address(record) else None)
    contact.update(_times(record))
    return contact


def full_contact(account: Account, record: ContactRecord) -> dict[str, Any]:
    """The full shape: key ``id`` (not ``contactId``), tags, details, main owner.

    ``address`` is always an object here (its fields ``null`` when unset);
    ``dictionaryProperties`` (``[{name, type, value}]``) and ``contactConsents``
    (`card_consents`) are emulator additions (grade D) next to the documented
    ``properties``.
    """
    contact = _card(record, "id", _address(record))
    contact.update(
        {
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
            "properties": [
                {"name": name, "value": value} for name, value in record.properties.items()
            ],
            "dictionaryProperties": [
                {"name": name, "type": kind, "value": value}
                for name, (kind, value) in record.dictionary_properties.items()
            ],
            "contactConsents": card_consents(account, record),
        }
    )
    contact.update(_times(record))
    for key in CARD_LISTS:
        render = CARD_SECTIONS.get(key)
        contact[key] = render(account, record) if render is not None else []
    return contact


def card_consents(account: Account, record: ContactRecord) -> list[dict[str, Any]]:
    """The card's named consents (S10.1; grade D, the protocol shows none):
    ``[{consentName, status, agreementDate (ms or null), text, ip, consentDescriptionId}]``,
    ``status`` one of ``CONFIRMED``, ``WITHDRAWN``, ``UNCONFIRMED``; ``text`` is the
    account's text of the consent (``null`` when it has none)."""
    return [
        {
            "consentName": name,
            "status": state.status,
            "agreementDate": to_ms(state.date),
            "text": account.optin.consent_text(name),
            "ip": state.ip,
            "consentDescriptionId": state.description_id,
        }
        for name, state in record.consents.items()
    ]


def id_and_email(record: ContactRecord) -> dict[str, str]:
    """``{id, email}``: the items of ``createdContacts`` / ``modifiedContacts``."""
    return {"id": record.id, "email": record.email}
