"""The activity area in a snapshot: every visit of the monitored pages (S16.1).

``"activity": [visit, ...]`` in the order recorded, anonymous ones (``contactId``
null) and those of soft-deleted cards too::

    {"id": "...", "contactId": "<a card's id>" | null, "date": "<instant>",
     "url": "...", "duration": 30, "source": "SEARCH", "sourceDetail": "..." | null,
     "points": 3, "ip": "..." | null, "device": "MOBILE" | null, "os": "ANDROID" | null,
     "browser": "CHROME" | null}

``device``, ``os`` and ``browser`` may be left out (exports before they existed):
they are then ``null``.

Texts are checked as the wire checks a recorded visit (trimmed, within their
limits, the source upper case); a duration is zero or more. The points are
on the cards' scores already (`contacts`) and are not added again.
"""

from __future__ import annotations

import sys
from typing import Any, Final

from ..clock import utc_iso
from ..state.account import Account
from ..state.activity import MAX_SOURCE, MAX_SOURCE_DETAIL, MAX_URL, Visit, visit_text
from ._reader import Fields, Unique, Value
from .contacts import card

__all__ = ["KEYS", "dump", "dump_visit", "load"]

KEYS: Final = (
    "id",
    "contactId",
    "date",
    "url",
    "duration",
    "source",
    "sourceDetail",
    "points",
    "ip",
    "device",
    "os",
    "browser",
)
"""The keys of a visit."""


def dump_visit(visit: Visit) -> dict[str, Any]:
    """One visit in the snapshot format."""
    return {
        "id": visit.id,
        "contactId": visit.contact_id,
        "date": utc_iso(visit.at),
        "url": visit.url,
        "duration": visit.duration_seconds,
        "source": visit.source,
        "sourceDetail": visit.source_detail,
        "points": visit.points,
        "ip": visit.ip,
        "device": visit.device,
        "os": visit.os,
        "browser": visit.browser,
    }


def dump(account: Account) -> list[dict[str, Any]]:
    """Every visit in the order recorded."""
    return [dump_visit(visit) for visit in account.activity.recorded()]


def _text(value: Value, limit: int, *, required: bool = True) -> str | None:
    """A text in the form the wire stores it (trimmed; blank is none where optional)."""
    given = value.text()
    return value.stored(given, value.rule(visit_text, limit, required=required))


def _required(value: Value, limit: int) -> str:
    text = _text(value, limit)
    assert text is not None  # a blank one was refused
    return text


def _optional(fields: Fields, key: str, limit: int) -> str | None:
    return fields.get(key, lambda value: _text(value, limit, required=False))


def _kind(fields: Fields, key: str) -> str | None:
    """A device, system or browser as stored: a text of a visit, upper case."""

    def read(value: Value) -> str | None:
        text = _text(value, MAX_SOURCE, required=False)
        return None if text is None else sys.intern(value.stored(text, text.upper()))

    return fields.get(key, read)


def _visit(account: Account, fields: Fields, ids: Unique, seq: int) -> Visit:
    contact = fields.get("contactId", lambda value: card(account, value))
    source = _required(fields.need("source"), MAX_SOURCE)
    return Visit(
        id=fields.need("id").identifier(ids),
        contact_id=None if contact is None else contact.id,
        at=fields.need("date").instant(),
        url=_required(fields.need("url"), MAX_URL),
        duration_seconds=fields.need("duration").integer(minimum=0),
        source=sys.intern(fields.need("source").stored(source, source.upper())),
        source_detail=_optional(fields, "sourceDetail", MAX_SOURCE_DETAIL),
        points=fields.need("points").integer(),
        ip=_optional(fields, "ip", MAX_SOURCE),
        seq=seq,
        device=_kind(fields, "device"),
        os=_kind(fields, "os"),
        browser=_kind(fields, "browser"),
    )


def load(account: Account, value: Value) -> None:
    """Put back the visits of ``value`` (on the loaded cards of ``account``)."""
    ids = Unique()
    visits = [
        _visit(account, item.fields("a visit", KEYS), ids, seq)
        for seq, item in enumerate(value.items(), 1)
    ]
    account.activity.restore_saved(visits)
