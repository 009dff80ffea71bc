"""Snapshot of import jobs (``contact/batchupsertv2``): pending writes and done results.

A pending import keeps its request as the wire sent it (read again by the wire's
reader on import); a done one keeps its results. Each bad value is refused naming
its path, and the importing emulator is left as it was.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from snapshot_helpers import CLIENT_ID, OWNERS, area, fresh, through_json

from salesmanago_emulator import Emulator, FrozenClock
from salesmanago_emulator._jsoncodec import encode_json
from salesmanago_emulator.routes._writes import read_batch
from salesmanago_emulator.snapshot import SnapshotError, dump_area
from salesmanago_emulator.state import ContactWrite

REQUEST = {
    "upsertDetails": [
        {"contact": {"email": "a@example.com", "name": "A"}, "tags": ["NEW"]},
        {"contact": {"email": "not-an-email"}},
        {"contact": 5},
    ],
    "lang": "PL",
}


def _start(emu: Emulator[FrozenClock], request: dict[str, Any], *, fire: bool = True) -> Any:
    account = emu.account(CLIENT_ID)
    items = read_batch(request)
    return account.exports.start_import(
        items, OWNERS[1], fire_events=fire, request=encode_json(request)
    )


def _with_imports() -> Emulator[FrozenClock]:
    """Job 1 an export, job 2 a done import, job 3 a pending import (fireEvents false)."""
    emu = fresh()
    account = emu.account(CLIENT_ID)
    account.contacts.upsert(ContactWrite(email="keep@example.com"), OWNERS[0])
    account.exports.start("CONTACT_LIST", '{"contacts": []}')
    done = _start(emu, REQUEST)
    account.exports.poll(done)
    _start(emu, {"upsertDetails": [{"contact": {"email": "later@example.com"}}]}, fire=False)
    return emu


def test_import_jobs_round_trip_pending_and_done() -> None:
    source = _with_imports()
    data = through_json(source.export_state())
    jobs = area(data, "exports")["jobs"]
    assert "import" not in jobs[0]
    assert jobs[1]["import"]["request"] == REQUEST
    a_id = source.account(CLIENT_ID).find_live("a@example.com").id
    assert jobs[1]["import"]["results"] == [
        {"email": "a@example.com", "contactId": a_id},
        {"field": "contact.email", "rule": "must be a valid e-mail address"},
        {"field": "contact", "rule": "must be an object"},
    ]
    assert jobs[2]["import"]["results"] is None
    assert jobs[2]["import"]["fireEvents"] is False
    target = fresh()
    target.import_state(data)
    account = target.account(CLIENT_ID)
    assert dump_area(account, "exports") == area(data, "exports")
    done, pending = account.exports.jobs[1:]
    assert account.exports.done(done)
    assert [str(r) for r in account.exports.results(done)[1:]] == [  # type: ignore[index]
        "Field 'contact.email' must be a valid e-mail address",
        "Field 'contact' must be an object",
    ]
    assert account.exports.poll(pending)  # the saved writes apply after the import
    assert account.find_live("later@example.com").main_owner == OWNERS[1]


def _refused(mutate: Callable[[dict[str, Any]], object], path: str, problem: str) -> None:
    data = copy.deepcopy(through_json(_with_imports().export_state()))
    mutate(area(data, "exports")["jobs"])
    target = fresh()
    target.account(CLIENT_ID).contacts.upsert(ContactWrite(email="x@example.com"), OWNERS[0])
    before = target.export_state()
    with pytest.raises(SnapshotError) as caught:
        target.import_state(data)
    assert caught.value.path == f"accounts[0].exports.jobs{path}"
    assert caught.value.problem.startswith(problem), caught.value.problem
    assert target.export_state() == before


def _set(index: int, key: str, value: object) -> Callable[[list[dict[str, Any]]], None]:
    def change(jobs: list[dict[str, Any]]) -> None:
        jobs[index]["import"][key] = value

    return change


@pytest.mark.parametrize(
    ("mutate", "path", "problem"),
    [
        (_set(1, "owner", "nobody@example.com"), "[1].import.owner", "must be a user"),
        (_set(1, "fireEvents", "yes"), "[1].import.fireEvents", "must be true or false"),
        (_set(1, "request", []), "[1].import.request", "must be an object holding"),
        (
            _set(1, "request", {"upsertDetails": []}),
            "[1].import.request.upsertDetails",
            "must not be empty",
        ),
        (_set(1, "results", []), "[1].import.results", "must hold one result per item (3, got 0)"),
        (
            _set(1, "results", [{"email": "a@example.com"}] * 3),
            "[1].import.results[0].contactId",
            "is required",
        ),
        (
            _set(1, "results", [{"email": "A@example.com", "contactId": "x"}] * 3),
            "[1].import.results[0].email",
            "must be written 'a@example.com'",
        ),
        (_set(1, "results", [{}] * 3), "[1].import.results[0]", "must have email and contactId"),
        (_set(1, "results", [{"messages": []}] * 3), "[1].import.results[0].messages", "must hold"),
        (_set(1, "results", [{"other": 1}] * 3), "[1].import.results[0].other", "is not a key"),
        (_set(2, "surprise", 1), "[2].import.surprise", "is not a key of an import"),
        (lambda jobs: jobs[0].update({"import": {}}), "[0].import", "must be left out"),
        (lambda jobs: jobs[1].pop("import"), "[1].import", "is required"),
        (lambda jobs: jobs[1].update({"content": "x"}), "[1].content", "must be written ''"),
    ],
)
def test_bad_import_value_is_refused_by_path(
    mutate: Callable[[list[dict[str, Any]]], object], path: str, problem: str
) -> None:
    _refused(mutate, path, problem)
