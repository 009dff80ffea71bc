"""Every public method of contacts, tags, optin and users, on both clients: the exact
request sent (path, method, headers, auth fields, ``owner``, the method's fields)
and the result parsed from the platform's answer (protocol §2.1, §5, §6, §7, §14).
A method that sends more than one request is named in :data:`MULTI_REQUEST` with
the file that tests its requests."""

from __future__ import annotations

import inspect
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx
from sdk_helpers import (
    ACCEPT,
    API_KEY,
    CLIENT_ID,
    CONTENT_TYPE,
    ENDPOINT,
    OWNER,
    SHA,
    AnyClient,
    answers,
    bodies,
    call,
    envelope,
    failed,
    ok,
    payloads,
)

from salesmanago import (
    Address,
    Addressee,
    AddresseeType,
    BatchUpsertItem,
    BatchUpsertResult,
    ConsentDetail,
    ConsentForm,
    Contact,
    ContactBasic,
    ContactChange,
    ContactEventResult,
    ContactPage,
    ContactState,
    ContactTag,
    ContactUpsert,
    DictionaryProperty,
    DictionaryPropertyType,
    DoubleOptIn,
    ExternalEvent,
    ExternalEventType,
    InternalServerError,
    NotFoundError,
    SalesManago,
    TagCount,
    UpsertResult,
    ValidationError,
)

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
T0_MS = 1714564800000
T1 = datetime(2024, 5, 1, 14, 0, 0, 123000, tzinfo=timezone.utc)
T1_MS = T0_MS + 2 * 3600 * 1000 + 123

RICH_UPSERT = ContactUpsert(
    email="Ann@Example.com",
    name="Ann Nowak",
    phone="+48 600 000 000",
    fax="22 000 00 00",
    company="ACME",
    external_id="crm-17",
    state=ContactState.CUSTOMER,
    address=Address(street_address="Main 1", zip_code="00-001", city="Warsaw", country="PL"),
    birthday=date(1984, 8, 4),
    province="mazowieckie",
    lang="PL",
    tags=["VIP", "NEWSLETTER"],
    remove_tags=["OLD"],
    tag_scoring=True,
    properties={"shoe size": "43", "custom.nickname": "annie"},
    dictionary_properties=[
        DictionaryProperty(name="points", type=DictionaryPropertyType.NUMBER, value="12")
    ],
    force_opt_in=True,
    force_phone_opt_out=True,
    consent_details=[
        ConsentDetail(
            consent_name="MARKETING",
            consent_accept=True,
            agreement_date=T1,
            ip="10.0.0.1",
            opt_out=False,
            consent_description_id=7,
        )
    ],
    double_opt_in=DoubleOptIn(
        email_id="mail-1",
        language="pl",
        template_id="tpl-1",
        account_id="acc-1",
        subject="Confirm",
    ),
)

RICH_UPSERT_WIRE = {
    "contact": {
        "email": "Ann@Example.com",
        "name": "Ann Nowak",
        "phone": "+48 600 000 000",
        "fax": "22 000 00 00",
        "company": "ACME",
        "externalId": "crm-17",
        "state": "CUSTOMER",
        "address": {
            "streetAddress": "Main 1",
            "zipCode": "00-001",
            "city": "Warsaw",
            "country": "PL",
        },
    },
    "birthday": "19840804",
    "province": "mazowieckie",
    "lang": "PL",
    "tags": ["VIP", "NEWSLETTER"],
    "removeTags": ["OLD"],
    "tagScoring": True,
    "properties": {"shoe size": "43", "custom.nickname": "annie"},
    "dictionaryProperties": [{"name": "points", "type": "NUMBER", "value": "12"}],
    "forceOptIn": True,
    "forcePhoneOptOut": True,
    "consentDetails": [
        {
            "consentName": "MARKETING",
            "consentAccept": True,
            "agreementDate": T1_MS,
            "ip": "10.0.0.1",
            "optOut": False,
            "consentDescriptionId": 7,
        }
    ],
    "useApiDoubleOptIn": True,
    "doubleOptInEmailId": "mail-1",
    "doubleOptInLanguage": "pl",
    "apiDoubleOptInEmailTemplateId": "tpl-1",
    "apiDoubleOptInEmailAccountId": "acc-1",
    "apiDoubleOptInEmailSubject": "Confirm",
}

