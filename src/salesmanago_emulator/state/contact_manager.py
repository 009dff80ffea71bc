"""The Contact Manager (S15): select cards, recount them, and run bulk actions now or later.

The platform offers it in its UI only (seed 004), so the emulator offers it in Python
(``account.contact_manager``) and through the control API (``/_emulator/contact-manager/*``),
never as an SDK call::

    manager = account.contact_manager
    selection = Selection(include=(Tags(tags=("NEWSLETTER",)),), exclude=(Invalid(),))
    manager.recount(selection)                        # how many live cards it would touch
    run = manager.run(selection, [EmailOptOut(), AddTags(tags=("BULK_OPT_OUT",))])
    run.report("jan@example.com").outcomes            # applied, or skipped with the reason
    manager.schedule(selection, [SetScoring(points=0)], at=later)   # runs when the clock passes

A run takes one or more actions (none is refused: none is selected by default, S15.3). The
actions run one after another, each over every selected card; each card gets one outcome per
action. The run acts as a user of the account (default: the first); a card of which that user
is only a read-only owner is skipped by every action (S1.6). Saved segments are named
selections a selection can start from.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, Final

import attrs

from ..errors import (
    RULE_AWARE,
    RULE_CM_NESTED_SEGMENT,
    RULE_CM_NO_ACTION,
    RULE_CM_NOT_CRITERION,
    RULE_CM_NOT_LATER,
    RULE_CM_SCHEDULED_RUN,
    RULE_CM_SEGMENT_TAKEN,
    RULE_NAMES_NO,
    TEXT_CM_SEGMENT_IN_USE,
    Conflict,
    EmulatorError,
    InvalidField,
)
from ._card import ContactRecord
from ._contact_manager_actions import (
    ACTIONS,
    SKIP_CONTACT_DELETED,
    SKIP_READ_ONLY_OWNER,
    SKIP_REFUSED,
    Action,
    ActionContext,
    AddNote,
    AddOwner,
    AddTags,
    AddTagsFromDetails,
    AddToFunnelStage,
    ChangeState,
    DeleteContacts,
    DetectGender,
    EmailOptOut,
    GenerateCoupon,
    MarkInvalid,
    MonitoringUrls,
    PhoneStatusChange,
    RemoveDetail,
    RemoveFromFunnel,
    RemoveOwner,
    RemoveTags,
    RestorePreviousStatus,
    RunRule,
    RunWorkflow,
    SetDetail,
    SetScoring,
)
from ._contact_manager_selection import (
    CRITERIA,
    Company,
    Consent,
    CreatedBetween,
    Criterion,
    DetailContains,
    DetailDateRange,
    DetailEquals,
    DetailNumberRange,
    EmailStatus,
    InFunnel,
    Invalid,
    ModifiedBetween,
    Owner,
    PhoneStatus,
    ScoringRange,
    Selection,
    SelectionContext,
    State,
    Tags,
    check,
    select,
)
from ._core import AccountArea

if TYPE_CHECKING:
    from ._core import AccountCore
    from .contacts import ContactsArea
    from .coupons import CouponsArea
    from .funnels import FunnelsArea
    from .notes import NotesArea
    from .optin import OptInArea
    from .rules import RulesArea
    from .scoring import ScoringArea
    from .tags import TagsArea
    from .users import UsersArea

__all__ = [
    "ACTIONS",
    "CRITERIA",
    "RUN_STATUSES",
    "SKIP_REFUSED",
    "Action",
    "AddNote",
    "AddOwner",
    "AddTags",
    "AddTagsFromDetails",
    "AddToFunnelStage",
    "ChangeState",
    "Company",
    "Consent",
    "ContactManagerArea",
    "ContactReport",
    "CreatedBetween",
    "Criterion",
    "DeleteContacts",
    "DetailContains",
    "DetailDateRange",
    "DetailEquals",
    "DetailNumberRange",
    "DetectGender",
    "EmailOptOut",
    "EmailStatus",
    "GenerateCoupon",
    "InFunnel",
    "Invalid",
    "MarkInvalid",
    "ModifiedBetween",
    "MonitoringUrls",
    "Outcome",
    "Owner",
    "PhoneStatus",
    "PhoneStatusChange",
    "RemoveDetail",
    "RemoveFromFunnel",
    "RemoveOwner",
    "RemoveTags",
    "RestorePreviousStatus",
    "Run",
    "RunRule",
    "RunWorkflow",
    "ScoringRange",
    "Segment",
    "Selection",
    "SetDetail",
    "SetScoring",
    "State",
    "Tags",
]

RUN_STATUSES: Final = ("SCHEDULED", "DONE", "CANCELLED", "FAILED")
"""A run's status: waiting for its instant, executed, cancelled before it, or refused when
its instant came (what it names was gone by then: a funnel, a rule, a workflow ...)."""


@attrs.frozen(kw_only=True)
class Segment:
    """A saved selection (S15.1): its name (unique, compared case folded) and criteria."""

    name: str
    selection: Selection
    created_on: datetime


@attrs.frozen
class Outcome:
    """What one action did to one card: applied, or skipped with the ``reason``."""

    action: str
    """The action's ``kind``."""
    applied: bool
    reason: str | None = None
    """``None`` when applied, else a ``SKIP_*`` reason (or a rule's skip reason)."""


