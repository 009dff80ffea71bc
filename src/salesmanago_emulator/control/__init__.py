"""The control API: set up and inspect the emulator from outside (moto's ``/moto-api/`` idea).

The server answers ``/_emulator/<name>`` here; in Python the same operations
run through [`Emulator.control(name, body)`][salesmanago_emulator.Emulator.control].
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

**The table.** Each module of this package lists its operations in an
``OPERATIONS`` tuple, named as the emulator's areas: ``accounts``, ``clock``,
``calls``, ``faults``, ``snapshot`` (``state``, ``state/import``, ``area``),
``routes``, and per account ``users``, ``contacts``, ``scoring``, ``companies``,
``loyalty``, ``callbacks``, ``exports``, ``activity``, ``rules``, ``catalogs`` (API v3
keys and catalogs), ``timeline``, ``events``, ``optin`` (consents, double opt-in, the
opt-in/out history), ``messages`` (e-mail and SMS).
[`CONTROL_OPERATIONS`][salesmanago_emulator.control.CONTROL_OPERATIONS] joins them here, in plain
sight, and [`CONTROL_TABLE`][salesmanago_emulator.control.CONTROL_TABLE] answers them. Nothing
registers itself by being imported: a new module's operations exist once they are added to
[`CONTROL_OPERATIONS`][salesmanago_emulator.control.CONTROL_OPERATIONS].

**Adding an operation.** A handler takes the emulator (typed as
[`ControlledEmulator`][salesmanago_emulator.control.ControlledEmulator]) and the request's
[`ControlArgs`][salesmanago_emulator.control.ControlArgs] (typed getters that answer 400 naming the
field) and returns the answer's fields; a
[`ControlOperation`][salesmanago_emulator.control.ControlOperation] names it::

    from typing import Any
    from salesmanago_emulator.control import (
        CONTROL_OPERATIONS, ControlArgs, ControlledEmulator, ControlOperation, ControlTable,
    )

    def _maintenance(emulator: ControlledEmulator, args: ControlArgs) -> dict[str, Any]:
        \"\"\"Answer 503 on one path.\"\"\"                # the first line documents it
        rule = emulator.faults.add("http_error", path=args.text("path"), status=503)
        return {"hits": rule.hits}                       # merged into the envelope

    MAINTENANCE = ControlOperation(
        name="maintenance/503", handler=_maintenance, keys=("path",)
    )
    table = ControlTable((*CONTROL_OPERATIONS, MAINTENANCE))
    table.call(emulator, "maintenance/503", {"path": "/api/contact/upsert"})

Inside the emulator, the operation goes into its area module's ``OPERATIONS``
and is then served by [`Emulator.control`][salesmanago_emulator.Emulator.control] and the server
alike. The handler runs under the emulator's lock and raises
[`ControlError`][salesmanago_emulator.control.ControlError] for its refusals; ``ValueError`` /
``TypeError`` become 400, ``KeyError`` / ``LookupError`` 404, a domain
[`EmulatorError`][salesmanago_emulator.errors.EmulatorError] 400 (404 for a missing contact,
company, loyalty program, rule or workflow). ``keys`` declares the input's keys: the table refuses
any other key by name (400) before the handler runs, and a getter asked for an undeclared key is the
handler's bug (``RuntimeError``). ``read_only=True`` allows ``GET`` and tells the server that no
state changed (no ``--state`` save). Names are unique: a table listing one
twice is a ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from . import (
    accounts,
    activity,
    callbacks,
    calls,
    catalogs,
    clock,
    companies,
    contact_manager,
    contacts,
    events,
    exports,
    faults,
    loyalty,
    messages,
    optin,
    routes,
    rules,
    scoring,
    snapshot,
    timeline,
    users,
)
from ._base import (
    CONTROL_PREFIX,
    ControlArgs,
    ControlError,
    ControlHandler,
    ControlledEmulator,
    ControlOperation,
    ControlTable,
)

__all__ = [
    "CONTROL_OPERATIONS",
    "CONTROL_PREFIX",
    "CONTROL_TABLE",
    "ControlArgs",
    "ControlError",
    "ControlHandler",
    "ControlOperation",
    "ControlTable",
    "ControlledEmulator",
    "call_control",
    "handle_control",
]

CONTROL_OPERATIONS: Final[tuple[ControlOperation, ...]] = (
    *accounts.OPERATIONS,
    *users.OPERATIONS,
    *clock.OPERATIONS,
    *calls.OPERATIONS,
    *faults.OPERATIONS,
    *snapshot.OPERATIONS,
    *routes.OPERATIONS,
    *contacts.OPERATIONS,
    *scoring.OPERATIONS,
    *companies.OPERATIONS,
    *loyalty.OPERATIONS,
    *callbacks.OPERATIONS,
    *exports.OPERATIONS,
    *activity.OPERATIONS,
    *rules.OPERATIONS,
    *catalogs.OPERATIONS,
    *messages.OPERATIONS,
    *timeline.OPERATIONS,
    *events.OPERATIONS,
    *optin.OPERATIONS,
    *contact_manager.OPERATIONS,
)
"""Every built-in control operation, module by module."""

CONTROL_TABLE: Final = ControlTable(CONTROL_OPERATIONS)
"""The table [`Emulator.control`][salesmanago_emulator.Emulator.control] and the
server answer."""


def call_control(
    emulator: ControlledEmulator, name: str, body: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Run built-in operation ``name`` with ``body``; its fields, or a ``ControlError``."""
    return CONTROL_TABLE.call(emulator, name, body)


def handle_control(
    emulator: ControlledEmulator, method: str, name: str, raw: bytes, query: str = ""
) -> tuple[int, bytes, bool]:
    """Answer one HTTP control request from
    [`CONTROL_TABLE`][salesmanago_emulator.control.CONTROL_TABLE]: status, JSON body, and whether
    state may have changed."""
    return CONTROL_TABLE.handle(emulator, method, name, raw, query)
