"""Automation rules (S14.1) and workflows (S14.2) on the wire (protocol §8.5), sync and async:
against the platform's canned replies, then end to end on the emulator."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from sdk_helpers import answers, body, envelope, ok

from salesmanago import (
    AsyncSalesManago,
    DelayPeriod,
    InternalServerError,
    ResponseValidationError,
    RuleDefinition,
    SalesManago,
    ValidationError,
    Workflow,
)
from salesmanago_emulator import Account, Emulator, FrozenClock

INSERT = "/api/rule/insert"
LIST = "/api/workflow/list"
OWNER = "owner@shop.example.com"


def test_s14_1_rule_insert_sends_every_setting_of_the_live_test(api, platform) -> None:
    """Protocol §8.5: the fields the live test sent, spelt the same; answers ``ruleId``."""
    insert = platform.post(INSERT).mock(
        return_value=envelope(ok(ruleId="3f1c0d4e-0000-4000-8000-000000000001"))
    )
    rule = RuleDefinition(
        name="Welcome",
        shared=True,
        active=True,
        deleted=False,
        delay_conditions_check=True,
        delay_conditions_value=1,
        delay_conditions_period=DelayPeriod.DAY,
        max_fire_times=111,
        min_fire_interval=2,
        check_again=True,
        check_again_after=2,
        events=[{"type": "TAG_ADDED", "tag": "VIP"}],
        conditions=[{"type": "HAS_TAG", "tag": "VIP"}],
        actions=[{"type": "ADD_TAG", "tag": "WELCOMED"}],
    )
    assert api("rules.insert", rule) == "3f1c0d4e-0000-4000-8000-000000000001"
    assert body(insert) == {
        "owner": OWNER,
        "name": "Welcome",
        "shared": True,
        "active": True,
        "deleted": False,
        "delayConditionsCheck": True,
        "delayConditionsValue": 1,
        "delayConditionsPeriod": "DAY",
        "maxFireTimes": 111,
        "minFireInterval": 2,
        "checkAgain": True,
        "checkAgainAfter": 2,
        "events": [{"type": "TAG_ADDED", "tag": "VIP"}],
        "conditions": [{"type": "HAS_TAG", "tag": "VIP"}],
        "actions": [{"type": "ADD_TAG", "tag": "WELCOMED"}],
    }


def test_s14_1_rule_insert_defaults_send_flags_and_lists_not_unset_counts(api, platform) -> None:
    """Flags and (empty) lists always travel; counts left unset are not sent."""
    insert = platform.post(INSERT).mock(return_value=envelope(ok(ruleId="r-1")))
    assert api("rules.insert", RuleDefinition(name="Plain", delay_conditions_period="WEEK")) == (
        "r-1"
    )
    assert body(insert) == {
        "owner": OWNER,
        "name": "Plain",
        "shared": False,
        "active": True,
        "deleted": False,
        "delayConditionsCheck": False,
        "delayConditionsPeriod": "WEEK",
        "checkAgain": False,
        "events": [],
        "conditions": [],
        "actions": [],
    }


@pytest.mark.parametrize(
    ("fields", "field", "rule"),
    [
        ({"name": "  "}, "name", "non-empty"),
        ({"name": 7}, "name", "non-empty"),
        ({"max_fire_times": -1}, "maxFireTimes", "0 or more"),
        ({"min_fire_interval": -2}, "minFireInterval", "0 or more"),
        ({"delay_conditions_value": -1}, "delayConditionsValue", "0 or more"),
        ({"check_again_after": -5}, "checkAgainAfter", "0 or more"),
        ({"max_fire_times": True}, "maxFireTimes", "integer"),
        ({"min_fire_interval": 1.5}, "minFireInterval", "integer"),
        ({"delay_conditions_period": "FORTNIGHT"}, "delayConditionsPeriod", "one of MINUTE"),
        ({"events": "TAG_ADDED"}, "events", "list of JSON objects"),
        ({"conditions": {"type": "X"}}, "conditions", "list of JSON objects"),
        ({"actions": [{"type": "X"}, "ADD_TAG"]}, "actions[1]", "JSON object"),
    ],
)
def test_s14_1_rule_settings_are_checked_before_sending(
    api, platform, fields: dict[str, Any], field: str, rule: str
) -> None:
    """A blank name, a negative count, an unknown period or a non-object item is refused."""
    with pytest.raises(ValidationError) as info:
        api("rules.insert", RuleDefinition(**{"name": "R", **fields}))
    assert info.value.field == field
    assert rule in info.value.rule
    assert not platform.calls


def test_s14_1_rule_insert_is_not_retried_once_it_may_have_landed(api, platform, sleeps) -> None:
    """A repeat would create a second rule: a 503 is not retried."""
    insert = platform.post(INSERT).mock(return_value=httpx.Response(503))
    with pytest.raises(InternalServerError):
        api("rules.insert", RuleDefinition(name="Once"))
    assert insert.call_count == 1
    assert sleeps == []


def test_rule_insert_without_rule_id_is_a_bad_answer(api, platform) -> None:
    """An answer without ``ruleId`` is not a success the SDK can report."""
    platform.post(INSERT).mock(return_value=envelope(ok()))
    with pytest.raises(ResponseValidationError):
        api("rules.insert", RuleDefinition(name="R"))


def test_s14_2_workflow_list_sends_no_owner_and_reads_ids_and_names(api, platform) -> None:
    """Protocol §8.5: ``workflows: [{id: long, name}]``; the request has no fields."""
    workflows = platform.post(LIST).mock(
        return_value=envelope(
            ok(workflows=[{"id": 7, "name": "Onboarding"}, {"id": 9, "name": "Win-back"}])
        )
    )
    assert api("workflows.list") == [
        Workflow(id=7, name="Onboarding"),
        Workflow(id=9, name="Win-back"),
    ]
    assert body(workflows) == {}


def test_s14_2_workflow_list_empty_or_absent(api, platform) -> None:
    """No workflows (an empty or absent list) is an empty list."""
    platform.post(LIST).mock(side_effect=answers(ok(workflows=[]), ok()))
    assert api("workflows.list") == []
    assert api("workflows.list") == []


def test_workflow_list_with_a_bad_item_is_a_bad_answer(api, platform) -> None:
    """A workflow id that is no number is reported, not passed on."""
    platform.post(LIST).mock(return_value=envelope(ok(workflows=[{"id": "x", "name": "W"}])))
    with pytest.raises(ResponseValidationError):
        api("workflows.list")


# --- end to end on the emulator (sm / asm: account A's clients) ---------------------


def test_s14_sdk_sync_insert_and_list(sm: SalesManago, account_a: Account) -> None:
    """``sm.rules.insert`` creates the rule the emulator stores; ``sm.workflows.list`` reads."""
    definition = RuleDefinition(
        name="Welcome",
        delay_conditions_check=True,
        delay_conditions_value=2,
        delay_conditions_period=DelayPeriod.HOUR,
        max_fire_times=1,
        conditions=[{"type": "HAS_TAG", "tag": "VIP"}],
    )
    rule_id = sm.rules.insert(definition)
    stored = account_a.rules.rule(rule_id)
    assert (stored.name, stored.max_fire_times, stored.delay) == ("Welcome", 1, timedelta(hours=2))
    assert list(stored.conditions) == [{"type": "HAS_TAG", "tag": "VIP"}]
    account_a.rules.add_workflow("Onboarding")
    assert sm.workflows.list() == [Workflow(id=1, name="Onboarding")]


async def test_s14_sdk_async_insert_and_list(asm: AsyncSalesManago, account_a: Account) -> None:
    """The async twins do the same."""
    rule_id = await asm.rules.insert(RuleDefinition(name="Async", shared=True))
    assert account_a.rules.rule(rule_id).shared is True
    account_a.rules.add_workflow("W")
    assert await asm.workflows.list() == [Workflow(id=1, name="W")]


def test_s14_sdk_refuses_what_the_emulator_would_refuse(
    sm: SalesManago, emu: Emulator[FrozenClock]
) -> None:
    """The SDK's checks match the emulator's: nothing is sent for a negative count."""
    with pytest.raises(ValidationError):
        sm.rules.insert(RuleDefinition(name="R", max_fire_times=-1))
    assert emu.calls == []
