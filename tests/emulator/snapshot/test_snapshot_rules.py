"""Snapshot of the rules area (S14): rules, workflows (deleted too) with their triggers,
their runs and the workflow firing log (S14.3)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from routes_helpers import A_ID, NOW, Api
from snapshot_helpers import (
    CLIENT_ID,
    area,
    assert_refused,
    exported,
    imported,
    through_json,
)

from salesmanago_emulator import Account, Emulator, FrozenClock
from salesmanago_emulator.snapshot import dump_area
from salesmanago_emulator.state.rules import SKIP_MAX_FIRE_TIMES
from salesmanago_emulator.statefile import StateFile

INSERT = "rule/insert"


def test_rules_workflows_and_runs_round_trip_and_keep_counting() -> None:
    """Moved from the rules' area tests (then ``to_state`` / ``load_state``)."""
    data = exported()
    rules = area(data, "rules")
    assert [w["name"] for w in rules["workflows"]] == ["Kept", "Gone"]
    assert rules["rules"][0]["events"] == [{"type": "X", "weight": Decimal("1.5")}]
    account = imported(data).account(CLIENT_ID)
    assert dump_area(account, "rules") == rules
    buyer = account.find_live("buyer@example.com").id
    rule_id = rules["rules"][0]["id"]
    assert len(account.rules.rule_runs(buyer)) == 1
    assert account.rules.add_workflow("Next").id == 3
    assert account.rules.run_rule(rule_id, [buyer]).ran == (buyer,)
    account.rules.run_rule(rule_id, [buyer])
    assert account.rules.run_rule(rule_id, [buyer]).skipped[0].reason == SKIP_MAX_FIRE_TIMES


@pytest.mark.parametrize(
    ("change", "path", "problem"),
    [
        (lambda r: r["rules"][0].update(name=" "), "rules[0].name", "must not be empty"),
        (lambda r: r["rules"][0].update(shared="no"), "rules[0].shared", "must be true or false"),
        (lambda r: r["rules"][0].update(maxFireTimes=-1), "rules[0].maxFireTimes", "must not be"),
        (
            lambda r: r["rules"][0].update(maxFireTimes=10**100),
            "rules[0].maxFireTimes",
            "must have",
        ),
        (
            lambda r: r["rules"][0].update(delayConditionsPeriod="YEAR"),
            "rules[0].delayConditionsPeriod",
            "must be one of MINUTE, HOUR, DAY, WEEK, MONTH",
        ),
        (lambda r: r["rules"][0].update(events=[1]), "rules[0].events", "must be an object"),
        (lambda r: r["rules"][0].update(events={}), "rules[0].events", "must be a list"),
        (
            lambda r: r["rules"][0]["events"][0].update(weight=Decimal("NaN")),
            "rules[0].events[0].weight",
            "must be a finite number",
        ),
        (lambda r: r["rules"][0].update(createdBy="x@example.com"), "rules[0].createdBy", "must"),
        (lambda r: r["rules"].append(r["rules"][0]), "rules[1].id", "repeats"),
        (lambda r: r["workflows"][0].update(id=0), "workflows[0].id", "must be at least 1"),
        (lambda r: r["workflows"][1].update(id=1), "workflows[1].id", "repeats 1"),
        (lambda r: r.update(nextWorkflowId=2), "nextWorkflowId", "must be at least 3 (got 2)"),
        (lambda r: r["ruleRuns"][0].update(contactId="nope"), "ruleRuns[0].contactId", "names no"),
        (lambda r: r.update(rules=[]), "ruleRuns[0].ruleId", "names no rule of the account"),
        (
            lambda r: r["workflowRuns"][0].update(workflowId=9),
            "workflowRuns[0].workflowId",
            "names no workflow of the account (got 9)",
        ),
        (lambda r: r["ruleRuns"][0].update(dueAt=None), "ruleRuns[0].dueAt", "is required"),
    ],
)
def test_bad_rules_value_is_refused_by_path(change: Any, path: str, problem: str) -> None:
    assert_refused(lambda d: change(area(d, "rules")), f"accounts[0].rules.{path}", problem)


# --- through the wire and the state file, on the two-account fixtures -------------------


def test_s14_1_decimals_in_open_lists_are_kept_exactly_and_survive_the_state_file(
    api: Api, emu: Emulator, account_a: Account, tmp_path: Path
) -> None:
    """Lists are kept as sent: 12345678901234567.89 stays a Decimal with every digit,
    through export_state / the state file / import_state (a float would lose them)."""
    exact = Decimal("12345678901234567.89")
    body = json.dumps(api.body(name="Big", events=[{"type": "X", "weight": "@"}]))
    raw = body.replace('"@"', "12345678901234567.89").encode()
    rule_id = api.send(INSERT, raw).json()["ruleId"]
    weight = account_a.rules.rule(rule_id).events[0]["weight"]
    assert isinstance(weight, Decimal)
    assert weight == exact
    path = tmp_path / "state.json"
    StateFile(path, emu).save()
    assert b"12345678901234567.89" in path.read_bytes()
    copy = Emulator(clock=FrozenClock(NOW))
    assert StateFile(path, copy).load() is True
    loaded = copy.account(A_ID).rules.rule(rule_id).events[0]["weight"]
    assert isinstance(loaded, Decimal)
    assert loaded == exact
    assert dump_area(copy.account(A_ID), "rules") == dump_area(account_a, "rules")


