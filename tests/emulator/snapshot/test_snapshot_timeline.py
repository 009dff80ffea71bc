"""Snapshot of the timeline area (seed 003 §14): every card's stored system events,
checked by the area's own rule on import."""

from __future__ import annotations

from typing import Any

import pytest
from snapshot_helpers import CLIENT_ID, OWNERS, area, assert_refused, exported, imported

from salesmanago_emulator.snapshot import dump_area
from salesmanago_emulator.snapshot.timeline import dump_entry


def test_timeline_round_trips_with_its_derived_creation() -> None:
    data = exported()
    entries = area(data, "timeline")
    assert {"kind": "OWNER_ASSIGNED", "date": "2026-01-15T10:00:00+00:00"}.items() <= entries[
        1
    ].items()
    kinds = [e["kind"] for e in entries]
    assert "CONTACT_CREATED" not in kinds  # made from the card, never stored
    assert {"CONTACT_DELETED", "NOTE_ADDED", "COUPON_GIVEN", "FUNNEL_STAGE_CHANGED"} <= set(kinds)
    account = imported(data).account(CLIENT_ID)
    assert dump_area(account, "timeline") == entries
    full = [dump_entry(e) for e in account.timeline.of("full@example.com")]
    assert full[0] == {
        "kind": "CONTACT_CREATED",
        "date": "2026-01-15T10:00:00+00:00",
        "details": {"owner": OWNERS[0]},
    }
    assert [e["kind"] for e in full[1:4]] == ["EMAIL_OPTED_IN", "OWNER_ASSIGNED", "OWNER_ASSIGNED"]


@pytest.mark.parametrize(
    ("change", "path", "problem"),
    [
        (lambda e: e.update(kind="VISIT"), "kind", "must be one of CONTACT_CREATED"),
        (lambda e: e.update(kind=3), "kind", "must be a string"),
        (lambda e: e["details"].update(level="BOSS"), "details.level", "must be one of MAIN"),
        (lambda e: e["details"].pop("owner"), "details.owner", "is required"),
        (lambda e: e["details"].update(color="red"), "details.color", "must be one of owner"),
        (lambda e: e.update(details=[]), "details", "must be an object"),
        (lambda e: e.update(date="2026-01-15"), "date", "must be a timezone-aware"),
        (lambda e: e.update(contactId="zz"), "contactId", "names no card of the account"),
        (lambda e: e.update(at="x"), "at", "is not a key of a timeline entry"),
    ],
)
def test_bad_timeline_entry_is_refused_by_path(change: Any, path: str, problem: str) -> None:
    def mutate(data: dict[str, Any]) -> None:
        entry = area(data, "timeline")[1]
        assert entry["kind"] == "OWNER_ASSIGNED"
        change(entry)

    assert_refused(mutate, f"accounts[0].timeline[1].{path}", problem)
