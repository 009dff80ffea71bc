"""Contact writes over raw JSON: insert, update, upsert, delete, hasContact, batchupsert,
monitoring (protocol §6; semantics S2, S3)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from routes_helpers import A_ID, A_OWNER, A_SECOND, OMIT, Api, snapshot

from salesmanago_emulator import Emulator, FrozenClock

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
