"""The rules' and workflows' control operations (S14.1-S14.3, S1.6): ``rules``,
``rules/run``, ``workflows/create``, ``workflows/delete``, ``workflows/run`` and
``workflows/firings``.

Rules and workflows from Python, raw JSON and the SDK are in
``tests/emulator/{state,routes}/test_*_rules.py`` and ``tests/sdk/areas/test_area_rules.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
from routes_helpers import A_ID, A_OWNER, A_SECOND, Api

from salesmanago_emulator import Emulator, FrozenClock
from salesmanago_emulator.control import ControlError
from salesmanago_emulator.state.rules import (
    SKIP_CONDITIONS_NOT_MET,
    SKIP_CONTACT_NOT_FOUND,
    SKIP_MAX_FIRE_TIMES,
    SKIP_READ_ONLY_OWNER,
)

INSERT = "rule/insert"
LIST = "workflow/list"


def test_s14_control_create_run_and_list(emu: Emulator[FrozenClock], api: Api) -> None:
    """/_emulator/workflows/create, workflows/run, rules/run (limits apply), rules."""
    ann = api.upsert("ann@example.com")
    rule_id = api.ok(INSERT, name="Once", maxFireTimes=1)["ruleId"]
    created = emu.control("workflows/create", {"clientId": A_ID, "name": "Flow", "maxFireTimes": 1})
    assert created["workflow"]["id"] == 1
    assert created["workflow"]["name"] == "Flow"
    assert api.ok(LIST)["workflows"] == [{"id": 1, "name": "Flow"}]
    run = {"ruleId": rule_id, "contacts": ["ann@example.com", "nobody@example.com"]}
    assert emu.control("rules/run", run) == {
        "ran": [ann],
        "skipped": [{"contact": "nobody@example.com", "reason": SKIP_CONTACT_NOT_FOUND}],
    }
    assert emu.control("rules/run", run)["skipped"][0] == {
        "contact": "ann@example.com",
        "reason": SKIP_MAX_FIRE_TIMES,
    }
    checked = {"ruleId": rule_id, "contacts": [ann], "checkConditions": True, "passing": []}
    assert emu.control("rules/run", checked)["skipped"][0]["reason"] == SKIP_CONDITIONS_NOT_MET
    for _ in range(2):
        assert emu.control("workflows/run", {"workflowId": "1", "contacts": [ann]})["ran"] == [ann]
    listed = emu.control("rules")
    assert len(listed["ruleRuns"]) == 1
    assert len(listed["workflowRuns"]) == 2
    emu.control("workflows/delete", {"workflowId": 1})
    assert api.ok(LIST)["workflows"] == []


@pytest.mark.parametrize(
    ("name", "body", "status", "text"),
    [
        ("rules/run", {"ruleId": "nope", "contacts": []}, 404, "Rule not found: nope"),
        ("rules/run", {"contacts": []}, 400, "Field 'ruleId' is required"),
        ("rules/run", {"ruleId": "x", "contacts": "a@example.com"}, 400, "Field 'contacts'"),
        ("rules/run", {"ruleId": "x", "contacts": [], "checkConditions": True}, 400, "passing"),
        ("workflows/run", {"workflowId": 5, "contacts": []}, 404, "Workflow not found: 5"),
        ("workflows/delete", {"workflowId": 5}, 404, "Workflow not found: 5"),
        ("workflows/create", {"name": " "}, 400, "Field 'name' must not be empty"),
        ("workflows/create", {"name": "W", "maxFireTimes": -1}, 400, "maxFireTimes"),
        ("rules", {"clientId": "nope"}, 404, "nope"),
    ],
)
def test_s14_control_refusals(
    emu: Emulator[FrozenClock], name: str, body: dict[str, Any], status: int, text: str
) -> None:
    """Unknown rules, workflows and accounts are 404; bad fields 400."""
    with pytest.raises(ControlError) as caught:
        emu.control(name, body)
    assert caught.value.status == status
    assert text in caught.value.messages[0]


def test_s14_3_control_triggers_fire_and_the_firing_log_reads_them(
    emu: Emulator[FrozenClock], api: Api
) -> None:
    """``workflows/create`` takes ``triggers`` (kept in ``rules``); a note added through
    the API fires the workflow; ``workflows/firings`` reads the log, filtered."""
    ann = api.upsert("ann@example.com")
    bob = api.upsert("bob@example.com")
    created = emu.control(
        "workflows/create", {"name": "Notes", "triggers": ["NOTE_ADDED", "TAG_ADDED"]}
    )
    assert created["workflow"]["triggers"] == ["NOTE_ADDED", "TAG_ADDED"]
    emu.control("workflows/create", {"name": "Quiet", "triggers": "TAG_ADDED"})  # GET-style
    api.ok("contact/addNote", email="ann@example.com", note="Called")
    api.ok("contact/addNote", email="bob@example.com", note="Called")
    api.ok("contact/managetags", email="ann@example.com", tags=["VIP"])
    firings = emu.control("workflows/firings")["firings"]
    assert [(f["number"], f["workflowId"], f["contactId"], f["cause"]) for f in firings] == [
        (1, 1, ann, "NOTE_ADDED"),
        (2, 1, bob, "NOTE_ADDED"),
    ]
    assert firings[0]["at"] == "2026-01-15T10:00:00+00:00"
    only_bob = emu.control("workflows/firings", {"contact": "bob@example.com", "workflowId": 1})
    assert [f["contactId"] for f in only_bob["firings"]] == [bob]
    assert emu.control("workflows/firings", {"cause": "OWNER_ASSIGNED"})["firings"] == []
    assert emu.control("rules")["workflowFirings"] == firings
    assert [w["triggers"] for w in emu.control("rules")["workflows"]] == [
        ["NOTE_ADDED", "TAG_ADDED"],
        ["TAG_ADDED"],
    ]


def test_s1_6_control_runs_skip_contacts_the_acting_user_owns_read_only(
    emu: Emulator[FrozenClock], api: Api
) -> None:
    ann = api.upsert("ann@example.com")
    emu.account(A_ID).users.add_owner(ann, A_SECOND, "READ_ONLY")
    rule_id = api.ok(INSERT, name="R")["ruleId"]
    emu.control("workflows/create", {"name": "W"})
    skipped = [{"contact": "ann@example.com", "reason": SKIP_READ_ONLY_OWNER}]
    run = {"contacts": ["ann@example.com"], "user": A_SECOND}
    assert emu.control("rules/run", {**run, "ruleId": rule_id}) == {"ran": [], "skipped": skipped}
    assert emu.control("workflows/run", {**run, "workflowId": 1}) == {
        "ran": [],
        "skipped": skipped,
    }
    assert emu.control("workflows/run", {**run, "workflowId": 1, "user": A_OWNER})["ran"] == [ann]


@pytest.mark.parametrize(
    ("name", "body", "text"),
    [
        ("workflows/create", {"name": "W", "triggers": ["NOPE"]}, "Field 'triggers[0]'"),
        ("workflows/create", {"name": "W", "triggers": [1]}, "Field 'triggers'"),
        ("workflows/firings", {"contact": "nobody@example.com"}, "nobody@example.com"),
        ("workflows/firings", {"workflowId": "x"}, "Field 'workflowId' must be an integer"),
        ("rules/run", {"ruleId": "x", "contacts": [], "user": 5}, "Field 'user'"),
        ("workflows/run", {"workflowId": 1, "contacts": [], "user": "x@y.pl"}, "Field 'user'"),
    ],
)
def test_s14_3_control_trigger_and_firing_refusals(
    emu: Emulator[FrozenClock], name: str, body: dict[str, Any], text: str
) -> None:
    """Bad triggers, an unknown contact, a bad id or acting user are refused; nothing
    is added."""
    emu.control("workflows/create", {"name": "Existing"})
    with pytest.raises(ControlError) as caught:
        emu.control(name, body)
    assert text in caught.value.messages[0]
    assert [w["name"] for w in emu.control("rules")["workflows"]] == ["Existing"]
