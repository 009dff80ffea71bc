"""External events in the state layer (S7, S6.3, S16.3): no HTTP, no JSON."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from events_helpers import shop, shop_event
from hypothesis import given, settings
from hypothesis import strategies as st
from routes_helpers import A_OWNER, A_SECOND, NOW
from state_helpers import OTHER_USER, OWNER, THIRD_USER

from salesmanago_emulator import Account, FrozenClock
from salesmanago_emulator.errors import (
    AuthenticationFailed,
    ContactNotFound,
    EmulatorError,
    EventNotFound,
    InvalidField,
    LimitExceeded,
    ReadOnlyOwner,
)
from salesmanago_emulator.snapshot import dump_area, dump_state
from salesmanago_emulator.state._card import ContactWrite
from salesmanago_emulator.state.events import (
    EVENT_TYPES,
    EcommerceSummary,
    EventItem,
    EventWrite,
)

WHEN = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
ORDER = ("ORDER_NUMBER", "ORDER_SUMMARY", "ORDER_AVG")


def ev(event_type: str = "PURCHASE", **fields: object) -> EventWrite:
    return EventWrite(event_type=event_type, date=WHEN, **fields)  # type: ignore[arg-type]


def buy(value: str | None, **fields: object) -> EventWrite:
    return ev("PURCHASE", value=None if value is None else Decimal(value), **fields)


def orders(account: Account, key: str = "jan@example.com") -> tuple[str | None, ...]:
    record = account.find(key)
    assert record is not None
    return tuple(record.properties.get(name) for name in ORDER)


def add(account: Account, event: EventWrite, email: str = "jan@example.com", **kw: object) -> str:
    return account.events.add(event, A_OWNER, email=email, **kw)  # type: ignore[arg-type]


# --- S6.3 purchase aggregates -----------------------------------------------------


def test_s6_3_vectors_sum_and_half_up_average(account_a: Account) -> None:
    """S6.3: 10.00 + 20.01 + 0.10 -> 30.11 / 10.04; 0.01 + 0.04 -> average 0.03."""
    for value in ("10.00", "20.01", "0.10"):
        add(account_a, buy(value))
    assert orders(account_a) == ("3", "30.11", "10.04")
    for value in ("0.01", "0.04"):
        add(account_a, buy(value), "ola@example.com")
    assert orders(account_a, "ola@example.com") == ("2", "0.05", "0.03")


def test_s6_3_exact_decimal_no_float_drift(account_a: Account) -> None:
    """S6.3: 20.01 three times is 60.03 exactly; 0.10 ten times is 1.00."""
    for _ in range(3):
        add(account_a, buy("20.01"))
    assert orders(account_a) == ("3", "60.03", "20.01")
    for _ in range(10):
        add(account_a, buy("0.1"), "ten@example.com")
    assert orders(account_a, "ten@example.com") == ("10", "1.00", "0.10")


def test_s6_3_big_values_keep_every_digit(account_a: Account) -> None:
    """19 integer digits stay exact; the average rounds half-up, even for negative totals."""
    add(account_a, buy("9999999999999999999.99"))
    add(account_a, buy("0.01"))
    assert orders(account_a) == ("2", "10000000000000000000.00", "5000000000000000000.00")
    add(account_a, buy("-0.01"), "neg@example.com")
    add(account_a, buy("-0.02"), "neg@example.com")
    assert orders(account_a, "neg@example.com") == ("2", "-0.03", "-0.02")


def test_s6_3_update_and_delete_recompute_and_last_delete_removes(account_a: Account) -> None:
    """S6.3: updating or deleting a purchase recomputes all three; none left -> details gone."""
    first = add(account_a, buy("10.00"))
    second = add(account_a, buy("20.01"))
    account_a.events.update(first, EventWrite(value=Decimal("5.00")), A_OWNER)
    assert orders(account_a) == ("2", "25.01", "12.51")
    account_a.events.delete(A_OWNER, event_id=second)
    assert orders(account_a) == ("1", "5.00", "5.00")
    account_a.events.delete(A_OWNER, event_id=first)
    assert orders(account_a) == (None, None, None)


def test_s6_3_type_change_moves_event_in_and_out_of_aggregates(account_a: Account) -> None:
    """S6.3/S7.3: a PURCHASE turned into CART leaves the aggregates, and back."""
    add(account_a, buy("10.00"))
    cart = add(account_a, ev("CART", value=Decimal("7.77")))
    assert orders(account_a) == ("1", "10.00", "10.00")
    account_a.events.update(cart, EventWrite(event_type="PURCHASE"), A_OWNER)
    assert orders(account_a) == ("2", "17.77", "8.89")
    account_a.events.update(cart, EventWrite(event_type="cart"), A_OWNER)
    assert orders(account_a) == ("1", "10.00", "10.00")


def test_s6_3_purchase_without_value_counts_as_zero(account_a: Account) -> None:
    add(account_a, buy("3.00"))
    add(account_a, buy(None))
    assert orders(account_a) == ("2", "3.00", "1.50")


def test_s6_3_other_types_leave_details_and_modified_on(
    account_a: Account, emu_clock: FrozenClock
) -> None:
    """Only purchases write ORDER_*; a non-purchase event does not touch the card."""
    add(account_a, ev("VISIT"))
    record = account_a.find("jan@example.com")
    assert record is not None
    before = record.modified_on
    emu_clock.advance(timedelta(minutes=5))
    add(account_a, ev("CART", value=Decimal("1.00")))
    assert record.modified_on == before
    assert orders(account_a) == (None, None, None)
    add(account_a, buy("1.00"))
    assert record.modified_on == before + timedelta(minutes=5)


def test_s16_3_ecommerce_summary(account_a: Account) -> None:
    """S16.3: total value, average basket, number of transactions (purchases only)."""
    account_a.contacts.upsert(ContactWrite(email="none@example.com"), A_OWNER)
    assert account_a.events.ecommerce_summary("none@example.com") == EcommerceSummary(
        total_value=Decimal("0.00"), average_basket=Decimal("0.00"), transactions=0
    )
    for value in ("10.00", "20.01", "0.10"):
        add(account_a, buy(value))
    add(account_a, ev("TRANSACTION", value=Decimal("99.00")))
    summary = account_a.events.ecommerce_summary("JAN@example.com")
    assert summary == EcommerceSummary(
        total_value=Decimal("30.11"), average_basket=Decimal("10.04"), transactions=3
    )
    with pytest.raises(ContactNotFound):
        account_a.events.ecommerce_summary("nobody@example.com")


# --- S7.1 types and S7.5 limits ---------------------------------------------------------


def test_s7_1_every_protocol_type_accepted_any_case_stored_upper(account_a: Account) -> None:
    """Protocol §5.5: 36 types, a closed set; lower case is accepted and stored upper."""
    assert len(EVENT_TYPES) == 36
    for name in sorted(EVENT_TYPES):
        add(account_a, ev(name.lower()))
    record = account_a.find("jan@example.com")
    assert record is not None
    assert {e.event_type for e in account_a.events.events_of(record)} == EVENT_TYPES


def test_s7_1_unknown_type_refused_naming_field(account_a: Account) -> None:
    with pytest.raises(InvalidField) as info:
        add(account_a, ev("PURCHASED"))
    assert info.value.field == "contactExtEventType"
    assert "PURCHASED" in info.value.rule
    assert account_a.count() == 0


@pytest.mark.parametrize(
    ("fields", "field", "rule"),
    [
        ({"description": "x" * 2049}, "description", "at most 2048"),
        ({"products": "p" * 513}, "products", "at most 512"),
        ({"location": "l" * 256}, "location", "at most 255"),
        ({"external_id": "e" * 256}, "externalId", "at most 255"),
        ({"shop_domain": "d" * 256}, "shopDomain", "at most 255"),
        ({"details": {20: "d" * 256}}, "detail20", "at most 255"),
        ({"value": Decimal("12345678901234567890")}, "value", "19 digits before"),
        ({"value": Decimal("1.500")}, "value", "2 digits after"),
        ({"value": Decimal("-1234567890123456789.99")}, "value", "at most 22"),
    ],
)
def test_s7_5_limits_refused_never_truncated(
    account_a: Account, fields: dict[str, object], field: str, rule: str
) -> None:
    """S7.5: a field over its limit is refused naming it; nothing is written."""
    with pytest.raises(InvalidField) as info:
        add(account_a, ev(**fields))
    assert info.value.field == field
    assert rule in info.value.rule
    assert account_a.count() == 0
    assert len(account_a.events) == 0


def test_s7_5_limits_count_characters_not_bytes(account_a: Account) -> None:
    """S7.5: 2048 two-byte characters fit; location may be 255 characters."""
    event_id = add(
        account_a,
        ev(description="ż" * 2048, products="ł" * 512, location="ą" * 255, details={1: "ę" * 255}),
    )
    stored = account_a.events.get(event_id)
    assert stored.description == "ż" * 2048
    assert stored.location == "ą" * 255
    assert stored.details == ((1, "ę" * 255),)


def test_s7_5_type_and_date_required_on_add(account_a: Account) -> None:
    with pytest.raises(InvalidField) as info:
        add(account_a, EventWrite(date=WHEN))
    assert info.value.field == "contactExtEventType"
    with pytest.raises(InvalidField) as info:
        add(account_a, EventWrite(event_type="CART"))
    assert info.value.field == "date"
    with pytest.raises(InvalidField) as info:
        add(account_a, EventWrite(event_type="CART", date=datetime(2024, 1, 1)))
    assert info.value.field == "date"


# --- S7.4 externalId --------------------------------------------------------------------


def test_s7_4_repeated_external_id_updates_and_returns_same_id(account_a: Account) -> None:
    """S7.4: never a doubled PURCHASE; the repeat replaces the event's fields."""
    first = add(account_a, buy("10.00", external_id="order-17", description="first"))
    again = add(account_a, buy("12.50", external_id="order-17"))
    assert again == first
    record = account_a.find("jan@example.com")
    assert record is not None
    [stored] = account_a.events.events_of(record)
    assert (stored.value, stored.description) == (Decimal("12.50"), None)
    assert orders(account_a) == ("1", "12.50", "12.50")


