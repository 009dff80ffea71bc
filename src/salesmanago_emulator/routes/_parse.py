"""Typed accessors for JSON request bodies.

Every accessor reads one key of a decoded JSON object and either returns a
value of the promised Python type or raises
[`InvalidField`][salesmanago_emulator.errors.InvalidField] naming the wire field
(dotted, with indexes: ``contact.email``, ``upsertDetails[3].tags``) and the
rule it breaks. A handler that reads its body only through these never sees
a value of the wrong type, so a malformed request becomes ``success: false``
naming the field and never an internal error.

``prefix`` is the dotted path of the object being read, ending in a dot
(``"upsertDetails[3]."``), or ``""`` for the top level.

Dates (protocol §13.2): millisecond integers, numeric strings and ISO-8601
strings are accepted; a number below 10^11 is read as seconds, a larger one as
milliseconds. A naive ISO-8601 string is read as UTC.

Numbers: the router decodes JSON fractions as `Decimal`, so a
number reader sees ``int`` or ``Decimal`` (a ``float`` only from direct callers);
`opt_decimal` reads an exact amount (money, S6.3).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, Final, TypeVar

from ..errors import (
    RULE_BOOLEAN,
    RULE_DATE_VALUE,
    RULE_INTEGER,
    RULE_LIST_OF_OBJECTS,
    RULE_LIST_OF_STRINGS,
    RULE_MAX,
    RULE_MIN,
    RULE_NOT_EMPTY,
    RULE_NUMBER_VALUE,
    RULE_OBJECT,
    RULE_ONE_OF,
    RULE_REQUIRED,
    RULE_STRING,
    RULE_STRING_OR_LIST,
    RULE_STRING_OR_NUMBER,
    InvalidField,
    LimitExceeded,
)

__all__ = [
    "SECONDS_LIMIT",
    "Body",
    "item_prefix",
    "number_text",
    "opt_bool",
    "opt_date",
    "opt_decimal",
    "opt_int",
    "opt_list",
    "opt_object",
    "opt_str",
    "opt_str_list",
    "opt_str_map",
    "opt_tags",
    "req_addressees",
    "req_bool",
    "req_date",
    "req_int",
    "req_list",
    "req_object",
    "req_str",
    "req_str_list",
    "to_ms",
]

Body = Mapping[str, Any]
"""A decoded JSON object."""

# Rule phrases this module adds to those in ``errors.py`` (same "Field '<f>' <rule>" shape).

SECONDS_LIMIT: Final = 10**11
"""Numeric timestamps below this are seconds, the others milliseconds (protocol §13.2)."""

T = TypeVar("T")

_MISSING: Final = object()
_NUMERIC: Final = re.compile(r"[+-]?\d+(?:\.\d*)?", re.ASCII)
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MS: Final = timedelta(milliseconds=1)


def item_prefix(prefix: str, key: str, index: int) -> str:
    """The prefix of item ``index`` of list ``key``: ``"upsertDetails[3]."``."""
    return f"{prefix}{key}[{index}]."


def _get(body: Body, key: str) -> Any:
    value = body.get(key, _MISSING)
    return _MISSING if value is None else value


def _opt_typed(body: Body, key: str, prefix: str, kind: type[T], rule: str) -> T | None:
    """The value of ``key`` if it is a ``kind``; ``None`` when absent or ``null``."""
    value = _get(body, key)
    if value is _MISSING:
        return None
    if not isinstance(value, kind):
        raise InvalidField(prefix + key, rule)
    return value


def _required(value: T | None, field: str) -> T:
    """``value`` of an ``opt_*`` reader; ``None`` (absent or ``null``) is refused."""
    if value is None:
        raise InvalidField(field, RULE_REQUIRED)
    return value


# --- strings ---------------------------------------------------------------------


def req_str(body: Body, key: str, prefix: str = "") -> str:
    """A required non-empty string (white space only counts as empty)."""
    value = _required(opt_str(body, key, prefix), prefix + key)
    if not value.strip():
        raise InvalidField(prefix + key, RULE_NOT_EMPTY)
    return value


def opt_str(body: Body, key: str, prefix: str = "") -> str | None:
    """An optional string; ``None`` when absent or ``null``."""
    return _opt_typed(body, key, prefix, str, RULE_STRING)


def _str_items(value: Any, field: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise InvalidField(field, RULE_LIST_OF_STRINGS)
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise InvalidField(f"{field}[{index}]", RULE_STRING)
    return tuple(value)


def req_str_list(
    body: Body, key: str, prefix: str = "", *, limit: int | None = None
) -> tuple[str, ...]:
    """A required list of strings (may be empty), at most ``limit`` items."""
    items = _required(opt_str_list(body, key, prefix), prefix + key)
    if limit is not None and len(items) > limit:
        raise LimitExceeded(prefix + key, limit)
    return items


def opt_str_list(body: Body, key: str, prefix: str = "") -> tuple[str, ...] | None:
    """An optional list of strings; ``None`` when absent or ``null``."""
    value = _get(body, key)
    if value is _MISSING:
        return None
    return _str_items(value, prefix + key)


def opt_tags(body: Body, key: str, prefix: str = "") -> tuple[str, ...] | None:
    """Tag names: a list of strings, or one comma-separated string (protocol §5.2)."""
    value = _get(body, key)
    if value is _MISSING:
        return None
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    if not isinstance(value, list):
        raise InvalidField(prefix + key, RULE_STRING_OR_LIST)
    return _str_items(value, prefix + key)


def opt_str_map(body: Body, key: str, prefix: str = "") -> dict[str, str] | None:
    """An object name -> string value; numbers and booleans become strings (``"true"``).

    Any other value (``null``, an object, a list) is refused naming
    ``key.name``, so the caller learns which detail was wrong.
    """
    value = _get(body, key)
    if value is _MISSING:
        return None
    if not isinstance(value, dict):
        raise InvalidField(prefix + key, RULE_OBJECT)
    out: dict[str, str] = {}
    for name, item in value.items():
        if isinstance(item, bool):
            out[name] = "true" if item else "false"
            continue
        text = item if isinstance(item, str) else number_text(item)
        if text is None:
            raise InvalidField(f"{prefix}{key}.{name}", RULE_STRING_OR_NUMBER)
        out[name] = text
    return out


def number_text(value: object) -> str | None:
    """A JSON number (int, finite float, finite ``Decimal``) as the text the platform
    stores; ``None`` for anything else (booleans included)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        return str(value)
    if isinstance(value, Decimal) and value.is_finite():  # JSON fractions arrive as Decimal
        return f"{value:f}"
    return None


