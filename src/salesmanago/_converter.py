"""The one cattrs converter between models and the wire (protocol §4, §5).

* attrs field names are snake_case; the wire is camelCase. A field's metadata
  may rename it (``wire``), nest it in a sub-object (``group``: the upsert
  family's ``contact{...}``), or give it its own hooks (``structure`` /
  ``unstructure``).
* Request side: fields left at their default (``None``, empty) are not sent,
  so an update changes only what the caller set.
* Timestamps travel as integer milliseconds and become aware UTC datetimes.
* Money is `Decimal` both ways; JSON numbers are parsed with
  ``parse_float=Decimal`` and written digit for digit (see `dumps`).
* Unknown response keys are ignored (the platform adds fields); a missing
  required key or a mistyped value raises, and `structure` turns that into
  readable paths for [`ResponseValidationError`][salesmanago.errors.ResponseValidationError].
"""

from __future__ import annotations

import collections
import json
import linecache
import secrets
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from enum import Enum
from types import UnionType
from typing import Any, Final, TypeVar, Union, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import AttributeValidationNote
from cattrs.fns import identity
from cattrs.gen import make_dict_structure_fn, override

__all__ = [
    "WireFormatError",
    "bulk_builder",
    "converter",
    "dumps",
    "from_ms",
    "loads",
    "structure",
    "to_ms",
    "unstructure",
    "unstructurer",
    "wire",
]

T = TypeVar("T")

EPOCH: Final = datetime(1970, 1, 1, tzinfo=timezone.utc)


class WireFormatError(ValueError):
    """A response value could not be read into its model; ``paths`` says where."""

    def __init__(self, paths: list[str]) -> None:
        self.paths = paths
        super().__init__("; ".join(paths))


def wire(
    *,
    name: str | None = None,
    group: str | None = None,
    structure: Callable[[Any], Any] | None = None,
    unstructure: Callable[[Any], Any] | None = None,
) -> dict[str, object]:
    """Field metadata for a wire key that is not the plain camelCase of the field."""
    meta: dict[str, object] = {}
    if name is not None:
        meta["wire"] = name
    if group is not None:
        meta["group"] = group
    if structure is not None:
        meta["structure"] = structure
    if unstructure is not None:
        meta["unstructure"] = unstructure
    return meta


def camel(name: str) -> str:
    """``external_id`` -> ``externalId``."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def wire_key(field: attrs.Attribute[Any]) -> str:
    """A model field's key on the wire: its ``wire(name=...)`` or its camelCase name."""
    key = field.metadata.get("wire")
    return key if isinstance(key, str) else camel(field.name)


def to_ms(value: datetime) -> int:
    """An aware datetime as integer milliseconds since the epoch."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware")
    return (value - EPOCH) // timedelta(milliseconds=1)


def from_ms(value: object) -> datetime:
    """Milliseconds since the epoch (int, float, Decimal or numeric string) -> aware UTC."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        raise TypeError(f"expected milliseconds since the epoch, got {type(value).__name__}")
    try:
        ms = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"expected milliseconds since the epoch, got {value!r}") from exc
    return EPOCH + timedelta(milliseconds=int(ms))


def _date_from_wire(value: object) -> date:
    """``yyyyMMdd`` (the request form of a birthday) -> date."""
    if not isinstance(value, str) or len(value) != 8 or not value.isdigit():
        raise ValueError(f"expected a yyyyMMdd date, got {value!r}")
    return date(int(value[:4]), int(value[4:6]), int(value[6:]))


def _to_decimal(value: object, _type: object = None) -> Decimal:
    if isinstance(value, bool):
        raise TypeError("expected a number, got a boolean")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (int, str)):
        try:
            return Decimal(value)
        except InvalidOperation as exc:
            raise ValueError(f"expected a number, got {value!r}") from exc
    if isinstance(value, float):
        return Decimal(repr(value))
    raise TypeError(f"expected a number, got {type(value).__name__}")


def _field_hook(hook: Callable[[Any], Any]) -> Callable[[Any, Any], Any]:
    def structure_field(value: Any, _type: Any) -> Any:
        return hook(value)

    return structure_field


