"""The SDK's error tree.

```
SalesManagoError
├── ConfigurationError          a client cannot be built (missing credential, bad endpoint)
├── ValidationError             a value breaks a rule; raised before anything is sent
│   └── ArgumentTypeError       an argument of the wrong type (also a TypeError)
├── ExportTimeoutError          an export (or import) job did not finish before its deadline
├── ClientClosedError           a request on a closed client
├── CheckpointError             a bulk sync's checkpoint is unreadable or of another input
├── APIConnectionError          no usable HTTP answer (connection refused, reset, ...)
│   └── APITimeoutError         the answer did not come in time
└── APIError                    the platform answered, and the answer is a failure
    ├── APIStatusError          HTTP 4xx / 5xx
    │   ├── BadRequestError         400
    │   ├── EndpointNotFoundError   404
    │   ├── RateLimitError          429 (``retry_after``)
    │   └── InternalServerError     5xx
    ├── InvalidResponseError    the body is not a JSON envelope (v3: a JSON object)
    ├── ResponseValidationError the envelope lacks what the method needs
    └── RequestFailedError      the platform refused the request: ``success: false``
        │                           (legacy), or API v3 ``problems`` (``reason_codes``)
        ├── AuthenticationError     "Not authenticated", "Api key not specified", ...; v3 code 10
        ├── NotFoundError           "... not found"; v3 code 16
        ├── AlreadyExistsError      "... already exists"; v3 code 15
        ├── CouponError             a coupon text: used, expired, unknown ...
        └── InvalidFieldError       "Field '...' ..." (the platform refused a value);
                                    v3 codes 11, 13, 14, 17, 18, 19
```

No exception text ever contains the API secret, the request signature or the
API v3 key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

import attrs
import httpx

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AlreadyExistsError",
    "ArgumentTypeError",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConfigurationError",
    "CouponError",
    "EndpointNotFoundError",
    "ExportTimeoutError",
    "InternalServerError",
    "InvalidFieldError",
    "InvalidResponseError",
    "NotFoundError",
    "RateLimitError",
    "RequestFailedError",
    "ResponseValidationError",
    "SalesManagoError",
    "V3Problem",
    "ValidationError",
    "attach_other_errors",
    "attach_partial_results",
    "error_class_for_messages",
    "error_class_for_reason_codes",
    "error_class_for_status",
]

#: The API v3 reason code of a warning: a value too long, trimmed; the request
#: succeeded (protocol §9).
WARNING_CODE: Final = 12


@attrs.frozen(kw_only=True)
class V3Problem:
    """One entry of an API v3 answer's ``problems`` (protocol §9).

    The platform sends ``{"reasonCode": N, "message": "field|text"}``; the field is
    the part of the message before the first ``|``.

    Attributes:
        reason_code: 10 authentication failed; 11 over a limit; 12 too long and
            trimmed (a warning: the request succeeded); 13 missing; 14 wrong type;
            15 already exists; 16 unknown id; 17 null; 18 does not match the
            pattern; 19 above the available limit.
        field: the field named before ``|`` (``None`` when the message names none).
        text: the message's text after the field.
    """

    reason_code: int
    field: str | None
    text: str

    @classmethod
    def parse(cls, reason_code: int, message: str) -> V3Problem:
        """A problem from its reason code and its ``field|text`` message."""
        field, bar, text = message.partition("|")
        if not bar:
            return cls(reason_code=reason_code, field=None, text=message)
        return cls(reason_code=reason_code, field=field.strip() or None, text=text)

    @property
    def message(self) -> str:
        """The message as the platform sent it (``field|text``)."""
        return self.text if self.field is None else f"{self.field}|{self.text}"

    @property
    def warning(self) -> bool:
        """Whether this is a warning (code 12): the value was trimmed, the request succeeded."""
        return self.reason_code == WARNING_CODE


class SalesManagoError(Exception):
    """Root of every error this library raises.

    An operation sent as several requests (a batch or a look-up split into
    chunks) that fails part-way raises the failing request's error with the
    outcome of the requests that succeeded before it attached, and says so in
    its text ([`attach_partial_results`][salesmanago.errors.attach_partial_results]).

    Attributes:
        partial_results: what the requests that succeeded returned: merged like
            the operation's result for batches (e.g. a ``BatchUpsertResult``
            holding only their items), else their results in request order
            (look-ups over 50 keys: the pages answered); ``None`` when the error
            did not end a multi-request operation.
        completed_requests: how many of the operation's requests succeeded.
        total_requests: how many requests the operation had (0: a single request).
        other_errors: the errors of the operation's other requests that failed
            too (the async client's requests already in flight when the first
            failed); empty otherwise.
    """

    partial_results: Any = None
    completed_requests: int = 0
    total_requests: int = 0
    other_errors: tuple[Exception, ...] = ()


class ConfigurationError(SalesManagoError, ValueError):
    """The client cannot be built: a credential is missing or a setting is invalid."""


class ValidationError(SalesManagoError, ValueError):
    """A value breaks a rule of the platform; nothing was sent.

    Attributes:
        field: the wire name of the offending field, dotted for nesting
            (``contact.email``, ``upsertDetails[3].tags[0]``).
        rule: the rule that was broken, as a phrase (``must be at most 1024 characters``).
    """

    def __init__(self, field: str, rule: str) -> None:
        self.field = field
        self.rule = rule
        super().__init__(f"Field '{field}' {rule}")


class ArgumentTypeError(ValidationError, TypeError):
    """An argument is not of the type the method takes (a ``str`` where a
    [`ContactUpsert`][salesmanago.models.contacts.ContactUpsert] is expected, ...); nothing was
    sent. Also a ``TypeError``, as Python's own argument checks are."""


