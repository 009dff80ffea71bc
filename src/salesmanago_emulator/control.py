"""The control API: set up and inspect the emulator from outside (moto's ``/moto-api/`` idea).

The server answers ``/_emulator/<name>`` here; in Python the same operations
run through :meth:`Emulator.control(name, body) <salesmanago_emulator.Emulator.control>`.
The in-process transport does **not** serve ``/_emulator/`` paths: code under
test talks to the platform's API only, and a test sets the emulator up
through its Python object.

Requests are JSON objects sent with ``POST`` (``GET`` with query parameters is
allowed for read-only operations). Answers use the platform's envelope:
``{"success": true, "message": [], ...fields}`` with HTTP 200, or
``{"success": false, "message": ["..."]}`` with HTTP 400 (bad input), 404
(unknown operation, account or contact), 405 (``GET`` on a write) or 409
(conflict). Operations pick an account with ``clientId`` (default: the first
account). The control API has no authentication: the server binds the
loopback interface by default.

**The registry.** Operations are registered with :func:`control_route`;
another module adds its own (fault injection, callbacks, ...) the same way::

    from salesmanago_emulator.control import ControlArgs, control_route

    @control_route("maintenance/503")
    def _maintenance(emulator: Emulator[Any], args: ControlArgs) -> dict[str, Any]:
        \"\"\"Answer 503 on one path.\"\"\"                # the first line documents it
        rule = emulator.faults.add("http_error", path=args.text("path"), status=503)
        return {"hits": rule.hits}                       # merged into the envelope

The handler runs under the emulator's lock. It reads its input through
:class:`ControlArgs` (typed getters that answer 400 naming the field) and
raises :class:`ControlError` for other refusals; ``ValueError`` /
``TypeError`` become 400, ``KeyError`` / ``LookupError`` 404, a domain
:class:`~salesmanago_emulator.errors.EmulatorError` 400 (404 for a missing
contact). ``read_only=True`` allows ``GET`` and tells the server that no
state changed (no ``--state`` save). A module's routes exist once it is
imported: register them in a module the package imports (an area module
``state/account.py`` imports, or ``__init__``). Names are unique;
registering one twice is a ``ValueError``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, TypeVar
from urllib.parse import parse_qsl

import attrs

from ._jsoncodec import decode_json, encode_json
from ._router import CallRecord
from .clock import FrozenClock, is_aware, parse_iso, utc_iso
from .errors import (
    TEXT_INTERNAL,
    TEXT_NOT_JSON,
    TEXT_NOT_OBJECT,
    CompanyNotFound,
    ContactNotFound,
    EmulatorError,
    RuleNotFound,
    WorkflowNotFound,
)

if TYPE_CHECKING:
    from ._emulator import Emulator
    from .state.account import Account

__all__ = [
    "CONTROL_PREFIX",
    "ControlArgs",
    "ControlError",
    "ControlHandler",
    "ControlRoute",
    "call_control",
    "control_route",
    "control_routes",
    "handle_control",
]

CONTROL_PREFIX: Final = "/_emulator/"
"""The URL path under which the server answers control operations."""

_LOG: Final = logging.getLogger("salesmanago_emulator")
_MISSING: Final = object()
_T = TypeVar("_T")


class ControlError(Exception):
    """A refused control operation: an HTTP status and the envelope's messages."""

    def __init__(self, message: str, status: int = 400) -> None:
        """``message`` goes to the envelope; ``status`` is the HTTP status (4xx)."""
        self.status = status
        self.messages = [message]
        super().__init__(message)


