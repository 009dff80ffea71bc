"""Owners, monitoring, scoring and observers (S1.4, S1.5, S1.7, S2.8, S4.1)."""

from __future__ import annotations

import re

import pytest

from salesmanago_emulator.errors import (
    Conflict,
    ContactNotFound,
    InvalidField,
    ReadOnlyOwner,
)
from salesmanago_emulator.state import Account, ContactObserver, ContactRecord, ContactWrite

OWNER = "owner@shop.pl"
SECOND = "second@shop.pl"
THIRD = "third@shop.pl"
EMAIL = "jan@example.com"


def upsert(account: Account, email: str = EMAIL, owner: str = OWNER) -> ContactRecord:
    return account.contacts.upsert(ContactWrite(email=email), owner)


def test_s1_4_api_contact_gets_request_owner_as_main_owner(account: Account) -> None:
    record = upsert(account, owner=" SECOND@shop.pl ")
    assert record.main_owner == SECOND
    assert record.owners == {SECOND: "MAIN"}
    assert account.is_owner(record, "Second@Shop.pl")
    assert not account.is_owner(record, OWNER)


def test_s1_4_upsert_by_another_user_keeps_owners(account: Account) -> None:
    record = upsert(account)
    upsert(account, owner=SECOND)
    assert record.owners == {OWNER: "MAIN"}


def test_s1_4_set_main_owner_old_main_stays_co_owner(account: Account) -> None:
    record = upsert(account)
    account.users.set_main_owner(EMAIL, SECOND)
    assert record.main_owner == SECOND
    assert dict(record.owners) == {SECOND: "MAIN", OWNER: "CO_OWNER"}
    account.users.set_main_owner(EMAIL, OWNER)
    assert dict(record.owners) == {OWNER: "MAIN", SECOND: "CO_OWNER"}
    with pytest.raises(InvalidField, match="'newOwner' must be a user of the account"):
        account.users.set_main_owner(EMAIL, "stranger@example.com")


def test_s1_4_add_owner_levels(account: Account) -> None:
    record = upsert(account)
    account.users.add_owner(EMAIL, SECOND, "READ_ONLY")
    account.users.add_owner(EMAIL, THIRD)
    assert dict(record.owners) == {OWNER: "MAIN", SECOND: "READ_ONLY", THIRD: "CO_OWNER"}
    account.users.add_owner(EMAIL, SECOND, "CO_OWNER")
    assert record.owners[SECOND] == "CO_OWNER"
    with pytest.raises(Conflict, match="is the main owner"):
        account.users.add_owner(EMAIL, OWNER, "READ_ONLY")
    with pytest.raises(InvalidField, match="'level' must be one of"):
        account.users.add_owner(EMAIL, SECOND, "BOSS")
    with pytest.raises(InvalidField, match="'owner' must be a user"):
        account.users.add_owner(EMAIL, "stranger@example.com")
    account.users.add_owner(EMAIL, THIRD, "MAIN")
    assert record.main_owner == THIRD
    assert record.owners[OWNER] == "CO_OWNER"


def test_s1_4_read_only_owner_may_not_write_or_delete(account: Account) -> None:
    record = upsert(account)
    account.users.add_owner(EMAIL, SECOND, "READ_ONLY")
    with pytest.raises(ReadOnlyOwner, match=re.escape("Owner second@shop.pl has read-only access")):
        account.contacts.upsert(ContactWrite(email=EMAIL, name="X"), SECOND)
    with pytest.raises(ReadOnlyOwner):
        account.contacts.update(EMAIL, ContactWrite(name="X"), SECOND)
    with pytest.raises(ReadOnlyOwner):
        account.contacts.delete(EMAIL, owner=SECOND)
    assert record.name is None
    assert not record.deleted
    account.contacts.delete(EMAIL, owner=OWNER)
    assert record.deleted


def test_s1_5_last_owner_cannot_be_removed(account: Account) -> None:
    record = upsert(account)
    with pytest.raises(Conflict, match="has only one owner"):
        account.users.remove_owner(EMAIL, OWNER)
    with pytest.raises(Conflict, match="is not an owner"):
        account.users.remove_owner(EMAIL, SECOND)
    account.users.add_owner(EMAIL, SECOND)
    account.users.remove_owner(EMAIL, SECOND)
    assert record.owners == {OWNER: "MAIN"}


def test_s1_5_removing_main_owner_promotes_first_co_owner(account: Account) -> None:
    record = upsert(account)
    account.users.add_owner(EMAIL, SECOND, "READ_ONLY")
    account.users.add_owner(EMAIL, THIRD, "CO_OWNER")
    account.users.remove_owner(EMAIL, OWNER)
    assert dict(record.owners) == {THIRD: "MAIN", SECOND: "READ_ONLY"}
    account.users.remove_owner(EMAIL, THIRD)  # no co-owner left: the read-only one is promoted
    assert dict(record.owners) == {SECOND: "MAIN"}


def test_s2_8_stop_and_restore_monitoring(account: Account) -> None:
    record = upsert(account)
    account.contacts.stop_monitoring(EMAIL)
    assert not record.monitored
    account.contacts.restore_monitoring(record.id)
    assert record.monitored
    with pytest.raises(ContactNotFound):
        account.contacts.stop_monitoring("nobody@example.com")


def test_s4_1_set_and_add_scoring(account: Account) -> None:
    record = upsert(account)
    account.scoring.set(EMAIL, 10)
    account.scoring.add(EMAIL, 5)
    account.scoring.add(EMAIL, -20)
    assert record.score == -5
    with pytest.raises(InvalidField, match="'score' must be an integer"):
        account.scoring.set(EMAIL, True)
    with pytest.raises(InvalidField):
        account.scoring.add(EMAIL, 1.5)  # type: ignore[arg-type]


def test_observers_see_every_kind_of_change(account: Account) -> None:
    seen: list[str] = []

    class Log(ContactObserver):
        def contact_saved(self, record: ContactRecord, *, created: bool) -> None:
            seen.append("created" if created else "saved")

        def contact_deleted(self, record: ContactRecord) -> None:
            seen.append("deleted")

        def contact_restored(self, record: ContactRecord) -> None:
            seen.append("restored")

        def contact_removed(self, record: ContactRecord) -> None:
            seen.append("removed")

    account.add_observer(Log())
    upsert(account)
    account.scoring.set(EMAIL, 3)
    account.scoring.set(EMAIL, 3)  # no change, no hook
    account.contacts.delete(EMAIL)
    upsert(account)
    account.contacts.delete(EMAIL, permanently=True)
    assert seen == ["created", "saved", "deleted", "restored", "saved", "removed"]
