"""Consents, consent forms and double opt-in through the SDK (S10.1, S10.2; protocol §5.2,
§7), sync and async: against the platform's canned replies, then end to end on the
emulator, and with the pytest marker's accounts (issue 13: consents set through the
marker are readable through ``salesmanago_client``)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from routes_helpers import A_ID, NOW
from sdk_helpers import body, envelope, ok

from salesmanago import (
    AsyncSalesManago,
    ConsentDetail,
    ConsentForm,
    ConsentStatus,
    ContactConsent,
    ContactUpsert,
    DictionaryProperty,
    DictionaryPropertyType,
    DoubleOptIn,
    SalesManago,
    ValidationError,
)
from salesmanago_emulator import Emulator, FrozenClock

CONSENT_FORMS = "/api/consent/form/data"
SEND_CONFIRMATION = "/api/email/sendConfirmation"
OWNER = "owner@shop.example.com"


# --- canned replies (api: the sync and the async client) ----------------------------------


def test_consent_forms_are_read_without_owner(api, platform) -> None:
    """Protocol §7: consent/form/data -> consentFormList [{intId, name}]."""
    route = platform.post(CONSENT_FORMS).mock(
        return_value=envelope(ok(consentFormList=[{"intId": 3, "name": "Footer"}]))
    )
    assert api("optin.consent_forms") == [ConsentForm(int_id=3, name="Footer")]
    assert body(route) == {}


def test_send_confirmation_sends_lang_or_the_template_and_reads_the_request_id(
    api, platform
) -> None:
    """Protocol §7: owner, email, lang or template/account/subject, tag -> requestId."""
    route = platform.post(SEND_CONFIRMATION).mock(return_value=envelope(ok(requestId=12)))
    assert api("optin.send_confirmation", " Ann@Example.com ", lang="PL", tag="doi") == "12"
    assert body(route) == {"owner": OWNER, "email": "Ann@Example.com", "lang": "PL", "tag": "doi"}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "lang"),
        ({"lang": " "}, "lang"),
        ({"template_id": "t", "subject": "s"}, "apiDoubleOptInEmailAccountId"),
        ({"lang": "PL", "tag": "A,B"}, "tag[0]"),
    ],
)
def test_send_confirmation_is_checked_before_sending(api, platform, kwargs, field) -> None:
    with pytest.raises(ValidationError) as info:
        api("optin.send_confirmation", "ann@example.com", **kwargs)
    assert info.value.field == field
    assert not platform.calls


def test_contact_reads_consents_and_dictionary_details(api, platform) -> None:
    """S10.1, S6.2: contactConsents and dictionaryProperties of the full contact."""
    platform.post("/api/contact/list").mock(
        return_value=envelope(
            ok(
                contacts=[
                    {
                        "id": "c-1",
                        "email": "ann@example.com",
                        "contactConsents": [
                            {
                                "consentName": "Newsletter",
                                "status": "CONFIRMED",
                                "agreementDate": 1768471200000,
                                "text": "Weekly",
                                "ip": None,
                                "consentDescriptionId": 2,
                                "newField": 1,
                            }
                        ],
                        "dictionaryProperties": [{"name": "size", "type": "NUMBER", "value": "42"}],
                    }
                ]
            )
        )
    )
    (contact,) = api("contacts.list", ["ann@example.com"])
    assert contact.consents == (
        ContactConsent(
            consent_name="Newsletter",
            status="CONFIRMED",
            agreement_date=datetime(2026, 1, 15, 10, tzinfo=timezone.utc),
            text="Weekly",
            consent_description_id=2,
        ),
    )
    assert contact.consents[0].status == ConsentStatus.CONFIRMED
    assert contact.dictionary_properties == (
        DictionaryProperty(name="size", type=DictionaryPropertyType.NUMBER, value="42"),
    )


# --- end to end on the emulator (sm / asm: account A's clients) ---------------------------


def test_sdk_double_opt_in_round_trip(sm: SalesManago, emu: Emulator[FrozenClock]) -> None:
    """Upsert with double opt-in -> pending -> confirm (control) -> opted in, with the
    history entry (source MESSAGE)."""
    sm.contacts.upsert(ContactUpsert(email="ann@example.com", double_opt_in=DoubleOptIn()))
    (pending,) = emu.control("consents/confirmations")["confirmations"]
    assert (pending["status"], pending["origin"]) == ("PENDING", "UPSERT")
    assert sm.contacts.list(["ann@example.com"])[0].opted_out is True
    emu.control("consents/confirm", {"requestId": pending["requestId"]})
    assert sm.contacts.list(["ann@example.com"])[0].opted_out is False
    history = emu.control("optin/history", {"contact": "ann@example.com"})["history"]
    assert [(h["status"], h["source"]) for h in history] == [("OPT_IN", "MESSAGE")]


async def test_sdk_async_send_confirmation_and_consents(
    asm: AsyncSalesManago, emu: Emulator[FrozenClock]
) -> None:
    account = emu.account(A_ID)
    account.optin.set_up([{"name": "Newsletter", "text": "Weekly"}], ["Footer"])
    await asm.contacts.upsert(
        ContactUpsert(
            email="ann@example.com",
            consent_details=(
                ConsentDetail(consent_name="newsletter", consent_accept=False, opt_out=True),
            ),
        )
    )
    request_id = await asm.optin.send_confirmation("ann@example.com", lang="EN", tag="doi")
    account.optin.confirm(request_id)
    (contact,) = await asm.contacts.list(["ann@example.com"])
    assert (contact.opted_out, contact.tag_names) == (False, ("DOI",))
    assert [(c.consent_name, c.status, c.agreement_date, c.text) for c in contact.consents] == [
        ("Newsletter", "WITHDRAWN", NOW, "Weekly")
    ]
    assert await asm.optin.consent_forms() == [ConsentForm(int_id=1, name="Footer")]


# --- the pytest marker's accounts (the plugin's fixtures) ---------------------------------

MARKED = pytest.mark.salesmanago(
    accounts=[
        {
            "client_id": "shop",
            "api_secret": "shop-secret",
            "users": ["owner@example.com"],
            "consents": ["Newsletter", {"name": "Partners", "text": "I agree to partners"}],
            "consent_forms": [{"name": "Checkout", "int_id": 4}],
        }
    ]
)


@MARKED
def test_marker_consents_are_readable_through_salesmanago_client(
    salesmanago_client: SalesManago,
) -> None:
    """Issue 13: consents set through the marker, given through the API, read back."""
    salesmanago_client.contacts.upsert(
        ContactUpsert(
            email="ann@example.com",
            consent_details=(ConsentDetail(consent_name="Partners", consent_accept=True),),
        )
    )
    (contact,) = salesmanago_client.contacts.list(["ann@example.com"])
    assert [(c.consent_name, c.status, c.text) for c in contact.consents] == [
        ("Partners", ConsentStatus.CONFIRMED, "I agree to partners")
    ]
    assert salesmanago_client.optin.consent_forms() == [ConsentForm(int_id=4, name="Checkout")]


@MARKED
async def test_marker_consents_are_readable_through_the_async_client(
    async_salesmanago_client: AsyncSalesManago,
) -> None:
    await async_salesmanago_client.contacts.upsert(
        ContactUpsert(
            email="ann@example.com",
            consent_details=(ConsentDetail(consent_name="newsletter", consent_accept=False),),
        )
    )
    (contact,) = await async_salesmanago_client.contacts.list(["ann@example.com"])
    assert [(c.consent_name, c.status, c.text) for c in contact.consents] == [
        ("Newsletter", ConsentStatus.UNCONFIRMED, None)
    ]
    assert await async_salesmanago_client.optin.consent_forms() == [
        ConsentForm(int_id=4, name="Checkout")
    ]


@pytest.mark.salesmanago(
    accounts=[{"client_id": "x", "api_secret": "s", "users": ["o@example.com"], "consents": [" "]}]
)
def test_marker_refuses_a_bad_consent_naming_it(request: pytest.FixtureRequest) -> None:
    with pytest.raises(pytest.UsageError, match=r"item 0: Field 'consents\[0\].name' must not"):
        request.getfixturevalue("salesmanago_emulator")
