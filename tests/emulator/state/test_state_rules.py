"""Automation rules (S14.1) and workflows (S14.2) in the state layer: the manual runs
(no API: protocol §13.17), their limits and skips, refusals, deletion and reset."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from routes_helpers import A_OWNER, NOW

from salesmanago_emulator import Account, FrozenClock
from salesmanago_emulator.errors import InvalidField, RuleNotFound, WorkflowNotFound
from salesmanago_emulator.snapshot import dump_area
from salesmanago_emulator.state._card import ContactWrite
from salesmanago_emulator.state.rules import (
    SKIP_CONDITIONS_NOT_MET,
    SKIP_CONTACT_NOT_FOUND,
    SKIP_DUPLICATE,
    SKIP_MAX_FIRE_TIMES,
    SKIP_MIN_FIRE_INTERVAL,
    Skipped,
)


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


def test_s14_1_rule_runs_at_most_max_fire_times_per_contact(
    account_a: Account, emu_clock: FrozenClock, ann: str, bob: str
) -> None:
    """S14.1: ``maxFireTimes`` limits the runs per contact; other contacts keep theirs."""
    rule_id = rule(account_a, max_fire_times=2)
    rules = account_a.rules
    assert rules.run_rule(rule_id, ["ann@example.com"]).ran == (ann,)
    emu_clock.advance(timedelta(days=1))
    result = rules.run_rule(rule_id, [ann, "bob@example.com"])
    assert result.ran == (ann, bob)
    third = rules.run_rule(rule_id, ["ann@example.com", bob])
    assert third.ran == (bob,)
    assert third.skipped == (Skipped(contact="ann@example.com", reason=SKIP_MAX_FIRE_TIMES),)
    assert [r.ran_at for r in rules.rule_runs(ann)] == [NOW, NOW + timedelta(days=1)]


def test_s14_1_rule_min_fire_interval_counts_days_from_the_last_run(
    account_a: Account, emu_clock: FrozenClock, ann: str
) -> None:
    """S14.1: a run less than ``minFireInterval`` days after the last one is skipped;
    exactly the interval later it runs."""
    rule_id = rule(account_a, min_fire_interval=2)
    rules = account_a.rules
    assert rules.run_rule(rule_id, [ann]).ran == (ann,)
    emu_clock.advance(timedelta(days=2) - timedelta(seconds=1))
    assert rules.run_rule(rule_id, [ann]).skipped == (
        Skipped(contact=ann, reason=SKIP_MIN_FIRE_INTERVAL),
    )
    emu_clock.advance(timedelta(seconds=1))
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
        "workflowFirings": [],
        "nextFiringNumber": 1,
    }
    assert account_a.rules.add_workflow("Next").id == 1


@pytest.mark.parametrize("bad", [Decimal("NaN"), Decimal("Infinity"), float("inf")])
def test_s14_1_non_finite_numbers_in_open_lists_are_refused(account_a: Account, bad: Any) -> None:
    with pytest.raises(InvalidField) as info:
        rule(account_a, events=[{"type": "X", "weight": bad}])
    assert info.value.field == "events[0].weight"
    assert account_a.rules.rules == []
