"""The emulator's dashboard: what a salesperson would see of the platform, in a browser.

Server-rendered pages (Jinja2 templates shipped in this package; no script, no build
step, no outside resource): the accounts, each account's contact list with filters,
the 360-degree contact card of seed 003 with the sections the emulator models, the
call log with every secret masked, and the clock, fault rules and callbacks.

The pages are pure functions of the [`Emulator`][salesmanago_emulator.Emulator]
(`accounts_page`, `contacts_page`, `card_page`, `calls_page`, `controls_page`,
`report_page`), testable without a server; `dashboard_routes` serves them with
Starlette, mounted by the server at ``/_emulator/ui``. Needs the ``server`` extra
(``pip install 'salesmanago-py[server]'``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._secrets import masked
from ._actions import ACTIONS, run_action
from ._card import SECTION_TITLES, card_sections
from ._guard import form_refusal
from ._views import (
    DEFAULT_BASE,
    ContactFilter,
    PageContext,
    accounts_page,
    calls_page,
    card_page,
    contacts_page,
    controls_page,
    error_page,
    report_page,
)

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

    from .._emulator import Emulator

__all__ = [
    "ACTIONS",
    "DEFAULT_BASE",
    "SECTION_TITLES",
    "ContactFilter",
    "PageContext",
    "accounts_page",
    "calls_page",
    "card_page",
    "card_sections",
    "contacts_page",
    "controls_page",
    "dashboard_routes",
    "error_page",
    "form_refusal",
    "masked",
    "report_page",
    "run_action",
]


def dashboard_routes(emulator: Emulator[Any], **options: Any) -> list[BaseRoute]:
    """The Starlette routes of the dashboard on ``emulator``, to mount at `DEFAULT_BASE`.

    ``options``: ``token`` (the forms' anti-forgery token; default random) and
    ``on_change`` (called after an action changed the state). Starlette is imported
    here, so the views work with Jinja2 alone.
    """
    from ._routes import dashboard_routes as build

    return build(emulator, **options)
