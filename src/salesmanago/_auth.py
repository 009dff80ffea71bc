"""Credentials and the request signature (protocol §2).

The API secret and the derived ``sha`` are kept out of every ``repr``, ``str``,
log line and exception: only :meth:`Credentials.auth_fields` ever reads them.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Final

__all__ = ["Credentials", "compute_sha", "random_api_key"]

_MASK: Final = "***"


def compute_sha(api_key: str, client_id: str, api_secret: str) -> str:
    """Return ``lowercase_hex(SHA1(UTF8(apiKey + clientId + apiSecret)))`` (protocol §2.2)."""
    return hashlib.sha1((api_key + client_id + api_secret).encode("utf-8")).hexdigest()  # noqa: S324


def random_api_key() -> str:
    """A fresh random ``apiKey``: the platform only uses it to salt the signature."""
    return secrets.token_hex(16)


class Credentials:
    """The account's credentials and the signature derived from them.

    The signature does not depend on the request, so it is computed once.
    """

    __slots__ = ("_sha", "api_key", "client_id", "owner")

    def __init__(self, *, client_id: str, api_secret: str, owner: str, api_key: str) -> None:
        self.client_id: Final = client_id
        self.owner: Final = owner
        self.api_key: Final = api_key
        self._sha: Final = compute_sha(api_key, client_id, api_secret)

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
            f"api_key={self.api_key!r}, api_secret={_MASK!r})"
        )

    __str__ = __repr__

    def __reduce__(self) -> str | tuple[object, ...]:
        raise TypeError("Credentials cannot be pickled: they hold the API secret's signature")


def now_ms() -> int:
    """The current UNIX time in milliseconds (``requestTime``)."""
    return time.time_ns() // 1_000_000
