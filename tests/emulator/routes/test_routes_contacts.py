"""Contacts over raw JSON: insert, update, upsert, delete, hasContact, batchupsert,
monitoring (protocol §6; semantics S2, S3); the reads: basic, list (S1.7), ranges and pages
(protocol §5.3, §6)."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from routes_helpers import (
    A_ID,
    A_OWNER,
    A_SECOND,
    A_SECRET,
    B_ID,
    B_OWNER,
    B_SECRET,
    NOW_MS,
    OMIT,
    Api,
    new_emulator,
    snapshot,
)
from routes_server import WIRES, over

from salesmanago_emulator import Account, Emulator, FrozenClock

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _basic(api: Api, email: str) -> dict[str, object]:
    contacts = api.ok("contact/basic", email=[email])["contacts"]
    assert len(contacts) == 1
    return dict(contacts[0])


def test_insert_returns_lowercase_uuid_and_external_id(api: Api) -> None:
    envelope = api.ok("contact/insert", contact={"email": "Jan@Example.com", "externalId": "ERP-1"})
    assert envelope == {
        "success": True,
        "message": [],
        "contactId": envelope["contactId"],
        "externalId": "ERP-1",
    }
    assert UUID.fullmatch(envelope["contactId"])


def test_s2_2_insert_of_live_email_already_exists(emu: Emulator, api: Api) -> None:
    """S2.1/S2.2: insert of an existing e-mail (any case) says it already exists."""
    api.ok("contact/insert", contact={"email": "jan@example.com"})
    before = snapshot(emu.account(A_ID))
    messages = api.fail("contact/insert", contact={"email": " JAN@example.com "})
    assert messages == ["Contact with email jan@example.com already exists"]
    assert snapshot(emu.account(A_ID)) == before


def test_insert_without_email(api: Api) -> None:
    assert api.fail("contact/insert", contact={"name": "No Mail"}) == [
        "Field 'contact.email' is required"
    ]
    assert api.fail("contact/insert") == ["Field 'contact.email' is required"]


def test_s2_2_upsert_same_email_same_id_and_full_write(api: Api) -> None:
    """S2.2: upsert of an existing e-mail returns the same contactId."""
    first = api.ok(
        "contact/upsert",
        contact={
            "email": "anna@example.com",
            "name": "Anna",
            "phone": "+48 600 000 000",
            "fax": "22 000",
            "company": "ACME",
            "externalId": "X1",
            "state": "customer",
            "address": {
                "streetAddress": "Długa 1",
                "zipCode": "00-001",
                "city": "Warszawa",
                "country": "PL",
            },
        },
        province="mazowieckie",
        birthday="19840804",
        lang="PL",
        forceOptIn=True,
        forcePhoneOptIn=True,
        tags=["vip", "Żółty kot"],
        properties={"size": "43", "count": 7},
        useApiDoubleOptIn=False,
        loyaltyProgram=None,
    )
    second = api.ok("contact/upsert", contact={"email": "ANNA@example.com", "phone": "123"})
    assert second["contactId"] == first["contactId"]
    basic = _basic(api, "anna@example.com")
    assert basic == {
        "contactId": first["contactId"],
        "name": "Anna",
        "email": "anna@example.com",
        "phone": "123",
        "fax": "22 000",
        "score": 0,
        "state": "CUSTOMER",
        "optedOut": False,
        "optedOutPhone": False,
        "deleted": False,
        "invalid": False,
        "company": "ACME",
        "externalId": "X1",
        "address": {
            "streetAddress": "Długa 1",
            "zipCode": "00-001",
            "city": "Warszawa",
            "country": "PL",
        },
        "birthdayYear": "1984",
        "birthdayMonth": "8",
        "birthdayDay": "4",
        "modifiedOn": basic["modifiedOn"],
        "createdOn": basic["createdOn"],
        "lastVisit": None,
    }
    full = api.ok("contact/list", email=["anna@example.com"])["contacts"][0]
    assert [t["tag"] for t in full["contactTags"]] == ["VIP", "ZOLTY_KOT"]
    assert {p["name"]: p["value"] for p in full["properties"]} == {"size": "43", "count": "7"}
    assert full["province"] == "mazowieckie"


def test_upsert_accepts_top_level_email_and_comma_remove_tags(api: Api) -> None:
    """Protocol §13.3 (top-level email on upsert) and §5.2 (removeTags as a comma string)."""
    contact_id = api.ok("contact/upsert", email="top@example.com", tags=["A", "B", "C"])[
        "contactId"
    ]
    again = api.ok("contact/upsert", contact={"email": "top@example.com"}, removeTags="a, b")
    assert again["contactId"] == contact_id
    full = api.ok("contact/list", email=["top@example.com"])["contacts"][0]
    assert [t["tag"] for t in full["contactTags"]] == ["C"]


def test_birthday_without_year(api: Api) -> None:
    api.upsert("bd@example.com", birthday="0229")
    basic = _basic(api, "bd@example.com")
    assert (basic["birthdayYear"], basic["birthdayMonth"], basic["birthdayDay"]) == (
        None,
        "2",
        "29",
    )


def test_new_contact_defaults(api: Api) -> None:
    """S2.5/S2.6: PROSPECT, score 0, opted out of e-mail and phone; address null."""
    api.upsert("plain@example.com")
    basic = _basic(api, "plain@example.com")
    assert basic["state"] == "PROSPECT"
    assert basic["score"] == 0
    assert basic["optedOut"] is True
    assert basic["optedOutPhone"] is True
    assert basic["address"] is None
    assert basic["createdOn"] == basic["modifiedOn"] == 1_768_471_200_000


def test_s2_2_update_changes_only_fields_sent(api: Api) -> None:
    """S2.2: update keeps the fields it does not send (PX: fax kept after phone update)."""
    contact_id = api.upsert("u@example.com", contact={"phone": "1", "fax": "2"})
    envelope = api.ok("contact/update", email="U@example.com", contact={"phone": "9"})
    assert envelope["contactId"] == contact_id
    basic = _basic(api, "u@example.com")
    assert (basic["phone"], basic["fax"]) == ("9", "2")


def test_update_by_contact_id_and_new_email(api: Api) -> None:
    contact_id = api.upsert("old@example.com")
    envelope = api.ok(
        "contact/update", email=OMIT, contactId=contact_id, newEmail="new@example.com"
    )
    assert envelope["contactId"] == contact_id
    assert api.ok("contact/hasContact", email="old@example.com")["result"] is False
    assert api.ok("contact/hasContact", email="new@example.com")["contactId"] == contact_id


def test_s2_2_update_missing_is_not_found(emu: Emulator, api: Api) -> None:
    assert api.fail("contact/update", email="ghost@example.com", contact={"name": "x"}) == [
        "Contact not found: ghost@example.com"
    ]
    assert api.fail("contact/update", contact={"name": "x"}) == ["Field 'email' is required"]
    assert emu.account(A_ID).count() == 0


def test_update_contact_email_must_match(api: Api) -> None:
    api.upsert("m@example.com")
    messages = api.fail("contact/update", email="m@example.com", contact={"email": "z@example.com"})
    assert messages == [
        "Field 'contact.email' must match the top-level email (use newEmail to change the address)"
    ]


def test_s3_1_soft_delete_then_has_contact_false_but_basic_flags_it(api: Api) -> None:
    """S3.1: soft-deleted: hasContact false/null; basic still shows it, deleted: true."""
    contact_id = api.upsert("d@example.com")
    assert api.ok("contact/delete", email="d@example.com") == {
        "success": True,
        "message": [],
        "result": None,
    }
    assert api.ok("contact/hasContact", email="d@example.com") == {
        "success": True,
        "message": [],
        "result": False,
        "contactId": None,
    }
    basic = _basic(api, "d@example.com")
    assert basic["contactId"] == contact_id
    assert basic["deleted"] is True
    assert api.fail("contact/delete", email="d@example.com") == ["Contact not found: d@example.com"]


def test_s3_2_upsert_restores_soft_deleted_card(api: Api) -> None:
    """S3.2: upsert before the purge restores the same card."""
    contact_id = api.upsert("r@example.com", tags=["KEEP"])
    api.ok("contact/delete", email="r@example.com")
    assert api.upsert("r@example.com", contact={"name": "Back"}) == contact_id
    full = api.ok("contact/list", email=["r@example.com"])["contacts"][0]
    assert full["deleted"] is False
    assert full["name"] == "Back"
    assert [t["tag"] for t in full["contactTags"]] == ["KEEP"]


def test_s3_1_purge_at_0200_frees_the_email(emu: Emulator, api: Api) -> None:
    """S3.1/S3.4: after 02:00 (Warsaw) the soft-deleted card is gone for good."""
    contact_id = api.upsert("p@example.com")
    api.ok("contact/delete", email="p@example.com")
    clock = emu.clock
    assert isinstance(clock, FrozenClock)
    clock.advance(timedelta(hours=15))  # 2026-01-16 01:00 UTC = 02:00 Warsaw
    assert api.ok("contact/basic", email=["p@example.com"])["contacts"] == []
    assert api.upsert("p@example.com") != contact_id


def test_s3_3_permanent_delete(api: Api) -> None:
    """S3.3 / protocol §14: permanently -> gone at once; insert right away gets a new id."""
    contact_id = api.upsert("perm@example.com")
    assert api.ok("contact/delete", email="perm@example.com", permanently=True)["result"] is None
    assert api.ok("contact/hasContact", email="perm@example.com")["contactId"] is None
    assert api.ok("contact/basic", email=["perm@example.com"])["contacts"] == []
    assert (
        api.ok("contact/insert", contact={"email": "perm@example.com"})["contactId"] != contact_id
    )


def test_delete_by_contact_id(api: Api) -> None:
    contact_id = api.upsert("byid@example.com")
    api.ok("contact/delete", email=OMIT, contactId=contact_id, permanently=True)
    assert api.ok("contact/basicById", id=[contact_id])["contacts"] == []


def test_has_contact_live(api: Api) -> None:
    contact_id = api.upsert("h@example.com")
    assert api.ok("contact/hasContact", email=" H@EXAMPLE.com") == {
        "success": True,
        "message": [],
        "result": True,
        "contactId": contact_id,
    }


# --- batchupsert ----------------------------------------------------------------------------


def test_batch_upsert_all_applied(api: Api) -> None:
    existing = api.upsert("b0@example.com")
    envelope = api.ok(
        "contact/batchupsert",
        upsertDetails=[
            {"contact": {"email": "B0@example.com", "name": "Zero"}, "tags": ["X"]},
            {"contact": {"email": "b1@example.com"}, "properties": {"k": "v"}},
        ],
        lang="PL",
        useApiDoubleOptIn=False,
    )
    assert envelope["message"] == []
    assert "failures" not in envelope
    ids = envelope["contactIds"]
    assert ids["b0@example.com"] == existing
    assert set(ids) == {"b0@example.com", "b1@example.com"}
    assert (
        api.ok("contact/hasContact", email="b1@example.com")["contactId"] == ids["b1@example.com"]
    )


def test_batch_upsert_partial_failure_reports_items(emu: Emulator, api: Api) -> None:
    """Per-item failures name upsertDetails[i]; the good items still apply; success false."""
    envelope = api.post(
        "contact/batchupsert",
        upsertDetails=[
            {"contact": {"email": "ok0@example.com"}},
            {"contact": {"email": "not-an-email"}},
            {"contact": {"email": 42}},
            {"contact": {"email": "ok3@example.com"}, "tags": "T1,T2"},
            {"contact": {"email": "bad4@example.com", "state": "BOSS"}},
        ],
    )
    assert envelope["success"] is False
    assert set(envelope["contactIds"]) == {"ok0@example.com", "ok3@example.com"}
    assert envelope["failures"] == {
        "1": ["Field 'upsertDetails[1].contact.email' must be a valid e-mail address"],
        "2": ["Field 'upsertDetails[2].contact.email' must be a string"],
        "4": [
            "Field 'upsertDetails[4].contact.state' must be one of "
            "CUSTOMER, PROSPECT, PARTNER, OTHER, UNKNOWN"
        ],
    }
    assert envelope["message"] == [t for texts in envelope["failures"].values() for t in texts]
    account = emu.account(A_ID)
    assert account.count() == 2
    assert account.has_contact("bad4@example.com") is None


def test_batch_upsert_limit_1000(emu: Emulator, api: Api) -> None:
    details = [{"contact": {"email": f"x{i}@example.com"}} for i in range(1001)]
    assert api.fail("contact/batchupsert", upsertDetails=details) == [
        "Field 'upsertDetails' must hold at most 1000 items"
    ]
    assert emu.account(A_ID).count() == 0
    assert len(api.ok("contact/batchupsert", upsertDetails=details[:1000])["contactIds"]) == 1000


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (OMIT, "Field 'upsertDetails' is required"),
        ([], "Field 'upsertDetails' must not be empty"),
        ({"contact": {}}, "Field 'upsertDetails' must be a list of objects"),
        (["a@example.com"], "Field 'upsertDetails[0]' must be an object"),
    ],
)
def test_batch_upsert_shape_errors(api: Api, value: object, text: str) -> None:
    assert api.fail("contact/batchupsert", upsertDetails=value) == [text]


# --- monitoring (S2.8) ------------------------------------------------------------------


def test_s2_8_stop_and_restore_monitoring(emu: Emulator, api: Api) -> None:
    a = api.upsert("m1@example.com")
    api.upsert("m2@example.com")
    addressees = [
        {"addresseeType": "EMAIL", "value": "M2@example.com"},
        {"addresseeType": "CONTACT_ID", "value": a},
    ]
    assert api.ok("contact/stopMonitoring", contacts=addressees, owner=OMIT) == {
        "success": True,
        "message": [],
    }
    account = emu.account(A_ID)
    assert [account.find_live(e).monitored for e in ("m1@example.com", "m2@example.com")] == [
        False,
        False,
    ]
    api.ok("contact/restoreMonitoring", contacts=addressees[:1])
    assert account.find_live("m2@example.com").monitored is True
    assert account.find_live("m1@example.com").monitored is False


def test_monitoring_all_or_nothing(emu: Emulator, api: Api) -> None:
    api.upsert("m1@example.com")
    addressees = [
        {"addresseeType": "EMAIL", "value": "m1@example.com"},
        {"addresseeType": "EMAIL", "value": "ghost@example.com"},
    ]
    assert api.fail("contact/stopMonitoring", contacts=addressees) == [
        "Contact not found: ghost@example.com"
    ]
    assert emu.account(A_ID).find_live("m1@example.com").monitored is True
    assert api.fail(
        "contact/stopMonitoring", contacts=[{"addresseeType": "TAG", "value": "VIP"}]
    ) == ["Field 'contacts[0].addresseeType' must be one of EMAIL, CONTACT_ID"]
    assert api.fail("contact/stopMonitoring", contacts=[]) == ["Field 'contacts' must not be empty"]


def test_s2_8_monitoring_addressee_value_must_be_of_its_type(emu: Emulator, api: Api) -> None:
    """An EMAIL addressee holding a contact id (or the reverse) names nobody."""
    contact_id = api.upsert("m1@example.com")
    for kind, value in (("EMAIL", contact_id), ("CONTACT_ID", "m1@example.com")):
        addressee = [{"addresseeType": kind, "value": value}]
        assert api.fail("contact/stopMonitoring", contacts=addressee) == [
            f"Contact not found: {value}"
        ]
    assert emu.account(A_ID).find_live("m1@example.com").monitored is True


def test_second_user_sees_account_contacts(api: Api) -> None:
    """Any user of the account may act as owner (S1.1)."""
    api.upsert("shared@example.com")
    other = Api(api.http, api.client_id, api.secret, A_SECOND)
    assert other.ok("contact/hasContact", email="shared@example.com")["result"] is True
    assert api.owner == A_OWNER


# --- reads: basic, list, ranges, pages -------------------------------------------------------


def _clock(emu: Emulator) -> FrozenClock:
    clock = emu.clock
    assert isinstance(clock, FrozenClock)
    return clock


def test_basic_and_basic_by_id_skip_unknown_and_duplicates(api: Api) -> None:
    a = api.upsert("a@example.com")
    b = api.upsert("b@example.com")
    envelope = api.ok(
        "contact/basic",
        email=["b@example.com", "nobody@example.com", "A@example.com", "b@example.com"],
    )
    assert [c["contactId"] for c in envelope["contacts"]] == [b, a]
    envelope = api.ok("contact/basicById", id=[a, "00000000-0000-0000-0000-000000000000"])
    assert [c["email"] for c in envelope["contacts"]] == ["a@example.com"]


def test_s1_7_list_only_the_owners_contacts_list_all_any(api: Api) -> None:
    """S1.7: list/listById only the request owner's contacts; listAll/listAllById any."""
    mine = api.upsert("mine@example.com")
    second = Api(api.http, api.client_id, api.secret, A_SECOND)
    theirs = second.upsert("theirs@example.com")
    emails = ["mine@example.com", "theirs@example.com"]
    assert [c["id"] for c in api.ok("contact/list", email=emails)["contacts"]] == [mine]
    assert [c["id"] for c in api.ok("contact/listById", contactId=[mine, theirs])["contacts"]] == [
        mine
    ]
    assert [c["id"] for c in api.ok("contact/listAll", email=emails)["contacts"]] == [mine, theirs]
    assert [
        c["id"] for c in api.ok("contact/listAllById", contactId=[theirs, mine])["contacts"]
    ] == [theirs, mine]