class ExportTimeoutError(SalesManagoError):
    """An asynchronous job (an export, or a ``batchupsertv2`` import) did not deliver
    its file before the deadline.

    The job keeps running on the platform; its file can still be fetched later
    with the same ``request_id`` (protocol §6, ``/api/job/status``).

    Attributes:
        request_id: the job's ``requestId``, as a string (protocol §13.18).
        deadline: the seconds the SDK waited for it.
        messages: the platform's last progress texts.
    """

    def __init__(
        self,
        request_id: str,
        deadline: float,
        messages: Sequence[str] = (),
        *,
        kind: str = "export",
    ) -> None:
        self.request_id = request_id
        self.deadline = deadline
        self.messages: tuple[str, ...] = tuple(messages)
        text = f"{kind} job {request_id} did not finish within {deadline:g} s"
        if self.messages:
            text += " (last status: " + " | ".join(self.messages) + ")"
        super().__init__(text)


class APIConnectionError(SalesManagoError):
    """No usable HTTP answer came back.

    Attributes:
        endpoint: the API path that was called.
        may_have_landed: ``True`` when the request may have reached the platform
            and been applied (the connection broke after it was sent). A write that
            is not idempotent is then not repeated automatically.
        host: the host the client was calling (named in the text), when known.
    """

    def __init__(
        self, message: str, *, endpoint: str, may_have_landed: bool, host: str | None = None
    ) -> None:
        self.endpoint = endpoint
        self.may_have_landed = may_have_landed
        self.host = host
        if may_have_landed:
            message += "; the request may have been applied by the platform, so it was not repeated"
        super().__init__(f"{endpoint}: {message}")


class APITimeoutError(APIConnectionError):
    """The platform did not answer in time."""


class ClientClosedError(SalesManagoError):
    """A request was made on a client that is closed (after ``close()`` or its
    ``with`` block); make a new client."""


class APIError(SalesManagoError):
    """The platform answered, and the answer is a failure.

    Attributes:
        endpoint: the API path that was called.
        status_code: the HTTP status of the answer.
        body: the parsed JSON body, or the raw text when it is not JSON.
        response: the raw `httpx.Response`.
    """

    def __init__(
        self,
        message: str,
        *,
        endpoint: str,
        response: httpx.Response,
        body: object,
    ) -> None:
        self.endpoint = endpoint
        self.response = response
        self.status_code = response.status_code
        self.body = body
        super().__init__(f"{endpoint}: {message}")


class APIStatusError(APIError):
    """The platform (or a gateway before it) answered with HTTP 4xx or 5xx."""


class BadRequestError(APIStatusError):
    """HTTP 400: the platform could not read the request."""


class EndpointNotFoundError(APIStatusError):
    """HTTP 404: no such API method at this endpoint."""