def compile_unstructure(
    cls: type[Any], field_hook: Callable[[attrs.Attribute[Any]], Callable[[Any], Any] | None]
) -> Callable[[Any], dict[str, Any]]:
    """The function sending instances of the attrs class ``cls``, generated once from its
    fields: the one place the request shape is defined (``wire`` metadata, see the
    module's docstring).

    Each field goes under its wire key (`wire_key`), in field order, through
    ``field_hook(field)`` (``None``: sent as it is); a field equal to its default is
    left out (an update changes only what the caller set). A field with a ``group``
    goes into that sub-object instead; the groups follow the top-level keys, in the
    order their first field comes, each left out when empty. One generated function
    per class, with the defaults computed once: what cattrs' ``omit_if_default``
    unstructuring does (``tests/sdk/test_sdk_fast_paths.py`` pins them equal), without
    building a factory's default again for every value sent.
    """
    fields = attrs.fields(attrs.resolve_types(cls))
    namespace: dict[str, Any] = {}
    lines = ["def unstructure(obj):", "    out = {}"]
    groups: dict[str, str] = {}  # group -> the local name of its dict
    for index, field in enumerate(fields):
        group = field.metadata.get("group")
        target = "out"
        if group is not None:
            if group not in groups:
                groups[group] = f"g{len(groups)}"
                lines.insert(2, f"    {groups[group]} = {{}}")
            target = groups[group]
        hook = field_hook(field)
        value = f"obj.{field.name}"
        if hook is not None:
            namespace[f"h{index}"] = hook
            value = f"h{index}({value})"
        store = f"{target}[{wire_key(field)!r}] = {value}"
        default = field.default
        if default is attrs.NOTHING:
            lines.append(f"    {store}")
            continue
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            if default.takes_self:
                raise TypeError(f"{cls.__name__}.{field.name}: a default taking self")
            default = default.factory()
        if field.converter is not None:
            default = field.converter(default)
        if default is None:
            lines.append(f"    if obj.{field.name} is not None: {store}")
        else:
            namespace[f"d{index}"] = default
            lines.append(f"    if obj.{field.name} != d{index}: {store}")
    for group, local in groups.items():
        lines.append(f"    if {local}: out[{group!r}] = {local}")
    lines.append("    return out")
    source = "\n".join(lines) + "\n"
    filename = f"<salesmanago unstructure {cls.__module__}.{cls.__qualname__}>"
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102 - our own source
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    function: Callable[[Any], dict[str, Any]] = namespace["unstructure"]
    return function


