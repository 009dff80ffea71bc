"""Automation rules (S14.1) and workflows (S14.2) in the emulator (protocol §8.5):
raw JSON, the SDK (sync and async) and the state's manual runs; the control operations
are in ``tests/emulator/control/test_control_rules.py``."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from routes_helpers import A_ID, A_OWNER, NOW, OMIT, Api

from salesmanago import (
    AsyncSalesManago,
    DelayPeriod,
    RuleDefinition,
    SalesManago,
    ValidationError,
    Workflow,
)
from salesmanago_emulator import Account, Emulator, FrozenClock
from salesmanago_emulator.errors import InvalidField, RuleNotFound, WorkflowNotFound
from salesmanago_emulator.snapshot import dump_area
from salesmanago_emulator.snapshot.rules import dump_rule
from salesmanago_emulator.state._card import ContactWrite
from salesmanago_emulator.state.rules import (
    SKIP_CONDITIONS_NOT_MET,
    SKIP_CONTACT_NOT_FOUND,
    SKIP_DUPLICATE,
    SKIP_MAX_FIRE_TIMES,
    SKIP_MIN_FIRE_INTERVAL,
    Skipped,
)
from salesmanago_emulator.statefile import StateFile

INSERT = "rule/insert"
LIST = "workflow/list"

#: The body of the live test (PX ``RuleServiceTest::testCreate``).
LIVE_RULE: dict[str, Any] = {
    "shared": True,
    "active": True,
    "deleted": False,
    "delayConditionsCheck": True,
    "delayConditionsValue": 1,
    "delayConditionsPeriod": "DAY",
    "name": "sadsadasdasd",
    "maxFireTimes": 111,
    "minFireInterval": 2,
    "checkAgain": True,
    "checkAgainAfter": 2,
    "events": [],
    "conditions": [],
    "actions": [],
}


@pytest.fixture
def ann(account_a: Account) -> str:
    """A live contact of account A; returns its id."""
    return account_a.contacts.upsert(ContactWrite(email="ann@example.com"), A_OWNER).id


@pytest.fixture
def bob(account_a: Account) -> str:
    """A second live contact of account A; returns its id."""
    return account_a.contacts.upsert(ContactWrite(email="bob@example.com"), A_OWNER).id


def rule(account: Account, **settings: Any) -> str:
    """Insert a rule in ``account`` (as A_OWNER); returns its id."""
    return account.rules.insert(name=settings.pop("name", "R"), owner=A_OWNER, **settings).id


# --- rule/insert: raw JSON ----------------------------------------------------------


def test_s14_1_raw_insert_of_the_live_body_answers_a_rule_id(api: Api, account_a: Account) -> None:
    """Protocol §8.5 (grade B): the live test's body answers a non-empty string ``ruleId``."""
    answer = api.ok(INSERT, **LIVE_RULE)
    rule_id = answer["ruleId"]
    assert isinstance(rule_id, str)
    assert str(uuid.UUID(rule_id)) == rule_id
    (stored,) = account_a.rules.rules
    assert stored.id == rule_id
    assert dump_rule(stored) == {
        "id": rule_id,
        **LIVE_RULE,
        "createdBy": A_OWNER,
        "createdOn": NOW.isoformat(),
    }
    assert stored.delay == timedelta(days=1)


