"""What an API v3 route is, and the typed reading of v3 bodies (protocol §9).

The v3 door differs from the legacy one (`_base`): the account comes from
the ``API-KEY`` header, a route has one HTTP method (``GET`` or ``POST``), and a
refusal lists problems with §9 reason codes. A `V3Route` names a path, its
method and a handler; a handler takes the `V3Context` and the decoded body
(``{}`` for a ``GET``) and returns the answer's fields, or raises
[`V3Refused`][salesmanago_emulator.errors.V3Refused].

`V3Body` reads one JSON object and notes every problem instead of stopping
at the first: 13 a required field missing, 17 a required field ``null``, 14 a
wrong JSON type. ``null`` is "not given" for an optional field. A reader that
noted a problem returns a placeholder; the handler calls
[`raise_any`][salesmanago_emulator.errors.Problems.raise_any] before it uses what it read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs

from ..errors import (
    RULE_BOOLEAN,
    RULE_FINITE_NUMBER,
    RULE_INTEGER,
    RULE_LIST,
    RULE_LIST_OF_OBJECTS,
    RULE_NOT_NULL,
    RULE_OBJECT,
    RULE_REQUIRED,
    RULE_STRING,
    Problem,
    Problems,
    ReasonCode,
)
from ._base import describe

if TYPE_CHECKING:
    from ..state.account import Account

__all__ = [
    "V3_PREFIX",
    "V3Body",
    "V3Context",
    "V3Handler",
    "V3Route",
    "V3RouteTable",
    "problem_shapes",
]

V3_PREFIX: Final = "/v3/"
"""Where the v3 paths start (protocol §9)."""

_ABSENT: Final = object()

Method = Literal["GET", "POST"]


def problem_shapes(problems: Sequence[Problem]) -> list[dict[str, Any]]:
    """Problems as a v3 answer lists them: ``{"reasonCode": 12, "message": "field|text"}``."""
    return [{"reasonCode": int(p.code), "message": p.message} for p in problems]


class V3Context:
    """An authenticated v3 request: the account the ``API-KEY`` names, and the time."""

    __slots__ = ("account", "now")

    def __init__(self, account: Account, now: datetime) -> None:
        """The request of ``account`` at ``now``."""
        self.account = account
        self.now = now

    def request_id(self) -> str:
        """A new ``requestId`` for the answer: a lower-case UUID (protocol §9)."""
        return self.account.new_id()


V3Handler = Callable[[V3Context, Mapping[str, Any]], dict[str, Any]]
"""A v3 handler: context and body in, the answer's fields out."""


@attrs.frozen(kw_only=True)
class V3Route:
    """One served v3 path and the one method it takes."""

    path: str
    method: Method
    area: str
    handler: V3Handler
    description: str


class V3RouteTable:
    """The v3 routes of one area, collected by `get` and `post`."""

    def __init__(self, area: str) -> None:
        """An empty table for ``area`` (e.g. ``"catalogs"``)."""
        self.area = area
        self.routes: list[V3Route] = []

    def _register(self, method: Method, path: str) -> Callable[[V3Handler], V3Handler]:
        if not path.startswith(V3_PREFIX):
            raise ValueError(f"a v3 path starts with {V3_PREFIX}: {path!r}")

        def register(handler: V3Handler) -> V3Handler:
            route = V3Route(
                path=path,
                method=method,
                area=self.area,
                handler=handler,
                description=describe(handler),
            )
            self.routes.append(route)
            return handler

        return register

    def get(self, path: str) -> Callable[[V3Handler], V3Handler]:
        """Serve ``GET path`` with the decorated handler (its docstring's first line
        describes it)."""
        return self._register("GET", path)

    def post(self, path: str) -> Callable[[V3Handler], V3Handler]:
        """Serve ``POST path`` with the decorated handler."""
        return self._register("POST", path)


