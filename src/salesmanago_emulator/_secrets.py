"""Secrets out of everything the emulator shows: one key list, one mask, any depth.

The call log (`CallRecord.request`, the control API's ``calls``), the control API's
``state`` without a token, the dashboard and the failing-test page all show bodies
through `masked`: the value of every key `is_secret_key` names (compared without
case, at any depth, in lists too) becomes ``"***"``. The SDK's recorder
(``salesmanago._recording``) spells the same rule for itself (it never imports the
emulator); ``tests/sdk/test_sdk_recording.py`` proves the two agree on any body.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

__all__ = [
    "ANSWER_SECRET_KEYS",
    "MASK",
    "SECRET_KEYS",
    "is_secret_key",
    "mask_in_place",
    "masked",
    "masked_answer",
]

MASK: Final = "***"
"""What a masked value shows."""
SECRET_KEYS: Final = frozenset(
    {
        "sha",
        "sha1",
        "apisecret",
        "api_secret",
        "secret",
        "password",
        "passwords",
        "token",
        "apikeys",
        "api-key",
    }
)
"""Key names, lower case, whose values never show: the request's signature (``sha``),
API secrets, passwords, login and file tokens, API v3 keys (``API-KEY``, ``apiKeys``)."""


def is_secret_key(key: object) -> bool:
    """Whether a body key holds a secret (``sha``, ``apiSecret``, ``API-KEY``, ...)."""
    return isinstance(key, str) and key.lower() in SECRET_KEYS


def masked(value: Any) -> Any:
    """A copy of a JSON-like ``value`` with every secret key's value, at any depth,
    replaced by ``"***"`` (``value`` is left as it was). The shape shows, not the
    secret: ``None`` stays ``None`` (no secret set) and a list of secrets becomes as
    many ``"***"``."""
    if isinstance(value, Mapping):
        return {k: _mask_value(v) if is_secret_key(k) else masked(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [masked(item) for item in value]
    return value


def mask_in_place(value: Any) -> Any:
    """`masked` without the copy, for a value nobody else holds (a body just decoded
    for the call log): its secret keys' values are replaced where they stand; returns
    ``value``."""
    if isinstance(value, dict):
        for key, item in value.items():
            if is_secret_key(key):
                value[key] = _mask_value(item)
            else:
                mask_in_place(item)
    elif isinstance(value, list):
        for item in value:
            mask_in_place(item)
    return value


def _mask_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return [MASK] * len(value)
    return MASK


ANSWER_SECRET_KEYS: Final = frozenset({"token", "sha1", "apiSecret"})
"""The keys, as the emulator spells them, of the secrets its own answers carry (at the
top level): the login chain's token and sha (protocol §2.3), a new account's secret."""


def masked_answer(answer: dict[str, Any]) -> dict[str, Any]:
    """An answer as the call log keeps it: `ANSWER_SECRET_KEYS` masked; ``answer``
    itself when it has none (no copy: this runs on every logged call)."""
    if answer.keys().isdisjoint(ANSWER_SECRET_KEYS):
        return answer
    return {k: MASK if k in ANSWER_SECRET_KEYS else v for k, v in answer.items()}
