"""The contacts calls of issue 12 end to end on the emulator, sync and async: import jobs
(``batchupsertv2``), ``batchDelete``, ``paginatedListById`` (protocol §6). The canned-reply
tests of the same calls are in tests/sdk/test_sdk_batch_import.py and
tests/sdk/test_sdk_methods.py; these prove the SDK and the emulator, each written from the
protocol on its own, agree."""

from __future__ import annotations

import pytest
from routes_helpers import A_OWNER, A_SECOND

from salesmanago import (
    Addressee,
    AsyncSalesManago,
    ContactUpsert,
    NotFoundError,
    SalesManago,
)
from salesmanago_emulator import Account

PROGRAM_ERROR = "Specified loyalty program does not exist"


def _import(count: int) -> list[ContactUpsert]:
    """``count`` contacts, the second naming a loyalty program the account lacks (the
    platform refuses that item alone, §3.3)."""
    return [
        ContactUpsert(email=f"c{i}@shop.example", loyalty_program="Gold" if i == 1 else None)
        for i in range(count)
    ]


def test_protocol_6_batch_upsert_v2_applies_each_item_on_its_own(
    sm: SalesManago, account_a: Account
) -> None:
    """An import job per chunk: started, polled until done, its file read; every item
    applied on its own, the refused one named with the platform's text."""
    result = sm.contacts.batch_upsert_v2(_import(5), chunk_size=2, poll_interval=0.01)
    assert [item.email for item in result.items] == [f"c{i}@shop.example" for i in range(5)]
    assert [item.errors for item in result.failed] == [(PROGRAM_ERROR,)]
    assert result.failed[0].email == "c1@shop.example"
    for email, contact_id in result.contact_ids.items():
        assert account_a.has_contact(email) == contact_id
    assert account_a.count() == 4


async def test_protocol_6_batch_upsert_v2_applies_each_item_on_its_own_async(
    asm: AsyncSalesManago, account_a: Account
) -> None:
    result = await asm.contacts.batch_upsert_v2(_import(5), chunk_size=2, poll_interval=0.01)
    assert [item.errors for item in result.failed] == [(PROGRAM_ERROR,)]
    assert sorted(result.contact_ids) == [f"c{i}@shop.example" for i in (0, 2, 3, 4)]
    assert account_a.count() == 4


def _seed(sm: SalesManago) -> None:
    sm.contacts.upsert(ContactUpsert(email="a@shop.example", tags=["GONE"]))
    sm.contacts.upsert(ContactUpsert(email="b@shop.example", tags=["GONE"]))
    sm.contacts.upsert(ContactUpsert(email="c@shop.example"))
    sm.contacts.upsert(ContactUpsert(email="d@shop.example"))


def test_protocol_6_batch_delete_by_email_id_and_tag(sm: SalesManago, account_a: Account) -> None:
    """§5.4 addressees: an e-mail, a contact id and a tag (every live card carrying it);
    soft deletes (S3.1): the cards stay readable until 02:00 and count nowhere."""
    _seed(sm)
    d_id = account_a.has_contact("d@shop.example")
    assert d_id is not None
    sm.contacts.batch_delete(
        [
            "c@shop.example",
            Addressee.contact_id(d_id),
            Addressee.tag("GONE"),
        ]
    )
    assert account_a.count() == 0
    assert all(account_a.find(f"{x}@shop.example") is not None for x in "abcd")


async def test_protocol_6_batch_delete_permanently_async(
    asm: AsyncSalesManago, sm: SalesManago, account_a: Account
) -> None:
    _seed(sm)
    await asm.contacts.batch_delete(["a@shop.example", "b@shop.example"], permanently=True)
    assert (account_a.find("a@shop.example"), account_a.find("b@shop.example")) == (None, None)
    assert account_a.count() == 2


def test_protocol_6_batch_delete_of_an_unknown_contact_changes_nothing(
    sm: SalesManago, account_a: Account
) -> None:
    """Every addressee resolves before anything changes (D): one unknown -> NotFoundError."""
    _seed(sm)
    with pytest.raises(NotFoundError):
        sm.contacts.batch_delete(["a@shop.example", "nobody@shop.example"])
    assert account_a.count() == 4


def test_protocol_6_list_page_and_iter_all_the_owners_cards(
    sm: SalesManago, account_a: Account
) -> None:
    """``paginatedListById``: the request owner's live cards, oldest first, full data;
    ``hasMore`` until the last page; a card of another owner is not listed (S1.7)."""
    _seed(sm)
    account_a.users.set_main_owner("c@shop.example", A_SECOND)
    account_a.users.remove_owner("c@shop.example", A_OWNER)
    first = sm.contacts.list_page(0, size=2)
    assert ([c.email for c in first.contacts], first.has_more) == (
        ["a@shop.example", "b@shop.example"],
        True,
    )
    last = sm.contacts.list_page(1, size=2)
    assert ([c.email for c in last.contacts], last.has_more) == (["d@shop.example"], False)
    assert first.contacts[0].tag_names == ("GONE",)
    assert [c.email for c in sm.contacts.iter_all(page_size=1)] == [
        "a@shop.example",
        "b@shop.example",
        "d@shop.example",
    ]


async def test_protocol_6_iter_all_async(asm: AsyncSalesManago, sm: SalesManago) -> None:
    _seed(sm)
    emails = [c.email async for c in asm.contacts.iter_all(page_size=3)]
    assert emails == ["a@shop.example", "b@shop.example", "c@shop.example", "d@shop.example"]
