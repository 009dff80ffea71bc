"""External events through the SDK on the emulator, sync and async (S7, S6.3, S16.3)."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from salesmanago import (
    AsyncSalesManago,
    ContactUpsert,
    EventForContact,
    ExternalEvent,
    ExternalEventType,
    InvalidFieldError,
    NotFoundError,
    SalesManago,
)
from salesmanago_emulator import Account

WHEN = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


def purchase(value: str | None = None, **fields: object) -> ExternalEvent:
    return ExternalEvent(
        date=WHEN,
        event_type=ExternalEventType.PURCHASE,
        value=None if value is None else Decimal(value),
        **fields,  # type: ignore[arg-type]
    )


def orders(sm: SalesManago, email: str) -> tuple[str | None, ...]:
    [contact] = sm.contacts.list([email])
    return tuple(contact.properties.get(k) for k in ("ORDER_NUMBER", "ORDER_SUMMARY", "ORDER_AVG"))


def test_s6_3_vectors_through_the_sdk(sm: SalesManago) -> None:
    """S6.3: 10.00 + 20.01 + 0.10 -> 30.11 / 10.04; 0.01 + 0.04 -> 0.03."""
    for value in ("10.00", "20.01", "0.10"):
        sm.events.add(purchase(value), email="jan@example.com")
    assert orders(sm, "jan@example.com") == ("3", "30.11", "10.04")
    for value in ("0.01", "0.04"):
        sm.events.add(purchase(value), email="ola@example.com")
    assert orders(sm, "ola@example.com") == ("2", "0.05", "0.03")


def test_s6_3_value_survives_exactly_through_the_sdk(sm: SalesManago) -> None:
    """20.01 three times -> 60.03; the read-back value is the exact Decimal sent."""
    for _ in range(3):
        sm.events.add(purchase("20.01"), email="jan@example.com")
    assert orders(sm, "jan@example.com") == ("3", "60.03", "20.01")
    sm.events.add(purchase("10.00"), email="ten@example.com")
    [contact] = sm.contacts.list(["ten@example.com"])
    [read] = contact.ext_events
    assert str(read.value) == "10.00"


def test_s7_1_every_field_round_trips(sm: SalesManago) -> None:
    event_id = sm.events.add(
        ExternalEvent(
            date=WHEN,
            event_type=ExternalEventType.SENT_COMPLETE,
            description="order 17",
            products=["p1", "p2"],
            location="shop_pl",
            value=Decimal("123.40"),
            details=["pl", "PLN"],
            external_id="order-17",
            shop_domain="shop.example.com",
        ),
        email="jan@example.com",
        force_opt_in=True,
    )
    [contact] = sm.contacts.list(["jan@example.com"])
    assert contact.opted_out is False
    [read] = contact.ext_events
    assert read.event_id == event_id
    assert read.event_type is ExternalEventType.SENT_COMPLETE
    assert read.date == WHEN
    assert (read.description, read.products, read.location) == ("order 17", "p1,p2", "shop_pl")
    assert read.value == Decimal("123.40")
    assert read.details == {1: "pl", 2: "PLN"}
    assert (read.external_id, read.shop_domain) == ("order-17", "shop.example.com")


def test_s7_4_repeated_external_id_through_the_sdk(sm: SalesManago) -> None:
    first = sm.events.add(purchase("5.00", external_id="o-1"), email="jan@example.com")
    assert sm.events.add(purchase("7.00", external_id="o-1"), email="jan@example.com") == first
    assert orders(sm, "jan@example.com") == ("1", "7.00", "7.00")


def test_s7_6_by_contact_id_and_unknown_id(sm: SalesManago) -> None:
    contact_id = sm.contacts.upsert(ContactUpsert(email="id@example.com")).contact_id
    sm.events.add(purchase("1.00"), contact_id=contact_id)
    assert orders(sm, "id@example.com")[0] == "1"
    with pytest.raises(NotFoundError):
        sm.events.add(purchase(), contact_id="00000000-0000-4000-8000-000000000000")


def test_s7_2_batch_update_delete_through_the_sdk(sm: SalesManago, account_a: Account) -> None:
    result = sm.events.add_batch(
        [
            ("a@example.com", purchase("1.00")),
            EventForContact(event=purchase("2.00", external_id="x"), email="b@example.com"),
            ("no-such-contact-id", purchase("3.00")),
        ]
    )
    assert [i.ok for i in result.items] == [True, True, False]
    assert (result.created_amount, result.failed_amount) == (2, 1)
    [contact] = sm.contacts.list(["b@example.com"])
    [read] = contact.ext_events
    changed = ExternalEvent(date=WHEN, event_type=ExternalEventType.CART, value=Decimal("2.00"))
    assert sm.events.update(read.event_id, changed) == read.event_id
    assert orders(sm, "b@example.com") == (None, None, None)
    sm.events.delete(external_id="x")
    assert sm.contacts.list(["b@example.com"])[0].ext_events == ()
    with pytest.raises(NotFoundError):
        sm.events.delete(read.event_id)
    assert account_a.events.ecommerce_summary("a@example.com").transactions == 1


def test_s7_5_emulator_refuses_what_sdk_would_never_send(sm: SalesManago) -> None:
    """An update to an externalId in use comes back as InvalidFieldError naming it."""
    sm.events.add(purchase(external_id="a"), email="jan@example.com")
    other = sm.events.add(purchase(external_id="b"), email="jan@example.com")
    with pytest.raises(InvalidFieldError, match=r"contactEvent\.externalId"):
        sm.events.update(other, purchase(external_id="a"))


async def test_s7_async_add_batch_update_delete(asm: AsyncSalesManago) -> None:
    for value in ("10.00", "20.01", "0.10"):
        await asm.events.add(purchase(value), email="jan@example.com")
    [contact] = await asm.contacts.list(["jan@example.com"])
    assert contact.properties["ORDER_SUMMARY"] == "30.11"
    assert contact.properties["ORDER_AVG"] == "10.04"
    result = await asm.events.add_batch([("jan@example.com", purchase("20.01"))] * 3)
    assert result.created_amount == 3
    [contact] = await asm.contacts.list(["jan@example.com"])
    assert contact.properties["ORDER_SUMMARY"] == "90.14"
    first = contact.ext_events[0].event_id
    await asm.events.update(first, purchase("0.00"))
    await asm.events.delete(contact.ext_events[1].event_id)
    [contact] = await asm.contacts.list(["jan@example.com"])
    assert contact.properties["ORDER_NUMBER"] == "5"
    assert contact.properties["ORDER_SUMMARY"] == "60.13"
    assert contact.properties["ORDER_AVG"] == "12.03"
