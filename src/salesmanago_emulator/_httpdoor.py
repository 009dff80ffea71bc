"""The rules of server mode's HTTP door, with no HTTP library: limits, ``Host`` and
``Origin`` checks, the control token, the masking of secrets in state answers.

Kept apart from ``asgi`` ([`create_app`][salesmanago_emulator.asgi.create_app], which
needs Starlette) so the package, the command line and
[`EmulatorServer`][salesmanago_emulator.EmulatorServer] import without the ``server`` extra.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Iterable
from typing import Final

from ._jsoncodec import encode_json

__all__ = [
    "CONTROL_TOKEN_ENV",
    "DASHBOARD_PREFIX",
    "LOOPBACK_NAMES",
    "MAX_BODY_BYTES",
    "MAX_HEADERS",
    "MAX_HEADER_BYTES",
    "MAX_HEAD_BYTES",
    "MAX_URL_BYTES",
    "HostPolicy",
    "envelope",
    "exposure_warning",
    "is_json_type",
    "is_loopback",
    "token_matches",
]

MAX_BODY_BYTES: Final = 10 * 1024 * 1024
"""The largest request body accepted (10 MiB); larger ones get HTTP 413."""
MAX_URL_BYTES: Final = 8 * 1024
"""The longest request target (path and query) accepted; longer ones get HTTP 414."""
MAX_HEADER_BYTES: Final = 32 * 1024
"""The most bytes of header names and values accepted; more get HTTP 431."""
MAX_HEADERS: Final = 100
"""The most header lines accepted; more get HTTP 431."""
MAX_HEAD_BYTES: Final = 64 * 1024
"""What the HTTP parser reads of a request head at most; a longer head gets HTTP 431."""
DASHBOARD_PREFIX: Final = "/_emulator/ui"
"""Where the app mounts the dashboard's pages (``asgi.dashboard_routes``; the dashboard's
own links start there too)."""
CONTROL_TOKEN_ENV: Final = "SALESMANAGO_EMULATOR_CONTROL_TOKEN"
"""The environment variable ``serve`` reads the control token from (``--control-token``
wins)."""
LOOPBACK_NAMES: Final = ("localhost", "127.0.0.1", "::1")
"""The host names every server accepts in ``Host`` (any 127.0.0.0/8 address too)."""

_SEEN_HOSTS: Final = 256


def envelope(message: str) -> bytes:
    """The platform's failure envelope holding ``message``, as JSON bytes."""
    return encode_json({"success": False, "message": [message]}).encode()


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address, no port) names this machine's loopback."""
    name = host.strip("[]").rstrip(".").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str) -> str | None:
    """What binding ``host`` exposes, when it is not a loopback address (else ``None``)."""
    if is_loopback(host):
        return None
    return (
        f"warning: listening on {host}, not on the loopback interface: every machine that "
        "can reach this one can call the emulator's API and its control API (create and "
        "reset accounts, read the state and the call log, move the clock). Set "
        f"--control-token (or {CONTROL_TOKEN_ENV}) and bind 127.0.0.1 unless the network "
        "is yours."
    )


def _host_name(value: str) -> str:
    """The host of a ``Host`` header or an origin's authority, without its port."""
    value = value.strip().lower()
    if value.startswith("["):  # [v6]:port
        return value[1 : value.find("]")] if "]" in value else value
    name, _, port = value.rpartition(":")
    return name.rstrip(".") if name and port.isdigit() and ":" not in name else value.rstrip(".")


class HostPolicy:
    """Which ``Host`` headers a server answers: loopback names, its bound host and the
    names given (``"*"``: any, which switches the DNS rebinding protection off)."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        """Accept loopback names and ``names`` (host names or addresses, no port)."""
        given = {_host_name(name) for name in names if name.strip()}
        self.any = "*" in given
        self.names = frozenset(given - {"*"})
        self._seen: dict[str, bool] = {}  # header -> answer: clients send a few Hosts

    def allows(self, header: str | None) -> bool:
        """Whether a request with this ``Host`` header is answered (no header: yes, as an
        HTTP/1.0 client sends none and a browser always sends one)."""
        if header is None or self.any:
            return True
        known = self._seen.get(header)
        if known is not None:
            return known
        name = _host_name(header)
        allowed = name in self.names or is_loopback(name)
        if len(self._seen) < _SEEN_HOSTS:
            self._seen[header] = allowed
        return allowed

    def describe(self) -> str:
        """The accepted names, for the refusal's message."""
        return ", ".join(sorted({*LOOPBACK_NAMES, *self.names}))


def same_origin(origin: str, host: str | None) -> bool:
    """Whether an ``Origin`` header names the server the request was sent to (its
    ``Host``), over plain HTTP; ``null`` and every other origin are foreign."""
    scheme, sep, authority = origin.strip().lower().partition("://")
    if not sep or scheme != "http" or host is None:
        return False
    return authority.rstrip("/") == host.strip().lower()


def is_json_type(content_type: str | None) -> bool:
    """Whether a ``Content-Type`` is JSON (``application/json`` or ``...+json``)."""
    if content_type is None:
        return False
    media = content_type.split(";", 1)[0].strip().lower()
    if media == "application/json":
        return True
    return media.startswith("application/") and media.endswith("+json")


def token_matches(header: str | None, token: str) -> bool:
    """Whether an ``Authorization`` header carries ``Bearer <token>`` (compared in
    constant time)."""
    if header is None:
        return False
    scheme, _, given = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())
