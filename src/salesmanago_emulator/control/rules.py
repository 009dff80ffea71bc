"""Control operations for rules and workflows (S14.1-S14.3): ``rules``, ``rules/run``,
``workflows/create``, ``workflows/delete``, ``workflows/run`` and ``workflows/firings``.

The platform runs a rule or a workflow for chosen contacts from its Contact
Manager only (no public API), and creates workflows in its editor, so tests
and demos do it here (or with ``account.rules``).

- ``rules/run``: ``ruleId`` (required), ``contacts`` (e-mails or ids, required),
  ``checkConditions`` (default false), ``passing`` (the contacts meeting the
  conditions; required with ``checkConditions``), ``user`` (the acting user: the
  contacts it owns read-only are skipped, S1.6). Answers ``ran`` (contact
  ids) and ``skipped`` (``[{contact, reason}]``); the rule's ``maxFireTimes``
  and ``minFireInterval`` apply.
- ``workflows/create``: ``name`` (required), ``maxFireTimes``,
  ``minFireInterval`` (applied to firings on its triggers, not to manual runs),
  ``triggers`` (the event kinds it listens for, S14.3). Answers ``workflow``.
- ``workflows/delete``: ``workflowId``. Answers ``workflow``.
- ``workflows/run``: ``workflowId``, ``contacts``, ``user``; no per-contact limit applies.
- ``workflows/firings`` (read-only): the firing log, optionally of one ``contact``
  (e-mail or id), ``workflowId`` or ``cause``: ``firings: [{number, workflowId,
  contactId, cause, detail, at}]`` in firing order.
- ``rules`` (read-only): the area's state: rules, workflows, every run and firing.

An unknown (or deleted) rule or workflow is 404, a bad field 400. All act on
the account named by ``clientId`` (default: the first).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ..errors import RULE_KEY_LIST, RULE_REQUIRED
from ..snapshot import rules as saved
from ..state.rules import RunResult
from ._base import ControlArgs, ControlError, ControlledEmulator, ControlOperation

__all__ = ["OPERATIONS"]


def _run(result: RunResult) -> dict[str, Any]:
    """``{"ran": [ids], "skipped": [{"contact", "reason"}]}``: what a manual run did."""
    return {
        "ran": list(result.ran),
        "skipped": [{"contact": s.contact, "reason": s.reason} for s in result.skipped],
    }


def _keys(args: ControlArgs, key: str, *, required: bool = True) -> list[str] | None:
    value = args.data.get(key)
    if value is None:
        if required:
            raise ControlError.field(key, RULE_REQUIRED)
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ControlError.field(key, RULE_KEY_LIST)
    return value


def _rules(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """The account's rules, workflows (deleted ones too) and every manual run."""
    return saved.dump(args.account(emulator))


def _rules_run(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Run a rule for contacts: ruleId, contacts, checkConditions, passing (S14.1)."""
    rules = args.account(emulator).rules
    rule_id = args.text("ruleId")
    contacts = _keys(args, "contacts")
    check = args.boolean("checkConditions", False)
    passing = _keys(args, "passing", required=check)
    user = args.text("user", None)
    result = rules.run_rule(
        rule_id, contacts or [], check_conditions=check, passing=passing, user=user
    )
    return _run(result)


def _workflows_create(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Add a workflow: name, maxFireTimes, minFireInterval; answers it with its id."""
    workflow = args.account(emulator).rules.add_workflow(
        args.text("name"),
        max_fire_times=args.integer("maxFireTimes", None),
        min_fire_interval=args.integer("minFireInterval", None),
        triggers=args.names("triggers") or (),
    )
    return {"workflow": saved.dump_workflow(workflow)}


def _workflows_delete(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Delete a workflow (workflowId): it leaves workflow/list and cannot be run."""
    rules = args.account(emulator).rules
    workflow = rules.delete_workflow(args.integer("workflowId"))
    return {"workflow": saved.dump_workflow(workflow)}


def _workflows_run(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Run a workflow for contacts (workflowId, contacts); its limits do not apply (S14.2)."""
    rules = args.account(emulator).rules
    workflow_id = args.integer("workflowId")
    contacts = _keys(args, "contacts")
    result = rules.run_workflow(workflow_id, contacts or [], user=args.text("user", None))
    return _run(result)


def _workflows_firings(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """The workflow firing log (S14.3): of a contact, workflowId or cause, or all."""
    rules = args.account(emulator).rules
    firings = rules.workflow_firings(
        args.text("contact", None),
        workflow_id=args.integer("workflowId", None),
        cause=args.text("cause", None),
    )
    return {"firings": [saved.dump_firing(firing) for firing in firings]}


OPERATIONS: Final[tuple[ControlOperation, ...]] = (
    ControlOperation(name="rules", handler=_rules, read_only=True, keys=("clientId",)),
    ControlOperation(
        name="rules/run",
        handler=_rules_run,
        keys=("clientId", "ruleId", "contacts", "checkConditions", "passing", "user"),
    ),
    ControlOperation(
        name="workflows/create",
        handler=_workflows_create,
        keys=("clientId", "name", "maxFireTimes", "minFireInterval", "triggers"),
    ),
    ControlOperation(
        name="workflows/delete", handler=_workflows_delete, keys=("clientId", "workflowId")
    ),
    ControlOperation(
        name="workflows/run",
        handler=_workflows_run,
        keys=("clientId", "workflowId", "contacts", "user"),
    ),
    ControlOperation(
        name="workflows/firings",
        handler=_workflows_firings,
        read_only=True,
        keys=("clientId", "contact", "workflowId", "cause"),
    ),
)
"""This module's operations."""
