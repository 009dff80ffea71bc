"""The emulator as an ASGI application (Starlette): what server mode serves.

```python
from salesmanago_emulator import Emulator
from salesmanago_emulator.asgi import create_app

emulator = Emulator()
emulator.add_account(client_id="c1", api_secret="s1", users=["owner@example.com"])
app = create_app(emulator)          # for uvicorn, hypercorn, httpx.ASGITransport ...
```

[`EmulatorServer`][salesmanago_emulator.EmulatorServer] and ``salesmanago-emulator serve``
run this app on uvicorn. Needs the ``server`` extra (``pip install 'salesmanago-py[server]'``).

One behaviour, two doors: ``/api/...`` (and API v3's ``/v3/...``, with its ``API-KEY``
header) goes to the same router the in-process transport uses (authentication,
envelopes, call log, fault rules); ``/_emulator/<name>`` is the control API
(``salesmanago_emulator.control``); everything else answers the router's 404.
Every answer is the platform's JSON envelope.

**The door** (every request, before any route): a request target over 8 KiB gets 414,
headers over the limits 431, a chunked body 411, a ``Content-Length`` that is not ASCII
digits 400, a body over ``max_body`` 413 (from its ``Content-Length``, before any of it
is read), and a ``Host`` naming neither a loopback name nor one of ``allowed_hosts`` 403
(a page whose domain resolves to 127.0.0.1 -- DNS rebinding -- reaches nothing).

**The control API** refuses a request whose ``Origin`` is not the server's own (403), a
``POST`` without a JSON ``Content-Type`` (415: what a cross-site form or ``text/plain``
fetch sends), and, when ``control_token`` is set, a request without ``Authorization:
Bearer <token>`` (401). ``state`` and ``area`` answer secrets (API secrets, passwords,
tokens, keys) masked unless a control token is set (and so was sent).

**The seam for the dashboard**: [`dashboard_routes`][salesmanago_emulator.asgi.dashboard_routes]
lists the routes mounted at [`DASHBOARD_PREFIX`][salesmanago_emulator.asgi.DASHBOARD_PREFIX];
``extra_routes`` adds routes under ``/_emulator/``, ahead of the control API's operations
(every other path is the platform's API). A route reads the app's
[`Door`][salesmanago_emulator.asgi.Door] as ``request.app.state.door``.

With a ``StateFile`` (``salesmanago_emulator.statefile``), every request that may have
changed state (an API call the router dispatched, a control write) is saved before its
answer is sent.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlencode

import anyio.to_thread
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import BaseRoute, Mount, Route, Router

from . import _httpdoor
from ._httpdoor import (
    MAX_BODY_BYTES,
    MAX_HEADER_BYTES,
    MAX_HEADERS,
    MAX_URL_BYTES,
    HostPolicy,
    envelope,
    is_json_type,
    same_origin,
    token_matches,
)
from ._jsoncodec import decode_json, encode_json
from ._router import route_path
from ._secrets import masked
from .control import CONTROL_PREFIX, handle_control
from .errors import (
    TEXT_CONTROL_CONTENT_TYPE,
    TEXT_CONTROL_TOKEN,
    TEXT_DASHBOARD_MISSING,
    TEXT_DASHBOARD_TOKEN,
    TEXT_HOST_REFUSED,
    TEXT_HTTP_BAD_LENGTH,
    TEXT_HTTP_CHUNKED,
    TEXT_HTTP_HEADERS_TOO_LARGE,
    TEXT_HTTP_TOO_LARGE,
    TEXT_HTTP_URL_TOO_LONG,
    TEXT_INTERNAL,
    TEXT_ORIGIN_REFUSED,
)
from .faults import InjectedTransportError
from .routes._v3 import V3_PREFIX
from .snapshot import SECRETS_MASKED

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from ._emulator import Emulator
    from .delivery import Deliverer
    from .statefile import StateFile

__all__ = [
    "DASHBOARD_PREFIX",
    "DROP_EXTENSION",
    "Door",
    "EmulatorApp",
    "create_app",
    "dashboard_routes",
]

DASHBOARD_PREFIX: Final = _httpdoor.DASHBOARD_PREFIX
"""Where [`dashboard_routes`][salesmanago_emulator.asgi.dashboard_routes] are mounted."""
DASHBOARD_COOKIE: Final = "salesmanago_emulator_token"
"""The cookie holding the control token for the dashboard's pages (see `create_app`)."""
DROP_EXTENSION: Final = "salesmanago_emulator.drop_connection"
"""The ASGI scope extension (``{"drop": callable}``) through which a server lets the app
close a connection with no answer (an injected ``connect_error``); EmulatorServer's
uvicorn protocol provides it. Without it, such a fault raises out of the app."""

