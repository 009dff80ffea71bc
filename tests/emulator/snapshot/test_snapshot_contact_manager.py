"""Snapshot of the Contact Manager area (S15): the name order, saved segments and runs
(scheduled, done with their reports and exports, cancelled) round-trip, a scheduled run still
executes after an import, and every bad value is refused naming its path."""

from __future__ import annotations

import copy
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

import pytest
from snapshot_helpers import CLIENT_ID, OWNERS, area, fresh, imported, through_json

from salesmanago_emulator import Emulator, FrozenClock
from salesmanago_emulator.snapshot import SnapshotError, dump_area
from salesmanago_emulator.state import ContactWrite, DictionaryProperty
from salesmanago_emulator.state.contact_manager import (
    AddTags,
    CreatedBetween,
    DetailDateRange,
    DetailNumberRange,
    EmailOptOut,
    MonitoringUrls,
    RunRule,
    ScoringRange,
    Selection,
    SetScoring,
    Tags,
)

FAR = datetime(2040, 1, 1, tzinfo=timezone.utc)


def _scenario() -> Emulator[FrozenClock]:
    emu = fresh()
    account = emu.account(CLIENT_ID)
    account.name_order = 2
    for email in ("a@example.com", "b@example.com"):
        write = ContactWrite(
            email=email,
            tags=("VIP",),
            force_opt_in=True,
            properties={"born": "1990-01-01"},
            dictionary_properties=(DictionaryProperty("size", "NUMBER", "2"),),
        )
        account.contacts.upsert(write, OWNERS[0])
    account.optin.opt_out("b@example.com")
    manager = account.contact_manager
    vips = Selection(
        include=(Tags(tags=("VIP",), match="all"),), exclude=(ScoringRange(minimum=5),)
    )
    manager.save_segment("Vips", vips)
    manager.run(
        Selection(segment="Vips"),
        [EmailOptOut(), MonitoringUrls(url="https://shop.example/a,b", private=True)],
        user=OWNERS[1],
    )
    rule = account.rules.insert(name="R", owner=OWNERS[0]).id
    ranges = (
        CreatedBetween(start=emu.clock.now(), end=FAR),
        DetailNumberRange(name="size", minimum=Decimal("1.5"), dictionary=True),
        DetailDateRange(name="born", end=date(2000, 1, 1)),
    )
    meeting = Selection(include=(Tags(tags=("VIP",)),))
    actions = [RunRule(rule_id=rule, check_conditions=True, meeting=meeting), SetScoring(points=3)]
    manager.schedule(Selection(include=ranges), actions, FAR)
    cancelled = manager.schedule(Selection(), [AddTags(tags=("X",))], FAR)
    manager.cancel(cancelled.id)
    return emu


def _exported() -> dict[str, Any]:
    return through_json(_scenario().export_state())


def test_segments_runs_and_name_order_round_trip() -> None:
    data = _exported()
    saved = area(data, "contact_manager")
    assert saved["nameOrder"] == 2
    assert [r["status"] for r in saved["runs"]] == ["DONE", "SCHEDULED", "CANCELLED"]
    assert saved["runs"][0]["reports"][1]["outcomes"][0] == {
        "action": "emailOptOut",
        "applied": False,
        "reason": "UNCHANGED",
    }
    account = imported(data).account(CLIENT_ID)
    assert dump_area(account, "contact_manager") == saved
    assert account.name_order == 2
    assert account.contact_manager.recount(Selection(segment="vips")) == 2
    assert account.contact_manager.run(Selection(), [SetScoring(points=1)]).id == 4


def test_a_scheduled_run_executes_after_an_import() -> None:
    target = imported(_exported())
    account = target.account(CLIENT_ID)
    target.clock.advance(FAR - target.clock.now())
    statuses = [r.status for r in account.contact_manager.runs()]
    assert statuses == ["DONE", "DONE", "CANCELLED"]
    assert account.find_live("a@example.com").score == 3


def _refused(change: Any, path: str, problem: str) -> None:
    data = copy.deepcopy(_exported())
    change(area(data, "contact_manager"))
    target = fresh()
    before = target.export_state()
    with pytest.raises(SnapshotError) as caught:
        target.import_state(data)
    assert caught.value.path == f"accounts[0].contact_manager.{path}"
    assert caught.value.problem.startswith(problem), caught.value.problem
    assert target.export_state() == before


@pytest.mark.parametrize(
    ("change", "path", "problem"),
    [
        (lambda a: a.update(nameOrder=3), "nameOrder", "must be at most 2"),
        (lambda a: a.update(extra=1), "extra", "is not a key"),
        (lambda a: a["segments"][0].update(name=" "), "segments[0].name", "must not be empty"),
        (
            lambda a: a["segments"].append(copy.deepcopy(a["segments"][0]) | {"name": "VIPS"}),
            "segments[1].name",
            "repeats",
        ),
        (
            lambda a: a["segments"][0]["selection"]["include"][0].update(match="some"),
            "segments[0].selection.include[0].match",
            "must be one of any, all",
        ),
        (
            lambda a: a["segments"][0]["selection"]["include"][0].update(type="colour"),
            "segments[0].selection.include[0].type",
            "must be one of tags",
        ),
        (
            lambda a: a["segments"][0]["selection"]["exclude"][0].update(minimum=None),
            "segments[0].selection.exclude[0].minimum",
            "or maximum is required",
        ),
        (lambda a: a["runs"][0].update(status="LATE"), "runs[0].status", "must be one of"),
        (lambda a: a["runs"][0].update(user="x@example.com"), "runs[0].user", "must be a user"),
        (lambda a: a["runs"][1].update(id=1), "runs[1].id", "repeats"),
        (
            lambda a: a["runs"][1]["actions"][1].update(points="3"),
            "runs[1].actions[1].points",
            "must be an integer",
        ),
        (
            lambda a: a["runs"][1]["actions"][0]["meeting"].update(include=[{"type": "tags"}]),
            "runs[1].actions[0].meeting.include[0].tags",
            "is required",
        ),
        (
            lambda a: a["runs"][1]["selection"]["include"][1].update(minimum="1,5"),
            "runs[1].selection.include[1].minimum",
            "must be a decimal number written as a string",
        ),
        (
            lambda a: a["runs"][1]["selection"]["include"][2].update(end="2000-13-01"),
            "runs[1].selection.include[2].end",
            "must be",
        ),
        (
            lambda a: a["runs"][0]["reports"][0]["outcomes"][0].update(action="x"),
            "runs[0].reports[0].outcomes[0].action",
            "must be one of emailOptOut, monitoringUrls",
        ),
        (
            lambda a: a["runs"][0]["reports"][0]["outcomes"][0].update(reason="WHY"),
            "runs[0].reports[0].outcomes[0].reason",
            "must be left out",
        ),
        (
            lambda a: a["runs"][0]["actions"][1].update(url="ftp://x"),
            "runs[0].actions[1].url",
            "must be an http or https URL",
        ),
        (lambda a: a.update(nextRunId=2), "nextRunId", "must be at least 4"),
    ],
)
def test_bad_values_are_refused_naming_the_path(change: Any, path: str, problem: str) -> None:
    _refused(change, path, problem)