class RateLimitError(APIStatusError):
    """HTTP 429: too many requests.

    Attributes:
        retry_after: seconds the platform asked to wait, when it said.
    """

    def __init__(
        self,
        message: str,
        *,
        endpoint: str,
        response: httpx.Response,
        body: object,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, endpoint=endpoint, response=response, body=body)
        self.retry_after = retry_after


class InternalServerError(APIStatusError):
    """HTTP 5xx: the platform failed, possibly after applying the request.

    A write that is not idempotent is then not repeated automatically; the text
    says that the request may have been applied.
    """

    def __init__(
        self,
        message: str,
        *,
        endpoint: str,
        response: httpx.Response,
        body: object,
    ) -> None:
        message += "; the request may have been applied by the platform before it failed"
        super().__init__(message, endpoint=endpoint, response=response, body=body)


class InvalidResponseError(APIError):
    """The body is not what the API always sends: the legacy API's JSON envelope
    (protocol §3.1), or an API v3 JSON object (protocol §9)."""


class ResponseValidationError(APIError):
    """The envelope says success but lacks or mistypes what the method needs."""


class RequestFailedError(APIError):
    """The platform refused the request: a legacy ``success: false`` (protocol §3.2),
    or an API v3 answer with ``problems`` (protocol §9).

    Attributes:
        messages: the platform's texts, as sent (the legacy ``message`` list; the
            v3 problems' ``field|text`` messages).
        values: the optional legacy ``values`` object naming offending values.
        problems: the API v3 problems (empty for the legacy API).
        reason_codes: their reason codes, in order (empty for the legacy API).
        field: the first field the platform named: a v3 problem's field, or the
            ``'...'`` of a legacy ``Field '...' rule`` text; ``None`` when none is named.
        may_have_landed: ``True`` when an earlier attempt of this (idempotent, hence
            retried) call may have been applied before its answer was lost: a
            "not found" then most likely means the earlier attempt did the work
            (a delete, a finish), and the text says so.
    """

    may_have_landed: bool = False

    def _after_lost_attempt(self) -> None:
        """Mark the refusal as answering a retry whose earlier attempt may have landed."""
        self.may_have_landed = True
        _add_note(
            self,
            "; an earlier attempt of this call may have been applied before its answer"
            " was lost, so this refusal may describe the state that attempt left",
        )

    def __init__(
        self,
        messages: Sequence[str],
        *,
        endpoint: str,
        response: httpx.Response,
        body: object,
        values: Mapping[str, object] | None = None,
        problems: Sequence[V3Problem] = (),
    ) -> None:
        self.messages: tuple[str, ...] = tuple(messages)
        self.values = values
        self.problems: tuple[V3Problem, ...] = tuple(problems)
        self.reason_codes: tuple[int, ...] = tuple(p.reason_code for p in self.problems)
        self.field: str | None = next((p.field for p in self.problems if p.field), None)
        if self.field is None:
            self.field = next((m.group(1) for m in map(_FIELD_TEXT.match, messages) if m), None)
        text = " | ".join(self.messages) or "the platform answered success: false with no message"
        if self.reason_codes:
            codes = ", ".join(str(code) for code in self.reason_codes)
            text += f" (reason code{'s' if len(self.reason_codes) > 1 else ''} {codes})"
        super().__init__(text, endpoint=endpoint, response=response, body=body)
        self._annotate(response)

    def _annotate(self, response: httpx.Response) -> None:
        """Add to the text what a subclass knows to say (nothing here)."""


_FIELD_TEXT: Final = re.compile(r"Field '([^']+)'")


class AuthenticationError(RequestFailedError):
    """The credentials or the owner were refused (protocol §3.3).

    Its text adds what to check: the client id, the API secret (or ``sha``) and the
    ``owner``, and the server the request went to (an account lives on one server,
    e.g. ``app3.salesmanago.pl``; the default endpoint is only right for some).
    """

    def _annotate(self, response: httpx.Response) -> None:
        """Say what to check, and where the request went."""
        host = _request_host(response)
        sent_to = f"; and that {host} is your account's server" if host else ""
        _add_note(
            self,
            " (check the client id, the API secret or sha, and the owner, a user of the"
            f" account{sent_to}: see docs/configuration.md)",
        )


