"""The router's second door: API v3 requests (paths under ``/v3/``, protocol §9).

`V3Door.dispatch` answers one request in this order:

1. a path no v3 route serves -> HTTP 404 ``{"messages": ["Path ... is not
   implemented by the emulator"]}``;
2. the other method than the route's -> HTTP 405 ``{"messages": [...]}`` (the
   doors add ``Allow``);
3. an ``API-KEY`` header missing, empty, or held by no account (or by several) ->
   HTTP 401 ``{"problems": [{"reasonCode": 10, "message": "API-KEY|invalid API key"}]}``;
4. a ``POST`` body that is not a JSON object -> HTTP 400
   ``{"messages": ["Specified json is not valid"], "reasonCode": 14}`` (a ``GET``'s
   body is not read);
5. the handler: HTTP 200 with its fields, or its
   [`V3Refused`][salesmanago_emulator.errors.V3Refused] as ``{"problems": [...]}`` with
   HTTP 404 when every problem is an unknown identifier (reason code 16), else 400.

An unexpected exception is logged and answered HTTP 500 ``{"messages": ["Internal
emulator error"]}``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from ._jsoncodec import decode_json
from .errors import (
    RULE_V3_API_KEY,
    TEXT_INTERNAL,
    TEXT_NOT_IMPLEMENTED,
    TEXT_V3_JSON_INVALID,
    TEXT_V3_METHOD,
    V3_FIELD_API_KEY,
    Problem,
    ReasonCode,
    V3Refused,
)
from .routes import V3_ROUTES
from .routes._v3 import V3Context, V3Route, problem_shapes

if TYPE_CHECKING:
    from .state.account import Account

__all__ = ["V3Door"]

_LOG: Final = logging.getLogger("salesmanago_emulator")
_UNAUTHENTICATED: Final = Problem(ReasonCode.AUTHENTICATION, V3_FIELD_API_KEY, RULE_V3_API_KEY)

_NOT_JSON: Final = {"messages": [TEXT_V3_JSON_INVALID], "reasonCode": int(ReasonCode.WRONG_TYPE)}

Answer = tuple[int, bytes | None, dict[str, Any]]
"""The status, the body to log (``None``: not read) and the JSON answer."""


def _messages(text: str) -> dict[str, Any]:
    return {"messages": [text]}


class V3Door:
    """Answers the v3 requests against the emulator's accounts (the router holds one)."""

    def __init__(self, accounts: Mapping[str, Account]) -> None:
        """Serve `V3_ROUTES` for ``accounts``."""
        self._accounts = accounts
        self._routes: dict[str, V3Route] = {route.path: route for route in V3_ROUTES}

    def allow(self, path: str) -> str:
        """The method ``path`` takes (what ``Allow`` names on a 405)."""
        route = self._routes.get(path)
        return route.method if route is not None else "GET, POST"

    def account(self, api_key: str | None) -> Account | None:
        """The one account holding ``api_key``; ``None`` for none, or for several."""
        if not api_key:
            return None
        found = [a for a in self._accounts.values() if a.catalogs.has_key(api_key)]
        return found[0] if len(found) == 1 else None

    def dispatch(
        self, method: str, path: str, raw: bytes, api_key: str | None, now: datetime
    ) -> Answer:
        """Answer one v3 request (see the module docstring)."""
        route = self._routes.get(path)
        if route is None:
            return 404, None, _messages(TEXT_NOT_IMPLEMENTED.format(path=path))
        if method != route.method:
            text = TEXT_V3_METHOD.format(method=method, path=path, allowed=route.method)
            return 405, None, _messages(text)
        logged = raw if raw or route.method == "POST" else None
        account = self.account(api_key)
        if account is None:
            return 401, logged, {"problems": problem_shapes([_UNAUTHENTICATED])}
        body: Any = {}
        if route.method == "POST":
            try:
                body = decode_json(raw)
            except (ValueError, RecursionError):  # not UTF-8, not JSON, a number out of range
                body = None
            if not isinstance(body, dict):
                return 400, logged, dict(_NOT_JSON)
        try:
            return 200, logged, route.handler(V3Context(account, now), body)
        except V3Refused as refused:
            status = 404 if refused.not_found else 400
            return status, logged, {"problems": problem_shapes(refused.problems)}
        except Exception:
            _LOG.exception("salesmanago_emulator: unexpected error answering %s", path)
            return 500, logged, _messages(TEXT_INTERNAL)