def bulk_builder(cls: type[T]) -> Callable[..., list[T]]:
    """A function building many instances of the slotted attrs class ``cls`` at once,
    from one column of values per field: ``build(n, a=[...], b=[...])`` is
    ``[cls(a=a, b=b) for a, b in zip(...)]`` (``n`` instances; every field given),
    the slots filled column by column without a Python call per instance (the items
    of a batch's result, issue 17).

    Only for a class whose ``__init__`` does nothing but store its arguments: a
    slotted attrs class whose fields all take their value from ``__init__``
    unchanged (no converter, no validator, no ``__attrs_pre_init__`` or
    ``__attrs_post_init__``); any other raises TypeError here, once, so the two ways
    of building can never differ (``tests/sdk/test_sdk_batch_fast_paths.py`` pins them equal).
    """
    fields = attrs.fields(cls)  # type: ignore[arg-type]
    plain = (
        "__slots__" in vars(cls)
        and not hasattr(cls, "__attrs_pre_init__")
        and not hasattr(cls, "__attrs_post_init__")
        and all(f.init and f.converter is None and f.validator is None for f in fields)
    )
    if not plain:
        raise TypeError(f"{cls.__name__}: __init__ does more than store its arguments")
    setters = {f.alias or f.name: vars(cls)[f.name].__set__ for f in fields}
    new = object.__new__
    exhaust = collections.deque[None](maxlen=0).extend

    def build(count: int, **columns: Iterable[Any]) -> list[T]:
        if columns.keys() != setters.keys():
            raise TypeError(f"{cls.__name__}: give a column for each of {sorted(setters)}")
        instances: list[T] = list(map(new, [cls] * count))
        for name, column in columns.items():
            exhaust(map(setters[name], instances, column))
        return instances

    return build


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter()
    conv.register_unstructure_hook(datetime, to_ms)
    conv.register_structure_hook(datetime, lambda v, _: from_ms(v))
    conv.register_unstructure_hook(date, lambda d: f"{d.year:04d}{d.month:02d}{d.day:02d}")
    conv.register_structure_hook(date, lambda v, _: _date_from_wire(v))
    conv.register_unstructure_hook(Decimal, lambda d: d)
    conv.register_structure_hook(Decimal, _to_decimal)

    def _str(value: object, _type: object) -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            return str(value)
        raise TypeError(f"expected a string, got {type(value).__name__}")

    def _int(value: object, _type: object) -> int:
        if isinstance(value, bool):
            raise TypeError("expected an integer, got a boolean")
        if isinstance(value, int):
            return value
        if isinstance(value, (Decimal, float)) and value == int(value):
            return int(value)
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
        raise TypeError(f"expected an integer, got {value!r}")

    def _bool(value: object, _type: object) -> bool:
        if isinstance(value, bool):
            return value
        raise TypeError(f"expected a boolean, got {type(value).__name__}")

    conv.register_structure_hook(str, _str)
    conv.register_structure_hook(int, _int)
    conv.register_structure_hook(bool, _bool)

    def _enum_structure(value: object, cls: type[Enum]) -> Enum:
        return cls(value)

    conv.register_structure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, Enum), _enum_structure
    )
    conv.register_unstructure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, Enum), lambda e: e.value
    )

    def passes_through(tp: Any) -> bool:
        """Whether values of ``tp`` (``X`` or ``X | None``) are sent as they are."""
        args = get_args(tp) if get_origin(tp) in (Union, UnionType) else (tp,)
        return all(
            arg is type(None)
            or (isinstance(arg, type) and conv.get_unstructure_hook(arg) is identity)
            for arg in args
        )

    def field_hook(field: attrs.Attribute[Any]) -> Callable[[Any], Any] | None:
        """How a field's value is sent: its ``wire(unstructure=...)``, ``None`` for a
        value sent as it is, else the converter's hook for its type."""
        if "unstructure" in field.metadata:
            return field.metadata["unstructure"]  # type: ignore[no-any-return]
        if passes_through(field.type):
            return None
        hook: Callable[[Any], Any] = conv.get_unstructure_hook(field.type)
        return hook

    def unstructure_factory(cls: type[Any]) -> Callable[[Any], dict[str, Any]]:
        return compile_unstructure(cls, field_hook)

    def structure_factory(cls: type[Any]) -> Callable[[Any, Any], Any]:
        overrides: dict[str, Any] = {}
        groups: set[str] = set()
        for field in attrs.fields(cls):
            key = wire_key(field)
            hook = field.metadata.get("structure")
            if hook is not None:
                overrides[field.name] = override(rename=key, struct_hook=_field_hook(hook))
            else:
                overrides[field.name] = override(rename=key)
            if "group" in field.metadata:
                groups.add(field.metadata["group"])
        fn = make_dict_structure_fn(cls, conv, _cattrs_detailed_validation=True, **overrides)

        def structure_with_nulls(data: Any, cl: Any) -> Any:
            if not isinstance(data, Mapping):
                raise TypeError(f"expected a JSON object, got {type(data).__name__}")
            flat = dict(data)
            for group in groups:
                nested = flat.pop(group, None)
                if isinstance(nested, Mapping):
                    flat.update(nested)
            # The platform sends null for absent optional values: treat a null like
            # a missing key, so the field's default (None, empty) applies.
            return fn({k: v for k, v in flat.items() if v is not None}, cl)

        return structure_with_nulls

    conv.register_unstructure_hook_factory(attrs.has, unstructure_factory)
    conv.register_structure_hook_factory(attrs.has, structure_factory)
    return conv


