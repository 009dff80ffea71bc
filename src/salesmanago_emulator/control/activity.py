"""Control operations for visits and the card's activity (S16.1, S16.2, S2.8):
``visits``, ``visits/record``, ``visits/stats`` and ``contacts/histograms``.

The platform records visits from its tracking script, not through the API, so
tests and demos add them here (or with ``account.activity.record(...)``).

- ``visits/record``: ``contact`` (e-mail or id; absent or ``null``: an
  anonymous visitor), ``url`` (required), ``date`` (ISO-8601 with a zone;
  default: now on the emulator's clock), ``duration`` (seconds, default 0),
  ``source`` (default ``DIRECT``), ``sourceDetail``, ``points`` (default 0,
  added to the contact's scoring), ``ip``, ``device``, ``os``, ``browser`` (any
  text, stored upper case; one left out is read from ``userAgent`` when given).
  Answers ``recorded`` and ``visit``;
  a contact whose monitoring is stopped gets nothing: ``recorded: false``,
  ``visit: null`` (S2.8). A missing contact is 404, a bad field 400.
- ``visits`` (read-only): the shown visits of ``contact``, or with no
  ``contact`` the anonymous ones, oldest first.
- ``visits/stats`` (read-only): a card's visits (``contact``; ``from`` / ``to``
  to limit them) per device, operating system and browser: ``visits``,
  ``lastVisit`` and ``devices``, ``operatingSystems``, ``browsers``, each
  ``[{name, visits, percent, lastVisit}]`` most visits first (S16.1).
- ``contacts/histograms`` (read-only): a card's activity (``contact``;
  ``sources``: ``VISITS``, ``EMAIL_OPENS``, ``EXTERNAL_EVENTS``, default all;
  ``from`` / ``to``) per hour and weekday in the account's time zone:
  ``sources``, ``hourly`` (24 counts, hour 0 first), ``weekly`` (7 counts,
  Monday first), ``total`` (S16.2).

Both act on the account named by ``clientId`` (default: the first).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ..clock import utc_iso
from ..snapshot.activity import dump_visit
from ..state._stats import Share
from ..state.activity import DEFAULT_SOURCE
from ._base import ControlArgs, ControlledEmulator, ControlOperation

__all__ = ["OPERATIONS"]


def _visits_record(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Record a visit: contact (none: anonymous), url, date, duration, source, points, ..."""
    account = args.account(emulator)
    visit = account.activity.record(
        args.text("contact", None),
        url=args.text("url"),
        at=args.instant("date", None),
        duration_seconds=args.integer("duration", 0),
        source=args.text("source", DEFAULT_SOURCE),
        source_detail=args.text("sourceDetail", None),
        points=args.integer("points", 0),
        ip=args.text("ip", None),
        user_agent=args.text("userAgent", None),
        device=args.text("device", None),
        os=args.text("os", None),
        browser=args.text("browser", None),
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


def _range(args: ControlArgs) -> dict[str, Any]:
    """``from`` / ``to`` when given, as ``start`` / ``end``."""
    return {
        name: when
        for key, name in (("from", "start"), ("to", "end"))
        if (when := args.instant(key, None)) is not None
    }


def _shares(groups: tuple[Share, ...]) -> list[dict[str, Any]]:
    return [
        {
            "name": group.name,
            "visits": group.visits,
            "percent": group.percent,
            "lastVisit": utc_iso(group.last_visit),
        }
        for group in groups
    ]


def _visits_stats(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """A card's visits per device, operating system and browser (``contact``, ``from``, ``to``)."""
    account = args.account(emulator)
    stats = account.activity.visit_stats(args.text("contact"), **_range(args))
    return {
        "visits": stats.visits,
        "lastVisit": None if stats.last_visit is None else utc_iso(stats.last_visit),
        "devices": _shares(stats.devices),
        "operatingSystems": _shares(stats.systems),
        "browsers": _shares(stats.browsers),
    }


def _histograms(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """A card's activity per hour and weekday (``contact``, ``sources``, ``from``, ``to``)."""
    account = args.account(emulator)
    found = account.activity.histograms(
        args.text("contact"), sources=args.names("sources"), **_range(args)
    )
    return {
        "sources": list(found.sources),
        "hourly": list(found.hourly),
        "weekly": list(found.weekly),
        "total": found.total,
    }


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
            "userAgent",
            "device",
            "os",
            "browser",
        ),
    ),
    ControlOperation(name="visits", handler=_visits, read_only=True, keys=("clientId", "contact")),
    ControlOperation(
        name="visits/stats",
        handler=_visits_stats,
        read_only=True,
        keys=("clientId", "contact", "from", "to"),
    ),
    ControlOperation(
        name="contacts/histograms",
        handler=_histograms,
        read_only=True,
        keys=("clientId", "contact", "sources", "from", "to"),
    ),
)
"""This module's operations."""
