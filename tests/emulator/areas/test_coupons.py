"""Coupons in the emulator (S8.1, S8.2; protocol §8.2): state, raw JSON and the SDK."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from routes_helpers import A_ID, A_OWNER, A_SECOND, NOW, NOW_MS, OMIT, Api, snapshot

from salesmanago import AsyncSalesManago, ContactUpsert, CouponError, NotFoundError, SalesManago
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
from salesmanago_emulator.snapshot import dump_area
from salesmanago_emulator.state._card import ContactWrite
from salesmanago_emulator.state.coupons import ALPHABET, Coupon, default_validity

ADD = "contact/addContactCoupon"
USE = "contact/useContactCoupon"
YEAR_AND_DAY = datetime(2027, 1, 16, 10, 0, tzinfo=timezone.utc)


def card_coupons(api: Api, email: str = "a@example.com") -> list[dict[str, Any]]:
    """The ``coupons`` list of the full contact, read as owner A."""
    contacts = api.ok("contact/list", email=[email])["contacts"]
    assert len(contacts) == 1
    return list(contacts[0]["coupons"])


def coupon_state(account: Account) -> Any:
    """Every coupon of the account, to prove "no state change"."""
    return dump_area(account, "coupons")


# --- state: generation, uniqueness, validity --------------------------------------------


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


def test_s8_1_generation_is_repeatable_and_seedable(emu: Emulator, clock: FrozenClock) -> None:
    """The generator is seeded from the client id: a fresh account repeats its values."""

    def values(seed: int | None = None) -> list[str]:
        account = Emulator(clock=clock).add_account(client_id=A_ID, api_secret="s", users=[A_OWNER])
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
    account_a: Account, contact: str, clock: FrozenClock
) -> None:
    """S8.2: usable up to and including ``valid``; after it the use fails as expired."""
    valid = NOW + timedelta(days=1)
    account_a.coupons.add(contact, "N", coupon="EDGE1", valid=valid)
    account_a.coupons.add(contact, "N", coupon="LATE1", valid=valid)
    clock.set(valid)
    assert account_a.coupons.use(contact, "EDGE1").used
    clock.advance(timedelta(milliseconds=1))
    with pytest.raises(CouponExpired, match="Coupon expired: LATE1"):
        account_a.coupons.use(contact, "LATE1")
    assert account_a.coupons.get("LATE1") == Coupon(
        value="LATE1", name="N", contact_id=contact, valid=valid, created_on=NOW
    )


def test_s8_2_used_is_reported_before_expired(
    account_a: Account, contact: str, clock: FrozenClock
) -> None:
    """A used coupon that has also expired is reported as used."""
    account_a.coupons.add(contact, "N", coupon="BOTH1", valid=NOW + timedelta(hours=1))
    account_a.coupons.use(contact, "BOTH1")
    clock.advance(timedelta(days=2))
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


# --- state: deletion, reset, snapshot ---------------------------------------------------


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
    account_a: Account, contact: str, other: str, clock: FrozenClock, how: str
) -> None:
    """S3.3/S3.4: removed for good, the contact's coupons are gone and the values reusable."""
    account_a.coupons.add(contact, "N", coupon="FREE1")
    if how == "permanent":
        account_a.contacts.delete(contact, permanently=True)
    elif how == "forget":
        account_a.contacts.forget(contact)
    else:
        account_a.contacts.delete(contact)
        clock.advance(timedelta(days=1))
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


# --- raw JSON -----------------------------------------------------------------------


def test_raw_add_generated_answers_coupon_and_the_card_lists_it(api: Api) -> None:
    """Protocol §8.2: ``coupon`` in the answer; the full contact's ``coupons`` shows it."""
    api.upsert("a@example.com")
    envelope = api.ok(ADD, email="a@example.com", name="SPRING", length=12)
    value = envelope["coupon"]
    assert isinstance(value, str)
    assert len(value) == 12
    assert card_coupons(api) == [
        {
            "coupon": value,
            "name": "SPRING",
            "valid": NOW_MS + 366 * 86_400_000,
            "used": False,
            "createdOn": NOW_MS,
            "usedOn": None,
        }
    ]


