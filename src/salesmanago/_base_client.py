"""Everything a client decides without doing I/O, and the two thin I/O loops.

`BaseClient` decides about retries (which failures, how long to wait),
maps HTTP statuses to errors and reads results; how a call becomes a request
and an answer a result is the wire of one API generation (``_wire.py``).
`SyncAPIClient` and `AsyncAPIClient` only send, sleep and close.
"""

from __future__ import annotations

import copy
import logging
import math
import os
import random
import re
import time
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import Any, Final, TypeVar

import anyio
import attrs
import httpx

from . import _converter
from ._calls import Call, Page
from ._jobs import (
    Job,
    JobPage,
    download_call,
    job_status_call,
    next_poll_delay,
    resolve_file_url,
)
from ._netstream import poll_straight
from ._options import RequestOptions, check_headers, check_timeout
from ._version import __version__
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ClientClosedError,
    ConfigurationError,
    RateLimitError,
    RequestFailedError,
    ResponseValidationError,
    SalesManagoError,
    ValidationError,
    attach_other_errors,
    attach_partial_results,
    error_class_for_status,
)
from .models.exports import ExportFile, JobStatus

__all__ = [
    "DEFAULT_ENDPOINT",
    "DEFAULT_MAX_CONCURRENT_REQUESTS",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "HEADERS",
    "AsyncAPIClient",
    "BaseClient",
    "RequestTemplate",
    "SyncAPIClient",
    "decode_body",
]

T = TypeVar("T")
SyncClient = TypeVar("SyncClient", bound="SyncAPIClient")
AsyncClient = TypeVar("AsyncClient", bound="AsyncAPIClient")
AnyClient = TypeVar("AnyClient", bound="BaseClient")

log: Final = logging.getLogger("salesmanago")
log.addHandler(logging.NullHandler())  # a library prints nothing unless asked

LOG_ENV: Final = "SALESMANAGO_LOG"
"""The environment variable that switches the library's log on: ``debug`` or ``info``."""
_LOG_LEVELS: Final = {"debug": logging.DEBUG, "info": logging.INFO}


def _log_from_env(value: str | None) -> None:
    """Send the ``salesmanago`` logger to stderr at the level ``value`` names
    (``SALESMANAGO_LOG=debug|info``); unset or empty: leave logging to the application."""
    if not value:
        return
    level = _LOG_LEVELS.get(value.strip().lower())
    if level is None:
        warnings.warn(
            f"{LOG_ENV}={value!r} is ignored: expected one of {', '.join(_LOG_LEVELS)}",
            stacklevel=2,
        )
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(level)


_log_from_env(os.environ.get(LOG_ENV))

DEFAULT_ENDPOINT: Final = "https://app2.salesmanago.pl"
DEFAULT_TIMEOUT: Final = 30.0
DEFAULT_MAX_RETRIES: Final = 2
INITIAL_RETRY_DELAY: Final = 0.5
MAX_RETRY_DELAY: Final = 8.0
DEFAULT_MAX_CONCURRENT_REQUESTS: Final = 16
"""Requests an async client has in flight at once by default (the rest wait in the client).

The platform documents no rate limit; 16 keeps httpx's connection pool cheap
(its bookkeeping grows with connections x waiting requests) and is plenty to
hide the platform's round trip. Set ``max_concurrent_requests`` to change it;
the pool an async client builds is sized to it (`pool_limits`).
"""
RETRYABLE_STATUSES: Final = frozenset({408, 429}) | frozenset(range(500, 600))

_PLATFORM_HOST: Final = re.compile(r"^(?:www|app\d*|pilot)\.salesmanago\.(?:pl|com)$", re.I)
#: The headers of every API request (protocol §1).
HEADERS: Final = {
    "Accept": "application/json, application/json",
    "Content-Type": "application/json;charset=UTF-8",
    "User-Agent": f"salesmanago-py/{__version__}",
}
_ENV = {
    "client_id": "SALESMANAGO_CLIENT_ID",
    "api_secret": "SALESMANAGO_API_SECRET",
    "owner": "SALESMANAGO_OWNER",
    "endpoint": "SALESMANAGO_ENDPOINT",
}
# Failures after which the request cannot have reached the platform.
_NOT_SENT: Final = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def resolve_setting(
    name: str, value: str | None, *, variable: str | None = None, required: bool = True
) -> str | None:
    """``value``, else its environment variable (``variable``, by default the
    ``SALESMANAGO_*`` one of ``name``), else a clear ConfigurationError."""
    variable = variable or _ENV[name]
    if value is None:
        value = os.environ.get(variable) or None
    if value is None and required:
        raise ConfigurationError(
            f"missing {name}: pass {name}=... or set the {variable} environment variable"
        )
    return value


@attrs.frozen
class Servers:
    """The servers of one API generation: their host names and the path prefix a
    configured endpoint may end with."""

    hosts: re.Pattern[str]
    named: str
    api_path: str


