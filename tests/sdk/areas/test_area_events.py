"""External events (semantics S7, S6.3, S16.3; protocol §5.5, §8.1), sync and async:
against the platform's canned replies, then end to end on the emulator."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from decimal import Decimal

import httpx
import pytest
from sdk_helpers import body, envelope, ok, posted

from salesmanago import (
    APIConnectionError,
    AsyncSalesManago,
    ContactUpsert,
    EventForContact,
    ExternalEvent,
    ExternalEventType,
    InvalidFieldError,
    NotFoundError,
    SalesManago,
    ValidationError,
)
from salesmanago_emulator import Account

ADD = "/api/v2/contact/addContactExtEvent"
BATCH = "/api/contact/batchAddContactExtEvent"
UPDATE = "/api/v2/contact/updateContactExtEvent"
DELETE = "/api/v2/contact/deleteContactExtEvent"

WHEN = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
WHEN_MS = 1714564800000


def purchase(amount: str | None = None, /, **fields: object) -> ExternalEvent:
    """A PURCHASE at ``WHEN``. ``amount`` (positional: the emulator tests' form) is the
    value as text, read as a Decimal; ``fields`` go to the model as given (``value=1.1``
    too, which the model must refuse)."""
    if amount is not None:
        fields["value"] = Decimal(amount)
    return ExternalEvent(date=WHEN, event_type=ExternalEventType.PURCHASE, **fields)  # type: ignore[arg-type]


def test_event_types_cover_both_documented_lists() -> None:
    """Protocol §5.5: the 25 documented types and the 11 newer ones."""
    names = {t.value for t in ExternalEventType}
    assert len(names) == 36
    assert {"PURCHASE", "CART", "REPEATED_LOAN", "PACKED", "ENGAGEMENT", "SENT_COMPLETE"} <= names


def test_add_sends_the_event_and_returns_its_id(api, platform) -> None:
    """S7.1: every field on the wire; products joined with ','; details as detailN."""
    add = platform.post(ADD).mock(return_value=envelope(ok(eventId="ev-1")))
    event = purchase(
        description="order 17",
        products=["p1", "p2"],
        location="shop_pl",
        value=Decimal("123.40"),
        details=["pl", "PLN"],
        external_id="order-17",
        shop_domain="shop.example.com",
    )
    assert api("events.add", event, email="Jan@Example.com ", force_opt_in=True) == "ev-1"
    assert body(add) == {
        "owner": "owner@shop.example.com",
        "email": "Jan@Example.com",
        "forceOptIn": True,
        "contactEvent": {
            "date": WHEN_MS,
            "contactExtEventType": "PURCHASE",
            "description": "order 17",
            "products": "p1,p2",
            "location": "shop_pl",
            "value": Decimal("123.40"),
            "detail1": "pl",
            "detail2": "PLN",
            "externalId": "order-17",
            "shopDomain": "shop.example.com",
        },
    }


def test_add_by_contact_id_sends_only_what_is_set(api, platform) -> None:
    add = platform.post(ADD).mock(return_value=envelope(ok(eventId="ev-2")))
    assert api("events.add", purchase(products="a,b"), contact_id="c-1") == "ev-2"
    assert body(add) == {
        "owner": "owner@shop.example.com",
        "contactId": "c-1",
        "contactEvent": {"date": WHEN_MS, "contactExtEventType": "PURCHASE", "products": "a,b"},
    }


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        (Decimal("10.00"), b'"value":10.00'),
        (Decimal("0.01"), b'"value":0.01'),
        (Decimal("1234567890123456789.99"), b'"value":1234567890123456789.99'),
        (Decimal("-5.5"), b'"value":-5.5'),
        (42, b'"value":42'),
        ("19.90", b'"value":19.90'),
    ],
)
def test_value_travels_with_exactly_its_digits(api, platform, value, wire) -> None:
    """S6.3/S7.1: money is exact, a JSON number with the Decimal's own digits."""
    add = platform.post(ADD).mock(return_value=envelope(ok(eventId="ev")))
    api("events.add", purchase(value=value), email="a@example.com")
    assert wire in add.calls[0].request.content


@pytest.mark.parametrize(
    ("fields", "field", "rule"),
    [
        ({"description": "x" * 2049}, "contactEvent.description", "at most 2048"),
        ({"products": "p" * 513}, "contactEvent.products", "at most 512"),
        ({"location": "l" * 256}, "contactEvent.location", "at most 255"),
        ({"external_id": "e" * 256}, "contactEvent.externalId", "at most 255"),
        ({"shop_domain": "d" * 256}, "contactEvent.shopDomain", "at most 255"),
        ({"details": ["ok", "d" * 256]}, "contactEvent.detail2", "at most 255"),
        ({"details": ["d"] * 21}, "contactEvent.details", "at most 20"),
        ({"value": Decimal("12345678901234567890")}, "contactEvent.value", "19 digits before"),
        ({"value": Decimal("1.500")}, "contactEvent.value", "2 digits after"),
        ({"value": Decimal("NaN")}, "contactEvent.value", "finite"),
    ],
)
def test_field_limits_are_refused_before_sending(api, platform, fields, field, rule) -> None:
    """S7.5: limits refused with the field named, never truncated; nothing sent."""
    with pytest.raises(ValidationError) as info:
        api("events.add", purchase(**fields), email="a@example.com")
    assert info.value.field == field
    assert rule in info.value.rule
    assert not platform.calls


def test_limits_count_characters_not_bytes(api, platform) -> None:
    """S7.5: 2048 two-byte characters fit the 2048-character description."""
    add = platform.post(ADD).mock(return_value=envelope(ok(eventId="ev")))
    api("events.add", purchase(description="ż" * 2048, location="ł" * 255), email="a@example.com")
    assert body(add)["contactEvent"]["description"] == "ż" * 2048


def test_model_refuses_floats_and_comma_in_product_ids() -> None:
    with pytest.raises(ValidationError) as info:
        purchase(value=1.1)
    assert info.value.field == "contactEvent.value"
    with pytest.raises(ValidationError) as info:
        purchase(products=["a", "b,c"])
    assert info.value.field == "contactEvent.products[1]"


def test_add_needs_exactly_one_contact_key_and_an_aware_date(api, platform) -> None:
    with pytest.raises(ValidationError, match="exactly one"):
        api("events.add", purchase())
    with pytest.raises(ValidationError, match="exactly one"):
        api("events.add", purchase(), email="a@example.com", contact_id="c")
    naive = ExternalEvent(date=datetime(2024, 1, 1), event_type=ExternalEventType.CART)
    with pytest.raises(ValidationError) as info:
        api("events.add", naive, email="a@example.com")
    assert info.value.field == "contactEvent.date"
    assert not platform.calls


def test_add_is_not_repeated_once_it_may_have_landed(api, platform) -> None:
    """Adding an event is not idempotent: a read timeout is not retried."""

    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    add = platform.post(ADD).mock(side_effect=timeout)
    with pytest.raises(APIConnectionError) as info:
        api("events.add", purchase(), email="a@example.com")
    assert info.value.may_have_landed
    assert add.call_count == 1


def test_update_sends_event_id_inside_contact_event(api, platform) -> None:
    update = platform.post(UPDATE).mock(return_value=envelope(ok(eventId="ev-9")))
    assert api("events.update", "ev-9", purchase(value=Decimal("5.00"))) == "ev-9"
    assert body(update) == {
        "owner": "owner@shop.example.com",
        "contactEvent": {
            "eventId": "ev-9",
            "date": WHEN_MS,
            "contactExtEventType": "PURCHASE",
            "value": Decimal("5.00"),
        },
    }


def test_delete_by_event_id_or_external_id(api, platform) -> None:
    delete = platform.post(DELETE).mock(return_value=envelope(ok(result="deleted")))
    assert api("events.delete", "ev-1") is None
    assert api("events.delete", external_id="order-17") is None
    assert posted(delete.calls) == [
        {"owner": "owner@shop.example.com", "eventId": "ev-1"},
        {"owner": "owner@shop.example.com", "externalId": "order-17"},
    ]
    with pytest.raises(ValidationError, match="exactly one"):
        api("events.delete")
    with pytest.raises(ValidationError, match="exactly one"):
        api("events.delete", "ev-1", external_id="x")


def test_batch_sends_pairs_and_models_and_reports_each_input(api, platform) -> None:
    """S7.2: failedContacts marks the items of the contacts it names; totals are kept."""
    batch = platform.post(BATCH).mock(
        return_value=envelope(
            ok(failedContacts=["bad@example.com"], createdAmount=2, failedAmount=1)
        )
    )
    items = [
        ("ok@example.com", purchase()),
        EventForContact(event=purchase(value=Decimal("1.10")), contact_id="c-7"),
        ("Bad@Example.com", purchase()),
    ]
    result = api("events.add_batch", items)
    assert body(batch) == {
        "owner": "owner@shop.example.com",
        "events": [
            {
                "email": "ok@example.com",
                "contactEvent": {"date": WHEN_MS, "contactExtEventType": "PURCHASE"},
            },
            {
                "contactId": "c-7",
                "contactEvent": {
                    "date": WHEN_MS,
                    "contactExtEventType": "PURCHASE",
                    "value": Decimal("1.10"),
                },
            },
            {
                "email": "Bad@Example.com",
                "contactEvent": {"date": WHEN_MS, "contactExtEventType": "PURCHASE"},
            },
        ],
    }
    assert [(i.contact, i.ok) for i in result.items] == [
        ("ok@example.com", True),
        ("c-7", True),
        ("Bad@Example.com", False),
    ]
    assert result.items[1].event.value == Decimal("1.10")
    assert (result.created_amount, result.failed_amount) == (2, 1)
    assert [i.contact for i in result.failed] == ["Bad@Example.com"]


def batch_answer(failing: set[str]):
    """A platform reply failing the events of the contacts in ``failing``."""

    def answer(request: httpx.Request) -> httpx.Response:
        events = json.loads(request.content)["events"]
        keys = [e.get("email") or e.get("contactId") for e in events]
        failed = [k for k in keys if k in failing]
        return httpx.Response(
            200,
            json={
                "success": True,
                "message": [],
                "failedContacts": failed,
                "createdAmount": len(keys) - len(failed),
                "failedAmount": len(failed),
            },
        )

    return answer


def test_batch_splits_into_requests_of_at_most_1000(api, platform) -> None:
    """Protocol §3.4: 1–1000 events per request; larger lists are split, results merged."""
    batch = platform.post(BATCH).mock(side_effect=batch_answer({"c3", "c1001"}))
    items = [(f"c{i}", purchase()) for i in range(1002)]
    result = api("events.add_batch", items)
    assert sorted(len(b["events"]) for b in posted(batch.calls)) == [2, 1000]
    assert [i.contact for i in result.items] == [f"c{i}" for i in range(1002)]
    assert [i.contact for i in result.failed] == ["c3", "c1001"]
    assert (result.created_amount, result.failed_amount) == (1000, 2)


def test_batch_small_chunks_keep_input_order(api, platform) -> None:
    batch = platform.post(BATCH).mock(side_effect=batch_answer({"id-4"}))
    items = [(f"id-{i}", purchase()) for i in range(5)]
    result = api("events.add_batch", items, chunk_size=2)
    assert sorted(len(b["events"]) for b in posted(batch.calls)) == [1, 2, 2]
    assert [(i.contact, i.ok) for i in result.items] == [
        ("id-0", True),
        ("id-1", True),
        ("id-2", True),
        ("id-3", True),
        ("id-4", False),
    ]
    assert (result.created_amount, result.failed_amount) == (4, 1)


def test_batch_with_every_item_failing_is_reported_not_raised(api, platform) -> None:
    """success: false with failedContacts still gives each input's outcome."""
    platform.post(BATCH).mock(
        return_value=httpx.Response(
            200,
            json={
                "success": False,
                "message": ["failed"],
                "failedContacts": ["a@example.com"],
                "createdAmount": 0,
                "failedAmount": 1,
            },
        )
    )
    result = api("events.add_batch", [("a@example.com", purchase())])
    assert [i.ok for i in result.items] == [False]


@pytest.mark.parametrize(
    ("items", "kwargs", "field"),
    [
        ([], {}, "events"),
        ([("a@example.com", purchase())], {"chunk_size": 1001}, "chunk_size"),
        ([("a@example.com", purchase())], {"chunk_size": 0}, "chunk_size"),
        ([("ok@example.com", purchase()), ("not an@email", purchase())], {}, "events[1].email"),
        ([("c", purchase(location="x" * 256))], {}, "events[0].contactEvent.location"),
        (["nonsense"], {}, "events[0]"),
    ],
)
def test_batch_validation_names_the_item(api, platform, items, kwargs, field) -> None:
    with pytest.raises(ValidationError) as info:
        api("events.add_batch", items, **kwargs)
    assert info.value.field == field
    assert not platform.calls


# --- end to end on the emulator (sm / asm: account A's clients) ---------------------


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
