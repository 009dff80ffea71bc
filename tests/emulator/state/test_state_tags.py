"""Tags on contacts and the account tag list (S3.1, S4.2, S5.1-S5.3)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

import pytest
from state_helpers import EMAIL, OWNER, upsert

from salesmanago_emulator.clock import FrozenClock
from salesmanago_emulator.errors import ContactNotFound, InvalidField, ReadOnlyOwner
from salesmanago_emulator.state import Account, ContactWrite


def counts(account: Account) -> list[tuple[str, int]]:
    return [(row.tag, row.count) for row in account.tags.list()]


def test_s5_1_manage_tags_adds_and_removes_normalised(account: Account) -> None:
    record = upsert(account)
    account.tags.manage(EMAIL, ["żółty kot!", "vip,Łódź"], [])
    assert list(record.tags) == ["ZOLTY_KOT_", "VIP", "LODZ"]
    account.tags.manage(record.id, [], ["vip", "absent"])
    assert list(record.tags) == ["ZOLTY_KOT_", "LODZ"]
    with pytest.raises(ContactNotFound):
        account.tags.manage("nobody@example.com", ["a"], [])


def test_s5_1_same_tag_added_and_removed_is_refused(account: Account) -> None:
    record = upsert(account, tags=("keep",))
    with pytest.raises(InvalidField, match="'removeTags' names tag A_B that the same request"):
        account.tags.manage(EMAIL, ["a b"], ["A_B"])
    assert list(record.tags) == ["KEEP"]


def test_s5_1_upsert_tags_and_remove_tags(account: Account) -> None:
    record = upsert(account, tags=("a", "b"))
    upsert(account, tags=("c",), remove_tags=("a",))
    assert list(record.tags) == ["B", "C"]


def test_s4_2_tag_scoring_new_tag_scores_one_readding_adds_one(
    account: Account, clock: FrozenClock
) -> None:
    record = upsert(account, tags=("plain",))
    first_time = clock.now()
    assert record.tags["PLAIN"].score == 0
    assert record.tags["PLAIN"].created_on == first_time
    clock.advance(timedelta(hours=1))
    account.tags.manage(EMAIL, ["plain"], [])
    assert record.tags["PLAIN"].score == 0
    assert record.tags["PLAIN"].created_on == first_time
    account.tags.manage(EMAIL, ["scored"], [], tag_scoring=True)
    assert record.tags["SCORED"].score == 1
    upsert(account, tags=("scored", "plain"), tag_scoring=True)
    assert record.tags["SCORED"].score == 2
    assert record.tags["PLAIN"].score == 1
    assert record.tags["PLAIN"].created_on == first_time


def test_s5_3_tag_list_by_name_and_by_creation(account: Account, clock: FrozenClock) -> None:
    upsert(account, "a@example.com", tags=("zeta",))
    clock.advance(timedelta(minutes=1))
    upsert(account, "b@example.com", tags=("alpha", "zeta"))
    clock.advance(timedelta(minutes=1))
    upsert(account, "c@example.com", tags=("mid",))
    assert counts(account) == [("ALPHA", 1), ("MID", 1), ("ZETA", 2)]
    by_created = account.tags.list(order="created")
    assert [row.tag for row in by_created] == ["ZETA", "ALPHA", "MID"]
    assert by_created[0].created_on == clock.now() - timedelta(minutes=2)
    with pytest.raises(InvalidField):
        account.tags.list(order="size")  # type: ignore[arg-type]


def test_s5_3_tag_creation_time_forgotten_when_no_contact_carries_it(
    account: Account, clock: FrozenClock
) -> None:
    upsert(account, tags=("old",))
    account.tags.manage(EMAIL, [], ["old"])
    assert account.tags.list() == []
    clock.advance(timedelta(days=1))
    account.tags.manage(EMAIL, ["old"], [])
    assert account.tags.list()[0].created_on == clock.now()


def test_s3_1_tag_counts_ignore_soft_deleted_and_follow_purge(clock: FrozenClock) -> None:
    account = Account("c", "s", [OWNER], clock=clock)
    upsert(account, "a@example.com", tags=("vip", "x"))
    upsert(account, "b@example.com", tags=("vip",))
    account.contacts.delete("a@example.com")
    assert counts(account) == [("VIP", 1)]
    account.contacts.restore("a@example.com")
    assert counts(account) == [("VIP", 2), ("X", 1)]
    account.contacts.delete("a@example.com")
    clock.advance(timedelta(days=1))  # past the next 02:00
    assert counts(account) == [("VIP", 1)]
    account.contacts.upsert(ContactWrite(email="a@example.com", tags=("x",)), OWNER)
    assert counts(account) == [("VIP", 1), ("X", 1)]


def test_s3_1_tag_counts_stay_equal_to_a_full_recount(clock: FrozenClock) -> None:
    """Incremental counts vs recounting live cards, over random operations (S3.1, S5.1)."""
    rng = random.Random(20260329)
    account = Account("c", "s", [OWNER], clock=clock)
    emails = [f"u{i}@example.com" for i in range(12)]
    tags = ["a", "b", "c", "d"]
    for _ in range(600):
        email = rng.choice(emails)
        op = rng.randrange(7)
        try:
            if op == 0:
                account.contacts.upsert(
                    ContactWrite(email=email, tags=tuple(rng.sample(tags, 2))), OWNER
                )
            elif op == 1:
                account.tags.manage(email, [rng.choice(tags)], [rng.choice(tags) + "x"])
            elif op == 2:
                account.tags.manage(email, [], [rng.choice(tags)])
            elif op == 3:
                account.contacts.delete(email, permanently=rng.random() < 0.3)
            elif op == 4:
                account.contacts.restore(email)
            elif op == 5:
                account.contacts.forget(email)
            else:
                clock.advance(timedelta(hours=rng.randrange(1, 9)))
        except (ContactNotFound, InvalidField):
            pass
        expected = Counter(tag for r in account.live_contacts() for tag in r.tags)
        assert dict(counts(account)) == dict(expected)


def test_s5_2_tags_from_detail_values_with_prefix(account: Account) -> None:
    record = upsert(account, properties={"rozmiar_buta": "43", "kolor": "zielony"})
    account.tags.add_from_details(EMAIL, "ROZMIARBUTA_", ["rozmiar_buta", "missing"])
    account.tags.add_from_details(EMAIL, "X_", ["rozmiar_buta", "kolor"])
    assert list(record.tags) == ["ROZMIARBUTA_43", "X_43", "X_ZIELONY"]


def test_s1_4_read_only_owner_may_not_change_tags(account: Account) -> None:
    upsert(account)
    account.users.add_owner(EMAIL, "second@shop.pl", "READ_ONLY")
    with pytest.raises(ReadOnlyOwner):
        account.tags.manage(EMAIL, ["a"], [], owner="second@shop.pl")
    assert account.tags.list() == []
