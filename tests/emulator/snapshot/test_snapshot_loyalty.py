"""Snapshot of the loyalty area (protocol §8.6): programs, members, points and history.

The populated export holds the active ``Club`` (a soft-deleted member with 0
points, then ``buyer@example.com`` with 20 added and 5 subtracted) and the
inactive ``Old``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from snapshot_helpers import CLIENT_ID, NOW, area, assert_refused, exported, imported

from salesmanago_emulator.errors import ContactNotFound, LoyaltyProgramInactive
from salesmanago_emulator.state._addressees import Target

BUYER = "buyer@example.com"


def test_loyalty_round_trips_members_points_and_history() -> None:
    data = exported()
    club, old = area(data, "loyalty")
    assert (club["name"], club["active"], old["name"], old["active"]) == (
        "Club",
        True,
        "Old",
        False,
    )
    gone, buyer = club["members"]
    assert (gone["points"], gone["history"]) == (0, [])
    assert buyer["points"] == 15
    assert buyer["history"][0] == {
        "modificationType": "ADD",
        "points": 20,
        "comment": "welcome",
        "at": (NOW + timedelta(minutes=6)).isoformat(),
    }
    assert buyer["history"][1]["modificationType"] == "SUBTRACT"
    account = imported(data).account(CLIENT_ID)
    assert account.loyalty.points("Club", BUYER) == 15
    with pytest.raises(ContactNotFound):  # S3.1: the soft-deleted member is kept, unaddressable
        account.loyalty.points("Club", "gone@example.com")
    account.contacts.restore("gone@example.com")
    assert account.loyalty.points("Club", "gone@example.com") == 0
    with pytest.raises(LoyaltyProgramInactive):
        account.loyalty.add_contacts("old", [Target("EMAIL", BUYER)])
    account.loyalty.modify_points("club", [Target("EMAIL", BUYER)], 15, modification="SUBTRACT")
    assert account.loyalty.points("Club", BUYER) == 0


def _member(data: dict[str, Any]) -> dict[str, Any]:
    member: dict[str, Any] = area(data, "loyalty")[0]["members"][1]
    return member


AT = "accounts[0].loyalty"
MEMBER = f"{AT}[0].members[1]"


@pytest.mark.parametrize(
    ("change", "path", "problem"),
    [
        (
            lambda d: area(d, "loyalty")[0].update(name=" Club"),
            f"{AT}[0].name",
            "must be written 'Club'",
        ),
        (lambda d: area(d, "loyalty")[1].update(name="club"), f"{AT}[1].name", "repeats 'club'"),
        (lambda d: area(d, "loyalty")[0].update(name=""), f"{AT}[0].name", "must not be empty"),
        (
            lambda d: area(d, "loyalty")[0].update(name="x" * 256),
            f"{AT}[0].name",
            "must be at most 255 characters long",
        ),
        (lambda d: area(d, "loyalty")[0].update(active="yes"), f"{AT}[0].active", "must be true"),
        (lambda d: area(d, "loyalty")[0].update(rank=1), f"{AT}[0].rank", "is not a key of"),
        (
            lambda d: _member(d).update(contactId="zz"),
            f"{MEMBER}.contactId",
            "names no card of the account",
        ),
        (
            lambda d: area(d, "loyalty")[0]["members"].append(_member(d)),
            f"{AT}[0].members[2].contactId",
            "repeats",
        ),
        (lambda d: _member(d).update(points=-1), f"{MEMBER}.points", "must be at least 0"),
        (lambda d: _member(d).update(points="15"), f"{MEMBER}.points", "must be an integer"),
        (
            lambda d: _member(d).update(enrolledOn="2026-01-15"),
            f"{MEMBER}.enrolledOn",
            "must be a timezone-aware instant",
        ),
        (
            lambda d: _member(d)["history"][1].update(modificationType="subtract"),
            f"{MEMBER}.history[1].modificationType",
            "must be written 'SUBTRACT'",
        ),
        (
            lambda d: _member(d)["history"][1].update(modificationType="SET"),
            f"{MEMBER}.history[1].modificationType",
            "must be one of ADD, SUBTRACT",
        ),
        (
            lambda d: _member(d)["history"][0].update(points=0),
            f"{MEMBER}.history[0].points",
            "must be at least 1",
        ),
        (
            lambda d: _member(d)["history"][1].update(points=21),
            f"{MEMBER}.history[1]",
            "takes the balance below zero (to -1)",
        ),
        (
            lambda d: _member(d)["history"][0].update(points=2**31 - 1),
            f"{MEMBER}.points",
            "must equal the sum of the history's changes (2147483642)",
        ),
        (
            lambda d: _member(d)["history"].insert(
                0, dict(_member(d)["history"][0], points=2**31 - 1)
            ),
            f"{MEMBER}.history[1]",
            "takes the balance over 2147483647 (to 2147483667)",
        ),
        (
            lambda d: _member(d)["history"][0].update(comment=5),
            f"{MEMBER}.history[0].comment",
            "must be a string",
        ),
        (
            lambda d: _member(d)["history"][0].update(at=None),
            f"{MEMBER}.history[0].at",
            "is required",
        ),
    ],
)
def test_bad_loyalty_data_is_refused_by_path(change: Any, path: str, problem: str) -> None:
    assert_refused(change, path, problem)