def test_raw_add_by_contact_id_manual_with_valid_forms(api: Api) -> None:
    """Manual values echo exactly (spaces, dots); ``valid`` as ms, seconds or ISO-8601 (§14)."""
    contact_id = api.upsert("a@example.com")
    forms = [NOW_MS + 1000, NOW_MS // 1000 + 1, "2026-01-15T11:00:01+01:00"]
    for index, valid in enumerate(forms):
        code = f"MY CODE.{index}"
        assert api.ok(ADD, contactId=contact_id, name="VIP", coupon=code, valid=valid) == {
            "success": True,
            "message": [],
            "coupon": code,
        }
    assert {c["valid"] for c in card_coupons(api)} == {NOW_MS + 1000}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": OMIT}, "Field 'name' is required"),
        ({"name": 5}, "Field 'name' must be a string"),
        ({"name": "n" * 65}, "Field 'name' must be at most 64 characters long (got 65)"),
        ({"length": OMIT}, "Field 'length' is required when no coupon is given"),
        ({"length": "abc"}, "Field 'length' must be an integer"),
        ({"length": 4}, "Field 'length' must be between 5 and 64 (got 4)"),
        ({"length": 65}, "Field 'length' must be between 5 and 64 (got 65)"),
        ({"coupon": "abcd"}, "Field 'coupon' must be at least 5 characters long (got 4)"),
        ({"coupon": "c" * 33}, "Field 'coupon' must be at most 32 characters long (got 33)"),
        ({"coupon": 12345}, "Field 'coupon' must be a string"),
        (
            {"valid": "soon"},
            "Field 'valid' must be a timestamp in milliseconds or seconds, a numeric string"
            " or an ISO-8601 date-time",
        ),
        ({"email": OMIT}, "Field 'email' is required"),
        (
            {"email": OMIT, "contactId": "00000000-0000-4000-8000-000000000000"},
            "Contact not found: 00000000-0000-4000-8000-000000000000",
        ),
        ({"owner": OMIT}, "Not authenticated, not owner specified"),
    ],
)
def test_raw_add_refusals(
    api: Api, account_a: Account, fields: dict[str, Any], message: str
) -> None:
    """Every refusal names its field or cause and leaves the account as it was."""
    api.upsert("a@example.com")
    before = snapshot(account_a), coupon_state(account_a)
    body = {"email": "a@example.com", "name": "SPRING", "length": 8, **fields}
    assert api.fail(ADD, **body) == [message]
    assert (snapshot(account_a), coupon_state(account_a)) == before


def test_raw_length_is_not_read_with_a_manual_coupon(api: Api) -> None:
    """Protocol §14: with ``coupon`` an out-of-range ``length`` does not matter."""
    api.upsert("a@example.com")
    assert api.ok(ADD, email="a@example.com", name="N", coupon="ABCDE", length=2)["coupon"] == (
        "ABCDE"
    )


def test_raw_use_once_then_each_refusal_has_its_own_text(
    api: Api, api_b: Api, clock: FrozenClock
) -> None:
    """S8.2: used, expired and unknown (also another account's) coupons: distinct texts."""
    api.upsert("a@example.com")
    api_b.upsert("a@example.com")
    api.ok(ADD, email="a@example.com", name="N", coupon="GOOD1")
    api.ok(ADD, email="a@example.com", name="N", coupon="SHORT", valid=NOW_MS + 60_000)
    api_b.ok(ADD, email="a@example.com", name="N", coupon="BCODE")
    assert api.ok(USE, email="a@example.com", coupon="GOOD1", owner=OMIT) == {
        "success": True,
        "message": [],
    }
    assert api.fail(USE, email="a@example.com", coupon="GOOD1") == ["Coupon already used: GOOD1"]
    assert api.fail(USE, email="a@example.com", coupon="BCODE") == ["Coupon not found: BCODE"]
    clock.advance(timedelta(minutes=2))
    assert api.fail(USE, email="a@example.com", coupon="SHORT") == [
        "Coupon expired: SHORT (valid until 2026-01-15T10:01:00+00:00)"
    ]
    envelope = api.post(USE, email="a@example.com", coupon="NOPE1")
    assert envelope["message"] == ["Coupon not found: NOPE1"]
    assert envelope["values"] == {"coupon": "NOPE1"}
    assert [c["used"] for c in card_coupons(api)] == [True, False]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"coupon": OMIT}, "Field 'coupon' is required"),
        ({"email": "nobody@example.com"}, "Contact not found: nobody@example.com"),
        ({"owner": "stranger@example.com"}, "Not authenticated, invalid owner"),
    ],
)
def test_raw_use_refusals(
    api: Api, account_a: Account, fields: dict[str, Any], message: str
) -> None:
    """A use naming no coupon, a missing contact or a foreign owner changes nothing."""
    api.upsert("a@example.com")
    api.ok(ADD, email="a@example.com", name="N", coupon="KEEP1")
    before = coupon_state(account_a)
    body = {"email": "a@example.com", "coupon": "KEEP1", **fields}
    assert api.fail(USE, **body) == [message]
    assert coupon_state(account_a) == before


