"""The emulator's routes, one module per API area, named as the SDK resource.

Each area module collects its handlers in a `RouteTable`;
[`ALL_ROUTES`][salesmanago_emulator.routes.ALL_ROUTES] below names every area's table, and the
router serves exactly these paths (the coverage table, `salesmanago_emulator.routes`,
is generated from it). The full contact's lists are rendered by the area
modules too, named in `CARD_SECTIONS`.

API v3 (protocol §9) is a second door with its own route type
(`V3Route`: header authentication, a method per path, reason
codes): `V3_ROUTES` names every area's v3 table, and the router serves
the paths under ``/v3/`` from it.
"""

from __future__ import annotations

from typing import Final

from . import (
    activity,
    catalogs,
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
    users,
)
from ._base import Route
from ._v3 import V3Route

__all__ = ["ALL_ROUTES", "V3_ROUTES"]

ALL_ROUTES: Final[tuple[Route, ...]] = (
    *contacts.table.routes,
    *tags.table.routes,
    *optin.table.routes,
    *users.table.routes,
    *funnels.table.routes,
    *loyalty.table.routes,
    *exports.table.routes,
    *activity.table.routes,
    *coupons.table.routes,
    *notes.table.routes,
    *tasks.table.routes,
    *events.table.routes,
    *rules.table.routes,
    *rules.workflows_table.routes,
    *messages.table.routes,
)
"""Every served route."""

V3_ROUTES: Final[tuple[V3Route, ...]] = (*catalogs.table.routes,)
"""Every served API v3 route (protocol §9)."""