BASIC_WIRE = {
    "contactId": "c-1",
    "email": "ann@example.com",
    "name": "Ann",
    "phone": None,
    "score": 3,
    "state": "CUSTOMER",
    "optedOut": False,
    "optedOutPhone": True,
    "deleted": False,
    "invalid": False,
    "address": None,
    "birthdayYear": "1984",
    "birthdayMonth": "8",
    "birthdayDay": "4",
    "createdOn": T0_MS,
    "modifiedOn": T1_MS,
    "lastVisit": None,
}
BASIC = ContactBasic(
    contact_id="c-1",
    email="ann@example.com",
    name="Ann",
    score=3,
    state="CUSTOMER",
    opted_out_phone=True,
    birthday_year=1984,
    birthday_month=8,
    birthday_day=4,
    created_on=T0,
    modified_on=T1,
)

FULL_WIRE = {
    "id": "c-1",
    "email": "ann@example.com",
    "name": "Ann",
    "score": 5,
    "state": "PROSPECT",
    "optedOut": False,
    "optedOutPhone": False,
    "deleted": False,
    "invalid": False,
    "company": "ACME",
    "address": {"streetAddress": "Main 1", "zipCode": "00-001", "city": "Warsaw", "country": "PL"},
    "province": "mazowieckie",
    "mainContactOwner": OWNER,
    "contactTags": [
        {
            "tag": "VIP",
            "tagName": "VIP",
            "score": 2,
            "createdOn": T0_MS,
            "tagWithScore": "VIP (2)",
        }
    ],
    "properties": [{"name": "shoe size", "value": "43"}],
    "createdOn": T0_MS,
    "modifiedOn": T1_MS,
    # keys the SDK does not model are read past (protocol §5.3 lists many more)
    "contactVisits": [],
    "emailMessages": [],
    "smsMessages": [],
}
FULL = Contact(
    contact_id="c-1",
    email="ann@example.com",
    name="Ann",
    score=5,
    state="PROSPECT",
    company="ACME",
    address=Address(street_address="Main 1", zip_code="00-001", city="Warsaw", country="PL"),
    province="mazowieckie",
    main_owner=OWNER,
    tags=(ContactTag(tag="VIP", tag_name="VIP", score=2, created_on=T0, tag_with_score="VIP (2)"),),
    properties={"shoe size": "43"},
    created_on=T0,
    modified_on=T1,
)


EVENT = ExternalEvent(
    date=T0,
    event_type=ExternalEventType.PURCHASE,
    description="order 7",
    products=["p1", "p2"],
    value=Decimal("12.50"),
    details=["pl", "PLN"],
    external_id="o-7",
)
EVENT_WIRE = {
    "date": T0_MS,
    "contactExtEventType": "PURCHASE",
    "description": "order 7",
    "products": "p1,p2",
    "value": Decimal("12.50"),
    "detail1": "pl",
    "detail2": "PLN",
    "externalId": "o-7",
}
#: What every part of ``integration/upsert`` carries besides its own fields.
PART_AUTH = {"clientId": CLIENT_ID, "owner": OWNER}
#: Methods sending several requests, and the file testing their requests.
MULTI_REQUEST = {"contacts.batch_upsert_v2": "test_sdk_batch_import.py"}
MULTI_REQUEST["contacts.sync"] = "test_sdk_bulk_sync.py"  # a batch per chunk (issue 16)
MULTI_REQUEST["contacts.recount"] = "test_sdk_contact_bulk.py"  # export jobs (issue 14)
MULTI_REQUEST["contacts.bulk"] = "test_sdk_contact_bulk.py"  # a step per action kind


@dataclass
class Case:
    """One method call: what it must send and what it must return."""

    id: str
    method: str
    args: tuple[Any, ...]
    path: str
    fields: dict[str, Any]
    reply: dict[str, Any]
    result: Any
    owner: bool = True
    kwargs: dict[str, Any] = field(default_factory=dict)


