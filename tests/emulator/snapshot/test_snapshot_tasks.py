"""Snapshot of the tasks area (S9.2): tasks with their reminders, cc and assignees."""

from __future__ import annotations

from typing import Any

import pytest
from snapshot_helpers import (
    CLIENT_ID,
    NOW,
    OWNERS,
    area,
    assert_refused,
    exported,
    fresh,
    imported,
    through_json,
)

from salesmanago_emulator.snapshot import dump_area
from salesmanago_emulator.state import ContactWrite


def test_tasks_round_trip_and_stay_usable() -> None:
    data = exported()
    tasks = area(data, "tasks")
    assert [(t["note"], t["reminder"], t["cc"], t["realized"]) for t in tasks] == [
        ("call", None, [], True),
        ("follow up", "_15_MIN", ["boss@example.com"], False),
    ]
    account = imported(data).account(CLIENT_ID)
    kept = account.tasks.get(tasks[1]["id"])
    assert kept is not None
    assert (kept.note, kept.owner, kept.date.isoformat()) == (
        "follow up",
        OWNERS[0],
        tasks[1]["date"],
    )
    account.tasks.update(kept.id, realized=True)  # the index of ids came back too
    account.tasks.finish(tasks[0]["id"])
    assert [t.note for t in account.tasks.of(account.find_live("buyer@example.com"))] == [
        "follow up"
    ]


def test_an_import_replaces_the_tasks_there_were() -> None:
    target = fresh()
    account = target.account(CLIENT_ID)
    account.contacts.upsert(ContactWrite(email="a@example.com"), OWNERS[0])
    kept = account.tasks.create("a@example.com", "Call", NOW, reminder="1_WEEK", cc=["c@x.example"])
    saved = target.export_state()
    account.tasks.finish(kept.id)
    target.import_state(saved)
    assert target.account(CLIENT_ID).tasks.get(kept.id) == kept
    assert dump_area(target.account(CLIENT_ID), "tasks") == area(saved, "tasks")


@pytest.mark.parametrize(
    ("change", "path", "problem"),
    [
        (lambda t: t.update(reminder="15_MIN"), "reminder", "must be written '_15_MIN'"),
        (lambda t: t.update(reminder="SOON"), "reminder", "must be one of _15_MIN"),
        (lambda t: t.update(cc=["not-an-email"]), "cc[0]", "must be a valid e-mail address"),
        (lambda t: t.update(cc=["Boss@Example.com"]), "cc[0]", "must be written 'boss@"),
        (lambda t: t.update(cc=["a@x.example", "a@x.example"]), "cc[1]", "repeats"),
        (lambda t: t.update(note=""), "note", "must not be empty"),
        (lambda t: t.update(realized="no"), "realized", "must be true or false"),
        (lambda t: t.update(owner="nobody@example.com"), "owner", "must be a user"),
        (lambda t: t.update(date=1768471200000), "date", "must be a string (got the number"),
        (lambda t: t.update(contactId="zz"), "contactId", "names no card of the account"),
    ],
)
def test_bad_task_is_refused_by_path(change: Any, path: str, problem: str) -> None:
    assert_refused(lambda d: change(area(d, "tasks")[1]), f"accounts[0].tasks[1].{path}", problem)


# --- Snapshot of tasks of no contact (protocol §14): ``contactId`` ``null``, after the cards'


def test_task_of_no_contact_round_trips_and_stays_usable() -> None:
    source = fresh()
    account = source.account(CLIENT_ID)
    account.contacts.upsert(ContactWrite(email="a@example.com"), OWNERS[0])
    alone = account.tasks.create(None, "Call", NOW, owner=OWNERS[1], reminder="1_DAY")
    on_card = account.tasks.create("a@example.com", "Visit", NOW)
    data = through_json(source.export_state())
    tasks = area(data, "tasks")
    assert [(t["id"], t["contactId"]) for t in tasks] == [
        (on_card.id, on_card.contact_id),
        (alone.id, None),
    ]
    target = fresh()
    target.import_state(data)
    loaded = target.account(CLIENT_ID)
    assert loaded.tasks.unattached == [alone]
    assert dump_area(loaded, "tasks") == tasks
    loaded.tasks.update(alone.id, contact="a@example.com")  # its index came back too
    assert [t.id for t in loaded.tasks.of(loaded.find_live("a@example.com"))] == [
        on_card.id,
        alone.id,
    ]


def test_bad_task_of_no_contact_is_refused_by_path() -> None:
    def orphan_with_stranger(data: dict[str, object]) -> None:
        task = area(data, "tasks")[0]
        task["contactId"] = None
        task["owner"] = "nobody@example.com"

    assert_refused(orphan_with_stranger, "accounts[0].tasks[0].owner", "must be a user")
