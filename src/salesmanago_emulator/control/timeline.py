"""Control operation for the card's timeline (seed 003 §14): ``contacts/timeline``.

The platform shows a card's system events in its UI only, so tests read them here
(or with ``account.timeline.of(key)``).

- ``contacts/timeline`` (read-only): ``contact`` (e-mail or id; a soft-deleted card
  answers until the purge), ``kinds`` (a list, or a comma-separated string; default
  every kind). Answers ``timeline``: ``[{kind, date, details}]`` oldest first, the
  card's creation first. A missing contact is 404, an unknown kind 400.

It acts on the account named by ``clientId`` (default: the first).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ..snapshot.timeline import dump_entry
from ._base import ControlArgs, ControlledEmulator, ControlOperation

__all__ = ["OPERATIONS"]


def _timeline(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """A card's system events (``contact``; ``kinds`` to choose), oldest first."""
    account = args.account(emulator)
    entries = account.timeline.of(args.text("contact"), args.names("kinds"))
    return {"timeline": [dump_entry(entry) for entry in entries]}


OPERATIONS: Final[tuple[ControlOperation, ...]] = (
    ControlOperation(
        name="contacts/timeline",
        handler=_timeline,
        read_only=True,
        keys=("clientId", "contact", "kinds"),
    ),
)
"""This module's operations."""