# --- booleans and numbers ------------------------------------------------------


def opt_bool(body: Body, key: str, prefix: str = "") -> bool | None:
    """An optional boolean; ``None`` when absent or ``null``. Strings are refused."""
    return _opt_typed(body, key, prefix, bool, RULE_BOOLEAN)


def req_bool(body: Body, key: str, prefix: str = "") -> bool:
    """A required boolean."""
    return _required(opt_bool(body, key, prefix), prefix + key)


def _as_int(value: Any, field: str) -> int:
    if isinstance(value, bool):
        raise InvalidField(field, RULE_INTEGER)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text[:1] in "+-" else text
        if digits.isascii() and digits.isdigit():
            return int(text)
    raise InvalidField(field, RULE_INTEGER)


def opt_int(
    body: Body,
    key: str,
    prefix: str = "",
    *,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int | None:
    """An optional integer (JSON integer or a string of digits) in ``minimum..maximum``."""
    value = _get(body, key)
    if value is _MISSING:
        return None
    number = _as_int(value, prefix + key)
    if minimum is not None and number < minimum:
        raise InvalidField(prefix + key, RULE_MIN.format(minimum=minimum))
    if maximum is not None and number > maximum:
        raise InvalidField(prefix + key, RULE_MAX.format(maximum=maximum))
    return number


def req_int(
    body: Body,
    key: str,
    prefix: str = "",
    *,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    """A required integer (JSON integer or a string of digits) in ``minimum..maximum``."""
    number = opt_int(body, key, prefix, minimum=minimum, maximum=maximum)
    return _required(number, prefix + key)


def opt_decimal(body: Body, key: str, prefix: str = "") -> Decimal | None:
    """An optional exact number: a JSON number or a numeric string, as a finite ``Decimal``.

    The digits are kept as sent (``10.00`` stays ``10.00``); a ``float`` from a
    direct caller is read through its shortest text (``0.1`` -> ``Decimal("0.1")``).
    """
    value = _get(body, key)
    if value is _MISSING:
        return None
    number: Decimal | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, (int, Decimal)):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str) and _NUMERIC.fullmatch(value.strip()):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:  # pragma: no cover (the pattern admits only numbers)
            number = None
    if number is None or not number.is_finite():
        raise InvalidField(prefix + key, RULE_NUMBER_VALUE)
    return number