def test_s1_7_co_owner_sees_contact_in_list(emu: Emulator, api: Api) -> None:
    """S1.7: any ownership level counts for list."""
    contact_id = api.upsert("co@example.com")
    emu.account(A_ID).users.add_owner(contact_id, A_SECOND, "READ_ONLY")
    second = Api(api.http, api.client_id, api.secret, A_SECOND)
    assert [c["id"] for c in second.ok("contact/list", email=["co@example.com"])["contacts"]] == [
        contact_id
    ]


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("contact/list", "email"),
        ("contact/listById", "contactId"),
        ("contact/listAll", "email"),
        ("contact/listAllById", "contactId"),
    ],
)
def test_list_limit_50(api: Api, path: str, key: str) -> None:
    keys = [f"k{i}@example.com" for i in range(51)]
    assert api.fail(path, **{key: keys}) == [f"Field '{key}' must hold at most 50 items"]
    assert api.ok(path, **{key: keys[:50]})["contacts"] == []


def test_s3_1_reads_by_key_show_soft_deleted(api: Api) -> None:
    """S3.1: list shows a soft-deleted card flagged deleted until the purge."""
    contact_id = api.upsert("gone@example.com")
    api.ok("contact/delete", email="gone@example.com")
    contact = api.ok("contact/list", email=["gone@example.com"])["contacts"][0]
    assert contact["id"] == contact_id
    assert contact["deleted"] is True


