"""What a control operation is, and the table that answers them.

A [`ControlOperation`][salesmanago_emulator.control.ControlOperation] names a handler; a
[`ControlTable`][salesmanago_emulator.control.ControlTable] holds operations by name and runs them
([`ControlTable.call`][salesmanago_emulator.control.ControlTable.call] in process,
[`ControlTable.handle`][salesmanago_emulator.control.ControlTable.handle] for an HTTP request). A
handler takes the emulator (as
[`ControlledEmulator`][salesmanago_emulator.control.ControlledEmulator]: exactly what the control
API uses of it) and the request's [`ControlArgs`][salesmanago_emulator.control.ControlArgs], and
returns the answer's fields.

Nothing here knows the operations themselves: each area module of the package
lists its own, and `salesmanago_emulator.control` builds the table.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, Protocol
from urllib.parse import parse_qsl

import attrs

from .._jsoncodec import decode_json, encode_json
from ..clock import is_aware, parse_iso
from ..errors import (
    RULE_A_NUMBER,
    RULE_CONTROL_KEY,
    RULE_INTEGER,
    RULE_ISO_AWARE,
    RULE_ISO_INSTANT,
    RULE_REQUIRED,
    RULE_STRING,
    RULE_STRING_OR_LIST,
    RULE_TRUE_OR_FALSE,
    TEXT_CONTROL_BODY,
    TEXT_CONTROL_METHOD,
    TEXT_CONTROL_UNKNOWN,
    TEXT_CONTROL_WRITE_BY_GET,
    TEXT_FIELD,
    TEXT_INTERNAL,
    TEXT_NO_ACCOUNT,
    TEXT_NOT_JSON,
    TEXT_NOT_OBJECT,
    CompanyNotFound,
    ContactNotFound,
    EmulatorError,
    LoyaltyProgramNotFound,
    RuleNotFound,
    WorkflowNotFound,
)

if TYPE_CHECKING:
    from .._router import CallRecord
    from ..clock import Clock
    from ..delivery import Deliverer
    from ..faults import FaultInjector
    from ..state.account import Account

__all__ = [
    "CONTROL_PREFIX",
    "ControlArgs",
    "ControlError",
    "ControlHandler",
    "ControlOperation",
    "ControlTable",
    "ControlledEmulator",
]

CONTROL_PREFIX: Final = "/_emulator/"
"""The URL path under which the server answers control operations."""

_LOG: Final = logging.getLogger("salesmanago_emulator")
_MISSING: Final = object()


class ControlError(Exception):
    """A refused control operation: an HTTP status and the envelope's messages."""

    def __init__(self, message: str, status: int = 400) -> None:
        """``message`` goes to the envelope; ``status`` is the HTTP status (4xx)."""
        self.status = status
        self.messages = [message]
        super().__init__(message)

    @classmethod
    def field(cls, field: str, rule: str) -> ControlError:
        """A 400 naming ``field`` and the ``rule`` it breaks (``Field '...' <rule>``)."""
        return cls(TEXT_FIELD.format(field=field, rule=rule))


class ControlledEmulator(Protocol):
    """What the control operations use of an [`Emulator`][salesmanago_emulator.Emulator].

    Handlers are typed against this, not against ``Emulator``, so the control
    package never imports the module that imports it.
    """

    @property
    def accounts(self) -> Sequence[Account]:
        """Every account, in the order they were added."""
        ...

    def account(self, client_id: str) -> Account:
        """The account with this client id; ``KeyError`` otherwise."""
        ...

    def add_account(
        self,
        *,
        client_id: str,
        api_secret: str,
        users: Iterable[str],
        timezone: str = ...,
        passwords: Mapping[str, str] | None = ...,
        consents: Iterable[str | Mapping[str, Any]] = ...,
        consent_forms: Iterable[str | Mapping[str, Any]] = ...,
    ) -> Account:
        """Create an account; ``ValueError`` for a bad or taken ``client_id``."""
        ...

    @property
    def clock(self) -> Clock:
        """The emulator's clock."""
        ...

    @property
    def lock(self) -> AbstractContextManager[Any]:
        """The lock every request holds; an operation runs under it."""
        ...

    @property
    def calls(self) -> Sequence[CallRecord]:
        """The call log, oldest first."""
        ...

    def clear_calls(self) -> None:
        """Empty the call log."""
        ...

    @property
    def faults(self) -> FaultInjector:
        """The fault rules applied at the transport."""
        ...

    def reset(self) -> None:
        """Drop every account, the call log and the fault rules; keep the clock."""
        ...

    def export_state(self) -> Mapping[str, Any]:
        """Every account, contact and area as JSON-ready data."""
        ...

    def import_state(self, data: Mapping[str, Any]) -> None:
        """Replace every account with those of an export; all or nothing."""
        ...

    def deliverer(self, **options: Any) -> Deliverer:
        """A deliverer of every account's callbacks."""
        ...


