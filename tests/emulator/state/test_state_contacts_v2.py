"""``ContactsArea.batch_delete`` (``contact/batchDelete``; protocol §5.4; S3.1, S3.3):
every addressee resolved and every card checked before any is deleted."""

from __future__ import annotations

import pytest

from conftest import OTHER_USER, OWNER
from salesmanago_emulator.errors import ContactNotFound, InvalidField, ReadOnlyOwner
from salesmanago_emulator.state import Account, ContactWrite


def _cards(account: Account) -> list[tuple[str, bool]]:
    return [(r.email, r.deleted) for r in account.all_contacts()]


def test_batch_delete_names_each_card_once(account: Account) -> None:
    a = account.contacts.upsert(ContactWrite(email="a@shop.pl", tags=("VIP",)), OWNER)
    account.contacts.upsert(ContactWrite(email="b@shop.pl", tags=("VIP",)), OWNER)
    account.contacts.upsert(ContactWrite(email="c@shop.pl"), OWNER)
    addressees = [
        ("EMAIL", " A@Shop.pl ", "contacts[0].value"),
        ("CONTACT_ID", a.id.upper(), "contacts[1].value"),
        ("TAG", "vip", "contacts[2].value"),
    ]
    deleted = account.contacts.batch_delete(addressees, owner=OWNER)
    assert [r.email for r in deleted] == ["a@shop.pl", "b@shop.pl"]
    assert _cards(account) == [("a@shop.pl", True), ("b@shop.pl", True), ("c@shop.pl", False)]


def test_batch_delete_is_all_or_nothing(account: Account) -> None:
    account.contacts.upsert(ContactWrite(email="a@shop.pl"), OWNER)
    account.contacts.upsert(ContactWrite(email="b@shop.pl"), OWNER)
    account.users.add_owner("b@shop.pl", OTHER_USER, "READ_ONLY")
    before = _cards(account)
    with pytest.raises(ContactNotFound, match=r"x@shop\.pl"):
        account.contacts.batch_delete(
            [("EMAIL", "a@shop.pl", "f0"), ("EMAIL", "x@shop.pl", "f1")], owner=OWNER
        )
    with pytest.raises(ReadOnlyOwner):
        account.contacts.batch_delete(
            [("EMAIL", "a@shop.pl", "f0"), ("EMAIL", "b@shop.pl", "f1")], owner=OTHER_USER
        )
    with pytest.raises(InvalidField, match="'f1' must be one of"):
        account.contacts.batch_delete([("EMAIL", "a@shop.pl", "f0"), ("PHONE", "1", "f1")])
    assert _cards(account) == before


def test_batch_delete_permanently_takes_soft_deleted_cards(account: Account) -> None:
    account.contacts.upsert(ContactWrite(email="a@shop.pl"), OWNER)
    account.contacts.delete("a@shop.pl")
    with pytest.raises(ContactNotFound):
        account.contacts.batch_delete([("EMAIL", "a@shop.pl", "f0")])
    assert account.find_by("EMAIL", "a@shop.pl") is not None
    assert account.find_live_by("EMAIL", "a@shop.pl") is None
    account.contacts.batch_delete([("EMAIL", "a@shop.pl", "f0")], permanently=True)
    assert _cards(account) == []