def test_created_and_modified_ranges(emu: Emulator, api: Api) -> None:
    """Ranges by ms, seconds and ISO-8601; soft-deleted contacts left out (S3.1)."""
    clock = _clock(emu)
    a = api.upsert("a@example.com")
    clock.advance(timedelta(minutes=1))
    b = api.upsert("b@example.com")
    clock.advance(timedelta(minutes=1))
    api.upsert("a@example.com", contact={"name": "changed"})
    window = {"from": NOW_MS, "to": NOW_MS + 60_000}
    created = api.ok("contact/createdContacts", **window)["createdContacts"]
    assert created == [{"id": a, "email": "a@example.com"}, {"id": b, "email": "b@example.com"}]
    modified = api.ok(
        "contact/modifiedContacts", **{"from": "2026-01-15T10:00:30Z", "to": NOW_MS // 1000 + 600}
    )["modifiedContacts"]
    assert modified == [{"id": b, "email": "b@example.com"}, {"id": a, "email": "a@example.com"}]
    api.ok("contact/delete", email="b@example.com")
    created = api.ok("contact/createdContacts", **window)["createdContacts"]
    assert created == [{"id": a, "email": "a@example.com"}]


def test_range_errors(api: Api) -> None:
    assert api.fail("contact/createdContacts", to=NOW_MS) == ["Field 'from' is required"]
    assert api.fail("contact/modifiedContacts", **{"from": NOW_MS, "to": NOW_MS - 1}) == [
        "Field 'to' must not be before 'from'"
    ]
    messages = api.fail("contact/modifiedContacts", **{"from": "last week", "to": NOW_MS})
    assert messages == [
        "Field 'from' must be a timestamp in milliseconds or seconds, a numeric string "
        "or an ISO-8601 date-time"
    ]


def test_paginated_modified_contacts_zero_based(emu: Emulator, api: Api) -> None:
    """Pages start at 0; hasMore tells whether a next page exists."""
    clock = _clock(emu)
    ids = []
    for i in range(5):
        ids.append(api.upsert(f"p{i}@example.com"))
        clock.advance(timedelta(seconds=1))
    window = {"from": NOW_MS, "to": NOW_MS + 10_000}
    pages = []
    for page in range(3):
        envelope = api.ok("contact/paginatedModifiedContacts", page=page, size=2, **window)
        pages.append(([c["id"] for c in envelope["modifiedContacts"]], envelope["hasMore"]))
    assert pages == [(ids[0:2], True), (ids[2:4], True), (ids[4:5], False)]
    envelope = api.ok("contact/paginatedModifiedContacts", page=9, size=2, **window)
    assert envelope["modifiedContacts"] == []
    assert envelope["hasMore"] is False


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        ({"page": -1, "size": 10}, "Field 'page' must be at least 0"),
        ({"page": 0, "size": 0}, "Field 'size' must be at least 1"),
        ({"page": 0, "size": 1001}, "Field 'size' must be at most 1000"),
        ({"page": "first", "size": 10}, "Field 'page' must be an integer"),
        ({"size": 10}, "Field 'page' is required"),
    ],
)
def test_paginated_errors(api: Api, fields: dict[str, object], text: str) -> None:
    window = {"from": NOW_MS, "to": NOW_MS + 1}
    assert api.fail("contact/paginatedModifiedContacts", **window, **fields) == [text]


