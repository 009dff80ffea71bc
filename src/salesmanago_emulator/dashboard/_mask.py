"""Secrets out of what the dashboard shows: every body is masked again, at any depth.

The call log already masks ``sha``, ``apiSecret``, ``password`` and ``token`` at the top
level and one level down (``_router.py``); the dashboard does not rely on that alone. A
page may be opened on a shared screen or attached to a CI run, so `masked` walks the
whole body and replaces the value of every key `is_secret_key` names (grade D:
docs/emulator/decisions.md, "The dashboard masks every secret key at any depth").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

__all__ = ["MASK", "SECRET_KEYS", "is_secret_key", "masked"]

MASK: Final = "***"
"""What a masked value shows (the call log's own mask)."""
SECRET_KEYS: Final = frozenset(
    {"sha", "sha1", "apisecret", "secret", "password", "passwords", "token", "api-key", "apikey"}
)
"""Key names (compared without case) whose values never show."""


def is_secret_key(key: object) -> bool:
    """Whether a body key holds a secret (``sha``, ``apiSecret``, ``API-KEY``, ...)."""
    return isinstance(key, str) and key.lower() in SECRET_KEYS


def masked(value: Any) -> Any:
    """A copy of a JSON-like ``value`` with every secret key's value replaced by ``***``."""
    if isinstance(value, Mapping):
        return {k: MASK if is_secret_key(k) else masked(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [masked(item) for item in value]
    return value
