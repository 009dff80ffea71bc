"""Reading request bodies: wrong types and missing fields get ``success: false`` naming
the wire field, no state change, never an internal error; JSON numbers with a fraction
are read as exact Decimals."""

from __future__ import annotations

import json
from typing import Any

import pytest
from routes_helpers import A_ID, Api, full, raw, snapshot

from salesmanago_emulator import Emulator

EMAIL = "typed@example.com"
DATE_RULE = (
    "must be a timestamp in milliseconds or seconds, a numeric string or an ISO-8601 date-time"
)

CASES: list[tuple[str, dict[str, Any], str]] = [
    ("contact/upsert", {"contact": "typed@example.com"}, "Field 'contact' must be an object"),
    ("contact/upsert", {"contact": {"email": ["x"]}}, "Field 'contact.email' must be a string"),
    (
        "contact/upsert",
        {"contact": {"email": EMAIL, "name": 5}},
        "Field 'contact.name' must be a string",
    ),
    (
        "contact/upsert",
        {"contact": {"email": EMAIL, "address": "Main St"}},
        "Field 'contact.address' must be an object",
    ),
    (
        "contact/upsert",
        {"contact": {"email": EMAIL, "address": {"city": 1}}},
        "Field 'contact.address.city' must be a string",
    ),
    (
        "contact/upsert",
        {"contact": {"email": EMAIL}, "tags": 5},
        "Field 'tags' must be a list of strings or a comma-separated string",
    ),
    (
        "contact/upsert",
        {"contact": {"email": EMAIL}, "tags": ["A", 1]},
        "Field 'tags[1]' must be a string",
    ),
    (
        "contact/upsert",
        {"contact": {"email": EMAIL}, "removeTags": {"a": 1}},
        "Field 'removeTags' must be a list of strings or a comma-separated string",
    ),
    (
        "contact/upsert",
        {"contact": {"email": EMAIL}, "tagScoring": "true"},
        "Field 'tagScoring' must be a boolean",
    ),
    (
        "contact/upsert",
        {"contact": {"email": EMAIL}, "forceOptIn": 1},
        "Field 'forceOptIn' must be a boolean",
    ),
    (
        "contact/upsert",
        {"contact": {"email": EMAIL}, "forcePhoneOptOut": "no"},
        "Field 'forcePhoneOptOut' must be a boolean",
    ),
    (
        "contact/upsert",
        {"contact": {"email": EMAIL}, "properties": ["a"]},
        "Field 'properties' must be an object",
    ),
    (
        "contact/upsert",
        {"contact": {"email": EMAIL}, "properties": {"a": {"b": 1}}},
        "Field 'properties.a' must be a string or a number",
    ),
    (
        "contact/upsert",
        {"contact": {"email": EMAIL}, "birthday": 19840804},
        "Field 'birthday' must be a string",
    ),
    (
        "contact/upsert",
        {"contact": {"email": EMAIL}, "birthday": "1984-08-04"},
        "Field 'birthday' must be a real calendar date (got 1984-08-04)",
    ),
    (
        "contact/upsert",
        {"contact": {"email": EMAIL}, "province": True},
        "Field 'province' must be a string",
    ),
    (
        "contact/upsert",
        {"contact": {"email": EMAIL}, "newEmail": 3},
        "Field 'newEmail' must be a string",
    ),
    (
        "contact/upsert",
        {"contact": {"email": EMAIL}, "dictionaryProperties": {"a": 1}},
        "Field 'dictionaryProperties' must be a list of objects",
    ),
    (
        "contact/upsert",
        {"contact": {"email": EMAIL}, "dictionaryProperties": [{"type": "NUMBER", "value": 1}]},
        "Field 'dictionaryProperties[0].name' is required",
    ),
    (
        "contact/upsert",
        {
            "contact": {"email": EMAIL},
            "dictionaryProperties": [{"name": "n", "type": "NUMBER", "value": [1]}],
        },
        "Field 'dictionaryProperties[0].value' must be a string or a number",
    ),
    (
        "contact/upsert",
        {"contact": {"email": EMAIL}, "consentDetails": [{"consentName": "x"}]},
        "Field 'consentDetails[0].consentAccept' is required",
    ),
    (
        "contact/upsert",
        {
            "contact": {"email": EMAIL},
            "consentDetails": [
                {"consentName": "x", "consentAccept": True, "agreementDate": "soon"}
            ],
        },
        "Field 'consentDetails[0].agreementDate' " + DATE_RULE,
    ),
    (
        "contact/upsert",
        {
            "contact": {"email": EMAIL},
            "consentDetails": [
                {"consentName": "x", "consentAccept": True, "consentDescriptionId": "one"}
            ],
        },
        "Field 'consentDetails[0].consentDescriptionId' must be an integer",
    ),
    ("contact/insert", {"contact": {"email": ""}}, "Field 'contact.email' must not be empty"),
    ("contact/update", {"email": 5}, "Field 'email' must be a string"),
    (
        "contact/delete",
        {"email": EMAIL, "permanently": "yes"},
        "Field 'permanently' must be a boolean",
    ),
    ("contact/delete", {}, "Field 'email' is required"),
    ("contact/hasContact", {"email": ["a"]}, "Field 'email' must be a string"),
    ("contact/hasContact", {}, "Field 'email' is required"),
    ("contact/basic", {"email": EMAIL}, "Field 'email' must be a list of strings"),
    ("contact/basic", {}, "Field 'email' is required"),
    ("contact/basicById", {"id": [1]}, "Field 'id[0]' must be a string"),
    ("contact/list", {"email": None}, "Field 'email' is required"),
    ("contact/listById", {"contactId": "abc"}, "Field 'contactId' must be a list of strings"),
    (
        "contact/createdContacts",
        {"from": True, "to": 1},
        "Field 'from' " + DATE_RULE,
    ),
    (
        "contact/modifiedContacts",
        {"from": 1, "to": [2]},
        "Field 'to' " + DATE_RULE,
    ),
    (
        "contact/managetags",
        {"email": EMAIL, "tags": 1},
        "Field 'tags' must be a list of strings or a comma-separated string",
    ),
    (
        "contact/managetags",
        {"email": EMAIL, "tagScoring": 1},
        "Field 'tagScoring' must be a boolean",
    ),
    ("contact/optin", {"email": 1}, "Field 'email' must be a string"),
    ("contact/optout", {"contactId": 1}, "Field 'contactId' must be a string"),
    ("contact/batchoptin", {"emails": None}, "Field 'emails' is required"),
    (
        "contact/setMainOwner",
        {"contact": EMAIL, "newOwner": 1},
        "Field 'newOwner' must be a string",
    ),
    ("contact/stopMonitoring", {"contacts": "all"}, "Field 'contacts' must be a list of objects"),
    (
        "contact/stopMonitoring",
        {"contacts": [{"addresseeType": "EMAIL"}]},
        "Field 'contacts[0].value' is required",
    ),
    (
        "contact/restoreMonitoring",
        {"contacts": [{"value": EMAIL}]},
        "Field 'contacts[0].addresseeType' is required",
    ),
    (
        "contact/batchupsert",
        {"upsertDetails": [{"contact": {"email": EMAIL}}], "lang": 1},
        "Field 'lang' must be a string",
    ),
]


