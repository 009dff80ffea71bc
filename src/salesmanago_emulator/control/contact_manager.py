"""Control operations of the Contact Manager (S15): ``contact-manager/recount``, ``run``,
``schedule``, ``cancel``, ``runs``, ``segments``, ``segments/create``, ``segments/delete`` and
``settings``.

The platform offers its Contact Manager in its UI only (seed 004), so tests and demos
drive it here (or with ``account.contact_manager``). A selection and the actions are JSON
objects in the snapshot's format (`salesmanago_emulator.snapshot.contact_manager`)::

    curl -s localhost:8765/_emulator/contact-manager/run -d '{
      "selection": {"include": [{"type": "tags", "tags": ["NEWSLETTER"]}],
                    "exclude": [{"type": "invalid"}]},
      "actions": [{"type": "emailOptOut"}, {"type": "addTags", "tags": ["BULK"]}]}'

- ``recount``: ``selection`` -> ``count``, the live cards a run would touch.
- ``run``: ``selection``, ``actions`` (at least one), ``user`` (default: the first) ->
  ``run`` with its ``reports`` (one per card: an outcome per action, applied or skipped
  with the reason).
- ``schedule``: the same and ``at`` (an ISO-8601 instant with an offset, later than the
  clock) -> the scheduled ``run``; it executes once the clock reaches ``at``.
- ``cancel``: ``runId`` of a scheduled run.
- ``runs`` (read-only): every run without its reports, or with ``runId`` that run whole.
- ``segments`` (read-only); ``segments/create``: ``name``, ``selection``;
  ``segments/delete``: ``name``.
- ``settings``: ``nameOrder`` (1: first name first, 2: last name first; S15.5) -> it.

A bad key or value anywhere in a selection or an action is a 400 naming its path
(``Field 'actions[1].tags[0]' ...``). All act on the account named by ``clientId``
(default: the first).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar

from ..errors import RULE_REQUIRED
from ..snapshot import contact_manager as saved
from ..snapshot._reader import SnapshotError, Value
from ..state.contact_manager import Action, Selection
from ._base import ControlArgs, ControlError, ControlledEmulator, ControlOperation

__all__ = ["OPERATIONS"]

_T = TypeVar("_T")


def _read(args: ControlArgs, key: str, read: Callable[[Value], _T]) -> _T:
    """``read`` of the JSON value of ``key`` (required); its refusals name the path."""
    value = args.data.get(key)
    if value is None:
        raise ControlError.field(key, RULE_REQUIRED)
    try:
        return read(Value(value, key))
    except SnapshotError as err:
        raise ControlError.field(err.path, err.problem) from None


def _selection(args: ControlArgs) -> Selection:
    return _read(args, "selection", saved.read_selection)


def _actions(args: ControlArgs) -> list[Action]:
    return _read(args, "actions", saved.read_actions)


def _recount(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """How many live cards a selection picks (S15.1): selection -> count."""
    manager = args.account(emulator).contact_manager
    return {"count": manager.recount(_selection(args))}


def _run(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Run actions on a selection now (S15.2, S15.3): selection, actions, user -> run."""
    manager = args.account(emulator).contact_manager
    run = manager.run(_selection(args), _actions(args), user=args.text("user", None))
    return {"run": saved.dump_run(run)}


def _schedule(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Schedule actions on a selection (S15.2): selection, actions, at, user -> run."""
    manager = args.account(emulator).contact_manager
    selection, actions = _selection(args), _actions(args)
    run = manager.schedule(selection, actions, args.instant("at"), user=args.text("user", None))
    return {"run": saved.dump_run(run)}


def _cancel(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Cancel a scheduled run before its instant: runId -> run."""
    run = args.account(emulator).contact_manager.cancel(args.integer("runId"))
    return {"run": saved.dump_run(run)}


def _runs(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """The runs without their reports, or one run whole (runId)."""
    manager = args.account(emulator).contact_manager
    run_id = args.integer("runId", None)
    if run_id is not None:
        return {"run": saved.dump_run(manager.get_run(run_id))}
    return {
        "runs": [
            {**saved.dump_run(run, reports=False), "selected": run.selected}
            for run in manager.runs()
        ]
    }


def _segments(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """The saved segments, in the order they were saved."""
    segments = args.account(emulator).contact_manager.segments()
    return {"segments": [saved.dump_segment(s) for s in segments]}


def _segments_create(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Save a segment: name, selection (S15.1)."""
    manager = args.account(emulator).contact_manager
    segment = manager.save_segment(args.text("name"), _selection(args))
    return {"segment": {"name": segment.name, "selection": saved.dump_selection(segment.selection)}}


def _segments_delete(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Delete a saved segment: name."""
    segment = args.account(emulator).contact_manager.delete_segment(args.text("name"))
    return {"segment": {"name": segment.name, "selection": saved.dump_selection(segment.selection)}}


def _settings(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Set the account's name order for gender detection (S15.5): nameOrder 1 or 2."""
    account = args.account(emulator)
    account.name_order = args.integer("nameOrder")
    return {"nameOrder": account.name_order}


_PREFIX: Final = "contact-manager/"

OPERATIONS: Final[tuple[ControlOperation, ...]] = (
    ControlOperation(
        name=_PREFIX + "recount", handler=_recount, read_only=True, keys=("clientId", "selection")
    ),
    ControlOperation(
        name=_PREFIX + "run", handler=_run, keys=("clientId", "selection", "actions", "user")
    ),
    ControlOperation(
        name=_PREFIX + "schedule",
        handler=_schedule,
        keys=("clientId", "selection", "actions", "at", "user"),
    ),
    ControlOperation(name=_PREFIX + "cancel", handler=_cancel, keys=("clientId", "runId")),
    ControlOperation(
        name=_PREFIX + "runs", handler=_runs, read_only=True, keys=("clientId", "runId")
    ),
    ControlOperation(
        name=_PREFIX + "segments", handler=_segments, read_only=True, keys=("clientId",)
    ),
    ControlOperation(
        name=_PREFIX + "segments/create",
        handler=_segments_create,
        keys=("clientId", "name", "selection"),
    ),
    ControlOperation(
        name=_PREFIX + "segments/delete", handler=_segments_delete, keys=("clientId", "name")
    ),
    ControlOperation(name=_PREFIX + "settings", handler=_settings, keys=("clientId", "nameOrder")),
)
"""This module's operations."""
