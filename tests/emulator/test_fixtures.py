"""The shared two-account fixtures themselves (``conftest.py``): the SDK's clients and the
state reach the same account, and only that one."""

from __future__ import annotations

from routes_helpers import A_OWNER

from salesmanago import AsyncSalesManago, ContactUpsert, SalesManago
from salesmanago_emulator import Account


def test_sdk_and_state_see_the_same_account(
    sm: SalesManago, account_a: Account, account_b: Account
) -> None:
    """A contact written through the SDK is on account A and nowhere else."""
    sm.contacts.upsert(ContactUpsert(email="fixture@example.com", name="Fixture"))
    record = account_a.find("fixture@example.com")
    assert record is not None
    assert record.main_owner == A_OWNER
    assert account_b.find("fixture@example.com") is None
    assert account_b.find(record.id) is None


async def test_async_client_reaches_account_a(asm: AsyncSalesManago, account_a: Account) -> None:
    """The async client writes to account A too."""
    await asm.contacts.upsert(ContactUpsert(email="async@example.com"))
    assert account_a.find("async@example.com") is not None