def test_paginated_accepts_numeric_strings(api: Api) -> None:
    api.upsert("s@example.com")
    envelope = api.ok(
        "contact/paginatedModifiedContacts", **{"from": "0", "to": str(NOW_MS)}, page="0", size="5"
    )
    assert [c["email"] for c in envelope["modifiedContacts"]] == ["s@example.com"]


# --- ``integration/upsert`` as raw JSON through the in-process transport (protocol §6, §14;

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


# --- Contacts on the wire, issue 12: the §14 facts about ``insert`` and e-mail spelling; ----------

KELVIN = "\u212a"


@pytest.mark.parametrize("wire", WIRES)
def test_protocol_14_insert_of_a_live_email_is_refused_with_its_contact_id(
    emu: Emulator, wire: str
) -> None:
    """§14: a live suite re-runs an insert of a fixed address and reads ``contactId``;
    the insert is still refused and changes nothing (S2.1, S2.2)."""
    with over(emu, wire) as api:
        contact_id = api.ok("contact/insert", contact={"email": "fixed@example.com"})["contactId"]
        before = snapshot(emu.account(A_ID))
        envelope = api.post("contact/insert", contact={"email": "Fixed@Example.com", "name": "X"})
    assert envelope == {
        "success": False,
        "message": ["Contact with email fixed@example.com already exists"],
        "contactId": contact_id,
    }
    assert snapshot(emu.account(A_ID)) == before