class ControlArgs:
    """The input of a control operation, with typed getters that refuse bad values (400).

    Each getter takes the field name and an optional default; a field that is
    missing (or ``null``) with no default is refused as required. Numbers and
    booleans may also come as strings (``GET`` query parameters).
    """

    def __init__(self, data: Mapping[str, Any]) -> None:
        """Wrap the decoded JSON object (or query parameters)."""
        self.data = data

    def _get(self, key: str, default: object) -> object:
        value = self.data.get(key)
        if value is None:
            if default is _MISSING:
                raise ControlError(f"Field '{key}' is required")
            return default
        return value

    def text(self, key: str, default: Any = _MISSING) -> Any:
        """A string field."""
        value = self._get(key, default)
        if value is not default and not isinstance(value, str):
            raise ControlError(f"Field '{key}' must be a string")
        return value

    def integer(self, key: str, default: Any = _MISSING) -> Any:
        """An integer field (or a string of digits)."""
        value = self._get(key, default)
        if value is default:
            return value
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                pass
        elif isinstance(value, int) and not isinstance(value, bool):
            return value
        raise ControlError(f"Field '{key}' must be an integer")

    def number(self, key: str, default: Any = _MISSING) -> Any:
        """A number field (or a numeric string), as a float."""
        value = self._get(key, default)
        if value is default:
            return value
        if isinstance(value, (int, float, Decimal, str)) and not isinstance(value, bool):
            try:
                result = float(value)
            except ValueError:
                pass
            else:
                if result == result and abs(result) != float("inf"):
                    return result
        raise ControlError(f"Field '{key}' must be a number")

    def boolean(self, key: str, default: Any = _MISSING) -> Any:
        """A boolean field (or ``"true"`` / ``"false"``)."""
        value = self._get(key, default)
        if value is default or isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise ControlError(f"Field '{key}' must be true or false")

    def instant(self, key: str) -> datetime:
        """A timezone-aware ISO-8601 date-time field."""
        text = self.text(key)
        try:
            when = parse_iso(text)
        except ValueError:
            raise ControlError(f"Field '{key}' must be an ISO-8601 date-time") from None
        if not is_aware(when):
            raise ControlError(f"Field '{key}' must be timezone-aware (add e.g. +00:00)")
        return when

    def account(self, emulator: Emulator[Any]) -> Account:
        """The account named by ``clientId``, or the first one; 404 if there is none."""
        client_id = self.text("clientId", None)
        if client_id is None:
            accounts = emulator.accounts
            if not accounts:
                raise ControlError("The emulator has no account", 404)
            return accounts[0]
        try:
            return emulator.account(client_id)
        except KeyError as err:
            raise ControlError(str(err.args[0]), 404) from None


ControlHandler = Callable[["Emulator[Any]", ControlArgs], Mapping[str, Any]]
"""A control operation: the emulator and its input in, the answer's fields out."""


@attrs.frozen(kw_only=True)
class ControlRoute:
    """One registered control operation."""

    name: str
    handler: ControlHandler
    read_only: bool
    description: str


_ROUTES: dict[str, ControlRoute] = {}


def control_route(name: str, *, read_only: bool = False) -> Callable[[ControlHandler], Any]:
    """Register the decorated function as the control operation ``/_emulator/<name>``.

    ``read_only``: the operation changes nothing (``GET`` allowed, no state save).
    The function's docstring (first line) is its description.
    """
    if not name or name.startswith("/") or name != name.strip():
        raise ValueError(f"bad control route name {name!r}")

    def register(handler: ControlHandler) -> ControlHandler:
        if name in _ROUTES:
            raise ValueError(f"the control route {name!r} is registered twice")
        doc = (handler.__doc__ or "").strip().splitlines()
        _ROUTES[name] = ControlRoute(
            name=name, handler=handler, read_only=read_only, description=doc[0] if doc else ""
        )
        return handler

    return register


def control_routes() -> list[ControlRoute]:
    """Every registered control operation, sorted by name."""
    return sorted(_ROUTES.values(), key=lambda route: route.name)


def _route(name: str) -> ControlRoute:
    route = _ROUTES.get(name.strip("/"))
    if route is None:
        known = ", ".join(sorted(_ROUTES))
        raise ControlError(f"Unknown control operation {name!r} (known: {known})", 404)
    return route


