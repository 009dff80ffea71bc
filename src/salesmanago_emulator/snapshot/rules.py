"""The rules area in a snapshot: rules, workflows and their manual runs (S14).

``"rules": {"rules": [...], "workflows": [...], "nextWorkflowId": 3,
"ruleRuns": [...], "workflowRuns": [...], "workflowFirings": [...],
"nextFiringNumber": 4}``::

    rule:     {"id": "...", "name": "...", "shared": false, "active": true,
               "deleted": false, "delayConditionsCheck": false,
               "delayConditionsValue": 1 | null, "delayConditionsPeriod": "DAY" | null,
               "maxFireTimes": 3 | null, "minFireInterval": null, "checkAgain": false,
               "checkAgainAfter": null, "events": [{...}], "conditions": [{...}],
               "actions": [{...}], "createdBy": "<a user>", "createdOn": "<instant>"}
    workflow: {"id": 1, "name": "...", "deleted": false, "maxFireTimes": 2 | null,
               "minFireInterval": null, "createdOn": "<instant>",
               "triggers": ["NOTE_ADDED", ...]}
    ruleRun:  {"ruleId": "...", "contactId": "<a card's id>", "ranAt": "<instant>",
               "dueAt": "<instant>"}
    workflowRun: {"workflowId": 1, "contactId": "<a card's id>", "ranAt": "<instant>"}
    workflowFiring: {"number": 3, "workflowId": 1, "contactId": "<a card's id>",
                     "cause": "NOTE_ADDED", "detail": "<note id>", "at": "<instant>"}

Checked as ``rule/insert`` checks a rule (a name not blank, counts of zero or
more, a period the platform knows, open lists of objects of JSON values);
workflow ids are 1 or more and below ``nextWorkflowId``; a run names a rule
or workflow and a card of the account. A workflow's ``triggers`` are checked as
``add_workflow`` checks them (known kinds, each once); a firing names a workflow, a
card of the account and a cause that fires (S14.3), its number unique and below
``nextFiringNumber``. ``triggers``, ``workflowFirings`` and ``nextFiringNumber`` may be
left out (an export from before them): none.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Final

from ..clock import utc_iso
from ..errors import RULE_NAMES_NO
from ..state.account import Account
from ..state.rules import (
    FIRING_TRIGGERS,
    PERIODS,
    TRIGGERS,
    Rule,
    RuleRun,
    Workflow,
    WorkflowFiring,
    WorkflowRun,
    check_count,
    check_name,
    check_objects,
    check_triggers,
)
from ._reader import Fields, Unique, Value
from .contacts import card
from .users import user

__all__ = [
    "KEYS",
    "KEYS_OF_RULE",
    "KEYS_OF_RULE_RUN",
    "WORKFLOW_FIRING_KEYS",
    "WORKFLOW_KEYS",
    "WORKFLOW_RUN_KEYS",
    "dump",
    "dump_firing",
    "dump_rule",
    "dump_workflow",
    "load",
]

KEYS: Final = (
    "rules",
    "workflows",
    "nextWorkflowId",
    "ruleRuns",
    "workflowRuns",
    "workflowFirings",
    "nextFiringNumber",
)
"""The keys of the area's object."""
KEYS_OF_RULE: Final = (
    "id",
    "name",
    "shared",
    "active",
    "deleted",
    "delayConditionsCheck",
    "delayConditionsValue",
    "delayConditionsPeriod",
    "maxFireTimes",
    "minFireInterval",
    "checkAgain",
    "checkAgainAfter",
    "events",
    "conditions",
    "actions",
    "createdBy",
    "createdOn",
)
"""The keys of a rule."""
WORKFLOW_KEYS: Final = (
    "id",
    "name",
    "deleted",
    "maxFireTimes",
    "minFireInterval",
    "createdOn",
    "triggers",
)
"""The keys of a workflow."""
KEYS_OF_RULE_RUN: Final = ("ruleId", "contactId", "ranAt", "dueAt")
"""The keys of a rule run."""
WORKFLOW_RUN_KEYS: Final = ("workflowId", "contactId", "ranAt")
"""The keys of a workflow run."""
WORKFLOW_FIRING_KEYS: Final = ("number", "workflowId", "contactId", "cause", "detail", "at")
"""The keys of a workflow firing."""
_LISTS: Final = ("events", "conditions", "actions")