converter: Final = _make_converter()


def unstructure(obj: object) -> Any:
    """A model as wire JSON values (camelCase keys, ms, Decimal kept for `dumps`)."""
    return converter.unstructure(obj)


def unstructurer(cls: type[T]) -> Callable[[T], Any]:
    """The function `unstructure` applies to instances of ``cls``, looked up once:
    for a hot loop over many values of one class (the items of a batch)."""
    hook: Callable[[T], Any] = converter.get_unstructure_hook(cls)
    return hook


def _name_wire_keys(exc: BaseException) -> None:
    """Rename the attribute notes of a structuring error from the models' snake_case
    names to the wire's keys, so error paths read as the response spells them
    (``response[0].optedOutPhone``, not ``opted_out_phone``)."""
    if isinstance(exc, cattrs.ClassValidationError) and attrs.has(exc.cl):
        keys = {}
        for field in attrs.fields(exc.cl):
            key = wire_key(field)
            group = field.metadata.get("group")
            keys[field.name] = f"{group}.{key}" if group else key
        for sub in exc.exceptions:
            notes = getattr(sub, "__notes__", None)
            if notes:
                sub.__notes__ = [
                    AttributeValidationNote(str(n), keys.get(n.name, n.name), n.type)
                    if isinstance(n, AttributeValidationNote)
                    else n
                    for n in notes
                ]
    if isinstance(exc, cattrs.BaseValidationError):
        for sub in exc.exceptions:
            _name_wire_keys(sub)


def structure(data: object, cls: type[T]) -> T:
    """Wire JSON values as a model; failures raise `WireFormatError` with paths."""
    try:
        return converter.structure(data, cls)
    except Exception as exc:
        if isinstance(exc, (cattrs.BaseValidationError)):
            _name_wire_keys(exc)
            raise WireFormatError(cattrs.transform_error(exc, path="response")) from exc
        raise WireFormatError([f"response: {exc}"]) from exc


_DECIMAL_TOKEN: Final = "\x00" + secrets.token_hex(8) + ":"
# How the token reads inside JSON text (json escapes the NUL as \u0000).
_ESCAPED_TOKEN: Final = json.dumps(_DECIMAL_TOKEN)[1:-1]


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot send the non-finite number {value}")
        return f"{_DECIMAL_TOKEN}{value:f}\x00"
    if isinstance(value, (tuple, frozenset, set)):
        return list(value)
    raise TypeError(f"cannot send a value of type {type(value).__name__} as JSON")


# What json.dumps(ensure_ascii=False, separators=(",", ":"), default=_json_default) uses,
# made once, without the check for circular containers: every body is built by the SDK
# from its models (a value holding itself would fail as RecursionError instead of
# ValueError; nothing is sent either way), and the check costs a quarter of the
# encoding of a batch (issue 17).
_ENCODER: Final = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), default=_json_default, check_circular=False
)


def dumps(payload: Mapping[str, object]) -> bytes:
    """JSON bytes; a Decimal is written as a JSON number with exactly its digits."""
    text = _ENCODER.encode(payload)
    if _ESCAPED_TOKEN in text:
        text = _unwrap_decimals(text)
    return text.encode("utf-8")


def _unwrap_decimals(text: str) -> str:
    token = _ESCAPED_TOKEN
    out: list[str] = []
    pos = 0
    while (start := text.find('"' + token, pos)) != -1:
        end = text.index('\\u0000"', start + 1 + len(token))
        out.append(text[pos:start])
        out.append(text[start + 1 + len(token) : end])
        pos = end + len('\\u0000"')
    out.append(text[pos:])
    return "".join(out)


_DECODER: Final = json.JSONDecoder(parse_float=Decimal)


def loads(content: bytes) -> Any:
    """Parse a response body; JSON fractions become Decimal (exact money).

    What ``json.loads(content, parse_float=Decimal)`` does (the encoding detected
    the same way), with one decoder made once instead of one per call."""
    return _DECODER.decode(content.decode(json.detect_encoding(content), "surrogatepass"))
