"""The nightly 02:00 purge (S3.1, S3.4): its instant in the account's time zone (DST
nights too), when it runs, and a restore before it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from state_helpers import EMAIL, OWNER, upsert

from salesmanago_emulator.clock import FrozenClock
from salesmanago_emulator.errors import ContactNotFound
from salesmanago_emulator.state import (
    Account,
    ContactObserver,
    ContactRecord,
    next_purge_instant,
)

WARSAW = ZoneInfo("Europe/Warsaw")
UTC = timezone.utc


def local(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, fold: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=WARSAW, fold=fold)


def make_account(start: datetime) -> tuple[Account, FrozenClock]:
    clock = FrozenClock(start)
    return Account("c1", "s1", [OWNER], clock=clock), clock


# --- next_purge_instant ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("deleted", "purge"),
    [
        (local(2026, 1, 15, 23, 59), local(2026, 1, 16, 2, 0)),
        (local(2026, 1, 16, 0, 30), local(2026, 1, 16, 2, 0)),
        (local(2026, 1, 16, 1, 59), local(2026, 1, 16, 2, 0)),
        (local(2026, 1, 16, 2, 0), local(2026, 1, 17, 2, 0)),
        (local(2026, 1, 16, 2, 0, 1), local(2026, 1, 17, 2, 0)),
    ],
)
def test_s3_1_next_purge_is_first_0200_strictly_after_deletion(
    deleted: datetime, purge: datetime
) -> None:
    instant = next_purge_instant(deleted, WARSAW)
    assert instant == purge
    assert instant.tzinfo is UTC


def test_s3_1_spring_forward_purge_at_the_instant_the_clock_jumps() -> None:
    # 2026-03-29: 02:00 CET does not exist; the clock jumps to 03:00 CEST at 01:00 UTC.
    jump = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert next_purge_instant(local(2026, 3, 28, 23, 59), WARSAW) == jump
    assert next_purge_instant(local(2026, 3, 29, 1, 59), WARSAW) == jump
    assert jump.astimezone(WARSAW).hour == 3
    after = local(2026, 3, 29, 3, 0)
    assert after == jump
    assert next_purge_instant(after, WARSAW) == datetime(2026, 3, 30, 0, 0, tzinfo=UTC)


def test_s3_1_fall_back_purge_at_the_first_0200_only() -> None:
    # 2026-10-25: 03:00 CEST -> 02:00 CET; 02:00 occurs at 00:00 UTC and again at 01:00 UTC.
    first = datetime(2026, 10, 25, 0, 0, tzinfo=UTC)
    assert next_purge_instant(local(2026, 10, 24, 23, 59), WARSAW) == first
    assert next_purge_instant(local(2026, 10, 25, 1, 59), WARSAW) == first
    next_night = datetime(2026, 10, 26, 1, 0, tzinfo=UTC)  # 02:00 CET
    # Deleted during the first pass of 02:00-03:00: the second 02:00 is no purge.
    assert next_purge_instant(local(2026, 10, 25, 2, 30, fold=0), WARSAW) == next_night
    assert next_purge_instant(local(2026, 10, 25, 2, 30, fold=1), WARSAW) == next_night


def test_s3_1_next_purge_refuses_naive_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        next_purge_instant(datetime(2026, 1, 1), WARSAW)


# --- soft deletion through the account -----------------------------------------------


def test_s3_1_deleted_at_2359_restorable_until_0200_next_day() -> None:
    account, clock = make_account(local(2026, 1, 15, 23, 59))
    contact = upsert(account, tags=("vip",))
    account.contacts.delete(EMAIL)
    clock.set(local(2026, 1, 16, 1, 59, 59))
    found = account.find(EMAIL)
    assert found is contact
    assert found.deleted
    assert account.contacts.restore(EMAIL) is contact
    assert not contact.deleted
    account.contacts.delete(EMAIL)
    clock.set(local(2026, 1, 16, 2, 0))
    assert account.find(EMAIL) is None
    assert account.find(contact.id) is None
    with pytest.raises(ContactNotFound, match=re.escape("Contact not found: jan@example.com")):
        account.contacts.restore(EMAIL)


def test_s3_1_deleted_at_0159_is_purged_at_0200_the_same_night() -> None:
    account, clock = make_account(local(2026, 1, 16, 1, 59))
    upsert(account)
    account.contacts.delete(EMAIL)
    clock.advance(timedelta(seconds=59))
    assert account.find(EMAIL) is not None
    clock.advance(timedelta(seconds=1))
    assert account.find(EMAIL) is None


def test_s3_1_deleted_at_0200_survives_until_0200_next_day() -> None:
    account, clock = make_account(local(2026, 1, 16, 2, 0))
    upsert(account)
    account.contacts.delete(EMAIL)
    assert account.find(EMAIL) is not None
    clock.set(local(2026, 1, 17, 1, 59, 59))
    assert account.find(EMAIL) is not None
    clock.set(local(2026, 1, 17, 2, 0))
    assert account.find(EMAIL) is None


def test_s3_1_spring_forward_night_purge_when_clock_jumps_to_0300() -> None:
    account, clock = make_account(local(2026, 3, 29, 1, 30))
    upsert(account)
    account.contacts.delete(EMAIL)
    clock.set(datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC))  # 01:59:59 CET
    assert account.find(EMAIL) is not None
    clock.set(local(2026, 3, 29, 3, 0))  # the jump: 01:00 UTC
    assert account.find(EMAIL) is None


def test_s3_1_fall_back_night_purge_at_first_0200_not_second() -> None:
    account, clock = make_account(local(2026, 10, 25, 1, 30))
    upsert(account, "early@example.com")
    account.contacts.delete("early@example.com")
    clock.set(local(2026, 10, 25, 2, 0, fold=0))  # first 02:00 (CEST), 00:00 UTC
    assert account.find("early@example.com") is None
    clock.set(local(2026, 10, 25, 2, 30, fold=0))  # still the first pass
    upsert(account, "late@example.com")
    account.contacts.delete("late@example.com")
    clock.set(local(2026, 10, 25, 2, 0, fold=1))  # second 02:00 (CET), 01:00 UTC
    assert account.find("late@example.com") is not None
    clock.set(local(2026, 10, 26, 2, 0))
    assert account.find("late@example.com") is None


def test_s3_2_upsert_of_soft_deleted_restores_same_card_before_purge() -> None:
    account, clock = make_account(local(2026, 1, 15, 12, 0))
    first = upsert(account, name="Jan", tags=("vip",), properties={"size": "43"})
    account.contacts.delete(EMAIL)
    clock.advance(timedelta(hours=13))  # 01:00 next day, before the purge
    again = upsert(account, "  JAN@example.com ", phone="+48 600", tags=("new",))
    assert again is first
    assert again.id == first.id
    assert not again.deleted
    assert again.deleted_at is None
    assert again.name == "Jan"
    assert again.phone == "+48 600"
    assert list(again.tags) == ["VIP", "NEW"]
    assert again.properties == {"size": "43"}
    assert account.has_contact(EMAIL) == first.id
    assert [(t.tag, t.count) for t in account.tags.list()] == [("NEW", 1), ("VIP", 1)]
    clock.advance(timedelta(days=2))
    assert account.find(EMAIL) is again  # restored: the old purge entry is stale


def test_s3_2_after_purge_upsert_creates_new_unrelated_card() -> None:
    account, clock = make_account(local(2026, 1, 15, 12, 0))
    first = upsert(account, name="Jan", tags=("vip",), properties={"size": "43"})
    first_id = first.id
    account.contacts.delete(EMAIL)
    clock.set(local(2026, 1, 16, 2, 0))
    second = upsert(account)
    assert second.id != first_id
    assert second.name is None
    assert second.tags == {}
    assert second.properties == {}
    assert account.find(first_id) is None
    assert account.tags.list() == []


def test_s3_4_purge_runs_on_next_operation_and_run_due_purge() -> None:
    account, clock = make_account(local(2026, 1, 15, 12, 0))
    removed: list[str] = []

    class Watcher(ContactObserver):
        def contact_removed(self, record: ContactRecord) -> None:
            removed.append(record.email)

    account.add_observer(Watcher())
    upsert(account, "a@example.com")
    upsert(account, "b@example.com")
    account.contacts.delete("a@example.com")
    account.contacts.delete("b@example.com")
    assert account.next_purge() == local(2026, 1, 16, 2, 0)
    clock.set(local(2026, 1, 16, 3, 0))
    assert removed == []  # nothing happens without an operation
    purged = account.run_due_purge()
    assert sorted(r.email for r in purged) == ["a@example.com", "b@example.com"]
    assert sorted(removed) == ["a@example.com", "b@example.com"]
    assert account.run_due_purge() == []
    assert account.next_purge() is None


def test_s3_4_restore_then_delete_again_keeps_a_single_purge() -> None:
    account, clock = make_account(local(2026, 1, 15, 23, 0))
    contact = upsert(account)
    account.contacts.delete(EMAIL)
    clock.advance(timedelta(minutes=10))
    account.contacts.restore(EMAIL)
    clock.set(local(2026, 1, 16, 2, 30))
    assert account.find(EMAIL) is contact  # the stale 02:00 entry purges nothing
    account.contacts.delete(EMAIL)
    clock.set(local(2026, 1, 17, 1, 59))
    assert account.find(EMAIL) is contact
    clock.set(local(2026, 1, 17, 2, 0))
    assert account.find(EMAIL) is None
