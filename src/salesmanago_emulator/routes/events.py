"""External events: add, batch add, update, delete (protocol §5.5, §8.1; semantics S7).

Wire keys of ``contactEvent``: ``date`` (ms, seconds, numeric string or
ISO-8601, protocol §13.2), ``contactExtEventType``, ``description``,
``products``, ``location``, ``value`` (a JSON number or numeric string, kept
exact), ``detail1`` … ``detail20``, ``externalId``, ``shopDomain``; an update
adds ``eventId``. Both the legacy (``/api/contact/...``) and the ``v2`` paths
are served. The full contact lists a card's events as ``contactExtEvents``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from ..errors import RULE_NOT_EMPTY, EmulatorError, InvalidField
from ..state.events import BATCH_EVENT_LIMIT, MAX_DETAILS, EventItem, EventWrite
from ._base import RequestContext, RouteTable
from ._keys import opt_contact_key
from ._parse import (
    Body,
    item_prefix,
    opt_bool,
    opt_date,
    opt_decimal,
    opt_str,
    req_list,
    req_object,
    req_str,
    to_ms,
)

if TYPE_CHECKING:
    from ..state._card import ContactRecord
    from ..state.account import Account

__all__ = ["card_events", "named", "read_add", "read_event", "table"]

table: Final = RouteTable("events")
"""The routes of this module."""

_TEXT_KEYS: Final = (
    ("description", "description"),
    ("products", "products"),
    ("location", "location"),
    ("externalId", "external_id"),
    ("shopDomain", "shop_domain"),
)
_ALL_KEYS: Final = (
    "contactExtEventType",
    "date",
    "value",
    *(key for key, _ in _TEXT_KEYS),
    *(f"detail{n}" for n in range(1, MAX_DETAILS + 1)),
)
RESULT_DELETED: Final = "deleted"
"""``result`` of an event delete (protocol §14, PX live test)."""


def read_event(body: Body, prefix: str) -> EventWrite:
    """A ``contactEvent`` object (``prefix`` ends with ``contactEvent.``) as an EventWrite.

    Keys sent as ``null`` are listed in ``cleared`` (an update removes them).
    """
    fields: dict[str, Any] = {"event_type": opt_str(body, "contactExtEventType", prefix)}
    fields["date"] = opt_date(body, "date", prefix)
    fields["value"] = opt_decimal(body, "value", prefix)
    for key, attr in _TEXT_KEYS:
        fields[attr] = opt_str(body, key, prefix)
    details: dict[int, str | None] = {}
    for number in range(1, MAX_DETAILS + 1):
        key = f"detail{number}"
        if key in body:
            details[number] = opt_str(body, key, prefix)
    cleared = frozenset(key for key in _ALL_KEYS if key in body and body[key] is None)
    return EventWrite(**fields, details=details, cleared=cleared)


_CONTACT_FIELDS: Final = ("email", "contactId")
"""The fields of an add request (or batch item) that name the contact, not the event."""


def named(error: EmulatorError, prefix: str) -> EmulatorError:
    """A refusal of the events area named where its field sits in the request: the
    contact's fields at ``prefix``, the event's under ``prefix`` + ``contactEvent.``."""
    if not isinstance(error, InvalidField):
        return error
    if error.field in _CONTACT_FIELDS:
        return error.under(prefix)
    return error.under(prefix + "contactEvent.")


def read_add(body: Body, prefix: str) -> EventItem:
    """An add request (or a batch item, an ``integration/upsert`` part) at ``prefix``:
    ``email`` or ``contactId`` as sent (the area needs one), ``forceOptIn`` and the
    ``contactEvent``."""
    return EventItem(
        email=opt_str(body, "email", prefix),
        contact_id=opt_str(body, "contactId", prefix),
        force_opt_in=bool(opt_bool(body, "forceOptIn", prefix)),
        event=read_event(req_object(body, "contactEvent", prefix), prefix + "contactEvent."),
    )


def add_item(ctx: RequestContext, item: EventItem, owner: str) -> str:
    """Add ``item``'s event as ``owner``: its id (refusals named as the area names them)."""
    return ctx.account.events.add(
        item.event,
        owner,
        email=item.email,
        contact_id=item.contact_id,
        force_opt_in=item.force_opt_in,
    )


