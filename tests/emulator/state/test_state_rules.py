"""Automation rules (S14.1) and workflows (S14.2) in the state layer: the manual runs
(no API: protocol §13.17), their limits and skips, refusals, deletion and reset; what
fires a workflow on its own triggers and the firing log (S14.3, S12.2); a read-only
owner's runs (S1.6)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from routes_helpers import A_OWNER, A_SECOND, NOW

from salesmanago_emulator import Account, Emulator, FrozenClock
from salesmanago_emulator.errors import (
    ContactNotFound,
    InvalidField,
    RuleNotFound,
    WorkflowNotFound,
)
from salesmanago_emulator.snapshot import dump_area
from salesmanago_emulator.state._card import ContactWrite
from salesmanago_emulator.state.funnels import StageSpec, Target
from salesmanago_emulator.state.rules import (
    SKIP_CONDITIONS_NOT_MET,
    SKIP_CONTACT_NOT_FOUND,
    SKIP_DUPLICATE,
    SKIP_MAX_FIRE_TIMES,
    SKIP_MIN_FIRE_INTERVAL,
    SKIP_READ_ONLY_OWNER,
    TRIGGERS,
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


# --- what fires a workflow (S14.3, S12.2) -------------------------------------------


def _fired(account: Account) -> list[tuple[int, str, str, str]]:
    """The firing log as (workflow, contact, cause, detail)."""
    return [
        (f.workflow_id, f.contact_id, f.cause, f.detail) for f in account.rules.workflow_firings()
    ]


def test_s14_3_mobile_opt_out_fires_the_workflows_listening_for_it(
    account_a: Account, emu_clock: FrozenClock, ann: str
) -> None:
    listening = account_a.rules.add_workflow("Opt-out", triggers=["MOBILE_OPT_OUT"])
    account_a.rules.add_workflow("Notes", triggers=["NOTE_ADDED"])
    account_a.optin.phone_opt_in(ann)
    assert _fired(account_a) == []  # an opt-in fires nothing
    account_a.optin.phone_opt_out(ann, source="MANAGE")
    assert _fired(account_a) == [(listening.id, ann, "MOBILE_OPT_OUT", "MANAGE")]
    (firing,) = account_a.rules.workflow_firings()
    assert (firing.number, firing.at) == (1, emu_clock.now())
    account_a.optin.phone_opt_out(ann)  # no change: no event
    assert len(_fired(account_a)) == 1


def test_s14_3_a_new_owner_fires_owner_assigned_a_level_change_does_not(
    account_a: Account, ann: str
) -> None:
    wf = account_a.rules.add_workflow("Owner", triggers=["OWNER_ASSIGNED"])
    account_a.users.add_owner(ann, A_SECOND, "READ_ONLY")
    assert _fired(account_a) == [(wf.id, ann, "OWNER_ASSIGNED", A_SECOND)]
    account_a.users.add_owner(ann, A_SECOND, "CO_OWNER")  # a level change
    account_a.users.set_main_owner(ann, A_SECOND)  # an owner already: promoted
    account_a.users.remove_owner(ann, A_OWNER)
    assert len(_fired(account_a)) == 1
    account_a.users.add_owner(ann, A_OWNER, "MAIN")  # owned nothing: assigned again
    assert _fired(account_a)[1] == (wf.id, ann, "OWNER_ASSIGNED", A_OWNER)


def test_s12_2_adding_to_a_funnel_stage_fires_moving_fires_leaving_does_not(
    account_a: Account, ann: str
) -> None:
    wf = account_a.rules.add_workflow("Funnel", triggers=["FUNNEL_STAGE_ADDED"])
    account_a.funnels.add("Sales", [StageSpec("Lead"), StageSpec("Offer")])
    account_a.funnels.add_contacts("Sales", "Lead", [Target("CONTACT_ID", ann)])
    account_a.funnels.add_contacts("Sales", "Lead", [Target("CONTACT_ID", ann)])  # no change
    account_a.funnels.add_contacts("Sales", "Offer", [Target("EMAIL", "ann@example.com")])
    account_a.funnels.remove_contact("Sales", ann)
    assert _fired(account_a) == [
        (wf.id, ann, "FUNNEL_STAGE_ADDED", "Sales/Lead"),
        (wf.id, ann, "FUNNEL_STAGE_ADDED", "Sales/Offer"),
    ]


def test_s14_3_adding_a_note_fires_note_added(account_a: Account, ann: str) -> None:
    wf = account_a.rules.add_workflow("Note", triggers=["NOTE_ADDED"])
    note = account_a.notes.add(ann, "Called back", owner=A_OWNER, private=True)
    assert _fired(account_a) == [(wf.id, ann, "NOTE_ADDED", note.id)]


def _quiet_actions() -> dict[str, Any]:
    """The changes that must fire no workflow (S14.3), each on a live card ``ann``."""
    return {
        "tags added": lambda a, c: a.tags.manage(c, ["VIP"], []),
        "tags removed": lambda a, c: a.tags.manage(c, [], ["OLD"]),
        "detail added": lambda a, c: a.contacts.set_property(c, "size", "43"),
        "detail removed": lambda a, c: a.contacts.remove_property(c, "gone"),
        "scoring set": lambda a, c: a.scoring.set(c, 40),
        "e-mail opt-out": lambda a, c: a.optin.opt_out(c, source="MANAGE"),
        "e-mail opt-in": lambda a, c: a.optin.opt_in(c),
        "mobile opt-in": lambda a, c: a.optin.phone_opt_in(c, source="MANAGE"),
        "marked invalid": lambda a, c: a.optin.mark_invalid(c),
        "status restored": lambda a, c: a.optin.restore_previous_status(c),
        "state changed": lambda a, c: a.contacts.set_state(c, "CUSTOMER"),
        "owner removed": lambda a, c: a.users.remove_owner(c, A_SECOND),
        "funnel left": lambda a, c: a.funnels.remove_contact("Sales", c),
        "coupon given": lambda a, c: a.coupons.add(c, "WELCOME", length=8),
    }


@pytest.mark.parametrize("action", list(_quiet_actions()))
def test_s14_3_no_other_change_fires_a_workflow(
    emu: Emulator[FrozenClock], account_a: Account, ann: str, action: str
) -> None:
    """A workflow listening for every kind (the quiet ones too) fires for none of the
    Contact Manager's other actions, through their area methods (every door). Each
    action does change the account (a new card is opted out of both channels)."""
    account_a.tags.manage(ann, ["OLD"], [])
    account_a.contacts.set_property(ann, "gone", "x")
    account_a.optin.phone_opt_out(ann)
    if action == "status restored":
        account_a.optin.mark_invalid(ann)
    if action == "e-mail opt-out":
        account_a.optin.opt_in(ann)
    account_a.funnels.add("Sales", [StageSpec("Lead")])
    account_a.funnels.add_contacts("Sales", "Lead", [Target("CONTACT_ID", ann)])
    account_a.users.add_owner(ann, A_SECOND, "CO_OWNER")
    account_a.rules.add_workflow("All", triggers=TRIGGERS)
    before = emu.export_state()
    _quiet_actions()[action](account_a, ann)
    assert emu.export_state() != before  # the action did change the card
    assert _fired(account_a) == []


def test_s14_3_a_firing_respects_max_fire_times_manual_runs_do_not_count(
    account_a: Account, ann: str, bob: str
) -> None:
    """Unlike a manual run (S14.2), a firing on the workflow's own trigger respects its
    per-contact ``maxFireTimes``; the manual runs neither count nor are limited."""
    wf = account_a.rules.add_workflow("Twice", max_fire_times=2, triggers=["NOTE_ADDED"])
    account_a.rules.run_workflow(wf.id, [ann, ann])
    account_a.rules.run_workflow(wf.id, [ann])
    for text in ("one", "two", "three"):
        account_a.notes.add(ann, text, owner=A_OWNER)
    account_a.notes.add(bob, "one", owner=A_OWNER)
    assert [f.contact_id for f in account_a.rules.workflow_firings()] == [ann, ann, bob]
    assert len(account_a.rules.run_workflow(wf.id, [ann]).ran) == 1  # still runs by hand


def test_s14_3_a_firing_respects_min_fire_interval_in_days(
    account_a: Account, emu_clock: FrozenClock, ann: str
) -> None:
    account_a.rules.add_workflow("Daily", min_fire_interval=1, triggers=["NOTE_ADDED"])
    account_a.notes.add(ann, "one", owner=A_OWNER)
    emu_clock.advance(timedelta(hours=23, minutes=59))
    account_a.notes.add(ann, "two", owner=A_OWNER)
    assert len(_fired(account_a)) == 1
    emu_clock.advance(timedelta(minutes=1))
    account_a.notes.add(ann, "three", owner=A_OWNER)
    assert [f.at for f in account_a.rules.workflow_firings()][1] == emu_clock.now()


def test_s14_3_each_listening_workflow_fires_a_deleted_one_does_not(
    account_a: Account, ann: str
) -> None:
    first = account_a.rules.add_workflow("First", triggers=["NOTE_ADDED", "OWNER_ASSIGNED"])
    gone = account_a.rules.add_workflow("Gone", triggers=["NOTE_ADDED"])
    third = account_a.rules.add_workflow("Third", triggers=["NOTE_ADDED"])
    account_a.rules.delete_workflow(gone.id)
    account_a.notes.add(ann, "x", owner=A_OWNER)
    assert [f.workflow_id for f in account_a.rules.workflow_firings()] == [first.id, third.id]
    assert [f.number for f in account_a.rules.workflow_firings()] == [1, 2]


def test_s14_3_the_firing_log_filters_by_contact_workflow_and_cause(
    account_a: Account, ann: str, bob: str
) -> None:
    notes = account_a.rules.add_workflow("Notes", triggers=["NOTE_ADDED"])
    both = account_a.rules.add_workflow("Both", triggers=["NOTE_ADDED", "MOBILE_OPT_OUT"])
    account_a.notes.add(ann, "x", owner=A_OWNER)
    account_a.optin.phone_opt_in(bob)  # a new card is opted out of mobile marketing
    account_a.optin.phone_opt_out(bob)
    rules = account_a.rules
    assert [f.workflow_id for f in rules.workflow_firings("ann@example.com")] == [
        notes.id,
        both.id,
    ]
    assert [f.contact_id for f in rules.workflow_firings(workflow_id=both.id)] == [ann, bob]
    assert [f.contact_id for f in rules.workflow_firings(cause="MOBILE_OPT_OUT")] == [bob]
    assert rules.workflow_firings(bob, workflow_id=notes.id) == []
    with pytest.raises(ContactNotFound):
        rules.workflow_firings("nobody@example.com")


def test_s3_soft_delete_keeps_firings_removal_drops_them(account_a: Account, ann: str) -> None:
    account_a.rules.add_workflow("Notes", triggers=["NOTE_ADDED"])
    account_a.notes.add(ann, "x", owner=A_OWNER)
    account_a.contacts.delete("ann@example.com")
    assert len(account_a.rules.workflow_firings(ann)) == 1
    account_a.contacts.delete("ann@example.com", permanently=True)
    assert account_a.rules.workflow_firings() == []
    assert account_a.rules.next_firing_number == 2  # numbers are never reused


@pytest.mark.parametrize(
    ("triggers", "field"),
    [
        (["NOTE_ADDED", "NOPE"], "triggers[1]"),
        ("NOTE_ADDED", "triggers"),
        ([1], "triggers[0]"),
    ],
)
def test_s14_3_unknown_triggers_are_refused_and_nothing_is_added(
    account_a: Account, triggers: Any, field: str
) -> None:
    with pytest.raises(InvalidField) as info:
        account_a.rules.add_workflow("Bad", triggers=triggers)
    assert info.value.field == field
    assert (account_a.rules.workflows(include_deleted=True), account_a.rules.next_workflow_id) == (
        [],
        1,
    )


def test_s14_3_triggers_are_kept_once_each_in_the_order_given(account_a: Account) -> None:
    wf = account_a.rules.add_workflow("W", triggers=["TAG_ADDED", "NOTE_ADDED", "TAG_ADDED"])
    assert wf.triggers == ("TAG_ADDED", "NOTE_ADDED")
    assert account_a.rules.add_workflow("None").triggers == ()


# --- a read-only owner may not run automation for the contact (S1.6) ------------------


def test_s1_6_runs_skip_the_contacts_the_acting_user_owns_read_only(
    account_a: Account, ann: str, bob: str
) -> None:
    account_a.users.add_owner(ann, A_SECOND, "READ_ONLY")
    account_a.users.add_owner(bob, A_SECOND, "CO_OWNER")
    rule_id = rule(account_a)
    wf = account_a.rules.add_workflow("W")
    for result in (
        account_a.rules.run_rule(rule_id, [ann, bob], user=A_SECOND),
        account_a.rules.run_workflow(wf.id, [ann, bob], user=A_SECOND.upper()),
    ):
        assert result.ran == (bob,)
        assert result.skipped == (Skipped(contact=ann, reason=SKIP_READ_ONLY_OWNER),)
    # the main owner, and a run with no acting user, run for both
    assert account_a.rules.run_rule(rule_id, [ann, bob], user=A_OWNER).ran == (ann, bob)
    assert account_a.rules.run_workflow(wf.id, [ann]).ran == (ann,)
    assert len(account_a.rules.rule_runs(ann)) == 1


def test_s1_6_an_acting_user_who_is_no_user_is_refused_and_nothing_runs(
    account_a: Account, ann: str
) -> None:
    rule_id = rule(account_a)
    wf = account_a.rules.add_workflow("W")
    with pytest.raises(InvalidField) as info:
        account_a.rules.run_rule(rule_id, [ann], user="stranger@example.com")
    assert info.value.field == "user"
    with pytest.raises(InvalidField):
        account_a.rules.run_workflow(wf.id, [ann], user="stranger@example.com")
    assert account_a.rules.all_runs() == ([], [])
