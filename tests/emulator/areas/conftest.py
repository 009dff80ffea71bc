"""Fixtures of the area tests (events, coupons, notes, tasks, funnels, companies, exports).

The same two-account set-up as the route tests: ``emu`` (accounts A and B at
a frozen instant), ``api`` / ``api_b`` (raw JSON posters, see
``routes_helpers``), plus ``account_a`` / ``account_b`` (their state) and
``sm`` / ``asm`` (SDK clients of account A on the emulator), all defined
once in ``routes_fixtures``; and ``contact`` / ``other``, two live contacts of
account A (``a@example.com`` / ``b@example.com``) written straight to its state.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent / "routes"))

import pytest
from routes_fixtures import account_a, account_b, api, api_b, asm, clock, emu, http, sm
from routes_helpers import A_OWNER

from salesmanago_emulator import Account
from salesmanago_emulator.state._card import ContactWrite

__all__ = [
    "account_a",
    "account_b",
    "api",
    "api_b",
    "asm",
    "clock",
    "contact",
    "emu",
    "http",
    "other",
    "sm",
]


@pytest.fixture
def contact(account_a: Account) -> str:
    """A live contact of account A (main owner A_OWNER); returns its id."""
    return account_a.contacts.upsert(ContactWrite(email="a@example.com"), A_OWNER).id


@pytest.fixture
def other(account_a: Account) -> str:
    """A second live contact of account A (main owner A_OWNER); returns its id."""
    return account_a.contacts.upsert(ContactWrite(email="b@example.com"), A_OWNER).id
