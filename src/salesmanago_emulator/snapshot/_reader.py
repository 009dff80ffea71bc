"""The one typed reader of snapshot data: every refusal names the path of the bad value.

A `Value` is one JSON value and the path it stands at
(``accounts[0].notes[3].priv``). Its readers return the Python value or raise
[`SnapshotError`][salesmanago_emulator.snapshot.SnapshotError] naming that path and the problem.
Values the wire checks are read with the wire's own rule functions from
`salesmanago_emulator.state` (`Value.rule`), their field named by
the path. A value the wire would store in another spelling (a tag in lower
case, an e-mail in upper case) is refused with that spelling in the message,
never changed: an export is always in stored form, so a round trip stays
identical.

An object is read through `Value.fields`, which refuses every key its
shape does not list, by name.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Final, NoReturn, TypeVar

from .._jsoncodec import NUMBER_LIMIT
from ..clock import is_aware, parse_iso
from ..errors import (
    RULE_AT_LEAST_GOT,
    RULE_AT_MOST_GOT,
    RULE_AWARE,
    RULE_FINITE_NUMBER,
    RULE_GOT,
    RULE_INTEGER,
    RULE_ISO_INSTANT,
    RULE_LIST,
    RULE_MONEY_TEXT,
    RULE_NONE_STORED,
    RULE_NOT_EMPTY,
    RULE_OBJECT,
    RULE_ONE_OF,
    RULE_ONE_TAG,
    RULE_REQUIRED,
    RULE_STORED_FORM,
    RULE_STRING,
    RULE_STRING_KEYS,
    RULE_TRUE_OR_FALSE,
    RULE_TWICE,
    RULE_UNKNOWN_KEY,
    RULE_WIRE_DIGITS,
    InvalidField,
)
from ..state._normalize import normalize_tags, validate_email

__all__ = ["Fields", "SnapshotError", "Unique", "Value", "refusing"]

_T = TypeVar("_T")
_N = TypeVar("_N", int, Decimal)

TOP: Final = "(top level)"
"""The path of the whole snapshot."""


class SnapshotError(ValueError):
    """Snapshot data that cannot be loaded;
    [`path`][salesmanago_emulator.snapshot.SnapshotError.path] names the offending value.

    ``str()`` reads ``bad emulator state at <path>: <problem>``.
    """

    def __init__(self, path: str, problem: str) -> None:
        """``path`` like ``accounts[0].contacts[3].email``; ``problem`` says what is wrong."""
        self.path = path
        self.problem = problem
        super().__init__(f"bad emulator state at {path}: {problem}")


@contextmanager
def refusing() -> Iterator[None]:
    """Turn a rule's InvalidField into a SnapshotError at the field it names.

    For the wire's checks of several fields at once (an event), called with
    the fields named by their paths.
    """
    try:
        yield
    except InvalidField as err:
        raise SnapshotError(err.field, err.rule) from None


def _shown(value: object) -> str:
    """What was found, for a refusal: ``the string 'false'``, ``a list``, ``null``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:40] + "..."
        return f"the string {text!r}"
    if isinstance(value, (int, float, Decimal)):
        text = str(value)
        return f"the number {text if len(text) <= 40 else text[:40] + '...'}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def _tags(value: object, field: str) -> list[str]:
    """The tags one value names, by the wire's rule (S5.1)."""
    return normalize_tags([value] if isinstance(value, str) else [], field)


def _digits(number: int | Decimal) -> int:
    if isinstance(number, int):
        return len(str(abs(number)))
    return max(len(number.as_tuple().digits), abs(number.adjusted()))