_LOG: Final = logging.getLogger("salesmanago_emulator.server")
_JSON: Final = (b"content-type", b"application/json")
_CLOSE: Final = (b"connection", b"close")
# Router statuses that mean the request never reached a handler: nothing changed.
_UNDISPATCHED: Final = frozenset({404, 405})
# Control operations whose answers hold secrets (state export), masked unless authorised.
_MASKED_OPERATIONS: Final = frozenset({"state", "area"})
_DELIVERY_INTERVAL: Final = 0.2


def dashboard_routes(
    emulator: Emulator[Any],
    *,
    token: str | None = None,
    on_change: Callable[[], None] | None = None,
) -> list[BaseRoute]:
    """The routes served under [`DASHBOARD_PREFIX`][salesmanago_emulator.asgi.DASHBOARD_PREFIX]
    by every app [`create_app`][salesmanago_emulator.asgi.create_app] builds (so by
    ``serve`` and [`EmulatorServer`][salesmanago_emulator.EmulatorServer]): the dashboard
    (``salesmanago_emulator.dashboard``; ``token`` is its forms' anti-forgery token,
    ``on_change`` runs after a page's action changed the state). Without Jinja2 one
    route answers every page with the install command (status 501, the envelope)."""
    try:
        from .dashboard import dashboard_routes as build
    except ImportError as err:  # jinja2 missing: the server extra installed by hand
        message = TEXT_DASHBOARD_MISSING.format(error=err)

        async def missing(scope: Scope, receive: Receive, send: Send) -> None:
            await _refuse(send, 501, message)

        return [Mount("/", app=missing)]
    return build(emulator, token=token, on_change=on_change)


