"""Automation rules and workflows: create a rule, list workflows (protocol §8.5; S14).

Running a rule or a workflow for chosen contacts has no public API (the
platform's Contact Manager only, S14.1, S14.2): the SDK does not offer it; the
emulator does, in Python and under ``/_emulator/``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from .. import _converter
from .._calls import Call, Endpoint, Envelope
from .._options import RequestOptions, Unpack
from .._validation import check_model
from ..errors import ValidationError
from ..models.rules import DelayPeriod, RuleDefinition, Workflow
from ._base import AsyncAPIResource, SyncAPIResource

__all__ = ["AsyncRules", "AsyncWorkflows", "Rules", "Workflows"]

# A repeat creates a second rule.
INSERT_RULE: Final = Endpoint("/api/rule/insert", idempotent=False)
# The protocol lists no request fields: no owner is sent.
LIST_WORKFLOWS: Final = Endpoint("/api/workflow/list", idempotent=True, send_owner=False)


def _period(value: DelayPeriod | str) -> str:
    try:
        return DelayPeriod(value).value
    except ValueError:
        known = ", ".join(m.value for m in DelayPeriod)
        raise ValidationError(
            "delayConditionsPeriod", f"must be one of {known} (got {value!r})"
        ) from None


def _count(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, f"must be an integer (got {type(value).__name__})")
    if value < 0:
        raise ValidationError(field, f"must be 0 or more (got {value})")
    return value


def _put_count(body: dict[str, Any], field: str, value: object) -> None:
    if value is not None:
        body[field] = _count(value, field)


def _objects(items: object, field: str) -> list[dict[str, Any]]:
    if isinstance(items, (str, bytes, Mapping)) or not isinstance(items, Sequence):
        raise ValidationError(field, "must be a list of JSON objects")
    out: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        if not isinstance(item, Mapping) or not all(isinstance(k, str) for k in item):
            raise ValidationError(f"{field}[{index}]", "must be a JSON object (str keys)")
        out.append(dict(item))
    return out


def rule_body(rule: RuleDefinition) -> dict[str, Any]:
    """The ``rule/insert`` fields of ``rule``, checked: a non-empty name, counts of 0
    or more, a known period. Flags and lists are always sent (as the live platform
    took them); a count left unset is not sent."""
    check_model(rule, RuleDefinition, "rule")
    if not isinstance(rule.name, str) or not rule.name.strip():
        raise ValidationError("name", "must be a non-empty name")
    body: dict[str, Any] = {
        "name": rule.name,
        "shared": bool(rule.shared),
        "active": bool(rule.active),
        "deleted": bool(rule.deleted),
        "delayConditionsCheck": bool(rule.delay_conditions_check),
    }
    _put_count(body, "delayConditionsValue", rule.delay_conditions_value)
    if rule.delay_conditions_period is not None:
        body["delayConditionsPeriod"] = _period(rule.delay_conditions_period)
    _put_count(body, "maxFireTimes", rule.max_fire_times)
    _put_count(body, "minFireInterval", rule.min_fire_interval)
    body["checkAgain"] = bool(rule.check_again)
    _put_count(body, "checkAgainAfter", rule.check_again_after)
    body["events"] = _objects(rule.events, "events")
    body["conditions"] = _objects(rule.conditions, "conditions")
    body["actions"] = _objects(rule.actions, "actions")
    return body


def _rule_id(envelope: Envelope) -> str:
    value = envelope.get("ruleId")
    if isinstance(value, bool) or not isinstance(value, (str, int)) or value == "":
        raise TypeError("ruleId: expected a non-empty string")
    return str(value)


def insert_call(rule: RuleDefinition) -> Call[str]:
    """Create an automation rule; its result is the new rule's id."""
    return Call(INSERT_RULE, rule_body(rule), _rule_id)


def _workflows(envelope: Envelope) -> list[Workflow]:
    return _converter.structure(envelope.get("workflows") or [], list[Workflow])


def list_call() -> Call[list[Workflow]]:
    """The account's non-deleted workflows."""
    return Call(LIST_WORKFLOWS, {}, _workflows)


class Rules(SyncAPIResource):
    """Automation rules (protocol §8.5; semantics S14.1)."""

    def insert(self, rule: RuleDefinition, **options: Unpack[RequestOptions]) -> str:
        """Create ``rule`` and return its id (``ruleId``). The name must not be blank,
        counts must be 0 or more and the period a
        [`DelayPeriod`][salesmanago.models.rules.DelayPeriod] (ValidationError before sending). Not
        retried once it may have landed."""
        return self._with(options)._execute(insert_call(rule))


class AsyncRules(AsyncAPIResource):
    """Automation rules (protocol §8.5; semantics S14.1)."""

    async def insert(self, rule: RuleDefinition, **options: Unpack[RequestOptions]) -> str:
        """Create ``rule`` and return its id (``ruleId``). The name must not be blank,
        counts must be 0 or more and the period a
        [`DelayPeriod`][salesmanago.models.rules.DelayPeriod] (ValidationError before sending). Not
        retried once it may have landed."""
        return await self._with(options)._execute(insert_call(rule))


class Workflows(SyncAPIResource):
    """Workflows 2.0 (protocol §8.5; semantics S14.2)."""

    def list(self, **options: Unpack[RequestOptions]) -> list[Workflow]:
        """The account's non-deleted workflows, each with its (numeric) id and name."""
        return self._with(options)._execute(list_call())


class AsyncWorkflows(AsyncAPIResource):
    """Workflows 2.0 (protocol §8.5; semantics S14.2)."""

    async def list(self, **options: Unpack[RequestOptions]) -> list[Workflow]:
        """The account's non-deleted workflows, each with its (numeric) id and name."""
        return await self._with(options)._execute(list_call())
