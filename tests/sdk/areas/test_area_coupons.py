"""Coupons (S8), sync and async: against the platform's canned replies, then end to end
on the emulator."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
import pytest
from coupons_helpers import YEAR_AND_DAY
from routes_helpers import NOW
from sdk_helpers import body, envelope, ok

from salesmanago import (
    AsyncSalesManago,
    ContactUpsert,
    CouponError,
    NotFoundError,
    RequestFailedError,
    SalesManago,
    ValidationError,
)
from salesmanago_emulator import FrozenClock

ADD_COUPON = "/api/contact/addContactCoupon"
USE_COUPON = "/api/contact/useContactCoupon"

OWNER = "owner@shop.example.com"
WHEN = datetime(2025, 1, 31, 23, 0, tzinfo=timezone(timedelta(hours=1)))
WHEN_MS = 1738360800000


def failure(*messages: str) -> httpx.Response:
    return httpx.Response(200, json={"success": False, "message": list(messages)})


def test_coupon_generated_with_length_and_validity(api, platform) -> None:
    """S8.1: a named coupon of a requested length; ``valid`` as ms."""
    add_coupon = platform.post(ADD_COUPON).mock(return_value=envelope(ok(coupon="X7K2P9")))
    assert api("coupons.add", "SPRING", email="a@example.com", length=6, valid=WHEN) == "X7K2P9"
    assert body(add_coupon) == {
        "owner": OWNER,
        "email": "a@example.com",
        "name": "SPRING",
        "length": 6,
        "valid": WHEN_MS,
    }


def test_coupon_manual_without_validity_leaves_the_default_to_the_platform(api, platform) -> None:
    """S8.2: a manual coupon for one contact; no ``valid`` sent."""
    add_coupon = platform.post(ADD_COUPON).mock(return_value=envelope(ok(coupon="MY CODE.1")))
    assert api("coupons.add", "VIP", contact_id="c-1", coupon="MY CODE.1") == "MY CODE.1"
    assert body(add_coupon) == {
        "owner": OWNER,
        "contactId": "c-1",
        "name": "VIP",
        "coupon": "MY CODE.1",
    }


@pytest.mark.parametrize(
    ("kwargs", "field", "rule"),
    [
        ({"length": 6, "name": "n" * 65}, "name", "at most 64"),
        ({"length": 4}, "length", "5–64"),
        ({"length": 65}, "length", "5–64"),
        ({"coupon": "abcd"}, "coupon", "at least 5"),
        ({"coupon": "c" * 33}, "coupon", "at most 32"),
        ({}, "length", "exactly one"),
        ({"length": 6, "coupon": "ABCDEF"}, "length", "exactly one"),
        ({"length": 6, "valid": datetime(2025, 1, 1)}, "valid", "timezone-aware"),
        ({"length": 6, "email": None}, "email", "exactly one"),
    ],
)
def test_coupon_rules_are_checked_before_sending(api, platform, kwargs, field, rule) -> None:
    args = {"name": "SPRING", "email": "a@example.com", **kwargs}
    name = args.pop("name")
    with pytest.raises(ValidationError) as info:
        api("coupons.add", name, **args)
    assert info.value.field == field
    assert rule in info.value.rule
    assert not platform.calls


def test_use_coupon(api, platform) -> None:
    use_coupon = platform.post(USE_COUPON).mock(return_value=envelope(ok()))
    assert api("coupons.use", "a@example.com", "X7K2P9") is None
    assert body(use_coupon) == {
        "owner": OWNER,
        "email": "a@example.com",
        "coupon": "X7K2P9",
    }


@pytest.mark.parametrize(
    "text", ["Coupon already used", "Coupon expired", "Coupon not found", "Invalid coupon"]
)
def test_coupon_refusals_raise_coupon_error(api, platform, text) -> None:
    """S8.2: a used or expired coupon cannot be used; the error says it is a coupon's."""
    platform.post(USE_COUPON).mock(return_value=failure(text))
    with pytest.raises(CouponError) as info:
        api("coupons.use", "a@example.com", "X7K2P9")
    assert isinstance(info.value, RequestFailedError)
    assert info.value.messages == (text,)


def test_coupon_use_is_not_retried(api, platform, sleeps) -> None:
    use_coupon = platform.post(USE_COUPON).mock(return_value=httpx.Response(503))
    with pytest.raises(Exception, match="503"):
        api("coupons.use", "a@example.com", "X7K2P9")
    assert use_coupon.call_count == 1
    assert sleeps == []


def test_missing_contact_on_coupon_add_is_not_found(api, platform) -> None:
    platform.post(ADD_COUPON).mock(return_value=failure("Contact not found"))
    with pytest.raises(NotFoundError):
        api("coupons.add", "SPRING", email="a@example.com", length=8)


# --- end to end on the emulator (sm / asm: account A's clients) ---------------------


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