# --- containers ------------------------------------------------------------------


def opt_object(body: Body, key: str, prefix: str = "") -> Body | None:
    """An optional JSON object; ``None`` when absent or ``null``."""
    return _opt_typed(body, key, prefix, dict, RULE_OBJECT)


def req_object(body: Body, key: str, prefix: str = "") -> Body:
    """A required JSON object."""
    return _required(opt_object(body, key, prefix), prefix + key)


def opt_list(body: Body, key: str, prefix: str = "") -> list[Body] | None:
    """An optional list of JSON objects; ``None`` when absent or ``null``."""
    value = _get(body, key)
    if value is _MISSING:
        return None
    if not isinstance(value, list):
        raise InvalidField(prefix + key, RULE_LIST_OF_OBJECTS)
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise InvalidField(f"{prefix}{key}[{index}]", RULE_OBJECT)
    return value


def req_list(body: Body, key: str, prefix: str = "", *, limit: int | None = None) -> list[Body]:
    """A required list of JSON objects (may be empty), at most ``limit`` items."""
    items = _required(opt_list(body, key, prefix), prefix + key)
    if limit is not None and len(items) > limit:
        raise LimitExceeded(prefix + key, limit)
    return items


def req_addressees(
    body: Body, kinds: Mapping[str, str], *, one_object: bool = False
) -> list[tuple[str, str, str]]:
    """The ``contacts`` addressees (protocol §5.4), at least one: ``(kind, value,
    field)`` each, the value trimmed and ``field`` naming it (``contacts[2].value``).

    ``kinds`` maps every wire spelling of ``addresseeType`` the route accepts to its
    kind; any case is accepted, and the spellings are listed as given when refused.
    ``one_object``: ``contacts`` may also be one addressee object instead of a list
    (its fields named ``contacts.value``).
    """
    single = body.get("contacts")
    items: list[Body]
    if one_object and isinstance(single, dict):
        items, prefixes = [single], ["contacts."]
    else:
        items = req_list(body, "contacts")
        if not items:
            raise InvalidField("contacts", RULE_NOT_EMPTY)
        prefixes = [item_prefix("", "contacts", index) for index in range(len(items))]
    by_case = {wire.lower(): kind for wire, kind in kinds.items()}
    out = []
    for item, where in zip(items, prefixes, strict=True):
        kind = by_case.get(req_str(item, "addresseeType", where).strip().lower())
        if kind is None:
            raise InvalidField(
                where + "addresseeType", RULE_ONE_OF.format(choices=", ".join(kinds))
            )
        out.append((kind, req_str(item, "value", where).strip(), where + "value"))
    return out


# --- dates -----------------------------------------------------------------------


def _from_number(number: float) -> datetime:
    seconds = number if abs(number) < SECONDS_LIMIT else number / 1000
    return datetime.fromtimestamp(seconds, timezone.utc)


def _as_date(value: Any, field: str) -> datetime:
    try:
        if isinstance(value, bool):
            raise ValueError
        if isinstance(value, Decimal):
            value = float(value)
        if isinstance(value, (int, float)):
            if not math.isfinite(value):
                raise ValueError
            return _from_number(value)
        if isinstance(value, str):
            text = value.strip()
            if _NUMERIC.fullmatch(text):
                return _from_number(float(text))
            if text.endswith(("Z", "z")):
                text = text[:-1] + "+00:00"
            parsed = datetime.fromisoformat(text)
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=timezone.utc)
            return parsed.astimezone(timezone.utc)
    except (ValueError, OverflowError, OSError):
        pass  # no instant (or beyond datetime's range): refused below
    raise InvalidField(field, RULE_DATE_VALUE)


def opt_date(body: Body, key: str, prefix: str = "") -> datetime | None:
    """An optional instant (aware, UTC); see the module docstring for the accepted forms."""
    value = _get(body, key)
    if value is _MISSING:
        return None
    return _as_date(value, prefix + key)


def req_date(body: Body, key: str, prefix: str = "") -> datetime:
    """A required instant (aware, UTC)."""
    return _required(opt_date(body, key, prefix), prefix + key)


def to_ms(when: datetime | None) -> int | None:
    """An instant as integer milliseconds since the epoch (the wire form), or ``None``."""
    if when is None:
        return None
    return (when - _EPOCH) // _MS
