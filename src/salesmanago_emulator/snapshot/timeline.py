"""The timeline area in a snapshot: every card's stored system events, oldest first
(seed 003 §14).

``"timeline": [{"contactId": "<a card's id>", "kind": "OWNER_ASSIGNED",
"date": "<instant>", "details": {"owner": "...", "level": "CO_OWNER"}}, ...]``,
card by card. The creation entry is not written: it is made from the card. An
entry is checked by the area's own rule (`check_entry`):
a known kind, its details named and spelled as the area records them.
"""

from __future__ import annotations

from typing import Any, Final

from ..clock import utc_iso
from ..errors import InvalidField
from ..state.account import Account
from ..state.timeline import TimelineEntry, check_entry
from ._reader import Value
from .contacts import card

__all__ = ["KEYS", "dump", "dump_entry", "load"]

KEYS: Final = ("contactId", "kind", "date", "details")
"""The keys of an entry."""


def dump_entry(entry: TimelineEntry) -> dict[str, Any]:
    """One entry: its kind, date and details (without the card)."""
    return {"kind": entry.kind, "date": utc_iso(entry.at), "details": dict(entry.details)}


def dump(account: Account) -> list[dict[str, Any]]:
    """Every stored entry, card by card (oldest card first), each card's oldest first."""
    return [
        {"contactId": record.id, **dump_entry(entry)}
        for record in account.all_contacts()
        for entry in account.timeline.stored(record)
    ]


def load(account: Account, value: Value) -> None:
    """Put the entries of ``value`` on the loaded cards of ``account``."""
    for item in value.items():
        fields = item.fields("a timeline entry", KEYS)
        record = card(account, fields.need("contactId"))
        kind = fields.need("kind")
        details = fields.need("details")
        raw = {name: part.raw for name, part in details.entries()}
        try:
            stored_kind, pairs = check_entry(kind.text(), raw)
        except InvalidField as err:
            at = kind if err.field == "kind" else Value(None, f"{details.path}.{err.field}")
            at.refuse(err.rule)
        entry = TimelineEntry(kind=stored_kind, at=fields.need("date").instant(), details=pairs)
        account.timeline.restore_saved(record, entry)