class Value:
    """One value of the snapshot and its path; typed reads refuse by path."""

    __slots__ = ("path", "raw")

    def __init__(self, raw: object, path: str) -> None:
        """``raw`` as decoded from JSON, found at ``path`` (``""``: the whole snapshot)."""
        self.raw = raw
        self.path = path

    def refuse(self, problem: str) -> NoReturn:
        """Raise [`SnapshotError`][salesmanago_emulator.snapshot.SnapshotError] naming this value's
        path and ``problem``."""
        raise SnapshotError(self.path or TOP, problem)

    def _refuse_type(self, rule: str) -> NoReturn:
        self.refuse(RULE_GOT.format(rule=rule, value=_shown(self.raw)))

    def stored(self, given: _T, stored: _T) -> _T:
        """``given`` if it is the platform's stored form ``stored``; refused otherwise."""
        if given != stored:
            if stored is None:
                self.refuse(RULE_NONE_STORED.format(value=given))
            self.refuse(RULE_STORED_FORM.format(stored=stored, value=given))
        return given

    def rule(self, check: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
        """The result of the wire's rule ``check(value, field, *args, **kwargs)``, the field
        named by this path; its InvalidField becomes a SnapshotError here."""
        return self.checked(check, self.raw, *args, **kwargs)

    def checked(self, check: Callable[..., _T], value: object, *args: Any, **kwargs: Any) -> _T:
        """Like `rule`, with ``value`` (read from this one) in its place."""
        try:
            return check(value, self.path, *args, **kwargs)
        except InvalidField as err:
            self.refuse(err.rule)

    def identifier(self, seen: Unique) -> str:
        """An id as stored (not blank, no surrounding white space), not in ``seen`` yet."""
        text = self.text(blank=False)
        self.stored(text, text.strip())
        seen.add(self, text)
        return text

    # --- scalars -----------------------------------------------------------------

    def text(self, *, blank: bool = True) -> str:
        """A string (refused when blank, unless ``blank``)."""
        if not isinstance(self.raw, str):
            self._refuse_type(RULE_STRING)
        if not blank and not self.raw.strip():
            self.refuse(RULE_NOT_EMPTY)
        return self.raw

    def boolean(self) -> bool:
        """``true`` or ``false``; nothing else (not the string ``"false"``)."""
        if not isinstance(self.raw, bool):
            self._refuse_type(RULE_TRUE_OR_FALSE)
        return self.raw

    def integer(self, minimum: int | None = None, maximum: int | None = None) -> int:
        """A JSON integer the wire's codec accepts (at most 40 digits), in ``minimum..maximum``."""
        value = self.raw
        if isinstance(value, bool) or not isinstance(value, int):
            self._refuse_type(RULE_INTEGER)
        return self._within(value, minimum, maximum)

    def number(self, minimum: int | None = None) -> Decimal:
        """A finite JSON number (integer or fraction) the wire's codec accepts, exactly."""
        value = self.raw
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            self._refuse_type(RULE_FINITE_NUMBER)
        if isinstance(value, int):
            return Decimal(self.integer(minimum))
        number = Decimal(repr(value)) if isinstance(value, float) else value
        if not number.is_finite():
            self._refuse_type(RULE_FINITE_NUMBER)
        return self._within(number, minimum)

    def money(self) -> Decimal:
        """An exact amount written as a plain decimal string (``"10.50"``, not ``"1E+1"``),
        as the export writes it."""
        text = self.text()
        try:
            amount = Decimal(text)
        except ArithmeticError:
            self._refuse_type(RULE_MONEY_TEXT)
        if not amount.is_finite() or text != text.strip():
            self._refuse_type(RULE_MONEY_TEXT)
        self.stored(text, f"{amount:f}")
        return self._within(amount)

    def _within(self, number: _N, minimum: int | None = None, maximum: int | None = None) -> _N:
        """``number`` if the wire's codec takes it (digits) and it is within the bounds."""
        if _digits(number) > NUMBER_LIMIT:
            self.refuse(RULE_WIRE_DIGITS.format(limit=NUMBER_LIMIT, count=_digits(number)))
        if minimum is not None and number < minimum:
            self.refuse(RULE_AT_LEAST_GOT.format(minimum=minimum, value=number))
        if maximum is not None and number > maximum:
            self.refuse(RULE_AT_MOST_GOT.format(maximum=maximum, value=number))
        return number

    def instant(self) -> datetime:
        """A timezone-aware ISO-8601 date-time, as a UTC instant."""
        text = self.text()
        try:
            when = parse_iso(text)
        except ValueError:
            self._refuse_type(RULE_ISO_INSTANT)
        if not is_aware(when):
            self.refuse(RULE_GOT.format(rule=RULE_AWARE, value=repr(text)))
        return when.astimezone(timezone.utc)

    def one_of(self, choices: Sequence[str]) -> str:
        """One of ``choices``, spelled exactly."""
        text = self.text()
        if text not in choices:
            self.refuse(
                RULE_GOT.format(
                    rule=RULE_ONE_OF.format(choices=", ".join(choices)), value=repr(text)
                )
            )
        return text

    def email(self) -> str:
        """An e-mail address the wire accepts, in its stored form (trimmed, lower case)."""
        given = self.text()
        return self.stored(given, self.rule(validate_email))

    def tag(self) -> str:
        """One tag name in the platform's stored form (S5.1: ``lower case!`` is refused,
        naming ``LOWER_CASE_``)."""
        given = self.text()
        tags = self.rule(_tags)
        if len(tags) != 1:
            self.refuse(RULE_ONE_TAG.format(count=len(tags), tags=", ".join(tags)))
        return self.stored(given, tags[0])

    def json(self) -> Any:
        """Any JSON value (a rule's open lists, a callback's body); numbers as the wire
        takes them."""
        value = self.raw
        if isinstance(value, Mapping):
            for key, item in value.items():
                if not isinstance(key, str):
                    self.refuse(RULE_STRING_KEYS)
                Value(item, f"{self.path}.{key}").json()
        elif isinstance(value, list):
            for item in self.items():
                item.json()
        elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            self.number()
        elif value is not None and not isinstance(value, (str, bool)):
            self._refuse_type("must be a JSON value")
        return value

    # --- containers --------------------------------------------------------------

    def items(self) -> list[Value]:
        """The items of a list, each at ``path[i]``."""
        if not isinstance(self.raw, list):
            self._refuse_type(RULE_LIST)
        return [Value(item, f"{self.path}[{i}]") for i, item in enumerate(self.raw)]

    def entries(self) -> list[tuple[str, Value]]:
        """The entries of an object of any keys (a map), each value at ``path.key``."""
        data = self._object()
        return [
            (key, Value(item, f"{self.path}.{key}" if self.path else key))
            for key, item in data.items()
        ]

    def fields(self, shape: str, keys: Collection[str]) -> Fields:
        """An object holding only ``keys`` (``shape`` names it in refusals: ``a note``)."""
        data = self._object()
        for key in data:
            if key not in keys:
                Value(None, f"{self.path}.{key}" if self.path else key).refuse(
                    RULE_UNKNOWN_KEY.format(shape=shape, keys=", ".join(keys))
                )
        return Fields(data, self.path)

    def _object(self) -> Mapping[str, Any]:
        if not isinstance(self.raw, Mapping):
            self._refuse_type(RULE_OBJECT)
        return self.raw


class Fields:
    """An object whose keys were checked: read each by name."""

    __slots__ = ("data", "path")

    def __init__(self, data: Mapping[str, Any], path: str) -> None:
        """The object ``data`` at ``path``."""
        self.data = data
        self.path = path

    def at(self, key: str) -> str:
        """The path of ``key``."""
        return f"{self.path}.{key}" if self.path else key

    def has(self, key: str) -> bool:
        """Whether ``key`` is present and not ``null``."""
        return self.data.get(key) is not None

    def need(self, key: str) -> Value:
        """The value of ``key``; missing or ``null`` is refused as required."""
        if not self.has(key):
            raise SnapshotError(self.at(key), RULE_REQUIRED)
        return Value(self.data[key], self.at(key))

    def get(self, key: str, read: Callable[[Value], _T]) -> _T | None:
        """``read`` of the value of ``key``; ``None`` when it is missing or ``null``."""
        return read(Value(self.data[key], self.at(key))) if self.has(key) else None

    def items(self, key: str) -> list[Value]:
        """The items of the list at ``key``; none when it is missing or ``null``."""
        return Value(self.data[key], self.at(key)).items() if self.has(key) else []


class Unique:
    """Remembers the values seen and where, to refuse one seen before."""

    __slots__ = ("_seen",)

    def __init__(self) -> None:
        """Nothing seen yet."""
        self._seen: dict[object, str] = {}

    def add(self, value: Value, key: object) -> None:
        """Note ``key`` read at ``value``; refused if it was seen before."""
        other = self._seen.setdefault(key, value.path)
        if other != value.path:
            value.refuse(RULE_TWICE.format(value=key, other=other))