@attrs.frozen
class ContactReport:
    """A run's report on one selected card: one outcome per action, in the run's order."""

    contact_id: str
    email: str
    outcomes: tuple[Outcome, ...]


@attrs.frozen(kw_only=True)
class Run:
    """One Contact Manager run: what it selects and does, when, and its report."""

    id: int
    """1, 2, ... per account."""
    selection: Selection
    actions: tuple[Action, ...]
    user: str
    """The user it acts as (normalised)."""
    created_on: datetime
    scheduled_for: datetime | None = None
    """The instant a scheduled run waits for; ``None``: run at once."""
    status: str = "SCHEDULED"
    """One of `RUN_STATUSES`."""
    executed_on: datetime | None = None
    reports: tuple[ContactReport, ...] = ()
    """One report per selected card, in selection order (empty until executed)."""
    exports: tuple[str, ...] = ()
    """The CSV files of its monitoring-URL actions (S15.4), one per such action."""
    error: str | None = None
    """Why a scheduled run FAILED when its instant came (nothing was changed then)."""

    def report(self, key: str) -> ContactReport:
        """The report on the card with e-mail or id ``key`` (as it was when run); KeyError."""
        wanted = key.strip().lower()
        for item in self.reports:
            if item.contact_id == wanted or item.email == wanted:
                return item
        raise KeyError(f"run {self.id} selected no contact {key}")

    @property
    def selected(self) -> int:
        """How many cards it touched (0 until executed)."""
        return len(self.reports)