class V3Body:
    """One JSON object of a v3 body at ``prefix`` (``""``, ``"products[3]."``); every
    problem found while reading goes to ``problems``."""

    __slots__ = ("data", "prefix", "problems")

    def __init__(self, data: Mapping[str, Any], problems: Problems, prefix: str = "") -> None:
        """Read ``data``, noting problems in ``problems``."""
        self.data = data
        self.problems = problems
        self.prefix = prefix

    def _value(self, key: str, required: bool) -> Any:
        """The value of ``key``; ``None`` when absent or ``null`` (noted if required)."""
        value = self.data.get(key, _ABSENT)
        if value is _ABSENT or value is None:
            if required:
                code, rule = (
                    (ReasonCode.MISSING, RULE_REQUIRED)
                    if value is _ABSENT
                    else (ReasonCode.NULL, RULE_NOT_NULL)
                )
                self.problems.note(code, self.prefix + key, rule)
            return None
        return value

    def _typed(self, key: str, required: bool, ok: Callable[[Any], bool], rule: str) -> Any:
        value = self._value(key, required)
        if value is not None and not ok(value):
            self.problems.note(ReasonCode.WRONG_TYPE, self.prefix + key, rule)
            return None
        return value

    def text(self, key: str) -> str | None:
        """An optional string."""
        value: str | None = self._typed(key, False, _is_str, RULE_STRING)
        return value

    def req_text(self, key: str) -> str:
        """A required string (``""`` once a problem is noted)."""
        value: str | None = self._typed(key, True, _is_str, RULE_STRING)
        return "" if value is None else value

    def boolean(self, key: str) -> bool | None:
        """An optional JSON boolean."""
        value: bool | None = self._typed(key, False, _is_bool, RULE_BOOLEAN)
        return value

    def flag(self, key: str, default: bool) -> bool:
        """An optional JSON boolean, ``default`` when not given."""
        value = self.boolean(key)
        return default if value is None else value

    def integer(self, key: str, *, required: bool = False) -> int | None:
        """A JSON integer (``None`` once a problem is noted)."""
        value: int | None = self._typed(key, required, _is_int, RULE_INTEGER)
        return value

    def money(self, key: str) -> Decimal | None:
        """An optional JSON number, exact (the codec reads fractions as ``Decimal``)."""
        value = self._typed(key, False, _is_number, RULE_FINITE_NUMBER)
        return None if value is None else Decimal(value)

    def texts(self, key: str) -> tuple[str, ...]:
        """An optional list of strings (each bad item noted at ``key[i]``)."""
        values = self._typed(key, False, _is_list, RULE_LIST)
        if values is None:
            return ()
        for index, item in enumerate(values):
            if not isinstance(item, str):
                self.problems.note(
                    ReasonCode.WRONG_TYPE, f"{self.prefix}{key}[{index}]", RULE_STRING
                )
        return tuple(item for item in values if isinstance(item, str))

    def text_map(self, key: str) -> dict[str, str]:
        """An optional object of strings; ``null`` values are "not given"."""
        data = self.obj(key)
        if data is None:
            return {}
        return {
            name: text
            for name in data.data
            if (text := data.text(name)) is not None  # noted when not a string
        }

    def obj(self, key: str) -> V3Body | None:
        """An optional JSON object, read at ``key.``."""
        value = self._typed(key, False, _is_object, RULE_OBJECT)
        return None if value is None else V3Body(value, self.problems, f"{self.prefix}{key}.")

    def objects(self, key: str) -> Iterator[V3Body]:
        """A required list of objects, each read at ``key[i].`` in turn (an item that is
        no object is noted when reached)."""
        values = self._typed(key, True, _is_list, RULE_LIST_OF_OBJECTS)
        for index, item in enumerate(values or ()):
            if isinstance(item, Mapping):
                yield V3Body(item, self.problems, f"{self.prefix}{key}[{index}].")
            else:
                field = f"{self.prefix}{key}[{index}]"
                self.problems.note(ReasonCode.WRONG_TYPE, field, RULE_OBJECT)


def _is_str(value: object) -> bool:
    return isinstance(value, str)


def _is_bool(value: object) -> bool:
    return isinstance(value, bool)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    if _is_int(value):
        return True
    return isinstance(value, Decimal) and value.is_finite()


def _is_list(value: object) -> bool:
    return isinstance(value, list)


def _is_object(value: object) -> bool:
    return isinstance(value, Mapping)
