"""The emulator's JSON writer: its C-encoder fast path writes what ``JSONEncoder.encode``
writes (issue 17), Decimals with exactly their digits, circular values refused."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesmanago_emulator import _jsoncodec
from salesmanago_emulator._jsoncodec import _ENCODER, decode_json, encode_json

DECIMALS = st.decimals(allow_nan=False, allow_infinity=False, places=None, max_value=10**20)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | DECIMALS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=15,
)


@settings(max_examples=300, deadline=None)
@given(value=VALUES)
def test_encode_writes_what_the_json_encoder_writes(value: Any) -> None:
    """The fast path's text is the general path's, then every Decimal becomes a number."""
    assert _jsoncodec._encode(value) == _ENCODER.encode(value)
    text = encode_json(value)
    assert decode_json(text.encode()) == value


@settings(max_examples=50, deadline=None)
@given(value=VALUES)
def test_encode_without_the_c_encoder_writes_the_same(value: Any) -> None:
    """Where the C encoder is missing the general path writes the same text."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_jsoncodec, "_C_ENCODER", None)
        slow = encode_json(value)
    assert slow == encode_json(value)


def test_decimals_keep_their_digits() -> None:
    """``10.00`` stays ``10.00``, never a float (S6.3)."""
    assert (
        encode_json({"v": Decimal("10.00"), "w": [Decimal("-0.01")]}) == '{"v":10.00,"w":[-0.01]}'
    )


def test_a_circular_value_is_refused_every_time() -> None:
    """The circular-reference check stays, and a refusal leaves nothing behind for the
    next answer (each call has its own markers)."""
    loop: dict[str, Any] = {}
    loop["self"] = loop
    for _ in range(2):
        with pytest.raises(ValueError, match="Circular"):
            encode_json(loop)
    shared = {"a": 1}
    assert encode_json([shared, shared]) == '[{"a":1},{"a":1}]'