CASES = [
    # contacts (protocol §6) --------------------------------------------------------
    Case(
        "insert",
        "contacts.insert",
        (ContactUpsert(email="ann@example.com", name="Ann", tags=["VIP"]),),
        "/api/contact/insert",
        {"contact": {"email": "ann@example.com", "name": "Ann"}, "tags": ["VIP"]},
        ok(contactId="c-1", externalId=None),
        UpsertResult(contact_id="c-1"),
    ),
    Case(
        "upsert-every-field",
        "contacts.upsert",
        (RICH_UPSERT,),
        "/api/contact/upsert",
        RICH_UPSERT_WIRE,
        ok(contactId="c-1", externalId="crm-17"),
        UpsertResult(contact_id="c-1", external_id="crm-17"),
    ),
    Case(
        "update-new-email",
        "contacts.update",
        (ContactUpsert(email="ann@example.com", phone="+48 1", new_email="ann2@example.com"),),
        "/api/contact/update",
        {"email": "ann@example.com", "contact": {"phone": "+48 1"}, "newEmail": "ann2@example.com"},
        ok(contactId="c-1"),
        UpsertResult(contact_id="c-1"),
    ),
    Case(
        "update-options-only",
        "contacts.update",
        (ContactUpsert(email="ann@example.com", tags=["VIP"], force_opt_out=True),),
        "/api/contact/update",
        {"email": "ann@example.com", "tags": ["VIP"], "forceOptOut": True},
        ok(contactId="c-1"),
        UpsertResult(contact_id="c-1"),
    ),
    Case(
        "delete-soft",
        "contacts.delete",
        ("ann@example.com",),
        "/api/contact/delete",
        {"email": "ann@example.com"},
        ok(result=None),
        None,
    ),
    # S3.3: ``permanently`` removes the contact at once; without it, S3.1 soft delete
    Case(
        "delete-permanently",
        "contacts.delete",
        ("ann@example.com",),
        "/api/contact/delete",
        {"email": "ann@example.com", "permanently": True},
        ok(result=None),
        None,
        kwargs={"permanently": True},
    ),
    # issue 12 wire §2: batchDelete, addressees spelled as protocol §5.4 spells them
    Case(
        "batch-delete",
        "contacts.batch_delete",
        (["ann@example.com", Addressee.contact_id("c-2"), Addressee.tag("OLD")],),
        "/api/contact/batchDelete",
        {
            "contacts": [
                {"addresseeType": "EMAIL", "value": "ann@example.com"},
                {"addresseeType": "CONTACT_ID", "value": "c-2"},
                {"addresseeType": "TAG", "value": "OLD"},
            ]
        },
        ok(result=None),
        None,
    ),
    Case(
        "batch-delete-permanently",
        "contacts.batch_delete",
        ([" ann@example.com "],),
        "/api/contact/batchDelete",
        {"contacts": [{"addresseeType": "EMAIL", "value": "ann@example.com"}], "permanently": True},
        ok(result=None),
        None,
        kwargs={"permanently": True},
    ),
    # protocol §6 integration/upsert: top level signed without owner, each part with
    # its own clientId and owner; the event goes to the contact's e-mail by default
    Case(
        "upsert-with-event",
        "contacts.upsert_with_event",
        (ContactUpsert(email="ann@example.com", name="Ann", tags=["VIP"]), EVENT),
        "/api/integration/upsert",
        {
            "contactUpsertRequest": {
                **PART_AUTH,
                "contact": {"email": "ann@example.com", "name": "Ann"},
                "tags": ["VIP"],
            },
            "addContactExtEventRequest": {
                **PART_AUTH,
                "email": "ann@example.com",
                "forceOptIn": True,
                "contactEvent": EVENT_WIRE,
            },
        },
        ok(contactId="c-1", eventId="e-1"),
        ContactEventResult(contact_id="c-1", event_id="e-1"),
        owner=False,
        kwargs={"force_opt_in": True},
    ),
    Case(
        "upsert-with-event-contact-only",
        "contacts.upsert_with_event",
        (ContactUpsert(email="ann@example.com", phone="1"),),
        "/api/integration/upsert",
        {
            "contactUpsertRequest": {
                **PART_AUTH,
                "contact": {"email": "ann@example.com", "phone": "1"},
            }
        },
        ok(contactId="c-1"),
        ContactEventResult(contact_id="c-1"),
        owner=False,
    ),
    Case(
        "upsert-with-event-event-only",
        "contacts.upsert_with_event",
        (),
        "/api/integration/upsert",
        {
            "addContactExtEventRequest": {
                **PART_AUTH,
                "contactId": "c-9",
                "contactEvent": EVENT_WIRE,
            }
        },
        ok(eventId="e-1"),
        ContactEventResult(event_id="e-1"),
        owner=False,
        kwargs={"event": EVENT, "contact_id": "c-9"},
    ),
    Case(
        "has-contact-live",
        "contacts.has_contact",
        ("ann@example.com",),
        "/api/contact/hasContact",
        {"email": "ann@example.com"},
        ok(result=True, contactId="c-1"),
        "c-1",
    ),
    Case(
        "has-contact-deleted",
        "contacts.has_contact",
        ("ann@example.com",),
        "/api/contact/hasContact",
        {"email": "ann@example.com"},
        ok(result=False, contactId=None),
        None,
    ),
    Case(
        "basic",
        "contacts.basic",
        (["ann@example.com"],),
        "/api/contact/basic",
        {"email": ["ann@example.com"]},
        ok(contacts=[BASIC_WIRE]),
        [BASIC],
    ),
    Case(
        "basic-by-id",
        "contacts.basic_by_id",
        (["c-1"],),
        "/api/contact/basicById",
        {"id": ["c-1"]},
        ok(contacts=[BASIC_WIRE]),
        [BASIC],
    ),
    Case(
        "list-own",
        "contacts.list",
        (["ann@example.com"],),
        "/api/contact/list",
        {"email": ["ann@example.com"]},
        ok(contacts=[FULL_WIRE]),
        [FULL],
    ),
    # S1.7: list / listById return the owner's contacts, listAll / listAllById anyone's
    Case(
        "list-any-owner",
        "contacts.list",
        (["ann@example.com"],),
        "/api/contact/listAll",
        {"email": ["ann@example.com"]},
        ok(contacts=[FULL_WIRE]),
        [FULL],
        kwargs={"any_owner": True},
    ),
    Case(
        "list-by-id-own",
        "contacts.list_by_id",
        (["c-1"],),
        "/api/contact/listById",
        {"contactId": ["c-1"]},
        ok(contacts=[FULL_WIRE]),
        [FULL],
        kwargs={"any_owner": False},
    ),
    Case(
        "list-by-id-any-owner",
        "contacts.list_by_id",
        (["c-1"],),
        "/api/contact/listAllById",
        {"contactId": ["c-1"]},
        ok(contacts=[FULL_WIRE]),
        [FULL],
        kwargs={"any_owner": True},
    ),
    Case(
        "batch-upsert",
        "contacts.batch_upsert",
        ([ContactUpsert(email="a@example.com"), ContactUpsert(email="b@example.com", lang="EN")],),
        "/api/contact/batchupsert",
        {
            "upsertDetails": [
                {"contact": {"email": "a@example.com"}},
                {"contact": {"email": "b@example.com"}, "lang": "EN"},
            ]
        },
        ok(contactIds={"a@example.com": "c-a", "b@example.com": "c-b"}),
        BatchUpsertResult(
            items=(
                BatchUpsertItem(email="a@example.com", contact_id="c-a"),
                BatchUpsertItem(email="b@example.com", contact_id="c-b"),
            )
        ),
    ),
    Case(
        "created",
        "contacts.created",
        (T0, T1),
        "/api/contact/createdContacts",
        {"from": T0_MS, "to": T1_MS},
        ok(createdContacts=[{"id": "c-1", "email": "ann@example.com"}]),
        [ContactChange(contact_id="c-1", email="ann@example.com")],
    ),
    Case(
        "modified",
        "contacts.modified",
        (T0, T1),
        "/api/contact/modifiedContacts",
        {"from": T0_MS, "to": T1_MS},
        ok(modifiedContacts=[{"id": "c-2", "email": "bob@example.com"}]),
        [ContactChange(contact_id="c-2", email="bob@example.com")],
    ),
    Case(
        "iter-modified",
        "contacts.iter_modified",
        (T0, T1),
        "/api/contact/paginatedModifiedContacts",
        {"from": T0_MS, "to": T1_MS, "page": 0, "size": 10},
        ok(modifiedContacts=[{"id": "c-2", "email": "bob@example.com"}], hasMore=False),
        [ContactChange(contact_id="c-2", email="bob@example.com")],
        kwargs={"page_size": 10},
    ),
    # issue 12 wire §2: paginatedListById, the owner's live cards, full shape
    Case(
        "list-page",
        "contacts.list_page",
        (3,),
        "/api/contact/paginatedListById",
        {"page": 3, "size": 100},
        ok(contacts=[FULL_WIRE], hasMore=True),
        ContactPage(page=3, contacts=(FULL,), has_more=True),
        kwargs={"size": 100},
    ),
    Case(
        "iter-all",
        "contacts.iter_all",
        (),
        "/api/contact/paginatedListById",
        {"page": 0, "size": 1000},
        ok(contacts=[FULL_WIRE], hasMore=False),
        [FULL],
    ),
    # S1.4 main owner; S2.8 monitoring
    Case(
        "set-main-owner",
        "contacts.set_main_owner",
        ("ann@example.com", "boss@shop.example.com"),
        "/api/contact/setMainOwner",
        {"contact": "ann@example.com", "newOwner": "boss@shop.example.com"},
        ok(),
        None,
    ),
    Case(
        "stop-monitoring",
        "contacts.stop_monitoring",
        (["ann@example.com", Addressee.contact_id("c-2"), Addressee.tag("VIP")],),
        "/api/contact/stopMonitoring",
        {
            "contacts": [
                {"addresseeType": "EMAIL", "value": "ann@example.com"},
                {"addresseeType": "CONTACT_ID", "value": "c-2"},
                {"addresseeType": "TAG", "value": "VIP"},
            ]
        },
        ok(),
        None,
    ),
    Case(
        "restore-monitoring",
        "contacts.restore_monitoring",
        (["ann@example.com"],),
        "/api/contact/restoreMonitoring",
        {"contacts": [{"addresseeType": "EMAIL", "value": "ann@example.com"}]},
        ok(),
        None,
    ),
    # tags (protocol §7) -----------------------------------------------------------
    Case(
        "tags-manage",
        "tags.manage",
        ("ann@example.com",),
        "/api/contact/managetags",
        {"email": "ann@example.com", "tags": ["VIP", "NEW"], "removeTags": ["OLD"]},
        ok(contactId="c-1"),
        "c-1",
        kwargs={"add": ["VIP", "NEW"], "remove": ["OLD"]},
    ),
    Case(
        "tags-list",
        "tags.list",
        (),
        "/api/v2/contact/tags",
        {"showSystemTags": False},
        ok(tags=[{"tag": "VIP", "numberOfTagged": 3}, {"tag": "NEW"}]),
        [TagCount(tag="VIP", number_of_tagged=3), TagCount(tag="NEW")],
        owner=False,  # protocol §7: /api/v2/contact/tags takes no owner
    ),
    Case(
        "tags-list-system",
        "tags.list",
        (),
        "/api/v2/contact/tags",
        {"showSystemTags": True},
        ok(tags=[]),
        [],
        owner=False,
        kwargs={"show_system_tags": True},
    ),
    # opt-in / opt-out, e-mail S2.6 and mobile S2.7 (protocol §7, §14: the single
    # calls carry no owner) ------------------------------------------------------------
    *(
        Case(
            f"{method}-by-{key}",
            f"optin.{method}",
            ("ann@example.com",) if key == "email" else (),
            f"/api/contact/{path}",
            {"email": "ann@example.com"} if key == "email" else {"contactId": "c-1"},
            ok(contactId="c-1"),
            "c-1",
            owner=False,
            kwargs={} if key == "email" else {"contact_id": "c-1"},
        )
        for method, path in [
            ("opt_in", "optin"),
            ("opt_out", "optout"),
            ("phone_opt_in", "phoneoptin"),
            ("phone_opt_out", "phoneoptout"),
        ]
        for key in ("email", "contact_id")
    ),
    Case(
        "batch-opt-in",
        "optin.batch_opt_in",
        (["a@example.com", "b@example.com"],),
        "/api/contact/batchoptin",
        {"emails": ["a@example.com", "b@example.com"]},
        ok(contactIds={"a@example.com": "c-a", "b@example.com": "c-b"}),
        {"a@example.com": "c-a", "b@example.com": "c-b"},
    ),
    Case(
        "batch-opt-out",
        "optin.batch_opt_out",
        (["a@example.com"],),
        "/api/contact/batchoptout",
        {"emails": ["a@example.com"]},
        ok(contactIds={"a@example.com": "c-a"}),
        {"a@example.com": "c-a"},
    ),
    # consent forms and the double opt-in e-mail (protocol §7) -----------------------
    Case(
        "consent-forms",
        "optin.consent_forms",
        (),
        "/api/consent/form/data",
        {},
        ok(consentFormList=[{"intId": 1, "name": "Footer"}]),
        [ConsentForm(int_id=1, name="Footer")],
        owner=False,
    ),
    Case(
        "send-confirmation",
        "optin.send_confirmation",
        ("ann@example.com",),
        "/api/email/sendConfirmation",
        {
            "email": "ann@example.com",
            "apiDoubleOptInEmailTemplateId": "t-1",
            "apiDoubleOptInEmailAccountId": "a-1",
            "apiDoubleOptInEmailSubject": "Confirm",
        },
        ok(requestId="900000001"),
        "900000001",
        kwargs={"template_id": "t-1", "account_id": "a-1", "subject": "Confirm"},
    ),
    # users (protocol §2.3) --------------------------------------------------------
    Case(
        "users-list",
        "users.list",
        (),
        "/api/user/listByClient",
        {},
        ok(users=[OWNER, "boss@shop.example.com"]),
        [OWNER, "boss@shop.example.com"],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_method_sends_exact_request_and_parses_answer(
    client: AnyClient, platform: respx.MockRouter, case: Case
) -> None:
    """One POST of JSON to the method's path with the auth fields (S1.1), ``owner``
    where the endpoint takes it, exactly the method's fields, and the parsed result."""
    route = platform.post(case.path).mock(return_value=envelope(case.reply))

    result = await call(client, case.method, *case.args, **case.kwargs)

    assert result == case.result
    assert [c.request.url.path for c in platform.calls] == [case.path]
    assert route.call_count == 1
    request = platform.calls[0].request
    assert request.method == "POST"
    assert str(request.url) == ENDPOINT + case.path
    assert request.headers["Content-Type"] == CONTENT_TYPE
    assert request.headers["Accept"] == ACCEPT
    payload = payloads(platform.calls)[0]
    assert payload["clientId"] == CLIENT_ID
    assert payload["apiKey"] == API_KEY
    assert payload["sha"] == SHA
    assert type(payload["requestTime"]) is int
    assert abs(payload["requestTime"] - time.time() * 1000) < 60_000
    if case.owner:
        assert payload["owner"] == OWNER
    else:
        assert "owner" not in payload
    assert bodies(platform.calls)[0] == case.fields


def test_cases_cover_every_public_method() -> None:
    """The table above names every public method of the four foundation resources,
    so a method added without a wire test fails here."""
    client = SalesManago(
        client_id=CLIENT_ID, api_secret="s", owner=OWNER, endpoint=ENDPOINT, api_key=API_KEY
    )
    expected = {
        f"{resource}.{name}"
        for resource in ("contacts", "tags", "optin", "users")
        for name, _ in inspect.getmembers(
            type(getattr(client, resource)), predicate=inspect.isfunction
        )
        if not name.startswith("_")
    }
    assert expected - set(MULTI_REQUEST) <= {case.method for case in CASES}
    covered = {(c.method, c.kwargs.get("any_owner", False)) for c in CASES}
    for method in ("contacts.list", "contacts.list_by_id"):
        assert {(method, False), (method, True)} <= covered
    for method in ("opt_in", "opt_out", "phone_opt_in", "phone_opt_out"):
        keys = {tuple(c.fields) for c in CASES if c.method == f"optin.{method}"}
        assert keys == {("email",), ("contactId",)}


async def test_upsert_returns_the_same_id_as_before(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """S2.2: an upsert of an existing e-mail answers the contact's id, and the SDK
    hands back exactly that id (it never invents or caches one)."""
    route = platform.post("/api/contact/upsert").mock(
        side_effect=answers(ok(contactId="c-1"), ok(contactId="c-1"))
    )
    first = await call(client, "contacts.upsert", ContactUpsert(email="ann@example.com"))
    again = await call(client, "contacts.upsert", ContactUpsert(email="ann@example.com", phone="1"))
    assert first.contact_id == again.contact_id == "c-1"
    assert bodies(route.calls)[1] == {"contact": {"email": "ann@example.com", "phone": "1"}}


async def test_has_contact_is_none_for_a_deleted_contact(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """S3.1 / protocol §14: ``result: false, contactId: null`` (a deleted contact)
    reads as ``None``, and so does ``result: false`` with a stale id."""
    platform.post("/api/contact/hasContact").mock(
        side_effect=answers(ok(result=False, contactId=None), ok(result=False, contactId="c-1"))
    )
    assert await call(client, "contacts.has_contact", "ann@example.com") is None
    assert await call(client, "contacts.has_contact", "ann@example.com") is None


async def test_list_asks_own_or_any_owner_endpoint(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """S1.7: ``list`` asks ``contact/list`` (the owner's contacts) unless
    ``any_owner=True``, which asks ``contact/listAll``."""
    platform.post("/api/contact/list").mock(return_value=envelope(ok(contacts=[])))
    platform.post("/api/contact/listAll").mock(return_value=envelope(ok(contacts=[FULL_WIRE])))
    assert await call(client, "contacts.list", ["ann@example.com"]) == []
    assert await call(client, "contacts.list", ["ann@example.com"], any_owner=True) == [FULL]
    assert [c.request.url.path for c in platform.calls] == [
        "/api/contact/list",
        "/api/contact/listAll",
    ]


async def test_contact_writes_send_the_trimmed_values_they_validated(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """S2.1, S5.1: e-mails and tag names are checked after trimming white space, and
    what was checked is what is sent: an upsert sends the same tag names as
    ``managetags`` for the same input (the platform would turn a stray space into
    ``_``), and an update's ``newEmail`` goes out trimmed like ``email``."""
    for path in ("/api/contact/upsert", "/api/contact/managetags", "/api/contact/update"):
        platform.post(path).mock(return_value=envelope(ok(contactId="c-1")))
    await call(
        client,
        "contacts.upsert",
        ContactUpsert(email=" ann@example.com ", tags=[" VIP "], remove_tags=["OLD "]),
    )
    await call(client, "tags.manage", " ann@example.com ", add=[" VIP "], remove=["OLD "])
    await call(
        client,
        "contacts.update",
        ContactUpsert(email=" ann@example.com", new_email=" ann2@example.com\t"),
    )
    upsert, manage, update = bodies(platform.calls)
    assert upsert == {
        "contact": {"email": "ann@example.com"},
        "tags": ["VIP"],
        "removeTags": ["OLD"],
    }
    assert manage == {"email": "ann@example.com", "tags": ["VIP"], "removeTags": ["OLD"]}
    assert update == {"email": "ann@example.com", "newEmail": "ann2@example.com"}


async def test_batch_delete_is_refused_whole_and_never_repeated(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """Issue 12 wire §2 (D): an addressee that does not resolve refuses the whole call
    (NotFoundError with the platform's text); like ``delete`` (S3.1) the call is not
    idempotent, so a 5xx after it left is raised, not repeated."""
    route = platform.post("/api/contact/batchDelete").mock(
        side_effect=answers(failed("Contact not found: gone@example.com"), httpx.Response(502))
    )
    with pytest.raises(NotFoundError) as caught:
        await call(client, "contacts.batch_delete", ["gone@example.com"])
    assert caught.value.messages == ("Contact not found: gone@example.com",)
    with pytest.raises(InternalServerError):
        await call(client, "contacts.batch_delete", [Addressee.tag("OLD")])
    assert route.call_count == 2


@pytest.mark.parametrize(
    ("contacts", "field"),
    [
        ([], "contacts"),
        ("ann@example.com", "contacts"),
        (["ann@"], "contacts[0]"),
        ([Addressee(addressee_type=AddresseeType.FUNNEL, value="F")], "contacts[0].addresseeType"),
        ([Addressee.tag(" ")], "contacts[0].value"),
    ],
    ids=["empty", "one-string", "bad-email", "funnel", "blank-tag"],
)
async def test_batch_delete_addressees_are_checked_before_sending(
    client: AnyClient, platform: respx.MockRouter, contacts: Any, field: str
) -> None:
    """batchDelete takes e-mails and EMAIL / CONTACT_ID / TAG addressees (protocol §5.4)."""
    with pytest.raises(ValidationError) as caught:
        await call(client, "contacts.batch_delete", contacts)
    assert caught.value.field == field
    assert not platform.calls
