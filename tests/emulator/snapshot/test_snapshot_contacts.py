"""Snapshot of the contacts area: every card with all it holds, checked as the wire checks it."""

from __future__ import annotations

from typing import Any

import pytest
from snapshot_helpers import CLIENT_ID, OWNERS, area, assert_refused, exported, imported

from salesmanago_emulator.snapshot import export_card
from salesmanago_emulator.state import Birthday


def card(data: dict[str, Any], index: int = 0) -> dict[str, Any]:
    """Card ``index`` of the export (0: full@, 1: buyer@, 2: gone@, soft-deleted)."""
    found: dict[str, Any] = area(data, "contacts")[index]
    return found


def test_cards_round_trip_with_everything_they_hold() -> None:
    data = exported()
    target = imported(data)
    account = target.account(CLIENT_ID)
    cards = [export_card(account, record) for record in account.all_contacts()]
    assert cards == area(data, "contacts")
    full = account.find_live("full@example.com")
    assert (full.birthday, full.invalid, full.status_before_invalid) == (
        Birthday(None, 2, 29),
        True,
        False,
    )
    assert full.owners == {OWNERS[0]: "MAIN", OWNERS[1]: "READ_ONLY", OWNERS[2]: "CO_OWNER"}
    assert account.companies.scoring("Acme") == 15  # derived from the cards' scores
    gone = account.find("gone@example.com")
    assert gone is not None
    assert gone.deleted
    assert account.count() == 2


