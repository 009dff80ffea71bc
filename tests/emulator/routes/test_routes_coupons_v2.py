"""``addContactCoupon`` for an e-mail with no live card (protocol §14, §8.2; S8, S7.6).

A live suite (PX ``CouponServiceTest``) adds a coupon to the e-mail its previous
test class deleted for good, and the call succeeds. The emulator makes the card
then, through the upsert (as an external event does, S7.6), or restores a
soft-deleted one (S3.2); an unknown contact id is still not found (grade D).
"""

from __future__ import annotations

import pytest
from routes_helpers import A_ID, A_OWNER, A_SECOND, snapshot
from routes_server import WIRES, over

from salesmanago_emulator import Emulator

ADD = "contact/addContactCoupon"


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
