"""The Contact Manager area (S15) in the state layer: recount, saved segments, runs with their
per-contact report, scheduled runs that execute exactly when the clock reaches them, refusals
that change nothing, and bulk changes reaching the integrator's callbacks (S10.3)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from state_helpers import OWNER

from salesmanago_emulator.clock import FrozenClock
from salesmanago_emulator.errors import Conflict, InvalidField
from salesmanago_emulator.snapshot import dump_area
from salesmanago_emulator.state import Account, ContactWrite
from salesmanago_emulator.state.contact_manager import (
    AddTags,
    EmailOptOut,
    Invalid,
    Outcome,
    ScoringRange,
    Selection,
    SetScoring,
    Tags,
)

NEWSLETTER = Selection(include=(Tags(tags=("NEWSLETTER",)),), exclude=(Invalid(),))

OTHER_USER = "second@shop.pl"  # the account fixture's second user


def put(account: Account, email: str, **fields: Any) -> str:
    """Upsert a card as OWNER; its id."""
    return account.contacts.upsert(ContactWrite(email=email, **fields), OWNER).id


@pytest.fixture
def three(account: Account) -> Account:
    """Two newsletter readers (one invalid) and one other card, all opted in."""
    put(account, "a@x.pl", tags=("NEWSLETTER",), force_opt_in=True)
    put(account, "b@x.pl", tags=("NEWSLETTER",), force_opt_in=True)
    put(account, "c@x.pl", force_opt_in=True)
    account.optin.mark_invalid("b@x.pl")
    return account


def test_recount_says_how_many_cards_a_run_touches_seed_004_s2(three: Account) -> None:
    manager = three.contact_manager
    assert manager.recount(NEWSLETTER) == 1
    assert manager.recount(Selection()) == 3
    done = manager.run(NEWSLETTER, [EmailOptOut()])
    assert done.selected == manager.recount(Selection(include=(Tags(tags=("NEWSLETTER",)),))) - 1


def test_a_run_of_several_actions_reports_each_per_contact_s15_3(three: Account) -> None:
    done = three.contact_manager.run(NEWSLETTER, [EmailOptOut(), AddTags(tags=("BULK",))])
    assert done.status == "DONE"
    assert [r.email for r in done.reports] == ["a@x.pl"]
    assert done.report("A@x.pl").outcomes == (
        Outcome("emailOptOut", True),
        Outcome("addTags", True),
    )
    assert three.find("a@x.pl").opted_out  # type: ignore[union-attr]
    assert not three.find("c@x.pl").opted_out  # type: ignore[union-attr]
    assert three.contact_manager.runs() == [done]


def test_no_action_is_refused_and_changes_nothing_s15_3(three: Account) -> None:
    before = dump_area(three, "contacts")
    with pytest.raises(InvalidField) as err:
        three.contact_manager.run(Selection(), [])
    assert err.value.field == "actions"
    assert "none is selected by default" in str(err.value)
    assert dump_area(three, "contacts") == before
    assert three.contact_manager.runs() == []


def test_a_run_as_someone_who_is_no_user_is_refused(three: Account) -> None:
    with pytest.raises(InvalidField) as err:
        three.contact_manager.run(Selection(), [EmailOptOut()], user="x@x.pl")
    assert err.value.field == "user"


def test_a_scheduled_run_executes_exactly_when_the_clock_reaches_it_s15_2(
    three: Account, clock: FrozenClock
) -> None:
    manager = three.contact_manager
    at = clock.now() + timedelta(hours=2)
    scheduled = manager.schedule(NEWSLETTER, [SetScoring(points=9)], at)
    assert (scheduled.status, scheduled.reports) == ("SCHEDULED", ())
    clock.advance(timedelta(hours=2) - timedelta(microseconds=1))
    assert three.find("a@x.pl").score == 0  # type: ignore[union-attr]
    assert manager.runs()[0].status == "SCHEDULED"
    clock.advance(timedelta(microseconds=1))
    assert three.find("a@x.pl").score == 9  # type: ignore[union-attr]
    [done] = manager.runs()
    assert (done.status, done.executed_on, done.selected) == ("DONE", at, 1)


def test_a_scheduled_run_selects_when_it_executes(three: Account, clock: FrozenClock) -> None:
    manager = three.contact_manager
    manager.schedule(NEWSLETTER, [SetScoring(points=1)], clock.now() + timedelta(minutes=1))
    put(three, "late@x.pl", tags=("NEWSLETTER",))
    clock.advance(timedelta(minutes=5))
    assert {r.email for r in manager.runs()[0].reports} == {"a@x.pl", "late@x.pl"}


def test_scheduled_runs_execute_in_the_order_of_their_instants(
    three: Account, clock: FrozenClock
) -> None:
    manager = three.contact_manager
    now = clock.now()
    manager.schedule(Selection(), [SetScoring(points=2)], now + timedelta(minutes=2))
    manager.schedule(Selection(), [SetScoring(points=1)], now + timedelta(minutes=1))
    clock.advance(timedelta(minutes=3))
    assert three.find("a@x.pl").score == 2  # type: ignore[union-attr]


def test_schedule_refuses_an_instant_not_in_the_future(three: Account, clock: FrozenClock) -> None:
    with pytest.raises(InvalidField) as err:
        three.contact_manager.schedule(Selection(), [EmailOptOut()], clock.now())
    assert err.value.field == "at"
    with pytest.raises(InvalidField):
        three.contact_manager.schedule(
            Selection(), [EmailOptOut()], clock.now().replace(tzinfo=None)
        )
    assert three.contact_manager.runs() == []


def test_a_cancelled_run_never_executes(three: Account, clock: FrozenClock) -> None:
    manager = three.contact_manager
    run = manager.schedule(Selection(), [SetScoring(points=4)], clock.now() + timedelta(hours=1))
    assert manager.cancel(run.id).status == "CANCELLED"
    clock.advance(timedelta(hours=2))
    assert three.find("a@x.pl").score == 0  # type: ignore[union-attr]
    with pytest.raises(InvalidField):
        manager.cancel(run.id)


def test_saved_segments_are_listed_used_and_deleted_s15_1(three: Account) -> None:
    manager = three.contact_manager
    manager.save_segment("Readers", NEWSLETTER)
    assert [s.name for s in manager.segments()] == ["Readers"]
    with pytest.raises(InvalidField) as err:
        manager.save_segment("readers", Selection())
    assert err.value.field == "name"
    scored = Selection(segment="readers", include=(ScoringRange(maximum=0),))
    assert manager.recount(scored) == 1
    manager.delete_segment("READERS")
    assert manager.segments() == []
    with pytest.raises(InvalidField) as err:
        manager.recount(scored)
    assert err.value.field == "segment"


def test_a_segment_a_scheduled_run_uses_cannot_be_deleted(
    three: Account, clock: FrozenClock
) -> None:
    manager = three.contact_manager
    manager.save_segment("Readers", NEWSLETTER)
    later = clock.now() + timedelta(hours=1)
    manager.schedule(Selection(segment="Readers"), [EmailOptOut()], later)
    with pytest.raises(Conflict):
        manager.delete_segment("Readers")
    clock.advance(timedelta(hours=1))
    manager.delete_segment("Readers")  # the run is done: free to go


def test_a_segment_names_no_other_segment(three: Account) -> None:
    three.contact_manager.save_segment("One", NEWSLETTER)
    with pytest.raises(InvalidField) as err:
        three.contact_manager.save_segment("Two", Selection(segment="One"))
    assert err.value.field == "selection.segment"


def test_a_bulk_opt_out_reaches_the_integrators_callback_s10_3(three: Account) -> None:
    """Callbacks are delivered for bulk changes as for single ones: through the area."""
    three.callbacks.register("OPT_OUT", "https://shop.example/optout?e=$email$", "s3cret")
    three.contact_manager.run(Selection(), [EmailOptOut()])
    entries = three.callbacks.outbox()
    assert sorted(e.payload["email"] for e in entries) == ["a@x.pl", "b@x.pl", "c@x.pl"]
    assert {e.kind for e in entries} == {"OPT_OUT"}
    assert {e.payload["source"] for e in entries} == {"MANAGE"}


def test_reset_forgets_segments_and_runs(three: Account, clock: FrozenClock) -> None:
    manager = three.contact_manager
    manager.save_segment("Readers", NEWSLETTER)
    manager.schedule(Selection(), [EmailOptOut()], clock.now() + timedelta(hours=1))
    three.reset()
    assert (manager.segments(), manager.runs()) == ([], [])
    put(three, "new@x.pl", force_opt_in=True)
    clock.advance(timedelta(hours=2))
    assert not three.find("new@x.pl").opted_out  # type: ignore[union-attr]


def test_the_account_name_order_defaults_to_1(account: Account) -> None:
    assert account.name_order == 1
    account.name_order = 2
    assert dump_area(account, "contact_manager")["nameOrder"] == 2


def test_runs_act_as_the_first_user_by_default(three: Account) -> None:
    assert three.contact_manager.run(Selection(), [EmailOptOut()]).user == OWNER
    run = three.contact_manager.run(Selection(), [EmailOptOut()], user=OTHER_USER.upper())
    assert run.user == OTHER_USER


def test_a_scheduled_run_whose_workflow_is_gone_fails_and_changes_nothing(
    three: Account, clock: FrozenClock
) -> None:
    """Checked again when its instant comes: a refusal then marks the run FAILED (with the
    reason) before any card changes, and the account goes on working."""
    from salesmanago_emulator.state.contact_manager import RunWorkflow

    workflow = three.rules.add_workflow("W").id
    actions = [SetScoring(points=5), RunWorkflow(workflow_id=workflow)]
    three.contact_manager.schedule(Selection(), actions, clock.now() + timedelta(hours=1))
    three.rules.delete_workflow(workflow)
    clock.advance(timedelta(hours=1))
    [run] = three.contact_manager.runs()
    assert (run.status, run.reports) == ("FAILED", ())
    assert run.error is not None
    assert str(workflow) in run.error
    assert three.find_live("a@x.pl").score == 0
    assert three.contact_manager.recount(Selection()) == 3
