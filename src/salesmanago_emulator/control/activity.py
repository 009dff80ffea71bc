"""Control operations for visits (S16.1, S2.8): ``visits`` and ``visits/record``.

The platform records visits from its tracking script, not through the API, so
tests and demos add them here (or with ``account.activity.record(...)``).

- ``visits/record``: ``contact`` (e-mail or id; absent or ``null``: an
  anonymous visitor), ``url`` (required), ``date`` (ISO-8601 with a zone;
  default: now on the emulator's clock), ``duration`` (seconds, default 0),
  ``source`` (default ``DIRECT``), ``sourceDetail``, ``points`` (default 0,
  added to the contact's scoring), ``ip``. Answers ``recorded`` and ``visit``;
  a contact whose monitoring is stopped gets nothing: ``recorded: false``,
  ``visit: null`` (S2.8). A missing contact is 404, a bad field 400.
- ``visits`` (read-only): the shown visits of ``contact``, or with no
  ``contact`` the anonymous ones, oldest first.

Both act on the account named by ``clientId`` (default: the first).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ..snapshot.activity import dump_visit
from ..state.activity import DEFAULT_SOURCE
from ._base import ControlArgs, ControlledEmulator, ControlOperation

__all__ = ["OPERATIONS"]


def _visits_record(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Record a visit: contact (none: anonymous), url, date, duration, source, points, ..."""
    account = args.account(emulator)
    visit = account.activity.record(
        args.text("contact", None),
        url=args.text("url"),
        at=args.instant("date") if args.data.get("date") is not None else None,
        duration_seconds=args.integer("duration", 0),
        source=args.text("source", DEFAULT_SOURCE),
        source_detail=args.text("sourceDetail", None),
        points=args.integer("points", 0),
        ip=args.text("ip", None),
    )
    return {
        "recorded": visit is not None,
        "visit": dump_visit(visit) if visit is not None else None,
    }


def _visits(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """The visits of ``contact`` (e-mail or id), or the anonymous ones, oldest first."""
    account = args.account(emulator)
    key = args.text("contact", None)
    if key is None:
        visits = list(account.activity.anonymous)
    else:
        visits = account.activity.of(account.find_live(key))
    return {"visits": [dump_visit(visit) for visit in visits]}


OPERATIONS: Final[tuple[ControlOperation, ...]] = (
    ControlOperation(
        name="visits/record",
        handler=_visits_record,
        keys=(
            "clientId",
            "contact",
            "url",
            "date",
            "duration",
            "source",
            "sourceDetail",
            "points",
            "ip",
        ),
    ),
    ControlOperation(name="visits", handler=_visits, read_only=True, keys=("clientId", "contact")),
)
"""This module's operations."""