@pytest.mark.parametrize("wire", WIRES)
def test_new_email_taken_carries_no_contact_id(emu: Emulator, wire: str) -> None:
    """Only an insert's refusal names the card; an upsert's ``newEmail`` conflict does not."""
    with over(emu, wire) as api:
        api.upsert("a@example.com")
        api.upsert("b@example.com")
        envelope = api.post(
            "contact/upsert", contact={"email": "a@example.com"}, newEmail="b@example.com"
        )
    assert envelope == {
        "success": False,
        "message": ["Contact with email b@example.com already exists"],
    }


@pytest.mark.parametrize("wire", WIRES)
@pytest.mark.parametrize(
    "path", ["contact/upsert", "contact/insert", "contact/update", "contact/batchupsert"]
)
def test_protocol_3_4_kelvin_sign_email_is_refused_on_every_write(
    emu: Emulator, wire: str, path: str
) -> None:
    """§14 (issue 12): ``\\u212aate@example.com`` folds to ``kate@...`` only by case
    folding; every write refuses it, and it does not name the ``kate`` card."""
    email = f"{KELVIN}ate@example.com"
    with over(emu, wire) as api:
        api.upsert("kate@example.com", contact={"name": "Kate"})
        before = snapshot(emu.account(A_ID))
        if path == "contact/batchupsert":
            envelope = api.post(path, upsertDetails=[{"contact": {"email": email}}])
            assert envelope["failures"] == {
                "0": ["Field 'upsertDetails[0].contact.email' must be a valid e-mail address"]
            }
        elif path == "contact/update":
            assert api.fail(path, email=email, contact={"name": "K"}) == [
                f"Contact not found: {email}"
            ]
        else:
            assert api.fail(path, contact={"email": email, "name": "K"}) == [
                "Field 'contact.email' must be a valid e-mail address"
            ]
        assert api.ok("contact/hasContact", email=email)["result"] is False
    assert snapshot(emu.account(A_ID)) == before


# --- contact/batchupsertv2 (protocol §3.1, §6; issue 12 wire §2) ----------------------

V2 = "contact/batchupsertv2"
STATUS = "job/status"


def _details(*emails: str) -> list[dict[str, object]]:
    return [{"contact": {"email": email}} for email in emails]


@pytest.mark.parametrize("wire", WIRES)
def test_batchupsertv2_answers_a_request_id_and_applies_on_the_done_poll(
    emu: Emulator, wire: str
) -> None:
    """``requestId`` (digits) at once; nothing applied until ``job/status`` finds the
    job done (by default: the first poll); then ``fileUrl`` with ``contactIds`` and
    ``failures`` as ``batchupsert`` names them."""
    details = [
        {"contact": {"email": "a@example.com", "name": "A"}, "tags": ["NEW"]},
        {"contact": {"email": "not-an-email"}},
        {"contact": "oops"},
        {"contact": {"email": "b@example.com"}},
    ]
    with over(emu, wire) as api:
        envelope = api.ok(V2, upsertDetails=details, lang="PL")
        assert set(envelope) == {"success", "message", "requestId"}
        request_id = envelope["requestId"]
        assert isinstance(request_id, str)
        assert request_id.isdigit()
        assert api.ok("contact/hasContact", email="a@example.com")["result"] is False
        status = api.ok(STATUS, requestId=request_id)
        assert set(status) == {"success", "message", "fileUrl"}
        file = api.get(status["fileUrl"])
        assert file.status_code == 200
        (card,) = api.ok("contact/list", email=["a@example.com"])["contacts"]
    account = emu.account(A_ID)
    assert file.json() == {
        "contactIds": {
            "a@example.com": account.find_live("a@example.com").id,
            "b@example.com": account.find_live("b@example.com").id,
        },
        "failures": {
            "1": ["Field 'upsertDetails[1].contact.email' must be a valid e-mail address"],
            "2": ["Field 'upsertDetails[2].contact' must be an object"],
        },
    }
    assert card["name"] == "A"
    assert [t["tag"] for t in card["contactTags"]] == ["NEW"]
    assert account.find_live("b@example.com").lang == "PL"  # the batch's lang, per item