#: The legacy API's servers (protocol §1).
LEGACY_SERVERS: Final = Servers(
    _PLATFORM_HOST, "a SALESmanago host (www|app1|app2|app3...salesmanago.pl|com)", "/api"
)
#: API v3's server (protocol §9).
V3_SERVERS: Final = Servers(
    re.compile(r"^api\.salesmanago\.(?:com|pl)$", re.I),
    "the API v3 host (api.salesmanago.com)",
    "/v3",
)


def normalize_endpoint(endpoint: str, servers: Servers = LEGACY_SERVERS) -> str:
    """The base URL for an endpoint setting.

    Accepts a host of ``servers`` (``app3.salesmanago.pl``, ``www.salesmanago.com``)
    or any ``http(s)://`` URL (e.g. an emulator); a trailing ``/`` or ``/api``
    (``/v3`` for API v3) is dropped.
    """
    text = endpoint.strip().rstrip("/")
    if text.endswith(servers.api_path):
        text = text[: -len(servers.api_path)]
    if "://" not in text:
        if not servers.hosts.match(text):
            raise ConfigurationError(
                f"endpoint {endpoint!r} is neither {servers.named} nor an http(s):// URL"
            )
        text = "https://" + text
    try:
        url = httpx.URL(text)
    except httpx.InvalidURL as exc:
        raise ConfigurationError(f"endpoint {endpoint!r} is not a valid URL: {exc}") from exc
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigurationError(f"endpoint {endpoint!r} must be an http(s):// URL with a host")
    return text


def retry_delay(attempt: int, retry_after: float | None) -> float:
    """Seconds before retry number ``attempt + 1``: ``Retry-After`` if given (capped at
    60 s), else 0.5·2ⁿ s capped at 8 s, with up to 25 % jitter taken off."""
    if retry_after is not None:
        return min(max(retry_after, 0.0), 60.0)
    delay = min(INITIAL_RETRY_DELAY * 2**attempt, MAX_RETRY_DELAY)
    return float(delay * (1 - 0.25 * random.random()))


def parse_retry_after(response: httpx.Response) -> float | None:
    """The ``Retry-After`` header in seconds (delta-seconds or an HTTP date), if any."""
    raw = response.headers.get("retry-after")
    if raw is None:
        return None
    try:
        seconds = float(raw)
    except ValueError:
        pass  # not delta-seconds: an HTTP date, read below
    else:
        return seconds if math.isfinite(seconds) else None
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


def _caller_values(call: Call[Any], values: Mapping[str, object]) -> dict[str, object]:
    """The failure's ``values`` with a chunk's item references renumbered (text values)."""
    return {k: call.caller_text(v) if isinstance(v, str) else v for k, v in values.items()}


def _partial_failure(
    error: Exception,
    results: Sequence[Any],
    total: int,
    merge: Callable[[list[Any]], Any] | None,
    others: Sequence[Exception] = (),
) -> None:
    """Attach the results of the requests that succeeded to the error that ended a
    multi-request operation, and the errors of its other requests that failed too
    (``others``); a single request's error is left as it is."""
    if total > 1 and isinstance(error, SalesManagoError):
        done = list(results)
        attach_partial_results(error, merge(done) if merge else done, len(done), total)
        attach_other_errors(error, others)


def _one_http_option(http_client: object, transport: object) -> None:
    """Refuse both ``http_client`` and ``transport``: the transport of a given client is its own."""
    if http_client is not None and transport is not None:
        raise ConfigurationError("pass http_client or transport, not both")


U = TypeVar("U")


def _run_all(
    items: Sequence[U], run: Callable[[U], T], merge: Callable[[list[T]], Any] | None
) -> list[T]:
    """``run`` each item in turn; the first failure stops the others and is raised
    with the results before it attached (`_partial_failure`)."""
    results: list[T] = []
    for item in items:
        try:
            results.append(run(item))
        except Exception as exc:
            _partial_failure(exc, results, len(items), merge)
            raise
    return results


async def _run_all_async(
    items: Sequence[U],
    run: Callable[[U], Awaitable[T]],
    merge: Callable[[list[T]], Any] | None,
    concurrency: int,
) -> list[T]:
    """``run`` the items, ``concurrency`` at a time; results in the items' order.

    After the first failure none is started; those running are awaited, not
    cancelled, and the first failure is raised with every result and the other
    failures attached (`_partial_failure`).
    """
    results: dict[int, T] = {}
    failures: list[Exception] = []
    limiter = anyio.CapacityLimiter(concurrency)

    async def run_one(index: int, item: U) -> None:
        async with limiter:
            if failures:
                return
            try:
                results[index] = await run(item)
            except Exception as exc:
                failures.append(exc)

    async with anyio.create_task_group() as tg:
        for index, item in enumerate(items):
            tg.start_soon(run_one, index, item)
    if failures:
        first = failures[0]
        done = [results[i] for i in sorted(results)]
        _partial_failure(first, done, len(items), merge, failures[1:])
        raise first
    return [results[i] for i in range(len(items))]


