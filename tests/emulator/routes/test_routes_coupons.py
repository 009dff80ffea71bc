"""Coupons over raw JSON (protocol §8.2; semantics S8.1, S8.2): add, use, the card's list."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from coupons_helpers import coupon_state
from routes_helpers import A_ID, A_OWNER, A_SECOND, NOW_MS, OMIT, Api, snapshot
from routes_server import WIRES, over

from salesmanago_emulator import Account, Emulator, FrozenClock

ADD = "contact/addContactCoupon"
USE = "contact/useContactCoupon"


def card_coupons(api: Api, email: str = "a@example.com") -> list[dict[str, Any]]:
    """The ``coupons`` list of the full contact, read as owner A."""
    contacts = api.ok("contact/list", email=[email])["contacts"]
    assert len(contacts) == 1
    return list(contacts[0]["coupons"])


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


# --- ``addContactCoupon`` for an e-mail with no live card (protocol §14, §8.2; S8, S7.6) ----------


@pytest.mark.parametrize("wire", WIRES)
def test_protocol_14_coupon_for_a_permanently_deleted_email_succeeds(
    emu: Emulator, wire: str
) -> None:
    """§14: insert, delete permanently, add a coupon: a new card holds the coupon."""
    with over(emu, wire) as api:
        old_id = api.ok("contact/insert", contact={"email": "px@example.com"})["contactId"]
        api.ok("contact/delete", email="px@example.com", permanently=True)
        envelope = api.ok(
            ADD, email="px@example.com", name="testCouponName", length=6, valid="2026-01-15T10:00"
        )
        assert len(envelope["coupon"]) == 6
        has = api.ok("contact/hasContact", email="px@example.com")
        assert has["result"] is True
        assert has["contactId"] != old_id
        (card,) = api.ok("contact/list", email=["px@example.com"])["contacts"]
    assert [c["coupon"] for c in card["coupons"]] == [envelope["coupon"]]
    assert card["mainContactOwner"] == A_OWNER


@pytest.mark.parametrize("wire", WIRES)
def test_coupon_for_a_soft_deleted_email_restores_the_card(emu: Emulator, wire: str) -> None:
    """S3.2 (as an event, S7.6): the soft-deleted card comes back, same id, coupon added."""
    with over(emu, wire) as api:
        contact_id = api.upsert("a@example.com")
        api.ok("contact/delete", email="a@example.com")
        value = api.ok(ADD, email="A@Example.com", name="N", coupon="SPRING-1")["coupon"]
        assert api.ok("contact/hasContact", email="a@example.com")["contactId"] == contact_id
        (card,) = api.ok("contact/list", email=["a@example.com"])["contacts"]
    assert [c["coupon"] for c in card["coupons"]] == [value]


@pytest.mark.parametrize("wire", WIRES)
def test_coupon_for_a_new_email_makes_the_card_of_the_owner_sent(emu: Emulator, wire: str) -> None:
    with over(emu, wire, owner=A_SECOND) as api:
        api.ok(ADD, email="new@example.com", name="N", length=8)
    record = emu.account(A_ID).find_live("new@example.com")
    assert record.main_owner == A_SECOND


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "Field 'name' must not be empty"),
        ({"length": 4}, "Field 'length' must be between 5 and 64 (got 4)"),
        ({"email": "not-an-email"}, "Contact not found: not-an-email"),
        ({"email": "bad@@example.com"}, "Field 'email' must be a valid e-mail address"),
        ({"email": "\u212aate@example.com"}, "Field 'email' must be a valid e-mail address"),
        ({"coupon": "TAKEN-1"}, "Coupon TAKEN-1 already exists"),
    ],
)
def test_refused_coupon_makes_no_card(
    emu: Emulator, fields: dict[str, object], message: str
) -> None:
    """Every argument is checked before the card is made: a refusal changes nothing."""
    account = emu.account(A_ID)
    with over(emu, "transport") as api:
        api.upsert("holder@example.com")
        api.ok(ADD, email="holder@example.com", name="N", coupon="TAKEN-1")
        before = snapshot(account), account.coupons.generator.getstate()
        body = {"email": "new@example.com", "name": "N", "length": 8, **fields}
        assert api.fail(ADD, **body) == [message]
    assert (snapshot(account), account.coupons.generator.getstate()) == before
