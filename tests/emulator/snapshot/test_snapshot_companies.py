"""Snapshot of the companies area (S4): shown names and the order persons joined."""

from __future__ import annotations

import json
from typing import Any

import pytest
from companies_helpers import person
from routes_helpers import A_ID, A_OWNER
from snapshot_helpers import CLIENT_ID, OWNERS, area, assert_refused, fresh, imported

from salesmanago_emulator import Emulator
from salesmanago_emulator.snapshot import dump_area
from salesmanago_emulator.state import ContactWrite


def _person(emu: Any, email: str, company: str, score: int = 0) -> None:
    account = emu.account(CLIENT_ID)
    account.contacts.upsert(ContactWrite(email=email, company=company), OWNERS[0])
    if score:
        account.scoring.set(email, score)


def test_companies_are_rebuilt_from_the_cards_with_their_shown_names() -> None:
    """Moved from the companies' area tests (then ``to_state`` / ``load_state``)."""
    source = fresh()
    _person(source, "a@x.example.com", "ACME", score=4)
    _person(source, "b@x.example.com", "acme", score=6)
    _person(source, "c@x.example.com", "Beta", score=1)
    source.account(CLIENT_ID).contacts.delete("c@x.example.com")
    data = source.export_state()
    ids = [c["id"] for c in area(data, "contacts")]
    assert area(data, "companies") == {"companies": ["ACME", "Beta"], "joinOrder": ids}
    account = imported(data).account(CLIENT_ID)
    assert account.companies.names() == ["ACME", "Beta"]
    assert (account.companies.scoring("acme"), account.companies.scoring("beta")) == (10, 0)
    account.contacts.restore("c@x.example.com")
    assert account.companies.scoring("beta") == 1


def test_s4_5_persons_keep_the_order_they_joined() -> None:
    source = fresh()
    for email in ("a@x.example.com", "b@x.example.com", "c@x.example.com"):
        _person(source, email, "ACME")
    account = source.account(CLIENT_ID)
    account.contacts.upsert(ContactWrite(email="a@x.example.com", company="Beta"), OWNERS[0])
    account.contacts.upsert(ContactWrite(email="a@x.example.com", company="acme"), OWNERS[0])
    order = ["b@x.example.com", "c@x.example.com", "a@x.example.com"]
    assert [r.email for r in account.companies.company("acme").persons] == order
    data = source.export_state()
    copy = imported(data).account(CLIENT_ID)
    assert [r.email for r in copy.companies.company("acme").persons] == order
    assert dump_area(copy, "companies") == area(data, "companies")
    del area(data, "companies")["joinOrder"]  # without it: card order
    copy = imported(data).account(CLIENT_ID)
    assert [r.email for r in copy.companies.company("acme").persons] == sorted(order)


@pytest.mark.parametrize(
    ("change", "path", "problem"),
    [
        (lambda c: c["companies"].append("Nobody Inc"), "companies[1]", "names a company no card"),
        (lambda c: c["companies"].append("ACME"), "companies[1]", "repeats 'acme'"),
        (lambda c: c["companies"].append(" "), "companies[1]", "must not be empty"),
        (lambda c: c.update(companies=[" Acme"]), "companies[0]", "must be written 'Acme'"),
        (lambda c: c["joinOrder"].append("zz"), "joinOrder[2]", "names no card of the account"),
        (lambda c: c["joinOrder"].append(c["joinOrder"][0]), "joinOrder[2]", "repeats"),
        (lambda c: c.update(names=[]), "names", "is not a key of the companies area"),
    ],
)
def test_bad_company_value_is_refused_by_path(change: Any, path: str, problem: str) -> None:
    assert_refused(lambda d: change(area(d, "companies")), f"accounts[0].companies.{path}", problem)


def test_a_join_order_naming_a_card_with_no_company_is_refused() -> None:
    def gone(data: dict[str, Any]) -> None:
        area(data, "companies")["joinOrder"].append(area(data, "contacts")[2]["id"])

    assert_refused(gone, "accounts[0].companies.joinOrder[2]", "names a card with no company")


# --- the whole emulator's export and import, on the two-account fixtures ---------------


def test_area_emulator_export_import_rebuilds_companies(emu: Emulator) -> None:
    """After ``import_state`` the companies (names, sums, persons) are as before."""
    account = emu.account(A_ID)
    person(account, "a@x.example.com", "ACME", score=4)
    person(account, "b@x.example.com", "acme", score=6)
    person(account, "c@x.example.com", "acme", score=9)
    account.contacts.delete("c@x.example.com")
    emu.import_state(json.loads(json.dumps(emu.export_state())))
    account = emu.account(A_ID)
    view = account.companies.company("Acme")
    assert (view.name, view.scoring) == ("ACME", 10)
    assert [r.email for r in view.persons] == ["a@x.example.com", "b@x.example.com"]
    account.contacts.restore("c@x.example.com")
    assert account.companies.company("acme").scoring == 19


def test_s4_5_export_import_keeps_the_order_persons_joined(emu: Emulator) -> None:
    """S4.5: persons are listed in the order they joined the company (not contact
    order), through export_state / import_state; old state without ``joinOrder``
    still loads (contact order)."""
    account = emu.account(A_ID)
    person(account, "a@x.example.com", "ACME")
    person(account, "b@x.example.com", "ACME")
    person(account, "c@x.example.com", "ACME")
    account.contacts.upsert(ContactWrite(email="a@x.example.com", company="Beta"), A_OWNER)
    account.contacts.upsert(ContactWrite(email="a@x.example.com", company="acme"), A_OWNER)
    account.contacts.delete("b@x.example.com")
    account.contacts.restore("b@x.example.com")
    order = ["c@x.example.com", "a@x.example.com", "b@x.example.com"]
    assert [r.email for r in account.companies.company("acme").persons] == order
    data = json.loads(json.dumps(emu.export_state()))
    emu.import_state(data)
    assert [r.email for r in emu.account(A_ID).companies.company("acme").persons] == order
    for item in data["accounts"]:
        item["companies"].pop("joinOrder", None)
    emu.import_state(data)
    assert [r.email for r in emu.account(A_ID).companies.company("acme").persons] == sorted(order)
