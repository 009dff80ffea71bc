"""Loyalty programs (protocol §8.6, §5.2, §5.4; issue 12 wire §3), sync and async:
``/api/loyalty/program/v1/{addContact, removeContact, modifyPoints}`` with lower-case
addressee types, the answer's ``points``, the platform's refusals, and the upsert
option ``loyaltyProgram``."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sdk_helpers import answers, bodies, body, envelope, failed, ok

from salesmanago import (
    APITimeoutError,
    AsyncSalesManago,
    ContactUpsert,
    NotFoundError,
    RequestFailedError,
    SalesManago,
    SalesManagoError,
    ValidationError,
)
from salesmanago_emulator import Account

OWNER = "owner@shop.example.com"
BASE = "/api/loyalty/program/v1"
CONTACTS = [
    {"addresseeType": "email", "value": "ann@example.com"},
    {"addresseeType": "tag", "value": "VIP"},
    {"addresseeType": "contact_id", "value": "c-7"},
]
WHO = {"emails": [" ann@example.com"], "tags": ["VIP"], "contact_ids": ["c-7"]}


@pytest.mark.parametrize(
    ("method", "path"),
    [("loyalty.add_contacts", "addContact"), ("loyalty.remove_contacts", "removeContact")],
)
def test_s8_6_membership_names_contacts_in_lower_case(api, platform, method, path) -> None:
    """Protocol §5.4: the loyalty API spells addressee types ``email``, ``tag``,
    ``contact_id``; the program is named by ``loyaltyProgram``; the owner is sent."""
    route = platform.post(f"{BASE}/{path}").mock(return_value=envelope(ok()))
    assert api(method, "Gold Club", **WHO) is None
    assert body(route) == {"owner": OWNER, "loyaltyProgram": "Gold Club", "contacts": CONTACTS}


def test_s8_6_modify_points_adds_or_subtracts_and_returns_points(api, platform) -> None:
    """``points`` (a whole number > 0) with ``modificationType`` ADD or SUBTRACT and an
    optional ``comment``; the answer's ``points`` is returned."""
    route = platform.post(f"{BASE}/modifyPoints").mock(
        side_effect=answers(ok(points=150), ok(points=30))
    )
    assert api("loyalty.modify_points", "Gold Club", 50, emails=["ann@example.com"]) == 150
    assert (
        api(
            "loyalty.modify_points",
            "Gold Club",
            20,
            subtract=True,
            tags=["VIP"],
            comment="returned order 7",
        )
        == 30
    )
    assert bodies(route.calls) == [
        {
            "loyaltyProgram": "Gold Club",
            "contacts": [CONTACTS[0]],
            "points": 50,
            "modificationType": "ADD",
        },
        {
            "loyaltyProgram": "Gold Club",
            "contacts": [CONTACTS[1]],
            "points": 20,
            "modificationType": "SUBTRACT",
            "comment": "returned order 7",
        },
    ]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("Specified loyalty program does not exist", NotFoundError),
        ("Specified loyalty program is inactive", RequestFailedError),
        ("Not enough points: ann@example.com has 3", RequestFailedError),
    ],
)
def test_refusals_carry_the_platforms_text(api, platform, text, error) -> None:
    """Protocol §3.3 (A texts) and issue 12 wire §3 (D): an unknown program is a
    NotFoundError; an inactive one, or a subtraction below zero, a RequestFailedError."""
    platform.post(f"{BASE}/modifyPoints").mock(return_value=envelope(failed(text)))
    with pytest.raises(error) as caught:
        api("loyalty.modify_points", "Gold Club", 5, subtract=True, emails=["ann@example.com"])
    assert type(caught.value) is error
    assert caught.value.messages == (text,)


def test_points_once_sent_are_never_sent_again(api, platform) -> None:
    """modifyPoints is not idempotent (repeated points count twice): a timeout after
    the request left is raised at once."""
    route = platform.post(f"{BASE}/modifyPoints").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(APITimeoutError) as caught:
        api("loyalty.modify_points", "Gold Club", 5, emails=["ann@example.com"])
    assert caught.value.may_have_landed
    assert route.call_count == 1