@pytest.mark.parametrize("wire", WIRES)
def test_batchupsertv2_runs_under_the_job_rules_with_its_own_progress_text(
    emu: Emulator, wire: str
) -> None:
    """``pollsUntilDone`` and ``processingSeconds`` hold for imports as for exports;
    while running ``job/status`` answers ``Import {requestId} in progress`` and no read
    shows the contacts, whichever of clock and polls comes last."""
    emu.control("jobs/configure", {"clientId": A_ID, "pollsUntilDone": 1, "processingSeconds": 60})
    with over(emu, wire) as api:
        request_id = api.ok(V2, upsertDetails=_details("a@example.com"))["requestId"]
        for _ in range(2):
            running = api.ok(STATUS, requestId=request_id)
            assert running["message"] == [f"Import {request_id} in progress"]
            assert "fileUrl" not in running
        emu.clock.advance(timedelta(seconds=60))
        assert api.ok("contact/hasContact", email="a@example.com")["result"] is False
        assert "fileUrl" in api.ok(STATUS, requestId=request_id)
        assert api.ok("contact/hasContact", email="a@example.com")["result"] is True


@pytest.mark.parametrize("wire", WIRES)
def test_batchupsertv2_fire_events_is_recorded_on_the_job(emu: Emulator, wire: str) -> None:
    """``fireEvents`` (default true) is kept on the job and shown by the control API's
    ``jobs``; no rule or workflow fires on an import in the emulator yet."""
    with over(emu, wire) as api:
        api.ok(V2, upsertDetails=_details("a@example.com"))
        api.ok(V2, upsertDetails=_details("b@example.com"), fireEvents=False)
        assert api.fail(V2, upsertDetails=_details("c@example.com"), fireEvents="no") == [
            "Field 'fireEvents' must be a boolean"
        ]
    jobs = emu.control("jobs", {"clientId": A_ID})["jobs"]
    assert [(j["kind"], j["import"]["fireEvents"], j["import"]["items"]) for j in jobs] == [
        ("CONTACT_IMPORT", True, 1),
        ("CONTACT_IMPORT", False, 1),
    ]
    assert {j["import"]["owner"] for j in jobs} == {A_OWNER}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"upsertDetails": OMIT}, "Field 'upsertDetails' is required"),
        ({"upsertDetails": []}, "Field 'upsertDetails' must not be empty"),
        ({"upsertDetails": "x"}, "Field 'upsertDetails' must be a list of objects"),
        (
            {"upsertDetails": _details(*(f"u{i}@example.com" for i in range(1001)))},
            "Field 'upsertDetails' must hold at most 1000 items",
        ),
        ({"lang": 5}, "Field 'lang' must be a string"),
        ({"owner": OMIT}, "Not authenticated, not owner specified"),
        ({"owner": B_OWNER}, "Not authenticated, invalid owner"),
    ],
)
@pytest.mark.parametrize("wire", WIRES)
def test_batchupsertv2_refusals_start_no_job(
    emu: Emulator, wire: str, fields: dict[str, object], message: str
) -> None:
    with over(emu, wire) as api:
        body = {"upsertDetails": _details("a@example.com"), **fields}
        assert api.fail(V2, **body) == [message]
    assert emu.account(A_ID).exports.jobs == ()
    assert emu.account(A_ID).count() == 0


@pytest.mark.parametrize("wire", WIRES)
def test_batchupsertv2_job_belongs_to_its_account(emu: Emulator, wire: str) -> None:
    """S1.2: account B cannot poll A's import (ids repeat across accounts)."""
    with over(emu, wire) as api:
        request_id = api.ok(V2, upsertDetails=_details("a@example.com"))["requestId"]
    with over(emu, wire, client_id=B_ID, secret=B_SECRET, owner=B_OWNER) as api_b:
        assert api_b.fail(STATUS, requestId=request_id) == [
            f"Field 'requestId' names no job of this account (got {request_id})"
        ]
    assert emu.account(B_ID).count() == 0
    assert emu.account(A_ID).count() == 0


# --- contact/batchDelete (protocol §5.4; S3.1, S3.3; issue 12 wire §2) -----------------

DELETE = "contact/batchDelete"


def _to(kind: str, value: str) -> dict[str, str]:
    return {"addresseeType": kind, "value": value}


@pytest.mark.parametrize("wire", WIRES)
def test_batch_delete_soft_deletes_every_addressee(emu: Emulator, wire: str) -> None:
    """EMAIL, CONTACT_ID (any case) and TAG (every live card carrying it); ``result`` null;
    the cards are soft-deleted as ``delete`` does (restorable until 02:00)."""
    account = emu.account(A_ID)
    with over(emu, wire) as api:
        api.upsert("a@example.com")
        b_id = api.upsert("b@example.com")
        api.upsert("c@example.com", tags=["OLD"])
        api.upsert("d@example.com", tags=["old"])
        api.upsert("keep@example.com", tags=["NEW"])
        contacts = [_to("email", "A@Example.com"), _to("CONTACT_ID", b_id), _to("Tag", "old")]
        envelope = api.ok(DELETE, contacts=contacts)
        assert envelope == {"success": True, "message": [], "result": None}
        assert api.ok("contact/hasContact", email="c@example.com")["result"] is False
    deleted = {r.email for r in account.all_contacts() if r.deleted}
    assert deleted == {"a@example.com", "b@example.com", "c@example.com", "d@example.com"}
    assert account.count() == 1
    account.contacts.restore("a@example.com")  # soft: restorable (S3.1)