# What the control API answers with 404 (any other refusal of the state layer is a 400).
_NOT_FOUND: Final = (ContactNotFound, CompanyNotFound, RuleNotFound, WorkflowNotFound)


def _run(emulator: Emulator[Any], route: ControlRoute, data: Mapping[str, Any]) -> dict[str, Any]:
    try:
        with emulator.lock:
            return dict(route.handler(emulator, ControlArgs(data)))
    except ControlError:
        raise
    except _NOT_FOUND as err:
        raise ControlError(str(err), 404) from None
    except EmulatorError as err:
        raise ControlError(str(err), 400) from None
    except (KeyError, LookupError) as err:
        raise ControlError(str(err.args[0] if err.args else err), 404) from None
    except (ValueError, TypeError) as err:
        raise ControlError(str(err), 400) from None


def call_control(
    emulator: Emulator[Any], name: str, body: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Run control operation ``name`` with ``body``; its fields, or :class:`ControlError`."""
    if body is not None and not isinstance(body, Mapping):
        raise ControlError("The body must be a JSON object")
    return _run(emulator, _route(name), body or {})


def _json_default(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def encode(envelope: Mapping[str, Any]) -> bytes:
    """An answer as compact JSON bytes; money (``Decimal``) keeps exactly its digits."""
    return encode_json(envelope, _json_default).encode()


def _failure(status: int, messages: list[str]) -> tuple[int, bytes, bool]:
    return status, encode({"success": False, "message": messages}), False


def handle_control(
    emulator: Emulator[Any], method: str, name: str, raw: bytes, query: str = ""
) -> tuple[int, bytes, bool]:
    """Answer one HTTP control request: status, JSON body, and whether state may have changed."""
    try:
        route = _route(name)
    except ControlError as err:
        return _failure(err.status, err.messages)
    if method == "GET":
        if not route.read_only:
            return _failure(405, [f"Control operation {route.name!r} changes state: use POST"])
        data: Any = dict(parse_qsl(query))
    elif method == "POST":
        try:
            data = decode_json(raw) if raw.strip() else {}
        except (ValueError, RecursionError):  # not JSON, NaN, a number out of range
            return _failure(400, [TEXT_NOT_JSON])
        if not isinstance(data, dict):
            return _failure(400, [TEXT_NOT_OBJECT])
    else:
        return _failure(405, [f"Method {method} is not allowed: use POST (or GET to read)"])
    try:
        result = _run(emulator, route, data)
        body = encode({"success": True, "message": [], **result})
    except ControlError as err:
        return _failure(err.status, err.messages)
    except Exception:
        _LOG.exception("salesmanago_emulator: control operation %s failed", route.name)
        return _failure(500, [TEXT_INTERNAL])
    return 200, body, not route.read_only


# --- the built-in operations ------------------------------------------------------------


def _account_info(account: Account) -> dict[str, Any]:
    return {
        "clientId": account.client_id,
        "users": list(account.users),
        "timezone": account.timezone.key,
        "contacts": account.count(),
    }


def _clock_info(emulator: Emulator[Any]) -> dict[str, Any]:
    return {
        "now": utc_iso(emulator.clock.now()),
        "frozen": isinstance(emulator.clock, FrozenClock),
    }


def _frozen(emulator: Emulator[Any]) -> FrozenClock:
    clock = emulator.clock
    if not isinstance(clock, FrozenClock):
        raise ControlError(
            "The emulator runs on the system clock: start it with a frozen clock "
            "(serve --now ISO) to move time",
            409,
        )
    return clock


@control_route("reset")
def _reset(emulator: Emulator[Any], args: ControlArgs) -> Mapping[str, Any]:
    """Drop every account, the call log and the fault rules (the clock stays)."""
    emulator.reset()
    return {}


@control_route("accounts", read_only=True)
def _accounts(emulator: Emulator[Any], args: ControlArgs) -> Mapping[str, Any]:
    """List the accounts: clientId, users, timezone, live contact count (no secrets)."""
    return {"accounts": [_account_info(account) for account in emulator.accounts]}


@control_route("accounts/create")
def _create_account(emulator: Emulator[Any], args: ControlArgs) -> Mapping[str, Any]:
    """Create an account: clientId, apiSecret, users (list of e-mails), timezone."""
    client_id = args.text("clientId")
    users = args.data.get("users")
    if isinstance(users, str):
        users = [users]
    if not isinstance(users, list) or not all(isinstance(u, str) for u in users):
        raise ControlError("Field 'users' must be a list of e-mail addresses")
    if any(account.client_id == client_id for account in emulator.accounts):
        raise ControlError(f"An account with clientId {client_id!r} already exists", 409)
    account = emulator.add_account(
        client_id=client_id,
        api_secret=args.text("apiSecret"),
        users=users,
        timezone=args.text("timezone", "Europe/Warsaw"),
    )
    return {"account": _account_info(account)}


@control_route("clock", read_only=True)
def _clock(emulator: Emulator[Any], args: ControlArgs) -> Mapping[str, Any]:
    """The emulator's time (UTC) and whether the clock is frozen."""
    return _clock_info(emulator)


@control_route("clock/set")
def _clock_set(emulator: Emulator[Any], args: ControlArgs) -> Mapping[str, Any]:
    """Put the frozen clock at ``now`` (ISO-8601 with a zone; earlier instants allowed)."""
    _frozen(emulator).set(args.instant("now"))
    return _clock_info(emulator)


@control_route("clock/advance")
def _clock_advance(emulator: Emulator[Any], args: ControlArgs) -> Mapping[str, Any]:
    """Move the frozen clock forward by days, hours, minutes and/or seconds (sum, >= 0)."""
    parts = {unit: args.number(unit, 0.0) for unit in ("days", "hours", "minutes", "seconds")}
    if not any(key in args.data for key in parts):
        raise ControlError("Give at least one of days, hours, minutes, seconds")
    delta = timedelta(**parts)
    if delta < timedelta(0):
        raise ControlError("The clock only moves forward here: use clock/set to go back")
    _frozen(emulator).advance(delta)
    return _clock_info(emulator)


@control_route("state", read_only=True)
def _state(emulator: Emulator[Any], args: ControlArgs) -> Mapping[str, Any]:
    """Export the whole state (accounts, contacts, areas, frozen clock) as ``state``."""
    return {"state": emulator.export_state()}


@control_route("state/import")
def _state_import(emulator: Emulator[Any], args: ControlArgs) -> Mapping[str, Any]:
    """Replace the whole state with ``state`` (an export); all or nothing."""
    data = args.data.get("state")
    if not isinstance(data, Mapping):
        raise ControlError("Field 'state' must be an object (an export of /_emulator/state)")
    emulator.import_state(data)  # SnapshotError is a ValueError: 400 naming the path
    return {"accounts": len(emulator.accounts)}


def _call_info(call: CallRecord) -> dict[str, Any]:
    info = {
        "method": call.method,
        "path": call.path,
        "request": call.request,
        "status": call.status,
        "response": call.response,
        "at": utc_iso(call.at),
    }
    if call.fault is not None:
        info["fault"] = call.fault
    return info


@control_route("calls", read_only=True)
def _calls(emulator: Emulator[Any], args: ControlArgs) -> Mapping[str, Any]:
    """The API call log, oldest first (``sha`` masked); ``limit`` keeps the last n, ``path``."""
    calls = emulator.calls
    path = args.text("path", None)
    if path is not None:
        calls = [call for call in calls if call.path == path]
    limit = args.integer("limit", None)
    if limit is not None:
        if limit < 0:
            raise ControlError("Field 'limit' must be zero or positive")
        calls = calls[len(calls) - limit :] if limit else []
    return {"calls": [_call_info(call) for call in calls]}


@control_route("calls/clear")
def _calls_clear(emulator: Emulator[Any], args: ControlArgs) -> Mapping[str, Any]:
    """Empty the call log."""
    emulator.clear_calls()
    return {}


def _card(account: Account, key: str) -> dict[str, Any]:
    from .snapshot import export_card

    record = account.find(key)
    if record is None:
        raise ContactNotFound(key)
    return export_card(account, record)


@control_route("contact", read_only=True)
def _contact(emulator: Emulator[Any], args: ControlArgs) -> Mapping[str, Any]:
    """One card (``contact``: e-mail or id), soft-deleted ones included, in the state format."""
    account = args.account(emulator)
    return {"contact": _card(account, args.text("contact"))}


@control_route("contacts", read_only=True)
def _contacts(emulator: Emulator[Any], args: ControlArgs) -> Mapping[str, Any]:
    """Every card of the account; soft-deleted ones too with ``includeDeleted``."""
    from .snapshot import export_card

    account = args.account(emulator)
    records = (
        account.all_contacts() if args.boolean("includeDeleted", False) else account.live_contacts()
    )
    return {"contacts": [export_card(account, record) for record in records]}


@control_route("contacts/score/set")
def _score_set(emulator: Emulator[Any], args: ControlArgs) -> Mapping[str, Any]:
    """Set a live card's scoring (``contact``, ``score``) (S4.1)."""
    account = args.account(emulator)
    record = account.scoring.set(args.text("contact"), args.integer("score"))
    return {"contact": record.email, "score": record.score}


@control_route("contacts/score/add")
def _score_add(emulator: Emulator[Any], args: ControlArgs) -> Mapping[str, Any]:
    """Add ``points`` (may be negative) to a live card's scoring (``contact``) (S4.1)."""
    account = args.account(emulator)
    record = account.scoring.add(args.text("contact"), args.integer("points"))
    return {"contact": record.email, "score": record.score}


@control_route("purge")
def _purge(emulator: Emulator[Any], args: ControlArgs) -> Mapping[str, Any]:
    """Run the nightly purge now for cards whose 02:00 has passed (all accounts or one)."""
    accounts = [args.account(emulator)] if "clientId" in args.data else emulator.accounts
    purged = [
        {"clientId": account.client_id, "id": record.id, "email": record.email}
        for account in accounts
        for record in account.run_due_purge()
    ]
    return {"purged": purged}


@control_route("companies", read_only=True)
def _companies(emulator: Emulator[Any], args: ControlArgs) -> Mapping[str, Any]:
    """The account's companies (name, scoring, live persons' e-mails, campaigns); or ``name``."""
    account = args.account(emulator)
    name = args.text("name", None)
    names = [name] if name is not None else account.companies.names()
    views = [account.companies.company(n) for n in names]
    companies = [
        {
            "name": view.name,
            "scoring": view.scoring,
            "persons": [person.email for person in view.persons],
            "campaigns": list(view.campaigns),
        }
        for view in views
    ]
    if name is not None:
        return {"company": companies[0]}
    return {"companies": companies}


@control_route("area", read_only=True)
def _area(emulator: Emulator[Any], args: ControlArgs) -> Mapping[str, Any]:
    """One area's state of the account (``area``: its key, e.g. ``companies``), as exported."""
    account = args.account(emulator)
    key = args.text("area")
    for area in account.areas:
        if area.key == key:
            return {"area": key, "state": area.to_state()}
    known = ", ".join(area.key for area in account.areas) or "none"
    raise ControlError(f"Unknown area {key!r} (known: {known})", 404)


@control_route("routes", read_only=True)
def _routes(emulator: Emulator[Any], args: ControlArgs) -> Mapping[str, Any]:
    """Every control operation: name, read-only flag, description."""
    return {
        "routes": [
            {"name": r.name, "readOnly": r.read_only, "description": r.description}
            for r in control_routes()
        ]
    }
