"""The whole emulator state as JSON-ready data, and back: every area's export and import.

[`dump_state`][salesmanago_emulator.snapshot.dump_state] writes every account (credentials, time
zone, and one key per area, named as the area), and a frozen clock's instant; the call log is
not state and is left out. [`load_state`][salesmanago_emulator.snapshot.load_state] checks such data
and builds fresh accounts from it, changing nothing else. ``Emulator.export_state()`` and
``Emulator.import_state()`` call them and swap the accounts in; the control
API's ``state``, ``state/import``, ``contact(s)`` and ``area`` and the
server's ``--state`` file use the same format.

The format (``version`` 2; instants are ISO-8601 strings in UTC; exact
amounts are decimal strings)::

    {"format": "salesmanago-emulator-state", "version": 2,
     "clock": {"frozen": true, "now": "2026-01-15T10:00:00+00:00"},
     "accounts": [{"clientId": "...", "apiSecret": "...", "timezone": "Europe/Warsaw",
                   "users": [...], "optin": {"consents": [...]}, "contacts": [...],
                   "tags": {...}, "funnels": {...}, "loyalty": [...], "companies": {...},
                   "callbacks": {...}, "exports": {...}, "coupons": [...],
                   "notes": [...], "tasks": [...], "events": [...],
                   "activity": [...], "rules": {...}, "catalogs": {...},
                   "timeline": [...]}]}

Each area's shape is described in its module here, named as the area
(`contacts`, `notes`, ...); [`AREAS`][salesmanago_emulator.snapshot.AREAS] lists them in the order
they are written and read. An area missing from an account is empty. Version
1 data (areas under ``areas``) is read too (`_v1`).

Import checks every value by the rule the wire applies to it (e-mail, tag
spelling, limits, types, users, cards named by id, ...) with the same rule
functions, and refuses a value the wire would store in another spelling
rather than change it: an export is in stored form, so what the emulator
exported imports back identically. A refusal is a
[`SnapshotError`][salesmanago_emulator.snapshot.SnapshotError] naming the path of the value
(``accounts[0].notes[3].priv: must be true or false``); the accounts are built before anything is
swapped in, so nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any, Final

import attrs

from ..clock import Clock, FrozenClock, utc_iso
from ..errors import RULE_FORMAT, RULE_SECRETS_MASKED, RULE_VERSION
from ..state.account import Account
from . import (
    activity,
    callbacks,
    catalogs,
    companies,
    contact_manager,
    contacts,
    coupons,
    events,
    exports,
    funnels,
    loyalty,
    messages,
    notes,
    optin,
    rules,
    tags,
    tasks,
    timeline,
    users,
)
from ._reader import SnapshotError, Unique, Value
from ._v1 import upgrade
from .contacts import export_card

__all__ = [
    "AREAS",
    "FORMAT",
    "READABLE_VERSIONS",
    "SECRETS_MASKED",
    "VERSION",
    "AreaFormat",
    "SnapshotError",
    "dump_area",
    "dump_state",
    "export_card",
    "frozen_instant",
    "load_state",
]

FORMAT: Final = "salesmanago-emulator-state"
"""The ``format`` marker of a snapshot."""
VERSION: Final = 2
"""The snapshot format version this package writes."""
READABLE_VERSIONS: Final = (1, 2)
"""The versions it reads."""


@attrs.frozen
class AreaFormat:
    """How one area of an account is written and read (its module's functions)."""

    dump: Callable[[Account], Any]
    """The area's data, JSON-ready."""
    load: Callable[[Account, Value], None] | None
    """Check the area's data and put it in a fresh account (``None``: read with the account)."""


AREAS: Final[Mapping[str, AreaFormat | None]] = MappingProxyType(
    {
        "users": AreaFormat(users.dump, users.load),  # the account is built with them
        "optin": AreaFormat(optin.dump, optin.load),  # consents, before the cards naming them
        "contacts": AreaFormat(contacts.dump, contacts.load),
        "tags": AreaFormat(tags.dump, tags.load),  # after the cards carrying them
        "scoring": None,  # no state of its own: a card's score is on the card
        "funnels": AreaFormat(funnels.dump, funnels.load),
        "loyalty": AreaFormat(loyalty.dump, loyalty.load),  # after the cards it enrols
        "companies": AreaFormat(companies.dump, companies.load),
        "callbacks": AreaFormat(callbacks.dump, callbacks.load),
        "exports": AreaFormat(exports.dump, exports.load),
        "coupons": AreaFormat(coupons.dump, coupons.load),
        "notes": AreaFormat(notes.dump, notes.load),
        "tasks": AreaFormat(tasks.dump, tasks.load),
        "events": AreaFormat(events.dump, events.load),
        "activity": AreaFormat(activity.dump, activity.load),
        "rules": AreaFormat(rules.dump, rules.load),
        "catalogs": AreaFormat(catalogs.dump, catalogs.load),
        "timeline": AreaFormat(timeline.dump, timeline.load),
        "messages": AreaFormat(messages.dump, messages.load),  # after the cards and users
        "contact_manager": AreaFormat(contact_manager.dump, contact_manager.load),  # after users
    }
)
"""Every area of an account by its key, in the order written and read; the key is its
key in an account object. ``None``: the area has no state of its own."""

_TOP_KEYS: Final = ("format", "version", "clock", "accounts")
SECRETS_MASKED: Final = "secretsMasked"
"""The key a server's ``state`` answer carries (``true``, in the state itself) when it
masked the secrets: such a state cannot be imported."""
_CLOCK_KEYS: Final = ("frozen", "now")
_ACCOUNT_KEYS: Final = (
    "clientId",
    "apiSecret",
    "timezone",
    *(key for key, area in AREAS.items() if area is not None),
)


# --- export ----------------------------------------------------------------------------


def dump_area(account: Account, key: str) -> Any:
    """The exported data of the area ``key`` of ``account`` (``None`` for an area with no
    state of its own); ``KeyError`` for an unknown key."""
    area = AREAS[key]
    return None if area is None else area.dump(account)


def _dump_account(account: Account) -> dict[str, Any]:
    data: dict[str, Any] = {
        "clientId": account.client_id,
        "apiSecret": account.api_secret,
        "timezone": account.timezone.key,
    }
    account.tick()  # a due purge first, as every read does
    data.update((key, area.dump(account)) for key, area in AREAS.items() if area is not None)
    return data


def dump_state(accounts: Iterable[Account], clock: Clock) -> dict[str, Any]:
    """``accounts`` and ``clock`` as JSON-ready data (see the module docstring).

    The caller holds the emulator's lock.
    """
    clock_data: dict[str, Any] = {"frozen": isinstance(clock, FrozenClock)}
    if isinstance(clock, FrozenClock):
        clock_data["now"] = utc_iso(clock.now())
    return {
        "format": FORMAT,
        "version": VERSION,
        "clock": clock_data,
        "accounts": [_dump_account(account) for account in accounts],
    }


# --- import ----------------------------------------------------------------------------


def frozen_instant(data: object) -> datetime | None:
    """The instant a frozen clock stood at in ``data`` (an export), ``None`` for a
    running clock; checks the format and version (SnapshotError). A state a server
    answered with its secrets masked (``secretsMasked``) is refused: its API secrets
    read ``***``."""
    if isinstance(data, Mapping) and data.get(SECRETS_MASKED) is True:
        raise SnapshotError(SECRETS_MASKED, RULE_SECRETS_MASKED)
    top = Value(data, "").fields("a state", _TOP_KEYS)
    if top.data.get("format") != FORMAT:
        Value(top.data.get("format"), "format").refuse(RULE_FORMAT.format(expected=FORMAT))
    version = top.data.get("version")
    if isinstance(version, bool) or version not in READABLE_VERSIONS:
        versions = " or ".join(map(str, READABLE_VERSIONS))
        Value(version, "version").refuse(RULE_VERSION.format(versions=versions, value=version))
    if not top.has("clock"):
        return None
    clock = top.need("clock").fields("the clock", _CLOCK_KEYS)
    frozen = clock.get("frozen", Value.boolean)
    return clock.need("now").instant() if frozen else None


class _PinnedClock:
    """The clock accounts are built with: the instant they will wake up at, so that
    nothing read while loading sees another time."""

    __slots__ = ("instant",)

    def __init__(self, instant: datetime) -> None:
        self.instant = instant

    def now(self) -> datetime:
        return self.instant


def _load_account(value: Value, clock: Clock) -> Account:
    fields = value.fields("an account", _ACCOUNT_KEYS)
    client_id = fields.need("clientId").text(blank=False)
    secret = fields.need("apiSecret").text(blank=False)
    timezone = fields.get("timezone", Value.text)
    user_list = users.read(fields.need("users"))
    try:
        account = Account(
            client_id,
            secret,
            user_list,
            timezone="Europe/Warsaw" if timezone is None else timezone,
            clock=clock,
        )
    except ValueError as err:  # the time zone: everything else was checked
        fields.need("timezone").refuse(str(err))
    for key, area in AREAS.items():
        if area is not None and area.load is not None and fields.has(key):
            area.load(account, fields.need(key))
    return account


def load_state(data: object, clock: Clock) -> tuple[list[Account], datetime | None]:
    """Check ``data`` (an export) and build its accounts, on ``clock``; also the instant
    a frozen clock stood at in it (``None`` for a running one).

    Nothing outside the new accounts changes; bad data raises
    [`SnapshotError`][salesmanago_emulator.snapshot.SnapshotError] naming the path of the bad value.
    The accounts are built at the instant they will run at (the saved one when ``clock`` is frozen,
    else ``clock``'s now): the caller moves a frozen ``clock`` there when it installs them.
    """
    now = frozen_instant(data)
    assert isinstance(data, Mapping)  # frozen_instant checked it
    if data.get("version") == 1:
        data = upgrade(data)
    pinned = _PinnedClock(
        now if now is not None and isinstance(clock, FrozenClock) else clock.now()
    )
    top = Value(data, "").fields("a state", _TOP_KEYS)
    accounts: list[Account] = []
    client_ids = Unique()
    for item in top.need("accounts").items():
        account = _load_account(item, pinned)
        client_ids.add(Value(account.client_id, f"{item.path}.clientId"), account.client_id)
        accounts.append(account)
    for account in accounts:
        account.clock = clock
    return accounts, now
