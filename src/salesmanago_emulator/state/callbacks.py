"""Callbacks to an integrator: opt-in/opt-out URLs (S10.3, S17.2) and rule actions (S17.3).

Pure state like the rest of the account: this module decides *what* the
platform would call and records it in an outbox; it sends nothing. The
delivery layer ([`salesmanago_emulator.delivery`][salesmanago_emulator.delivery]) POSTs pending
entries and reports back through
[`CallbacksArea.record_attempt`][salesmanago_emulator.state.callbacks.CallbacksArea.record_attempt].

Opt-in/opt-out (S10.3): an account registers one URL per kind, each with its
own secret. Whenever a contact's e-mail status really changes (any path: a
write's force flags, opt-in/opt-out, batch, restoring the status before
"invalid"), an entry for the matching URL is queued. The URL is a template as
on the platform's settings page: ``$email$`` becomes the URL-encoded address
and ``sha1(...)`` the hex SHA-1 of its content with ``$email$`` replaced. The
JSON body (our format, protocol §10 grade D) is::

    {"id": entry id, "type": "OPT_IN" | "OPT_OUT", "clientId": ..., "contactId": ...,
     "email": ..., "source": S10.2 source, "createdOn": ms, "key": sha1(email + secret)}

The raw secret never leaves the emulator; a handler checks ``key``, and
because each URL has its own secret and the body names its ``type``, a swap
of the two URLs is detectable.

Rule actions (S17.3): integrator endpoints registered with
[`CallbacksArea.register_action`][salesmanago_emulator.state.callbacks.CallbacksArea.register_action]
receive what
[`CallbacksArea.fire_action`][salesmanago_emulator.state.callbacks.CallbacksArea.fire_action]
queues: ``{"id", "type": <action kind>, "clientId", "contactId", "email",
"createdOn", "key", "data": {...}}`` with ``data`` checked per kind (see
`ACTION_FIELDS`).
"""

from __future__ import annotations

import calendar
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any, ClassVar, Final
from urllib.parse import quote, urlsplit

import attrs

from ..errors import (
    RULE_DATA_OBJECT,
    RULE_INTEGER,
    RULE_NOT_A_USER,
    RULE_NOT_EMPTY,
    RULE_ONE_OF,
    RULE_REQUIRED,
    RULE_STRING,
    RULE_TASK_DATE,
    RULE_UNKNOWN_DATA_FIELD,
    RULE_URL,
    InvalidField,
)
from ._card import ContactRecord
from ._core import AccountArea, AccountCore
from ._normalize import check_text, normalize_email, normalize_tags
from .users import UsersArea

__all__ = [
    "ACTION_FIELDS",
    "ACTION_KINDS",
    "DEAL_ORDERS",
    "DEAL_SORTS",
    "DEAL_STATUSES",
    "OPT_KINDS",
    "OUTBOX_LIMIT",
    "ActionEndpoint",
    "CallbackEndpoint",
    "CallbacksArea",
    "OutboxEntry",
    "callback_key",
    "check_secret",
    "check_url",
    "expand_url",
]

OPT_KINDS: Final = ("OPT_IN", "OPT_OUT")
"""The two status callbacks an account can register (S10.3)."""
ACTION_KINDS: Final = ("NOTIFICATION", "NOTE", "TASK", "TAGS", "DEAL_STAGE")
"""Rule actions sent to an integrator such as a CRM (S17.3)."""
DEAL_STATUSES: Final = ("open", "won", "lost", "outdated")
"""Deal statuses a ``DEAL_STAGE`` action may set (S17.3)."""
DEAL_SORTS: Final = ("created", "modified", "name")
"""How a ``DEAL_STAGE`` action orders the contact's deals before ``limit`` (S17.3)."""
DEAL_ORDERS: Final = ("asc", "desc")
"""Sort directions of a ``DEAL_STAGE`` action (S17.3)."""
ACTION_FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    "NOTIFICATION": ("text", "owner"),
    "NOTE": ("text",),
    "TASK": ("text", "date", "owner"),
    "TAGS": ("tags",),
    "DEAL_STAGE": ("stage", "status", "process", "sort", "order", "limit"),
}
"""The ``data`` fields each action kind accepts; others are refused."""
OUTBOX_LIMIT: Final = 10_000
"""Most entries an account's outbox keeps; beyond it the oldest delivered go first."""

_SHA1_EXPR: Final = re.compile(r"sha1\(([^()]*)\)")
_RELATIVE: Final = re.compile(r"\+(\d{1,4})\s*(day|days|month|months)", re.IGNORECASE)
_ISO_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")


