"""The whole emulator state as JSON-ready data, and back.

:func:`export_state` writes every account (credentials, users, time zone,
registered consents, the tag list's creation times), every contact card with
all its fields (tags with their scores and times, details, dictionary details,
consents, opt-in/opt-out history, owners, the soft-delete state and its purge
instant) and, under ``areas``, each area's
:meth:`~salesmanago_emulator.state.AccountArea.to_state` by its ``key``.
A frozen clock's instant is kept too. The call log is not state and is left
out. :func:`import_state` replaces the emulator's accounts with the data's.

The format (``version`` 1; instants are ISO-8601 strings in UTC; optional
card fields that are unset or empty are omitted)::

    {"format": "salesmanago-emulator-state", "version": 1,
     "clock": {"frozen": true, "now": "2026-01-15T10:00:00+00:00"},
     "accounts": [{"clientId": "...", "apiSecret": "...", "users": ["..."],
                   "timezone": "Europe/Warsaw", "consents": ["..."],
                   "tags": {"VIP": "<created>"}, "contacts": [{"id": "...", ...}],
                   "areas": {"<area.key>": {...}}}]}

Import checks everything and builds fresh accounts (areas loaded after their
contacts) before touching the emulator: bad data raises :class:`SnapshotError`
naming the path of the offending value (``accounts[0].contacts[3].email``)
and leaves the emulator exactly as it was.

An area that keeps per-contact data on the cards (``ContactRecord.extension``)
must write it in its own ``to_state`` and put it back in ``load_state``: the
card's ``extensions`` are not exported here.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Final, TypeVar

from .clock import Clock, FrozenClock, is_aware, parse_iso, utc_iso
from .errors import EmulatorError, InvalidField
from .state import AccountArea
from .state._card import (
    CHANNELS,
    CONSENT_STATUSES,
    CONTACT_STATES,
    DICTIONARY_TYPES,
    OWNER_LEVELS,
    Birthday,
    ConsentState,
    ContactRecord,
    OptChange,
    TagEntry,
)
from .state._purge import next_purge_instant
from .state.account import Account

if TYPE_CHECKING:
    from ._emulator import Emulator

__all__ = [
    "FORMAT",
    "VERSION",
    "SnapshotError",
    "export_account",
    "export_card",
    "export_state",
    "import_state",
    "load_accounts",
]

FORMAT: Final = "salesmanago-emulator-state"
"""The ``format`` marker of a snapshot."""
VERSION: Final = 1
"""The snapshot format version this module writes and reads."""

_T = TypeVar("_T")

# Card scalars: (JSON key, attribute) of optional strings.
_TEXT_FIELDS: Final = (
    ("name", "name"),
    ("phone", "phone"),
    ("fax", "fax"),
    ("company", "company"),
    ("externalId", "external_id"),
    ("streetAddress", "street_address"),
    ("zipCode", "zip_code"),
    ("city", "city"),
    ("country", "country"),
    ("province", "province"),
    ("lang", "lang"),
)


class SnapshotError(ValueError):
    """Snapshot data that cannot be loaded; ``path`` names the offending value."""

    def __init__(self, path: str, problem: str) -> None:
        """``path`` like ``accounts[0].contacts[3].email``; ``problem`` says what is wrong."""
        self.path = path
        self.problem = problem
        super().__init__(f"bad emulator state at {path}: {problem}")


# --- export --------------------------------------------------------------------------


def export_card(account: Account, record: ContactRecord) -> dict[str, Any]:
    """One card in the snapshot format (the control API shows cards this way too)."""
    card: dict[str, Any] = {
        "id": record.id,
        "email": record.email,
        "mainOwner": record.main_owner,
        "createdOn": utc_iso(record.created_on),
        "modifiedOn": utc_iso(record.modified_on),
        "state": record.state,
        "score": record.score,
        "optedOut": record.opted_out,
        "optedOutPhone": record.opted_out_phone,
        "monitored": record.monitored,
    }
    for key, attr in _TEXT_FIELDS:
        value = getattr(record, attr)
        if value is not None:
            card[key] = value
    if record.birthday is not None:
        b = record.birthday
        card["birthday"] = {"year": b.year, "month": b.month, "day": b.day}
    if record.invalid:
        card["invalid"] = True
    if record.status_before_invalid is not None:
        card["statusBeforeInvalid"] = record.status_before_invalid
    if record.last_visit is not None:
        card["lastVisit"] = utc_iso(record.last_visit)
    if record.deleted and record.deleted_at is not None:
        card["deleted"] = True
        card["deletedAt"] = utc_iso(record.deleted_at)
        card["purgeAt"] = utc_iso(next_purge_instant(record.deleted_at, account.timezone))
    owners = record.other_owners()
    if owners:
        card["owners"] = [{"email": e, "level": lv} for e, lv in owners]
    if record.tags:
        card["tags"] = [
            {"tag": t, "score": e.score, "createdOn": utc_iso(e.created_on)}
            for t, e in record.tags.items()
        ]
    if record.properties:
        card["properties"] = dict(record.properties)
    if record.dictionary_properties:
        card["dictionaryProperties"] = [
            {"name": n, "type": k, "value": v} for n, (k, v) in record.dictionary_properties.items()
        ]
    if record.consents:
        consents = []
        for name, c in record.consents.items():
            item: dict[str, Any] = {"name": name, "status": c.status}
            if c.date is not None:
                item["date"] = utc_iso(c.date)
            if c.ip is not None:
                item["ip"] = c.ip
            if c.description_id is not None:
                item["descriptionId"] = c.description_id
            consents.append(item)
        card["consents"] = consents
    if record.opt_history:
        card["optHistory"] = [
            {"at": utc_iso(o.at), "channel": o.channel, "status": o.status, "source": o.source}
            for o in record.opt_history
        ]
    return card


def export_account(account: Account) -> dict[str, Any]:
    """One account as JSON-ready data (runs a due purge first, as every read does)."""
    contacts = [export_card(account, record) for record in account.all_contacts()]
    tag_times = account.store.tags.creation_times()  # the tag list's own (S5.3)
    return {
        "clientId": account.client_id,
        "apiSecret": account.api_secret,
        "users": list(account.users),
        "timezone": account.timezone.key,
        "consents": account.optin.consents(),
        "tags": {tag: utc_iso(when) for tag, when in tag_times.items()},
        "contacts": contacts,
        "areas": {
            area.key: area.to_state()
            for area in account.areas
            if type(area).to_state is not AccountArea.to_state
        },
    }


def export_state(emulator: Emulator[Any]) -> dict[str, Any]:
    """The whole emulator state as JSON-ready data (see the module docstring)."""
    with emulator.lock:
        clock = emulator.clock
        clock_data: dict[str, Any] = {"frozen": isinstance(clock, FrozenClock)}
        if isinstance(clock, FrozenClock):
            clock_data["now"] = utc_iso(clock.now())
        return {
            "format": FORMAT,
            "version": VERSION,
            "clock": clock_data,
            "accounts": [export_account(account) for account in emulator.accounts],
        }


# --- import --------------------------------------------------------------------------


class _Reader:
    """Typed access to one JSON object, with errors naming the path."""

    __slots__ = ("data", "path")

    def __init__(self, data: object, path: str) -> None:
        if not isinstance(data, Mapping):
            raise SnapshotError(path or "(top level)", f"must be an object, got {_kind(data)}")
        self.data: Mapping[str, Any] = data
        self.path = path

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def get(self, key: str, check: Callable[[object, str], _T], default: _T) -> _T:
        if key not in self.data or self.data[key] is None:
            return default
        return check(self.data[key], self.at(key))

    def many(self, key: str) -> list[Any]:
        """An optional list (empty when missing)."""
        return self.get(key, _list, list[Any]())

    def obj(self, key: str) -> Mapping[str, Any]:
        """An optional object (empty when missing)."""
        empty: Mapping[str, Any] = {}
        return self.get(key, _obj, empty)

    def need(self, key: str, check: Callable[[object, str], _T]) -> _T:
        if key not in self.data or self.data[key] is None:
            raise SnapshotError(self.at(key), "is required")
        return check(self.data[key], self.at(key))


def _kind(value: object) -> str:
    return "null" if value is None else type(value).__name__


def _str(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise SnapshotError(path, f"must be a string, got {_kind(value)}")
    return value


def _opt_str(value: object, path: str) -> str | None:
    return _str(value, path)


def _bool(value: object, path: str) -> bool:
    if not isinstance(value, bool):
        raise SnapshotError(path, f"must be true or false, got {_kind(value)}")
    return value


def _int(value: object, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SnapshotError(path, f"must be an integer, got {_kind(value)}")
    return value


def _opt_int(value: object, path: str) -> int | None:
    return _int(value, path)


def _list(value: object, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise SnapshotError(path, f"must be a list, got {_kind(value)}")
    return value


def _obj(value: object, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise SnapshotError(path, f"must be an object, got {_kind(value)}")
    return value


def _when(value: object, path: str) -> datetime:
    text = _str(value, path)
    try:
        when = parse_iso(text)
    except ValueError:
        raise SnapshotError(path, f"not an ISO-8601 date-time: {text!r}") from None
    if not is_aware(when):
        raise SnapshotError(path, f"must be timezone-aware, got {text!r}")
    return when.astimezone(timezone.utc)


def _opt_when(value: object, path: str) -> datetime | None:
    return _when(value, path)


def _one_of(choices: tuple[str, ...]) -> Callable[[object, str], str]:
    def check(value: object, path: str) -> str:
        text = _str(value, path)
        if text not in choices:
            raise SnapshotError(path, f"must be one of {', '.join(choices)}, got {text!r}")
        return text

    return check


def _birthday(value: object, path: str) -> Birthday:
    r = _Reader(value, path)
    try:
        return Birthday(
            year=r.get("year", _opt_int, None), month=r.need("month", _int), day=r.need("day", _int)
        )
    except InvalidField as err:
        raise SnapshotError(path, err.rule) from None


def _load_card(account: Account, value: object, path: str) -> tuple[ContactRecord, datetime | None]:
    r = _Reader(value, path)
    contact_id = r.need("id", _str).strip().lower()
    if not contact_id:
        raise SnapshotError(r.at("id"), "must not be empty")
    email = r.need("email", _str).strip().lower()
    if not email:
        raise SnapshotError(r.at("email"), "must not be empty")
    main_owner = r.need("mainOwner", _str)
    if main_owner not in account.users:
        raise SnapshotError(r.at("mainOwner"), f"{main_owner!r} is not a user of the account")
    record = ContactRecord(contact_id, email, sys.intern(main_owner), r.need("createdOn", _when))
    record.modified_on = r.need("modifiedOn", _when)
    for key, attr in _TEXT_FIELDS:
        setattr(record, attr, r.get(key, _opt_str, None))
    record.state = r.get("state", _one_of(CONTACT_STATES), "PROSPECT")
    record.score = r.get("score", _int, 0)
    record.opted_out = r.get("optedOut", _bool, True)
    record.opted_out_phone = r.get("optedOutPhone", _bool, True)
    record.monitored = r.get("monitored", _bool, True)
    record.invalid = r.get("invalid", _bool, False)
    record.status_before_invalid = r.get("statusBeforeInvalid", _bool, None)
    record.last_visit = r.get("lastVisit", _opt_when, None)
    if "birthday" in r.data and r.data["birthday"] is not None:
        record.birthday = _birthday(r.data["birthday"], r.at("birthday"))
    for i, item in enumerate(r.many("owners")):
        o = _Reader(item, f"{r.at('owners')}[{i}]")
        email_o = o.need("email", _str)
        if email_o not in account.users:
            raise SnapshotError(o.at("email"), f"{email_o!r} is not a user of the account")
        level = o.need("level", _one_of(OWNER_LEVELS[1:]))
        if email_o == main_owner:
            raise SnapshotError(o.at("email"), "is the main owner already")
        record.put_owner(sys.intern(email_o), level)
    for i, item in enumerate(r.many("tags")):
        t = _Reader(item, f"{r.at('tags')}[{i}]")
        tag = t.need("tag", _str)
        if tag in record.tags:
            raise SnapshotError(t.at("tag"), f"tag {tag!r} appears twice")
        record.put_tag(sys.intern(tag), TagEntry(t.need("score", _int), t.need("createdOn", _when)))
    for name, text in r.obj("properties").items():
        record.put_property(sys.intern(name), _str(text, f"{r.at('properties')}.{name}"))
    for i, item in enumerate(r.many("dictionaryProperties")):
        d = _Reader(item, f"{r.at('dictionaryProperties')}[{i}]")
        record.put_dictionary_property(
            sys.intern(d.need("name", _str)),
            d.need("type", _one_of(DICTIONARY_TYPES)),
            d.need("value", _str),
        )
    for i, item in enumerate(r.many("consents")):
        c = _Reader(item, f"{r.at('consents')}[{i}]")
        record.put_consent(
            sys.intern(c.need("name", _str)),
            ConsentState(
                status=c.need("status", _one_of(CONSENT_STATUSES)),
                date=c.get("date", _opt_when, None),
                ip=c.get("ip", _opt_str, None),
                description_id=c.get("descriptionId", _opt_int, None),
            ),
        )
    for i, item in enumerate(r.many("optHistory")):
        h = _Reader(item, f"{r.at('optHistory')}[{i}]")
        record.add_opt_change(
            OptChange(
                at=h.need("at", _when),
                channel=h.need("channel", _one_of(CHANNELS)),
                status=h.need("status", _one_of(("OPT_IN", "OPT_OUT"))),
                source=h.need("source", _str),
            )
        )
    purge_at: datetime | None = None
    if r.get("deleted", _bool, False):
        deleted_at = r.need("deletedAt", _when)
        purge_at = r.need("purgeAt", _when)
        if purge_at <= deleted_at:
            raise SnapshotError(r.at("purgeAt"), "must be after deletedAt")
        record.deleted_at = deleted_at
    return record, purge_at


class _PinnedClock:
    """The clock accounts are built with: the instant they will wake up at, so that
    nothing (an area's load running the purge) sees another time while loading."""

    __slots__ = ("instant",)

    def __init__(self, instant: datetime) -> None:
        self.instant = instant

    def now(self) -> datetime:
        return self.instant


def _load_account(value: object, path: str, clock: Clock) -> Account:
    r = _Reader(value, path)
    users = [_str(u, f"{r.at('users')}[{i}]") for i, u in enumerate(r.need("users", _list))]
    try:
        account = Account(
            r.need("clientId", _str),
            r.need("apiSecret", _str),
            users,
            timezone=r.get("timezone", _str, "Europe/Warsaw"),
            clock=clock,
        )
    except ValueError as err:
        raise SnapshotError(path, str(err)) from None
    for i, name in enumerate(r.many("consents")):
        text = _str(name, f"{r.at('consents')}[{i}]")
        if not text.strip():
            raise SnapshotError(f"{r.at('consents')}[{i}]", "must not be empty")
        account.optin.add_consent(text)
    store = account.store
    for i, item in enumerate(r.many("contacts")):
        at = f"{r.at('contacts')}[{i}]"
        record, purge_at = _load_card(account, item, at)
        if record.id in store.by_id:
            raise SnapshotError(f"{at}.id", f"id {record.id!r} appears twice")
        if record.email in store.by_email:
            raise SnapshotError(f"{at}.email", f"e-mail {record.email!r} appears twice")
        tags = list(record.tags.items())
        for tag, _ in tags:
            record.drop_tag(tag)
        store.add(record)
        for tag, entry in tags:
            store.put_tag(record, tag, entry, entry.created_on)
        if purge_at is not None and record.deleted_at is not None:
            modified = record.modified_on
            store.soft_delete(record, record.deleted_at, purge_at)
            if record.modified_on != modified:  # soft_delete touched it: keep the saved instant
                record.modified_on = modified
                store.modified.add(modified, record.id)
    for tag, when in r.obj("tags").items():
        store.tags.restore_created(tag, _when(when, f"{r.at('tags')}.{tag}"))
    areas = r.obj("areas")
    known = {
        area.key for area in account.areas if type(area).load_state is not AccountArea.load_state
    }
    unknown = sorted(set(areas) - known)
    if unknown:
        raise SnapshotError(r.at("areas"), f"unknown areas {unknown} (known: {sorted(known)})")
    for area in account.areas:
        if area.key in areas:
            at = f"{r.at('areas')}.{area.key}"
            data = _obj(areas[area.key], at)
            try:
                area.load_state(data)
            except SnapshotError:
                raise
            except (ValueError, TypeError, KeyError, LookupError, EmulatorError) as err:
                raise SnapshotError(at, f"{type(err).__name__}: {err}") from None
    return account


def frozen_instant(data: object) -> datetime | None:
    """The instant a frozen clock stood at in ``data`` (an export), ``None`` for a
    running clock; checks the format and version (SnapshotError)."""
    r = _Reader(data, "")
    if r.data.get("format") != FORMAT:
        raise SnapshotError("format", f"must be {FORMAT!r}")
    if r.data.get("version") != VERSION:
        raise SnapshotError("version", f"must be {VERSION}, got {r.data.get('version')!r}")
    clock = r.obj("clock")
    if not clock:
        return None
    c = _Reader(clock, "clock")
    frozen: bool = c.get("frozen", _bool, False)
    return c.need("now", _when) if frozen else None


def load_accounts(data: object, emulator: Emulator[Any]) -> tuple[list[Account], datetime | None]:
    """Check ``data`` and build its accounts (not installed); also the frozen clock's instant.

    The accounts are built on a clock pinned at the instant they will run at
    (the saved frozen instant for a frozen emulator clock, else now); the
    caller gives them the emulator's clock once installed.
    """
    r = _Reader(data, "")
    now = frozen_instant(data)
    frozen_here = isinstance(emulator.clock, FrozenClock)
    pinned = _PinnedClock(now if now is not None and frozen_here else emulator.clock.now())
    accounts: list[Account] = []
    seen: set[str] = set()
    for i, item in enumerate(r.need("accounts", _list)):
        account = _load_account(item, f"accounts[{i}]", pinned)
        if account.client_id in seen:
            raise SnapshotError(f"accounts[{i}].clientId", f"{account.client_id!r} appears twice")
        seen.add(account.client_id)
        accounts.append(account)
    return accounts, now


def import_state(emulator: Emulator[Any], data: object) -> None:
    """Replace every account of ``emulator`` with those in ``data`` (from :func:`export_state`).

    A frozen instant in ``data`` moves the emulator's clock there when that
    clock is a :class:`~salesmanago_emulator.clock.FrozenClock` (a system
    clock is left alone). The call log is cleared. Bad data raises
    :class:`SnapshotError` and changes nothing.
    """
    with emulator.lock:
        accounts, now = load_accounts(data, emulator)
        for account in accounts:
            account.clock = emulator.clock
        emulator._replace_accounts(accounts)
        if now is not None and isinstance(emulator.clock, FrozenClock):
            emulator.clock.set(now)