@pytest.mark.parametrize(
    ("change", "path", "problem"),
    [
        # the reproductions: e-mails the wire refuses, a score beyond its numbers
        (
            lambda c: c.update(email="not-an-email"),
            "email",
            "must be a valid e-mail address",
        ),
        (
            lambda c: c.update(email="w1@@x.example.com"),
            "email",
            "must be a valid e-mail address",
        ),
        (lambda c: c.update(score=10**100), "score", "must have at most 40 digits"),
        (
            lambda c: c["tags"][0].update(tag="lower case!"),
            "tags[0].tag",
            "must be written 'LOWER_CASE_', as the platform stores it (got 'lower case!')",
        ),
        # stored forms: refused with the spelling, never changed
        (
            lambda c: c.update(email="Full@Example.com"),
            "email",
            "must be written 'full@example.com'",
        ),
        (lambda c: c.update(id=c["id"].upper()), "id", "must be written"),
        (lambda c: c.update(state="customer"), "state", "must be one of CUSTOMER, PROSPECT"),
        (
            lambda c: c["consents"][0].update(name="newsletter"),
            "consents[0].name",
            "must be written 'Newsletter'",
        ),
        (
            lambda c: c["dictionaryProperties"][0].update(value=" 42"),
            "dictionaryProperties[0].value",
            "must be written '42'",
        ),
        # types
        (lambda c: c.update(email=5), "email", "must be a string (got the number 5)"),
        (lambda c: c.update(score="1"), "score", "must be an integer (got the string '1')"),
        (lambda c: c.update(score=1.5), "score", "must be an integer (got the number 1.5)"),
        (lambda c: c.update(optedOut="false"), "optedOut", "must be true or false"),
        (lambda c: c.update(name=["Full"]), "name", "must be a string (got a list)"),
        (lambda c: c["tags"][0].update(score="1"), "tags[0].score", "must be an integer"),
        (lambda c: c["properties"].update(color=1), "properties.color", "must be a string"),
        (lambda c: c.update(owners={}), "owners", "must be a list (got an object)"),
        # instants
        (
            lambda c: c.update(createdOn="2026-01-01T00:00:00"),
            "createdOn",
            "must be a timezone-aware instant",
        ),
        (lambda c: c.update(modifiedOn="yesterday"), "modifiedOn", "must be an ISO-8601"),
        (lambda c: c.update(lastVisit=0), "lastVisit", "must be a string"),
        # rules of the card
        (lambda c: c.pop("mainOwner"), "mainOwner", "is required"),
        (
            lambda c: c.update(mainOwner="stranger@example.com"),
            "mainOwner",
            "must be a user of the account (got stranger@example.com)",
        ),
        (
            lambda c: c["owners"][0].update(email=OWNERS[0]),
            "owners[0].email",
            "is the main owner already",
        ),
        (lambda c: c["owners"][0].update(level="MAIN"), "owners[0].level", "must be one of"),
        (lambda c: c["owners"].append(c["owners"][0]), "owners[2].email", "repeats"),
        (
            lambda c: c.update(birthday={"month": 2, "day": 30}),
            "birthday",
            "must be a real calendar date (got 0230)",
        ),
        (lambda c: c.update(birthday={"month": 2}), "birthday.day", "is required"),
        (lambda c: c["tags"].append(c["tags"][0]), "tags[1].tag", "repeats 'VIP'"),
        (lambda c: c["tags"][0].update(tag="A,B"), "tags[0].tag", "must be one tag (got 2: A, B)"),
        (lambda c: c["tags"][0].update(tag=" , "), "tags[0].tag", "must not be empty"),
        (lambda c: c["tags"][0].update(tag="T" * 256), "tags[0].tag", "must be at most 255"),
        (lambda c: c["properties"].update({" ": "x"}), "properties. ", "names a detail with a"),
        (
            lambda c: c["dictionaryProperties"][0].update(value="lots"),
            "dictionaryProperties[0].value",
            "must be a number for a NUMBER detail (got 'lots')",
        ),
        (
            lambda c: c["dictionaryProperties"][0].update(type="TEXT"),
            "dictionaryProperties[0].type",
            "must be one of NUMBER, DATE",
        ),
        (
            lambda c: c["consents"][0].update(name="Spam"),
            "consents[0].name",
            "names no consent of this account (got 'Spam')",
        ),
        (lambda c: c["consents"][0].update(status="YES"), "consents[0].status", "must be one"),
        (
            lambda c: c["optHistory"][0].update(source="SOMEWHERE"),
            "optHistory[0].source",
            "must be one of FROM_INIT, ONE_MESSAGE",
        ),
        (lambda c: c["optHistory"][0].update(channel="SMS"), "optHistory[0].channel", "must be"),
        (lambda c: c.pop("statusBeforeInvalid"), "statusBeforeInvalid", "is required"),
        (lambda c: c.update(invalid=False), "statusBeforeInvalid", "is kept by an invalid"),
        (lambda c: c.update(unknown=1), "unknown", "is not a key of a card (keys: id, email"),
    ],
)
def test_bad_card_value_is_refused_by_path(change: Any, path: str, problem: str) -> None:
    assert_refused(lambda d: change(card(d)), f"accounts[0].contacts[0].{path}", problem)


@pytest.mark.parametrize(
    ("change", "path", "problem"),
    [
        (
            lambda d: card(d, 1).update(email="full@example.com"),
            "accounts[0].contacts[1].email",
            "repeats 'full@example.com' (already at accounts[0].contacts[0].email)",
        ),
        (
            lambda d: card(d, 1).update(id=card(d)["id"]),
            "accounts[0].contacts[1].id",
            "repeats",
        ),
        (
            lambda d: card(d, 2).update(purgeAt="2026-01-01T00:00:00+00:00"),
            "accounts[0].contacts[2].purgeAt",
            "must be 2026-01-16T01:00:00+00:00: the first 02:00 after deletedAt",
        ),
        (lambda d: card(d, 2).pop("deletedAt"), "accounts[0].contacts[2].deletedAt", "is required"),
        (
            lambda d: card(d, 1).update(purgeAt="2026-01-16T01:00:00+00:00"),
            "accounts[0].contacts[1].purgeAt",
            "is kept by a deleted card only",
        ),
        (
            lambda d: area(d, "optin").update(consents=[]),
            "accounts[0].contacts[0].consents[0].name",
            "names no consent of this account",
        ),
    ],
)
def test_cards_are_checked_against_each_other_and_the_account(
    change: Any, path: str, problem: str
) -> None:
    assert_refused(change, path, problem)
