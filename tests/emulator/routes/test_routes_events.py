"""External events on the wire, raw JSON (protocol §5.5, §8.1, §13.2; semantics S7, S6.3)."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest
from routes_helpers import A_SECOND, OMIT, Api, full, raw

from salesmanago_emulator import Account, routes

ADD_V1 = "contact/addContactExtEvent"
ADD = "v2/contact/addContactExtEvent"
BATCH = "contact/batchAddContactExtEvent"
BATCH_V2 = "v2/contact/addBatchContactExtEvent"
UPDATE = "v2/contact/updateContactExtEvent"
DELETE = "v2/contact/deleteContactExtEvent"
WHEN_MS = 1714564800000
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def event(**fields: Any) -> dict[str, Any]:
    body = {"date": WHEN_MS, "contactExtEventType": "PURCHASE", **fields}
    return {k: v for k, v in body.items() if v is not OMIT}


def orders(api: Api, email: str = "jan@example.com") -> dict[str, str]:
    props = {p["name"]: p["value"] for p in full(api, email)["properties"]}
    return {k: v for k, v in props.items() if k.startswith("ORDER_")}


def test_protocol_8_1_paths_are_served() -> None:
    paths = {r.path for r in routes() if r.area == "events"}
    assert paths == {
        "/api/contact/addContactExtEvent",
        "/api/v2/contact/addContactExtEvent",
        "/api/contact/batchAddContactExtEvent",
        "/api/v2/contact/addBatchContactExtEvent",
        "/api/contact/updateContactExtEvent",
        "/api/v2/contact/updateContactExtEvent",
        "/api/contact/deleteContactExtEvent",
        "/api/v2/contact/deleteContactExtEvent",
    }


@pytest.mark.parametrize("path", [ADD, ADD_V1])
def test_s7_6_add_creates_contact_and_returns_uuid_event_id(api: Api, path: str) -> None:
    """S7.6, protocol §14: an event for an unknown e-mail creates the contact."""
    envelope = api.ok(path, email="Jan@Example.com", contactEvent=event(), forceOptIn=True)
    assert UUID.fullmatch(envelope["eventId"])
    contact = full(api)
    assert contact["optedOut"] is False
    assert [e["eventId"] for e in contact["contactExtEvents"]] == [envelope["eventId"]]


def test_s7_1_full_contact_lists_every_field(api: Api) -> None:
    sent = event(
        description="order 17",
        products="p1,p2",
        location="shop_pl",
        value=Decimal("123.40"),
        detail1="pl",
        detail20="PLN",
        externalId="order-17",
        shopDomain="shop.example.com",
        contactExtEventType="cart",
    )
    text = json.dumps(sent, default=str).replace('"123.40"', "123.40")
    event_id = raw(api, ADD, f'"email": "jan@example.com", "contactEvent": {text}')["eventId"]
    [item] = full(api)["contactExtEvents"]
    assert item == {
        "eventId": event_id,
        "contactExtEventType": "CART",
        "date": WHEN_MS,
        "description": "order 17",
        "products": "p1,p2",
        "location": "shop_pl",
        "value": Decimal("123.40"),
        "detail1": "pl",
        "detail20": "PLN",
        "externalId": "order-17",
        "shopDomain": "shop.example.com",
    }


def test_s6_3_decimal_precision_survives_the_wire(api: Api) -> None:
    """20.01 three times -> ORDER_SUMMARY 60.03; values come back with exactly their digits."""
    for _ in range(3):
        raw(
            api,
            ADD,
            f'"email": "jan@example.com", "contactEvent": {{"date": {WHEN_MS}, '
            '"contactExtEventType": "PURCHASE", "value": 20.01}',
        )
    assert orders(api) == {"ORDER_NUMBER": "3", "ORDER_SUMMARY": "60.03", "ORDER_AVG": "20.01"}
    raw(
        api,
        ADD,
        f'"email": "ten@example.com", "contactEvent": {{"date": {WHEN_MS}, '
        '"contactExtEventType": "PURCHASE", "value": 10.00}',
    )
    response = api.send("contact/list", api.body(email=["ten@example.com"]))
    assert b'"value":10.00' in response.content


@pytest.mark.parametrize(
    ("values", "summary", "average"),
    [(["10.00", "20.01", "0.10"], "30.11", "10.04"), (["0.01", "0.04"], "0.05", "0.03")],
)
def test_s6_3_vectors_over_raw_json(
    api: Api, values: list[str], summary: str, average: str
) -> None:
    for value in values:
        raw(
            api,
            ADD,
            f'"email": "v@example.com", "contactEvent": {{"date": {WHEN_MS}, '
            f'"contactExtEventType": "PURCHASE", "value": {value}}}',
        )
    assert orders(api, "v@example.com") == {
        "ORDER_NUMBER": str(len(values)),
        "ORDER_SUMMARY": summary,
        "ORDER_AVG": average,
    }


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("19.90", Decimal("19.90")),
        (" 5 ", Decimal("5")),
        (7, Decimal("7")),
        (-2.5, Decimal("-2.5")),
    ],
)
def test_s7_1_value_number_or_numeric_string(
    api: Api, account_a: Account, value: object, stored: Decimal
) -> None:
    event_id = api.ok(ADD, email="j@example.com", contactEvent=event(value=value))["eventId"]
    assert account_a.events.get(event_id).value == stored


def test_s7_1_value_with_exponent_is_its_number(api: Api, account_a: Account) -> None:
    body = (
        f'"email": "j@example.com", "contactEvent": {{"date": {WHEN_MS}, '
        '"contactExtEventType": "PURCHASE", "value": 1.5E+2}'
    )
    event_id = raw(api, ADD, body)["eventId"]
    assert account_a.events.get(event_id).value == Decimal("150")


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("abc", "must be a number or a numeric string"),
        (True, "must be a number or a numeric string"),
        ([1], "must be a number or a numeric string"),
        ("1.005", "must have at most 2 digits after the decimal point (got 3)"),
        (12345678901234567890, "must have at most 19 digits before the decimal point (got 20)"),
    ],
)
def test_s7_5_bad_value_refused_naming_field(
    api: Api, account_a: Account, value: object, rule: str
) -> None:
    [message] = api.fail(ADD, email="j@example.com", contactEvent=event(value=value))
    assert message == f"Field 'contactEvent.value' {rule}"
    assert account_a.count() == 0


@pytest.mark.parametrize(
    ("date", "ms"),
    [
        (WHEN_MS, WHEN_MS),
        (WHEN_MS // 1000, WHEN_MS),
        (str(WHEN_MS), WHEN_MS),
        (str(WHEN_MS // 1000), WHEN_MS),
        ("2024-05-01T12:00:00Z", WHEN_MS),
        ("2024-05-01T14:00:00+02:00", WHEN_MS),
        ("2024-05-01T12:00:00", WHEN_MS),
        ("2024-05-01T12:00:00.250+00:00", WHEN_MS + 250),
    ],
)
def test_protocol_13_2_dates_ms_seconds_strings_iso(api: Api, date: object, ms: int) -> None:
    """Protocol §13.2/§14: ms, seconds, numeric strings and ISO-8601 are all accepted."""
    api.ok(ADD, email="d@example.com", contactEvent=event(date=date))
    assert full(api, "d@example.com")["contactExtEvents"][0]["date"] == ms


def test_protocol_13_2_fractional_ms_number_is_accepted(api: Api) -> None:
    raw(
        api,
        ADD,
        f'"email": "d@example.com", "contactEvent": {{"date": {WHEN_MS}.0, '
        '"contactExtEventType": "VISIT"}',
    )
    assert full(api, "d@example.com")["contactExtEvents"][0]["date"] == WHEN_MS


@pytest.mark.parametrize("date", ["yesterday", "", True, {"ms": 1}, OMIT, None])
def test_protocol_13_2_bad_or_missing_date_names_field(api: Api, date: object) -> None:
    [message] = api.fail(ADD, email="d@example.com", contactEvent=event(date=date))
    assert message.startswith("Field 'contactEvent.date' ")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"description": "x" * 2049},
            "Field 'contactEvent.description' must be at most 2048 characters long (got 2049)",
        ),
        (
            {"products": "p" * 513},
            "Field 'contactEvent.products' must be at most 512 characters long (got 513)",
        ),
        (
            {"location": "ł" * 256},
            "Field 'contactEvent.location' must be at most 255 characters long (got 256)",
        ),
        (
            {"detail7": "d" * 256},
            "Field 'contactEvent.detail7' must be at most 255 characters long (got 256)",
        ),
        ({"detail3": 5}, "Field 'contactEvent.detail3' must be a string"),
        (
            {"contactExtEventType": "BUY"},
            "Field 'contactEvent.contactExtEventType' must be one "
            "of the external event types of protocol §5.5 (got 'BUY')",
        ),
        ({"contactExtEventType": 3}, "Field 'contactEvent.contactExtEventType' must be a string"),
        ({"contactExtEventType": OMIT}, "Field 'contactEvent.contactExtEventType' is required"),
    ],
)
def test_s7_5_field_errors_name_the_field(
    api: Api, account_a: Account, fields: dict[str, Any], message: str
) -> None:
    """S7.5: refused naming the field and the rule, never truncated; nothing written."""
    assert api.fail(ADD, email="j@example.com", contactEvent=event(**fields)) == [message]
    assert account_a.count() == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"contactEvent": OMIT}, "Field 'contactEvent' is required"),
        ({"contactEvent": [1]}, "Field 'contactEvent' must be an object"),
        ({"email": OMIT}, "Field 'email' is required"),
        ({"email": "bad email"}, "Field 'email' must be a valid e-mail address"),
        ({"email": 5}, "Field 'email' must be a string"),
        ({"forceOptIn": "yes"}, "Field 'forceOptIn' must be a boolean"),
    ],
)
def test_add_body_errors_are_envelopes(api: Api, fields: dict[str, Any], message: str) -> None:
    body = {"email": "j@example.com", "contactEvent": event(), **fields}
    assert api.fail(ADD, **body) == [message]


def test_s1_3_owner_required(api: Api) -> None:
    assert api.fail(ADD, owner=OMIT, email="j@example.com", contactEvent=event()) == [
        "Not authenticated, not owner specified"
    ]


def test_s7_4_repeated_external_id_over_the_wire(api: Api) -> None:
    """S7.4: the repeat answers the same eventId; one PURCHASE, not two."""
    first = api.ok(ADD, email="j@example.com", contactEvent=event(externalId="o-1", value=5))
    again = api.ok(ADD, email="j@example.com", contactEvent=event(externalId="o-1", value=6))
    assert again["eventId"] == first["eventId"]
    assert len(full(api, "j@example.com")["contactExtEvents"]) == 1
    assert orders(api, "j@example.com")["ORDER_SUMMARY"] == "6.00"


# --- batch ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", [BATCH, BATCH_V2])
def test_s7_2_batch_all_applied(api: Api, path: str) -> None:
    envelope = api.ok(
        path,
        events=[
            {"email": "a@example.com", "contactEvent": event(value=1)},
            {"email": "b@example.com", "contactEvent": event(value=2), "forceOptIn": True},
        ],
    )
    assert envelope == {
        "success": True,
        "message": [],
        "failedContacts": [],
        "createdAmount": 2,
        "failedAmount": 0,
    }
    assert full(api, "b@example.com")["optedOut"] is False


def test_s7_2_batch_partial_failure_reports_contacts(api: Api, account_a: Account) -> None:
    envelope = api.post(
        BATCH,
        events=[
            {"email": "ok@example.com", "contactEvent": event()},
            {"email": "Bad@Example.com", "contactEvent": event(contactExtEventType="NOPE")},
            {"contactId": "no-such-id", "contactEvent": event()},
            {"email": "ok@example.com", "contactEvent": "not an object"},
            {"email": "late@example.com", "contactEvent": event(location="x" * 256)},
            {"email": "ok2@example.com", "contactEvent": event()},
        ],
    )
    assert envelope["success"] is False
    assert envelope["failedContacts"] == [
        "Bad@Example.com",
        "no-such-id",
        "ok@example.com",
        "late@example.com",
    ]
    assert (envelope["createdAmount"], envelope["failedAmount"]) == (2, 4)
    assert envelope["message"] == [
        "Field 'events[1].contactEvent.contactExtEventType' must be one of the external event "
        "types of protocol §5.5 (got 'NOPE')",
        "Contact not found: no-such-id",
        "Field 'events[3].contactEvent' must be an object",
        "Field 'events[4].contactEvent.location' must be at most 255 characters long (got 256)",
    ]
    assert account_a.find("late@example.com") is None
    assert account_a.find("ok2@example.com") is not None


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ([], "Field 'events' must not be empty"),
        (
            [{"email": "a@example.com", "contactEvent": event()}] * 1001,
            "Field 'events' must hold at most 1000 items",
        ),
        ("x", "Field 'events' must be a list of objects"),
        (OMIT, "Field 'events' is required"),
    ],
)
def test_protocol_11_batch_limits(
    api: Api, account_a: Account, events: object, message: str
) -> None:
    """Protocol §3.4/§11.6: 1–1000 events; outside refuses the whole request."""
    assert api.fail(BATCH, events=events) == [message]
    assert account_a.count() == 0


def test_s7_2_batch_of_1000_is_accepted(api: Api, account_a: Account) -> None:
    items = [
        {"email": f"c{i % 10}@example.com", "contactEvent": event(value=1)} for i in range(1000)
    ]
    assert api.ok(BATCH, events=items)["createdAmount"] == 1000
    assert account_a.events.ecommerce_summary("c3@example.com").transactions == 100


# --- update and delete ------------------------------------------------------------------


def test_s7_2_update_returns_same_id_and_changes_fields_sent(api: Api) -> None:
    event_id = api.ok(
        ADD, email="u@example.com", contactEvent=event(value=10, description="d", location="l")
    )["eventId"]
    envelope = api.ok(
        UPDATE,
        email="u@example.com",
        contactEvent={"eventId": event_id, "value": 4, "location": None, "detail2": "x"},
    )
    assert envelope["eventId"] == event_id
    [item] = full(api, "u@example.com")["contactExtEvents"]
    assert (item["value"], item["description"], item["location"], item["detail2"]) == (
        4,
        "d",
        None,
        "x",
    )
    assert orders(api, "u@example.com")["ORDER_SUMMARY"] == "4.00"


def test_s6_3_update_changing_type_recomputes(api: Api) -> None:
    event_id = api.ok(ADD, email="u@example.com", contactEvent=event(value=10))["eventId"]
    api.ok(
        "contact/updateContactExtEvent",
        contactEvent={"eventId": event_id, "contactExtEventType": "RETURN"},
    )
    assert orders(api, "u@example.com") == {}


@pytest.mark.parametrize(
    ("contact_event", "message"),
    [
        ({}, "Field 'contactEvent.eventId' is required"),
        ({"eventId": "nope"}, "Event not found: nope"),
        ({"eventId": "EID", "date": None}, "Field 'contactEvent.date' is required"),
        (
            {"eventId": "EID", "externalId": "taken"},
            "Field 'contactEvent.externalId' is already used by event OTHER of this contact",
        ),
    ],
)
def test_s7_2_update_errors(api: Api, contact_event: dict[str, Any], message: str) -> None:
    event_id = api.ok(ADD, email="u@example.com", contactEvent=event())["eventId"]
    other = api.ok(ADD, email="u@example.com", contactEvent=event(externalId="taken"))["eventId"]
    contact_event = {k: (event_id if v == "EID" else v) for k, v in contact_event.items()}
    assert api.fail(UPDATE, contactEvent=contact_event) == [message.replace("OTHER", other)]


@pytest.mark.parametrize("path", [DELETE, "contact/deleteContactExtEvent"])
def test_s7_2_delete_by_event_id_answers_deleted(api: Api, path: str) -> None:
    event_id = api.ok(ADD, email="x@example.com", contactEvent=event(value=3))["eventId"]
    assert api.ok(path, eventId=event_id)["result"] == "deleted"
    assert full(api, "x@example.com")["contactExtEvents"] == []
    assert orders(api, "x@example.com") == {}
    assert api.fail(path, eventId=event_id) == [f"Event not found: {event_id}"]


def test_s7_2_delete_by_external_id(api: Api) -> None:
    api.ok(ADD, email="x@example.com", contactEvent=event(externalId="o-9"))
    api.ok(ADD, email="y@example.com", contactEvent=event(externalId="o-9"))
    assert api.fail(DELETE, externalId="o-9") == [
        "Field 'externalId' names events of 2 contacts; give email or contactId"
    ]
    api.ok(DELETE, externalId="o-9", email="y@example.com")
    api.ok(DELETE, externalId="o-9")
    assert full(api, "x@example.com")["contactExtEvents"] == []
    assert api.fail(DELETE) == ["Field 'eventId' is required"]
    assert api.fail(DELETE, eventId="a", externalId="b") == [
        "Field 'eventId' cannot be given together with externalId"
    ]


def test_s3_1_soft_deleted_contact_events_are_kept_but_locked(api: Api) -> None:
    event_id = api.ok(ADD, email="s@example.com", contactEvent=event())["eventId"]
    api.ok("contact/delete", email="s@example.com")
    assert api.fail(DELETE, eventId=event_id) == ["Contact not found: s@example.com"]
    api.ok("contact/upsert", contact={"email": "s@example.com"})
    assert [e["eventId"] for e in full(api, "s@example.com")["contactExtEvents"]] == [event_id]


def test_s1_4_read_only_owner_cannot_delete_event(api: Api, account_a: Account) -> None:
    event_id = api.ok(ADD, email="r@example.com", contactEvent=event())["eventId"]
    account_a.users.add_owner("r@example.com", A_SECOND, "READ_ONLY")
    [message] = api.fail(DELETE, owner=A_SECOND, eventId=event_id)
    assert message == "Owner second@a.example.com has read-only access to contact r@example.com"
    events = full(api, "r@example.com")["contactExtEvents"]
    assert [e["eventId"] for e in events] == [event_id]


def test_accounts_are_isolated(api: Api, api_b: Api) -> None:
    event_id = api.ok(ADD, email="x@example.com", contactEvent=event())["eventId"]
    assert api_b.fail(DELETE, eventId=event_id) == [f"Event not found: {event_id}"]
    events = full(api, "x@example.com")["contactExtEvents"]
    assert [e["eventId"] for e in events] == [event_id]