class ContactManagerArea(AccountArea):
    """Segments, recounts and runs of the Contact Manager (S15)."""

    key: ClassVar[str] = "contact_manager"

    def __init__(
        self,
        account: AccountCore,
        *,
        users: UsersArea,
        optin: OptInArea,
        tags: TagsArea,
        contacts: ContactsArea,
        scoring: ScoringArea,
        funnels: FunnelsArea,
        coupons: CouponsArea,
        rules: RulesArea,
        notes: NotesArea,
    ) -> None:
        """No segments and no runs yet; the areas are those the actions call."""
        super().__init__(account)
        self._users = users
        self._areas = (optin, tags, contacts, scoring, users, funnels, coupons, rules, notes)
        self._funnels = funnels
        self._segments: dict[str, Segment] = {}
        self._runs: list[Run] = []
        self._next_run = 1
        account.add_due_work(self._run_due)

    # --- selection and segments ----------------------------------------------------

    def _context(self) -> SelectionContext:
        return SelectionContext(self.account, self._funnels, self._users)

    def _criteria(self, selection: Selection) -> tuple[list[Criterion], list[Criterion]]:
        """The selection's criteria with its segment's, checked against the account."""
        if not isinstance(selection, Selection):
            raise InvalidField("selection", RULE_CM_NOT_CRITERION.format(what="a Selection"))
        include, exclude = list(selection.include), list(selection.exclude)
        context = self._context()
        check(context, include, "include")
        check(context, exclude, "exclude")
        if selection.segment is not None:
            saved = self.segment(selection.segment).selection
            include += saved.include
            exclude += saved.exclude
        return include, exclude

    def select(self, selection: Selection) -> list[ContactRecord]:
        """The live cards ``selection`` picks (S15.1), oldest first."""
        self.account.tick()
        return select(self._context(), *self._criteria(selection))

    def recount(self, selection: Selection) -> int:
        """How many live cards a run with ``selection`` would touch (seed 004 §2)."""
        return len(self.select(selection))

    def save_segment(self, name: str, selection: Selection) -> Segment:
        """Save ``selection`` as segment ``name``; a name in use (any case) is refused."""
        now = self.account.tick()
        if not isinstance(name, str) or not name.strip():
            raise InvalidField("name", RULE_CM_NOT_CRITERION.format(what="a name"))
        if name.casefold() in self._segments:
            raise InvalidField("name", RULE_CM_SEGMENT_TAKEN.format(value=name))
        self._criteria(selection)
        if selection.segment is not None:
            raise InvalidField("selection.segment", RULE_CM_NESTED_SEGMENT)
        segment = Segment(name=name, selection=selection, created_on=now)
        self._segments[name.casefold()] = segment
        return segment

    def segment(self, name: str) -> Segment:
        """The saved segment ``name`` (any case); InvalidField ``segment`` otherwise."""
        found = self._segments.get(name.casefold()) if isinstance(name, str) else None
        if found is None:
            raise InvalidField("segment", RULE_NAMES_NO.format(what="segment", value=name))
        return found

    def segments(self) -> list[Segment]:
        """The saved segments, in the order they were saved."""
        self.account.tick()
        return list(self._segments.values())

    def delete_segment(self, name: str) -> Segment:
        """Forget segment ``name``; one a scheduled run selects with is refused (Conflict)."""
        self.account.tick()
        segment = self.segment(name)
        for run in self._runs:
            used = run.selection.segment
            same = used is not None and used.casefold() == name.casefold()
            if run.status == "SCHEDULED" and same:
                raise Conflict(TEXT_CM_SEGMENT_IN_USE.format(name=segment.name, run_id=run.id))
        del self._segments[segment.name.casefold()]
        return segment

    # --- runs ----------------------------------------------------------------------

    def _action_context(self, user: str) -> ActionContext:
        optin, tags, contacts, scoring, users, funnels, coupons, rules, notes = self._areas
        return ActionContext(
            optin=optin,
            tags=tags,
            contacts=contacts,
            scoring=scoring,
            users=users,
            funnels=funnels,
            coupons=coupons,
            rules=rules,
            notes=notes,
            user=user,
            name_order=self.account.name_order,
            select=lambda selection: select(self._context(), *self._criteria(selection)),
        )

    def _checked(
        self, selection: Selection, actions: Iterable[Action], user: str | None
    ) -> tuple[tuple[Action, ...], str]:
        """The actions and user of a run, every refusal raised before anything changes."""
        items = tuple(actions)
        if not items:
            raise InvalidField("actions", RULE_CM_NO_ACTION)
        runner = self._users[0] if user is None else self._users.named(user, "user")
        self._criteria(selection)
        context = self._action_context(runner)
        for index, action in enumerate(items):
            if not isinstance(action, Action):
                raise InvalidField(
                    f"actions[{index}]", RULE_CM_NOT_CRITERION.format(what="an action")
                )
            try:
                action.prepare(context)
            except InvalidField as err:
                raise err.under(f"actions[{index}].") from None
        return items, runner

    def _new_run(
        self,
        selection: Selection,
        actions: Iterable[Action],
        user: str | None,
        at: datetime | None,
    ) -> Run:
        now = self.account.tick()
        items, runner = self._checked(selection, actions, user)
        run = Run(
            id=self._next_run,
            selection=selection,
            actions=items,
            user=runner,
            created_on=now,
            scheduled_for=at,
        )
        self._next_run += 1
        self._runs.append(run)
        return run

    def run(
        self, selection: Selection, actions: Iterable[Action], *, user: str | None = None
    ) -> Run:
        """Run ``actions`` on the cards ``selection`` picks, now (S15.2, S15.3).

        Everything is checked first (no action: InvalidField ``actions``; a bad
        action: its field under ``actions[i].``; ``user`` not a user: InvalidField
        ``user``), so a refused run changes nothing. Returns the executed run.
        """
        run = self._new_run(selection, actions, user, None)
        return self._execute(run, self.account.clock.now())

    def schedule(
        self,
        selection: Selection,
        actions: Iterable[Action],
        at: datetime,
        *,
        user: str | None = None,
    ) -> Run:
        """Run ``actions`` once the emulator's clock reaches ``at`` (aware, later than now).

        Checked now as [`run`][salesmanago_emulator.state.contact_manager.ContactManagerArea.run]
        checks; the cards are selected when it executes. Returns the scheduled run.
        """
        if not isinstance(at, datetime) or at.tzinfo is None or at.utcoffset() is None:
            raise InvalidField("at", RULE_AWARE)
        now = self.account.tick()
        if at <= now:
            raise InvalidField("at", RULE_CM_NOT_LATER.format(now=now.isoformat()))
        run = self._new_run(selection, actions, user, at)
        self.account.schedule_due(at)
        return run

    def cancel(self, run_id: int) -> Run:
        """Cancel a scheduled run before its instant; InvalidField ``runId`` otherwise."""
        self.account.tick()
        for index, run in enumerate(self._runs):
            if run.id == run_id and run.status == "SCHEDULED":
                self._runs[index] = attrs.evolve(run, status="CANCELLED")
                return self._runs[index]
        raise InvalidField("runId", RULE_CM_SCHEDULED_RUN.format(value=run_id))

    def runs(self) -> list[Run]:
        """Every run (scheduled, done, cancelled), in the order they were made."""
        self.account.tick()
        return list(self._runs)

    def get_run(self, run_id: int) -> Run:
        """The run ``run_id``; InvalidField ``runId`` if there is none."""
        self.account.tick()
        for run in self._runs:
            if run.id == run_id:
                return run
        raise InvalidField("runId", RULE_NAMES_NO.format(what="run", value=run_id))

    def _run_due(self, now: datetime) -> datetime | None:
        """Due work: execute every scheduled run whose instant has come, earliest first."""
        due = sorted(
            (r for r in self._runs if r.status == "SCHEDULED" and r.scheduled_for is not None),
            key=lambda r: (r.scheduled_for, r.id),
        )
        for run in due:
            assert run.scheduled_for is not None
            if run.scheduled_for <= now:
                try:
                    self._execute(run, now)
                except EmulatorError as err:
                    failed = attrs.evolve(run, status="FAILED", executed_on=now, error=str(err))
                    self._runs[self._runs.index(run)] = failed
        return min(
            (r.scheduled_for for r in self._runs if r.status == "SCHEDULED" and r.scheduled_for),
            default=None,
        )

    def _execute(self, run: Run, now: datetime) -> Run:
        """Select and apply; every check first (a scheduled run's account may have changed)."""
        context = self._action_context(run.user)
        records = context.select(run.selection)
        for action in run.actions:
            action.prepare(context)
        outcomes: list[list[Outcome]] = [[] for _ in records]
        by_id = self.account.store.by_id
        user = run.user
        blocked = [r.owner_level(user) == "READ_ONLY" for r in records]
        for action in run.actions:
            applied = Outcome(action.kind, True)
            skips: dict[str, Outcome] = {}
            read_only = Outcome(action.kind, False, SKIP_READ_ONLY_OWNER)
            gone = Outcome(action.kind, False, SKIP_CONTACT_DELETED)
            positions = []
            for index, record in enumerate(records):
                if blocked[index]:
                    outcomes[index].append(read_only)
                elif record.deleted or by_id.get(record.id) is not record:
                    outcomes[index].append(gone)
                else:
                    positions.append(index)
            results = action.apply_all(context, [records[i] for i in positions])
            for index, result in zip(positions, results, strict=True):
                if result is None:
                    outcomes[index].append(applied)
                else:
                    skip = skips.get(result)
                    if skip is None:
                        skip = skips[result] = Outcome(action.kind, False, result)
                    outcomes[index].append(skip)
        reports = tuple(
            ContactReport(r.id, r.email, tuple(o)) for r, o in zip(records, outcomes, strict=True)
        )
        done = attrs.evolve(
            run,
            status="DONE",
            executed_on=now,
            reports=reports,
            exports=tuple(context.exports),
        )
        self._runs[self._runs.index(run)] = done
        return done

    # --- reset and state import --------------------------------------------------------

    def reset(self) -> None:
        """Forget every segment and run."""
        self._segments.clear()
        self._runs.clear()
        self._next_run = 1

    @property
    def next_run_id(self) -> int:
        """The id the next run gets."""
        return self._next_run

    def restore_saved(
        self, segments: Sequence[Segment], runs: Sequence[Run], next_run: int
    ) -> None:
        """Put back segments and runs as a state export saved them (nothing is checked here);
        scheduled runs wait for their instants again."""
        self._segments = {s.name.casefold(): s for s in segments}
        self._runs = list(runs)
        self._next_run = next_run
        for run in runs:
            if run.status == "SCHEDULED" and run.scheduled_for is not None:
                self.account.schedule_due(run.scheduled_for)
