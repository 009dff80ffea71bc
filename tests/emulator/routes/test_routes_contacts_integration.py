"""``integration/upsert`` as raw JSON through the in-process transport (protocol §6, §14;
S3.2, S7.6): a contact upsert and an external event in one call, each part with its own
``clientId`` and ``owner``, both checked before either is applied."""

from __future__ import annotations

from typing import Any

import pytest
from routes_helpers import A_ID, A_OWNER, A_SECOND, B_ID, NOW_MS, OMIT, Api, snapshot

from salesmanago_emulator import Account, Emulator, FrozenClock

PATH = "integration/upsert"
EVENT = {"contactExtEventType": "PURCHASE", "date": NOW_MS, "value": 12.5}


@pytest.fixture
def account_a(emu: Emulator[FrozenClock]) -> Account:
    """Account A's state."""
    return emu.account(A_ID)


def contact_part(email: str = "jan@shop.pl", owner: str = A_OWNER, **fields: Any) -> dict[str, Any]:
    part = {"clientId": A_ID, "owner": owner, "contact": {"email": email}, **fields}
    return {k: v for k, v in part.items() if v is not OMIT}


def event_part(owner: str = A_OWNER, **fields: Any) -> dict[str, Any]:
    part = {"clientId": A_ID, "owner": owner, "email": "jan@shop.pl", "contactEvent": dict(EVENT)}
    part.update(fields)
    return {k: v for k, v in part.items() if v is not OMIT}


def test_protocol_14_both_parts_answer_contact_id_and_event_id(
    api: Api, account_a: Account
) -> None:
    """The contact part is an upsert body, the event part an addContactExtEvent body; the
    answer carries ``contactId`` and ``eventId`` (and nothing else)."""
    envelope = api.ok(
        PATH,
        contactUpsertRequest=contact_part(contact={"email": "jan@shop.pl", "name": "Jan"}),
        addContactExtEventRequest=event_part(),
    )
    assert set(envelope) == {"success", "message", "contactId", "eventId"}
    card = account_a.find("jan@shop.pl")
    assert card is not None
    assert (card.id, card.name, card.main_owner) == (envelope["contactId"], "Jan", A_OWNER)
    (event,) = account_a.events.events_of(card)
    assert event.event_id == envelope["eventId"]
    assert str(event.value) == "12.5"
    assert card.properties["ORDER_SUMMARY"] == "12.50"


def test_protocol_14_the_event_part_alone_creates_an_unknown_contact(
    api: Api, account_a: Account
) -> None:
    """§14: the event for a contact the platform does not know yet succeeds, the card is
    created (S7.6) with the part's owner and ``forceOptIn``."""
    envelope = api.ok(
        PATH,
        addContactExtEventRequest=event_part(owner=A_SECOND, email="new@shop.pl", forceOptIn=True),
    )
    assert set(envelope) == {"success", "message", "eventId"}
    card = account_a.find("new@shop.pl")
    assert card is not None
    assert (card.main_owner, card.opted_out) == (A_SECOND, False)
    assert [e.event_id for e in account_a.events.events_of(card)] == [envelope["eventId"]]


def test_protocol_14_the_contact_part_alone_is_an_upsert(api: Api, account_a: Account) -> None:
    first = api.ok(PATH, contactUpsertRequest=contact_part(tags=["VIP"]))
    assert set(first) == {"success", "message", "contactId"}
    again = api.ok(PATH, contactUpsertRequest=contact_part(contact={"email": "JAN@shop.pl"}))
    assert again["contactId"] == first["contactId"]  # S2.2: same card, same id
    card = account_a.find("jan@shop.pl")
    assert card is not None
    assert list(card.tags) == ["VIP"]


def test_the_event_part_may_name_another_contact_and_another_owner(
    api: Api, account_a: Account
) -> None:
    envelope = api.ok(
        PATH,
        contactUpsertRequest=contact_part(),
        addContactExtEventRequest=event_part(owner=A_SECOND, email="other@shop.pl"),
    )
    jan, other = account_a.find("jan@shop.pl"), account_a.find("other@shop.pl")
    assert jan is not None
    assert other is not None
    assert (jan.id, jan.main_owner, other.main_owner) == (envelope["contactId"], A_OWNER, A_SECOND)
    assert account_a.events.events_of(jan) == []


