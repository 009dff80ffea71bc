"""From a file's records (CSV rows, JSON Lines objects) to the SDK's rows.

A `ColumnMap` says what each column of the file fills: a field of the row's
model, ``property:NAME`` (a standard detail of a contact), ``consent:NAME`` (a named
consent given or withdrawn: true / false), ``detailN`` (an event's free field) or
``ignore``. A column named like a field maps to it by default; any other column must
be mapped with ``--map COLUMN=TARGET`` (``--map COLUMN=ignore`` drops it on purpose),
so no column is lost unnoticed. A record whose values cannot be read becomes an
[`UnreadableRow`][salesmanago.models.bulk.UnreadableRow] naming the column: reported, never sent.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final

import attrs

from ..errors import ValidationError
from ..models.bulk import UnreadableRow
from ..models.contacts import Address, ConsentDetail, ContactState, ContactUpsert
from ..models.events import MAX_DETAILS, EventForContact, ExternalEvent, ExternalEventType

__all__ = ["CONTACT_TARGETS", "EVENT_TARGETS", "ColumnMap", "MappingError", "read_bool"]


class MappingError(ValueError):
    """The columns of a file cannot be mapped; nothing was read or sent."""


#: Contact fields a column may fill, and the kind of value each takes.
CONTACT_TARGETS: Final = {
    "email": "text",
    "name": "text",
    "phone": "text",
    "fax": "text",
    "company": "text",
    "external_id": "text",
    "state": "state",
    "street_address": "address",
    "zip_code": "address",
    "city": "address",
    "country": "address",
    "province": "text",
    "birthday": "date",
    "lang": "text",
    "tags": "list",
    "remove_tags": "list",
    "force_opt_in": "bool",
    "force_opt_out": "bool",
    "force_phone_opt_in": "bool",
    "force_phone_opt_out": "bool",
    "loyalty_program": "text",
}
#: Event fields a column may fill (``detail1`` ... ``detail20`` too).
EVENT_TARGETS: Final = {
    "email": "text",
    "contact_id": "text",
    "event_type": "type",
    "date": "datetime",
    "value": "money",
    "description": "text",
    "products": "text",
    "location": "text",
    "external_id": "text",
    "shop_domain": "text",
}
#: Other spellings of column names, normalised (lower case, ``_`` for spaces and ``-``).
ALIASES: Final = {
    "e_mail": "email",
    "mail": "email",
    "zip": "zip_code",
    "postcode": "zip_code",
    "street": "street_address",
    "tag": "tags",
    "opt_in": "force_opt_in",
    "opt_out": "force_opt_out",
    "phone_opt_in": "force_phone_opt_in",
    "phone_opt_out": "force_phone_opt_out",
    "type": "event_type",
    "contactexteventtype": "event_type",
    "externalid": "external_id",
    "contactid": "contact_id",
    "shopdomain": "shop_domain",
}
PREFIXES: Final = ("property:", "consent:")
IGNORE: Final = "ignore"
_TRUE: Final = frozenset({"true", "yes", "y", "1", "t", "on"})
_FALSE: Final = frozenset({"false", "no", "n", "0", "f", "off"})
_DETAIL: Final = re.compile(r"^detail([1-9]\d?)$")


def normalise(column: str) -> str:
    """A column name as matched against field names: lower case, ``_`` for runs of
    spaces and ``-``, aliases resolved."""
    text = re.sub(r"[\s\-]+", "_", column.strip().lower())
    return ALIASES.get(text, text)


def read_bool(value: object) -> bool:
    """``true``/``false`` (``yes``/``no``, ``1``/``0`` ...) as a bool, else ValueError."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"expected true or false, got {value!r}")


def _text(value: object) -> str:
    if value.__class__ is str:
        return value.strip()
    if isinstance(value, (dict, list)):
        raise ValueError(f"expected a text, got {type(value).__name__}")
    return str(value).strip()


