"""Snapshot of tasks of no contact (protocol §14): ``contactId`` ``null``, after the cards'."""

from __future__ import annotations

from snapshot_helpers import CLIENT_ID, NOW, OWNERS, area, assert_refused, fresh, through_json

from salesmanago_emulator.snapshot import dump_area
from salesmanago_emulator.state import ContactWrite


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