def dump_rule(rule: Rule) -> dict[str, Any]:
    """One rule in the snapshot format (its open lists as kept)."""
    return {
        "id": rule.id,
        "name": rule.name,
        "shared": rule.shared,
        "active": rule.active,
        "deleted": rule.deleted,
        "delayConditionsCheck": rule.delay_conditions_check,
        "delayConditionsValue": rule.delay_conditions_value,
        "delayConditionsPeriod": rule.delay_conditions_period,
        "maxFireTimes": rule.max_fire_times,
        "minFireInterval": rule.min_fire_interval,
        "checkAgain": rule.check_again,
        "checkAgainAfter": rule.check_again_after,
        "events": [dict(e) for e in rule.events],
        "conditions": [dict(c) for c in rule.conditions],
        "actions": [dict(a) for a in rule.actions],
        "createdBy": rule.created_by,
        "createdOn": utc_iso(rule.created_on),
    }


def dump_workflow(workflow: Workflow) -> dict[str, Any]:
    """One workflow in the snapshot format."""
    return {
        "id": workflow.id,
        "name": workflow.name,
        "deleted": workflow.deleted,
        "maxFireTimes": workflow.max_fire_times,
        "minFireInterval": workflow.min_fire_interval,
        "createdOn": utc_iso(workflow.created_on),
        "triggers": list(workflow.triggers),
    }


def dump_firing(firing: WorkflowFiring) -> dict[str, Any]:
    """One workflow firing in the snapshot format (also the control API's)."""
    return {
        "number": firing.number,
        "workflowId": firing.workflow_id,
        "contactId": firing.contact_id,
        "cause": firing.cause,
        "detail": firing.detail,
        "at": utc_iso(firing.at),
    }


def dump(account: Account) -> dict[str, Any]:
    """Rules, workflows (deleted ones too), the next workflow id, and every run."""
    area = account.rules
    rule_runs, workflow_runs = area.all_runs()
    return {
        "rules": [dump_rule(rule) for rule in area.rules],
        "workflows": [dump_workflow(w) for w in area.workflows(include_deleted=True)],
        "nextWorkflowId": area.next_workflow_id,
        "ruleRuns": [
            {
                "ruleId": run.rule_id,
                "contactId": run.contact_id,
                "ranAt": utc_iso(run.ran_at),
                "dueAt": utc_iso(run.due_at),
            }
            for run in rule_runs
        ],
        "workflowRuns": [
            {
                "workflowId": run.workflow_id,
                "contactId": run.contact_id,
                "ranAt": utc_iso(run.ran_at),
            }
            for run in workflow_runs
        ],
        "workflowFirings": [dump_firing(firing) for firing in area.workflow_firings()],
        "nextFiringNumber": area.next_firing_number,
    }


def _count(fields: Fields, key: str) -> int | None:
    if not fields.has(key):
        return None
    value = fields.need(key)
    return value.checked(check_count, value.integer())


def _rule(account: Account, fields: Fields, ids: Unique) -> Rule:
    lists = {}
    for key in _LISTS:
        value = fields.need(key)
        lists[key] = value.checked(check_objects, value.json())
    return Rule(
        id=fields.need("id").identifier(ids),
        name=fields.need("name").rule(check_name),
        shared=fields.need("shared").boolean(),
        active=fields.need("active").boolean(),
        deleted=fields.need("deleted").boolean(),
        delay_conditions_check=fields.need("delayConditionsCheck").boolean(),
        delay_conditions_value=_count(fields, "delayConditionsValue"),
        delay_conditions_period=fields.get(
            "delayConditionsPeriod", lambda v: v.one_of(tuple(PERIODS))
        ),
        max_fire_times=_count(fields, "maxFireTimes"),
        min_fire_interval=_count(fields, "minFireInterval"),
        check_again=fields.need("checkAgain").boolean(),
        check_again_after=_count(fields, "checkAgainAfter"),
        events=lists["events"],
        conditions=lists["conditions"],
        actions=lists["actions"],
        created_by=user(account, fields.need("createdBy")),
        created_on=fields.need("createdOn").instant(),
    )


