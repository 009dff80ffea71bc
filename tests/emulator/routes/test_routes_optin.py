"""E-mail and phone opt-in/opt-out over raw JSON, single and batch (S2.6, S2.7, S10.2)."""

from __future__ import annotations

import pytest
from routes_helpers import A_ID, A_OWNER, NOW_MS, OMIT, Api, full, snapshot

from salesmanago_emulator import Emulator


def test_s2_6_optin_optout_change_basic_flags(emu: Emulator, api: Api) -> None:
    """S2.6/S10.2: e-mail opt-in and opt-out, recorded with source FROM_INIT."""
    contact_id = api.upsert("o@example.com")
    assert api.ok("contact/optin", email="O@example.com")["contactId"] == contact_id
    basic = api.ok("contact/basic", email=["o@example.com"])["contacts"][0]
    assert basic["optedOut"] is False
    assert api.ok("contact/optout", contactId=contact_id, email=OMIT)["contactId"] == contact_id
    basic = api.ok("contact/basic", email=["o@example.com"])["contacts"][0]
    assert basic["optedOut"] is True
    history = emu.account(A_ID).find_live(contact_id).opt_history
    assert [(h.channel, h.status, h.source) for h in history][-2:] == [
        ("EMAIL", "OPT_IN", "FROM_INIT"),
        ("EMAIL", "OPT_OUT", "FROM_INIT"),
    ]


def test_s2_7_phone_status_is_independent(api: Api) -> None:
    """S2.7: mobile opt-in/out does not touch the e-mail status."""
    api.upsert("p@example.com")
    api.ok("contact/phoneoptin", email="p@example.com")
    basic = api.ok("contact/basic", email=["p@example.com"])["contacts"][0]
    assert (basic["optedOut"], basic["optedOutPhone"]) == (True, False)
    api.ok("contact/phoneoptout", email="p@example.com")
    basic = api.ok("contact/basic", email=["p@example.com"])["contacts"][0]
    assert basic["optedOutPhone"] is True


@pytest.mark.parametrize("path", ["optin", "optout", "phoneoptin", "phoneoptout"])
def test_opt_methods_need_a_live_contact(api: Api, path: str) -> None:
    """S3.2: writes that need an existing contact answer not found for a soft-deleted one."""
    api.upsert("gone@example.com")
    api.ok("contact/delete", email="gone@example.com")
    assert api.fail(f"contact/{path}", email="gone@example.com") == [
        "Contact not found: gone@example.com"
    ]
    assert api.fail(f"contact/{path}") == ["Field 'email' is required"]


def test_batch_optin_and_optout(api: Api) -> None:
    a = api.upsert("a@example.com")
    b = api.upsert("b@example.com")
    envelope = api.ok(
        "contact/batchoptin", emails=["A@example.com", "b@example.com", "x@example.com"]
    )
    assert envelope["contactIds"] == {"a@example.com": a, "b@example.com": b}
    assert envelope["message"] == ["Contact not found: x@example.com"]
    flags = [
        c["optedOut"]
        for c in api.ok("contact/basic", email=["a@example.com", "b@example.com"])["contacts"]
    ]
    assert flags == [False, False]
    envelope = api.ok("contact/batchoptout", emails=["b@example.com"], owner=OMIT)
    assert envelope == {"success": True, "message": [], "contactIds": {"b@example.com": b}}


def test_batch_opt_errors(api: Api) -> None:
    assert api.fail("contact/batchoptin", emails=[]) == ["Field 'emails' must not be empty"]
    assert api.fail("contact/batchoptin", emails="a@example.com") == [
        "Field 'emails' must be a list of strings"
    ]
    assert api.fail("contact/batchoptout", emails=["a@example.com", 7]) == [
        "Field 'emails[1]' must be a string"
    ]
    too_many = [f"u{i}@example.com" for i in range(1001)]
    assert api.fail("contact/batchoptin", emails=too_many) == [
        "Field 'emails' must hold at most 1000 items"
    ]


# --- consents, consent forms, double opt-in (S10.1, protocol §5.2, §7) --------------------


def test_s10_1_consent_form_data_lists_the_forms(emu: Emulator, api: Api) -> None:
    """Protocol §7: consent/form/data -> consentFormList [{intId, name}]; no owner needed."""
    assert api.ok("consent/form/data", owner=OMIT)["consentFormList"] == []
    emu.account(A_ID).optin.set_up((), ["Footer", {"name": "Checkout", "int_id": 9}])
    assert api.ok("consent/form/data")["consentFormList"] == [
        {"intId": 1, "name": "Footer"},
        {"intId": 9, "name": "Checkout"},
    ]


