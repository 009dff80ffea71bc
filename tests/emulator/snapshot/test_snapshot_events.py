"""Snapshot of the events area (S7): events with exact values, checked as an add checks them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from snapshot_helpers import CLIENT_ID, OWNERS, area, assert_refused, exported, imported

from salesmanago_emulator.state.events import EventWrite


def test_events_round_trip_and_stay_indexed() -> None:
    data = exported()
    visit, purchase = area(data, "events")
    assert visit == {
        "eventId": visit["eventId"],
        "contactId": visit["contactId"],
        "contactExtEventType": "VISIT",
        "date": "2026-01-15T10:00:00+00:00",
    }
    assert (purchase["value"], purchase["detail1"], purchase["detail3"]) == (
        "10.50",
        "one",
        "three",
    )
    account = imported(data).account(CLIENT_ID)
    assert len(account.events) == 2
    assert account.events.get(purchase["eventId"]).details == ((1, "one"), (3, "three"))
    summary = account.events.ecommerce_summary("buyer@example.com")
    assert (summary.total_value, summary.transactions) == (Decimal("10.50"), 1)
    # the external id index came back: the same externalId replaces that event
    again = EventWrite(
        event_type="PURCHASE", date=account.clock.now(), value=Decimal("2.00"), external_id="o-1"
    )
    replaced = account.events.add(
        again,
        OWNERS[0],
        email="buyer@example.com",
    )
    assert replaced == purchase["eventId"]
    assert account.events.ecommerce_summary("buyer@example.com").total_value == Decimal("2.00")


@pytest.mark.parametrize(
    ("change", "path", "problem"),
    [
        (
            lambda e: e.update(contactExtEventType="purchase"),
            "contactExtEventType",
            "must be written 'PURCHASE'",
        ),
        (
            lambda e: e.update(contactExtEventType="GIFT"),
            "contactExtEventType",
            "must be one of the external event types of protocol §5.5 (got 'GIFT')",
        ),
        (lambda e: e.update(value="1.234"), "value", "must have at most 2 digits after"),
        (lambda e: e.update(value="1" * 20), "value", "must have at most 19 digits before"),
        (lambda e: e.update(value=10.5), "value", "must be a string (got the number 10.5)"),
        (lambda e: e.update(value="ten"), "value", "must be a decimal number written as a string"),
        (lambda e: e.update(value="NaN"), "value", "must be a decimal number written as a string"),
        (lambda e: e.update(description="d" * 2049), "description", "must be at most 2048"),
        (lambda e: e.update(location="l" * 256), "location", "must be at most 255 characters"),
        (lambda e: e.update(detail3="x" * 256), "detail3", "must be at most 255 characters"),
        (lambda e: e.update(detail21="x"), "detail21", "is not a key of an event"),
        (lambda e: e.update(externalId=" "), "externalId", "must be left out"),
        (lambda e: e.update(date=1768471200000), "date", "must be a string"),
        (lambda e: e.update(eventId=e["eventId"].upper()), "eventId", "must be written"),
        (lambda e: e.update(contactId="zz"), "contactId", "names no card of the account"),
        (lambda e: e.pop("contactExtEventType"), "contactExtEventType", "is required"),
    ],
)
def test_bad_event_is_refused_by_path(change: Any, path: str, problem: str) -> None:
    assert_refused(lambda d: change(area(d, "events")[1]), f"accounts[0].events[1].{path}", problem)


def test_an_external_id_is_used_once_per_card() -> None:
    def twice(data: dict[str, Any]) -> None:
        events = area(data, "events")
        events.append({**events[1], "eventId": "e-2"})

    assert_refused(twice, "accounts[0].events[2].externalId", "is already used by event")


def test_event_ids_are_unique() -> None:
    assert_refused(
        lambda d: area(d, "events")[1].update(eventId=area(d, "events")[0]["eventId"]),
        "accounts[0].events[1].eventId",
        "repeats",
    )