@pytest.mark.parametrize("wire", WIRES)
def test_batch_delete_permanently_removes_soft_deleted_ones_too(emu: Emulator, wire: str) -> None:
    """S3.3: ``permanently`` removes at once, a card already soft-deleted included (as
    ``delete`` with ``permanently`` does)."""
    account = emu.account(A_ID)
    with over(emu, wire) as api:
        api.upsert("a@example.com")
        api.upsert("b@example.com")
        api.ok("contact/delete", email="b@example.com")
        contacts = [_to("EMAIL", "a@example.com"), _to("EMAIL", "b@example.com")]
        api.ok(DELETE, contacts=contacts, permanently=True)
    assert list(account.all_contacts()) == []


@pytest.mark.parametrize(
    ("contacts", "message"),
    [
        ([_to("EMAIL", "a@example.com"), _to("EMAIL", "nobody@example.com")], "nobody"),
        ([_to("CONTACT_ID", "00000000-0000-4000-8000-000000000000")], "00000000"),
        ([_to("EMAIL", "a@example.com"), _to("EMAIL", "gone@example.com")], "gone"),
        ([_to("EMAIL", "a@example.com"), _to("PHONE", "1")], "phone"),
        ([_to("TAG", " ")], "tag"),
        ([], "empty"),
    ],
    ids=["unknown-email", "unknown-id", "soft-deleted", "bad-type", "blank-tag", "none"],
)
@pytest.mark.parametrize("wire", WIRES)
def test_batch_delete_refusal_changes_nothing(
    emu: Emulator, wire: str, contacts: list[dict[str, str]], message: str
) -> None:
    """All addressees are resolved before anything changes: one unknown (or an already
    soft-deleted card, without ``permanently``) refuses the call, and no card goes."""
    texts = {
        "nobody": "Contact not found: nobody@example.com",
        "00000000": "Contact not found: 00000000-0000-4000-8000-000000000000",
        "gone": "Contact not found: gone@example.com",
        "phone": "Field 'contacts[1].addresseeType' must be one of EMAIL, CONTACT_ID, TAG",
        "tag": "Field 'contacts[0].value' must not be empty",
        "empty": "Field 'contacts' must not be empty",
    }
    account = emu.account(A_ID)
    with over(emu, wire) as api:
        api.upsert("a@example.com", tags=["T"])
        api.upsert("gone@example.com")
        api.ok("contact/delete", email="gone@example.com")
        before = snapshot(account)
        assert api.fail(DELETE, contacts=contacts) == [texts[message]]
    assert snapshot(account) == before


@pytest.mark.parametrize("wire", WIRES)
def test_batch_delete_by_a_read_only_owner_changes_nothing(emu: Emulator, wire: str) -> None:
    """S1.4: a read-only owner of any named card refuses the whole call."""
    account = emu.account(A_ID)
    with over(emu, wire) as api:
        api.upsert("a@example.com")
        api.upsert("b@example.com")
    account.users.add_owner("b@example.com", A_SECOND, "READ_ONLY")
    before = snapshot(account)
    with over(emu, wire, owner=A_SECOND) as second:
        contacts = [_to("EMAIL", "a@example.com"), _to("EMAIL", "b@example.com")]
        assert second.fail(DELETE, contacts=contacts) == [
            f"Owner {A_SECOND} has read-only access to contact b@example.com"
        ]
    assert snapshot(account) == before


@pytest.mark.parametrize("wire", WIRES)
def test_batch_delete_of_another_account_names_nobody(emu: Emulator, wire: str) -> None:
    """S1.2: B naming A's card (by e-mail or id) finds nothing; A is untouched."""
    with over(emu, wire) as api:
        a_id = api.upsert("a@example.com", tags=["T"])
    before = snapshot(emu.account(A_ID))
    with over(emu, wire, client_id=B_ID, secret=B_SECRET, owner=B_OWNER) as api_b:
        assert api_b.fail(DELETE, contacts=[_to("CONTACT_ID", a_id)]) == [
            f"Contact not found: {a_id}"
        ]
        assert api_b.ok(DELETE, contacts=[_to("TAG", "T")])["result"] is None
    assert snapshot(emu.account(A_ID)) == before


# --- contact/paginatedListById (S1.7; issue 12 wire §2) --------------------------------

PAGED = "contact/paginatedListById"


@pytest.mark.parametrize("wire", WIRES)
def test_paginated_list_by_id_pages_the_owners_live_cards_oldest_first(
    emu: Emulator, wire: str
) -> None:
    """The request owner's live cards (any owner level, S1.7), oldest first, in the full
    shape of ``listById``; ``hasMore`` while a later page holds some."""
    account = emu.account(A_ID)
    with over(emu, wire) as api:
        for i in range(5):
            api.upsert(f"u{i}@example.com")
            emu.clock.advance(timedelta(seconds=1))
        api.ok("contact/delete", email="u1@example.com")
        pages = [api.ok(PAGED, page=n, size=2) for n in range(3)]
        (full,) = api.ok("contact/listById", contactId=[pages[0]["contacts"][0]["id"]])["contacts"]
    assert [[c["email"] for c in p["contacts"]] for p in pages] == [
        ["u0@example.com", "u2@example.com"],
        ["u3@example.com", "u4@example.com"],
        [],
    ]
    assert [p["hasMore"] for p in pages] == [True, False, False]
    assert pages[0]["contacts"][0] == full
    assert account.count() == 4