def test_s7_4_external_id_is_per_contact(account_a: Account) -> None:
    """The same externalId on two contacts is two events."""
    one = add(account_a, buy("1.00", external_id="x-1"))
    two = add(account_a, buy("2.00", external_id="x-1"), "ola@example.com")
    assert one != two
    assert len(account_a.events) == 2


def test_s7_4_blank_external_id_counts_as_none(account_a: Account) -> None:
    one = add(account_a, buy("1.00", external_id=""))
    two = add(account_a, buy("1.00", external_id=" "))
    assert one != two
    assert account_a.events.get(one).external_id is None


def test_s7_4_update_to_an_external_id_in_use_is_refused(account_a: Account) -> None:
    first = add(account_a, buy("1.00", external_id="a"))
    second = add(account_a, buy("2.00", external_id="b"))
    with pytest.raises(InvalidField) as info:
        account_a.events.update(second, EventWrite(external_id="a", value=Decimal("9.00")), A_OWNER)
    assert info.value.field == "externalId"
    assert first in info.value.rule
    assert account_a.events.get(second).value == Decimal("2.00")
    account_a.events.update(second, EventWrite(external_id="c"), A_OWNER)
    assert add(account_a, buy("3.00", external_id="b")) not in (first, second)


# --- S7.6 contact creation -------------------------------------------------------------


