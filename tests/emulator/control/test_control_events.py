"""Control operations on a card's purchases and products: ``contacts/ecommerce``
(S16.3) and ``contacts/recommendations`` (S16.4). The computations are tested in
``tests/emulator/state/test_state_events.py`` and ``test_state_recommend.py``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from routes_helpers import A_ID, NOW_MS, Api

from salesmanago_emulator import Emulator
from salesmanago_emulator.control import ControlError


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


def test_s16_4_control_contacts_recommendations(emu: Emulator, api: Api) -> None:
    for email, viewed, bought in (
        ("a@example.com", "p1,p2", "p3"),
        ("b@example.com", "p1", "p3,p4"),
        ("c@example.com", "p2", "p4"),
    ):
        _event(api, email, "VISIT", viewed)
        _event(api, email, "PURCHASE", bought)
    _event(api, "me@example.com", "VISIT", "p1")
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
    with pytest.raises(ControlError) as err:
        emu.control(operation, body)
    assert err.value.status == status
    assert err.value.messages[0].startswith(text), err.value.messages