def test_s10_1_full_contact_lists_consents_with_status_date_and_text(
    emu: Emulator, api: Api
) -> None:
    """S10.1 (grade D shape): contactConsents [{consentName, status, agreementDate, text,
    ip, consentDescriptionId}]; dictionaryProperties read back."""
    emu.account(A_ID).optin.set_up(["Newsletter", {"name": "Partners", "text": "I agree"}])
    api.upsert(
        "jan@example.com",
        consentDetails=[
            {
                "consentName": "partners",
                "consentAccept": True,
                "agreementDate": NOW_MS,
                "ip": "10.0.0.1",
                "consentDescriptionId": 4,
            },
            {"consentName": "Newsletter", "consentAccept": False},
        ],
        dictionaryProperties=[{"name": "size", "type": "NUMBER", "value": 42}],
    )
    contact = full(api)
    assert contact["contactConsents"] == [
        {
            "consentName": "Partners",
            "status": "CONFIRMED",
            "agreementDate": NOW_MS,
            "text": "I agree",
            "ip": "10.0.0.1",
            "consentDescriptionId": 4,
        },
        {
            "consentName": "Newsletter",
            "status": "UNCONFIRMED",
            "agreementDate": None,
            "text": None,
            "ip": None,
            "consentDescriptionId": None,
        },
    ]
    assert contact["dictionaryProperties"] == [{"name": "size", "type": "NUMBER", "value": "42"}]


def test_s10_2_upsert_with_double_opt_in_is_pending_until_confirmed(
    emu: Emulator, api: Api
) -> None:
    """Protocol §5.2: useApiDoubleOptIn -> a pending confirmation; confirming opts in."""
    api.upsert(
        "jan@example.com",
        useApiDoubleOptIn=True,
        doubleOptInLanguage="PL",
        apiDoubleOptInEmailAccountId=12,
    )
    optin = emu.account(A_ID).optin
    (pending,) = optin.confirmations("jan@example.com")
    assert (pending.status, pending.options.lang, pending.options.account_id) == (
        "PENDING",
        "PL",
        "12",
    )
    assert full(api)["optedOut"] is True
    optin.confirm(pending.request_id)
    assert full(api)["optedOut"] is False
    api.upsert("off@example.com", useApiDoubleOptIn=False)
    assert optin.confirmations("off@example.com") == []


def test_batch_upsert_double_opt_in_applies_to_items_that_do_not_say(
    emu: Emulator, api: Api
) -> None:
    """Protocol §6: batchupsert's top-level useApiDoubleOptIn; an item may say false."""
    api.ok(
        "contact/batchupsert",
        useApiDoubleOptIn=True,
        upsertDetails=[
            {"contact": {"email": "a@example.com"}},
            {"contact": {"email": "b@example.com"}, "useApiDoubleOptIn": False},
        ],
    )
    optin = emu.account(A_ID).optin
    assert [c.email for c in optin.confirmations()] == ["a@example.com"]


def test_send_confirmation_answers_a_request_id(emu: Emulator, api: Api) -> None:
    """Protocol §7: email/sendConfirmation (owner, email, lang or template fields, tag)."""
    api.upsert("jan@example.com")
    first = api.ok("email/sendConfirmation", email="JAN@example.com", lang="EN", tag="doi")
    second = api.ok(
        "email/sendConfirmation",
        email="jan@example.com",
        apiDoubleOptInEmailTemplateId="t-1",
        apiDoubleOptInEmailAccountId=5,
        apiDoubleOptInEmailSubject="Please confirm",
    )
    assert (first["requestId"], second["requestId"]) == ("900000001", "900000002")
    by_user = api.ok(
        "email/sendConfirmation", owner=OMIT, user=A_OWNER, email="jan@example.com", lang="PL"
    )
    assert by_user["requestId"] == "900000003"
    statuses = [(c.origin, c.options.tag) for c in emu.account(A_ID).optin.confirmations()]
    assert statuses[:2] == [("SEND_CONFIRMATION", "DOI"), ("SEND_CONFIRMATION", None)]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "jan@example.com"}, "Field 'lang' is required unless apiDoubleOptInEmail"),
        ({"email": "jan@example.com", "lang": 3}, "Field 'lang' must be a string"),
        ({"lang": "PL"}, "Field 'email' is required"),
        ({"email": "x@example.com", "lang": "PL"}, "Contact not found: x@example.com"),
        ({"email": "jan@example.com", "lang": "PL", "tag": "A,B"}, "Field 'tag' must be one tag"),
    ],
)
def test_send_confirmation_refusals_change_nothing(
    emu: Emulator, api: Api, fields: dict[str, object], message: str
) -> None:
    api.upsert("jan@example.com")
    before = snapshot(emu.account(A_ID))
    assert api.fail("email/sendConfirmation", **fields)[0].startswith(message)
    assert emu.account(A_ID).optin.confirmations() == []
    assert snapshot(emu.account(A_ID)) == before