def _workflow(fields: Fields, ids: Unique) -> Workflow:
    id_value = fields.need("id")
    workflow_id = id_value.integer(minimum=1)
    ids.add(id_value, workflow_id)
    return Workflow(
        id=workflow_id,
        name=fields.need("name").rule(check_name),
        deleted=fields.need("deleted").boolean(),
        max_fire_times=_count(fields, "maxFireTimes"),
        min_fire_interval=_count(fields, "minFireInterval"),
        created_on=fields.need("createdOn").instant(),
        triggers=fields.get("triggers", _triggers) or (),
    )


def _triggers(value: Value) -> tuple[str, ...]:
    seen = Unique()
    kinds = []
    for item in value.items():
        kind = item.one_of(TRIGGERS)
        seen.add(item, kind)
        kinds.append(kind)
    return check_triggers(kinds, value.path)


def _firing(
    account: Account, fields: Fields, numbers: Unique, workflow_ids: Collection[int]
) -> WorkflowFiring:
    number_value = fields.need("number")
    number = number_value.integer(minimum=1)
    numbers.add(number_value, number)
    workflow_value = fields.need("workflowId")
    workflow_id = workflow_value.integer()
    _known(workflow_value, workflow_ids, "workflow")
    return WorkflowFiring(
        number=number,
        workflow_id=workflow_id,
        contact_id=card(account, fields.need("contactId")).id,
        cause=fields.need("cause").one_of(FIRING_TRIGGERS),
        detail=fields.need("detail").text(),
        at=fields.need("at").instant(),
    )


def _known(value: Value, known: Collection[object], what: str) -> None:
    if value.raw not in known:
        value.refuse(RULE_NAMES_NO.format(what=what, value=value.raw))


def _rule_run(account: Account, fields: Fields, rule_ids: Collection[str]) -> RuleRun:
    rule_value = fields.need("ruleId")
    rule_id = rule_value.text()
    _known(rule_value, rule_ids, "rule")
    return RuleRun(
        rule_id=rule_id,
        contact_id=card(account, fields.need("contactId")).id,
        ran_at=fields.need("ranAt").instant(),
        due_at=fields.need("dueAt").instant(),
    )


def _workflow_run(account: Account, fields: Fields, workflow_ids: Collection[int]) -> WorkflowRun:
    workflow_value = fields.need("workflowId")
    workflow_id = workflow_value.integer()
    _known(workflow_value, workflow_ids, "workflow")
    return WorkflowRun(
        workflow_id=workflow_id,
        contact_id=card(account, fields.need("contactId")).id,
        ran_at=fields.need("ranAt").instant(),
    )


def load(account: Account, value: Value) -> None:
    """Put back the rules, workflows and runs of ``value`` (on the loaded cards)."""
    fields = value.fields("the rules area", KEYS)
    rule_ids, workflow_ids = Unique(), Unique()
    rules = [
        _rule(account, i.fields("a rule", KEYS_OF_RULE), rule_ids) for i in fields.items("rules")
    ]
    workflows = [
        _workflow(i.fields("a workflow", WORKFLOW_KEYS), workflow_ids)
        for i in fields.items("workflows")
    ]
    last = max((w.id for w in workflows), default=0)
    next_id = fields.get("nextWorkflowId", lambda v: v.integer(minimum=last + 1)) or last + 1
    rule_runs = [
        _rule_run(account, i.fields("a rule run", KEYS_OF_RULE_RUN), [r.id for r in rules])
        for i in fields.items("ruleRuns")
    ]
    workflow_runs = [
        _workflow_run(
            account, i.fields("a workflow run", WORKFLOW_RUN_KEYS), [w.id for w in workflows]
        )
        for i in fields.items("workflowRuns")
    ]
    account.rules.restore_saved(rules, workflows, next_id, (rule_runs, workflow_runs))
    numbers = Unique()
    firings = [
        _firing(
            account,
            i.fields("a workflow firing", WORKFLOW_FIRING_KEYS),
            numbers,
            [w.id for w in workflows],
        )
        for i in fields.items("workflowFirings")
    ]
    last_firing = max((f.number for f in firings), default=0)
    next_firing = (
        fields.get("nextFiringNumber", lambda v: v.integer(minimum=last_firing + 1))
        or last_firing + 1
    )
    account.rules.restore_firings(firings, next_firing)