def _list(value: object, separator: str) -> tuple[str, ...]:
    if value.__class__ is str:
        return tuple([t for t in map(str.strip, value.split(separator)) if t])
    if isinstance(value, list):
        return tuple(_text(v) for v in value if _text(v))
    return tuple(t.strip() for t in _text(value).split(separator) if t.strip())


def _date(value: object) -> date:
    try:
        return date.fromisoformat(_text(value))
    except ValueError:
        raise ValueError(f"expected a date YYYY-MM-DD, got {value!r}") from None


def _datetime(value: object) -> datetime:
    text = _text(value)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"expected an ISO 8601 date and time, got {value!r}") from None
    if moment.tzinfo is None:
        raise ValueError(f"needs a time zone offset (2026-01-15T10:00:00+01:00), got {value!r}")
    return moment


def _money(value: object) -> Decimal:
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(_text(value))
    except InvalidOperation:
        raise ValueError(f"expected a number, got {value!r}") from None
    if not amount.is_finite():
        raise ValueError(f"expected a number, got {value!r}")
    return amount


def _state(value: object) -> ContactState:
    try:
        return ContactState(_text(value).upper())
    except ValueError:
        known = ", ".join(s.value for s in ContactState)
        raise ValueError(f"expected one of {known}, got {value!r}") from None


def _event_type(value: object) -> ExternalEventType:
    try:
        return ExternalEventType(_text(value).upper())
    except ValueError:
        raise ValueError(f"expected an event type (PURCHASE, CART ...), got {value!r}") from None


_READERS: Final[dict[str, Callable[[object], Any]]] = {
    "text": _text,
    "address": _text,
    "bool": read_bool,
    "date": _date,
    "datetime": _datetime,
    "money": _money,
    "state": _state,
    "type": _event_type,
}


def _empty(value: object) -> bool:
    if value.__class__ is str:
        return not value or value.isspace()
    return value is None or value == []