class ControlArgs:
    """The input of a control operation, with typed getters that refuse bad values (400).

    Each getter takes the field name and an optional default; a field that is
    missing (or ``null``) with no default is refused as required. Numbers and
    booleans may also come as strings (``GET`` query parameters).
    """

    def __init__(
        self,
        data: Mapping[str, Any],
        operations: Sequence[ControlOperation] = (),
        keys: Collection[str] | None = None,
    ) -> None:
        """Wrap the decoded JSON object (or query parameters).

        ``operations``: every operation of the table the request was sent to
        (what the ``routes`` operation lists). ``keys``: the keys the operation
        declares (the table refused any other already); a getter asked for a key
        not among them is a bug of the operation (``RuntimeError``).
        """
        self.data = data
        self.operations = tuple(operations)
        self.keys = None if keys is None else frozenset(keys)

    def _get(self, key: str, default: object) -> object:
        if self.keys is not None and key not in self.keys:
            raise RuntimeError(f"the control operation reads {key!r} but does not declare it")
        value = self.data.get(key)
        if value is None:
            if default is _MISSING:
                raise ControlError.field(key, RULE_REQUIRED)
            return default
        return value

    def text(self, key: str, default: Any = _MISSING) -> Any:
        """A string field."""
        value = self._get(key, default)
        if value is not default and not isinstance(value, str):
            raise ControlError.field(key, RULE_STRING)
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
                pass  # no integer: refused below
        elif isinstance(value, int) and not isinstance(value, bool):
            return value
        raise ControlError.field(key, RULE_INTEGER)

    def number(self, key: str, default: Any = _MISSING) -> Any:
        """A number field (or a numeric string), as a float."""
        value = self._get(key, default)
        if value is default:
            return value
        if isinstance(value, (int, float, Decimal, str)) and not isinstance(value, bool):
            try:
                result = float(value)
            except ValueError:
                pass  # no number: refused below
            else:
                if result == result and abs(result) != float("inf"):
                    return result
        raise ControlError.field(key, RULE_A_NUMBER)

    def boolean(self, key: str, default: Any = _MISSING) -> Any:
        """A boolean field (or ``"true"`` / ``"false"``)."""
        value = self._get(key, default)
        if value is default or isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise ControlError.field(key, RULE_TRUE_OR_FALSE)

    def instant(self, key: str, default: Any = _MISSING) -> Any:
        """A timezone-aware ISO-8601 date-time field."""
        text = self.text(key, default)
        if text is default:
            return text
        try:
            when = parse_iso(text)
        except ValueError:
            raise ControlError.field(key, RULE_ISO_INSTANT) from None
        if not is_aware(when):
            raise ControlError.field(key, RULE_ISO_AWARE)
        return when

    def account(self, emulator: ControlledEmulator) -> Account:
        """The account named by ``clientId``, or the first one; 404 if there is none."""
        client_id = self.text("clientId", None)
        if client_id is None:
            accounts = emulator.accounts
            if not accounts:
                raise ControlError(TEXT_NO_ACCOUNT, 404)
            return accounts[0]
        try:
            return emulator.account(client_id)
        except KeyError as err:
            raise ControlError(str(err.args[0]), 404) from None

    def names(self, key: str) -> list[str] | None:
        """A list of strings, or one comma-separated string (``GET``); ``None`` if absent."""
        value = self._get(key, None)
        if value is None:
            return None
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ControlError.field(key, RULE_STRING_OR_LIST)
        return list(value)


ControlHandler = Callable[[ControlledEmulator, ControlArgs], Mapping[str, Any]]
"""A control operation's code: the emulator and its input in, the answer's fields out."""


def _check_name(_instance: object, _attribute: object, name: str) -> None:
    if not name or name.startswith("/") or name != name.strip():
        raise ValueError(f"bad control operation name {name!r}")


@attrs.frozen(kw_only=True)
class ControlOperation:
    """One control operation: ``/_emulator/<name>`` runs ``handler``."""

    name: str = attrs.field(validator=_check_name)
    """The path under ``/_emulator/``, e.g. ``clock/advance`` (no slash around it)."""
    handler: ControlHandler
    """The code: the emulator and the request's input in, the answer's fields out."""
    read_only: bool = False
    """The operation changes nothing: ``GET`` allowed, no state save."""
    keys: tuple[str, ...] = ()
    """The keys its input may hold (``clientId`` among them for an operation on one
    account); the table refuses a request with any other key, naming it (400)."""
    description: str = attrs.field()
    """What ``routes`` says of it; by default the first line of the handler's docstring."""

    @description.default
    def _first_docstring_line(self) -> str:
        doc = (self.handler.__doc__ or "").strip().splitlines()
        return doc[0] if doc else ""