def test_raw_read_only_owner_cannot_use(api: Api, account_a: Account) -> None:
    """S1.4 on the wire: the read-only owner is refused by name."""
    key = api.upsert("a@example.com")
    api.ok(ADD, email="a@example.com", name="N", coupon="RO-02")
    account_a.users.add_owner(key, A_SECOND, "READ_ONLY")
    assert api.fail(USE, email="a@example.com", coupon="RO-02", owner=A_SECOND) == [
        f"Owner {A_SECOND} has read-only access to contact a@example.com"
    ]
    coupon = account_a.coupons.get("RO-02")
    assert coupon is not None
    assert not coupon.used
    assert [c["used"] for c in card_coupons(api)] == [False]


def test_raw_soft_deleted_contact_card_still_shows_coupons(api: Api) -> None:
    """S3.1: read by key, a soft-deleted card still lists its coupons; use is refused."""
    api.upsert("a@example.com")
    api.ok(ADD, email="a@example.com", name="N", coupon="SOFT1")
    api.ok("contact/delete", email="a@example.com")
    assert [c["coupon"] for c in card_coupons(api)] == ["SOFT1"]
    assert api.fail(USE, email="a@example.com", coupon="SOFT1") == [
        "Contact not found: a@example.com"
    ]


# --- through the SDK ------------------------------------------------------------------


def test_sdk_add_generated_and_manual_then_read_back(sm: SalesManago) -> None:
    """S8.1 end to end: the SDK's add returns the value; ``Contact.coupons`` parses them."""
    sm.contacts.upsert(ContactUpsert(email="a@example.com"))
    valid = datetime(2026, 3, 1, 0, 0, tzinfo=timezone(timedelta(hours=1)))
    generated = sm.coupons.add("SPRING", email="a@example.com", length=10, valid=valid)
    manual = sm.coupons.add("VIP", email="a@example.com", coupon="MY CODE.1")
    assert len(generated) == 10
    assert manual == "MY CODE.1"
    (contact,) = sm.contacts.list(["a@example.com"])
    by_value = {c.coupon: c for c in contact.coupons}
    assert by_value[generated].name == "SPRING"
    assert by_value[generated].valid == valid
    assert by_value[manual].valid == YEAR_AND_DAY
    assert by_value[manual].used is False
    assert by_value[manual].created_on == NOW


def test_sdk_use_once_then_coupon_errors(sm: SalesManago, clock: FrozenClock) -> None:
    """S8.2 end to end: used, expired and unknown raise CouponError with distinct texts."""
    sm.contacts.upsert(ContactUpsert(email="a@example.com"))
    sm.coupons.add("N", email="a@example.com", coupon="ONCE1")
    sm.coupons.add("N", email="a@example.com", coupon="SHORT", valid=NOW + timedelta(seconds=1))
    assert sm.coupons.use("a@example.com", "ONCE1") is None
    texts = []
    clock.advance(timedelta(seconds=2))
    for value in ("ONCE1", "SHORT", "NOPE1"):
        with pytest.raises(CouponError) as info:
            sm.coupons.use("a@example.com", value)
        texts.append(info.value.messages[0])
    assert texts[0] == "Coupon already used: ONCE1"
    assert texts[1].startswith("Coupon expired: SHORT")
    assert texts[2] == "Coupon not found: NOPE1"
    (contact,) = sm.contacts.list(["a@example.com"])
    assert [c.used for c in contact.coupons] == [True, False]


def test_sdk_missing_contact_is_not_found(sm: SalesManago) -> None:
    """A coupon for a contact id that does not exist: NotFoundError, not a CouponError
    (an unknown e-mail makes the card, protocol §14)."""
    with pytest.raises(NotFoundError) as info:
        sm.coupons.add("N", contact_id="00000000-0000-4000-8000-000000000000", length=8)
    assert not isinstance(info.value, CouponError)


async def test_sdk_async_add_and_use(asm: AsyncSalesManago) -> None:
    """The async client: add, use, and the used-twice refusal."""
    await asm.contacts.upsert(ContactUpsert(email="a@example.com"))
    value = await asm.coupons.add("N", email="a@example.com", length=6)
    await asm.coupons.use("a@example.com", value)
    with pytest.raises(CouponError, match="already used"):
        await asm.coupons.use("a@example.com", value)


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
