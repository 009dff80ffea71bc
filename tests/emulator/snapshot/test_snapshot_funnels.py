"""Snapshot of the funnels area (S12, S13): funnels, their members' places and transitions."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from funnels_helpers import _two_in_lead, card, count
from routes_helpers import A_OWNER, Api
from snapshot_helpers import CLIENT_ID, OWNERS, area, assert_refused, exported, fresh, imported

from salesmanago_emulator import Account, Emulator
from salesmanago_emulator.snapshot import dump_area
from salesmanago_emulator.state import ContactWrite
from salesmanago_emulator.state.funnels import StageSpec, Target


def test_funnels_places_and_transitions_come_back_and_counts_are_recomputed() -> None:
    """Moved from the funnels' area tests (then ``to_state`` / ``load_state``)."""
    source = fresh()
    account = source.account(CLIENT_ID)
    account.funnels.add("Sales", [StageSpec("Lead"), StageSpec("Won")])
    for email in ("ann@example.com", "bob@example.com"):
        account.contacts.upsert(ContactWrite(email=email), OWNERS[0])
    everyone = [Target("EMAIL", "ann@example.com"), Target("EMAIL", "bob@example.com")]
    account.funnels.add_contacts("Sales", "Lead", everyone)
    source.clock.advance(timedelta(minutes=1))
    account.funnels.add_contacts(
        "Sales", "Won", [Target("EMAIL", "bob@example.com")], pot_value=Decimal("1.10")
    )
    account.contacts.delete("ann@example.com")
    account.funnels.default_group = "G"
    ann_before = account.funnels.of_contact(account.find("ann@example.com"))  # type: ignore[arg-type]
    data = source.export_state()
    target = imported(data)
    copy = target.account(CLIENT_ID)
    assert target.export_state() == data
    assert copy.funnels.default_group == "G"
    assert (copy.funnels.count("Sales", "Lead"), copy.funnels.count("Sales", "Won")) == (0, 1)
    ann = copy.find("ann@example.com")
    assert ann is not None
    assert copy.funnels.of_contact(ann) == ann_before
    assert copy.funnels.of_contact(copy.find_live("bob@example.com"))[0].pot_value == Decimal(
        "1.10"
    )
    copy.contacts.upsert(ContactWrite(email="ann@example.com"), OWNERS[0])  # restored
    assert copy.funnels.count("Sales", "Lead") == 1


def test_a_card_keeps_the_order_it_joined_its_funnels() -> None:
    """S13.2: the populated buyer joined Sales, then Other (``joinOrder``)."""
    data = exported()
    sales, other = area(data, "funnels")["funnels"]
    assert (sales["members"][0]["joinOrder"], other["members"][0]["joinOrder"]) == (0, 1)
    sales["members"][0]["joinOrder"], other["members"][0]["joinOrder"] = 1, 0
    account = imported(data).account(CLIENT_ID)
    buyer = account.find_live("buyer@example.com")
    assert [p.funnel for p in account.funnels.of_contact(buyer)] == ["Other", "Sales"]
    assert dump_area(account, "funnels") == area(data, "funnels")


