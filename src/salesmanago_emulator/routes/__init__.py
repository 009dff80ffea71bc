"""The emulator's routes, one module per API area; :data:`ALL_ROUTES` is the table.

Each area module (``contacts``, ``listings``, ``tags``, ``optin``, ``owners``)
collects its handlers in a :class:`~._base.RouteTable`; the router serves
exactly the paths listed here, and the coverage table
(:func:`salesmanago_emulator.routes`) is generated from it.
"""

from __future__ import annotations

from typing import Final

from . import contacts, listings, optin, owners, tags
from ._base import Route

__all__ = ["ALL_ROUTES"]

ALL_ROUTES: Final[tuple[Route, ...]] = (
    *contacts.table.routes,
    *listings.table.routes,
    *tags.table.routes,
    *optin.table.routes,
    *owners.table.routes,
)
"""Every served route."""
