"""Helpers of the recommendation tests of several layers (S16.4): a small shop whose
customers viewed (``VISIT`` events) and bought (``PURCHASE`` events) products."""

from __future__ import annotations

from datetime import datetime, timezone

from salesmanago_emulator import Account
from salesmanago_emulator.state.events import EventWrite

SHOP = (
    ("a@example.com", "p1,p2", "p3"),
    ("b@example.com", "p1", "p3, p4"),
    ("c@example.com", "p2", "p4"),
)
"""(customer, viewed products, bought products)."""
_WHEN = datetime(2026, 1, 15, 10, tzinfo=timezone.utc)


def shop_event(account: Account, owner: str, email: str, kind: str, products: str) -> None:
    """Add one event of ``kind`` with ``products`` to ``email`` (created if new)."""
    account.events.add(
        EventWrite(event_type=kind, date=_WHEN, products=products), owner, email=email
    )


def shop(account: Account, owner: str) -> None:
    """The :data:`SHOP` customers' views and purchases, and me@example.com viewing p1."""
    for email, viewed, bought in SHOP:
        shop_event(account, owner, email, "VISIT", viewed)
        shop_event(account, owner, email, "PURCHASE", bought)
    shop_event(account, owner, "me@example.com", "VISIT", "p1")