def test_s7_6_unknown_email_creates_contact_opted_out_by_default(account_a: Account) -> None:
    add(account_a, ev("VISIT"), "New@Example.com ")
    record = account_a.find("new@example.com")
    assert record is not None
    assert record.opted_out is True
    assert record.main_owner == A_OWNER


def test_s7_6_force_opt_in_creates_opted_in(account_a: Account) -> None:
    add(account_a, ev("VISIT"), "new@example.com", force_opt_in=True)
    record = account_a.find("new@example.com")
    assert record is not None
    assert record.opted_out is False


def test_s7_6_force_opt_in_leaves_existing_contact_status(account_a: Account) -> None:
    """forceOptIn "creates the contact as opt-in": an existing contact keeps its status."""
    account_a.contacts.upsert(ContactWrite(email="old@example.com"), A_OWNER)
    add(account_a, ev("VISIT"), "old@example.com", force_opt_in=True)
    record = account_a.find("old@example.com")
    assert record is not None
    assert record.opted_out is True


def test_s7_6_unknown_contact_id_is_not_found(account_a: Account) -> None:
    with pytest.raises(ContactNotFound):
        account_a.events.add(ev(), A_OWNER, contact_id="00000000-0000-4000-8000-000000000000")
    with pytest.raises(InvalidField) as info:
        account_a.events.add(ev(), A_OWNER)
    assert info.value.field == "email"


