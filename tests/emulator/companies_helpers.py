"""Helpers of the company and scoring tests of several layers (S4)."""

from __future__ import annotations

from routes_helpers import A_OWNER

from salesmanago_emulator import Account
from salesmanago_emulator.state._card import ContactWrite


def person(account: Account, email: str, company: str | None, score: int = 0) -> str:
    """Upsert a contact with ``company`` and set its score; returns its id."""
    record = account.contacts.upsert(ContactWrite(email=email, company=company), A_OWNER)
    if score:
        account.scoring.set(record.id, score)
    return record.id
