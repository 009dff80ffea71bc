"""Client-side validation: a value breaking a platform rule raises ValidationError
naming the wire field (with its path) and the rule, and nothing is sent
(protocol §3.4 e-mail rules and limits; S5.1 tags; S7.5 "refused, never truncated")."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
import respx
from sdk_helpers import AnyClient, bodies, call, envelope, ok

from salesmanago import ConsentDetail, ContactUpsert, ValidationError

AWARE = datetime(2024, 5, 1, tzinfo=timezone.utc)
NAIVE = datetime(2024, 5, 1)
LOCAL_64 = "a" * 64
DOMAIN = "@example.com"


def _item(email: str = "ann@example.com", **fields: Any) -> ContactUpsert:
    return ContactUpsert(email=email, **fields)


def _long_email() -> str:
    labels = ".".join(["d" * 60] * 4)  # 243 characters of domain
    return "a" * 10 + "@" + labels + ".com"


CASES: list[tuple[str, str, tuple[Any, ...], dict[str, Any], str, str]] = [
    # (id, method, args, kwargs, field, rule fragment)
    ("email-syntax", "contacts.upsert", (_item("not-an-email"),), {}, "contact.email", "e-mail"),
    ("email-no-domain", "contacts.insert", (_item("ann@"),), {}, "contact.email", "e-mail"),
    (
        "email-dots",
        "contacts.upsert",
        (_item("a..b@example.com"),),
        {},
        "contact.email",
        "before '@'",
    ),
    ("email-domain", "contacts.upsert", (_item("ann@example"),), {}, "contact.email", "domain"),
    (
        "email-local-65",
        "contacts.upsert",
        (_item("a" * 65 + DOMAIN),),
        {},
        "contact.email",
        "at most 64 characters before '@'",
    ),
    ("email-255", "contacts.update", (_item(_long_email()),), {}, "contact.email", "at most 254"),
    ("new-email", "contacts.update", (_item(new_email="x@"),), {}, "newEmail", "e-mail"),
    ("delete-email", "contacts.delete", ("nope",), {}, "email", "e-mail"),
    ("has-contact-email", "contacts.has_contact", ("a@b",), {}, "email", "domain"),
    (
        "tag-empty",
        "contacts.upsert",
        (_item(tags=["OK", "  "]),),
        {},
        "tags[1]",
        "must not be empty",
    ),
    ("tag-comma", "contacts.upsert", (_item(tags=["A,B"]),), {}, "tags[0]", "must not contain ','"),
    (
        "tag-256",
        "contacts.upsert",
        (_item(tags=["T" * 256]),),
        {},
        "tags[0]",
        "at most 255 characters",
    ),
    (
        "remove-tag-comma",
        "contacts.upsert",
        (_item(remove_tags=["x,y"]),),
        {},
        "removeTags[0]",
        "','",
    ),
    ("manage-tag-empty", "tags.manage", ("ann@example.com",), {"add": [""]}, "tags[0]", "empty"),
    (
        "manage-remove-long",
        "tags.manage",
        ("ann@example.com",),
        {"remove": ["R" * 256]},
        "removeTags[0]",
        "at most 255",
    ),
    ("manage-nothing", "tags.manage", ("ann@example.com",), {}, "tags", "at least one tag"),
    ("manage-one-string", "tags.manage", ("ann@example.com",), {"add": "VIP"}, "tags", "list"),
    (
        "force-both",
        "contacts.upsert",
        (_item(force_opt_in=True, force_opt_out=True),),
        {},
        "forceOptIn",
        "cannot be set together with forceOptOut",
    ),
    (
        "force-phone-both",
        "contacts.insert",
        (_item(force_phone_opt_in=True, force_phone_opt_out=True),),
        {},
        "forcePhoneOptIn",
        "cannot be set together",
    ),
    (
        "consent-naive",
        "contacts.upsert",
        (
            _item(
                consent_details=[
                    ConsentDetail(consent_name="M", consent_accept=True, agreement_date=NAIVE)
                ]
            ),
        ),
        {},
        "consentDetails[0].agreementDate",
        "timezone-aware",
    ),
    (
        "property-empty-name",
        "contacts.upsert",
        (_item(properties={" ": "x"}),),
        {},
        "properties",
        "empty",
    ),
    # batch upsert: chunk sizes (an invalid item fails alone: test_sdk_batch_items.py)
    (
        "chunk-0",
        "contacts.batch_upsert",
        ([_item()],),
        {"chunk_size": 0},
        "chunk_size",
        "1 or more",
    ),
    (
        "chunk-1001",
        "contacts.batch_upsert",
        ([_item()],),
        {"chunk_size": 1001},
        "chunk_size",
        "at most 1000",
    ),
    # list keys given as one string, bad keys
    ("list-one-string", "contacts.list", ("ann@example.com",), {}, "email", "not a single string"),
    (
        "list-all-one-string",
        "contacts.list",
        ("a@example.com",),
        {"any_owner": True},
        "email",
        "list",
    ),
    (
        "list-by-id-one-string",
        "contacts.list_by_id",
        ("c-1",),
        {},
        "contactId",
        "not a single string",
    ),
    (
        "basic-one-string",
        "contacts.basic",
        ("ann@example.com",),
        {},
        "email",
        "not a single string",
    ),
    ("basic-by-id-one-string", "contacts.basic_by_id", ("c-1",), {}, "id", "not a single string"),
    ("list-bad-email", "contacts.list", (["a@example.com", "b"],), {}, "email[1]", "e-mail"),
    ("list-by-id-empty", "contacts.list_by_id", (["c-1", " "],), {}, "contactId[1]", "non-empty"),
    ("batch-opt-in-one-string", "optin.batch_opt_in", ("a@example.com",), {}, "emails", "list"),
    ("batch-opt-out-empty", "optin.batch_opt_out", ([],), {}, "emails", "at least 1"),
    (
        "batch-opt-out-1001",
        "optin.batch_opt_out",
        ([f"c{i}@example.com" for i in range(1001)],),
        {},
        "emails",
        "at most 1000",
    ),
    (
        "batch-opt-in-bad",
        "optin.batch_opt_in",
        (["a@example.com", "x"],),
        {},
        "emails[1]",
        "e-mail",
    ),
    # datetimes
    ("created-naive-from", "contacts.created", (NAIVE, AWARE), {}, "from", "timezone-aware"),
    ("modified-naive-to", "contacts.modified", (AWARE, NAIVE), {}, "to", "timezone-aware"),
    ("iter-modified-naive", "contacts.iter_modified", (NAIVE, AWARE), {}, "from", "timezone-aware"),
    ("created-reversed", "contacts.created", (AWARE.replace(year=2025), AWARE), {}, "to", "before"),
    (
        "iter-page-size-0",
        "contacts.iter_modified",
        (AWARE, AWARE),
        {"page_size": 0},
        "size",
        "1 or more",
    ),
    (
        "iter-page-size-big",
        "contacts.iter_modified",
        (AWARE, AWARE),
        {"page_size": 1001},
        "size",
        "at most 1000",
    ),
    # opt-in keys, owners, monitoring
    (
        "optin-both-keys",
        "optin.opt_in",
        ("a@example.com",),
        {"contact_id": "c-1"},
        "email",
        "exactly one",
    ),
    ("optout-no-key", "optin.opt_out", (), {}, "email", "exactly one"),
    ("phone-optin-empty-id", "optin.phone_opt_in", (), {"contact_id": " "}, "contactId", "empty"),
    ("phone-optout-bad-email", "optin.phone_opt_out", ("x",), {}, "email", "e-mail"),
    (
        "main-owner-bad",
        "contacts.set_main_owner",
        ("a@example.com", "boss"),
        {},
        "newOwner",
        "e-mail",
    ),
    ("monitoring-empty", "contacts.stop_monitoring", ([],), {}, "contacts", "at least 1"),
    (
        "monitoring-bad",
        "contacts.restore_monitoring",
        (["a@example.com", "x"],),
        {},
        "contacts[1]",
        "e-mail",
    ),
]


@pytest.mark.parametrize(
    ("method", "args", "kwargs", "field", "rule"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
async def test_invalid_value_is_refused_before_sending(
    client: AnyClient,
    platform: respx.MockRouter,
    method: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    field: str,
    rule: str,
) -> None:
    """ValidationError names the field (with its path) and the rule; no request left."""
    with pytest.raises(ValidationError) as caught:
        await call(client, method, *args, **kwargs)

    assert caught.value.field == field
    assert rule in caught.value.rule
    assert f"'{field}'" in str(caught.value)
    assert rule in str(caught.value)
    assert not platform.calls


@pytest.mark.parametrize(
    "email",
    [
        LOCAL_64 + DOMAIN,
        "first.last+tag@sub.example.co.uk",
        "o'brien@example.ie",
        "  padded@example.com  ",
        "x@" + ".".join(["d" * 60] * 3) + ".com",
    ],
)
async def test_valid_edge_emails_are_sent(
    client: AnyClient, platform: respx.MockRouter, email: str
) -> None:
    """The limits are inclusive (64 before '@'), plus-addressing and quotes pass, and
    surrounding white space is trimmed, not refused (S2.1)."""
    platform.post("/api/contact/hasContact").mock(return_value=envelope(ok(result=False)))
    assert await call(client, "contacts.has_contact", email) is None
    assert bodies(platform.calls) == [{"email": email.strip()}]


async def test_tag_of_255_characters_is_sent_whole(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """S7.5-style limits are refusals, never truncation: 255 characters go out whole."""
    platform.post("/api/contact/managetags").mock(return_value=envelope(ok(contactId="c-1")))
    await call(client, "tags.manage", "ann@example.com", add=["T" * 255])
    assert bodies(platform.calls)[0]["tags"] == ["T" * 255]


@pytest.mark.parametrize(
    "field", ["tags", "remove_tags", "dictionary_properties", "consent_details"]
)
def test_list_fields_refuse_a_single_string(field: str) -> None:
    """``tags="VIP"`` would silently become the tags V, I, P: it is refused, naming the field."""
    with pytest.raises(TypeError, match=rf"^{field} must be a list of items, not a single str$"):
        ContactUpsert(email="a@example.com", **{field: "VIP"})


def test_list_fields_take_any_iterable_and_store_tuples() -> None:
    """Lists, tuples and generators are accepted; the model keeps a tuple (frozen)."""
    item = ContactUpsert(email="a@example.com", tags=["A"], remove_tags=(t for t in ["B"]))
    assert item.tags == ("A",)
    assert item.remove_tags == ("B",)