def test_s7_6_by_contact_id_and_bad_email(account_a: Account) -> None:
    record = account_a.contacts.upsert(ContactWrite(email="id@example.com"), A_OWNER)
    event_id = account_a.events.add(ev(), A_OWNER, contact_id=record.id.upper())
    assert account_a.events.get(event_id).contact_id == record.id
    with pytest.raises(InvalidField) as info:
        add(account_a, ev(), "not an email")
    assert info.value.field == "email"
    assert account_a.count() == 1


def test_s7_6_each_key_names_a_card_by_its_own_kind_only(account_a: Account) -> None:
    """``email`` holding a card's id, or ``contactId`` holding its e-mail, names nobody
    (as addressees do): refused, no event, no card."""
    record = account_a.contacts.upsert(ContactWrite(email="kind@example.com"), A_OWNER)
    with pytest.raises(InvalidField) as info:
        add(account_a, ev(), record.id)
    assert info.value.field == "email"
    with pytest.raises(ContactNotFound):
        account_a.events.add(ev(), A_OWNER, contact_id="kind@example.com")
    assert account_a.events.events_of(record) == []
    assert account_a.count() == 1


def test_s3_2_an_event_for_a_soft_deleted_email_restores_the_card(account_a: Account) -> None:
    record = account_a.contacts.upsert(ContactWrite(email="back@example.com"), A_OWNER)
    account_a.contacts.delete("back@example.com")
    event_id = add(account_a, ev(), "back@example.com")
    assert account_a.events.get(event_id).contact_id == record.id
    assert not record.deleted


def test_no_partial_write_bad_event_creates_no_contact(account_a: Account) -> None:
    with pytest.raises(InvalidField):
        add(account_a, ev(description="x" * 3000), "ghost@example.com")
    assert account_a.find("ghost@example.com") is None


def test_s1_4_owners_read_only_owner_and_non_user(account_a: Account) -> None:
    """A read-only owner may not add, change or delete events; a non-user is refused."""
    add(account_a, ev())
    account_a.users.add_owner("jan@example.com", A_SECOND, "READ_ONLY")
    with pytest.raises(ReadOnlyOwner):
        account_a.events.add(ev(), A_SECOND, email="jan@example.com")
    record = account_a.find("jan@example.com")
    assert record is not None
    [stored] = account_a.events.events_of(record)
    before = dump_area(account_a, "events")
    with pytest.raises(ReadOnlyOwner):
        account_a.events.update(stored.event_id, EventWrite(description="x"), A_SECOND)
    with pytest.raises(ReadOnlyOwner):
        account_a.events.delete(A_SECOND, event_id=stored.event_id)
    with pytest.raises(AuthenticationFailed):
        account_a.events.add(ev(), "stranger@example.com", email="jan@example.com")
    assert dump_area(account_a, "events") == before
    assert account_a.events.events_of(record) == [stored]