# What the control API answers with 404 (any other refusal of the state layer is a 400).
_NOT_FOUND: Final = (
    ContactNotFound,
    CompanyNotFound,
    LoyaltyProgramNotFound,
    RuleNotFound,
    WorkflowNotFound,
)


def _json_default(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def encode(envelope: Mapping[str, Any]) -> bytes:
    """An answer as compact JSON bytes; money (``Decimal``) keeps exactly its digits."""
    return encode_json(envelope, _json_default).encode()


def _failure(status: int, messages: list[str]) -> tuple[int, bytes, bool]:
    return status, encode({"success": False, "message": messages}), False


class ControlTable:
    """Control operations by name, and the dispatcher that runs them; never changed.

    Built from every operation it answers; a name listed twice is a
    ``ValueError``. A table with more operations is a new table:

    ```python
    table = ControlTable((*CONTROL_OPERATIONS, my_operation))
    ```
    """

    __slots__ = ("_by_name",)

    def __init__(self, operations: Iterable[ControlOperation]) -> None:
        """A table answering exactly ``operations``."""
        by_name: dict[str, ControlOperation] = {}
        for operation in operations:
            if operation.name in by_name:
                raise ValueError(f"the control operation {operation.name!r} is listed twice")
            by_name[operation.name] = operation
        self._by_name = MappingProxyType(dict(sorted(by_name.items())))

    @property
    def operations(self) -> tuple[ControlOperation, ...]:
        """Every operation, sorted by name."""
        return tuple(self._by_name.values())

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __len__(self) -> int:
        return len(self._by_name)

    def find(self, name: str) -> ControlOperation:
        """The operation ``name`` (slashes around it ignored); 404 naming the known ones."""
        operation = self._by_name.get(name.strip("/"))
        if operation is None:
            known = ", ".join(self._by_name)
            raise ControlError(TEXT_CONTROL_UNKNOWN.format(name=name, known=known), 404)
        return operation

    def _run(
        self, emulator: ControlledEmulator, operation: ControlOperation, data: Mapping[str, Any]
    ) -> dict[str, Any]:
        check_keys(operation, data)
        args = ControlArgs(data, self.operations, operation.keys)
        try:
            with emulator.lock:
                return dict(operation.handler(emulator, args))
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

    def call(
        self, emulator: ControlledEmulator, name: str, body: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """Run operation ``name`` with ``body``; its fields, or a ``ControlError``."""
        if body is not None and not isinstance(body, Mapping):
            raise ControlError(TEXT_CONTROL_BODY)
        return self._run(emulator, self.find(name), body or {})

    def handle(
        self, emulator: ControlledEmulator, method: str, name: str, raw: bytes, query: str = ""
    ) -> tuple[int, bytes, bool]:
        """Answer one HTTP request: status, JSON body, and whether state may have changed."""
        try:
            operation = self.find(name)
            result = self._run(emulator, operation, _request_data(operation, method, raw, query))
            body = encode({"success": True, "message": [], **result})
        except ControlError as err:
            return _failure(err.status, err.messages)
        except Exception:
            _LOG.exception("salesmanago_emulator: control operation %s failed", name.strip("/"))
            return _failure(500, [TEXT_INTERNAL])
        return 200, body, not operation.read_only


def check_keys(operation: ControlOperation, data: Mapping[str, Any]) -> None:
    """Refuse (400) input holding a key ``operation`` does not declare, naming the first
    one and the keys it takes; nothing has run yet, so nothing changes."""
    for key in data:
        if key not in operation.keys:
            keys = ", ".join(operation.keys) or "none"
            raise ControlError.field(
                str(key), RULE_CONTROL_KEY.format(name=operation.name, keys=keys)
            )


def _request_data(
    operation: ControlOperation, method: str, raw: bytes, query: str
) -> Mapping[str, Any]:
    """The input of an HTTP request: ``GET`` query parameters or a ``POST`` JSON object."""
    if method == "GET":
        if not operation.read_only:
            raise ControlError(TEXT_CONTROL_WRITE_BY_GET.format(name=operation.name), 405)
        return dict(parse_qsl(query))
    if method != "POST":
        raise ControlError(TEXT_CONTROL_METHOD.format(method=method), 405)
    try:
        data = decode_json(raw) if raw.strip() else {}
    except (ValueError, RecursionError):  # not JSON, NaN, a number out of range
        raise ControlError(TEXT_NOT_JSON) from None
    if not isinstance(data, dict):
        raise ControlError(TEXT_NOT_OBJECT)
    return data
