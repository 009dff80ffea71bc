"""Automation rules (S14.1) and workflows (S14.2) over raw JSON (protocol §8.5):
rule/insert and workflow/list; and what fires a workflow through the API (S14.3, S12.2)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from routes_helpers import A_OWNER, A_SECOND, NOW, OMIT, Api

from salesmanago_emulator import Account, Emulator, FrozenClock
from salesmanago_emulator.errors import RuleNotFound
from salesmanago_emulator.snapshot.rules import dump_rule
from salesmanago_emulator.state.rules import TRIGGERS

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


# --- what fires a workflow, through the API (S14.3, S12.2) ------------------------------


def _causes(account: Account) -> list[tuple[str, str]]:
    return [(f.cause, f.detail) for f in account.rules.workflow_firings()]


def test_s12_2_a_funnel_stage_added_through_the_api_fires_the_workflow(
    api: Api, account_a: Account
) -> None:
    """``funnel/addContact`` fires the workflows listening for the stage (S12.2: the
    SDK's ``funnels.add_contacts`` says so)."""
    ann = api.upsert("ann@example.com")
    wf = account_a.rules.add_workflow("Lead", triggers=["FUNNEL_STAGE_ADDED"])
    api.ok("funnel/add", funnel="Sales", stages=[{"name": "Lead", "order": 1}])
    api.ok(
        "funnel/addContact",
        funnel="Sales",
        stage="Lead",
        contacts=[{"addresseeType": "email", "value": "ann@example.com"}],
    )
    (firing,) = account_a.rules.workflow_firings(ann)
    assert (firing.workflow_id, firing.cause, firing.detail) == (
        wf.id,
        "FUNNEL_STAGE_ADDED",
        "Sales/Lead",
    )


def test_s14_3_a_note_an_owner_and_a_mobile_opt_out_through_the_api_fire(
    api: Api, account_a: Account
) -> None:
    """The decision: a note (``addNote``), a new owner (``setMainOwner``) and a mobile
    opt-out (``forcePhoneOptOut``) fire through the API as from the Contact Manager."""
    api.upsert("ann@example.com", forcePhoneOptIn=True)
    account_a.rules.add_workflow("All", triggers=["NOTE_ADDED", "OWNER_ASSIGNED", "MOBILE_OPT_OUT"])
    api.ok("contact/addNote", email="ann@example.com", note="Called")
    (note,) = account_a.notes.of(account_a.find_live("ann@example.com"))
    api.ok("contact/setMainOwner", contact="ann@example.com", newOwner=A_SECOND)
    api.upsert("ann@example.com", forcePhoneOptOut=True)
    assert _causes(account_a) == [
        ("NOTE_ADDED", note.id),
        ("OWNER_ASSIGNED", A_SECOND),
        ("MOBILE_OPT_OUT", "FROM_INIT"),
    ]


def test_s14_3_tags_details_scoring_and_e_mail_status_through_the_api_fire_nothing(
    api: Api, account_a: Account
) -> None:
    api.upsert("ann@example.com")
    account_a.rules.add_workflow("All", triggers=TRIGGERS)
    api.upsert(
        "ann@example.com",
        tags=["VIP"],
        properties={"size": "43"},
        forceOptIn=True,
        state="CUSTOMER",
    )
    api.ok("contact/managetags", email="ann@example.com", removeTags=["VIP"])
    api.upsert("ann@example.com", forceOptOut=True)
    assert account_a.find_live("ann@example.com").properties == {"size": "43"}
    assert _causes(account_a) == []