# --- S7.2 batch, update, delete -------------------------------------------------------


def test_s7_2_batch_items_apply_on_their_own_and_see_earlier_ones(account_a: Account) -> None:
    results = account_a.events.add_batch(
        [
            EventItem(event=buy("1.00", external_id="o-1"), email="b@example.com"),
            EventItem(event=ev("NOPE"), email="b@example.com"),
            EventItem(event=buy("2.00", external_id="o-1"), email="b@example.com"),
            EventItem(event=ev(), contact_id="missing"),
        ],
        A_OWNER,
    )
    assert isinstance(results[0], str)
    assert results[2] == results[0]
    assert isinstance(results[1], InvalidField)
    assert results[1].field == "contactExtEventType"  # the route names the item
    assert isinstance(results[3], ContactNotFound)
    assert orders(account_a, "b@example.com") == ("1", "2.00", "2.00")


def test_s7_2_batch_limits(account_a: Account) -> None:
    """Protocol §3.4: 1–1000 events per batch; outside refuses the whole batch."""
    with pytest.raises(InvalidField) as info:
        account_a.events.add_batch([], A_OWNER)
    assert info.value.field == "events"
    items = [EventItem(event=ev("VISIT"), email="b@example.com")] * 1001
    with pytest.raises(LimitExceeded):
        account_a.events.add_batch(items, A_OWNER)
    assert account_a.count() == 0
    assert len(account_a.events.add_batch(items[:1000], A_OWNER)) == 1000
    assert len(account_a.events) == 1000


def test_s7_2_update_changes_only_fields_sent_and_clears_nulls(account_a: Account) -> None:
    event_id = add(
        account_a,
        ev("CART", description="d", location="shop", details={1: "pl", 2: "PLN"}, products="a"),
    )
    later = WHEN + timedelta(days=1)
    assert (
        account_a.events.update(
            event_id.upper(),
            EventWrite(
                date=later,
                products="b",
                details={2: None, 3: "x"},
                cleared={"location"},
            ),
            A_OWNER,
        )
        == event_id
    )
    stored = account_a.events.get(event_id)
    assert (stored.event_type, stored.date, stored.description) == ("CART", later, "d")
    assert (stored.products, stored.location) == ("b", None)
    assert stored.details == ((1, "pl"), (3, "x"))
    with pytest.raises(InvalidField) as info:
        account_a.events.update(event_id, EventWrite(cleared={"date"}), A_OWNER)
    assert info.value.field == "date"


def test_s7_2_update_and_delete_unknown_event(account_a: Account) -> None:
    with pytest.raises(EventNotFound) as info:
        account_a.events.update("nope", EventWrite(description="x"), A_OWNER)
    assert info.value.messages == ["Event not found: nope"]
    with pytest.raises(EventNotFound):
        account_a.events.delete(A_OWNER, event_id="nope")
    with pytest.raises(EventNotFound):
        account_a.events.delete(A_OWNER, external_id="nope")


def test_s7_2_delete_by_external_id_needs_contact_when_ambiguous(account_a: Account) -> None:
    add(account_a, buy("1.00", external_id="x"))
    other = add(account_a, buy("2.00", external_id="x"), "ola@example.com")
    with pytest.raises(InvalidField) as info:
        account_a.events.delete(A_OWNER, external_id="x")
    assert info.value.field == "externalId"
    assert account_a.events.delete(
        A_OWNER, external_id="x", contact="ola@example.com"
    ).event_id == (other)
    account_a.events.delete(A_OWNER, external_id="x")
    assert len(account_a.events) == 0
    assert orders(account_a) == (None, None, None)