@attrs.frozen
class RequestTemplate:
    """What every request with a JSON body to one URL with the same headers shares,
    derived once from a request httpx built itself: ``httpx.Request(method, url,
    headers=headers, content=body)`` is `request` ``(body)`` (the same method, URL,
    headers in the same order, and body), checked by ``test_request_template``.

    Attributes:
        method: the HTTP method.
        url: the parsed URL.
        before: the headers httpx puts before ``Content-Length``, as raw pairs.
        after: the headers after it.
        headers: the headers as given.
    """

    method: str
    url: httpx.URL
    before: tuple[tuple[bytes, bytes], ...]
    after: tuple[tuple[bytes, bytes], ...]
    headers: Mapping[str, str]

    @classmethod
    def of(cls, method: str, url: str, headers: Mapping[str, str]) -> RequestTemplate:
        """The template of ``method`` requests to ``url`` with ``headers``, read off a
        request httpx builds with a one-byte body."""
        probe = httpx.Request(method, url, headers=headers, content=b"-")
        raw = probe.headers.raw
        at = [key.lower() for key, _ in raw].index(b"content-length")
        return cls(probe.method, probe.url, tuple(raw[:at]), tuple(raw[at + 1 :]), headers)

    def request(self, content: bytes, timeout: Mapping[str, Any]) -> httpx.Request:
        """The request carrying ``content`` (and the client's ``timeout`` extension)."""
        if not content:  # httpx puts a zero Content-Length elsewhere: let it build that one
            return httpx.Request(
                self.method,
                self.url,
                headers=self.headers,
                content=content,
                extensions={"timeout": timeout},
            )
        length = (b"Content-Length", str(len(content)).encode())
        request = httpx.Request(
            self.method,
            self.url,
            headers=httpx.Headers([*self.before, length, *self.after]),
            stream=httpx.ByteStream(content),
            extensions={"timeout": timeout},
        )
        request.read()  # as httpx does for content given as bytes
        return request


def _merged(headers: Mapping[str, str], later: Mapping[str, str]) -> httpx.Headers:
    """``headers``, then ``later`` (a name given again replaces it, case-insensitively)."""
    merged = httpx.Headers(headers)
    merged.update(later)
    return merged


def decode_body(response: httpx.Response) -> object:
    """The answer's JSON (fractions as Decimal), or its text when it is not JSON."""
    try:
        return _converter.loads(response.content)
    except ValueError:
        return response.text


