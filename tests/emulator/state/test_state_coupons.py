"""Coupons in the state layer (S8.1, S8.2): generation, uniqueness, validity, use, deletion."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from coupons_helpers import YEAR_AND_DAY, coupon_state
from routes_helpers import A_ID, A_OWNER, A_SECOND, NOW
from state_helpers import OTHER_USER, OWNER

from salesmanago_emulator import Account, Emulator, FrozenClock
from salesmanago_emulator.errors import (
    AuthenticationFailed,
    Conflict,
    ContactNotFound,
    CouponAlreadyExists,
    CouponAlreadyUsed,
    CouponExpired,
    CouponNotFound,
    InvalidField,
    ReadOnlyOwner,
)
from salesmanago_emulator.state._card import ContactWrite
from salesmanago_emulator.state.coupons import ALPHABET, Coupon, default_validity


@pytest.mark.parametrize("length", [5, 17, 64])
def test_s8_1_generated_value_has_the_requested_length(
    account_a: Account, contact: str, length: int
) -> None:
    """S8.1: a generated value has exactly ``length`` characters of A-Z0-9."""
    coupon = account_a.coupons.add(contact, "SPRING", length=length)
    assert len(coupon.value) == length
    assert set(coupon.value) <= set(ALPHABET)
    assert coupon.name == "SPRING"
    assert coupon.contact_id == contact
    assert coupon.created_on == NOW
    assert not coupon.used


def test_s8_1_generation_is_repeatable_and_seedable(emu: Emulator, emu_clock: FrozenClock) -> None:
    """The generator is seeded from the client id: a fresh account repeats its values."""

    def values(seed: int | None = None) -> list[str]:
        account = Emulator(clock=emu_clock).add_account(
            client_id=A_ID, api_secret="s", users=[A_OWNER]
        )
        if seed is not None:
            account.coupons.seed(seed)
        key = account.contacts.upsert(ContactWrite(email="a@example.com"), A_OWNER).id
        return [account.coupons.add(key, "N", length=10).value for _ in range(3)]

    assert values() == values()
    assert values(7) == values(7)
    assert values(7) != values()
    assert len(set(values())) == 3


def test_s8_1_generated_values_never_repeat_in_the_account(
    account_a: Account, contact: str, other: str
) -> None:
    """Values are unique per account: the same draw twice is drawn again."""
    account_a.coupons.seed(1)
    first = account_a.coupons.add(contact, "N", length=5).value
    account_a.coupons.seed(1)  # the next draw would repeat ``first``
    second = account_a.coupons.add(other, "N", length=5).value
    assert second != first
    assert account_a.coupons.get(first) is not None
    assert account_a.coupons.get(second) is not None


class _Stuck(random.Random):
    """A generator that always draws the same characters."""

    def choices(self, population: Sequence[Any], *args: Any, k: int = 1, **kw: Any) -> list[Any]:
        return [population[0]] * k


def test_s8_1_a_generator_without_free_values_is_refused_cleanly(
    account_a: Account, contact: str
) -> None:
    """A rigged generator ends in a Conflict, never a loop or a duplicate."""
    account_a.coupons.generator = _Stuck()
    assert account_a.coupons.add(contact, "N", length=5).value == "AAAAA"
    before = coupon_state(account_a)
    with pytest.raises(Conflict, match="No free coupon value of 5 characters"):
        account_a.coupons.add(contact, "N", length=5)
    assert coupon_state(account_a) == before


def test_s8_1_default_validity_is_a_year_and_a_day(account_a: Account, contact: str) -> None:
    """Protocol §8.2: without ``valid`` the coupon is valid a year and a day from the clock."""
    assert account_a.coupons.add(contact, "N", length=6).valid == YEAR_AND_DAY
    leap = datetime(2028, 2, 29, 12, 0, tzinfo=timezone.utc)
    assert default_validity(leap) == datetime(2029, 3, 1, 12, 0, tzinfo=timezone.utc)


def test_s8_1_manual_value_wins_over_length(account_a: Account, contact: str) -> None:
    """Protocol §14: a manual coupon is echoed; ``length`` is then not read at all."""
    coupon = account_a.coupons.add(contact, "VIP", coupon="MY CODE.1", length=999)
    assert coupon.value == "MY CODE.1"


@pytest.mark.parametrize(
    ("kwargs", "field", "rule"),
    [
        ({"name": "", "length": 6}, "name", "must not be empty"),
        ({"name": "n" * 65, "length": 6}, "name", "at most 64 characters long (got 65)"),
        ({"length": 4}, "length", "between 5 and 64 (got 4)"),
        ({"length": 65}, "length", "between 5 and 64 (got 65)"),
        ({"length": True}, "length", "must be an integer"),
        ({}, "length", "is required when no coupon is given"),
        ({"coupon": "ąbcd"}, "coupon", "at least 5 characters long (got 4)"),
        ({"coupon": "ą" * 33}, "coupon", "at most 32 characters long (got 33)"),
        ({"coupon": "     "}, "coupon", "must not be empty"),
        ({"length": 6, "valid": datetime(2027, 1, 1)}, "valid", "timezone-aware"),
    ],
)
def test_s8_1_add_refusals_name_the_field_and_change_nothing(
    account_a: Account, contact: str, kwargs: dict[str, Any], field: str, rule: str
) -> None:
    """S8.1 limits (name <= 64, length 5-64, manual 5-32 characters) are refused, not cut."""
    args = {"name": "SPRING", **kwargs}
    name = args.pop("name")
    with pytest.raises(InvalidField) as info:
        account_a.coupons.add(contact, name, **args)
    assert info.value.field == field
    assert rule in info.value.rule
    assert coupon_state(account_a) == []


def test_s8_1_manual_limits_are_inclusive(account_a: Account, contact: str) -> None:
    """Exactly 5 and 32 characters (counted as characters) are accepted; name of 64 too."""
    assert account_a.coupons.add(contact, "n" * 64, coupon="ąęółż").value == "ąęółż"
    assert account_a.coupons.add(contact, "N", coupon="ż" * 32).value == "ż" * 32


def test_s8_2_add_many_is_all_or_nothing(account_a: Account, contact: str, other: str) -> None:
    """S8.2: coupons for many contacts at once; a missing contact stops the whole call."""
    with pytest.raises(ContactNotFound):
        account_a.coupons.add_many([contact, "nobody@example.com", other], "N", length=8)
    assert coupon_state(account_a) == []
    added = account_a.coupons.add_many([contact, other], "N", length=8)
    assert [c.contact_id for c in added] == [contact, other]
    assert added[0].value != added[1].value
    with pytest.raises(CouponAlreadyExists):
        account_a.coupons.add_many([contact, other], "N", coupon="SAME1")


def test_s8_2_use_once_then_used(account_a: Account, contact: str) -> None:
    """S8.2: a coupon is used once; the second use fails as used."""
    value = account_a.coupons.add(contact, "N", coupon="ONCE1").value
    used = account_a.coupons.use("a@example.com", value)
    assert used.used
    assert used.used_on == NOW
    with pytest.raises(CouponAlreadyUsed, match="Coupon already used: ONCE1"):
        account_a.coupons.use(contact, value)


def test_s8_2_expired_after_valid_usable_up_to_it(
    account_a: Account, contact: str, emu_clock: FrozenClock
) -> None:
    """S8.2: usable up to and including ``valid``; after it the use fails as expired."""
    valid = NOW + timedelta(days=1)
    account_a.coupons.add(contact, "N", coupon="EDGE1", valid=valid)
    account_a.coupons.add(contact, "N", coupon="LATE1", valid=valid)
    emu_clock.set(valid)
    assert account_a.coupons.use(contact, "EDGE1").used
    emu_clock.advance(timedelta(milliseconds=1))
    with pytest.raises(CouponExpired, match="Coupon expired: LATE1"):
        account_a.coupons.use(contact, "LATE1")
    assert account_a.coupons.get("LATE1") == Coupon(
        value="LATE1", name="N", contact_id=contact, valid=valid, created_on=NOW
    )


def test_s8_2_used_is_reported_before_expired(
    account_a: Account, contact: str, emu_clock: FrozenClock
) -> None:
    """A used coupon that has also expired is reported as used."""
    account_a.coupons.add(contact, "N", coupon="BOTH1", valid=NOW + timedelta(hours=1))
    account_a.coupons.use(contact, "BOTH1")
    emu_clock.advance(timedelta(days=2))
    with pytest.raises(CouponAlreadyUsed):
        account_a.coupons.use(contact, "BOTH1")


def test_s8_2_unknown_coupon_other_contact_and_other_account(
    account_a: Account, account_b: Account, contact: str, other: str
) -> None:
    """A coupon the contact lacks is unknown, even if another contact or account holds it."""
    account_a.coupons.add(other, "N", coupon="THEIRS")
    b_key = account_b.contacts.upsert(ContactWrite(email="a@example.com"), "owner@b.example.com").id
    account_b.coupons.add(b_key, "N", coupon="B-ONLY")
    for value in ("THEIRS", "B-ONLY", "NOPE1"):
        with pytest.raises(CouponNotFound, match=f"Coupon not found: {value}"):
            account_a.coupons.use(contact, value)
    assert not account_a.coupons.get("THEIRS").used  # type: ignore[union-attr]


def test_s8_manual_values_unique_per_account_only(
    account_a: Account, account_b: Account, contact: str, other: str
) -> None:
    """The same manual value twice in one account is refused; another account may hold it."""
    account_a.coupons.add(contact, "N", coupon="UNIQUE")
    with pytest.raises(CouponAlreadyExists, match="Coupon UNIQUE already exists"):
        account_a.coupons.add(other, "N", coupon="UNIQUE")
    b_key = account_b.contacts.upsert(ContactWrite(email="x@example.com"), "owner@b.example.com").id
    assert account_b.coupons.add(b_key, "N", coupon="UNIQUE").value == "UNIQUE"
    assert account_a.coupons.add(other, "N", coupon="unique").value == "unique"  # case counts


def test_s8_read_only_owner_may_not_add_or_use(account_a: Account, contact: str) -> None:
    """S1.4: a read-only owner sees coupons but may not add or use one."""
    account_a.coupons.add(contact, "N", coupon="RO-01")
    account_a.users.add_owner(contact, A_SECOND, "READ_ONLY")
    with pytest.raises(ReadOnlyOwner):
        account_a.coupons.add(contact, "N", length=6, owner=A_SECOND)
    with pytest.raises(ReadOnlyOwner):
        account_a.coupons.use(contact, "RO-01", owner=A_SECOND)
    assert not account_a.coupons.get("RO-01").used  # type: ignore[union-attr]


def test_s3_soft_delete_keeps_coupons_restore_brings_them_back(
    account_a: Account, contact: str
) -> None:
    """S3.1/S3.2: a soft-deleted contact keeps its coupons but cannot use them until restored."""
    account_a.coupons.add(contact, "N", coupon="KEEP1")
    account_a.contacts.delete(contact)
    with pytest.raises(ContactNotFound):
        account_a.coupons.use("a@example.com", "KEEP1")
    with pytest.raises(ContactNotFound):
        account_a.coupons.add(contact, "N", length=6)
    account_a.contacts.restore(contact)
    assert account_a.coupons.use("a@example.com", "KEEP1").used


@pytest.mark.parametrize("how", ["permanent", "forget", "purge"])
def test_s3_removal_drops_coupons_and_frees_their_values(
    account_a: Account, contact: str, other: str, emu_clock: FrozenClock, how: str
) -> None:
    """S3.3/S3.4: removed for good, the contact's coupons are gone and the values reusable."""
    account_a.coupons.add(contact, "N", coupon="FREE1")
    if how == "permanent":
        account_a.contacts.delete(contact, permanently=True)
    elif how == "forget":
        account_a.contacts.forget(contact)
    else:
        account_a.contacts.delete(contact)
        emu_clock.advance(timedelta(days=1))
        account_a.run_due_purge()
    assert account_a.coupons.get("FREE1") is None
    assert account_a.coupons.add(other, "N", coupon="FREE1").contact_id == other