# --- workflow triggers and the firing log (S14.3) ---------------------------------------


def test_s14_3_triggers_and_firings_round_trip_and_keep_counting(
    api: Api, emu: Emulator, account_a: Account
) -> None:
    """The triggers, the firing log and its next number survive an export and import;
    the limits go on counting the firings imported."""
    ann = api.upsert("ann@example.com")
    account_a.rules.add_workflow("Twice", max_fire_times=2, triggers=["NOTE_ADDED"])
    account_a.rules.add_workflow("Quiet", triggers=["TAG_ADDED", "EMAIL_OPT_OUT"])
    api.ok("contact/addNote", email="ann@example.com", note="one")
    saved = through_json(emu.export_state())
    copy = Emulator(clock=FrozenClock(NOW))
    copy.import_state(saved)
    moved = copy.account(A_ID)
    assert dump_area(moved, "rules") == dump_area(account_a, "rules")
    assert moved.rules.workflows()[1].triggers == ("TAG_ADDED", "EMAIL_OPT_OUT")
    for text in ("two", "three"):
        moved.notes.add(ann, text, owner=moved.users[0])
    assert [f.number for f in moved.rules.workflow_firings(ann)] == [1, 2]  # at most twice


def _firing(data: dict[str, Any]) -> dict[str, Any]:
    """``data``'s rules area with one good firing of workflow 1 for its first card."""
    rules = area(data, "rules")
    rules["workflows"][0]["triggers"] = ["NOTE_ADDED"]
    card = area(data, "contacts")[0]["id"]
    firing = {
        "number": 1,
        "workflowId": 1,
        "contactId": card,
        "cause": "NOTE_ADDED",
        "detail": "note-1",
        "at": "2026-01-15T10:00:00+00:00",
    }
    rules.update(workflowFirings=[firing], nextFiringNumber=5)
    return rules


def test_s14_3_a_firing_written_by_hand_imports() -> None:
    data = exported()
    _firing(data)
    account = imported(data).account(CLIENT_ID)
    (firing,) = account.rules.workflow_firings()
    assert (firing.number, firing.cause, firing.detail) == (1, "NOTE_ADDED", "note-1")
    assert account.rules.next_firing_number == 5
    assert dump_area(account, "rules") == area(data, "rules")


@pytest.mark.parametrize(
    ("change", "path", "problem"),
    [
        (
            lambda r: r["workflows"][0].update(triggers=["NOPE"]),
            "workflows[0].triggers[0]",
            "must be one of",
        ),
        (
            lambda r: r["workflows"][0].update(triggers=["NOTE_ADDED", "NOTE_ADDED"]),
            "workflows[0].triggers[1]",
            "repeats",
        ),
        (
            lambda r: r["workflows"][0].update(triggers="NOTE_ADDED"),
            "workflows[0].triggers",
            "must be a list",
        ),
        (
            lambda r: r["workflowFirings"][0].update(cause="TAG_ADDED"),
            "workflowFirings[0].cause",
            "must be one of",
        ),
        (
            lambda r: r["workflowFirings"][0].update(workflowId=9),
            "workflowFirings[0].workflowId",
            "names no workflow",
        ),
        (
            lambda r: r["workflowFirings"][0].update(contactId="nope"),
            "workflowFirings[0].contactId",
            "names no",
        ),
        (
            lambda r: r["workflowFirings"][0].update(number=0),
            "workflowFirings[0].number",
            "must be at least 1",
        ),
        (
            lambda r: r["workflowFirings"].append(dict(r["workflowFirings"][0])),
            "workflowFirings[1].number",
            "repeats 1",
        ),
        (lambda r: r["workflowFirings"][0].update(at=None), "workflowFirings[0].at", "is required"),
        (
            lambda r: r["workflowFirings"][0].update(extra=1),
            "workflowFirings[0].extra",
            "is not a key",
        ),
        (lambda r: r.update(nextFiringNumber=1), "nextFiringNumber", "must be at least 2 (got 1)"),
    ],
)
def test_s14_3_bad_trigger_or_firing_is_refused_by_path(
    change: Any, path: str, problem: str
) -> None:
    assert_refused(lambda d: change(_firing(d)), f"accounts[0].rules.{path}", problem)
