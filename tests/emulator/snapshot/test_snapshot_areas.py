"""Every area's snapshot round-trips and refuses bad values by path (issue 11).

One row per area of the account: the populated export holds data for it, that
data imports back identically, and one bad value in it is refused naming its
path and problem, the importing emulator left unchanged. Each area's own test
module (``test_snapshot_<area>.py``) goes further.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from snapshot_helpers import area, assert_refused, exported, fresh, imported

from salesmanago_emulator.snapshot import AREAS, dump_area

# area key -> (a change breaking one value of its data, the path, the problem)
BAD: dict[str, tuple[Callable[[Any], object], str, str]] = {
    "users": (
        lambda users: users.append("w1@@x.example.com"),
        "accounts[0].users[3]",
        "must be a valid e-mail address",
    ),
    "optin": (
        lambda optin: optin["consents"].append(" Padded"),
        "accounts[0].optin.consents[1]",
        "must be written 'Padded'",
    ),
    "contacts": (
        lambda cards: cards[1].update(email="not-an-email"),
        "accounts[0].contacts[1].email",
        "must be a valid e-mail address",
    ),
    "tags": (
        lambda tags: tags.update({"lower case!": tags["VIP"]}),
        "accounts[0].tags.lower case!",
        "must be written 'LOWER_CASE_'",
    ),
    "funnels": (
        lambda funnels: funnels["funnels"][0]["members"][0].update(stage="Nowhere"),
        "accounts[0].funnels.funnels[0].members[0].stage",
        "must be one of Lead stage, Won stage (got 'Nowhere')",
    ),
    "loyalty": (
        lambda programs: programs[0]["members"][1].update(points=16),
        "accounts[0].loyalty[0].members[1].points",
        "must equal the sum of the history's changes (15)",
    ),
    "companies": (
        lambda companies: companies["companies"].append("Nobody Inc"),
        "accounts[0].companies.companies[1]",
        "names a company no card names",
    ),
    "callbacks": (
        lambda callbacks: callbacks["endpoints"][1].update(url="ftp://nowhere"),
        "accounts[0].callbacks.endpoints[1].url",
        "must be an http or https URL with a host",
    ),
    "exports": (
        lambda exports: exports.update(pollsUntilDone=-1),
        "accounts[0].exports.pollsUntilDone",
        "must be at least 0 (got -1)",
    ),
    "coupons": (
        lambda coupons: coupons[0].update(name="n" * 65),
        "accounts[0].coupons[0].name",
        "must be at most 64 characters long (got 65)",
    ),
    "notes": (
        lambda notes: notes[1].update(priv="false"),
        "accounts[0].notes[1].priv",
        "must be true or false (got the string 'false')",
    ),
    "tasks": (
        lambda tasks: tasks[1].update(reminder="15_MIN"),
        "accounts[0].tasks[1].reminder",
        "must be written '_15_MIN'",
    ),
    "events": (
        lambda events: events[1].update(value="1.234"),
        "accounts[0].events[1].value",
        "must have at most 2 digits after the decimal point (got 3)",
    ),
    "activity": (
        lambda visits: visits[0].update(duration=-1),
        "accounts[0].activity[0].duration",
        "must be at least 0 (got -1)",
    ),
    "rules": (
        lambda rules: rules["rules"][0].update(maxFireTimes=10**100),
        "accounts[0].rules.rules[0].maxFireTimes",
        "must have at most 40 digits",
    ),
    "catalogs": (  # populated data of its own: test_snapshot_catalogs.py
        lambda catalogs: catalogs["apiKeys"].append("a key"),
        "accounts[0].catalogs.apiKeys[0]",
        "must not hold white space",
    ),
    "timeline": (
        lambda timeline: timeline[0].update(kind="VISIT"),
        "accounts[0].timeline[0].kind",
        "must be one of CONTACT_CREATED",
    ),
    "messages": (  # populated data of its own: test_snapshot_messages.py
        lambda messages: messages["emailAccounts"].append(
            {"id": "a", "address": "not an e-mail", "name": "A"}
        ),
        "accounts[0].messages.emailAccounts[0].address",
        "must be a valid e-mail address",
    ),
    "contact_manager": (  # populated data of its own: test_snapshot_contact_manager.py
        lambda manager: manager.update(nameOrder=0),
        "accounts[0].contact_manager.nameOrder",
        "must be at least 1",
    ),
}
"""One bad value per area that has state of its own."""


def test_the_table_names_every_area_of_an_account() -> None:
    account = fresh().account("c1")
    assert set(AREAS) == {a.key for a in account.areas}
    assert {key for key, fmt in AREAS.items() if fmt is not None} == set(BAD)
    assert AREAS["scoring"] is None  # the score is on the card
    assert dump_area(account, "scoring") is None


@pytest.mark.parametrize("key", sorted(BAD))
def test_every_area_round_trips_identically(key: str) -> None:
    data = exported()
    assert area(data, key), f"the populated export holds no {key} data"
    target = imported(data)
    assert target.export_state() == data
    assert dump_area(target.account("c1"), key) == area(data, key)


@pytest.mark.parametrize("key", sorted(BAD))
def test_every_area_refuses_a_bad_value_by_path(key: str) -> None:
    change, path, problem = BAD[key]
    assert_refused(lambda data: change(area(data, key)), path, problem)