def test_s14_1_raw_insert_defaults_and_open_lists_kept_as_sent(
    api: Api, account_a: Account
) -> None:
    """Only ``name`` is required; flags default (active), lists are kept as sent."""
    events = [{"type": "TAG_ADDED", "tag": "VIP", "weight": 1.5}]
    first = api.ok(INSERT, name="Minimal")["ruleId"]
    second = api.ok(INSERT, name="Open", events=events, actions=[{"type": "ADD_TAG"}])["ruleId"]
    assert first != second
    minimal = account_a.rules.rule(first)
    assert (minimal.shared, minimal.active, minimal.deleted) == (False, True, False)
    assert (minimal.max_fire_times, minimal.min_fire_interval, minimal.delay) == (
        None,
        None,
        timedelta(0),
    )
    opened = account_a.rules.rule(second)
    assert list(opened.events) == events
    assert list(opened.actions) == [{"type": "ADD_TAG"}]
    assert opened.conditions == ()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": OMIT}, "Field 'name' is required"),
        ({"name": "  "}, "Field 'name' must not be empty"),
        ({"maxFireTimes": -1}, "Field 'maxFireTimes' must not be negative"),
        ({"minFireInterval": "x"}, "Field 'minFireInterval' must be an integer"),
        ({"delayConditionsValue": -3}, "Field 'delayConditionsValue' must not be negative"),
        ({"checkAgainAfter": -1}, "Field 'checkAgainAfter' must not be negative"),
        (
            {"delayConditionsPeriod": "day"},
            "Field 'delayConditionsPeriod' must be one of MINUTE, HOUR, DAY, WEEK, MONTH",
        ),
        ({"active": "true"}, "Field 'active' must be a boolean"),
        ({"events": {"type": "X"}}, "Field 'events' must be a list of objects"),
        ({"actions": [{"type": "X"}, 3]}, "Field 'actions[1]' must be an object"),
    ],
)
def test_s14_1_raw_insert_refusals_name_the_field_and_store_nothing(
    api: Api, account_a: Account, fields: dict[str, Any], message: str
) -> None:
    """A bad setting is refused naming its wire field; no rule is stored."""
    assert api.fail(INSERT, **{**LIVE_RULE, **fields}) == [message]
    assert account_a.rules.rules == []


def test_s14_1_raw_insert_is_owner_bound_and_per_account(
    api: Api, api_b: Api, account_a: Account, emu: Emulator[FrozenClock]
) -> None:
    """``rule/insert`` needs an owner (the live test sent one); rules stay in their account."""
    assert api.fail(INSERT, **LIVE_RULE, owner=OMIT) == ["Not authenticated, not owner specified"]
    rule_id = api_b.ok(INSERT, **LIVE_RULE)["ruleId"]
    assert account_a.rules.rules == []
    with pytest.raises(RuleNotFound):
        account_a.rules.run_rule(rule_id, [])


# --- workflow/list: raw JSON --------------------------------------------------------


def test_s14_2_raw_workflow_list_answers_non_deleted_workflows_by_id(
    api: Api, api_b: Api, account_a: Account
) -> None:
    """Protocol §8.5: ``workflows: [{id: long, name}]``, non-deleted only; no owner needed."""
    assert api.ok(LIST, owner=OMIT)["workflows"] == []
    onboarding = account_a.rules.add_workflow("Onboarding")
    gone = account_a.rules.add_workflow("Old")
    winback = account_a.rules.add_workflow("Win-back")
    account_a.rules.delete_workflow(gone.id)
    assert (onboarding.id, gone.id, winback.id) == (1, 2, 3)
    assert api.ok(LIST, owner=OMIT)["workflows"] == [
        {"id": 1, "name": "Onboarding"},
        {"id": 3, "name": "Win-back"},
    ]
    assert api.ok(LIST)["workflows"] == api.ok(LIST, owner=OMIT)["workflows"]
    assert api.fail(LIST, owner="stranger@example.com") == ["Not authenticated, invalid owner"]
    assert api_b.ok(LIST)["workflows"] == []
    assert account_a.rules.add_workflow("Next").id == 4  # ids are never reused


# --- the SDK against the emulator ---------------------------------------------------


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


# --- manual runs: rules (S14.1) -------------------------------------------------------


def test_s14_1_rule_runs_at_most_max_fire_times_per_contact(
    account_a: Account, clock: FrozenClock, ann: str, bob: str
) -> None:
    """S14.1: ``maxFireTimes`` limits the runs per contact; other contacts keep theirs."""
    rule_id = rule(account_a, max_fire_times=2)
    rules = account_a.rules
    assert rules.run_rule(rule_id, ["ann@example.com"]).ran == (ann,)
    clock.advance(timedelta(days=1))
    result = rules.run_rule(rule_id, [ann, "bob@example.com"])
    assert result.ran == (ann, bob)
    third = rules.run_rule(rule_id, ["ann@example.com", bob])
    assert third.ran == (bob,)
    assert third.skipped == (Skipped(contact="ann@example.com", reason=SKIP_MAX_FIRE_TIMES),)
    assert [r.ran_at for r in rules.rule_runs(ann)] == [NOW, NOW + timedelta(days=1)]


