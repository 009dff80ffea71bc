"""Automation rules and workflows, and running them for chosen contacts (semantics S14).

Rules arrive through ``rule/insert`` (protocol §8.5) with their settings and
open ``events`` / ``conditions`` / ``actions`` lists, kept as sent (the
protocol gives them no schema, so the emulator never evaluates them). Each
gets a UUID string id. Workflows (Workflow 2.0) have no creating endpoint:
tests add them with
[`RulesArea.add_workflow`][salesmanago_emulator.state.rules.RulesArea.add_workflow] (numeric ids 1,
2, ... per account, never reused) and ``workflow/list`` answers the non-deleted ones.

Running a rule or a workflow for chosen contacts is a Contact Manager action
with no public API (S14.1, S14.2, S15.3), so it is offered here only:

- [`RulesArea.run_rule`][salesmanago_emulator.state.rules.RulesArea.run_rule] skips the initiating
  event; with ``check_conditions`` only the contacts in ``passing`` pass (the caller says
  which contacts meet the opaque conditions); the rule's delay is kept (each
  run's ``due_at``); runs per contact are limited by ``maxFireTimes`` and
  ``minFireInterval`` (days) (S14.1).
- [`RulesArea.run_workflow`][salesmanago_emulator.state.rules.RulesArea.run_workflow] applies no
  per-contact limit (S14.2).

Both answer a [`RunResult`][salesmanago_emulator.state.rules.RunResult]: the contacts that ran and
those skipped with a reason. Given the acting ``user``, both skip the contacts it owns
read-only (S1.6: a read-only owner may not run automation for the contact). Runs are
kept per contact: a soft delete keeps them, the contact's removal for good (permanent
delete, forget me, purge) drops them.

What fires a workflow (S14.3, S12.2): a workflow listens for the event kinds in its
``triggers`` (`TRIGGERS`). Only four kinds fire, whatever the door (Contact Manager,
API, Python): a mobile-marketing opt-out (``MOBILE_OPT_OUT``), a user becoming an
owner of the contact (``OWNER_ASSIGNED``), a contact added to a funnel stage
(``FUNNEL_STAGE_ADDED``) and a note added to the card (``NOTE_ADDED``). The other
kinds (`QUIET_TRIGGERS`: tags, details, scoring, e-mail status, invalid marking,
restoring the status, ...) are kept on the workflow but never fire. A firing respects
the workflow's own ``maxFireTimes`` / ``minFireInterval`` per contact (unlike a manual
run, S14.2) and is logged as a
[`WorkflowFiring`][salesmanago_emulator.state.rules.WorkflowFiring], read with
[`RulesArea.workflow_firings`][salesmanago_emulator.state.rules.RulesArea.workflow_firings].
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar, Final

import attrs

from ..errors import (
    RULE_INTEGER,
    RULE_JSON_FINITE,
    RULE_JSON_VALUES,
    RULE_LIST_OF_OBJECTS,
    RULE_LIST_OF_STRINGS,
    RULE_NOT_EMPTY,
    RULE_NOT_NEGATIVE,
    RULE_OBJECT,
    RULE_ONE_OF,
    RULE_STRING,
    RULE_STRING_KEYS,
    ContactNotFound,
    InvalidField,
    RuleNotFound,
    WorkflowNotFound,
)
from ._card import ContactRecord
from ._core import AccountArea, AccountCore
from .users import UsersArea

__all__ = [
    "FIRE_INTERVAL_UNIT",
    "FIRING_TRIGGERS",
    "PERIODS",
    "QUIET_TRIGGERS",
    "SKIP_CONDITIONS_NOT_MET",
    "SKIP_CONTACT_NOT_FOUND",
    "SKIP_DUPLICATE",
    "SKIP_MAX_FIRE_TIMES",
    "SKIP_MIN_FIRE_INTERVAL",
    "SKIP_READ_ONLY_OWNER",
    "TRIGGERS",
    "Rule",
    "RuleRun",
    "RulesArea",
    "RunResult",
    "Skipped",
    "Workflow",
    "WorkflowFiring",
    "WorkflowRun",
    "check_count",
    "check_name",
    "check_objects",
    "check_triggers",
]

PERIODS: Final[Mapping[str, timedelta]] = {
    "MINUTE": timedelta(minutes=1),
    "HOUR": timedelta(hours=1),
    "DAY": timedelta(days=1),
    "WEEK": timedelta(weeks=1),
    "MONTH": timedelta(days=30),
}
"""``delayConditionsPeriod`` values and their length (only ``DAY`` was seen live; a
month counts 30 days; grade D)."""
FIRE_INTERVAL_UNIT: Final = timedelta(days=1)
"""``minFireInterval`` counts days (grade D)."""

SKIP_CONTACT_NOT_FOUND: Final = "CONTACT_NOT_FOUND"
"""Skip reason: no live contact has the key (missing or soft-deleted)."""
SKIP_DUPLICATE: Final = "DUPLICATE"
"""Skip reason: the contact was named earlier in the same run."""
SKIP_CONDITIONS_NOT_MET: Final = "CONDITIONS_NOT_MET"
"""Skip reason: conditions were checked and the contact is not among those passing."""
SKIP_MAX_FIRE_TIMES: Final = "MAX_FIRE_TIMES"
"""Skip reason: the rule already ran ``maxFireTimes`` times for the contact."""
SKIP_MIN_FIRE_INTERVAL: Final = "MIN_FIRE_INTERVAL"
"""Skip reason: the rule's last run for the contact is less than ``minFireInterval`` ago."""
SKIP_READ_ONLY_OWNER: Final = "READ_ONLY_OWNER"
"""Skip reason: the acting user owns the contact read-only and may not run automation
for it (S1.6)."""

