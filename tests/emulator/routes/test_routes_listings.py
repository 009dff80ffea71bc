"""Contact reads over raw JSON: basic, list (S1.7), ranges and pages (protocol §5.3, §6)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from routes_helpers import A_ID, A_OWNER, A_SECOND, NOW_MS, Api

from salesmanago_emulator import Emulator, FrozenClock

FULL_KEYS = {
    "id",
    "name",
    "email",
    "phone",
    "fax",
    "score",
    "state",
    "optedOut",
    "optedOutPhone",
    "deleted",
    "invalid",
    "company",
    "externalId",
    "address",
    "birthdayYear",
    "birthdayMonth",
    "birthdayDay",
    "province",
    "mainContactOwner",
    "contactVisits",
    "contactTags",
    "contactEvents",
    "emailMessages",
    "properties",
    "dictionaryProperties",
    "contactFunnels",
    "contactNotes",
    "contactTasks",
    "incomingEmailMessages",
    "contactExtEvents",
    "coupons",
    "smsMessages",
    "modifiedOn",
    "createdOn",
    "lastVisit",
}


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


def test_full_shape(api: Api) -> None:
    """Protocol §5.3 full shape: id, tags with tagWithScore, properties as {name, value}."""
    api.upsert(
        "full@example.com",
        contact={"address": {"city": "Gdańsk"}},
        tags=["vip"],
        tagScoring=True,
        properties={"custom.nickname": "Jay"},
        dictionaryProperties=[{"name": "size", "type": "NUMBER", "value": 43}],
    )
    contact = api.ok("contact/listById", contactId=[api.upsert("full@example.com")])["contacts"][0]
    assert set(contact) == FULL_KEYS
    assert contact["address"] == {
        "streetAddress": None,
        "zipCode": None,
        "city": "Gdańsk",
        "country": None,
    }
    assert contact["mainContactOwner"] == A_OWNER
    assert contact["contactTags"] == [
        {
            "tag": "VIP",
            "tagName": "VIP",
            "score": 1,
            "createdOn": NOW_MS,
            "tagWithScore": "VIP (1)",
        }
    ]
    assert contact["properties"] == [{"name": "custom.nickname", "value": "Jay"}]
    assert contact["dictionaryProperties"] == [{"name": "size", "type": "NUMBER", "value": "43"}]
    for area in ("contactVisits", "contactEvents", "contactNotes", "coupons", "smsMessages"):
        assert contact[area] == []


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