def test_s14_1_rule_min_fire_interval_counts_days_from_the_last_run(
    account_a: Account, clock: FrozenClock, ann: str
) -> None:
    """S14.1: a run less than ``minFireInterval`` days after the last one is skipped;
    exactly the interval later it runs."""
    rule_id = rule(account_a, min_fire_interval=2)
    rules = account_a.rules
    assert rules.run_rule(rule_id, [ann]).ran == (ann,)
    clock.advance(timedelta(days=2) - timedelta(seconds=1))
    assert rules.run_rule(rule_id, [ann]).skipped == (
        Skipped(contact=ann, reason=SKIP_MIN_FIRE_INTERVAL),
    )
    clock.advance(timedelta(seconds=1))
    assert rules.run_rule(rule_id, [ann]).ran == (ann,)
    assert len(rules.rule_runs(ann)) == 2  # a skipped run is not counted


def test_s14_1_zero_or_unset_limits_mean_no_limit(account_a: Account, ann: str) -> None:
    """``maxFireTimes`` / ``minFireInterval`` of 0 (or unset) put no limit."""
    for settings in ({}, {"max_fire_times": 0, "min_fire_interval": 0}):
        rule_id = rule(account_a, **settings)
        for _ in range(3):
            assert account_a.rules.run_rule(rule_id, [ann]).ran == (ann,)


def test_s14_1_check_conditions_lets_only_passing_contacts_through(
    account_a: Account, ann: str, bob: str
) -> None:
    """S14.1: with "check conditions" on, only contacts meeting them (``passing``) run;
    without it every contact runs (the initiating event is skipped either way)."""
    rule_id = rule(account_a, conditions=[{"type": "HAS_TAG", "tag": "VIP"}])
    rules = account_a.rules
    checked = rules.run_rule(
        rule_id, [ann, bob], check_conditions=True, passing=["ann@example.com"]
    )
    assert checked.ran == (ann,)
    assert checked.skipped == (Skipped(contact=bob, reason=SKIP_CONDITIONS_NOT_MET),)
    assert rules.run_rule(rule_id, [ann, bob], passing=[]).ran == (ann, bob)
    with pytest.raises(ValueError, match="passing"):
        rules.run_rule(rule_id, [ann], check_conditions=True)


def test_s14_1_delay_is_kept_on_each_run(account_a: Account, ann: str) -> None:
    """S14.1: the rule's delay (value x period, with the delayed check on) sets ``due_at``."""
    delayed = rule(
        account_a,
        delay_conditions_check=True,
        delay_conditions_value=3,
        delay_conditions_period="WEEK",
    )
    unchecked = rule(account_a, delay_conditions_value=3, delay_conditions_period="WEEK")
    account_a.rules.run_rule(delayed, [ann])
    account_a.rules.run_rule(unchecked, [ann])
    first, second = account_a.rules.rule_runs(ann)
    assert (first.ran_at, first.due_at) == (NOW, NOW + timedelta(weeks=3))
    assert second.due_at == NOW


def test_s14_1_missing_soft_deleted_and_repeated_contacts_are_skipped(
    account_a: Account, ann: str, bob: str
) -> None:
    """Unknown and soft-deleted contacts are skipped (S3.2), so is a contact named twice."""
    account_a.contacts.delete("bob@example.com")
    result = account_a.rules.run_rule(
        rule(account_a), ["nobody@example.com", bob, ann, "ANN@example.com"]
    )
    assert result.ran == (ann,)
    assert result.skipped == (
        Skipped(contact="nobody@example.com", reason=SKIP_CONTACT_NOT_FOUND),
        Skipped(contact=bob, reason=SKIP_CONTACT_NOT_FOUND),
        Skipped(contact="ANN@example.com", reason=SKIP_DUPLICATE),
    )


def test_s14_1_inactive_rule_runs_deleted_or_unknown_rule_is_not_found(
    account_a: Account, ann: str
) -> None:
    """A manual run skips the event, so an inactive rule runs; a deleted one cannot be chosen."""
    assert account_a.rules.run_rule(rule(account_a, active=False), [ann]).ran == (ann,)
    deleted = rule(account_a, deleted=True)
    for rule_id in (deleted, "no-such-rule"):
        with pytest.raises(RuleNotFound, match=f"Rule not found: {rule_id}"):
            account_a.rules.run_rule(rule_id, [ann])