def callback_key(email: str, secret: str) -> str:
    """The ``key`` a callback carries: hex SHA-1 of the e-mail followed by the secret."""
    return hashlib.sha1((email + secret).encode(), usedforsecurity=False).hexdigest()


def expand_url(template: str, email: str) -> str:
    """Fill a callback URL template: ``sha1(...)`` expressions, then ``$email$`` (encoded)."""

    def digest(match: re.Match[str]) -> str:
        text = match.group(1).replace("$email$", email)
        return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()

    return _SHA1_EXPR.sub(digest, template).replace("$email$", quote(email, safe="@"))


def _ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


@attrs.frozen(kw_only=True)
class CallbackEndpoint:
    """A registered opt-in or opt-out URL (S10.3)."""

    kind: str
    """``OPT_IN`` or ``OPT_OUT``."""
    url: str
    """The URL template (``$email$`` and ``sha1(...)`` are filled per call)."""
    secret: str = attrs.field(repr=False)
    """The per-URL secret; only ``sha1(email + secret)`` is sent (kept out of ``repr``)."""


@attrs.frozen(kw_only=True)
class ActionEndpoint:
    """An integrator endpoint receiving rule actions (S17.3)."""

    id: str
    """The registration's id (to unregister it)."""
    url: str
    """Where the actions are POSTed (a template like `CallbackEndpoint.url`)."""
    secret: str = attrs.field(repr=False)
    """The endpoint's secret; only ``sha1(email + secret)`` is sent (kept out of ``repr``)."""
    kinds: tuple[str, ...]
    """The action kinds it receives."""


@attrs.frozen(kw_only=True)
class OutboxEntry:
    """One queued callback and how its delivery went."""

    id: str
    """Entry id, also the body's ``id`` (a handler can drop repeats)."""
    kind: str
    """``OPT_IN``, ``OPT_OUT`` or an action kind."""
    url: str
    """The final URL (template filled)."""
    payload: Mapping[str, Any]
    """The JSON body (read-only)."""
    created: datetime
    """When the platform queued it (the account's clock)."""
    attempts: int = 0
    """How many times a POST was made."""
    last_error: str | None = None
    """Why the last attempt failed or was refused; ``None`` after success."""
    delivered: bool = False
    """Whether a POST was answered with a 2xx status."""
    last_attempt: datetime | None = None
    """When it was last tried or refused."""


def check_url(url: object) -> str:
    """A callback URL as stored (trimmed): http or https with a host; InvalidField ``url``."""
    if not isinstance(url, str):
        raise InvalidField("url", RULE_STRING)
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidField("url", RULE_URL)
    return url.strip()


def check_secret(secret: object) -> str:
    """A callback secret: a non-empty string; InvalidField ``secret`` otherwise."""
    if not isinstance(secret, str):
        raise InvalidField("secret", RULE_STRING)
    if not secret:
        raise InvalidField("secret", RULE_NOT_EMPTY)
    return secret


