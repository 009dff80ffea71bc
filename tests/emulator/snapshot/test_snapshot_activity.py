"""Snapshot of the activity area (S16.1): visits, anonymous ones too, in recording order."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from activity_helpers import HOUR_MS, _traffic, activity
from routes_helpers import A_ID, B_ID, NOW_MS, Api
from snapshot_helpers import (
    CLIENT_ID,
    OWNERS,
    area,
    assert_refused,
    exported,
    fresh,
    imported,
    through_json,
)

from salesmanago_emulator import Account, Emulator
from salesmanago_emulator.snapshot import dump_area
from salesmanago_emulator.state import ContactWrite


def test_visits_round_trip_in_recording_order() -> None:
    data = exported()
    known, anonymous = area(data, "activity")
    assert (known["source"], known["sourceDetail"], known["points"]) == ("SEARCH", "google", 3)
    assert (anonymous["contactId"], anonymous["source"], anonymous["ip"]) == (None, "DIRECT", None)
    target = imported(data)
    account = target.account(CLIENT_ID)
    assert dump_area(account, "activity") == area(data, "activity")
    assert [v.url for v in account.activity.anonymous] == ["https://shop.example.com/anon"]
    buyer = account.find_live("buyer@example.com")
    assert [v.points for v in account.activity.of(buyer)] == [3]
    assert buyer.score == 3  # the points are on the card once, not added again
    later = account.activity.record(None, url="https://shop.example.com/next")
    assert later is not None
    assert later.seq == 3
    now = account.clock.now()
    assert len(account.activity.between(now - timedelta(hours=1), now)) == 3


@pytest.mark.parametrize(
    ("change", "path", "problem"),
    [
        (lambda v: v.update(contactId="no-such-id"), "contactId", "names no card of the account"),
        (lambda v: v.update(source="search"), "source", "must be written 'SEARCH'"),
        (lambda v: v.update(source=" "), "source", "must not be empty"),
        (lambda v: v.update(url=" https://x/"), "url", "must be written 'https://x/'"),
        (lambda v: v.update(url="u" * 2049), "url", "must be at most 2048 characters"),
        (lambda v: v.update(sourceDetail="d" * 256), "sourceDetail", "must be at most 255"),
        (lambda v: v.update(sourceDetail=" "), "sourceDetail", "must be left out"),
        (lambda v: v.update(duration=-1), "duration", "must be at least 0 (got -1)"),
        (lambda v: v.update(points="3"), "points", "must be an integer"),
        (lambda v: v.update(date="2026-01-15T10:06:00"), "date", "must be a timezone-aware"),
        (lambda v: v.update(device="mobile"), "device", "must be written 'MOBILE'"),
        (lambda v: v.update(browser=" "), "browser", "must be left out"),
        (lambda v: v.update(os="o" * 65), "os", "must be at most 64 characters"),
    ],
)
def test_bad_visit_is_refused_by_path(change: Any, path: str, problem: str) -> None:
    assert_refused(
        lambda d: change(area(d, "activity")[0]), f"accounts[0].activity[0].{path}", problem
    )


def test_visit_ids_are_unique() -> None:
    assert_refused(
        lambda d: area(d, "activity")[1].update(id=area(d, "activity")[0]["id"]),
        "accounts[0].activity[1].id",
        "repeats",
    )


# --- the whole emulator's export and import, on the two-account fixtures ---------------


def test_reset_and_snapshot_round_trip(emu: Emulator, api: Api, account_a: Account) -> None:
    """The state export keeps every visit (anonymous too) in order; reset forgets
    them; an import brings them back, reports included."""
    _traffic(api, account_a)
    state = dump_area(account_a, "activity")
    assert len(state) == 7
    before = activity(api, NOW_MS - HOUR_MS, NOW_MS, allVisits=True, ipDetails=True)
    exported = emu.export_state()
    account_a.activity.reset()
    assert dump_area(account_a, "activity") == []
    emu.import_state(exported)
    assert dump_area(emu.account(A_ID), "activity") == state
    assert activity(api, NOW_MS - HOUR_MS, NOW_MS, allVisits=True, ipDetails=True) == before
    assert emu.export_state() == exported
    assert dump_area(emu.account(B_ID), "activity") == []


def test_s16_1_device_system_and_browser_round_trip_and_may_be_left_out() -> None:
    """A visit's device, system and browser are kept; an export without them (older)
    loads them as null."""
    source = fresh()
    account = source.account(CLIENT_ID)
    account.contacts.upsert(ContactWrite(email="a@example.com"), OWNERS[0])
    agent = "Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/126.0 Mobile Safari/537.36"
    account.activity.record("a@example.com", url="https://x.example/", user_agent=agent)
    data = through_json(source.export_state())
    (visit,) = area(data, "activity")
    assert (visit["device"], visit["os"], visit["browser"]) == ("MOBILE", "ANDROID", "CHROME")
    assert dump_area(imported(data).account(CLIENT_ID), "activity") == [visit]
    for key in ("device", "os", "browser"):
        del visit[key]
    (loaded,) = dump_area(imported(data).account(CLIENT_ID), "activity")
    assert (loaded["device"], loaded["os"], loaded["browser"]) == (None, None, None)