def _request_host(response: httpx.Response) -> str | None:
    """The host a response's request was sent to, if the response has its request."""
    try:
        return response.request.url.host or None
    except RuntimeError:  # a response built without a request
        return None


class NotFoundError(RequestFailedError):
    """The contact (or other object) the request names does not exist."""


class AlreadyExistsError(RequestFailedError):
    """The object the request would create exists already."""


class CouponError(RequestFailedError):
    """The platform refused a coupon: used already, expired or unknown (semantics S8.2)."""


class InvalidFieldError(RequestFailedError):
    """The platform refused a field's value."""


_AUTH_TEXTS = (
    "not authenticated",
    "user not authenticated",
    "api key not specified",
    "token not specified",
    "not authorized",
    "authorization failed",
    "invalid account",
)


def attach_partial_results(error: SalesManagoError, results: Any, done: int, total: int) -> None:
    """Record on ``error`` that ``done`` of the ``total`` requests of its operation
    succeeded with ``results``, and add that to its text."""
    error.partial_results = results
    error.completed_requests = done
    error.total_requests = total
    _add_note(
        error,
        f" [{done} of {total} requests of this operation succeeded before this failure; "
        "their results are in the error's partial_results]",
    )


def attach_other_errors(error: SalesManagoError, others: Sequence[Exception]) -> None:
    """Record on ``error`` the errors of the other requests of its operation that
    failed too, and add their number to its text."""
    if not others:
        return
    error.other_errors = tuple(others)
    _add_note(
        error, f" [{len(others)} more of its requests failed too: see the error's other_errors]"
    )


def _add_note(error: SalesManagoError, note: str) -> None:
    """Append ``note`` to the text of ``error`` (a single text, as every error here has)."""
    if len(error.args) == 1 and isinstance(error.args[0], str):
        error.args = (error.args[0] + note,)


def error_class_for_messages(messages: Sequence[str]) -> type[RequestFailedError]:
    """Pick the most specific [`RequestFailedError`][salesmanago.errors.RequestFailedError] for the
    platform's texts."""
    lowered = [m.lower() for m in messages]
    if any(m.startswith(_AUTH_TEXTS) for m in lowered):
        return AuthenticationError
    if any("coupon" in m for m in lowered):
        return CouponError
    if any("not found" in m or "does not exist" in m for m in lowered):
        return NotFoundError
    if any("already exists" in m or "already registered" in m for m in lowered):
        return AlreadyExistsError
    if any(m.startswith("field '") for m in lowered):
        return InvalidFieldError
    return RequestFailedError


_REASON_CLASSES: Final[tuple[tuple[type[RequestFailedError], frozenset[int]], ...]] = (
    (AuthenticationError, frozenset({10})),
    (NotFoundError, frozenset({16})),
    (AlreadyExistsError, frozenset({15})),
    (InvalidFieldError, frozenset({11, 13, 14, 17, 18, 19})),
)


def error_class_for_reason_codes(
    codes: Sequence[int], status_code: int
) -> type[RequestFailedError]:
    """Pick the most specific [`RequestFailedError`][salesmanago.errors.RequestFailedError] for API
    v3 reason codes (protocol §9); an HTTP 401 or 403 without any is an
    [`AuthenticationError`][salesmanago.errors.AuthenticationError]."""
    for error, known in _REASON_CLASSES:
        if known.intersection(codes):
            return error
    if not codes and status_code in (401, 403):
        return AuthenticationError
    return RequestFailedError


def error_class_for_status(status_code: int) -> type[APIStatusError]:
    """The [`APIStatusError`][salesmanago.errors.APIStatusError] subclass for an HTTP status
    (RateLimitError aside)."""
    if status_code == 400:
        return BadRequestError
    if status_code == 404:
        return EndpointNotFoundError
    if status_code >= 500:
        return InternalServerError
    return APIStatusError


class CheckpointError(SalesManagoError, ValueError):
    """A bulk sync's checkpoint file cannot be used: it is no checkpoint, it belongs
    to a sync of another kind, or the input differs from the one it acknowledged
    (rows changed, added before the acknowledged ones, or reordered). Nothing was sent."""


__all__ += ["CheckpointError"]