def test_s3_2_both_parts_restore_a_soft_deleted_card(api: Api, account_a: Account) -> None:
    """The event part names by id a card the contact part restores: accepted."""
    contact_id = api.upsert("jan@shop.pl")
    api.ok("contact/delete", email="jan@shop.pl")
    refused = api.fail(PATH, addContactExtEventRequest=event_part(email=OMIT, contactId=contact_id))
    assert refused == [f"Contact not found: {contact_id}"]
    envelope = api.ok(
        PATH,
        contactUpsertRequest=contact_part(),
        addContactExtEventRequest=event_part(email=OMIT, contactId=contact_id),
    )
    assert envelope["contactId"] == contact_id
    card = account_a.find(contact_id)
    assert card is not None
    assert card.deleted is False


def test_neither_part_is_refused_naming_the_field(api: Api, account_a: Account) -> None:
    assert api.fail(PATH) == [
        "Field 'contactUpsertRequest' is required when no addContactExtEventRequest is sent"
    ]
    assert api.fail(PATH, contactUpsertRequest=None, addContactExtEventRequest=None)
    assert api.fail(PATH, contactUpsertRequest="jan@shop.pl") == [
        "Field 'contactUpsertRequest' must be an object"
    ]
    assert account_a.count() == 0


@pytest.mark.parametrize(
    ("change", "text"),
    [
        ({"clientId": OMIT}, "Not authenticated"),
        ({"clientId": B_ID}, "Not authenticated"),
        ({"clientId": A_ID.upper()}, "Not authenticated"),
        ({"owner": OMIT}, "Not authenticated, not owner specified"),
        ({"owner": " "}, "Not authenticated, not owner specified"),
        ({"owner": "owner@b.example.com"}, "Not authenticated, invalid owner"),
        ({"owner": 7}, "Not authenticated, invalid owner"),
    ],
)
@pytest.mark.parametrize("part", ["contactUpsertRequest", "addContactExtEventRequest"])
def test_s1_3_each_parts_client_id_and_owner_are_checked_and_nothing_changes(
    api: Api, account_a: Account, part: str, change: dict[str, Any], text: str
) -> None:
    """A part's ``clientId`` must be the request's (D), its ``owner`` a user, checked as a
    request's owner is (protocol §11.2); a refused part refuses the call."""
    api.upsert("jan@shop.pl")
    before = snapshot(account_a)
    parts = {"contactUpsertRequest": contact_part(), "addContactExtEventRequest": event_part()}
    parts[part] = {k: v for k, v in {**parts[part], **change}.items() if v is not OMIT}
    assert api.fail(PATH, **parts) == [text]
    assert snapshot(account_a) == before
    assert len(account_a.events) == 0


def test_the_top_level_owner_is_optional_but_checked(api: Api) -> None:
    parts = {"contactUpsertRequest": contact_part()}
    assert api.ok(PATH, owner=OMIT, **parts)["contactId"]
    assert api.fail(PATH, owner="owner@b.example.com", **parts) == [
        "Not authenticated, invalid owner"
    ]


