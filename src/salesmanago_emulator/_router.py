"""The route table, the authentication check, and errors turned into envelopes.

`Router.handle` takes a method, a path and a raw body and answers a
status code and a JSON body, in this order (protocol §11.1, §11.2):

0. a ``GET`` below ``/api/job/file/`` -> an export's file, or HTTP 404
   (`serve_file`);
1. a method other than ``POST`` -> HTTP 405;
2. a path no route serves -> HTTP 404, ``Path <path> is not implemented by the emulator``;
3. a body that is not a JSON object -> HTTP 400;
4. for a route of `SIGNED` (all but the login chain):
   ``clientId`` unknown -> ``Not authenticated``; ``apiKey`` missing ->
   ``Api key not specified``; ``sha`` not SHA1(apiKey + clientId + apiSecret)
   -> ``Not authenticated``; ``requestTime`` missing, not a number, or no UNIX
   time in seconds or milliseconds between 2001 and 2286 ->
   ``Field 'requestTime' ...``; for owner-bound routes ``owner`` missing ->
   ``Not authenticated, not owner specified``, not a user of the account ->
   ``Not authenticated, invalid owner``. A route of
   `LOGIN` (protocol §2.3) skips this: its handler
   checks the body's password or token;
5. the handler: its result in ``{"success": true, "message": [], ...}``, or a
   domain error as ``{"success": false, "message": [...], "values": {...}}`` plus
   the fields the error's ``answer`` holds (an insert's ``contactId``).

JSON numbers with a fraction or exponent are read as `Decimal`
(money stays exact, S6.3), and a ``Decimal`` in an answer is written as a JSON
number with exactly its digits (``10.00`` stays ``10.00``), never via float.

Every logical outcome is HTTP 200. An unexpected exception in a handler is
logged and answered with HTTP 500 ``Internal emulator error``, never with a
traceback. Every request is recorded in the call log with its secrets masked
(``sha``, ``apiSecret``, ``password``, ``token``; in answers ``token`` and ``sha1``).

Paths under ``/v3/`` go through the second door, `V3Door`
(API v3, protocol §9): the ``API-KEY`` header instead of body credentials, a
method per path, real HTTP statuses and reason codes. Its calls are logged too,
the key masked like ``sha`` ([`CallRecord.api_key`][salesmanago_emulator.CallRecord.api_key]).
"""

from __future__ import annotations

import hmac
import logging
import math
import threading
import zlib
from collections import deque
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from ._jsoncodec import NumberOutOfRangeError, decode_json, encode_json
from ._multipart import is_form, read_form
from ._secrets import MASK, mask_in_place, masked_answer
from ._v3door import V3Door
from .errors import (
    API_KEY_NOT_SPECIFIED,
    NOT_AUTHENTICATED,
    OWNER_NOT_SPECIFIED,
    RULE_REQUEST_TIME,
    RULE_REQUIRED,
    TEXT_INTERNAL,
    TEXT_METHOD_NOT_ALLOWED,
    TEXT_NOT_IMPLEMENTED,
    TEXT_NOT_JSON,
    TEXT_NOT_OBJECT,
    AuthenticationFailed,
    EmulatorError,
    InvalidField,
    MalformedRequest,
    NotImplementedByEmulator,
)
from .routes import ALL_ROUTES
from .routes._base import Auth, RequestContext, Route, acting_owner
from .routes._v3 import V3_PREFIX
from .routes.exports import FILE_PATH_PREFIX, serve_file

if TYPE_CHECKING:
    from .clock import Clock
    from .faults import FaultInjector, FaultPlan
    from .state.account import Account

__all__ = [
    "REQUEST_TIME_MILLISECONDS",
    "REQUEST_TIME_SECONDS",
    "CallRecord",
    "Router",
    "route_path",
]

_LOG: Final = logging.getLogger("salesmanago_emulator")

# Wire texts of the HTTP edge (grade D).
_VERIFIED_CACHE_SIZE: Final = 1024


PACK_AT: Final = 4096
"""Request bodies of this many bytes or more are kept compressed in the call log."""
PACK_LEVEL: Final = 3
"""zlib level 3: on batch bodies both faster and smaller than level 1 (callgrind: 4.7k
against 5.3k instructions per item; about 10 bytes per item kept instead of 172)."""


