"""The emulator's routes, one module per API area, named as the SDK resource.

Each area module collects its handlers in a :class:`~._base.RouteTable`;
:data:`ALL_ROUTES` below names every area's table, and the router serves
exactly these paths (the coverage table, :func:`salesmanago_emulator.routes`,
is generated from it). The full contact's lists are rendered by the area
modules too, named in :data:`~._shapes.CARD_SECTIONS`.
"""

from __future__ import annotations

from typing import Final

from . import (
    activity,
    contacts,
    coupons,
    events,
    exports,
    funnels,
    loyalty,
    notes,
    optin,
    rules,
    tags,
    tasks,
    users,
)
from ._base import Route

__all__ = ["ALL_ROUTES"]

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
)
"""Every served route."""