def test_s7_2_delete_needs_exactly_one_key(account_a: Account) -> None:
    event_id = add(account_a, buy("1.00", external_id="x"))
    with pytest.raises(InvalidField) as info:
        account_a.events.delete(A_OWNER)
    assert info.value.field == "eventId"
    with pytest.raises(InvalidField) as info:
        account_a.events.delete(A_OWNER, event_id=event_id, external_id="x")
    assert info.value.field == "eventId"
    with pytest.raises(EventNotFound):
        account_a.events.delete(A_OWNER, event_id=event_id, contact="ola@example.com")
    assert len(account_a.events) == 1


# --- S3 deletion and the events -------------------------------------------------------


def test_s3_1_soft_delete_keeps_events_restore_brings_them_back(account_a: Account) -> None:
    event_id = add(account_a, buy("4.00"))
    account_a.contacts.delete("jan@example.com")
    record = account_a.find("jan@example.com")
    assert record is not None
    assert [e.event_id for e in account_a.events.events_of(record)] == [event_id]
    assert account_a.events.ecommerce_summary("jan@example.com").transactions == 1
    with pytest.raises(ContactNotFound):
        account_a.events.update(event_id, EventWrite(description="x"), A_OWNER)
    with pytest.raises(ContactNotFound):
        account_a.events.delete(A_OWNER, event_id=event_id)
    account_a.contacts.restore("jan@example.com")
    assert account_a.events.get(event_id).value == Decimal("4.00")
    assert orders(account_a) == ("1", "4.00", "4.00")


def test_s3_2_event_for_soft_deleted_email_restores_the_card(account_a: Account) -> None:
    first = add(account_a, buy("4.00"))
    contact_id = account_a.has_contact("jan@example.com")
    account_a.contacts.delete("jan@example.com")
    second = add(account_a, buy("6.00"))
    assert account_a.has_contact("jan@example.com") == contact_id
    assert orders(account_a) == ("2", "10.00", "5.00")
    assert account_a.events.get(first).contact_id == account_a.events.get(second).contact_id


def test_s3_3_permanent_delete_and_purge_remove_events(
    account_a: Account, emu_clock: FrozenClock
) -> None:
    gone = add(account_a, buy("1.00", external_id="x"))
    account_a.contacts.delete("jan@example.com", permanently=True)
    with pytest.raises(EventNotFound):
        account_a.events.get(gone)
    with pytest.raises(EventNotFound):
        account_a.events.delete(A_OWNER, external_id="x")
    purged = add(account_a, ev("VISIT"), "ola@example.com")
    account_a.contacts.delete("ola@example.com")
    emu_clock.advance(timedelta(days=1))
    with pytest.raises(EventNotFound):
        account_a.events.get(purged)
    assert len(account_a.events) == 0
    fresh = add(account_a, ev("VISIT"), "ola@example.com")
    assert [e.event_id for e in account_a.events] == [fresh]


# --- snapshot and reset -------------------------------------------------------------


def test_area_reset_forgets_the_events(account_a: Account) -> None:
    """(The state export: ``tests/emulator/snapshot/test_snapshot_events.py``.)"""
    add(account_a, buy("20.01", external_id="o", details={2: "PLN"}, shop_domain="s.pl"))
    account_a.reset()
    assert len(account_a.events) == 0
    assert dump_area(account_a, "events") == []


def test_area_is_attached_and_isolated(account_a: Account, account_b: Account) -> None:
    assert account_a.events in account_a.areas
    add(account_a, ev())
    assert len(account_b.events) == 0
    assert NOW.tzinfo is not None


# --- an event added after an upsert, checked before either is applied (integration/upsert,
# protocol §6, §14): check_upsert and check_add(after=...) refuse exactly what applying the
# upsert and then the add would refuse, and change nothing