@attrs.frozen
class ColumnMap:
    """What each column fills, for one kind of row.

    Attributes:
        kind: ``contacts`` or ``events``.
        targets: column -> target (a field, ``property:NAME``, ``consent:NAME``,
            ``detailN``); ignored columns are left out.
        separator: what separates the items of a list cell (``tags``).
    """

    kind: str
    targets: Mapping[str, str]
    separator: str = ","
    readers: tuple[tuple[str, str, Callable[[object], Any]], ...] = attrs.field(
        init=False, repr=False, eq=False
    )
    plain: bool = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        # each column's reader, looked up once for the whole file
        readers = tuple((c, t, self._reader(t)) for c, t in self.targets.items())
        object.__setattr__(self, "readers", readers)
        fields = CONTACT_TARGETS if self.kind == "contacts" else EVENT_TARGETS
        plain = self.kind == "contacts" and all(
            fields.get(t) not in (None, "address") for t in self.targets.values()
        )
        object.__setattr__(self, "plain", plain)

    @classmethod
    def build(
        cls, kind: str, columns: Sequence[str], overrides: Mapping[str, str], separator: str = ","
    ) -> ColumnMap:
        """The map of a file with ``columns``: ``overrides`` (``--map``) first, then
        names matching a field. Raises MappingError naming every column that maps to
        nothing, a target that is no field, or a missing key column."""
        fields = CONTACT_TARGETS if kind == "contacts" else EVENT_TARGETS
        unknown_overrides = [c for c in overrides if c not in columns]
        if unknown_overrides:
            raise MappingError(
                f"--map names columns the file does not have: {', '.join(unknown_overrides)} "
                f"(its columns: {', '.join(columns)})"
            )
        targets: dict[str, str] = {}
        problems: list[str] = []
        for column in columns:
            target = overrides.get(column)
            target = normalise(column) if target is None else target.strip()
            if target == IGNORE:
                continue
            if (
                (kind == "contacts" and target.startswith(PREFIXES) and target.partition(":")[2])
                or target in fields
                or (kind == "events" and _DETAIL.match(target))
            ):
                targets[column] = target
            else:
                problems.append(column)
        if problems:
            names = ", ".join(repr(p) for p in problems)
            extra = ", property:NAME, consent:NAME" if kind == "contacts" else ", detail1..detail20"
            raise MappingError(
                f"columns {names} map to no field: give --map 'COLUMN=TARGET' with a "
                f"target of {', '.join(fields)}{extra}, or --map 'COLUMN=ignore'"
            )
        cls._check_keys(kind, targets)
        return cls(kind, targets, separator)

    @staticmethod
    def _check_keys(kind: str, targets: Mapping[str, str]) -> None:
        chosen = set(targets.values())
        if len(chosen) != len(targets):
            twice = sorted({t for t in targets.values() if list(targets.values()).count(t) > 1})
            raise MappingError(f"several columns map to {', '.join(twice)}: map each field once")
        if kind == "contacts" and "email" not in chosen:
            raise MappingError("no column maps to email: add --map 'COLUMN=email'")
        if kind == "events":
            if not chosen & {"email", "contact_id"}:
                raise MappingError(
                    "no column maps to email or contact_id: add --map 'COLUMN=email'"
                )
            missing = {"event_type", "date"} - chosen
            if missing:
                raise MappingError(f"no column maps to {', '.join(sorted(missing))}")

    def row(self, record: Mapping[str, object]) -> Any:
        """The SDK row of one record, or an UnreadableRow naming the column at fault."""
        values: dict[str, Any] = {}
        for column, target, read in self.readers:
            raw = record.get(column)
            if _empty(raw):
                continue
            try:
                values[target] = read(raw)
            except ValueError as error:
                return UnreadableRow(f"column {column!r}: {error}")
        try:
            if self.plain and "email" in values:  # only fields of the model: build it at once
                return ContactUpsert(**values)
            return _contact(values) if self.kind == "contacts" else _event(values)
        except (ValidationError, TypeError, ValueError) as error:
            return UnreadableRow(str(error))

    def _reader(self, target: str) -> Callable[[object], Any]:
        if target.startswith("consent:"):
            return read_bool
        if target.startswith("property:") or _DETAIL.match(target):
            return _text
        fields = CONTACT_TARGETS if self.kind == "contacts" else EVENT_TARGETS
        kind = fields[target]
        if kind == "list":
            return functools.partial(_list, separator=self.separator)
        return _READERS[kind]


def _contact(values: dict[str, Any]) -> ContactUpsert:
    fields: dict[str, Any] = {}
    address: dict[str, str] = {}
    properties: dict[str, str] = {}
    consents: list[ConsentDetail] = []
    for target, value in values.items():
        if target.startswith("property:"):
            properties[target.partition(":")[2]] = value
        elif target.startswith("consent:"):
            consents.append(
                ConsentDetail(consent_name=target.partition(":")[2], consent_accept=value)
            )
        elif CONTACT_TARGETS[target] == "address":
            address[target] = value
        else:
            fields[target] = value
    if "email" not in fields:
        raise ValueError("column for email: the e-mail is empty")
    if address:
        fields["address"] = Address(**address)
    return ContactUpsert(**fields, properties=properties, consent_details=tuple(consents))


def _event(values: dict[str, Any]) -> EventForContact:
    details = {int(m.group(1)): v for t, v in values.items() if (m := _DETAIL.match(t))}
    if any(n > MAX_DETAILS for n in details):
        raise ValueError(
            f"an event has at most {MAX_DETAILS} details (detail1..detail{MAX_DETAILS})"
        )
    fields = {t: v for t, v in values.items() if t in EVENT_TARGETS}
    email, contact_id = fields.pop("email", None), fields.pop("contact_id", None)
    if email is None and contact_id is None:
        raise ValueError("the e-mail and the contact id are both empty")
    for required in ("event_type", "date"):
        if required not in fields:
            raise ValueError(f"the {required} is empty")
    ordered = tuple(details.get(n, "") for n in range(1, max(details, default=0) + 1))
    event = ExternalEvent(**fields, details=ordered)
    return EventForContact(event=event, email=email, contact_id=contact_id)
