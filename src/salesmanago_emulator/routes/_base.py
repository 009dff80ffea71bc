"""What a route is: a path, a handler, and whether the request must name an owner.

A handler takes the authenticated :class:`RequestContext` and the decoded
JSON body, reads the body through :mod:`._parse`, calls the account, and
returns the method-specific fields of a successful envelope (the router adds
``success`` and ``message``). A handler that must answer ``success: false``
while still reporting results (a partly applied batch) returns ``success``
and ``message`` itself. Refusals are raised as
:class:`~salesmanago_emulator.errors.EmulatorError`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

from ._parse import Body

if TYPE_CHECKING:
    from ..state.account import Account

__all__ = ["Handler", "RequestContext", "Route", "RouteTable", "describe"]


class RequestContext:
    """An authenticated request: the account, the acting owner, and the time of the call."""

    __slots__ = ("_owner", "account", "now")

    account: Account
    now: datetime

    def __init__(self, account: Account, owner: str | None, now: datetime) -> None:
        """``owner`` is the normalised owner e-mail, or ``None`` when the request named none."""
        self.account = account
        self._owner = owner
        self.now = now

    @property
    def owner(self) -> str:
        """The owner e-mail; only owner-bound routes may ask (the router checked it)."""
        if self._owner is None:
            raise RuntimeError("this route is not owner-bound: the request may name no owner")
        return self._owner

    @property
    def optional_owner(self) -> str | None:
        """The owner e-mail if the request named one (routes that do not require it)."""
        return self._owner


Handler = Callable[[RequestContext, Body], dict[str, Any]]
"""A route handler: context and body in, the envelope's method-specific fields out."""


@attrs.frozen(kw_only=True)
class Route:
    """One served path.

    ``owner_required``: the request must name a user of the account as
    ``owner`` (protocol §11.2). ``accepts_user``: a read method that also
    takes the owner in a field named ``user`` (protocol §13.4).
    """

    path: str
    area: str
    handler: Handler
    owner_required: bool
    accepts_user: bool
    description: str


def describe(handler: Callable[..., Any]) -> str:
    """A route's description: its handler's docstring's first line (``code`` marks as
    Markdown), or its name."""
    doc = (handler.__doc__ or "").strip()
    return doc.splitlines()[0].replace("``", "`") if doc else handler.__name__


class RouteTable:
    """The routes of one API area, collected by the :meth:`route` decorator."""

    def __init__(self, area: str) -> None:
        """An empty table for ``area`` (e.g. ``"contacts"``)."""
        self.area = area
        self.routes: list[Route] = []

    def route(
        self, *paths: str, owner_required: bool = True, accepts_user: bool = False
    ) -> Callable[[Handler], Handler]:
        """Serve ``paths`` with the decorated handler; its docstring's first line describes it."""

        def register(handler: Handler) -> Handler:
            description = describe(handler)
            for path in paths:
                self.routes.append(
                    Route(
                        path=path,
                        area=self.area,
                        handler=handler,
                        owner_required=owner_required,
                        accepts_user=accepts_user,
                        description=description,
                    )
                )
            return handler

        return register
