"""The account's core (AccountCore): construction, the boundary between accounts, and the
created / modified range reads (the range index) as writes and the clock move."""

from __future__ import annotations

import itertools
import os
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from state_helpers import EMAIL, OWNER, upsert

from salesmanago_emulator.clock import FrozenClock
from salesmanago_emulator.errors import (
    InvalidField,
)
from salesmanago_emulator.state import (
    Account,
    ContactWrite,
)
from salesmanago_emulator.state._core import _ID_BATCH, _new_id


def test_s1_2_accounts_are_kept_apart(clock: FrozenClock) -> None:
    one = Account("one", "s", [OWNER], clock=clock)
    two = Account("two", "s", [OWNER], clock=clock)
    a = one.contacts.upsert(ContactWrite(email=EMAIL, tags=("x",)), OWNER)
    assert two.find(EMAIL) is None
    assert two.find(a.id) is None
    assert two.count() == 0
    assert two.tags.list() == []
    b = two.contacts.upsert(ContactWrite(email=EMAIL), OWNER)
    assert b.id != a.id
    two.contacts.delete(EMAIL)
    assert one.find_live(EMAIL) is a


def test_range_listings_inclusive_and_ordered_by_time_then_id(clock: FrozenClock) -> None:
    ids = (f"00000000-0000-4000-8000-{n:012d}" for n in itertools.count(1))
    account = Account("c", "s", [OWNER], clock=clock, id_factory=lambda: next(ids))
    t0 = clock.now()
    b = upsert(account, "b@example.com")
    a = upsert(account, "a@example.com")
    clock.advance(timedelta(minutes=1))
    c = upsert(account, "c@example.com")
    clock.advance(timedelta(minutes=1))
    upsert(account, "a@example.com", name="A")  # a modified again at t0 + 2 min
    assert account.created_between(t0, t0 + timedelta(minutes=1)) == [b, a, c]
    assert account.created_between(t0 + timedelta(seconds=1), t0 + timedelta(minutes=1)) == [c]
    assert account.modified_between(t0, t0 + timedelta(minutes=2)) == [b, c, a]
    assert account.modified_between(t0, t0 + timedelta(minutes=1)) == [b, c]
    with pytest.raises(InvalidField, match="'from' must be a timezone-aware instant"):
        account.created_between(datetime(2026, 1, 1), t0)


def test_range_listing_survives_index_rebuild_and_backward_clock(clock: FrozenClock) -> None:
    account = Account("c", "s", [OWNER], clock=clock)
    start = clock.now()
    records = [upsert(account, f"u{i}@example.com") for i in range(5)]
    for step in range(1, 1300):
        clock.advance(timedelta(seconds=1))
        account.scoring.add(records[step % 5].id, 1)
    clock.set(start - timedelta(days=1))
    early = upsert(account, "early@example.com")
    assert account.created_between(start - timedelta(days=2), start - timedelta(hours=1)) == [early]
    last = clock.now() + timedelta(days=1, seconds=1299)
    assert sorted(r.email for r in account.modified_between(start, last)) == sorted(
        r.email for r in records
    )


def test_batch_upsert_indexes_created_and_modified_like_single_writes(
    clock: FrozenClock,
) -> None:
    ids = (f"00000000-0000-4000-8000-{n:012d}" for n in itertools.count(1))
    account = Account("c", "s", [OWNER], clock=clock, id_factory=lambda: next(ids))
    start = clock.now()
    old = upsert(account, "old@example.com")
    clock.advance(timedelta(minutes=1))
    t1 = clock.now()
    writes = [
        ContactWrite(email="new@example.com"),
        ContactWrite(email="old@example.com", name="Old"),
        ContactWrite(email="not an e-mail"),
        ContactWrite(email="new@example.com", name="New"),
    ]
    new, changed, error, again = account.contacts.batch_upsert(writes, OWNER)
    assert isinstance(error, InvalidField)
    assert changed is old
    assert again is new
    assert account.created_between(start, t1) == [old, new]
    assert account.modified_between(t1, t1) == [old, new]
    assert account.modified_between(start, start) == []
    # a batch at an earlier instant (the clock set back) is listed in time order
    clock.set(start - timedelta(hours=1))
    (early,) = account.contacts.batch_upsert([ContactWrite(email="early@example.com")], OWNER)
    assert account.created_between(start - timedelta(hours=2), t1) == [early, old, new]
    # many batches re-touching the same cards: the rebuilt index lists each once, by id
    for _ in range(400):
        clock.advance(timedelta(seconds=1))
        account.contacts.batch_upsert(
            [ContactWrite(email=r.email, name=str(clock.now())) for r in (early, old, new)], OWNER
        )
    assert account.modified_between(start - timedelta(hours=2), clock.now()) == [old, new, early]


def test_account_construction_is_validated(clock: FrozenClock) -> None:
    account = Account(
        "c", "s", [" A@Example.com ", "a@example.com"], clock=clock, timezone=ZoneInfo("UTC")
    )
    assert account.users == ("a@example.com",)
    assert account.users.is_user("A@EXAMPLE.COM")
    assert not account.users.is_user("b@example.com")
    assert account.users.add("B@example.com") == "b@example.com"
    assert account.users.is_user("b@example.com")
    with pytest.raises(ValueError, match="users"):
        Account("c", "s", [], clock=clock)
    with pytest.raises(ValueError, match=r"users\[0\]"):
        Account("c", "s", ["nope"], clock=clock)
    with pytest.raises(ValueError, match="time zone"):
        Account("c", "s", [OWNER], clock=clock, timezone="Mars/Olympus")
    with pytest.raises(ValueError, match="client_id"):
        Account("", "s", [OWNER], clock=clock)


def test_s2_4_default_ids_are_uuid4_across_batches_every_random_digit_used() -> None:
    """The default id factory makes ids a batch at a time (``_ID_BATCH``): across several
    batches every id is distinct and a lower-case version-4 RFC 4122 UUID, and every
    random place takes each of its values (16 hex digits; the variant's 8, 9, a, b), so
    no place is stuck (decisions.md: random version-4 UUIDs)."""
    count = 4 * _ID_BATCH + 7
    ids = [_new_id() for _ in range(count)]
    assert len(set(ids)) == count
    for contact_id in ids:
        parsed = uuid.UUID(contact_id)
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122
        assert str(parsed) == contact_id
    fixed = {8, 13, 14, 18, 19, 23}
    for place in range(36):
        seen = {contact_id[place] for contact_id in ids}
        if place == 19:
            assert seen == set("89ab")
        elif place not in fixed:
            assert seen == set("0123456789abcdef"), place


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the platform has no fork")
def test_s2_4_a_forked_child_never_hands_out_its_parents_next_ids() -> None:
    """Ids are made a batch at a time; a child forked mid-batch starts a batch of its own,
    so the parent's next ids and the child's differ (decisions.md: random version-4 UUIDs)."""
    _new_id()  # a batch is under way
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: send its next ids and leave at once
        os.close(read)
        os.write(write, " ".join(_new_id() for _ in range(8)).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        child = set(pipe.read().split())
    os.waitpid(pid, 0)
    parent = {_new_id() for _ in range(8)}
    assert len(child) == 8
    assert not parent & child
