"""The events area in a snapshot: every external event, card by card (S7).

``"events": [event, ...]``, each card's in the order they were added; an
event's keys are the wire's (protocol §5.5), the ones unset left out::

    {"eventId": "...", "contactId": "<a card's id>", "contactExtEventType": "PURCHASE",
     "date": "<instant>", "description": "...", "products": "...", "location": "...",
     "value": "10.50", "detail1": "...", ..., "detail20": "...",
     "externalId": "...", "shopDomain": "..."}

``value`` is the exact amount as a decimal string. An event is checked by
the wire's own check of an added event (type, limits, value digits, S7.5) and
must be in stored form (type upper case); an ``externalId`` is used once per
card. The cards' ``ORDER_*`` details are on the cards and are not recomputed.
"""

from __future__ import annotations

from typing import Any, Final

from ..clock import utc_iso
from ..errors import RULE_EXTERNAL_ID_TAKEN
from ..state.account import Account
from ..state.events import MAX_DETAILS, EventWrite, StoredEvent, stored_event
from ._reader import Fields, Unique, Value, refusing
from .contacts import card

__all__ = ["KEYS", "dump", "load"]

# (key, attribute) of the optional texts.
_TEXTS: Final = (
    ("description", "description"),
    ("products", "products"),
    ("location", "location"),
    ("externalId", "external_id"),
    ("shopDomain", "shop_domain"),
)
_DETAILS: Final = tuple(f"detail{n}" for n in range(1, MAX_DETAILS + 1))

KEYS: Final = (
    "eventId",
    "contactId",
    "contactExtEventType",
    "date",
    "value",
    *(key for key, _ in _TEXTS),
    *_DETAILS,
)
"""The keys of an event."""


def _event(event: StoredEvent) -> dict[str, Any]:
    item: dict[str, Any] = {
        "eventId": event.event_id,
        "contactId": event.contact_id,
        "contactExtEventType": event.event_type,
        "date": utc_iso(event.date),
    }
    if event.value is not None:
        item["value"] = f"{event.value:f}"
    for key, attr in _TEXTS:
        text = getattr(event, attr)
        if text is not None:
            item[key] = text
    item.update((f"detail{number}", text) for number, text in event.details)
    return item


def dump(account: Account) -> list[dict[str, Any]]:
    """Every event, card by card (oldest card first), each card's in the order added."""
    return [_event(event) for event in account.events]


def _write(fields: Fields) -> EventWrite:
    """The event as an add would send it (types read here, rules checked by the add's)."""
    details = {n: fields.get(key, Value.text) for n, key in enumerate(_DETAILS, 1)}
    return EventWrite(
        event_type=fields.need("contactExtEventType").text(),
        date=fields.need("date").instant(),
        description=fields.get("description", Value.text),
        products=fields.get("products", Value.text),
        location=fields.get("location", Value.text),
        value=fields.get("value", Value.money),
        details={n: text for n, text in details.items() if text is not None},
        external_id=fields.get("externalId", Value.text),
        shop_domain=fields.get("shopDomain", Value.text),
    )


def load(account: Account, value: Value) -> None:
    """Put the events of ``value`` on the loaded cards of ``account``."""
    ids = Unique()
    external: dict[tuple[str, str], str] = {}
    for item in value.items():
        fields = item.fields("an event", KEYS)
        id_value = fields.need("eventId")
        event_id = id_value.identifier(ids)
        id_value.stored(event_id, event_id.lower())
        record = card(account, fields.need("contactId"))
        write = _write(fields)
        with refusing():
            event = stored_event(
                write, event_id=event_id, contact_id=record.id, prefix=f"{item.path}."
            )
        fields.need("contactExtEventType").stored(write.event_type, event.event_type)
        if write.external_id is not None:
            external_value = fields.need("externalId")
            external_value.stored(write.external_id, event.external_id)
            taken = external.setdefault((record.id, write.external_id), event_id)
            if taken != event_id:
                external_value.refuse(RULE_EXTERNAL_ID_TAKEN.format(event_id=taken))
        account.events.restore_saved(record, event)
