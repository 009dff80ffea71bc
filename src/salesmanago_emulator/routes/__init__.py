"""The emulator's routes, one module per API area; :data:`ALL_ROUTES` is the table.

Each area module (``contacts``, ``listings``, ``tags``, ``optin``, ``owners``)
collects its handlers in a :class:`~._base.RouteTable`; the router serves
exactly the paths listed here, and the coverage table
(:func:`salesmanago_emulator.routes`) is generated from it.
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
    listings,
    notes_tasks,
    optin,
    owners,
    rules,
    tags,
)
from ._base import Route

__all__ = ["ALL_ROUTES"]

ALL_ROUTES: Final[tuple[Route, ...]] = (
    *contacts.table.routes,
    *listings.table.routes,
    *tags.table.routes,
    *optin.table.routes,
    *owners.table.routes,
    *funnels.table.routes,
    *exports.table.routes,
    *activity.table.routes,
    *coupons.table.routes,
    *notes_tasks.table.routes,
    *notes_tasks.tasks_table.routes,
    *events.table.routes,
    *rules.table.routes,
    *rules.workflows_table.routes,
)
"""Every served route."""