@pytest.mark.parametrize(
    ("change", "path", "problem"),
    [
        (lambda f: f.update(defaultGroup=" "), "defaultGroup", "must not be empty"),
        (lambda f: f["funnels"][0].update(name=" Sales"), "funnels[0].name", "must be written"),
        (
            lambda f: f["funnels"][1].update(name="SALES"),
            "funnels[1].name",
            "repeats 'sales'",
        ),
        (lambda f: f["funnels"][0].update(group="g" * 256), "funnels[0].group", "must be 1 to 255"),
        (lambda f: f["funnels"][0].update(potValue="-1"), "funnels[0].potValue", "must not be"),
        (lambda f: f["funnels"][0].update(potValue=5), "funnels[0].potValue", "must be a string"),
        (lambda f: f["funnels"][0].update(stages=[]), "funnels[0].stages", "must hold at least"),
        (
            lambda f: f["funnels"][0]["stages"].append("Lead STAGE"),
            "funnels[0].stages[2]",
            "repeats 'lead stage'",
        ),
        (
            lambda f: f["funnels"][0]["stages"].append("Ok"),
            "funnels[0].stages[2]",
            "must be 3 to 255 characters long (got 2)",
        ),
        (
            lambda f: f["funnels"][0]["members"][0].update(stage="won stage"),
            "funnels[0].members[0].stage",
            "must be one of Lead stage, Won stage (got 'won stage')",
        ),
        (
            lambda f: f["funnels"][0]["members"][0].update(contactId="zz"),
            "funnels[0].members[0].contactId",
            "names no card of the account",
        ),
        (
            lambda f: f["funnels"][0]["members"].append(f["funnels"][0]["members"][0]),
            "funnels[0].members[1].contactId",
            "repeats",
        ),
        (
            lambda f: f["funnels"][0]["members"][0].update(joinOrder=-1),
            "funnels[0].members[0].joinOrder",
            "must be at least 0",
        ),
        (
            lambda f: f["funnels"][0]["members"][0]["transitions"][0].update(at="now"),
            "funnels[0].members[0].transitions[0].at",
            "must be an ISO-8601 date-time",
        ),
        (lambda f: f.update(groups=[]), "groups", "is not a key of the funnels area"),
    ],
)
def test_bad_funnel_value_is_refused_by_path(change: Any, path: str, problem: str) -> None:
    assert_refused(lambda d: change(area(d, "funnels")), f"accounts[0].funnels.{path}", problem)


# --- the whole emulator's export and import, on the two-account fixtures ---------------


def test_area_emulator_export_import_keeps_funnels(emu: Emulator, api: Api) -> None:
    """The emulator's state file (``export_state`` / ``import_state``) carries the funnels."""
    _two_in_lead(api)
    api.ok("contact/delete", email="bob@example.com")
    data = json.loads(json.dumps(emu.export_state()))
    before = card(api, "ann@example.com")["contactFunnels"]
    emu.import_state(data)
    assert card(api, "ann@example.com")["contactFunnels"] == before
    assert count(api) == 1
    api.upsert("bob@example.com")
    assert count(api) == 2


def test_s13_2_export_import_keeps_the_order_contacts_joined_their_funnels(
    emu: Emulator, account_a: Account, api: Api
) -> None:
    """S13.2: a card lists its funnels in the order it joined them, not the funnels'
    creation order, and keeps it through export_state / import_state."""
    funnels = account_a.funnels
    funnels.add("First", [StageSpec("Lead")])
    funnels.add("Second", [StageSpec("Lead")])
    ann = account_a.contacts.upsert(ContactWrite(email="ann@example.com"), A_OWNER)
    bob = account_a.contacts.upsert(ContactWrite(email="bob@example.com"), A_OWNER)
    funnels.add_contacts("Second", "Lead", [Target("EMAIL", ann.email)])
    funnels.add_contacts("First", "Lead", [Target("EMAIL", ann.email), Target("EMAIL", bob.email)])
    funnels.add_contacts("Second", "Lead", [Target("EMAIL", bob.email)])
    assert [p.funnel for p in funnels.of_contact(ann)] == ["Second", "First"]
    assert [p.funnel for p in funnels.of_contact(bob)] == ["First", "Second"]
    before = card(api, "ann@example.com")["contactFunnels"]
    emu.import_state(json.loads(json.dumps(emu.export_state())))
    copy = emu.account(account_a.client_id)
    ann2, bob2 = copy.find_live(ann.id), copy.find_live(bob.id)
    assert [p.funnel for p in copy.funnels.of_contact(ann2)] == ["Second", "First"]
    assert [p.funnel for p in copy.funnels.of_contact(bob2)] == ["First", "Second"]
    assert card(api, "ann@example.com")["contactFunnels"] == before
