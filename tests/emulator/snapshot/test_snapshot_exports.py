"""Snapshot of the exports area: jobs with their files and polls, and the settings."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from exports_helpers import EXPORT, STATUS, _file, _seed
from routes_helpers import A_ID, Api
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

from salesmanago_emulator import Account, Emulator, FrozenClock
from salesmanago_emulator._jsoncodec import encode_json
from salesmanago_emulator.routes._writes import read_batch
from salesmanago_emulator.snapshot import SnapshotError, dump_area
from salesmanago_emulator.state import ContactWrite


def test_jobs_settings_and_polls_round_trip() -> None:
    data = exported()
    exports = area(data, "exports")
    assert (exports["nextRequestId"], exports["processingSeconds"]) == (3, 90)
    assert [(j["requestId"], j["pollsNeeded"], j["polls"]) for j in exports["jobs"]] == [
        ("1", 1, 1),
        ("2", 1, 0),
    ]
    target = imported(data)
    area_ = target.account(CLIENT_ID).exports
    assert (area_.processing_time, area_.polls_until_done) == (timedelta(seconds=90), 1)
    job = area_.job("1")
    assert area_.polls(job) == 1
    assert area_.file("1", job.token) is None  # the clock stands at the saved 10:07
    target.clock.advance(timedelta(minutes=1))  # past readyAt (10:07:30)
    assert area_.file("1", job.token) is None  # still a poll short
    assert area_.poll(job) is True
    assert area_.file("1", job.token) == "email\nbuyer@example.com\n"
    assert area_.start("CONTACT_LIST", "x").request_id == "3"


@pytest.mark.parametrize(
    ("change", "path", "problem"),
    [
        (lambda e: e.update(pollsUntilDone=-1), "pollsUntilDone", "must be at least 0 (got -1)"),
        (lambda e: e.update(processingSeconds=-5), "processingSeconds", "must be at least 0"),
        (lambda e: e.update(processingSeconds="5"), "processingSeconds", "must be a finite"),
        (lambda e: e.update(processingSeconds=10**20), "processingSeconds", "must be at most"),
        (lambda e: e.update(nextRequestId="bad"), "nextRequestId", "must be an integer"),
        (lambda e: e.update(nextRequestId=2), "nextRequestId", "must be at least 3 (got 2)"),
        (lambda e: e["jobs"][0].update(requestId="01"), "jobs[0].requestId", "must be written '1'"),
        (lambda e: e["jobs"][0].update(requestId="a"), "jobs[0].requestId", "must be the digits"),
        (lambda e: e["jobs"][1].update(requestId="1"), "jobs[1].requestId", "repeats '1'"),
        (lambda e: e["jobs"][0].update(kind="CSV"), "jobs[0].kind", "must be one of CONTACT_LIST"),
        (lambda e: e["jobs"][0].update(token=""), "jobs[0].token", "must not be empty"),
        (lambda e: e["jobs"][0].update(polls=-1), "jobs[0].polls", "must be at least 0"),
        (
            lambda e: e["jobs"][0].update(readyAt="2026-01-01T00:00:00+00:00"),
            "jobs[0].readyAt",
            "must not be before started",
        ),
    ],
)
def test_bad_export_value_is_refused_by_path(change: Any, path: str, problem: str) -> None:
    """Moved from the job tests (then ``load_state``): a bad setting, id or job is refused
    before anything changes."""
    assert_refused(lambda d: change(area(d, "exports")), f"accounts[0].exports.{path}", problem)


# --- the whole emulator's export and import, on the two-account fixtures ---------------


def test_reset_forgets_jobs_and_snapshot_round_trips(
    api: Api, emu: Emulator, account_a: Account
) -> None:
    """The area's reset, and its jobs through the state export (files and ids)."""
    _seed(api, "a@example.com")
    request_id = api.ok(EXPORT, page=0, size=10)["requestId"]
    saved = emu.export_state()
    account_a.exports.reset()
    assert api.fail(STATUS, requestId=request_id)
    assert api.ok(EXPORT, page=0, size=10)["requestId"] == "1"
    emu.import_state(saved)
    assert [c["email"] for c in _file(api, request_id)["contacts"]] == ["a@example.com"]
    assert api.ok(EXPORT, page=0, size=10)["requestId"] == "2"


def test_polls_survive_the_snapshot_and_reset_keeps_the_setting(
    api: Api, emu: Emulator, account_a: Account
) -> None:
    """The state export keeps the setting, each job's needed polls and its count."""
    account_a.exports.polls_until_done = 2
    request_id = api.ok(EXPORT, page=0, size=10)["requestId"]
    api.ok(STATUS, requestId=request_id)
    saved = emu.export_state()
    state = next(a for a in saved["accounts"] if a["clientId"] == A_ID)["exports"]
    assert state["pollsUntilDone"] == 2
    assert (state["jobs"][0]["pollsNeeded"], state["jobs"][0]["polls"]) == (2, 1)
    account_a.exports.polls_until_done = 0
    account_a.exports.reset()
    assert account_a.exports.polls_until_done == 0
    emu.import_state(saved)
    assert emu.account(A_ID).exports.polls_until_done == 2
    assert "fileUrl" not in api.ok(STATUS, requestId=request_id)  # poll 2
    assert "fileUrl" in api.ok(STATUS, requestId=request_id)  # poll 3


def test_whole_emulator_state_round_trip_keeps_poll_counts(emu: Emulator, api: Api) -> None:
    emu.account(A_ID).exports.polls_until_done = 1
    request_id = api.ok(EXPORT, page=0, size=10)["requestId"]
    api.ok(STATUS, requestId=request_id)
    state = emu.export_state()
    api.ok(STATUS, requestId=request_id)
    emu.import_state(state)
    jobs = emu.account(A_ID).exports
    assert jobs.polls(jobs.job(request_id)) == 1
    assert jobs.polls_until_done == 1


# --- Snapshot of import jobs (``contact/batchupsertv2``): pending writes and done results

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
