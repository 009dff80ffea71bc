"""Events, notes, tasks, coupons and funnels on either target (contract layer). Each
test names its requirement: S-ids of semantics.md, sections of api-protocol.md."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from contract_helpers import Platform

from salesmanago import (
    ContactUpsert,
    CouponError,
    ExternalEvent,
    ExternalEventType,
)

WHEN = datetime(2026, 3, 9, 15, 30, tzinfo=timezone.utc)


def purchase(value: str, external_id: str | None = None) -> ExternalEvent:
    return ExternalEvent(
        date=WHEN,
        event_type=ExternalEventType.PURCHASE,
        value=Decimal(value),
        products="SKU-1,SKU-2",
        external_id=external_id,
    )


async def test_S7_2_event_added_updated_and_deleted(platform: Platform) -> None:
    """S7.2, protocol §8.1 (add, update, delete; PX live tests): the event is on the
    card with its fields, an update keeps its id, a delete removes it."""
    email = platform.email("event")
    await platform.call("contacts.upsert", ContactUpsert(email=email))
    event_id = await platform.call("events.add", purchase("10.00"), email=email)
    (card,) = await platform.call("contacts.list", [email])
    (event,) = card.ext_events
    assert (event.event_id, event.value, event.products) == (
        event_id,
        Decimal("10.00"),
        "SKU-1,SKU-2",
    )
    assert await platform.call("events.update", event_id, purchase("20.01")) == event_id
    (card,) = await platform.call("contacts.list", [email])
    assert [e.value for e in card.ext_events] == [Decimal("20.01")]
    await platform.call("events.delete", event_id)
    (card,) = await platform.call("contacts.list", [email])
    assert card.ext_events == ()


async def test_S7_4_same_external_id_updates_instead_of_duplicating(platform: Platform) -> None:
    """S7.4: adding an event whose externalId the contact has answers that event's id."""
    email = platform.email("extid")
    await platform.call("contacts.upsert", ContactUpsert(email=email))
    first = await platform.call("events.add", purchase("5.00", "order-1"), email=email)
    second = await platform.call("events.add", purchase("7.50", "order-1"), email=email)
    assert second == first
    (card,) = await platform.call("contacts.list", [email])
    assert [e.value for e in card.ext_events] == [Decimal("7.50")]


async def test_S7_6_event_for_a_new_email_creates_the_contact(platform: Platform) -> None:
    """S7.6, protocol §14: an event for an address with no contact creates the contact."""
    email = platform.email("event-new")
    await platform.call("events.add", purchase("1.00"), email=email)
    assert await platform.call("contacts.has_contact", email) is not None


async def test_S6_3_purchase_aggregates_follow_the_events(platform: Platform) -> None:
    """S6.3: ORDER_NUMBER, ORDER_SUMMARY and ORDER_AVG follow every purchase (exact money)."""
    email = platform.email("aggregates")
    await platform.call("contacts.upsert", ContactUpsert(email=email))
    for value in ("10.00", "20.01", "0.10"):
        await platform.call("events.add", purchase(value), email=email)
    (card,) = await platform.call("contacts.list", [email])
    details = {k: card.properties.get(k) for k in ("ORDER_NUMBER", "ORDER_SUMMARY", "ORDER_AVG")}
    assert details == {"ORDER_NUMBER": "3", "ORDER_SUMMARY": "30.11", "ORDER_AVG": "10.04"}


async def test_S9_1_note_added_with_its_private_flag(platform: Platform) -> None:
    """S9.1, protocol §8.4 (addNote): the note is on the card, private as asked."""
    email = platform.email("note")
    await platform.call("contacts.upsert", ContactUpsert(email=email))
    await platform.call("notes.add", "Called, wants an offer", email=email, private=True)
    (card,) = await platform.call("contacts.list", [email])
    (note,) = card.notes
    assert (note.note, note.private) == ("Called, wants an offer", True)


async def test_S9_2_task_created_updated_and_finished(platform: Platform) -> None:
    """S9.2, protocol §8.4 (updateTask; PX live test): a task is created, edited and
    finished (it leaves the contact's tasks)."""
    email = platform.email("task")
    await platform.call("contacts.upsert", ContactUpsert(email=email))
    due = datetime(2026, 4, 1, 9, 0, tzinfo=timezone.utc)
    task_id = await platform.call("tasks.create", email, "Call back", due, reminder="15_MIN")
    assert await platform.call("tasks.update", task_id, note="Call back about the offer") == task_id
    (card,) = await platform.call("contacts.list", [email])
    (task,) = card.tasks
    assert (task.task_id, task.note, task.date) == (task_id, "Call back about the offer", due)
    await platform.call("tasks.finish", task_id)
    (card,) = await platform.call("contacts.list", [email])
    assert card.tasks == ()


async def test_S8_1_S8_2_coupon_generated_then_used_once(platform: Platform) -> None:
    """S8.1, S8.2, protocol §8.2: a generated coupon has the length asked, shows on the
    card, can be used once; a second use fails."""
    email = platform.email("coupon")
    await platform.call("contacts.upsert", ContactUpsert(email=email))
    valid = datetime(2026, 12, 31, 23, 0, tzinfo=timezone.utc)
    value = await platform.call("coupons.add", "SMCT coupon", email=email, length=8, valid=valid)
    assert len(value) == 8
    (card,) = await platform.call("contacts.list", [email])
    assert [c.coupon for c in card.coupons] == [value]
    await platform.call("coupons.use", email, value)
    with pytest.raises(CouponError):
        await platform.call("coupons.use", email, value)


async def test_S12_1_funnel_created_filled_counted_and_deleted(platform: Platform) -> None:
    """S12.1, protocol §8.3: a funnel with stages; a contact added to a stage is
    counted; a second funnel of the same name fails; the funnel is deleted."""
    email = platform.email("funnel")
    made = await platform.call("contacts.upsert", ContactUpsert(email=email))
    name = platform.funnel_name("stages")
    await platform.call("funnels.add", name, ["Lead", "Offer"])
    added = await platform.call("funnels.add_contacts", name, "Lead", [email])
    assert added == {made.contact_id: True}
    assert await platform.call("funnels.count", name) == 1
    assert await platform.call("funnels.count", name, "Offer") == 0
    with pytest.raises(Exception, match=name):
        await platform.call("funnels.add", name, ["Lead"])
    await platform.call("funnels.delete", name)
    await platform.call("funnels.add", name, ["Lead"])  # deleted: the name is free again


async def test_S7_2_event_times_read_back_exactly(platform: Platform) -> None:
    """S7.2, protocol §4 (ms timestamps): an event's date reads back to the millisecond."""
    email = platform.email("event-time")
    when = WHEN + timedelta(milliseconds=123)
    event = ExternalEvent(date=when, event_type=ExternalEventType.CART)
    await platform.call("events.add", event, email=email)
    (card,) = await platform.call("contacts.list", [email])
    assert [e.date for e in card.ext_events] == [when]
