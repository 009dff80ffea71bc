"""The full contact shape (protocol §5.3): every key, the card's own lists filled by their
areas (routes/_shapes.py)."""

from __future__ import annotations

from routes_helpers import A_OWNER, NOW_MS, Api

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
    "contactConsents",
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
