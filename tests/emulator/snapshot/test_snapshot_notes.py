"""Snapshot of the notes area (S9.1): notes with their authors and privacy."""

from __future__ import annotations

from typing import Any

import pytest
from snapshot_helpers import CLIENT_ID, OWNERS, area, assert_refused, exported, fresh, imported

from salesmanago_emulator.snapshot import dump_area
from salesmanago_emulator.state import ContactWrite


def test_notes_round_trip_and_keep_their_privacy() -> None:
    data = exported()
    assert [(n["note"], n["priv"], n["author"]) for n in area(data, "notes")] == [
        ("called back", False, OWNERS[0]),
        ("secret", True, OWNERS[1]),
    ]
    account = imported(data).account(CLIENT_ID)
    buyer = account.find_live("buyer@example.com")
    assert [n.text for n in account.notes.visible_to(buyer, OWNERS[0])] == ["called back"]
    assert [n.text for n in account.notes.visible_to(buyer, OWNERS[1])] == ["called back", "secret"]
    assert dump_area(account, "notes") == area(data, "notes")


def test_an_import_replaces_the_notes_there_were() -> None:
    target = fresh()
    account = target.account(CLIENT_ID)
    account.contacts.upsert(ContactWrite(email="a@example.com"), OWNERS[0])
    account.notes.add("a@example.com", "first", owner=OWNERS[0], private=True)
    saved = target.export_state()
    account.notes.add("a@example.com", "later", owner=OWNERS[0])
    target.import_state(saved)
    after = target.account(CLIENT_ID)
    assert [n.text for n in after.notes.of(after.find_live("a@example.com"))] == ["first"]
    assert target.export_state() == saved


@pytest.mark.parametrize(
    ("change", "path", "problem"),
    [
        # the reproduction: a string is not a boolean
        (
            lambda n: n.update(priv="false"),
            "priv",
            "must be true or false (got the string 'false')",
        ),
        (lambda n: n.update(priv=0), "priv", "must be true or false (got the number 0)"),
        (lambda n: n.update(note="n" * 1025), "note", "must be at most 1024 characters long"),
        (lambda n: n.update(note="  "), "note", "must not be empty"),
        (lambda n: n.update(note=None), "note", "is required"),
        (lambda n: n.update(author="stranger@example.com"), "author", "must be a user"),
        (lambda n: n.update(contactId="zz"), "contactId", "names no card of the account"),
        (lambda n: n.update(createdOn="2026-01-15"), "createdOn", "must be a timezone-aware"),
        (lambda n: n.update(id=" x"), "id", "must be written 'x'"),
        (lambda n: n.update(private=True), "private", "is not a key of a note"),
    ],
)
def test_bad_note_is_refused_by_path(change: Any, path: str, problem: str) -> None:
    assert_refused(lambda d: change(area(d, "notes")[1]), f"accounts[0].notes[1].{path}", problem)


def test_note_ids_are_unique() -> None:
    assert_refused(
        lambda d: area(d, "notes")[1].update(id=area(d, "notes")[0]["id"]),
        "accounts[0].notes[1].id",
        "repeats",
    )