@pytest.mark.parametrize(
    ("parts", "field", "rule"),
    [
        (
            {"contactUpsertRequest": contact_part("not-an-email")},
            "contactUpsertRequest.contact.email",
            "must be a valid e-mail address",
        ),
        (
            {"contactUpsertRequest": contact_part(tags=[7])},
            "contactUpsertRequest.tags[0]",
            "must be a string",
        ),
        (
            {
                "contactUpsertRequest": contact_part(),
                "addContactExtEventRequest": event_part(contactEvent={**EVENT, "value": 1.234}),
            },
            "addContactExtEventRequest.contactEvent.value",
            "must have at most 2 digits after the decimal point (got 3)",
        ),
        (
            {
                "contactUpsertRequest": contact_part(),
                "addContactExtEventRequest": event_part(
                    contactEvent={**EVENT, "contactExtEventType": "NOPE"}
                ),
            },
            "addContactExtEventRequest.contactEvent.contactExtEventType",
            "must be one of the external event types of protocol §5.5 (got 'NOPE')",
        ),
        (
            {
                "contactUpsertRequest": contact_part(),
                "addContactExtEventRequest": event_part(contactEvent={**EVENT, "date": "x"}),
            },
            "addContactExtEventRequest.contactEvent.date",
            "must be a timestamp in milliseconds or seconds, a numeric string or an ISO-8601 "
            "date-time",
        ),
        (
            {
                "contactUpsertRequest": contact_part(),
                "addContactExtEventRequest": event_part(email=OMIT),
            },
            "addContactExtEventRequest.email",
            "is required",
        ),
        (
            {
                "contactUpsertRequest": contact_part(),
                "addContactExtEventRequest": event_part(email="bad@@shop.pl"),
            },
            "addContactExtEventRequest.email",
            "must be a valid e-mail address",
        ),
        (
            {"addContactExtEventRequest": event_part(contactEvent=OMIT)},
            "addContactExtEventRequest.contactEvent",
            "is required",
        ),
    ],
)
def test_field_errors_are_named_under_their_part_and_nothing_changes(
    api: Api, account_a: Account, parts: dict[str, Any], field: str, rule: str
) -> None:
    """Fields are named where they sit: ``contactUpsertRequest.contact.email``,
    ``addContactExtEventRequest.contactEvent.value``; the contact part is not applied
    when the event part is refused (D)."""
    api.upsert("jan@shop.pl", contact={"name": "Before"})
    before = snapshot(account_a)
    envelope = api.post(PATH, **parts)
    assert envelope["success"] is False
    assert envelope["message"] == [f"Field '{field}' {rule}"]
    assert envelope["values"] == {"field": field}
    assert snapshot(account_a) == before


def test_a_state_refusal_of_the_event_part_leaves_the_contact_part_unapplied(
    api: Api, account_a: Account
) -> None:
    """The event part refused by the state (a read-only owner, an unknown id): the contact
    part, checked first and valid, is not applied either (D)."""
    api.upsert("jan@shop.pl", contact={"name": "Before"})
    api.ok("contact/upsert", contact={"email": "ro@shop.pl"})
    account_a.users.add_owner("ro@shop.pl", A_SECOND, "READ_ONLY")
    before = snapshot(account_a)
    contact = contact_part(contact={"email": "jan@shop.pl", "name": "After"})
    texts = api.fail(
        PATH,
        contactUpsertRequest=contact,
        addContactExtEventRequest=event_part(owner=A_SECOND, email="ro@shop.pl"),
    )
    assert texts == [f"Owner {A_SECOND} has read-only access to contact ro@shop.pl"]
    unknown = "00000000-0000-4000-8000-000000000000"
    texts = api.fail(
        PATH,
        contactUpsertRequest=contact,
        addContactExtEventRequest=event_part(email=OMIT, contactId=unknown),
    )
    assert texts == [f"Contact not found: {unknown}"]
    assert snapshot(account_a) == before
    assert len(account_a.events) == 0


@pytest.mark.parametrize(
    ("change", "text"),
    [
        ({"newEmail": "taken@shop.pl"}, "Contact with email taken@shop.pl already exists"),
        ({"loyaltyProgram": "No Such Program"}, "Specified loyalty program does not exist"),
    ],
)
def test_a_refused_contact_part_adds_no_event(
    api: Api, account_a: Account, change: dict[str, Any], text: str
) -> None:
    """The upsert's own checks against the cards (a taken ``newEmail``, an unknown
    ``loyaltyProgram``, protocol §3.3) refuse the call before the event is added."""
    api.upsert("jan@shop.pl")
    api.upsert("taken@shop.pl")
    before = snapshot(account_a)
    texts = api.fail(
        PATH, contactUpsertRequest=contact_part(**change), addContactExtEventRequest=event_part()
    )
    assert texts == [text]
    assert snapshot(account_a) == before
    assert len(account_a.events) == 0


def test_the_call_log_masks_the_parts_signatures(api: Api, emu: Any) -> None:
    """A part carrying a ``sha`` (some clients copy the auth fields in) is masked too."""
    api.ok(PATH, contactUpsertRequest=contact_part(sha="a" * 40))
    request = emu.calls[-1].request
    assert request["sha"] == "***"
    assert request["contactUpsertRequest"]["sha"] == "***"
