"""Automation rule and workflow models (protocol §8.5; semantics S14).

The protocol names a rule's settings but gives no schema for its ``events``,
``conditions`` and ``actions``: they are open JSON objects, passed as they are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any

import attrs

__all__ = ["DelayPeriod", "RuleDefinition", "Workflow"]


class DelayPeriod(str, Enum):
    """The unit of a rule's ``delayConditionsValue`` (``delayConditionsPeriod``).

    Only ``DAY`` was seen on the live platform (protocol §8.5); the other units
    are the emulator's and the SDK's choice (grade D).
    """

    MINUTE = "MINUTE"
    HOUR = "HOUR"
    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"


@attrs.frozen(kw_only=True)
class RuleDefinition:
    """An automation rule to create with ``rules.insert`` (protocol §8.5).

    Attributes:
        name: the rule's name (non-empty).
        shared: visible to the account's other users.
        active: fires on its events; a manual run does not need it (S14.1).
        deleted: created already deleted (sent as the protocol lists it).
        delay_conditions_check: check the conditions only after a delay of
            ``delay_conditions_value`` ``delay_conditions_period``\\ s.
        delay_conditions_value: the delay's length (0 or more).
        delay_conditions_period: the delay's unit.
        max_fire_times: how often the rule may run for one contact (0 or more).
        min_fire_interval: the least time between two runs for one contact (0 or more).
        check_again: check the conditions again after ``check_again_after``.
        check_again_after: when to check again (0 or more).
        events: the initiating events, open JSON objects.
        conditions: the conditions, open JSON objects.
        actions: the actions, open JSON objects.
    """

    name: str
    shared: bool = False
    active: bool = True
    deleted: bool = False
    delay_conditions_check: bool = False
    delay_conditions_value: int | None = None
    delay_conditions_period: DelayPeriod | str | None = None
    max_fire_times: int | None = None
    min_fire_interval: int | None = None
    check_again: bool = False
    check_again_after: int | None = None
    events: Sequence[Mapping[str, Any]] = ()
    conditions: Sequence[Mapping[str, Any]] = ()
    actions: Sequence[Mapping[str, Any]] = ()


@attrs.frozen(kw_only=True)
class Workflow:
    """A (non-deleted) Workflow 2.0 of the account, as ``workflow/list`` answers it."""

    id: int
    name: str