USERS = (OWNER, OTHER_USER, THIRD_USER)
EMAILS = ("a@shop.pl", "b@shop.pl", "c@shop.pl")
ELSEWHERE = ("new@shop.pl", "moved@shop.pl")
EVENT = EventWrite(event_type="PURCHASE", date=NOW)


def _state(account: Account) -> str:
    return json.dumps(dump_state([account], account.clock), sort_keys=True)


def _account(cards: dict[str, tuple[str, str, bool]]) -> Account:
    """Cards by e-mail: (``live`` or ``deleted``, main owner, THIRD_USER read-only)."""
    account = Account("c1", "s1", list(USERS), clock=FrozenClock(NOW))
    for email, (kind, main, read_only) in cards.items():
        account.contacts.upsert(ContactWrite(email=email), main)
        if read_only and main != THIRD_USER:
            account.users.add_owner(email, THIRD_USER, "READ_ONLY")
        if kind == "deleted":
            account.contacts.delete(email)
    return account


def _outcome(action: object) -> list[str] | None:
    try:
        action()  # type: ignore[operator]
    except EmulatorError as error:
        return error.messages
    return None


_CARDS = st.dictionaries(
    st.sampled_from(EMAILS),
    st.tuples(st.sampled_from(("live", "deleted")), st.sampled_from(USERS), st.booleans()),
)
_ADDRESSES = st.sampled_from(EMAILS + ELSEWHERE)


@settings(max_examples=400, deadline=None)
@given(
    cards=_CARDS,
    email=_ADDRESSES,
    new_email=st.none() | _ADDRESSES,
    contact_owner=st.sampled_from(USERS),
    event_owner=st.sampled_from(USERS),
    event_key=st.tuples(st.sampled_from(("email", "contact_id")), _ADDRESSES),
)
def test_protocol_14_checking_both_parts_predicts_applying_them(
    cards: dict[str, tuple[str, str, bool]],
    email: str,
    new_email: str | None,
    contact_owner: str,
    event_owner: str,
    event_key: tuple[str, str],
) -> None:
    """For any cards and any pair of parts: the checks change nothing, and the event
    part's check refuses (with the same texts) exactly when adding the event after
    applying the upsert is refused."""
    account = _account(cards)
    write = ContactWrite(email=email, new_email=new_email)
    kind, key = event_key
    record = account.store.by_email.get(key)
    target = {"email": key} if kind == "email" else {"contact_id": record.id if record else key}
    before = _state(account)

    planned_or_error: object
    try:
        planned_or_error = account.contacts.check_upsert(write, contact_owner)
    except EmulatorError as error:
        planned_or_error = error
    if isinstance(planned_or_error, EmulatorError):
        assert _state(account) == before
        with pytest.raises(type(planned_or_error)):
            account.contacts.upsert(write, contact_owner)
        return
    predicted = _outcome(
        lambda: account.events.check_add(EVENT, event_owner, after=planned_or_error, **target)
    )
    assert _state(account) == before

    account.contacts.upsert(write, contact_owner)
    assert _outcome(lambda: account.events.add(EVENT, event_owner, **target)) == predicted


def test_protocol_14_event_for_a_card_the_upsert_restores_passes(account: Account) -> None:
    """A soft-deleted card named by id: refused alone, accepted after an upsert that
    restores it."""
    card = account.contacts.upsert(ContactWrite(email="a@shop.pl"), OWNER)
    account.contacts.delete("a@shop.pl")
    with pytest.raises(ContactNotFound):
        account.events.check_add(EVENT, OWNER, contact_id=card.id)
    planned = account.contacts.check_upsert(ContactWrite(email="a@shop.pl"), OWNER)
    assert (planned.record, planned.email, planned.owner) == (card, "a@shop.pl", OWNER)
    account.events.check_add(EVENT, OWNER, contact_id=card.id, after=planned)


