"""Snapshot of the tags area: when each tag of the account's list was first used (S5.3)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from snapshot_helpers import CLIENT_ID, area, assert_refused, exported, imported


def test_tag_creation_times_round_trip_and_order_the_list() -> None:
    data = exported()
    assert area(data, "tags") == {
        "VIP": "2026-01-15T10:00:00+00:00",
        "LOYAL": "2026-01-15T10:05:00+00:00",
    }
    area(data, "tags")["VIP"] = "2026-01-15T11:00:00+00:00"  # later than LOYAL now
    account = imported(data).account(CLIENT_ID)
    listed = account.tags.list("created")
    assert [(t.tag, t.count) for t in listed] == [("LOYAL", 1), ("VIP", 1)]
    assert listed[1].created_on == datetime(2026, 1, 15, 11, tzinfo=timezone.utc)


def test_a_tag_without_a_saved_time_keeps_its_first_card_tag_time() -> None:
    data = exported()
    del area(data, "tags")["VIP"]
    account = imported(data).account(CLIENT_ID)
    assert account.store.tags.created_on("VIP") == datetime(2026, 1, 15, 10, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("change", "path", "problem"),
    [
        (lambda t: t.update({"vip": t["VIP"]}), "vip", "must be written 'VIP'"),
        (lambda t: t.update({"lower case!": t["VIP"]}), "lower case!", "must be written 'LOWER"),
        (lambda t: t.update(NEVER=t["VIP"]), "NEVER", "names a tag no card carries"),
        (lambda t: t.update(VIP="2026-01-15T10:00"), "VIP", "must be a timezone-aware instant"),
        (lambda t: t.update(VIP=None), "VIP", "must be a string (got null)"),
    ],
)
def test_bad_tag_time_is_refused_by_path(change: Any, path: str, problem: str) -> None:
    assert_refused(lambda d: change(area(d, "tags")), f"accounts[0].tags.{path}", problem)


def test_the_tags_area_must_be_an_object() -> None:
    assert_refused(
        lambda d: d["accounts"][0].update(tags=["VIP"]),
        "accounts[0].tags",
        "must be an object (got a list)",
    )