class _DashboardGate:
    """The dashboard behind the control token, when the server has one (a browser cannot
    send ``Authorization``): ``?token=<token>`` once sets an HttpOnly, SameSite=Strict
    cookie for the dashboard's path and returns to the page without it; then the cookie
    (or an ``Authorization: Bearer`` header) lets every page and form through. Anything
    else gets 401 with the envelope saying how to open the page."""

    def __init__(self, door: Door, app: ASGIApp) -> None:
        self._door = door
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        token = self._door.control_token
        if token is None or scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        request = Request(scope)
        if self._door.authorised(request.headers.get("authorization")) or token_matches(
            "Bearer " + request.cookies.get(DASHBOARD_COOKIE, ""), token
        ):
            await self._app(scope, receive, send)
            return
        if token_matches("Bearer " + request.query_params.get("token", ""), token):
            query = urlencode(
                [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            )
            back = request.url.path + (f"?{query}" if query else "")
            response = RedirectResponse(back, status_code=303)
            response.set_cookie(
                DASHBOARD_COOKIE,
                token,
                path=DASHBOARD_PREFIX,
                httponly=True,
                samesite="strict",
            )
            await response(scope, receive, send)
            return
        await _refuse(send, 401, TEXT_DASHBOARD_TOKEN.format(prefix=DASHBOARD_PREFIX))


async def _respond(
    send: Send, status: int, body: bytes, extra: Sequence[tuple[bytes, bytes]] = ()
) -> None:
    headers = [_JSON, (b"content-length", str(len(body)).encode()), *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _refuse(
    send: Send, status: int, message: str, extra: Sequence[tuple[bytes, bytes]] = ()
) -> None:
    await _respond(send, status, envelope(message), extra)


async def _internal_error(scope: Scope, send: Send) -> None:
    """Log the exception being handled and answer 500, closing the connection."""
    _LOG.exception("salesmanago_emulator: error answering %s %s", scope["method"], scope["path"])
    await _refuse(send, 500, TEXT_INTERNAL, (_CLOSE,))


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


async def _read_body(receive: Receive) -> bytes:
    """The whole body (the door checked its announced length)."""
    chunks: list[bytes] = []
    while True:
        message: Message = await receive()
        if message["type"] == "http.disconnect":
            raise ConnectionResetError("the client went away")
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


class Door:
    """What every route of one app shares: the emulator, the state file, the policies.
    Routes added at the seam read it as ``request.app.state.door``."""

    def __init__(
        self,
        emulator: Emulator[Any],
        *,
        state_file: StateFile | None,
        control_token: str | None,
        hosts: HostPolicy,
        max_body: int,
    ) -> None:
        """The door of ``emulator``'s app; see
        [`create_app`][salesmanago_emulator.asgi.create_app]."""
        self.emulator = emulator
        self.state_file = state_file
        self.control_token = control_token or None
        self.hosts = hosts
        self.max_body = max_body

    def authorised(self, authorization: str | None) -> bool:
        """Whether a request with this ``Authorization`` header may use the control API."""
        return self.control_token is None or token_matches(authorization, self.control_token)

    async def commit(self) -> None:
        """Save the state file (in a worker thread: it writes and fsyncs), if there is one."""
        if self.state_file is not None:
            await anyio.to_thread.run_sync(self.state_file.commit)

    def refusal(self, scope: Scope) -> tuple[int, str] | None:
        """Why the door refuses this request before any route (status and message), or
        ``None``. Only the headers and the target are read."""
        target = len(scope.get("raw_path") or scope["path"].encode()) + len(scope["query_string"])
        if target > MAX_URL_BYTES:
            return 414, TEXT_HTTP_URL_TOO_LONG.format(length=target, limit=MAX_URL_BYTES)
        host = length = None
        size = 0
        headers = scope["headers"]
        for key, value in headers:
            size += len(key) + len(value)
            if key == b"host":
                host = value.decode("latin-1")
            elif key == b"content-length":
                length = value
            elif key == b"transfer-encoding":
                return 411, TEXT_HTTP_CHUNKED
        if size > MAX_HEADER_BYTES or len(headers) > MAX_HEADERS:
            return 431, TEXT_HTTP_HEADERS_TOO_LARGE.format(
                length=size, count=len(headers), limit=MAX_HEADER_BYTES, max_count=MAX_HEADERS
            )
        if length is not None:
            if not (length.isdigit() and length.isascii()):
                return 400, TEXT_HTTP_BAD_LENGTH
            if int(length) > self.max_body:
                return 413, TEXT_HTTP_TOO_LARGE.format(length=int(length), limit=self.max_body)
        if not self.hosts.allows(host):
            return 403, TEXT_HOST_REFUSED.format(host=host, allowed=self.hosts.describe())
        return None


class _Api:
    """``/api/...``, ``/v3/...`` and every other path: the emulator's router."""

    def __init__(self, door: Door) -> None:
        self.door = door

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope["method"]
        try:
            body = await _read_body(receive)
            path = route_path(_raw_path(scope))
            status, data, extra = await self._answer(scope, method, path, body)
        except InjectedTransportError:  # no answer: the client sees the connection drop
            drop = scope.get("extensions", {}).get(DROP_EXTENSION)
            if drop is None:
                raise
            drop["drop"]()
            return
        except ConnectionResetError:
            return
        except Exception:
            await _internal_error(scope, send)
            return
        await _respond(send, status, data, extra)

    async def _answer(
        self, scope: Scope, method: str, path: str, body: bytes
    ) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
        door = self.door
        router = door.emulator._router
        fault = router.plan(method, path, body)
        if fault is not None and fault.delay:
            await router.faults.async_sleep(fault.delay)
        api_key = _header(scope, b"api-key") if path.startswith(V3_PREFIX) else None
        try:
            status, data = router.handle(
                method,
                path,
                body,
                fault,
                api_key=api_key,
                host=lambda: _header(scope, b"host") or _server_host(scope),
                content_type=_header(scope, b"content-type"),
            )
        except InjectedTransportError as exc:
            if exc.applied:  # an after-write fault: the request changed the state
                await door.commit()
            raise
        reached = fault is None or fault.reaches_platform  # else refused before the write
        if reached and status not in _UNDISPATCHED:
            await door.commit()
        extra = [(b"allow", router.allow(path).encode())] if status == 405 else []
        if fault is not None:
            extra += fault.headers
        return status, data, extra


def _raw_path(scope: Scope) -> str:
    """The path as sent (not percent-decoded), as the router and the control table match it."""
    raw = scope.get("raw_path")
    return str(raw.decode("latin-1")) if raw else str(scope["path"])


def _server_host(scope: Scope) -> str:
    """``host:port`` of the server's own address (a request without ``Host``)."""
    server = scope.get("server") or ("127.0.0.1", None)
    host, port = server[0], server[1]
    text = f"[{host}]" if ":" in host else host
    return text if port is None else f"{text}:{port}"


class _Control:
    """``/_emulator/<name>``: the control API, behind its Origin, content type and token
    checks."""

    def __init__(self, door: Door) -> None:
        self.door = door

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        door = self.door
        method = scope["method"]
        origin = _header(scope, b"origin")
        if origin is not None and not same_origin(origin, _header(scope, b"host")):
            await _refuse(send, 403, TEXT_ORIGIN_REFUSED.format(origin=origin))
            return
        if not door.authorised(_header(scope, b"authorization")):
            await _refuse(send, 401, TEXT_CONTROL_TOKEN, [(b"www-authenticate", b"Bearer")])
            return
        content_type = _header(scope, b"content-type")
        if method == "POST" and not is_json_type(content_type):
            shown = "none" if content_type is None else repr(content_type)
            await _refuse(send, 415, TEXT_CONTROL_CONTENT_TYPE.format(content_type=shown))
            return
        name = _raw_path(scope)[len(CONTROL_PREFIX) :]
        query = scope["query_string"].decode("latin-1")
        try:
            body = await _read_body(receive)
            status, data, changed = await anyio.to_thread.run_sync(
                handle_control, door.emulator, method, name, body, query
            )
            if changed:
                await door.commit()
        except ConnectionResetError:
            return
        except Exception:
            await _internal_error(scope, send)
            return
        if status == 200 and door.control_token is None and name.strip("/") in _MASKED_OPERATIONS:
            data = _masked(data)
        await _respond(send, status, data)


def _masked(data: bytes) -> bytes:
    """A state answer with its secrets masked, marked ``secretsMasked`` (in the state
    too, so that ``state/import`` refuses it rather than load ``***`` as secrets)."""
    answer = masked(decode_json(data))
    answer[SECRETS_MASKED] = True
    if isinstance(answer.get("state"), dict) and "accounts" in answer["state"]:
        answer["state"][SECRETS_MASKED] = True
    return encode_json(answer).encode()


class EmulatorApp(Starlette):
    """The Starlette application of one emulator: its door answers first (refusals, then
    every path outside ``/_emulator/`` straight to the platform's API: no route table to
    match), Starlette's routing serves ``/_emulator/...`` (control API, dashboard)."""

    def __init__(self, door: Door, routes: Sequence[BaseRoute], lifespan: Any) -> None:
        """An app for ``door`` serving ``routes`` under ``/_emulator/``."""
        super().__init__(routes=routes, lifespan=lifespan)
        self.door = door
        self.state.door = door
        self._api = _Api(door)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer one ASGI event (HTTP requests through the door first)."""
        if scope["type"] == "http":
            refusal = self.door.refusal(scope)
            if refusal is not None:
                status, message = refusal
                # framing refusals close: the body may still be on its way
                extra = () if status == 403 else (_CLOSE,)
                await _refuse(send, status, message, extra)
                return
            if not scope["path"].startswith(CONTROL_PREFIX):
                await self._api(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


def create_app(
    emulator: Emulator[Any],
    *,
    state_file: StateFile | None = None,
    deliverer: Deliverer | None = None,
    control_token: str | None = None,
    allowed_hosts: Iterable[str] = (),
    max_body: int = MAX_BODY_BYTES,
    extra_routes: Sequence[BaseRoute] = (),
    dashboard_token: str | None = None,
) -> EmulatorApp:
    """The ASGI application answering for ``emulator``.

    ``state_file`` is saved after every change, before the answer. ``deliverer`` (e.g.
    ``emulator.deliverer()``) delivers callbacks in the background while the app runs:
    started and closed by the app's lifespan. ``control_token``: required on every
    control request as ``Authorization: Bearer <token>`` (and then ``state`` shows
    secrets). ``allowed_hosts``: host names accepted in ``Host`` besides the loopback
    ones (the server's bound host; ``"*"`` accepts any). ``max_body``: the largest body
    accepted. ``extra_routes``: more routes under ``/_emulator/`` (every other path is
    the platform's API), matched before the control API's operations (``ValueError``
    for a route elsewhere).
    """
    door = Door(
        emulator,
        state_file=state_file,
        control_token=control_token,
        hosts=HostPolicy(allowed_hosts),
        max_body=max_body,
    )
    for route in extra_routes:
        if not str(getattr(route, "path", "")).startswith(CONTROL_PREFIX):
            raise ValueError(
                f"extra route {route!r}: extra routes live under {CONTROL_PREFIX} "
                "(every other path is the platform's API)"
            )
    on_change = state_file.commit if state_file is not None else None
    ui = Router(dashboard_routes(emulator, token=dashboard_token, on_change=on_change))
    routes: list[BaseRoute] = [Mount(DASHBOARD_PREFIX, app=_DashboardGate(door, ui))]
    routes += extra_routes
    routes.append(Route(CONTROL_PREFIX + "{name:path}", _Control(door), methods=None))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if deliverer is not None:
            deliverer.start_background(interval=_DELIVERY_INTERVAL)
        try:
            yield
        finally:
            if deliverer is not None:
                deliverer.close()

    return EmulatorApp(door, routes, lifespan)