def test_protocol_14_event_by_a_read_only_owner_is_refused_before_the_upsert(
    account: Account,
) -> None:
    account.contacts.upsert(ContactWrite(email="a@shop.pl"), OWNER)
    account.users.add_owner("a@shop.pl", THIRD_USER, "READ_ONLY")
    planned = account.contacts.check_upsert(ContactWrite(email="a@shop.pl", name="A"), OWNER)
    with pytest.raises(ReadOnlyOwner):
        account.events.check_add(EVENT, THIRD_USER, email="a@shop.pl", after=planned)
    assert account.find("a@shop.pl").name is None  # type: ignore[union-attr]


def test_protocol_14_event_for_the_address_the_upsert_frees_creates_a_card(
    account: Account,
) -> None:
    """The upsert moves its card away (``newEmail``): the old address is free, so the
    event creates a new card there, even for a read-only owner of the moved card."""
    account.contacts.upsert(ContactWrite(email="a@shop.pl"), OWNER)
    account.users.add_owner("a@shop.pl", THIRD_USER, "READ_ONLY")
    with pytest.raises(ReadOnlyOwner):
        account.events.check_add(EVENT, THIRD_USER, email="a@shop.pl")
    write = ContactWrite(email="a@shop.pl", new_email="moved@shop.pl")
    planned = account.contacts.check_upsert(write, OWNER)
    account.events.check_add(EVENT, THIRD_USER, email="a@shop.pl", after=planned)
    moved = account.contacts.upsert(write, OWNER)
    account.events.add(EVENT, THIRD_USER, email="a@shop.pl")
    fresh = account.find("a@shop.pl")
    assert fresh is not None
    assert fresh.id != moved.id
    assert fresh.main_owner == THIRD_USER


def test_s16_4_recommendations_from_the_accounts_purchase_and_view_events(
    account_a: Account,
) -> None:
    """Co-occurrence over every live card's PURCHASE and VISIT events (S16.4); a
    soft-deleted card counts for nobody (S3.1); other event types count nothing."""
    shop(account_a, A_OWNER)
    shop_event(account_a, A_OWNER, "me@example.com", "CART", "p9")
    found = account_a.events.recommendations("me@example.com")
    assert [(r.product, str(r.score)) for r in found["BOUGHT_AFTER_VIEWING"]] == [
        ("p3", "2.0000"),
        ("p4", "1.0000"),
    ]
    assert [r.product for r in found["WEIGHTED"]] == ["p3", "p2", "p4"]
    account_a.contacts.delete("b@example.com")
    after = account_a.events.recommendations("me@example.com", product="p1", limit=5)
    assert [(r.product, str(r.score)) for r in after["BOUGHT_AFTER_VIEWING"]] == [("p3", "1.0000")]
    custom = account_a.events.recommendations("me@example.com", weights={"COLLABORATIVE": 0})
    plain = account_a.events.recommendations("me@example.com")
    assert custom["COLLABORATIVE"] == plain["COLLABORATIVE"]  # the kind itself is kept
    assert [(r.product, str(r.score)) for r in plain["WEIGHTED"]] == [
        ("p3", "4.0000"),
        ("p2", "3.0000"),
    ]
    assert [(r.product, str(r.score)) for r in custom["WEIGHTED"]] == [
        ("p3", "2.0000"),
        ("p2", "1.0000"),
    ]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": True}, "limit"),
        ({"product": " "}, "product"),
        ({"weights": {"BEST": 1}}, "weights"),
        ({"weights": {"COLLABORATIVE": -1}}, "weights.COLLABORATIVE"),
        ({"weights": {"COLLABORATIVE": 0.5}}, "weights.COLLABORATIVE"),
    ],
)
def test_s16_4_recommendation_refusals_name_the_field(
    account_a: Account, kwargs: dict[str, Any], field: str
) -> None:
    account_a.contacts.upsert(ContactWrite(email="me@example.com"), A_OWNER)
    with pytest.raises(InvalidField) as err:
        account_a.events.recommendations("me@example.com", **kwargs)
    assert err.value.field == field