@pytest.mark.parametrize(
    ("args", "kwargs", "field"),
    [
        (("Gold", 0), WHO, "points"),
        (("Gold", -5), WHO, "points"),
        (("Gold", True), WHO, "points"),
        (("Gold", 1.5), WHO, "points"),
        ((" ", 5), WHO, "loyaltyProgram"),
        (("Gold", 5), {}, "contacts"),
        (("Gold", 5), {"emails": "ann@example.com"}, "emails"),
        (("Gold", 5), {"emails": ["ann@"]}, "emails[0]"),
        (("Gold", 5), {"tags": ["VIP", " "]}, "tags[1]"),
        (("Gold", 5), {**WHO, "comment": 7}, "comment"),
    ],
)
def test_arguments_are_checked_before_sending(
    api, platform, args: tuple[Any, ...], kwargs: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        api("loyalty.modify_points", *args, **kwargs)
    assert caught.value.field == field
    assert not platform.calls


def test_s5_2_upsert_option_enrols_the_contact(api, platform) -> None:
    """Protocol §5.2: ``loyaltyProgram`` on an upsert (and on a batch item) enrols the
    contact; a blank name is refused before sending."""
    single = platform.post("/api/contact/upsert").mock(return_value=envelope(ok(contactId="c")))
    batch = platform.post("/api/contact/batchupsert").mock(
        return_value=envelope(ok(contactIds={"ann@example.com": "c"}))
    )
    contact = ContactUpsert(email="ann@example.com", loyalty_program="Gold Club")
    api("contacts.upsert", contact)
    api("contacts.batch_upsert", [contact])
    wire = {"contact": {"email": "ann@example.com"}, "loyaltyProgram": "Gold Club"}
    assert bodies(single.calls) == [wire]
    assert bodies(batch.calls) == [{"upsertDetails": [wire]}]
    with pytest.raises(ValidationError) as caught:
        ContactUpsert(email="ann@example.com", loyalty_program=" ").validate()
    assert caught.value.field == "loyaltyProgram"


# --- end to end on the emulator (sm / asm: account A's clients) ---------------------


def test_s8_6_loyalty_end_to_end(sm: SalesManago, account_a: Account) -> None:
    """Programs are created in the platform's UI (here: Python); the SDK enrols by e-mail
    and tag, adds and subtracts points (the answer: the new balance of one member), and
    removes; an upsert with ``loyalty_program`` enrols too (§5.2)."""
    account_a.loyalty.create_program("Gold")
    sm.contacts.upsert(ContactUpsert(email="ann@example.com"))
    sm.contacts.upsert(ContactUpsert(email="bob@example.com", tags=["VIP"]))
    sm.loyalty.add_contacts("Gold", emails=["ann@example.com"], tags=["VIP"])
    assert sm.loyalty.modify_points("Gold", 50, emails=["ann@example.com"]) == 50
    assert sm.loyalty.modify_points("Gold", 20, subtract=True, emails=["ann@example.com"]) == 30
    assert account_a.loyalty.points("Gold", "ann@example.com") == 30
    assert account_a.loyalty.points("Gold", "bob@example.com") == 0
    sm.loyalty.remove_contacts("Gold", tags=["VIP"])
    assert account_a.loyalty.points("Gold", "bob@example.com") is None
    sm.contacts.upsert(ContactUpsert(email="cat@example.com", loyalty_program="Gold"))
    assert account_a.loyalty.points("Gold", "cat@example.com") == 0


async def test_s8_6_loyalty_refusals_end_to_end_async(
    asm: AsyncSalesManago, account_a: Account
) -> None:
    """The platform's texts reach the caller as typed errors and change nothing: an
    unknown program (§3.3), a subtraction below zero (D)."""
    account_a.loyalty.create_program("Gold")
    await asm.contacts.upsert(ContactUpsert(email="ann@example.com"))
    with pytest.raises(SalesManagoError, match="Specified loyalty program does not exist"):
        await asm.loyalty.add_contacts("Silver", emails=["ann@example.com"])
    await asm.loyalty.add_contacts("Gold", emails=["ann@example.com"])
    with pytest.raises(SalesManagoError, match=r"Not enough points: ann@example\.com has 0"):
        await asm.loyalty.modify_points("Gold", 5, subtract=True, emails=["ann@example.com"])
    assert account_a.loyalty.points("Gold", "ann@example.com") == 0