FIRING_TRIGGERS: Final = ("MOBILE_OPT_OUT", "OWNER_ASSIGNED", "FUNNEL_STAGE_ADDED", "NOTE_ADDED")
"""The event kinds that fire the workflows listening for them (S14.3, S12.2)."""
QUIET_TRIGGERS: Final = (
    "EMAIL_OPT_OUT",
    "EMAIL_OPT_IN",
    "MOBILE_OPT_IN",
    "EMAIL_INVALID",
    "EMAIL_STATUS_RESTORED",
    "TAG_ADDED",
    "TAG_REMOVED",
    "DETAIL_ADDED",
    "DETAIL_REMOVED",
    "SCORING_SET",
    "CONTACT_STATE_CHANGED",
    "OWNER_REMOVED",
    "FUNNEL_STAGE_REMOVED",
    "COUPON_GENERATED",
)
"""Event kinds a workflow may listen for that the emulator never fires: the Contact
Manager's other actions fire no workflow (S14.3), and no other door is modelled."""
TRIGGERS: Final = FIRING_TRIGGERS + QUIET_TRIGGERS
"""Every event kind a workflow may listen for."""


def _plain(value: Any, field: str) -> Any:
    """A deep copy of ``value`` as sent: a ``Decimal`` stays one (exact digits).

    The JSON encoders of the router, the control API and the state file write
    a ``Decimal`` with exactly its digits. NaN and infinities are refused.
    """
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, (float, Decimal)):
        if not (value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)):
            raise InvalidField(field, RULE_JSON_FINITE)
        return value
    if isinstance(value, Mapping):
        if not all(isinstance(k, str) for k in value):
            raise InvalidField(field, RULE_STRING_KEYS)
        return {k: _plain(v, f"{field}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, f"{field}[{i}]") for i, v in enumerate(value)]
    raise InvalidField(field, RULE_JSON_VALUES)


def check_objects(items: Iterable[Mapping[str, Any]], field: str) -> tuple[dict[str, Any], ...]:
    """An open list (``events``, ``conditions``, ``actions``) as kept: objects of JSON
    values, copied; InvalidField naming ``field[i]...`` otherwise."""
    if isinstance(items, (str, bytes, Mapping)):
        raise InvalidField(field, RULE_LIST_OF_OBJECTS)
    out = []
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise InvalidField(f"{field}[{index}]", RULE_OBJECT)
        out.append(_plain(item, f"{field}[{index}]"))
    return tuple(out)


def check_count(value: int | None, field: str) -> int | None:
    """A count of a rule or workflow (a limit, a delay): an integer of zero or more, or
    ``None``; InvalidField naming ``field`` otherwise."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidField(field, RULE_INTEGER)
    if value < 0:
        raise InvalidField(field, RULE_NOT_NEGATIVE)
    return value


def _limit_refusal(
    max_fire_times: int | None,
    min_fire_interval: int | None,
    earlier: Sequence[datetime],
    now: datetime,
) -> str | None:
    """Why per-contact limits stop a run now, given the ``earlier`` runs' starts
    (oldest first): `SKIP_MAX_FIRE_TIMES`, `SKIP_MIN_FIRE_INTERVAL` (days), or ``None``.
    ``None`` or 0 means no limit."""
    if max_fire_times and len(earlier) >= max_fire_times:
        return SKIP_MAX_FIRE_TIMES
    if earlier and now - earlier[-1] < FIRE_INTERVAL_UNIT * (min_fire_interval or 0):
        return SKIP_MIN_FIRE_INTERVAL
    return None


def check_triggers(value: Iterable[str], field: str) -> tuple[str, ...]:
    """A workflow's triggers as kept: distinct `TRIGGERS` in the order given;
    InvalidField naming ``field`` (or ``field[i]``) otherwise."""
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise InvalidField(field, RULE_LIST_OF_STRINGS)
    kept: dict[str, None] = {}
    for index, item in enumerate(value):
        if item not in TRIGGERS:
            raise InvalidField(f"{field}[{index}]", RULE_ONE_OF.format(choices=", ".join(TRIGGERS)))
        kept[item] = None
    return tuple(kept)


def check_name(value: str, field: str) -> str:
    """A rule's or workflow's name, kept as given: a string, not blank; InvalidField
    naming ``field`` otherwise."""
    if not isinstance(value, str):
        raise InvalidField(field, RULE_STRING)
    if not value.strip():
        raise InvalidField(field, RULE_NOT_EMPTY)
    return value


@attrs.frozen(kw_only=True)
class Rule:
    """An automation rule as inserted (protocol §8.5); the lists are kept as sent."""

    id: str
    """The rule's id (``ruleId``, from the account's id factory)."""
    name: str
    """Its name."""
    shared: bool
    """Visible to the account's other users."""
    active: bool
    """Fires on its events (a manual run does not need it)."""
    deleted: bool
    """Deleted rules cannot be run."""
    delay_conditions_check: bool
    """Check conditions (and act) only after the delay."""
    delay_conditions_value: int | None
    """The delay's length, in `delay_conditions_period` units."""
    delay_conditions_period: str | None
    """The delay's unit, one of `PERIODS`."""
    max_fire_times: int | None
    """Most runs per contact; ``None`` or 0: no limit."""
    min_fire_interval: int | None
    """Least days between two runs for one contact; ``None`` or 0: none."""
    check_again: bool
    """Check the conditions again later."""
    check_again_after: int | None
    """When to check again (kept, not applied)."""
    events: tuple[dict[str, Any], ...]
    """The initiating events."""
    conditions: tuple[dict[str, Any], ...]
    """The conditions."""
    actions: tuple[dict[str, Any], ...]
    """The actions."""
    created_by: str
    """The user (normalised e-mail) who inserted it."""
    created_on: datetime
    """When it was inserted."""

    @property
    def delay(self) -> timedelta:
        """The time between a run and its actions: value x period when the delayed
        check is on and both are set, else none (S14.1: delays are kept)."""
        period = self.delay_conditions_period
        if not self.delay_conditions_check or not self.delay_conditions_value or period is None:
            return timedelta(0)
        return PERIODS[period] * self.delay_conditions_value


@attrs.frozen(kw_only=True)
class Workflow:
    """A Workflow 2.0; its per-contact limits are kept but a manual run ignores them (S14.2)."""

    id: int
    """The workflow's numeric id (1, 2, ... per account)."""
    name: str
    """Its name."""
    deleted: bool
    """Deleted workflows are not listed and cannot be run."""
    max_fire_times: int | None
    """Most runs per contact on its own triggers (not applied to manual runs)."""
    min_fire_interval: int | None
    """Least days between runs on its own triggers (not applied to manual runs)."""
    created_on: datetime
    """When it was added."""
    triggers: tuple[str, ...] = ()
    """The event kinds it listens for (`TRIGGERS`); only `FIRING_TRIGGERS` fire."""


@attrs.frozen(kw_only=True)
class RuleRun:
    """One run of a rule for one contact."""

    rule_id: str
    """The rule."""
    contact_id: str
    """The contact."""
    ran_at: datetime
    """When it was started (what the limits count from)."""
    due_at: datetime
    """When its actions happen: ``ran_at`` plus the rule's delay (S14.1)."""


@attrs.frozen(kw_only=True)
class WorkflowRun:
    """One run of a workflow for one contact."""

    workflow_id: int
    """The workflow."""
    contact_id: str
    """The contact."""
    ran_at: datetime
    """When it was started."""


@attrs.frozen(kw_only=True)
class WorkflowFiring:
    """One firing of a workflow on its own trigger for one contact (S14.3, S12.2)."""

    number: int
    """Its place in the account's log (1, 2, ...; never reused)."""
    workflow_id: int
    """The workflow fired."""
    contact_id: str
    """The contact it fired for."""
    cause: str
    """The event kind that fired it, one of `FIRING_TRIGGERS`."""
    detail: str
    """What happened: the opt-out's history source (``MOBILE_OPT_OUT``), the new
    owner's e-mail (``OWNER_ASSIGNED``), ``funnel/stage`` (``FUNNEL_STAGE_ADDED``) or
    the note's id (``NOTE_ADDED``)."""
    at: datetime
    """When it fired."""


@attrs.frozen(kw_only=True)
class Skipped:
    """A contact a run left out, and why (one of the ``SKIP_*`` reasons)."""

    contact: str
    """The key as the caller gave it (e-mail or contact id)."""
    reason: str
    """One of the ``SKIP_*`` constants."""


@attrs.frozen(kw_only=True)
class RunResult:
    """What a manual run did: contacts that ran (ids, in order) and those skipped."""

    ran: tuple[str, ...]
    """The ids of the contacts the rule or workflow ran for."""
    skipped: tuple[Skipped, ...]
    """The contacts left out, in the order given."""


class RulesArea(AccountArea):
    """An account's automation rules and workflows and their manual runs (S14)."""

    key: ClassVar[str] = "rules"
    account: AccountCore

    def __init__(self, account: AccountCore, *, users: UsersArea) -> None:
        """No rules, no workflows, no runs."""
        super().__init__(account)
        self._users = users
        self._rules: dict[str, Rule] = {}
        self._workflows: dict[int, Workflow] = {}
        self._next_workflow_id = 1
        self._rule_runs: dict[str, list[RuleRun]] = {}  # contact id -> runs, oldest first
        self._workflow_runs: dict[str, list[WorkflowRun]] = {}
        self._firings: dict[int, WorkflowFiring] = {}  # by number, in firing order
        self._firings_of: dict[str, list[int]] = {}  # contact id -> numbers, oldest first
        self._next_firing = 1

    # --- rules -------------------------------------------------------------------

    def insert(
        self,
        *,
        name: str,
        owner: str,
        shared: bool = False,
        active: bool = True,
        deleted: bool = False,
        delay_conditions_check: bool = False,
        delay_conditions_value: int | None = None,
        delay_conditions_period: str | None = None,
        max_fire_times: int | None = None,
        min_fire_interval: int | None = None,
        check_again: bool = False,
        check_again_after: int | None = None,
        events: Iterable[Mapping[str, Any]] = (),
        conditions: Iterable[Mapping[str, Any]] = (),
        actions: Iterable[Mapping[str, Any]] = (),
    ) -> Rule:
        """Create a rule by user ``owner`` (``rule/insert``); returns it with its new id.

        Refusals (InvalidField naming the wire field, nothing stored): ``name``
        not a string or blank; a count (``delayConditionsValue``,
        ``maxFireTimes``, ``minFireInterval``, ``checkAgainAfter``) not an
        integer or negative; ``delayConditionsPeriod`` not one of
        `PERIODS`; a list item not an object; ``owner`` not a user.
        """
        created_by = self._users.named(owner, "owner")
        if delay_conditions_period is not None and delay_conditions_period not in PERIODS:
            raise InvalidField(
                "delayConditionsPeriod", RULE_ONE_OF.format(choices=", ".join(PERIODS))
            )
        rule = Rule(
            name=check_name(name, "name"),
            shared=bool(shared),
            active=bool(active),
            deleted=bool(deleted),
            delay_conditions_check=bool(delay_conditions_check),
            delay_conditions_value=check_count(delay_conditions_value, "delayConditionsValue"),
            delay_conditions_period=delay_conditions_period,
            max_fire_times=check_count(max_fire_times, "maxFireTimes"),
            min_fire_interval=check_count(min_fire_interval, "minFireInterval"),
            check_again=bool(check_again),
            check_again_after=check_count(check_again_after, "checkAgainAfter"),
            events=check_objects(events, "events"),
            conditions=check_objects(conditions, "conditions"),
            actions=check_objects(actions, "actions"),
            created_by=created_by,
            created_on=self.account.clock.now(),
            # last: arguments run left to right, so a refused field takes no id
            id=self.account.new_id(),
        )
        self._rules[rule.id] = rule
        return rule

    @property
    def rules(self) -> list[Rule]:
        """Every rule, deleted ones included, in insertion order."""
        return list(self._rules.values())

    def rule(self, rule_id: str) -> Rule:
        """The rule ``rule_id`` (deleted ones too); RuleNotFound if there is none."""
        rule = self._rules.get(rule_id) if isinstance(rule_id, str) else None
        if rule is None:
            raise RuleNotFound(str(rule_id))
        return rule

    # --- workflows -----------------------------------------------------------------

    def add_workflow(
        self,
        name: str,
        *,
        max_fire_times: int | None = None,
        min_fire_interval: int | None = None,
        triggers: Iterable[str] = (),
    ) -> Workflow:
        """Add a workflow (the platform's editor; no API creates one) with the next id.

        ``max_fire_times`` / ``min_fire_interval`` are its own per-contact limits:
        applied when its ``triggers`` (event kinds of `TRIGGERS`) fire it, not to
        manual runs (S14.2). InvalidField for a blank ``name``, a negative limit or
        an unknown trigger.
        """
        workflow = Workflow(
            id=self._next_workflow_id,
            name=check_name(name, "name"),
            deleted=False,
            max_fire_times=check_count(max_fire_times, "maxFireTimes"),
            min_fire_interval=check_count(min_fire_interval, "minFireInterval"),
            created_on=self.account.clock.now(),
            triggers=check_triggers(triggers, "triggers"),
        )
        self._workflows[workflow.id] = workflow
        self._next_workflow_id += 1
        return workflow

    def delete_workflow(self, workflow_id: int) -> Workflow:
        """Delete a workflow: it leaves ``workflow/list`` and cannot be run; its id
        is not reused. WorkflowNotFound if unknown or already deleted."""
        workflow = attrs.evolve(self.workflow(workflow_id), deleted=True)
        self._workflows[workflow.id] = workflow
        return workflow

    def workflow(self, workflow_id: int) -> Workflow:
        """The non-deleted workflow ``workflow_id``; WorkflowNotFound otherwise."""
        workflow = None if isinstance(workflow_id, bool) else self._workflows.get(workflow_id)
        if workflow is None or workflow.deleted:
            raise WorkflowNotFound(workflow_id)
        return workflow

    @property
    def next_workflow_id(self) -> int:
        """The id the next workflow gets (ids are never reused)."""
        return self._next_workflow_id

    def workflows(self, *, include_deleted: bool = False) -> list[Workflow]:
        """The workflows by id (what ``workflow/list`` answers: non-deleted ones)."""
        return [w for w in self._workflows.values() if include_deleted or not w.deleted]

    # --- manual runs (Contact Manager, S14.1, S14.2) --------------------------------

    def _actor(self, user: str | None) -> str | None:
        return None if user is None else self._users.named(user, "user")

    def _targets(
        self, contacts: Sequence[str], skipped: list[Skipped], actor: str | None = None
    ) -> Iterator[tuple[str, ContactRecord]]:
        """The live, distinct contacts named by ``contacts`` that ``actor`` (a user, or
        ``None``) does not own read-only, in order; each other key is added to
        ``skipped`` when reached, so skips keep the order given. The keys are all
        checked before the first is yielded (TypeError: nothing runs)."""
        if isinstance(contacts, str):
            raise TypeError("contacts must be a list of e-mails or contact ids, not one string")
        keys = list(contacts)
        for key in keys:
            if not isinstance(key, str):
                raise TypeError(f"contacts must hold strings (got {type(key).__name__})")
        return self._live_targets(keys, skipped, actor)

    def _live_targets(
        self, keys: list[str], skipped: list[Skipped], actor: str | None
    ) -> Iterator[tuple[str, ContactRecord]]:
        seen: set[str] = set()
        for key in keys:
            try:
                record = self.account.find_live(key)
            except ContactNotFound:
                skipped.append(Skipped(contact=key, reason=SKIP_CONTACT_NOT_FOUND))
                continue
            if record.id in seen:
                skipped.append(Skipped(contact=key, reason=SKIP_DUPLICATE))
                continue
            seen.add(record.id)
            if actor is not None and record.owner_level(actor) == "READ_ONLY":
                skipped.append(Skipped(contact=key, reason=SKIP_READ_ONLY_OWNER))
                continue
            yield key, record

    def _passing_ids(self, passing: Iterable[str]) -> set[str]:
        ids = set()
        for key in passing:
            record = self.account.find(key) if isinstance(key, str) else None
            if record is not None:
                ids.add(record.id)
        return ids

    def run_rule(
        self,
        rule_id: str,
        contacts: Sequence[str],
        *,
        check_conditions: bool = False,
        passing: Iterable[str] | None = None,
        user: str | None = None,
    ) -> RunResult:
        """Run rule ``rule_id`` for ``contacts`` (e-mails or ids), skipping its event (S14.1).

        A contact is skipped, in this order, when: it is missing or soft-deleted;
        it was named before in this run; the acting ``user`` (when given; a user of
        the account, else InvalidField ``user``) owns it read-only (S1.6);
        ``check_conditions`` is on and it is not
        among ``passing`` (the contacts meeting the conditions, required then);
        the rule ran ``maxFireTimes`` times for it already; its last run is less
        than ``minFireInterval`` days ago. Each run's ``due_at`` keeps the rule's
        delay. An inactive rule can be run; a deleted or unknown one is RuleNotFound.
        """
        rule = self.rule(rule_id)
        if rule.deleted:
            raise RuleNotFound(rule_id)
        if check_conditions and passing is None:
            raise ValueError("check_conditions needs passing: the contacts meeting the conditions")
        actor = self._actor(user)
        meets = self._passing_ids(passing) if check_conditions and passing is not None else None
        now = self.account.clock.now()
        skipped: list[Skipped] = []
        ran: list[str] = []
        for key, record in self._targets(contacts, skipped, actor):
            reason = self._rule_refusal(rule, record.id, meets, now)
            if reason is not None:
                skipped.append(Skipped(contact=key, reason=reason))
                continue
            run = RuleRun(
                rule_id=rule.id, contact_id=record.id, ran_at=now, due_at=now + rule.delay
            )
            self._rule_runs.setdefault(record.id, []).append(run)
            ran.append(record.id)
        return RunResult(ran=tuple(ran), skipped=tuple(skipped))

    def _rule_refusal(
        self, rule: Rule, contact_id: str, meets: set[str] | None, now: datetime
    ) -> str | None:
        if meets is not None and contact_id not in meets:
            return SKIP_CONDITIONS_NOT_MET
        runs = [r.ran_at for r in self._rule_runs.get(contact_id, ()) if r.rule_id == rule.id]
        return _limit_refusal(rule.max_fire_times, rule.min_fire_interval, runs, now)

    def run_workflow(
        self, workflow_id: int, contacts: Sequence[str], *, user: str | None = None
    ) -> RunResult:
        """Run workflow ``workflow_id`` for ``contacts`` (e-mails or ids), skipping its
        event. Its per-contact limits are NOT applied (S14.2); only missing or
        soft-deleted contacts, repeats and the contacts the acting ``user`` (when
        given) owns read-only (S1.6) are skipped. WorkflowNotFound if unknown or
        deleted; InvalidField ``user`` if it is no user."""
        workflow = self.workflow(workflow_id)
        actor = self._actor(user)
        now = self.account.clock.now()
        skipped: list[Skipped] = []
        ran: list[str] = []
        for _key, record in self._targets(contacts, skipped, actor):
            run = WorkflowRun(workflow_id=workflow.id, contact_id=record.id, ran_at=now)
            self._workflow_runs.setdefault(record.id, []).append(run)
            ran.append(record.id)
        return RunResult(ran=tuple(ran), skipped=tuple(skipped))

    def _record(self, key: str) -> ContactRecord:
        record = self.account.find(key)
        if record is None:
            raise ContactNotFound(key)
        return record

    def rule_runs(self, key: str) -> list[RuleRun]:
        """The rule runs of contact ``key`` (soft-deleted too), oldest first."""
        return list(self._rule_runs.get(self._record(key).id, ()))

    def workflow_runs(self, key: str) -> list[WorkflowRun]:
        """The workflow runs of contact ``key`` (soft-deleted too), oldest first."""
        return list(self._workflow_runs.get(self._record(key).id, ()))

    # --- what fires a workflow (S14.3, S12.2) --------------------------------------------

    def _fire(self, cause: str, record: ContactRecord, detail: str) -> None:
        """Fire every non-deleted workflow listening for ``cause`` for the live ``record``,
        within each one's own per-contact limits; log each firing."""
        if record.deleted:
            return
        listening = [w for w in self._workflows.values() if not w.deleted and cause in w.triggers]
        if not listening:
            return
        now = self.account.clock.now()
        for workflow in listening:
            if self._fire_refusal(workflow, record.id, now) is not None:
                continue
            firing = WorkflowFiring(
                number=self._next_firing,
                workflow_id=workflow.id,
                contact_id=record.id,
                cause=cause,
                detail=detail,
                at=now,
            )
            self._log_firing(firing)
            self._next_firing += 1

    def _log_firing(self, firing: WorkflowFiring) -> None:
        self._firings[firing.number] = firing
        self._firings_of.setdefault(firing.contact_id, []).append(firing.number)

    def _fire_refusal(self, workflow: Workflow, contact_id: str, now: datetime) -> str | None:
        """Why ``workflow`` may not fire for the contact now: its own limits count its
        earlier firings for the contact (manual runs neither count nor are limited)."""
        if not workflow.max_fire_times and not workflow.min_fire_interval:
            return None
        firings = (self._firings[n] for n in self._firings_of.get(contact_id, ()))
        fired = [f.at for f in firings if f.workflow_id == workflow.id]
        return _limit_refusal(workflow.max_fire_times, workflow.min_fire_interval, fired, now)

    def phone_status_changed(self, record: ContactRecord, opted_out: bool, source: str) -> None:
        """A mobile-marketing opt-out fires ``MOBILE_OPT_OUT`` (an opt-in fires nothing)."""
        if opted_out:
            self._fire("MOBILE_OPT_OUT", record, source)

    def owner_assigned(
        self, record: ContactRecord, owner: str, level: str, previous: str | None
    ) -> None:
        """A user who owned nothing of the card becoming an owner fires ``OWNER_ASSIGNED``;
        a level change of an owner (a new main owner's old one, an heir) does not."""
        if previous is None:
            self._fire("OWNER_ASSIGNED", record, owner)

    def funnel_stage_changed(
        self, record: ContactRecord, funnel: str, stage: str | None, previous: str | None
    ) -> None:
        """The card put at a stage (joining the funnel or moving in it) fires
        ``FUNNEL_STAGE_ADDED``; leaving the funnel or a stage does not."""
        if stage is not None:
            self._fire("FUNNEL_STAGE_ADDED", record, f"{funnel}/{stage}")

    def note_added(self, record: ContactRecord, note_id: str, author: str, private: bool) -> None:
        """A note added to the card fires ``NOTE_ADDED``."""
        self._fire("NOTE_ADDED", record, note_id)

    def workflow_firings(
        self,
        contact: str | None = None,
        *,
        workflow_id: int | None = None,
        cause: str | None = None,
    ) -> list[WorkflowFiring]:
        """The log of firings in firing order: all, or those of ``contact`` (e-mail or
        id, soft-deleted too; ContactNotFound if none), of ``workflow_id`` (deleted
        workflows too), of ``cause``."""
        if contact is None:
            firings = list(self._firings.values())
        else:
            firings = [self._firings[n] for n in self._firings_of.get(self._record(contact).id, ())]
        return [
            f
            for f in firings
            if (workflow_id is None or f.workflow_id == workflow_id)
            and (cause is None or f.cause == cause)
        ]

    @property
    def next_firing_number(self) -> int:
        """The number the next firing gets (numbers are never reused)."""
        return self._next_firing

    def restore_firings(self, firings: Sequence[WorkflowFiring], next_number: int) -> None:
        """Put back the firing log a state export saved (in its order) and the next
        number; a state import: nothing is checked here."""
        for firing in firings:
            self._log_firing(firing)
        self._next_firing = next_number

    # --- contact hooks, reset, state import ----------------------------------------------

    def contact_removed(self, record: ContactRecord) -> None:
        """A contact gone for good takes its runs and its firings with it."""
        self._rule_runs.pop(record.id, None)
        self._workflow_runs.pop(record.id, None)
        for number in self._firings_of.pop(record.id, ()):
            del self._firings[number]

    def reset(self) -> None:
        """No rules, no workflows (ids start at 1 again), no runs, no firings."""
        self._rules.clear()
        self._workflows.clear()
        self._next_workflow_id = 1
        self._rule_runs.clear()
        self._workflow_runs.clear()
        self._firings.clear()
        self._firings_of.clear()
        self._next_firing = 1

    def all_runs(self) -> tuple[list[RuleRun], list[WorkflowRun]]:
        """Every rule run and every workflow run, contact by contact, oldest first."""
        return (
            [run for runs in self._rule_runs.values() for run in runs],
            [run for runs in self._workflow_runs.values() for run in runs],
        )

    def restore_saved(
        self,
        rules: Sequence[Rule],
        workflows: Sequence[Workflow],
        next_workflow_id: int,
        runs: tuple[Sequence[RuleRun], Sequence[WorkflowRun]],
    ) -> None:
        """Put back what a state export saved: rules, workflows (deleted ones too), the
        next workflow id and the runs (as
        [`all_runs`][salesmanago_emulator.state.rules.RulesArea.all_runs] lists them); a state
        import: nothing is checked here."""
        self._rules = {rule.id: rule for rule in rules}
        self._workflows = {workflow.id: workflow for workflow in workflows}
        self._next_workflow_id = next_workflow_id
        for run in runs[0]:
            self._rule_runs.setdefault(run.contact_id, []).append(run)
        for wrun in runs[1]:
            self._workflow_runs.setdefault(wrun.contact_id, []).append(wrun)