class BaseClient:
    """What every client decides without I/O: retries, HTTP status errors, reading a
    result; the two hooks `_build_request` and `_read_response` are the
    wire of one API generation (``_wire.LegacyWire``, ``_wire.V3Wire``).

    Everything here but [`base_url`][salesmanago.SalesManago.base_url],
    [`timeout`][salesmanago.SalesManago.timeout] and
    [`max_retries`][salesmanago.SalesManago.max_retries] is plumbing for the resources, hence
    private.
    """

    #: Retries after a retryable failure (0: one attempt only).
    max_retries: int
    _owns_http: bool

    def __init__(
        self,
        *,
        base_url: str,
        timeout: float | httpx.Timeout,
        max_retries: int,
        default_headers: Mapping[str, str] | None = None,
    ) -> None:
        if max_retries < 0:
            raise ConfigurationError("max_retries must be 0 or more")
        self._base_url = base_url
        self.timeout = check_timeout(timeout, "timeout", ConfigurationError)
        self.max_retries = max_retries
        # The client's default_headers, then (on a call's scoped clone) its extra_headers.
        self._headers = check_headers(default_headers, "default_headers", ConfigurationError)
        # (method, path) -> what every JSON request there shares (`_request_template`).
        self._templates: dict[tuple[str, str], RequestTemplate] = {}

    @property
    def timeout(self) -> float | httpx.Timeout:
        """Seconds per HTTP attempt, or an ``httpx.Timeout`` with its parts."""
        return self._timeout

    @timeout.setter
    def timeout(self, value: float | httpx.Timeout) -> None:
        self._timeout = value
        # what each request carries, built once (httpx only reads it)
        self._timeout_extension = httpx.Timeout(value).as_dict()

    @property
    def base_url(self) -> str:
        """The server the client calls, without ``/api`` (or ``/v3``)."""
        return self._base_url

    def _clone_settings(
        self,
        timeout: float | httpx.Timeout | None,
        max_retries: int | None,
        default_headers: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """The constructor arguments of a ``with_options`` clone: the settings given,
        else this client's, and this client as ``_original`` (whose identity, pool and
        sleep the clone takes); ``default_headers`` are merged onto this client's."""
        headers = check_headers(default_headers, "default_headers", ConfigurationError)
        return {
            "timeout": self.timeout if timeout is None else timeout,
            "max_retries": self.max_retries if max_retries is None else max_retries,
            "default_headers": _merged(self._headers, headers),
            "_original": self,
        }

    def _scoped(self: AnyClient, options: RequestOptions) -> AnyClient:
        """The client one API call sends through: this one, or with the call's
        ``options`` (RequestOptions) a shallow copy differing only in its timeout and
        headers; it shares everything else (pool, sleep, limiter, credentials) and is
        never closed. The options are checked here, before anything is sent."""
        if not options:
            return self
        unknown = set(options) - set(RequestOptions.__annotations__)
        if unknown:
            raise ValidationError(min(unknown), "is not a request option (timeout, extra_headers)")
        scoped = copy.copy(self)
        scoped._owns_http = False
        if "timeout" in options:
            scoped.timeout = check_timeout(options["timeout"], "timeout", ValidationError)
        if "extra_headers" in options:
            extra = check_headers(options["extra_headers"], "extra_headers", ValidationError)
            scoped._headers = _merged(self._headers, extra)
        return scoped

    def _request_headers(self, headers: Mapping[str, str]) -> Mapping[str, str]:
        """The SDK's ``headers`` for a request, then the client's and the call's own
        (a name given again replaces the SDK's, case-insensitively)."""
        return _merged(headers, self._headers) if self._headers else headers

    # the wire: how a call is sent and its answer read --------------------------------

    def _build_request(self, call: Call[Any]) -> httpx.Request:
        """The HTTP request for one attempt of ``call``."""
        raise NotImplementedError

    def _read_response(self, call: Call[T], response: httpx.Response) -> T:
        """The call's result from a final response, or the matching error."""
        raise NotImplementedError

    def _http_request(
        self,
        call: Call[Any],
        payload: Mapping[str, object] | None,
        headers: Mapping[str, str] = HEADERS,
    ) -> httpx.Request:
        """The request for ``call``: its method and path, ``payload`` as JSON (none
        when ``None``), ``headers`` and the client's timeout.

        The usual request (a JSON body, the SDK's own headers, no client or call
        headers) is built from its endpoint's `RequestTemplate`: the same request
        httpx would build, without parsing the URL and normalising the headers again
        on every call."""
        if payload is not None and headers is HEADERS and not self._headers:
            endpoint = call.endpoint
            template = self._templates.get((endpoint.method, endpoint.path))
            if template is None:
                url = self._base_url + endpoint.path
                template = self._templates[endpoint.method, endpoint.path] = RequestTemplate.of(
                    endpoint.method, url, headers
                )
            return template.request(_converter.dumps(payload), self._timeout_extension)
        return httpx.Request(
            call.endpoint.method,
            self._base_url + call.endpoint.path,
            headers=self._request_headers(headers),
            content=None if payload is None else _converter.dumps(payload),
            extensions={"timeout": self._timeout_extension},
        )

    def _form_request(self, call: Call[Any], payload: Mapping[str, object]) -> httpx.Request:
        """The ``multipart/form-data`` request for ``call``: ``payload`` as JSON in the
        part named ``data``, then the call's file parts (httpx sets the boundary)."""
        parts: list[tuple[str, tuple[str | None, bytes, str]]] = [
            ("data", (None, _converter.dumps(payload), "application/json"))
        ]
        parts.extend(
            (name, (filename, content, kind)) for name, filename, content, kind in call.files
        )
        return httpx.Request(
            call.endpoint.method,
            self._base_url + call.endpoint.path,
            headers=self._request_headers(
                {k: v for k, v in HEADERS.items() if k != "Content-Type"}
            ),
            files=parts,
            extensions={"timeout": self._timeout_extension},
        )

    # retry decisions --------------------------------------------------------------

    def _delay_after_error(self, call: Call[Any], exc: httpx.TransportError, attempt: int) -> float:
        """Seconds to wait before retrying after a transport failure; raises when final."""
        path = call.endpoint.path
        sent = self._may_have_landed(exc)  # the request left: it may have been applied
        may_have_landed = sent and not call.idempotent
        kind = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
        retryable = not may_have_landed
        log.warning(
            "%s %s failed: %s (attempt %d of %d)",
            call.endpoint.method,
            path,
            type(exc).__name__,
            attempt + 1,
            self.max_retries + 1,
        )
        if retryable and attempt < self.max_retries:
            return retry_delay(attempt, None)
        host = httpx.URL(self._base_url).host
        text = (
            f"timed out waiting for {host}"
            if kind is APITimeoutError
            else f"connection to {host} failed ({type(exc).__name__})"
        )
        raise kind(text, endpoint=path, may_have_landed=may_have_landed, host=host) from exc

    def _delay_after_response(
        self, call: Call[Any], response: httpx.Response, attempt: int
    ) -> float | None:
        """Seconds to wait before retrying this response, or ``None`` to keep it."""
        if response.status_code not in RETRYABLE_STATUSES or attempt >= self.max_retries:
            return None
        if not call.idempotent:
            return None
        return retry_delay(attempt, parse_retry_after(response))

    def _check_open(self, closed: bool) -> None:
        """Refuse a request on a closed client (``closed``: its pool's ``is_closed``)."""
        if closed:
            raise ClientClosedError(
                f"this client is closed (its HTTP pool to {httpx.URL(self._base_url).host}"
                " was closed); make a new client"
            )

    @staticmethod
    def _may_have_landed(failure: httpx.TransportError | httpx.Response) -> bool:
        """Whether an attempt that is about to be retried may have been applied: it was
        sent and its answer lost, or the platform failed with a 5xx after reading it."""
        if isinstance(failure, httpx.Response):
            return failure.status_code >= 500
        return not isinstance(failure, _NOT_SENT)

    def _read_final(self, call: Call[T], response: httpx.Response, landed: bool) -> T:
        """The call's result from its final response; a refusal after an earlier
        attempt that may have landed says so
        ([`RequestFailedError.may_have_landed`][salesmanago.errors.RequestFailedError.may_have_landed])."""
        try:
            return self._read_response(call, response)
        except RequestFailedError as error:
            if landed:
                error._after_lost_attempt()
            raise

    # response reading ---------------------------------------------------------------

    def _status_error(
        self, call: Call[Any], response: httpx.Response, body: object, message: str
    ) -> APIStatusError:
        """The [`APIStatusError`][salesmanago.errors.APIStatusError] for an HTTP status >= 400
        (``RateLimitError`` with its ``retry_after`` for 429)."""
        path = call.endpoint.path
        if response.status_code == 429:
            return RateLimitError(
                message,
                endpoint=path,
                response=response,
                body=body,
                retry_after=parse_retry_after(response),
            )
        error = error_class_for_status(response.status_code)
        return error(message, endpoint=path, response=response, body=body)

    def _parse(self, call: Call[T], body: Mapping[str, Any], response: httpx.Response) -> T:
        """The call's result read from a successful answer's JSON object."""
        try:
            return call.parse(body)
        except (_converter.WireFormatError, KeyError, TypeError, ValueError) as exc:
            raise ResponseValidationError(
                f"unexpected response: {exc}",
                endpoint=call.endpoint.path,
                response=response,
                body=body,
            ) from exc

    # file downloads (export and import jobs) -----------------------------------------

    def _build_download(self, url: str) -> httpx.Request:
        """A plain GET of a job's file (no auth fields: the URL is the job's own). The
        client's and the call's headers go only to the client's own server: a file
        elsewhere (a storage host) gets none of them."""
        headers = {"Accept": "*/*", "User-Agent": HEADERS["User-Agent"]}
        own = httpx.URL(url).join("/") == httpx.URL(self._base_url).join("/")
        return httpx.Request(
            "GET",
            url,
            headers=self._request_headers(headers) if own else headers,
            extensions={"timeout": self._timeout_extension},
        )

    def _read_download(
        self, call: Call[None], response: httpx.Response, what: str = "export file"
    ) -> bytes:
        """The file's bytes, or the matching [`APIStatusError`][salesmanago.errors.APIStatusError]
        for HTTP >= 400."""
        if response.status_code >= 400:
            message = f"HTTP {response.status_code} downloading the {what}"
            raise self._status_error(call, response, response.text, message)
        return response.content

    def _file_url(self, status: JobStatus) -> str:
        """The absolute URL of a finished job's file."""
        if status.file_url is None:
            raise ValueError(f"job {status.request_id} has no file yet")
        return resolve_file_url(self._base_url, status.file_url)

    def _read_job_file(self, job: Job[T], status: JobStatus, response: httpx.Response) -> T:
        """The job's result from its downloaded file, or the matching error."""
        url = self._file_url(status)
        call = download_call(url)
        content = self._read_download(call, response, f"{job.kind} file")
        file = ExportFile(request_id=status.request_id, url=url, content=content)
        try:
            return job.read(file)
        except (_converter.WireFormatError, KeyError, TypeError, ValueError) as exc:
            raise ResponseValidationError(
                f"unexpected {job.kind} file: {exc}",
                endpoint=call.endpoint.path,
                response=response,
                body=None,
            ) from exc

    def _log_response(
        self, call: Call[Any], response: httpx.Response, attempt: int, t0: float
    ) -> None:
        log.debug(
            "%s %s -> %d (attempt %d, %.1f ms)",
            call.endpoint.method,
            call.endpoint.path,
            response.status_code,
            attempt + 1,
            (time.perf_counter() - t0) * 1000,
        )


class SyncAPIClient(BaseClient):
    """The blocking I/O half: send, sleep, close."""

    def __init__(
        self,
        *,
        base_url: str,
        timeout: float | httpx.Timeout,
        max_retries: int,
        http_client: httpx.Client | None,
        sleep: Callable[[float], None] | None,
        transport: httpx.BaseTransport | None = None,
        original: SyncAPIClient | None = None,
        default_headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
        )
        if original is not None:  # a with_options clone: the original's pool and sleep
            http_client, sleep = original._http, original._sleep
        _one_http_option(http_client, transport)
        self._owns_http = http_client is None
        self._http: httpx.Client = (
            http_client if http_client is not None else httpx.Client(transport=transport)
        )
        self._sleep: Callable[[float], None] = sleep if sleep is not None else time.sleep

    def _execute(self, call: Call[T]) -> T:
        """Send ``call`` with the retry policy and return its result."""
        self._check_open(self._http.is_closed)
        attempt = 0
        landed = False  # an earlier attempt may have been applied
        while True:
            t0 = time.perf_counter()
            try:
                response = self._http.send(self._build_request(call))
            except httpx.TransportError as exc:
                self._sleep(self._delay_after_error(call, exc, attempt))
                landed = landed or self._may_have_landed(exc)
                attempt += 1
                continue
            self._log_response(call, response, attempt, t0)
            delay = self._delay_after_response(call, response, attempt)
            if delay is None:
                return self._read_final(call, response, landed)
            self._sleep(delay)
            landed = landed or self._may_have_landed(response)
            attempt += 1

    def _execute_all(
        self, calls: Sequence[Call[T]], merge: Callable[[list[T]], Any] | None = None
    ) -> list[T]:
        """Send several calls one after another; results in the calls' order.

        A failing call stops the others and its error is raised with the results of
        the calls before it (merged by ``merge``, default: the list of results) in
        ``partial_results``.
        """
        return _run_all(calls, self._execute, merge)

    def _run_jobs(
        self, jobs: Sequence[Job[T]], merge: Callable[[list[T]], Any] | None = None
    ) -> list[T]:
        """Run several jobs one after another, like `_execute_all` sends calls."""
        return _run_all(jobs, self._run_job, merge)

    def _iterate(self, call: Call[Page[T]] | None) -> Iterator[T]:
        """Yield the items of every page, fetching the next page when needed."""
        while call is not None:
            page = self._execute(call)
            yield from page.items
            call = page.next

    def _download(self, url: str) -> bytes:
        """GET a file (an export's ``fileUrl``) with the retry policy; its bytes."""
        return self._read_download(download_call(url), self._fetch(url))

    def _fetch(self, url: str) -> httpx.Response:
        self._check_open(self._http.is_closed)
        call = download_call(url)
        attempt = 0
        while True:
            try:
                response = self._http.send(self._build_download(url))
            except httpx.TransportError as exc:
                self._sleep(self._delay_after_error(call, exc, attempt))
                attempt += 1
                continue
            delay = self._delay_after_response(call, response, attempt)
            if delay is None:
                return response
            self._sleep(delay)
            attempt += 1

    def _run_job(self, job: Job[T]) -> T:
        """Start an asynchronous job, poll its status until its file is ready (or
        raise ExportTimeoutError at the deadline), download and read the file."""
        started = time.monotonic()
        request_id = self._execute(job.start)
        slept = 0.0
        attempt = 0
        while not (status := self._execute(job_status_call(request_id))).done:
            elapsed = max(time.monotonic() - started, slept)
            delay = next_poll_delay(job, status, attempt, elapsed)
            self._sleep(delay)
            slept += delay
            attempt += 1
        return self._read_job_file(job, status, self._fetch(self._file_url(status)))

    def _iterate_jobs(self, job: Job[JobPage[T]] | None) -> Iterator[T]:
        """Yield the items of every page of a paged export, one job per page."""
        while job is not None:
            page = self._run_job(job)
            yield from page.items
            job = page.next

    def close(self) -> None:
        """Close the HTTP connection pool (when the client created it)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self: SyncClient) -> SyncClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


AsyncSleep = Callable[[float], Awaitable[None]]


def pool_limits(max_concurrent_requests: int) -> httpx.Limits:
    """The limits of the connection pool an async client builds for itself: as many
    connections, and as many idle ones kept alive, as requests it lets out at once
    (``max_concurrent_requests``), so the pool never holds a connection no request
    can use nor makes a request wait."""
    return httpx.Limits(
        max_connections=max_concurrent_requests,
        max_keepalive_connections=max_concurrent_requests,
    )


def enters_one_at_a_time(transport: httpx.AsyncBaseTransport | None) -> bool:
    """Whether an async client's requests over ``transport`` (``None``: the pool the
    client builds) go through a `PoolEntry`: over httpx's own transport only, whose
    pool (httpcore's) reports through the ``trace`` extension when a request holds
    its connection. Any other transport (a subclass, the aiohttp one, a mock) is
    sent to as it is."""
    return transport is None or type(transport) is httpx.AsyncHTTPTransport


class PoolEntry:
    """Lets an async client's requests into httpx's own connection pool one at a time,
    each once the one before holds its connection.

    httpcore 1.0's pool hands an idle HTTP/1.1 connection to every request that
    arrives before the first one starts on it; the others then fail over
    (``ConnectionNotAvailable``) and search the pool again, so a burst of k requests
    costs O(k²) passes over the pool (encode/httpcore#1035). Let in one at a time,
    each request finds a connection nobody else was handed.

    A request holds the entry from before ``send`` until the first ``trace`` event
    httpcore reports for it, which comes once it holds its connection (it starts
    sending on it, or opens a new one), or until ``send`` returns or fails. Only a
    pool seen reporting is waited for: until a request's trace event has come, and
    again after an answer came without one (a mocking library in front of the
    pool), requests go in freely. The wait for the entry is part of the request's
    pool timeout (`_enter`). One entry serves a client and its ``with_options``
    clones (one pool).
    """

    def __init__(self) -> None:
        self._lock = anyio.Lock()
        self._reports = False  # the pool has reported a request holding its connection

    async def send(self, http: httpx.AsyncClient, request: httpx.Request) -> httpx.Response:
        """``http.send(request)``, let in as the class says."""
        held = self._reports
        if held:
            await self._enter(request)
        reported = False

        def leave() -> None:
            nonlocal held
            request.extensions.pop("trace", None)  # httpcore traces nothing more
            if held:
                held = False
                self._lock.release()

        async def trace(event: str, info: Mapping[str, Any]) -> None:
            nonlocal reported
            reported = self._reports = True
            leave()

        request.extensions["trace"] = trace
        try:
            response = await http.send(request)
        finally:
            leave()
        if not reported:
            self._reports = False  # answered without a report: never wait for one
        return response

    async def _enter(self, request: httpx.Request) -> None:
        """Take the entry as part of the request's pool timeout: the pool gets what is
        left of it, and none left is ``httpx.PoolTimeout`` (the entry given back).

        No timer keeps the wait within the timeout: the entry is handed on in
        arrival order and each holder leaves the pool by its own deadline (httpcore
        raises ``PoolTimeout`` there), so each request is let in by its own too.
        """
        try:
            self._lock.acquire_nowait()
            return
        except anyio.WouldBlock:
            started = time.monotonic()
            await self._lock.acquire()
        timeouts: dict[str, float | None] = request.extensions.get("timeout", {})
        pool = timeouts.get("pool")
        if pool is None:
            return
        left = pool - (time.monotonic() - started)
        if left <= 0:
            self._lock.release()
            message = "timed out waiting to enter the connection pool"
            raise httpx.PoolTimeout(message, request=request)
        request.extensions["timeout"] = {**timeouts, "pool": left}


async def _send_attempt(client: AsyncAPIClient, request: httpx.Request) -> httpx.Response:
    """Send one attempt of ``client``'s: at most ``max_concurrent_requests`` in flight
    and, over httpx's own pool, let in through the client's `PoolEntry`."""
    async with client._in_flight:
        if client._entry is None:
            return await client._http.send(request)
        return await client._entry.send(client._http, request)


class AsyncAPIClient(BaseClient):
    """The asynchronous I/O half: send, sleep, close."""

    #: How many requests of one multi-request operation run at the same time.
    concurrency: int = 4

    def __init__(
        self,
        *,
        base_url: str,
        timeout: float | httpx.Timeout,
        max_retries: int,
        http_client: httpx.AsyncClient | None,
        sleep: AsyncSleep | None,
        max_concurrent_requests: int = DEFAULT_MAX_CONCURRENT_REQUESTS,
        transport: httpx.AsyncBaseTransport | None = None,
        original: AsyncAPIClient | None = None,
        default_headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
        )
        in_flight = None
        entry: PoolEntry | None = None
        if original is not None:  # a with_options clone: the original's pool, sleep, limit
            http_client, sleep = original._http, original._sleep
            in_flight, entry = original._in_flight, original._entry
            max_concurrent_requests = original.max_concurrent_requests
            self.concurrency = original.concurrency
        if (
            isinstance(max_concurrent_requests, bool)
            or not isinstance(max_concurrent_requests, int)
            or max_concurrent_requests < 1
        ):
            got = max_concurrent_requests
            raise ConfigurationError(
                f"max_concurrent_requests must be a positive integer, got {got!r}"
            )
        _one_http_option(http_client, transport)
        self._owns_http = http_client is None
        self._http: httpx.AsyncClient = (
            http_client
            if http_client is not None
            else httpx.AsyncClient(transport=transport, limits=pool_limits(max_concurrent_requests))
        )
        self._sleep: AsyncSleep = sleep if sleep is not None else anyio.sleep
        # Shared by every task using this client (and its with_options clones, which
        # take it from their original): requests beyond the limit wait here, not in
        # httpx's connection pool.
        self._in_flight: anyio.CapacityLimiter = (
            in_flight if in_flight is not None else anyio.CapacityLimiter(max_concurrent_requests)
        )
        # The pool's entry, shared like the limit: only over httpx's own pool, the one
        # the client builds or an httpx.AsyncHTTPTransport given (never a given client).
        if entry is None and http_client is None and enters_one_at_a_time(transport):
            entry = PoolEntry()
            # and its idle connections asked cheaply whether the server closed them
            poll_straight(self._http._transport if transport is None else transport)
        self._entry: PoolEntry | None = entry

    @property
    def max_concurrent_requests(self) -> int:
        """The most requests this client has in flight at once; other tasks wait their turn."""
        return int(self._in_flight.total_tokens)

    async def _execute(self, call: Call[T]) -> T:
        """Send ``call`` with the retry policy and return its result."""
        self._check_open(self._http.is_closed)
        attempt = 0
        landed = False  # an earlier attempt may have been applied
        while True:
            t0 = time.perf_counter()
            try:
                response = await _send_attempt(self, self._build_request(call))
            except httpx.TransportError as exc:
                await self._sleep(self._delay_after_error(call, exc, attempt))
                landed = landed or self._may_have_landed(exc)
                attempt += 1
                continue
            self._log_response(call, response, attempt, t0)
            delay = self._delay_after_response(call, response, attempt)
            if delay is None:
                return self._read_final(call, response, landed)
            await self._sleep(delay)
            landed = landed or self._may_have_landed(response)
            attempt += 1

    async def _execute_all(
        self, calls: Sequence[Call[T]], merge: Callable[[list[T]], Any] | None = None
    ) -> list[T]:
        """Send several calls, up to [`concurrency`][salesmanago.AsyncSalesManago.concurrency] at a
        time; results in order.

        After the first failure no further call is started, and the calls already
        sent are awaited (not cancelled: a cancelled write may still have landed), so
        the error raised carries exactly the results of every call that succeeded
        (merged by ``merge``, default: their list in call order) in ``partial_results``,
        and the errors of the calls in flight that failed too in ``other_errors``.
        """
        return await _run_all_async(calls, self._execute, merge, self.concurrency)

    async def _run_jobs(
        self, jobs: Sequence[Job[T]], merge: Callable[[list[T]], Any] | None = None
    ) -> list[T]:
        """Run several jobs, up to [`concurrency`][salesmanago.AsyncSalesManago.concurrency] at a
        time, like `_execute_all` sends calls."""
        return await _run_all_async(jobs, self._run_job, merge, self.concurrency)

    async def _iterate(self, call: Call[Page[T]] | None) -> AsyncIterator[T]:
        """Yield the items of every page, fetching the next page when needed."""
        while call is not None:
            page = await self._execute(call)
            for item in page.items:
                yield item
            call = page.next

    async def _download(self, url: str) -> bytes:
        """GET a file (an export's ``fileUrl``) with the retry policy; its bytes."""
        return self._read_download(download_call(url), await self._fetch(url))

    async def _fetch(self, url: str) -> httpx.Response:
        self._check_open(self._http.is_closed)
        call = download_call(url)
        attempt = 0
        while True:
            try:
                response = await _send_attempt(self, self._build_download(url))
            except httpx.TransportError as exc:
                await self._sleep(self._delay_after_error(call, exc, attempt))
                attempt += 1
                continue
            delay = self._delay_after_response(call, response, attempt)
            if delay is None:
                return response
            await self._sleep(delay)
            attempt += 1

    async def _run_job(self, job: Job[T]) -> T:
        """Start an asynchronous job, poll its status until its file is ready (or
        raise ExportTimeoutError at the deadline), download and read the file."""
        started = time.monotonic()
        request_id = await self._execute(job.start)
        slept = 0.0
        attempt = 0
        while not (status := await self._execute(job_status_call(request_id))).done:
            elapsed = max(time.monotonic() - started, slept)
            delay = next_poll_delay(job, status, attempt, elapsed)
            await self._sleep(delay)
            slept += delay
            attempt += 1
        response = await self._fetch(self._file_url(status))
        return self._read_job_file(job, status, response)

    async def _iterate_jobs(self, job: Job[JobPage[T]] | None) -> AsyncIterator[T]:
        """Yield the items of every page of a paged export, one job per page."""
        while job is not None:
            page = await self._run_job(job)
            for item in page.items:
                yield item
            job = page.next

    async def close(self) -> None:
        """Close the HTTP connection pool (when the client created it)."""
        if self._owns_http:
            await self._http.aclose()

    async def aclose(self) -> None:
        """Close the HTTP connection pool (when the client created it)."""
        await self.close()

    async def __aenter__(self: AsyncClient) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
