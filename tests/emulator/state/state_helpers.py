"""Helpers of the state-layer tests on the one-account fixture (``conftest.account``)."""

from __future__ import annotations

from salesmanago_emulator.state import Account, ContactRecord, ContactWrite

OWNER = "owner@shop.pl"
"""The account's first user (the others: `OTHER_USER`, `THIRD_USER`)."""
OTHER_USER = "second@shop.pl"
"""The account's second user."""
THIRD_USER = "third@shop.pl"
"""The account's third user."""
EMAIL = "jan@example.com"


def upsert(
    account: Account, email: str = EMAIL, owner: str = OWNER, **fields: object
) -> ContactRecord:
    """Upsert the card ``email`` with ``fields`` as ``owner``; the card."""
    return account.contacts.upsert(ContactWrite(email=email, **fields), owner)  # type: ignore[arg-type]
