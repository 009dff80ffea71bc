"""The emulator's extension points, in one place.

Everything here is for code that extends the emulator rather than uses it: a new
area of an account, a new control operation, a hook on card changes, a callback
deliverer of your own, a planned fault. A test suite that only uses the emulator
needs `salesmanago_emulator` alone.

- **Areas** ([`AccountArea`][salesmanago_emulator.state.AccountArea], `AccountCore`,
  `ContactObserver`): an area is pure state, gets the account's core and follows card changes
  through the observer hooks it overrides. See the recipe in the architecture page
  ("Adding an area"): an area is named in every table of its layers.
- **Routes** (`Route`, `RouteTable`, `RequestContext`,
  [`ALL_ROUTES`][salesmanago_emulator.routes.ALL_ROUTES], `CARD_SECTIONS`): the table the router
  serves and the full contact's lists; for API v3 (`V3Route`, `V3RouteTable`,
  `V3Context`, `V3_ROUTES`) the table of its second door.
- **Control operations** ([`ControlOperation`][salesmanago_emulator.control.ControlOperation],
  [`ControlTable`][salesmanago_emulator.control.ControlTable],
  [`ControlArgs`][salesmanago_emulator.control.ControlArgs],
  [`ControlledEmulator`][salesmanago_emulator.control.ControlledEmulator],
  [`CONTROL_OPERATIONS`][salesmanago_emulator.control.CONTROL_OPERATIONS]): a table of your own is
  ``ControlTable((*CONTROL_OPERATIONS, mine))``.
- **Snapshots** ([`AREAS`][salesmanago_emulator.snapshot.AREAS],
  [`dump_state`][salesmanago_emulator.snapshot.dump_state],
  [`load_state`][salesmanago_emulator.snapshot.load_state]): the state format, area by area.
- **Delivery and faults** ([`Deliverer`][salesmanago_emulator.delivery.Deliverer],
  [`OutboxEntry`][salesmanago_emulator.state.callbacks.OutboxEntry],
  [`FaultPlan`][salesmanago_emulator.faults.FaultPlan]).
"""

from __future__ import annotations

from .control import (
    CONTROL_OPERATIONS,
    ControlArgs,
    ControlError,
    ControlledEmulator,
    ControlOperation,
    ControlTable,
)
from .delivery import Deliverer
from .faults import FaultPlan
from .routes import ALL_ROUTES, V3_ROUTES
from .routes._base import RequestContext, Route, RouteTable
from .routes._shapes import CARD_SECTIONS
from .routes._v3 import V3Context, V3Route, V3RouteTable
from .snapshot import AREAS, dump_state, load_state
from .state import AccountArea, AccountCore, ContactObserver
from .state.callbacks import OutboxEntry

__all__ = [
    "ALL_ROUTES",
    "AREAS",
    "CARD_SECTIONS",
    "CONTROL_OPERATIONS",
    "V3_ROUTES",
    "AccountArea",
    "AccountCore",
    "ContactObserver",
    "ControlArgs",
    "ControlError",
    "ControlOperation",
    "ControlTable",
    "ControlledEmulator",
    "Deliverer",
    "FaultPlan",
    "OutboxEntry",
    "RequestContext",
    "Route",
    "RouteTable",
    "V3Context",
    "V3Route",
    "V3RouteTable",
    "dump_state",
    "load_state",
]
