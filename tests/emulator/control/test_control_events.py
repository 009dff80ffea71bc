"""Control operations on a card's purchases and products: ``contacts/ecommerce``
(S16.3) and ``contacts/recommendations`` (S16.4). The computations are tested in
``tests/emulator/state/test_state_events.py`` and ``test_state_recommend.py``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from control_helpers import refusal
from events_helpers import shop
from routes_helpers import A_ID, A_OWNER, NOW_MS, Api

from salesmanago_emulator import Account, Emulator


def _event(api: Api, email: str, kind: str, products: str, value: str | None = None) -> None:
    event: dict[str, Any] = {"date": NOW_MS, "contactExtEventType": kind, "products": products}
    if value is not None:
        event["value"] = float(value)  # JSON text with exactly these digits
    api.ok("contact/addContactExtEvent", email=email, contactEvent=event)


def test_s16_3_control_contacts_ecommerce(emu: Emulator, api: Api) -> None:
    """Seed 003 [13]: total purchase value, average basket, transactions; exact decimals."""
    for value in ("10.00", "20.01", "0.10"):
        _event(api, "ann@example.com", "PURCHASE", "p1", value)
    _event(api, "ann@example.com", "CART", "p2", "99.00")
    answer = emu.control("contacts/ecommerce", {"clientId": A_ID, "contact": "ann@example.com"})
    assert (answer["totalValue"], answer["averageBasket"], answer["transactions"]) == (
        Decimal("30.11"),
        Decimal("10.04"),
        3,
    )
    api.upsert("bob@example.com")
    assert emu.control("contacts/ecommerce", {"contact": "bob@example.com"})["transactions"] == 0


def test_s16_4_control_contacts_recommendations(emu: Emulator, account_a: Account) -> None:
    shop(account_a, A_OWNER)
    answer = emu.control("contacts/recommendations", {"contact": "me@example.com"})
    found = answer["recommendations"]
    assert list(found) == [
        "BOUGHT_AFTER_VIEWING",
        "VIEWED_TOGETHER",
        "BOUGHT_TOGETHER",
        "COLLABORATIVE",
        "WEIGHTED",
    ]
    assert found["BOUGHT_AFTER_VIEWING"] == [
        {"product": "p3", "score": Decimal("2.0000")},
        {"product": "p4", "score": Decimal("1.0000")},
    ]
    assert answer["weights"]["BOUGHT_TOGETHER"] == Decimal(3)
    chosen = emu.control(
        "contacts/recommendations",
        {"contact": "me@example.com", "product": "p3", "weights": {"COLLABORATIVE": 0}, "limit": 1},
    )
    assert chosen["weights"]["COLLABORATIVE"] == Decimal(0)
    assert chosen["recommendations"]["BOUGHT_TOGETHER"] == [
        {"product": "p4", "score": Decimal("1.0000")}
    ]
    assert chosen["recommendations"]["WEIGHTED"] == [{"product": "p4", "score": Decimal("3.0000")}]


@pytest.mark.parametrize(
    ("operation", "body", "status", "text"),
    [
        ("contacts/ecommerce", {"contact": "nobody@example.com"}, 404, "Contact not found"),
        ("contacts/recommendations", {}, 400, "Field 'contact' is required"),
        ("contacts/recommendations", {"contact": "nobody@example.com"}, 404, "Contact not found"),
        (
            "contacts/recommendations",
            {"contact": "me@example.com", "limit": 0},
            400,
            "Field 'limit'",
        ),
        (
            "contacts/recommendations",
            {"contact": "me@example.com", "weights": {"WEIGHTED": 1}},
            400,
            "Field 'weights' must be one of",
        ),
        (
            "contacts/recommendations",
            {"contact": "me@example.com", "weights": {"COLLABORATIVE": "x"}},
            400,
            "Field 'weights.COLLABORATIVE' must be a number",
        ),
        (
            "contacts/recommendations",
            {"contact": "me@example.com", "weights": [1]},
            400,
            "Field 'weights' must be an object",
        ),
    ],
)
def test_s16_control_purchase_and_product_refusals(
    emu: Emulator, api: Api, operation: str, body: dict[str, Any], status: int, text: str
) -> None:
    api.upsert("me@example.com")
    got_status, message = refusal(emu, operation, body)
    assert (got_status, message[: len(text)]) == (status, text), message