class CallRecord:
    """One request the emulator answered, as the call log keeps it.

    ``request`` is the decoded JSON body with ``sha`` (and any ``apiSecret``,
    ``password`` or ``token``) replaced by ``"***"``, or ``None`` when the body
    was not a JSON object (or never read: 404, 405). The log keeps the body as
    the bytes received and decodes it when ``request`` is first read: a logged
    batch of a thousand contacts costs its bytes, not a thousand decoded
    objects; a body of `PACK_AT` bytes or more is kept zlib-compressed (a batch's
    items repeat their keys, so it shrinks more than tenfold) and decompressed on that
    first read. The bytes never show in the record's repr. ``response`` is the
    JSON body answered, a login's ``token`` and ``sha1`` masked the same way.
    Both are the emulator's own objects: treat them as read-only.
    """

    __slots__ = (
        "_body",
        "_packed",
        "_request",
        "api_key",
        "at",
        "fault",
        "method",
        "path",
        "response",
        "status",
    )

    method: str
    """The HTTP method."""
    path: str
    """The URL path from ``/api/`` on."""
    status: int
    """The HTTP status answered."""
    response: Mapping[str, Any]
    """The JSON body answered."""
    at: datetime
    """When the call was answered (the emulator's clock)."""
    fault: str | None
    """The injected fault(s), e.g. ``"HTTP 503"`` or ``"read timeout after write"``
    ([`salesmanago_emulator.faults`][salesmanago_emulator.faults]). A request refused before it was
    applied by a dropped connection or a timeout has ``status`` 0; one whose answer was lost
    after it was applied keeps the answer the client never saw."""
    api_key: str | None
    """``"***"`` when the request sent an ``API-KEY`` header (API v3), else ``None``: the
    key itself is never kept."""

    def __init__(
        self,
        method: str,
        path: str,
        body: bytes | None,
        status: int,
        response: Mapping[str, Any],
        at: datetime,
        fault: str | None = None,
        api_key: str | None = None,
    ) -> None:
        """Record a call; ``body``: the request bytes, ``None`` when they were not read;
        ``api_key``: the ``API-KEY`` header sent to an API v3 path, if any (kept masked;
        the legacy API does not read the header)."""
        self.method = method
        self.path = path
        self._packed = body is not None and len(body) >= PACK_AT
        self._body = zlib.compress(body, PACK_LEVEL) if body and self._packed else body
        self._request: Mapping[str, Any] | None = None
        self.status = status
        self.response = response
        self.at = at
        self.fault = fault
        self.api_key = None if api_key is None else MASK

    @property
    def request(self) -> Mapping[str, Any] | None:
        """The decoded request body, secrets masked (decoded once, on first read)."""
        body = self._body  # read once: another thread may be decoding it too
        if body is not None:
            self._request = _masked(zlib.decompress(body) if self._packed else body)
            self._body = None  # the bytes hold the sha: not kept once decoded
        return self._request

    @property
    def success(self) -> bool:
        """The envelope's ``success`` flag (``False`` for HTTP errors); for an API v3
        call, whether it was answered HTTP 200 (warnings included)."""
        if self.path.startswith(V3_PREFIX):
            return self.status == 200
        return self.response.get("success") is True

    def __repr__(self) -> str:
        return (
            f"CallRecord(method={self.method!r}, path={self.path!r}, status={self.status}, "
            f"at={self.at!r}, fault={self.fault!r})"
        )


def route_path(path: str) -> str:
    """The part of a URL path the router matches: from the first ``/api/`` or ``/v3/``
    on (the transport's and the server's way to find it behind any prefix)."""
    if path.startswith("/api/"):  # the common case: no prefix
        return path
    api, v3 = path.find("/api/"), path.find(V3_PREFIX)
    index = min(api, v3) if api >= 0 and v3 >= 0 else max(api, v3)
    return path[index:] if index > 0 else path


def _masked(raw: bytes) -> dict[str, Any] | None:
    """A logged body as [`CallRecord.request`][salesmanago_emulator.CallRecord.request] shows it:
    decoded, secrets masked; ``None`` when it is not a JSON object."""
    try:
        body = decode_json(raw)
    except (ValueError, RecursionError):
        return None
    return mask_in_place(body) if isinstance(body, dict) else None  # a fresh object: no copy


def _failure(
    messages: list[str],
    values: Mapping[str, object] | None = None,
    answer: Mapping[str, object] | None = None,
) -> dict[str, Any]:
    envelope: dict[str, Any] = {"success": False, "message": messages}
    if values:
        envelope["values"] = dict(values)
    if answer:  # method-specific fields a refusal still carries (never success/message)
        envelope.update((k, v) for k, v in answer.items() if k not in envelope)
    return envelope


REQUEST_TIME_SECONDS: Final = (Decimal(10**9), Decimal(10**10))
"""The ``requestTime`` read as seconds must lie in ``[low, high)``: 2001-09-09 to 2286-11-20."""
REQUEST_TIME_MILLISECONDS: Final = (Decimal(10**12), Decimal(10**13))
"""The same span read as milliseconds (protocol §2.1: clients send either unit)."""