@pytest.mark.parametrize("wire", WIRES)
def test_paginated_list_by_id_shows_only_the_request_owners_cards(emu: Emulator, wire: str) -> None:
    """S1.7: another user's cards are left out, unless the request owner co-owns them;
    ``user`` stands for ``owner`` as on the other reads (§13.4)."""
    account = emu.account(A_ID)
    with over(emu, wire, owner=A_SECOND) as second:
        second.upsert("theirs@example.com")
        second.upsert("shared@example.com")
    with over(emu, wire) as api:
        api.upsert("mine@example.com")
        account.users.add_owner("shared@example.com", A_OWNER, "READ_ONLY")
        page = api.ok(PAGED, page=0, size=10)
        as_user = api.ok(PAGED, page=0, size=10, owner=OMIT, user=A_SECOND)
    assert [c["email"] for c in page["contacts"]] == ["shared@example.com", "mine@example.com"]
    assert [c["email"] for c in as_user["contacts"]] == [
        "theirs@example.com",
        "shared@example.com",
    ]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"page": OMIT}, "Field 'page' is required"),
        ({"page": -1}, "Field 'page' must be at least 0"),
        ({"size": 0}, "Field 'size' must be at least 1"),
        ({"size": 1001}, "Field 'size' must be at most 1000"),
        ({"size": "ten"}, "Field 'size' must be an integer"),
        ({"owner": OMIT}, "Not authenticated, not owner specified"),
    ],
)
def test_paginated_list_by_id_refusals(
    emu: Emulator, fields: dict[str, object], message: str
) -> None:
    with over(emu, "server") as api:
        assert api.fail(PAGED, **{"page": 0, "size": 10, **fields}) == [message]


# --- a batch is its items upserted one by one (issue 17: one write path) --------------

_BATCH_EMAILS = st.sampled_from(
    ["jan@example.com", " JAN@Example.com", "ewa@example.com", "bad", "", "a@b", 7]
)
_BATCH_ITEM = st.fixed_dictionaries(
    {
        "contact": st.fixed_dictionaries(
            {},
            optional={
                "email": _BATCH_EMAILS,
                "name": st.one_of(st.sampled_from(["Jan", "Ewa", ""]), st.integers(0, 2)),
                "state": st.sampled_from(["CUSTOMER", "prospect", "NOPE"]),
                "company": st.sampled_from(["Acme", "acme "]),
                "address": st.fixed_dictionaries(
                    {}, optional={"city": st.sampled_from(["Kraków", 1])}
                ),
            },
        )
    },
    optional={
        "tags": st.lists(st.sampled_from(["VIP", "vip", " ", "NEW", 3]), max_size=2),
        "removeTags": st.sampled_from(["NEW", "VIP,OLD"]),
        "newEmail": _BATCH_EMAILS,
        "lang": st.sampled_from(["PL", "EN", 5]),
        "forceOptIn": st.booleans(),
        "forceOptOut": st.booleans(),
        "properties": st.sampled_from([{"size": "XL"}, {"size": 1}]),
        "birthday": st.sampled_from(["19900101", "1301", "x"]),
    },
)


def _counted_ids(emulator: Emulator[FrozenClock]) -> Account:
    account = emulator.account(A_ID)
    numbers = itertools.count()
    account.new_id = lambda: f"id-{next(numbers)}"  # the same ids on both sides
    return account


@settings(max_examples=60, deadline=None)
@given(items=st.lists(_BATCH_ITEM, min_size=1, max_size=6))
def test_protocol_5_2_a_batch_answers_and_changes_as_its_items_upserted_one_by_one(
    items: list[dict[str, Any]],
) -> None:
    """``batchupsert`` of N items = N ``upsert`` calls of the same items in order (protocol
    §5.2, S2.1, S2.2): the same cards, ids, refusals (named under ``upsertDetails[i].``)."""
    batched, single = new_emulator(), new_emulator()
    batched_account, single_account = _counted_ids(batched), _counted_ids(single)
    with (
        httpx.Client(transport=batched.transport()) as batched_http,
        httpx.Client(transport=single.transport()) as single_http,
    ):
        answer = Api(batched_http, A_ID, A_SECRET, A_OWNER).post(
            "contact/batchupsert", upsertDetails=items
        )
        one = Api(single_http, A_ID, A_SECRET, A_OWNER)
        applied: list[str] = []
        failures: dict[str, list[str]] = {}
        for index, item in enumerate(items):
            envelope = one.post("contact/upsert", **item)
            if envelope["success"]:
                applied.append(envelope["contactId"])
            else:
                where = f"Field 'upsertDetails[{index}]."
                failures[str(index)] = [m.replace("Field '", where, 1) for m in envelope["message"]]
    # an applied item is named by its card's e-mail once the batch is done (a later item's
    # newEmail may have moved the card)
    cards = [single_account.find_by("CONTACT_ID", contact_id) for contact_id in applied]
    assert answer["contactIds"] == {card.email: card.id for card in cards if card is not None}
    assert None not in cards
    assert answer.get("failures", {}) == failures
    assert answer["message"] == [text for texts in failures.values() for text in texts]
    assert answer["success"] is not failures
    assert snapshot(batched_account) == snapshot(single_account)
