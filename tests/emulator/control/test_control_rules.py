"""The rules' and workflows' control operations (S14.1, S14.2): ``rules``, ``rules/run``,
``workflows/create``, ``workflows/delete`` and ``workflows/run``.

Rules and workflows from Python, raw JSON and the SDK are in
``tests/emulator/{state,routes}/test_*_rules.py`` and ``tests/sdk/areas/test_area_rules.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
from routes_helpers import A_ID, Api

from salesmanago_emulator import Emulator, FrozenClock
from salesmanago_emulator.control import ControlError
from salesmanago_emulator.state.rules import (
    SKIP_CONDITIONS_NOT_MET,
    SKIP_CONTACT_NOT_FOUND,
    SKIP_MAX_FIRE_TIMES,
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
