"""JSON as the emulator reads and writes it: numbers bounded and exact.

`decode_json` reads a request body (or a control body): JSON fractions
become ``Decimal`` with exactly the digits sent, ``NaN``/``Infinity`` are
refused, and a number beyond `NUMBER_LIMIT` digits or exponent raises
`NumberOutOfRangeError` (the router answers HTTP 400). `encode_json`
writes an answer with every ``Decimal`` as a JSON number of exactly its digits.
A leaf module: the router, the routes, the control API and the state file use it.
"""

from __future__ import annotations

import functools
import json
import secrets
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Final

from .errors import TEXT_NUMBER_OUT_OF_RANGE

__all__ = [
    "NUMBER_LIMIT",
    "NumberOutOfRangeError",
    "decode_json",
    "encode_json",
]


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


NUMBER_LIMIT: Final = 40
"""Most digits of a JSON number, and the largest decimal exponent either way (grade D).

No field of the protocol needs more (ms timestamps have 13 digits, event
values 22 characters); without a bound ``1E+100000`` would become a
100 001-digit integer or string and tie up the emulator.
"""


class NumberOutOfRangeError(ValueError):
    """A JSON number beyond `NUMBER_LIMIT` (refused with HTTP 400)."""

    def __init__(self, text: str) -> None:
        shown = text if len(text) <= 32 else text[:32] + "..."
        super().__init__(TEXT_NUMBER_OUT_OF_RANGE.format(number=shown, limit=NUMBER_LIMIT))


def _parse_int(text: str) -> int:
    if len(text) - text.startswith("-") > NUMBER_LIMIT:
        raise NumberOutOfRangeError(text)
    return int(text)


def _parse_float(text: str) -> Decimal:
    value = Decimal(text)
    if len(text) > 2 * NUMBER_LIMIT or abs(value.adjusted()) > NUMBER_LIMIT:
        raise NumberOutOfRangeError(text)
    return value


_DECODER: Final = json.JSONDecoder(
    parse_float=_parse_float, parse_int=_parse_int, parse_constant=_reject_constant
)


# The decoder's own scanner (set up by JSONDecoder.__init__, missing from the stubs).
_SCAN: Final[Callable[[str, int], tuple[Any, int]]] = _DECODER.scan_once  # type: ignore[attr-defined]


def decode_json(raw: bytes) -> Any:
    """``_DECODER.decode`` of the UTF-8 body, in one scan when no white space surrounds it.

    Raises what ``decode`` raises (``ValueError`` subclasses, ``RecursionError``).
    """
    text = raw.decode("utf-8")
    try:
        value, end = _SCAN(text, 0)
    except StopIteration:
        end = -1
    if end != len(text):  # white space around the value, or an error: let decode tell
        return _DECODER.decode(text)
    return value


# A Decimal is first written as a marked string, then the marks and quotes are cut
# away so its digits stand as a JSON number. The mark holds a NUL (escaped as
# \u0000 inside JSON text) and a random part, so no request text can forge one.
_DECIMAL_MARK: Final = "\x00" + secrets.token_hex(8) + ":"
_MARK_IN_JSON: Final = '"' + json.dumps(_DECIMAL_MARK)[1:-1]
_MARK_END_IN_JSON: Final = '\\u0000"'


def _encode_default(value: object) -> object:
    if isinstance(value, Decimal) and value.is_finite():
        return f"{_DECIMAL_MARK}{value:f}\x00"
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


_ENCODER: Final = json.JSONEncoder(separators=(",", ":"), default=_encode_default)
# The C encoder _ENCODER.encode makes for every call, made here with the same settings:
# an answer is written without JSONEncoder's per-call set-up (a fresh ``markers`` dict
# each time: the circular-reference check stays). ``None`` where the C module is missing.
_C_ENCODER: Final = getattr(json.encoder, "c_make_encoder", None)


def _encode(value: object) -> str:
    """``_ENCODER.encode(value)``, through the C encoder when there is one."""
    if _C_ENCODER is None or isinstance(value, str):
        return _ENCODER.encode(value)
    chunks = _C_ENCODER(
        {},
        _encode_default,
        json.encoder.encode_basestring_ascii,
        None,
        ":",
        ",",
        False,
        False,
        True,
    )(value, 0)
    return "".join(chunks)


@functools.lru_cache(maxsize=16)
def _encoder_with(default: Callable[[object], object]) -> json.JSONEncoder:
    """The encoder for ``default`` (built once: callers pass module-level functions)."""

    def either(item: object) -> object:
        if isinstance(item, Decimal):
            return _encode_default(item)
        return default(item)

    return json.JSONEncoder(separators=(",", ":"), default=either)


def encode_json(value: object, default: Callable[[object], object] | None = None) -> str:
    """``value`` as compact JSON text; a ``Decimal`` becomes a number with exactly its digits.

    ``default`` turns other objects into JSON-ready values (as ``json.dumps``'s);
    without it any other object raises ``TypeError``.
    """
    text = _encode(value) if default is None else _encoder_with(default).encode(value)
    if _MARK_IN_JSON not in text:
        return text
    out: list[str] = []
    pos = 0
    while (start := text.find(_MARK_IN_JSON, pos)) != -1:
        end = text.index(_MARK_END_IN_JSON, start + len(_MARK_IN_JSON))
        out.append(text[pos:start])
        out.append(text[start + len(_MARK_IN_JSON) : end])
        pos = end + len(_MARK_END_IN_JSON)
    out.append(text[pos:])
    return "".join(out)