def _one_of(field: str, value: object, choices: Sequence[str], *, upper: bool = False) -> str:
    text = value.strip() if isinstance(value, str) else None
    if text is not None:
        text = text.upper() if upper else text.lower()
    if text is None or text not in choices:
        raise InvalidField(field, RULE_ONE_OF.format(choices=", ".join(choices)))
    return text


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class CallbacksArea(AccountArea):
    """The account's callback settings and its outbox of calls to make."""

    key: ClassVar[str] = "callbacks"

    def __init__(self, account: AccountCore, *, users: UsersArea) -> None:
        """No URL registered, an empty outbox."""
        super().__init__(account)
        self._users = users
        self._endpoints: dict[str, CallbackEndpoint] = {}
        self._actions: dict[str, ActionEndpoint] = {}
        self._outbox: dict[str, OutboxEntry] = {}

    # --- registration ------------------------------------------------------------

    def register(self, kind: str, url: str, secret: str) -> CallbackEndpoint:
        """Set the ``OPT_IN`` or ``OPT_OUT`` URL (replacing the previous one) (S10.3).

        Any host is accepted here; delivery calls loopback hosts only.
        """
        endpoint = CallbackEndpoint(
            kind=_one_of("kind", kind, OPT_KINDS, upper=True),
            url=check_url(url),
            secret=check_secret(secret),
        )
        self._endpoints[endpoint.kind] = endpoint
        return endpoint

    def unregister(self, kind: str) -> bool:
        """Remove the ``OPT_IN`` or ``OPT_OUT`` URL; whether one was set."""
        return self._endpoints.pop(_one_of("kind", kind, OPT_KINDS, upper=True), None) is not None

    @property
    def endpoints(self) -> dict[str, CallbackEndpoint]:
        """The registered opt-in/opt-out URLs by kind (a copy)."""
        return dict(self._endpoints)

    def register_action(
        self, url: str, secret: str, *, kinds: Iterable[str] = ACTION_KINDS
    ) -> ActionEndpoint:
        """Add an integrator endpoint for rule actions of ``kinds`` (S17.3)."""
        if isinstance(kinds, str):
            kinds = [kinds]
        chosen = tuple(
            dict.fromkeys(
                _one_of(f"kinds[{i}]", k, ACTION_KINDS, upper=True) for i, k in enumerate(kinds)
            )
        )
        if not chosen:
            raise InvalidField("kinds", RULE_NOT_EMPTY)
        endpoint = ActionEndpoint(
            id=self.account.new_id(),
            url=check_url(url),
            secret=check_secret(secret),
            kinds=chosen,
        )
        self._actions[endpoint.id] = endpoint
        return endpoint

    def unregister_action(self, endpoint_id: str) -> bool:
        """Remove an action endpoint; whether it existed."""
        return self._actions.pop(endpoint_id, None) is not None

    @property
    def action_endpoints(self) -> list[ActionEndpoint]:
        """The action endpoints, in registration order."""
        return list(self._actions.values())

    # --- queueing ----------------------------------------------------------------

    def email_status_changed(self, record: ContactRecord, opted_out: bool, source: str) -> None:
        """Queue the matching opt-in/opt-out callback, if that URL is registered (S10.3)."""
        endpoint = self._endpoints.get("OPT_OUT" if opted_out else "OPT_IN")
        if endpoint is not None:
            self._queue(endpoint.kind, endpoint.url, endpoint.secret, record, {"source": source})

    def fire_action(
        self, kind: str, contact: str, data: Mapping[str, Any] | None = None
    ) -> list[OutboxEntry]:
        """A rule fires action ``kind`` on the live ``contact`` (e-mail or id) (S17.3).

        ``data`` is checked per `ACTION_FIELDS`; one entry is queued per
        endpoint receiving ``kind`` (none registered: nothing, no error).
        Returns the queued entries.
        """
        kind = _one_of("kind", kind, ACTION_KINDS, upper=True)
        record = self.account.find_live(contact)
        checked = self._check_action(kind, record, data if data is not None else {})
        return [
            self._queue(kind, e.url, e.secret, record, {"data": dict(checked)})
            for e in self._actions.values()
            if kind in e.kinds
        ]

    def _check_action(
        self, kind: str, record: ContactRecord, data: Mapping[str, Any]
    ) -> dict[str, Any]:
        if not isinstance(data, Mapping):
            raise InvalidField("data", RULE_DATA_OBJECT)
        fields = ACTION_FIELDS[kind]
        for name in data:
            if name not in fields:
                rule = RULE_UNKNOWN_DATA_FIELD.format(kind=kind, fields=", ".join(fields))
                raise InvalidField(f"data.{name}", rule)
        out: dict[str, Any] = {}
        if "text" in fields:
            out["text"] = self._text(data, "text")
        if "owner" in fields:
            owner = data.get("owner", record.main_owner)
            if not isinstance(owner, str) or not self._users.is_user(owner):
                raise InvalidField("data.owner", RULE_NOT_A_USER.format(value=owner))
            out["owner"] = normalize_email(owner)
        if kind == "TASK":
            out["date"], out["dueDate"] = self._task_date(data.get("date"))
        elif kind == "TAGS":
            tags = data.get("tags")
            if tags is None:
                raise InvalidField("data.tags", RULE_REQUIRED)
            values = [tags] if isinstance(tags, str) else tags
            if not isinstance(values, list):
                raise InvalidField("data.tags", RULE_STRING)
            out["tags"] = ",".join(normalize_tags(values, "data.tags"))
        elif kind == "DEAL_STAGE":
            # Seed 002: stage required; status and process optional; the deals
            # touched are the contact's open ones, sorted by modified date
            # descending, limit 1 (0 = all) unless the rule says otherwise.
            out["stage"] = self._text(data, "stage")
            if data.get("status") is not None:
                out["status"] = _one_of("data.status", data["status"], DEAL_STATUSES)
            if data.get("process") is not None:
                out["process"] = self._text(data, "process")
            out["sort"] = _one_of("data.sort", data.get("sort", "modified"), DEAL_SORTS)
            out["order"] = _one_of("data.order", data.get("order", "desc"), DEAL_ORDERS)
            limit = data.get("limit", 1)
            if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
                raise InvalidField("data.limit", RULE_INTEGER + " (0 = all)")
            out["limit"] = limit
        return out

    @staticmethod
    def _text(data: Mapping[str, Any], name: str) -> str:
        value = data.get(name)
        if value is None:
            raise InvalidField(f"data.{name}", RULE_REQUIRED)
        return check_text(value, f"data.{name}")

    def _task_date(self, value: object) -> tuple[str, str]:
        """The date as given and the due date it means in the account's time zone."""
        if value is None:
            raise InvalidField("data.date", RULE_REQUIRED)
        if not isinstance(value, str):
            raise InvalidField("data.date", RULE_STRING)
        text = value.strip()
        today = self.account.clock.now().astimezone(self.account.timezone).date()
        relative = _RELATIVE.fullmatch(text)
        if relative is not None:
            amount, unit = int(relative.group(1)), relative.group(2).lower()
            due = (
                today + timedelta(days=amount)
                if unit.startswith("day")
                else _add_months(today, amount)
            )
            return text, due.isoformat()
        if _ISO_DATE.fullmatch(text):
            try:
                return text, date.fromisoformat(text).isoformat()
            except ValueError:
                pass  # the shape of a date but no day of the calendar: refused below
        raise InvalidField("data.date", RULE_TASK_DATE.format(value=value))

    def _queue(
        self, kind: str, url: str, secret: str, record: ContactRecord, extra: Mapping[str, Any]
    ) -> OutboxEntry:
        now = self.account.clock.now()
        entry_id = self.account.new_id()
        payload: dict[str, Any] = {
            "id": entry_id,
            "type": kind,
            "clientId": self.account.client_id,
            "contactId": record.id,
            "email": record.email,
            "createdOn": _ms(now),
            "key": callback_key(record.email, secret),
            **extra,
        }
        entry = OutboxEntry(
            id=entry_id, kind=kind, url=expand_url(url, record.email), payload=payload, created=now
        )
        self._outbox[entry_id] = entry
        if len(self._outbox) > OUTBOX_LIMIT:
            self._drop_oldest()
        return entry

    def _drop_oldest(self) -> None:
        victim = next((e.id for e in self._outbox.values() if e.delivered), None)
        del self._outbox[victim if victim is not None else next(iter(self._outbox))]

    def contact_removed(self, record: ContactRecord) -> None:
        """Drop the undelivered entries about a card gone for good (S3.3: its data goes at once).

        Delivered entries stay as the record of calls already made.
        """
        if not self._outbox:  # the usual case: nothing queued, nothing to scan
            return
        drop = [
            e.id
            for e in self._outbox.values()
            if not e.delivered and e.payload.get("contactId") == record.id
        ]
        for entry_id in drop:
            del self._outbox[entry_id]

    # --- outbox ------------------------------------------------------------------

    def outbox(self, *, pending_only: bool = False) -> list[OutboxEntry]:
        """The outbox, oldest first; with ``pending_only`` the undelivered entries only."""
        return [e for e in self._outbox.values() if not (pending_only and e.delivered)]

    def entry(self, entry_id: str) -> OutboxEntry:
        """One entry by id (``KeyError`` if gone)."""
        return self._outbox[entry_id]

    def record_attempt(
        self, entry_id: str, at: datetime, *, error: str | None, sent: bool = True
    ) -> OutboxEntry | None:
        """Note a delivery outcome: ``error`` ``None`` means delivered.

        ``sent`` is false when the call was refused before any POST (the
        attempt count stays). Returns the updated entry, ``None`` if the entry
        is gone (cleared meanwhile).
        """
        entry = self._outbox.get(entry_id)
        if entry is None:
            return None
        entry = attrs.evolve(
            entry,
            attempts=entry.attempts + (1 if sent else 0),
            last_error=error,
            delivered=error is None,
            last_attempt=at,
        )
        self._outbox[entry_id] = entry
        return entry

    def clear_outbox(self, *, delivered_only: bool = False) -> int:
        """Drop outbox entries (all, or the delivered ones); returns how many."""
        drop = [e.id for e in self._outbox.values() if e.delivered or not delivered_only]
        for entry_id in drop:
            del self._outbox[entry_id]
        return len(drop)

    # --- area protocol -----------------------------------------------------------

    def reset(self) -> None:
        """Forget URLs, action endpoints and the outbox."""
        self._endpoints.clear()
        self._actions.clear()
        self._outbox.clear()

    def restore_saved(
        self,
        endpoints: Sequence[CallbackEndpoint],
        actions: Sequence[ActionEndpoint],
        outbox: Sequence[OutboxEntry],
    ) -> None:
        """Put back the URLs, action endpoints and outbox a state export saved, in their
        order (a state import: nothing is checked here)."""
        self._endpoints = {e.kind: e for e in endpoints}
        self._actions = {e.id: e for e in actions}
        self._outbox = {e.id: e for e in outbox}
