"""Request options: a client's ``timeout`` and ``default_headers``, and the per-call
``timeout`` and ``extra_headers`` every API method takes (``**options``).

The checks here name the parameter and the rule, never a header's value (a header
may carry a token). The headers the SDK's wire depends on cannot be set
(``RESERVED_HEADERS``); ``Accept`` and ``User-Agent`` can be replaced.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Mapping
from typing import Final, TypedDict

import httpx

from .errors import ConfigurationError, ValidationError

if sys.version_info >= (3, 11):
    from typing import Unpack
else:  # pragma: no cover - Python 3.10
    from typing_extensions import Unpack

__all__ = [
    "RESERVED_HEADERS",
    "RequestOptions",
    "Unpack",
    "check_headers",
    "check_timeout",
]

#: Header names (lower case) a client's ``default_headers`` or a call's
#: ``extra_headers`` may not set: the body's encoding and length, the host, and API
#: v3's key (set by the client's ``api_key``).
RESERVED_HEADERS: Final = frozenset(
    {"content-type", "content-length", "transfer-encoding", "host", "api-key"}
)
_TOKEN: Final = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")  # RFC 9110 field-name


class RequestOptions(TypedDict, total=False):
    """Options of one API call, taken by every method of every resource as keyword
    arguments (``client.contacts.upsert(contact, timeout=5, extra_headers={...})``).

    They apply to every HTTP request the call makes (each chunk of a batch, each page
    of an iterator, each poll and download of a job) and to nothing else.

    Attributes:
        timeout: seconds per HTTP attempt (> 0), or an ``httpx.Timeout`` used as is;
            replaces the client's ``timeout`` for this call.
        extra_headers: headers sent with this call's requests, after the SDK's own
            and the client's ``default_headers`` (a name given here wins). They may
            replace ``Accept`` and ``User-Agent``; ``Content-Type``,
            ``Content-Length``, ``Transfer-Encoding``, ``Host`` and ``API-KEY`` are
            refused (ValidationError).
    """

    timeout: float | httpx.Timeout
    extra_headers: Mapping[str, str]


def check_timeout(
    value: object, name: str, error: type[ConfigurationError] | type[ValidationError]
) -> float | httpx.Timeout:
    """``value`` if it is a timeout setting, else ``error`` naming ``name`` and the rule."""
    if isinstance(value, httpx.Timeout):
        return value
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value <= 0
    ):
        rule = (
            "must be a positive, finite number of seconds or an httpx.Timeout "
            "(httpx.Timeout(None) for none)"
        )
        raise _error(error, name, rule)
    return float(value)


def check_headers(
    value: object, name: str, error: type[ConfigurationError] | type[ValidationError]
) -> httpx.Headers:
    """``value`` (a mapping of header names to values) as ``httpx.Headers``, or
    ``error`` naming ``name`` and the header; a value is never shown."""
    if value is None:
        return httpx.Headers()
    if not isinstance(value, Mapping):
        raise _error(error, name, "must be a mapping of header names to values")
    for key, text in value.items():
        if not isinstance(key, str) or not _TOKEN.match(key):
            raise _error(error, name, f"has an invalid header name {key!r}")
        if key.lower() in RESERVED_HEADERS:
            raise _error(error, name, f"may not set {key!r}: the SDK sets it")
        if not isinstance(text, str) or not text.isprintable() or not text.isascii():
            raise _error(error, name, f"value of {key!r} must be printable ASCII text")
    return httpx.Headers(value)


def _error(
    error: type[ConfigurationError] | type[ValidationError], name: str, rule: str
) -> ConfigurationError | ValidationError:
    if issubclass(error, ValidationError):
        return error(name, rule)
    return error(f"{name} {rule}")
