"""Snapshot of the rules area (S14): rules, workflows (deleted too) and their runs."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from routes_helpers import A_ID, NOW, Api
from snapshot_helpers import CLIENT_ID, area, assert_refused, exported, imported

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