def test_reset_forgets_coupons_and_reseeds(account_a: Account, contact: str) -> None:
    """Reset: no coupons, and the generator starts over."""
    first = account_a.coupons.add(contact, "N", length=12).value
    account_a.reset()
    key = account_a.contacts.upsert(ContactWrite(email="a@example.com"), A_OWNER).id
    assert account_a.coupons.get(first) is None
    assert account_a.coupons.add(key, "N", length=12).value == first


@pytest.mark.parametrize("owner", ["stranger@example.com", "not an e-mail"])
def test_s1_3_coupon_owner_must_be_a_user(account_a: Account, contact: str, owner: str) -> None:
    """add, add_many and use refuse a non-user owner as contact writes do; nothing changes."""
    with pytest.raises(AuthenticationFailed) as info:
        account_a.contacts.update(contact, ContactWrite(name="x"), owner)
    expected = str(info.value)
    with pytest.raises(AuthenticationFailed) as info:
        account_a.coupons.add(contact, "Promo", length=8, owner=owner)
    assert str(info.value) == expected
    with pytest.raises(AuthenticationFailed) as info:
        account_a.coupons.add_many([contact], "Promo", coupon="MANUAL1", owner=owner)
    assert str(info.value) == expected
    item = account_a.coupons.add(contact, "Promo", coupon="MANUAL2", owner=A_SECOND.upper())
    with pytest.raises(AuthenticationFailed) as info:
        account_a.coupons.use(contact, item.value, owner=owner)
    assert str(info.value) == expected
    assert account_a.coupons.of(account_a.find_live(contact)) == [item]


# --- ``CouponsArea.add`` for an e-mail of no live card (protocol §14; S8.2, S7.6, S3.2) ----------


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
