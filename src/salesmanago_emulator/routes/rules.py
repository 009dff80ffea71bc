"""Automation rules and workflows: ``rule/insert`` and ``workflow/list`` (protocol §8.5; S14).

``rule/insert`` is owner-bound (the live test sent ``owner``) and reads the
rule's settings; absent flags default to ``shared: false``, ``active: true``,
``deleted: false``, ``delayConditionsCheck: false``, ``checkAgain: false``,
absent lists to ``[]``. It answers ``ruleId`` (a UUID string).
``workflow/list`` takes no fields (an ``owner``, when sent, must be a user)
and answers ``workflows: [{id, name}]``, the non-deleted workflows by id.

Running a rule or a workflow has no route: see
`salesmanago_emulator.control.rules` and
[`RulesArea`][salesmanago_emulator.state.rules.RulesArea].
"""

from __future__ import annotations

from typing import Any, Final

from ._base import RequestContext, RouteTable
from ._parse import Body, opt_bool, opt_int, opt_list, opt_str, req_str

__all__ = ["table", "workflows_table"]

table: Final = RouteTable("rules")
"""The rules route."""
workflows_table: Final = RouteTable("workflows")
"""The workflows route."""


def _flag(body: Body, key: str, default: bool) -> bool:
    value = opt_bool(body, key)
    return default if value is None else value


@table.route("/api/rule/insert")
def insert_rule(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Create an automation rule from its settings and open lists; answers ``ruleId`` (S14.1)."""
    rule = ctx.account.rules.insert(
        name=req_str(body, "name"),
        owner=ctx.owner,
        shared=_flag(body, "shared", False),
        active=_flag(body, "active", True),
        deleted=_flag(body, "deleted", False),
        delay_conditions_check=_flag(body, "delayConditionsCheck", False),
        delay_conditions_value=opt_int(body, "delayConditionsValue"),
        delay_conditions_period=opt_str(body, "delayConditionsPeriod"),
        max_fire_times=opt_int(body, "maxFireTimes"),
        min_fire_interval=opt_int(body, "minFireInterval"),
        check_again=_flag(body, "checkAgain", False),
        check_again_after=opt_int(body, "checkAgainAfter"),
        events=opt_list(body, "events") or (),
        conditions=opt_list(body, "conditions") or (),
        actions=opt_list(body, "actions") or (),
    )
    return {"ruleId": rule.id}


@workflows_table.route("/api/workflow/list", owner_required=False)
def list_workflows(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """The account's non-deleted workflows: ``workflows: [{id, name}]`` by id (S14.2)."""
    return {
        "workflows": [
            {"id": workflow.id, "name": workflow.name} for workflow in ctx.account.rules.workflows()
        ]
    }
