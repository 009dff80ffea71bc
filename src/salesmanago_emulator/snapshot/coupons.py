"""The coupons area in a snapshot: every coupon, card by card, in the order added (S8).

``"coupons": [{"value": "ABCDE1", "name": "...", "contactId": "<a card's id>",
"valid": "<instant>", "createdOn": "<instant>", "usedOn": "<instant>" | null},
...]``. A value is unique in the account and as the wire makes one: a manual
value of 5-32 characters, or a generated one of up to 64 characters of
``A-Z0-9``; a name of at most 64 characters, not blank.
"""

from __future__ import annotations

from typing import Any, Final

from ..clock import utc_iso
from ..errors import RULE_GENERATED_COUPON, RULE_TOO_LONG
from ..state._normalize import check_text
from ..state.account import Account
from ..state.coupons import (
    ALPHABET,
    MAX_GENERATED_LENGTH,
    MAX_MANUAL_LENGTH,
    MAX_NAME,
    Coupon,
    check_manual,
)
from ._reader import Unique, Value
from .contacts import card

__all__ = ["KEYS", "dump", "load"]

KEYS: Final = ("value", "name", "contactId", "valid", "createdOn", "usedOn")
"""The keys of a coupon."""


def dump(account: Account) -> list[dict[str, Any]]:
    """Every coupon, card by card (oldest card first), in the order they were added."""
    return [
        {
            "value": item.value,
            "name": item.name,
            "contactId": item.contact_id,
            "valid": utc_iso(item.valid),
            "createdOn": utc_iso(item.created_on),
            "usedOn": None if item.used_on is None else utc_iso(item.used_on),
        }
        for record in account.all_contacts()
        for item in account.coupons.of(record)
    ]


def _value(value: Value, seen: Unique) -> str:
    """A coupon value: manual (5-32 characters) or generated (up to 64 of ``A-Z0-9``)."""
    text = value.text()
    if len(text) <= MAX_MANUAL_LENGTH:
        value.rule(lambda raw, _: check_manual(raw))
    elif len(text) > MAX_GENERATED_LENGTH:
        value.refuse(RULE_TOO_LONG.format(limit=MAX_GENERATED_LENGTH, length=len(text)))
    elif not set(text) <= set(ALPHABET):
        value.refuse(RULE_GENERATED_COUPON.format(limit=MAX_MANUAL_LENGTH))
    seen.add(value, text)
    return text


def load(account: Account, value: Value) -> None:
    """Give the loaded cards of ``account`` the coupons of ``value``."""
    values = Unique()
    for item in value.items():
        fields = item.fields("a coupon", KEYS)
        record = card(account, fields.need("contactId"))
        coupon = Coupon(
            value=_value(fields.need("value"), values),
            name=fields.need("name").rule(check_text, MAX_NAME),
            contact_id=record.id,
            valid=fields.need("valid").instant(),
            created_on=fields.need("createdOn").instant(),
            used_on=fields.get("usedOn", Value.instant),
        )
        account.coupons.restore_saved(record, coupon)