@table.route("/api/contact/addContactExtEvent", "/api/v2/contact/addContactExtEvent")
def add(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Add one event to the contact ``email`` or ``contactId``, creating it if needed (S7.6)."""
    item = read_add(body, "")
    try:
        return {"eventId": add_item(ctx, item, ctx.owner)}
    except EmulatorError as error:
        raise named(error, "") from None


def _item_key(item: Body) -> str:
    """The contact an item names, as sent, for ``failedContacts``."""
    for key in ("email", "contactId"):
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


@table.route("/api/contact/batchAddContactExtEvent", "/api/v2/contact/addBatchContactExtEvent")
def add_batch(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Add 1–1000 events, each item applied or failed on its own (S7.2).

    ``failedContacts`` lists the contact (as sent) of every failed item,
    ``createdAmount`` counts the applied items (updates by ``externalId``
    included), ``failedAmount`` the failed ones. ``success`` is false when an
    item failed, with the items' texts in ``message``.
    """
    raw = req_list(body, "events", limit=BATCH_EVENT_LIMIT)
    if not raw:
        raise InvalidField("events", RULE_NOT_EMPTY)
    items: list[EventItem] = []
    indexes: list[int] = []
    failures: dict[int, EmulatorError] = {}
    for index, item in enumerate(raw):
        try:
            items.append(read_add(item, item_prefix("", "events", index)))
        except EmulatorError as error:
            failures[index] = error
            continue
        indexes.append(index)
    results = ctx.account.events.add_batch(items, ctx.owner) if items else []
    for index, result in zip(indexes, results, strict=True):
        if isinstance(result, EmulatorError):
            failures[index] = named(result, item_prefix("", "events", index))
    created = len(raw) - len(failures)
    answer: dict[str, Any] = {
        "failedContacts": [_item_key(raw[index]) for index in sorted(failures)],
        "createdAmount": created,
        "failedAmount": len(failures),
    }
    if failures:
        answer["success"] = False
        answer["message"] = [
            text for _, error in sorted(failures.items()) for text in error.messages
        ]
    return answer


@table.route("/api/contact/updateContactExtEvent", "/api/v2/contact/updateContactExtEvent")
def update(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Change the fields sent of the event ``contactEvent.eventId``; the same id comes back."""
    event_body = req_object(body, "contactEvent")
    event_id = req_str(event_body, "eventId", "contactEvent.")
    change = read_event(event_body, "contactEvent.")
    try:
        return {"eventId": ctx.account.events.update(event_id, change, ctx.owner)}
    except InvalidField as error:
        raise error.under("contactEvent.") from None


@table.route("/api/contact/deleteContactExtEvent", "/api/v2/contact/deleteContactExtEvent")
def delete(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Delete one event by ``eventId`` or ``externalId`` (optionally of ``email``/``contactId``)."""
    ctx.account.events.delete(
        ctx.owner,
        event_id=opt_str(body, "eventId"),
        external_id=opt_str(body, "externalId"),
        contact=opt_contact_key(body),
    )
    return {"result": RESULT_DELETED}


def card_events(account: Account, record: ContactRecord) -> list[dict[str, Any]]:
    """``contactExtEvents``: the card's events in the order they were added; ``value`` an
    exact number or null."""
    out: list[dict[str, Any]] = []
    for event in account.events.events_of(record):
        item: dict[str, Any] = {
            "eventId": event.event_id,
            "contactExtEventType": event.event_type,
            "date": to_ms(event.date),
            "description": event.description,
            "products": event.products,
            "location": event.location,
            "value": event.value,
            "externalId": event.external_id,
            "shopDomain": event.shop_domain,
        }
        for number, text in event.details:
            item[f"detail{number}"] = text
        out.append(item)
    return out
