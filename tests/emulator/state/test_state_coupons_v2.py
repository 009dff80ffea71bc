"""``CouponsArea.add`` for an e-mail of no live card (protocol §14; S8.2, S7.6, S3.2).

The card is made (or a soft-deleted one restored) through the upsert once every
argument passed; its owner is the one given, else the account's first user. Only
``add`` (the wire's method) makes cards: ``add_many`` still wants live ones.
"""

from __future__ import annotations

import pytest

from conftest import OTHER_USER, OWNER
from salesmanago_emulator.errors import ContactNotFound, ReadOnlyOwner
from salesmanago_emulator.state import Account, ContactWrite


def test_protocol_14_add_for_an_unknown_email_makes_the_card(account: Account) -> None:
    coupon = account.coupons.add(" New@Shop.pl ", "N", length=6)
    record = account.find_live("new@shop.pl")
    assert coupon.contact_id == record.id
    assert record.main_owner == OWNER  # no owner given: the account's first user
    assert account.coupons.of(record) == [coupon]


def test_add_for_an_unknown_email_by_an_owner_makes_it_theirs(account: Account) -> None:
    account.coupons.add("new@shop.pl", "N", coupon="MANUAL-1", owner=OTHER_USER)
    assert account.find_live("new@shop.pl").main_owner == OTHER_USER


def test_add_restores_a_soft_deleted_card_unless_the_owner_is_read_only(
    account: Account,
) -> None:
    record = account.contacts.upsert(ContactWrite(email="a@shop.pl"), OWNER)
    account.users.add_owner("a@shop.pl", OTHER_USER, "READ_ONLY")
    account.contacts.delete("a@shop.pl")
    with pytest.raises(ReadOnlyOwner):
        account.coupons.add("a@shop.pl", "N", length=6, owner=OTHER_USER)
    assert account.find("a@shop.pl").deleted  # type: ignore[union-attr]
    coupon = account.coupons.add("a@shop.pl", "N", length=6, owner=OWNER)
    assert account.find_live("a@shop.pl") is record
    assert coupon.contact_id == record.id


def test_an_unknown_id_is_still_not_found_and_add_many_makes_no_card(account: Account) -> None:
    with pytest.raises(ContactNotFound):
        account.coupons.add("00000000-0000-4000-8000-000000000000", "N", length=6)
    with pytest.raises(ContactNotFound):
        account.coupons.add_many(["new@shop.pl"], "N", length=6)
    assert account.count() == 0