def test_s14_1_state_insert_refusals(account_a: Account) -> None:
    """Python callers get the same checks as the route (and the owner must be a user)."""
    with pytest.raises(InvalidField) as info:
        account_a.rules.insert(name="R", owner="stranger@example.com")
    assert info.value.field == "owner"
    with pytest.raises(InvalidField) as info:
        account_a.rules.insert(name="R", owner=A_OWNER, max_fire_times=True)  # type: ignore[arg-type]
    assert (info.value.field, info.value.rule) == ("maxFireTimes", "must be an integer")
    assert account_a.rules.rules == []


# --- manual runs: workflows (S14.2) --------------------------------------------------


def test_s14_2_contact_manager_run_ignores_the_workflow_limits(
    account_a: Account, ann: str, bob: str
) -> None:
    """S14.2: from the Contact Manager a workflow's per-contact limits are NOT applied."""
    workflow = account_a.rules.add_workflow("Once", max_fire_times=1, min_fire_interval=30)
    for _ in range(3):
        assert account_a.rules.run_workflow(workflow.id, [ann, bob]).ran == (ann, bob)
    assert len(account_a.rules.workflow_runs("ann@example.com")) == 3
    skipped = account_a.rules.run_workflow(workflow.id, ["nobody@example.com", ann, ann]).skipped
    assert [s.reason for s in skipped] == [SKIP_CONTACT_NOT_FOUND, SKIP_DUPLICATE]


def test_s14_2_deleted_or_unknown_workflow_is_not_found(account_a: Account, ann: str) -> None:
    """A deleted workflow cannot be run, listed or deleted again."""
    workflow = account_a.rules.add_workflow("W")
    account_a.rules.delete_workflow(workflow.id)
    for workflow_id in (workflow.id, 99):
        with pytest.raises(WorkflowNotFound, match=f"Workflow not found: {workflow_id}"):
            account_a.rules.run_workflow(workflow_id, [ann])
    with pytest.raises(WorkflowNotFound):
        account_a.rules.delete_workflow(workflow.id)
    assert account_a.rules.workflows() == []
    assert [w.deleted for w in account_a.rules.workflows(include_deleted=True)] == [True]


# --- deletion, reset, snapshot --------------------------------------------------------


def test_s3_soft_delete_keeps_runs_removal_drops_them(
    account_a: Account, ann: str, bob: str
) -> None:
    """Runs stay on a soft-deleted contact (and count after a restore); removal drops them."""
    rule_id = rule(account_a, max_fire_times=1)
    workflow = account_a.rules.add_workflow("W")
    account_a.rules.run_rule(rule_id, [ann, bob])
    account_a.rules.run_workflow(workflow.id, [ann, bob])
    account_a.contacts.delete(ann)
    assert len(account_a.rules.rule_runs(ann)) == 1
    account_a.contacts.restore(ann)
    assert account_a.rules.run_rule(rule_id, [ann]).skipped[0].reason == SKIP_MAX_FIRE_TIMES
    account_a.contacts.delete(bob, permanently=True)
    state = dump_area(account_a, "rules")
    assert [r["contactId"] for r in state["ruleRuns"]] == [ann]
    assert [r["contactId"] for r in state["workflowRuns"]] == [ann]


def test_reset_forgets_rules_workflows_and_runs(account_a: Account, ann: str) -> None:
    """Reset forgets everything and restarts the workflow ids (the state export keeps
    it all: ``tests/emulator/snapshot/test_snapshot_rules.py``)."""
    rule_id = rule(account_a, events=[{"type": "X", "weight": 1.5}], max_fire_times=3)
    kept = account_a.rules.add_workflow("Kept", max_fire_times=2)
    account_a.rules.run_rule(rule_id, [ann])
    account_a.rules.run_workflow(kept.id, [ann])
    account_a.rules.reset()
    assert dump_area(account_a, "rules") == {
        "rules": [],
        "workflows": [],
        "nextWorkflowId": 1,
        "ruleRuns": [],
        "workflowRuns": [],
    }
    assert account_a.rules.add_workflow("Next").id == 1


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


@pytest.mark.parametrize("bad", [Decimal("NaN"), Decimal("Infinity"), float("inf")])
def test_s14_1_non_finite_numbers_in_open_lists_are_refused(account_a: Account, bad: Any) -> None:
    with pytest.raises(InvalidField) as info:
        rule(account_a, events=[{"type": "X", "weight": bad}])
    assert info.value.field == "events[0].weight"
    assert account_a.rules.rules == []
