"""The callbacks area in a snapshot: callback URLs, action endpoints and the outbox (S10.3, S17.3).

``"callbacks": {"endpoints": [...], "actions": [...], "outbox": [...]}``::

    endpoint: {"kind": "OPT_IN" | "OPT_OUT", "url": "...", "secret": "..."}
    action:   {"id": "...", "url": "...", "secret": "...", "kinds": ["TASK", ...]}
    entry:    {"id": "...", "kind": "OPT_OUT", "url": "...", "payload": {...},
               "created": "<instant>", "attempts": 0, "lastError": "..." | null,
               "delivered": false, "lastAttempt": "<instant>" | null}

URLs and secrets are checked as registering them checks them (http or https
with a host; a secret not empty); one URL per kind; an action endpoint
receives at least one action kind, each once; the outbox holds at most
10 000 entries.
"""

from __future__ import annotations

from typing import Any, Final

from ..clock import utc_iso
from ..errors import RULE_AT_LEAST_ONE_KIND, RULE_AT_MOST_ITEMS
from ..state.account import Account
from ..state.callbacks import (
    ACTION_KINDS,
    OPT_KINDS,
    OUTBOX_LIMIT,
    ActionEndpoint,
    CallbackEndpoint,
    OutboxEntry,
    check_secret,
    check_url,
)
from ._reader import Fields, Unique, Value

__all__ = ["ACTION_KEYS", "ENDPOINT_KEYS", "ENTRY_KEYS", "KEYS", "dump", "dump_entry", "load"]

KEYS: Final = ("endpoints", "actions", "outbox")
"""The keys of the area's object."""
ENDPOINT_KEYS: Final = ("kind", "url", "secret")
"""The keys of an opt-in/opt-out URL."""
ACTION_KEYS: Final = ("id", "url", "secret", "kinds")
"""The keys of an action endpoint."""
ENTRY_KEYS: Final = (
    "id",
    "kind",
    "url",
    "payload",
    "created",
    "attempts",
    "lastError",
    "delivered",
    "lastAttempt",
)
"""The keys of an outbox entry."""


def dump_entry(entry: OutboxEntry) -> dict[str, Any]:
    """One outbox entry in the snapshot format."""
    return {
        "id": entry.id,
        "kind": entry.kind,
        "url": entry.url,
        "payload": dict(entry.payload),
        "created": utc_iso(entry.created),
        "attempts": entry.attempts,
        "lastError": entry.last_error,
        "delivered": entry.delivered,
        "lastAttempt": None if entry.last_attempt is None else utc_iso(entry.last_attempt),
    }


def dump(account: Account) -> dict[str, Any]:
    """The URLs with their secrets, the action endpoints and the whole outbox."""
    area = account.callbacks
    return {
        "endpoints": [
            {"kind": e.kind, "url": e.url, "secret": e.secret} for e in area.endpoints.values()
        ],
        "actions": [
            {"id": e.id, "url": e.url, "secret": e.secret, "kinds": list(e.kinds)}
            for e in area.action_endpoints
        ],
        "outbox": [dump_entry(entry) for entry in area.outbox()],
    }


def _url(value: Value) -> str:
    given = value.text()
    return value.stored(given, value.rule(lambda raw, _: check_url(raw)))


def _secret(value: Value) -> str:
    return value.rule(lambda raw, _: check_secret(raw))


def _endpoint(fields: Fields, kinds: Unique) -> CallbackEndpoint:
    kind_value = fields.need("kind")
    kind = kind_value.one_of(OPT_KINDS)
    kinds.add(kind_value, kind)
    return CallbackEndpoint(
        kind=kind, url=_url(fields.need("url")), secret=_secret(fields.need("secret"))
    )


def _action(fields: Fields, ids: Unique) -> ActionEndpoint:
    seen = Unique()
    kinds = []
    for item in fields.items("kinds"):
        kind = item.one_of(ACTION_KINDS)
        seen.add(item, kind)
        kinds.append(kind)
    if not kinds:
        fields.need("kinds").refuse(RULE_AT_LEAST_ONE_KIND)
    return ActionEndpoint(
        id=fields.need("id").identifier(ids),
        url=_url(fields.need("url")),
        secret=_secret(fields.need("secret")),
        kinds=tuple(kinds),
    )


def _entry(fields: Fields, ids: Unique) -> OutboxEntry:
    payload_value = fields.need("payload")
    return OutboxEntry(
        id=fields.need("id").identifier(ids),
        kind=fields.need("kind").one_of((*OPT_KINDS, *ACTION_KINDS)),
        url=_url(fields.need("url")),
        payload=_payload(payload_value),
        created=fields.need("created").instant(),
        attempts=fields.need("attempts").integer(minimum=0),
        last_error=fields.get("lastError", Value.text),
        delivered=fields.need("delivered").boolean(),
        last_attempt=fields.get("lastAttempt", Value.instant),
    )


def _payload(value: Value) -> dict[str, Any]:
    """A callback's JSON body: an object of JSON values."""
    value.entries()  # refuses anything but an object
    return dict(value.json())


def load(account: Account, value: Value) -> None:
    """Put back the URLs, action endpoints and outbox of ``value`` in ``account``."""
    fields = value.fields("the callbacks area", KEYS)
    kinds, ids, entry_ids = Unique(), Unique(), Unique()
    endpoints = [
        _endpoint(i.fields("a callback URL", ENDPOINT_KEYS), kinds)
        for i in fields.items("endpoints")
    ]
    actions = [
        _action(i.fields("an action endpoint", ACTION_KEYS), ids) for i in fields.items("actions")
    ]
    items = fields.items("outbox")
    if len(items) > OUTBOX_LIMIT:
        fields.need("outbox").refuse(RULE_AT_MOST_ITEMS.format(limit=OUTBOX_LIMIT))
    outbox = [_entry(i.fields("an outbox entry", ENTRY_KEYS), entry_ids) for i in items]
    account.callbacks.restore_saved(endpoints, actions, outbox)
