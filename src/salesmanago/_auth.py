"""Credentials and the request signature (protocol §2).

The API secret and the derived ``sha`` are kept out of every ``repr``, ``str``,
log line and exception: only `Credentials.auth_fields` ever reads them.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from typing import Final

from .errors import ConfigurationError

__all__ = ["Credentials", "compute_sha", "is_sha", "random_api_key"]

_MASK: Final = "***"
_SHA: Final = re.compile(r"[0-9a-fA-F]{40}")


def compute_sha(api_key: str, client_id: str, api_secret: str) -> str:
    """Return ``lowercase_hex(SHA1(UTF8(apiKey + clientId + apiSecret)))`` (protocol §2.2)."""
    return hashlib.sha1((api_key + client_id + api_secret).encode("utf-8")).hexdigest()  # noqa: S324


def is_sha(value: object) -> bool:
    """Whether ``value`` looks like a signature: 40 hexadecimal digits."""
    return isinstance(value, str) and _SHA.fullmatch(value) is not None


def _checked(sha: str | None) -> str:
    """A given signature, in lower case; its value is never shown, not even when refused."""
    if not isinstance(sha, str) or not is_sha(sha):
        raise ConfigurationError(
            "sha must be 40 hexadecimal digits: SHA1(apiKey + clientId + apiSecret) (protocol §2.2)"
        )
    return sha.lower()


def random_api_key() -> str:
    """A fresh random ``apiKey``: the platform only uses it to salt the signature."""
    return secrets.token_hex(16)


class Credentials:
    """The account's credentials and the signature derived from them.

    The signature does not depend on the request, so it is computed once, from
    ``api_secret``; or it is given ready (``sha``, e.g. from the login chain,
    protocol §2.3), for the ``api_key`` it was computed with.
    """

    __slots__ = ("_sha", "api_key", "client_id", "owner")

    def __init__(
        self,
        *,
        client_id: str,
        owner: str,
        api_key: str,
        api_secret: str | None = None,
        sha: str | None = None,
    ) -> None:
        if (api_secret is None) == (sha is None):
            raise ConfigurationError("pass exactly one of api_secret and sha")
        self.client_id: Final = client_id
        self.owner: Final = owner
        self.api_key: Final = api_key
        self._sha: Final = (
            compute_sha(api_key, client_id, api_secret) if api_secret is not None else _checked(sha)
        )

    def auth_fields(self, now_ms: int) -> dict[str, object]:
        """The body fields every call carries (protocol §2.1), ``owner`` excluded."""
        return {
            "clientId": self.client_id,
            "apiKey": self.api_key,
            "requestTime": now_ms,
            "sha": self._sha,
        }

    def __repr__(self) -> str:
        return (
            f"Credentials(client_id={self.client_id!r}, owner={self.owner!r}, "
            f"api_key={self.api_key!r}, sha={_MASK!r})"
        )

    __str__ = __repr__

    def __reduce__(self) -> str | tuple[object, ...]:
        raise TypeError("Credentials cannot be pickled: they hold the API secret's signature")


def now_ms() -> int:
    """The current UNIX time in milliseconds (``requestTime``)."""
    return time.time_ns() // 1_000_000