@pytest.mark.parametrize(
    ("path", "fields", "text"), CASES, ids=[f"{c[0]}:{c[2][:40]}" for c in CASES]
)
def test_wrong_types_name_the_field_and_change_nothing(
    emu: Emulator, api: Api, path: str, fields: dict[str, Any], text: str
) -> None:
    api.upsert(EMAIL, tags=["KEEP"], properties={"p": "1"})
    before = snapshot(emu.account(A_ID))
    assert api.fail(path, **fields) == [text]
    assert snapshot(emu.account(A_ID)) == before
    assert all(call.status == 200 for call in emu.calls)


def test_failure_envelope_carries_values_naming_the_field(api: Api) -> None:
    """Protocol §3.2: an InvalidField also names the field in ``values``."""
    envelope = api.post("contact/upsert", contact={"email": "nope"})
    assert envelope == {
        "success": False,
        "message": ["Field 'contact.email' must be a valid e-mail address"],
        "values": {"field": "contact.email"},
    }


@pytest.mark.parametrize(
    ("contact", "field"),
    [
        ({"state": "bogus", "email": "nope"}, "contact.state"),
        ({"email": "nope", "state": "bogus"}, "contact.email"),
        ({"name": "Jan", "state": "bogus"}, "contact.email"),  # required comes first
    ],
)
def test_several_bad_fields_are_refused_for_the_first_read(
    emu: Emulator, api: Api, contact: dict[str, Any], field: str
) -> None:
    before = snapshot(emu.account(A_ID))
    assert api.post("contact/upsert", contact=contact)["values"] == {"field": field}
    assert snapshot(emu.account(A_ID)) == before


def test_unknown_keys_are_ignored(api: Api) -> None:
    """Options the emulator does not model (async, double opt-in) are accepted
    (``loyaltyProgram`` is modelled: ``test_routes_loyalty.py``)."""
    envelope = api.ok(
        "contact/upsert",
        contact={"email": "x@example.com", "unknownField": [1, 2]},
        **{"async": True},
        useApiDoubleOptIn=True,
        apiDoubleOptInEmailTemplateId="t",
        internalIntegration=True,
        somethingElse={"deep": [None]},
    )
    assert envelope["contactId"]


def test_null_means_not_sent(api: Api) -> None:
    contact_id = api.upsert("n@example.com", contact={"name": "Kept", "phone": "1"})
    api.ok(
        "contact/upsert",
        contact={"email": "n@example.com", "name": None, "address": None},
        tags=None,
        properties=None,
        forceOptIn=None,
    )
    basic = api.ok("contact/basicById", id=[contact_id])["contacts"][0]
    assert (basic["name"], basic["phone"]) == ("Kept", "1")


def test_decimal_json_numbers_in_other_readers(api: Api) -> None:
    """JSON fractions arrive as Decimal: details, dictionary details, requestTime still read."""
    text = (
        '"contact": {"email": "p@example.com"}, "properties": {"size": 42.50, "n": 3}, '
        '"dictionaryProperties": [{"name": "w", "type": "NUMBER", "value": 1.25}]'
    )
    assert raw(api, "contact/upsert", text)["success"] is True
    contact = full(api, "p@example.com")
    assert {p["name"]: p["value"] for p in contact["properties"]} == {"size": "42.50", "n": "3"}
    assert contact["dictionaryProperties"] == [{"name": "w", "type": "NUMBER", "value": "1.25"}]
    body = json.dumps(api.body(contact={"email": "q@example.com"}))
    body = body.replace('"requestTime": 1768471200000', '"requestTime": 1768471200.5')
    assert api.send("contact/upsert", body.encode()).json()["success"] is True
