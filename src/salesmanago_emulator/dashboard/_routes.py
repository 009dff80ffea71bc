"""The dashboard's Starlette routes: requests in, view calls, HTML out.

`dashboard_routes` returns plain routes meant for ``Mount("/_emulator/ui", routes=...)``
in the server's ASGI app; links are built from the mount path the request came
through (``root_path``), so another mount point works too. GET pages only read; the
POST ``/actions/<name>`` forms run one of `ACTIONS` after `form_refusal` passes,
then redirect (303) back to the page.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ..control import ControlError
from . import _views as views
from ._actions import ACTIONS, run_action
from ._guard import form_refusal, safe_next
from ._views import PageContext

if TYPE_CHECKING:
    from .._emulator import Emulator

__all__ = ["SECURITY_HEADERS", "dashboard_routes"]


SECURITY_HEADERS: Final = {
    "content-security-policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
}
"""Every dashboard answer's headers: no script, no outside resource, no framing."""
_MAX_FORM: Final = 16_384


def _html(text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status_code=status, headers=SECURITY_HEADERS)


def _message(err: Exception) -> str:
    """An error's message as a page shows it (a ``KeyError``'s without its quotes)."""
    return str(err.args[0]) if err.args else str(err)


def dashboard_routes(
    emulator: Emulator[Any],
    *,
    token: str | None = None,
    on_change: Callable[[], None] | None = None,
) -> list[BaseRoute]:
    """The dashboard's routes on ``emulator``, to mount at ``/_emulator/ui``.

    ``token`` is the forms' anti-forgery token (default: a fresh random one, so each
    app has its own); ``on_change`` runs after every action that changed the state
    (a server saving ``--state`` passes its save).
    """
    secret = token if token is not None else secrets.token_urlsafe(32)

    def context(request: Request, *, back: bool = True) -> PageContext:
        """The page's context; its forms come back to it (query included) when ``back``,
        else to the dashboard's first page (an action's error page)."""
        base = request.scope.get("root_path", "")
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return PageContext(base=base, csrf=secret, path=path if back else base + "/")

    def page(render: Callable[[Request, PageContext], str]) -> Callable[[Request], Response]:
        def endpoint(request: Request) -> Response:
            ctx = context(request)
            try:
                return _html(render(request, ctx))
            except LookupError as err:  # KeyError included: unknown account or contact
                return _html(views.error_page(emulator, ctx, "404 Not Found", _message(err)), 404)

        return endpoint

    async def action(request: Request) -> Response:
        ctx = context(request, back=False)
        name = request.path_params["name"]
        raw = await request.body()
        if name not in ACTIONS:
            return _html(
                views.error_page(emulator, ctx, "404 Not Found", f"no action {name!r}"), 404
            )
        fields = dict(parse_qsl(raw[:_MAX_FORM].decode("utf-8", "replace")))
        own = f"{request.url.scheme}://{request.url.netloc}"
        refusal = form_refusal(request.headers, own, fields, secret)
        if refusal is not None:
            return _html(views.error_page(emulator, ctx, "403 Forbidden", refusal), 403)
        try:
            await run_in_threadpool(run_action, emulator, name, fields)
        except (ControlError, ValueError, LookupError) as err:
            status = err.status if isinstance(err, ControlError) else 400
            status = 404 if isinstance(err, LookupError) else status
            return _html(
                views.error_page(emulator, ctx, f"{status} Refused", _message(err)), status
            )
        if on_change is not None:
            await run_in_threadpool(on_change)
        target = safe_next(fields.get("next", ""), ctx.base or "")
        return RedirectResponse(target, status_code=303, headers=SECURITY_HEADERS)

    return [
        Route("/", page(lambda r, c: views.accounts_page(emulator, c))),
        Route(
            "/accounts/{client_id}/contacts",
            page(
                lambda r, c: views.contacts_page(
                    emulator, r.path_params["client_id"], r.query_params, c
                )
            ),
        ),
        Route(
            "/accounts/{client_id}/contacts/{key}",
            page(
                lambda r, c: views.card_page(
                    emulator, r.path_params["client_id"], r.path_params["key"], c
                )
            ),
        ),
        Route("/calls", page(lambda r, c: views.calls_page(emulator, r.query_params, c))),
        Route("/controls", page(lambda r, c: views.controls_page(emulator, c))),
        Route("/actions/{name}", action, methods=["POST"]),
    ]
