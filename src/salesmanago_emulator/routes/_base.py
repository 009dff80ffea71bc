"""What a route is: a path, a handler, how its requests authenticate, and whether they
must name an owner.

A handler takes the authenticated `RequestContext` and the decoded
JSON body, reads the body through `_parse`, calls the account, and
returns the method-specific fields of a successful envelope (the router adds
``success`` and ``message``). A handler that must answer ``success: false``
while still reporting results (a partly applied batch) returns ``success``
and ``message`` itself. Refusals are raised as
[`EmulatorError`][salesmanago_emulator.errors.EmulatorError].

Most routes authenticate by the account's signature (`Auth.SIGNED`): the
router checks it and hands the handler the account. The login chain
(protocol §2.3) authenticates by the body's own credentials
(`Auth.LOGIN`): the router checks no signature, and the handler finds the
account among `RequestContext.accounts` by a user's password or a token.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

from ..errors import INVALID_OWNER, AuthenticationFailed
from ._parse import Body

if TYPE_CHECKING:
    from ..state.account import Account

__all__ = [
    "Auth",
    "Handler",
    "RequestContext",
    "Route",
    "RouteTable",
    "acting_owner",
    "describe",
]


class Auth(enum.Enum):
    """How the requests of a route prove who sends them."""

    SIGNED = "signed"
    """The account's signature: ``clientId``, ``apiKey``, ``requestTime`` and ``sha``
    (protocol §2.1, §2.2), checked by the router."""
    LOGIN = "login"
    """The body's own credentials (a user's password, or a login token; protocol §2.3),
    checked by the handler; the body carries no signature."""


class RequestContext:
    """An authenticated request: the account, the acting owner, and the time of the call.

    A request of an `Auth.LOGIN` route has no account yet: its handler finds
    one among `accounts`.
    """

    __slots__ = ("_account", "_accounts", "_owner", "_register", "host", "now")

    now: datetime
    host: str

    def __init__(
        self, account: Account | None, owner: str | None, now: datetime, *, host: str = ""
    ) -> None:
        """``owner`` is the normalised owner e-mail, or ``None`` when the request named none;
        ``host`` the ``host[:port]`` the request was sent to."""
        self._account = account
        self._accounts: Sequence[Account] | None = None
        self._register: Callable[[str, str], Account] | None = None
        self._owner = owner
        self.now = now
        self.host = host
        """The ``host[:port]`` the request was sent to (its ``Host`` header)."""

    @classmethod
    def login(
        cls,
        accounts: Sequence[Account],
        now: datetime,
        host: str,
        register: Callable[[str, str], Account],
    ) -> RequestContext:
        """The context of an `Auth.LOGIN` request: every account, no account chosen;
        ``register`` creates an account for an e-mail and a password."""
        context = cls(None, None, now, host=host)
        context._accounts = accounts
        context._register = register
        return context

    def register(self, email: str, password: str) -> Account:
        """A new account whose one user is ``email`` with login ``password`` (login routes
        only; ``system/registeraccount``)."""
        if self._register is None:
            raise RuntimeError("only a login route registers accounts")
        return self._register(email, password)

    @property
    def account(self) -> Account:
        """The account whose signature the request carries (signed routes only)."""
        if self._account is None:
            raise RuntimeError("a login route authenticates by its body: look in `accounts`")
        return self._account

    @property
    def accounts(self) -> Sequence[Account]:
        """Every account of the emulator, in the order added (login routes only)."""
        if self._accounts is None:
            raise RuntimeError("a signed route serves one account: use `account`")
        return self._accounts

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


def acting_owner(account: Account, value: object) -> str | None:
    """The normalised user an ``owner`` value names (protocol §11.2): ``None`` when it
    is absent, ``null`` or blank (the caller decides whether one is required); not a
    string, or no user of ``account`` -> ``Not authenticated, invalid owner``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise AuthenticationFailed(INVALID_OWNER)
    return account.users.acting(value)  # the one rule (a stored user's form: no normalising)


Handler = Callable[[RequestContext, Body], dict[str, Any]]
"""A route handler: context and body in, the envelope's method-specific fields out."""


@attrs.frozen(kw_only=True)
class Route:
    """One served path.

    ``auth``: how its requests authenticate (`Auth`). ``owner_required``:
    the request must name a user of the account as ``owner`` (protocol §11.2).
    ``accepts_user``: a read method that also takes the owner in a field named
    ``user`` (protocol §13.4).
    """

    path: str
    area: str
    handler: Handler
    owner_required: bool
    accepts_user: bool
    description: str
    auth: Auth = Auth.SIGNED


def describe(handler: Callable[..., Any]) -> str:
    """A route's description: its handler's docstring's first line (``code`` marks as
    Markdown), or its name."""
    doc = (handler.__doc__ or "").strip()
    return doc.splitlines()[0].replace("``", "`") if doc else handler.__name__


class RouteTable:
    """The routes of one API area, collected by the `route` decorator."""

    def __init__(self, area: str) -> None:
        """An empty table for ``area`` (e.g. ``"contacts"``)."""
        self.area = area
        self.routes: list[Route] = []

    def route(
        self,
        *paths: str,
        owner_required: bool = True,
        accepts_user: bool = False,
        auth: Auth = Auth.SIGNED,
    ) -> Callable[[Handler], Handler]:
        """Serve ``paths`` with the decorated handler; its docstring's first line describes it.

        A route of `Auth.LOGIN` names no owner (``owner_required`` is ignored).
        """

        def register(handler: Handler) -> Handler:
            description = describe(handler)
            for path in paths:
                self.routes.append(
                    Route(
                        path=path,
                        area=self.area,
                        handler=handler,
                        owner_required=owner_required and auth is Auth.SIGNED,
                        accepts_user=accepts_user,
                        description=description,
                        auth=auth,
                    )
                )
            return handler

        return register
