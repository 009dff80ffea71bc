"""Control operations on the state as data: ``state``, ``state/import``, ``area``.

- ``state`` (read-only): the whole state (accounts, contacts, areas, a frozen
  clock's instant) as ``state``, in the format of the state file.
- ``state/import``: replace the whole state with ``state`` (an export), all or
  nothing; bad data is 400 naming the path of the bad value.
- ``area`` (read-only): one area's state of the account (``area``: its key,
  e.g. ``companies``), as exported; an unknown key is 404.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ..errors import RULE_STATE_EXPORT, TEXT_UNKNOWN_AREA
from ..snapshot import dump_area
from ._base import ControlArgs, ControlError, ControlledEmulator, ControlOperation

__all__ = ["OPERATIONS"]


def _state(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Export the whole state (accounts, contacts, areas, frozen clock) as ``state``."""
    return {"state": emulator.export_state()}


def _state_import(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Replace the whole state with ``state`` (an export); all or nothing."""
    data = args.data.get("state")
    if not isinstance(data, Mapping):
        raise ControlError.field("state", RULE_STATE_EXPORT)
    emulator.import_state(data)  # SnapshotError is a ValueError: 400 naming the path
    return {"accounts": len(emulator.accounts)}


def _area(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """One area's state of the account (``area``: its key, e.g. ``companies``), as exported."""
    account = args.account(emulator)
    key = args.text("area")
    for area in account.areas:
        if area.key == key:
            return {"area": key, "state": dump_area(account, key)}
    known = ", ".join(area.key for area in account.areas) or "none"
    raise ControlError(TEXT_UNKNOWN_AREA.format(key=key, known=known), 404)


OPERATIONS: Final[tuple[ControlOperation, ...]] = (
    ControlOperation(name="state", handler=_state, read_only=True, keys=()),
    ControlOperation(name="state/import", handler=_state_import, keys=("state",)),
    ControlOperation(name="area", handler=_area, read_only=True, keys=("clientId", "area")),
)
"""This module's operations."""