def _request_time_number(value: object) -> Decimal | None:
    """``requestTime`` as a number, from a JSON number or a numeric string; ``None`` when
    it is neither (a boolean, a list, text, NaN or an infinity)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value)) if math.isfinite(value) else Decimal("NaN")
    elif isinstance(value, str):
        text = value.strip()
        digits = text.replace(".", "", 1)
        if not (text and digits.isascii() and digits.isdigit()):
            return None
        number = Decimal(text)
    else:
        return None
    return number if number.is_finite() else None


def _check_request_time(body: Mapping[str, Any]) -> None:
    """``requestTime`` is required: a UNIX time in seconds or milliseconds, as a number or
    a numeric string, within `REQUEST_TIME_SECONDS` (or its milliseconds); 0, a
    negative number, ``1.5`` or ``1e39`` is no time of a request (protocol §2.1, §14)."""
    value = body.get("requestTime")
    if type(value) is int and (  # the usual case, without a Decimal
        10**12 <= value < 10**13 or 10**9 <= value < 10**10
    ):
        return
    if value is None:
        raise InvalidField("requestTime", RULE_REQUIRED)
    number = _request_time_number(value)
    if number is not None:
        for low, high in (REQUEST_TIME_SECONDS, REQUEST_TIME_MILLISECONDS):
            if low <= number < high:
                return
    raise InvalidField("requestTime", RULE_REQUEST_TIME)


class Router:
    """Answers raw requests against the emulator's accounts.

    Shares the emulator's account registry, clock, lock and call log; every
    request runs under the lock, so concurrent clients see one request at a
    time.
    """

    def __init__(
        self,
        accounts: Mapping[str, Account],
        clock: Clock,
        lock: threading.RLock,
        calls: deque[CallRecord],
        faults: FaultInjector,
        register: Callable[[str, str], Account],
    ) -> None:
        """Serve ``accounts`` (by client id), timing calls with ``clock``; ``register``
        creates an account for a user's e-mail and password (``system/registeraccount``)."""
        self.faults = faults
        """The fault rules the HTTP doors consult (`plan`)."""
        self._accounts = accounts
        self._clock = clock
        self._lock = lock
        self._calls = calls
        self._routes: dict[str, Route] = {route.path: route for route in ALL_ROUTES}
        self._v3 = V3Door(accounts)
        self._register = register
        # (clientId, apiKey, sha) triples already verified, for which account and under
        # which secret: clients usually reuse one apiKey, so the SHA1 is computed once. An
        # entry holds only while that account is still registered under clientId and its
        # api_secret is still the very string the SHA1 was checked against.
        self._verified: dict[tuple[str, str, str], tuple[Account, str]] = {}

    def forget_credentials(self) -> None:
        """Drop the cache of verified signatures (after accounts were removed)."""
        with self._lock:
            self._verified.clear()

    def plan(self, method: str, path: str, body: bytes) -> FaultPlan | None:
        """The fault to inject into this request, if a rule matches (the HTTP doors,
        transport and server, ask before `handle` and wait ``plan.delay``)."""
        return self.faults.match(method, path, body)

    def allow(self, path: str) -> str:
        """What ``Allow`` names on a 405 answer to ``path``: ``POST`` for the legacy API,
        the route's method for API v3."""
        return self._v3.allow(path) if path.startswith(V3_PREFIX) else "POST"

    def handle(
        self,
        method: str,
        path: str,
        body: bytes,
        fault: FaultPlan | None = None,
        *,
        api_key: str | None = None,
        host: str | Callable[[], str] = "",
        content_type: str | None = None,
    ) -> tuple[int, bytes]:
        """Answer one request: the HTTP status and the JSON body.

        ``fault`` (from [`FaultInjector.match`][salesmanago_emulator.faults.FaultInjector.match])
        refuses the request before it is applied, or replaces the answer after; a plan that breaks
        the connection raises
        [`InjectedTransportError`][salesmanago_emulator.faults.InjectedTransportError] once the call
        is logged. ``api_key`` is the request's ``API-KEY`` header (API v3); ``host`` the
        ``host[:port]`` the request was sent to (its ``Host`` header; ``authorization/token``
        answers it as the ``endpoint``), or a callable giving it, called only by the login chain.
        ``content_type`` (the ``Content-Type`` header) is read only by the one form path
        (`_multipart`).
        """
        with self._lock:
            now = self._clock.now()
            logged: bytes | None = body  # what the call log keeps of the request
            if fault is not None and not fault.reaches_platform:
                status, response = fault.status, fault.response
            else:
                if path.startswith(V3_PREFIX):
                    outcome = self._v3.dispatch(method, path, body, api_key, now)
                else:
                    outcome = self._dispatch(method, path, body, now, host, content_type)
                status, logged, response = outcome
                if fault is not None and fault.replaces_answer and fault.status:
                    status, response = fault.status, fault.response
            try:
                data = encode_json(response).encode()
            except (TypeError, ValueError):
                _LOG.exception("salesmanago_emulator: unserialisable answer to %s", path)
                status, response = 500, _failure([TEXT_INTERNAL])
                data = encode_json(response).encode()
            label = fault.label if fault is not None else None
            shown = masked_answer(response)
            record = CallRecord(method, path, logged, status, shown, now, label, api_key)
            self._calls.append(record)
        if fault is not None:
            fault.raise_if_broken()
        return status, data

    def _dispatch(
        self,
        method: str,
        path: str,
        raw: bytes,
        now: datetime,
        host: str | Callable[[], str],
        content_type: str | None = None,
    ) -> tuple[int, bytes | None, dict[str, Any]]:
        """The status, the body to log (``None``: not read) and the answer."""
        if method == "GET" and path.startswith(FILE_PATH_PREFIX):
            return serve_file(self._accounts, path)  # an export's file (protocol §6)
        if method != "POST":
            return 405, None, _failure([TEXT_METHOD_NOT_ALLOWED.format(method=method)])
        route = self._routes.get(path)
        if route is None:
            return 404, None, _failure([TEXT_NOT_IMPLEMENTED.format(path=path)])
        attachment: dict[str, Any] | None = None
        form = is_form(path, content_type)
        try:
            if form:  # email/sendWithAttachment as a form: its JSON part is the body
                assert content_type is not None
                raw, attachment = read_form(raw, content_type)
            body = decode_json(raw)
        except MalformedRequest as error:
            return 400, None, _failure([error.message])
        except NumberOutOfRangeError as error:
            return 400, raw, _failure([str(error)])
        except (ValueError, RecursionError):  # UnicodeDecodeError, JSONDecodeError, deep nesting
            return 400, raw, _failure([TEXT_NOT_JSON])
        if not isinstance(body, dict):
            return 400, raw, _failure([TEXT_NOT_OBJECT])
        if form:  # the log shows the JSON part with what the file part was
            body["attachment"] = attachment
            raw = encode_json(body).encode()
        try:
            if route.auth is Auth.LOGIN:
                accounts = tuple(self._accounts.values())
                sent_to = host() if callable(host) else host
                context = RequestContext.login(accounts, now, sent_to, self._register)
            else:
                context = self._authenticate(route, body, now)
            result = route.handler(context, body)
        except EmulatorError as error:
            return 200, raw, _failure(list(error.messages), error.values, error.answer)
        except NotImplementedByEmulator as error:
            return 404, raw, _failure([TEXT_NOT_IMPLEMENTED.format(path=error.path)])
        except MalformedRequest as error:
            return 400, raw, _failure([error.message])
        except Exception:
            _LOG.exception("salesmanago_emulator: unexpected error answering %s", path)
            return 500, raw, _failure([TEXT_INTERNAL])
        return 200, raw, {"success": True, "message": [], **result}

    def _account(self, body: dict[str, Any]) -> Account:
        """The account whose credentials the body carries (clientId, apiKey, sha)."""
        client_id = body.get("clientId")
        api_key = body.get("apiKey")
        sha = body.get("sha")
        if type(client_id) is str and type(api_key) is str and type(sha) is str:
            cached = self._verified.get((client_id, api_key, sha))
            if cached is not None:
                known, secret = cached
                if self._accounts.get(client_id) is known and known.api_secret is secret:
                    return known
        if not isinstance(client_id, str):
            raise AuthenticationFailed(NOT_AUTHENTICATED)
        account = self._accounts.get(client_id)
        if account is None:
            raise AuthenticationFailed(NOT_AUTHENTICATED)
        if not isinstance(api_key, str) or not api_key:
            raise AuthenticationFailed(API_KEY_NOT_SPECIFIED)
        secret = account.api_secret  # the secret the signature is checked against
        expected = account.signature(api_key)
        if not isinstance(sha, str) or not hmac.compare_digest(sha, expected):
            raise AuthenticationFailed(NOT_AUTHENTICATED)
        if len(self._verified) >= _VERIFIED_CACHE_SIZE:
            self._verified.clear()
        self._verified[(client_id, api_key, sha)] = (account, secret)
        return account

    def _authenticate(self, route: Route, body: dict[str, Any], now: datetime) -> RequestContext:
        account = self._account(body)
        _check_request_time(body)
        value = body.get("owner")
        if value is None and route.accepts_user:
            value = body.get("user")
        owner = acting_owner(account, value)
        if owner is None and route.owner_required:
            raise AuthenticationFailed(OWNER_NOT_SPECIFIED)
        return RequestContext(account, owner, now)
