"""Property tests of the one converter (protocol §4, §5) with Hypothesis.

* Every request model round-trips: ``structure(unstructure(x), T) == x``, and also
  through the JSON text ``dumps`` writes (``loads`` reads it back).
* Any text (unicode without lone surrogates, control characters included) in
  names, tags and details serialises to JSON that reads back to the same values.
* Decimals are written digit for digit and parse back exactly.

Example counts: 100 per round-trip property (one per request model), 100 for
random text, 200 for decimals; no deadline (the first examples warm cattrs up).
"""

from __future__ import annotations

import functools
import json
import types
import typing
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from enum import Enum
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesmanago import (
    Address,
    Addressee,
    ConsentDetail,
    ContactUpsert,
    DictionaryProperty,
    DoubleOptIn,
    EventForContact,
    ExternalEvent,
    FunnelStage,
)
from salesmanago._converter import dumps, loads, structure, unstructure

#: Models the SDK sends (the request side of salesmanago.models).
REQUEST_MODELS: list[type] = [
    ContactUpsert,
    Address,
    ConsentDetail,
    DictionaryProperty,
    DoubleOptIn,
    Addressee,
    ExternalEvent,
    EventForContact,
    FunnelStage,
]

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
ZONES = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
#: Aware datetimes with millisecond precision in fixed-offset zones (the wire
#: carries integer milliseconds; zones with folds compare unequal across zones).
MS_DATETIMES = st.builds(
    lambda moment, ms, zone: moment.replace(microsecond=ms * 1000, tzinfo=zone),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)),
    st.integers(0, 999),
    ZONES,
)
DECIMALS = st.builds(
    lambda digits, exponent: Decimal(digits).scaleb(exponent),
    st.integers(-(10**25), 10**25),
    st.integers(-12, 8),
)


def _strategy(tp: Any) -> st.SearchStrategy[Any]:
    """A strategy for a field type of a request model."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(_strategy(a) for a in args))
    if tp is type(None):
        return st.none()
    if tp is str:
        return TEXT
    if tp is bool:
        return st.booleans()
    if tp is int:
        return st.integers(-(2**63), 2**63 - 1)
    if tp is Decimal:
        return DECIMALS
    if tp is datetime:
        return MS_DATETIMES
    if tp is date:
        return st.dates()
    if isinstance(tp, type) and issubclass(tp, Enum):
        return st.sampled_from(list(tp))
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return st.lists(_strategy(args[0]), max_size=3).map(tuple)
    if origin in (Mapping, dict, typing.Mapping):
        return st.dictionaries(_strategy(args[0]), _strategy(args[1]), max_size=3)
    if attrs.has(tp):
        return _model(tp)
    raise NotImplementedError(f"no strategy for {tp!r}")


@functools.cache
def _model(cls: type) -> st.SearchStrategy[Any]:
    hints = typing.get_type_hints(cls)
    required = {
        f.name: _strategy(hints[f.name]) for f in attrs.fields(cls) if f.default is attrs.NOTHING
    }
    optional = {
        f.name: _strategy(hints[f.name])
        for f in attrs.fields(cls)
        if f.default is not attrs.NOTHING
    }
    return st.fixed_dictionaries(required, optional=optional).map(lambda kw: cls(**kw))


def _json_native(value: Any) -> Any:
    """What ``json.loads`` gives back for an unstructured value (tuples -> lists)."""
    if isinstance(value, Mapping):
        return {k: _json_native(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_native(v) for v in value]
    return value


@pytest.mark.parametrize("model", REQUEST_MODELS, ids=lambda m: m.__name__)
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_request_model_round_trips(model: type, data: st.DataObject) -> None:
    """``structure(unstructure(x)) == x``, directly and through the JSON text."""
    value = data.draw(_model(model))
    wire = unstructure(value)
    assert structure(wire, model) == value
    assert structure(loads(dumps(wire)), model) == value


@settings(max_examples=100, deadline=None)
@given(
    name=TEXT,
    tags=st.lists(TEXT, max_size=4),
    properties=st.dictionaries(TEXT, TEXT, max_size=4),
    consent=TEXT,
)
def test_any_text_serialises_to_json_that_reads_back(
    name: str, tags: list[str], properties: dict[str, str], consent: str
) -> None:
    """Control characters, quotes, backslashes, non-BMP text: ``dumps`` always writes
    valid UTF-8 JSON and ``json.loads`` reads the same values back."""
    item = ContactUpsert(
        email="ann@example.com",
        name=name,
        tags=tags,
        properties=properties,
        consent_details=[ConsentDetail(consent_name=consent, consent_accept=True)],
        external_id=name,
    )
    wire = unstructure(item)
    text = dumps(wire)
    back = json.loads(text.decode("utf-8"))
    assert back == _json_native(wire)
    assert back["contact"]["name"] == name
    assert back.get("tags", []) == tags
    assert back.get("properties", {}) == properties
    assert back["consentDetails"][0]["consentName"] == consent


def test_decimal_is_written_digit_for_digit() -> None:
    """Money never passes through binary float (S6.3): 12345678901234567.89 stays."""
    value = Decimal("12345678901234567.89")
    text = dumps({"value": value, "values": [Decimal("0.10"), Decimal("-0.01")]}).decode()
    assert text == '{"value":12345678901234567.89,"values":[0.10,-0.01]}'
    back = json.loads(text, parse_float=Decimal)
    assert back["value"] == value
    assert str(back["value"]) == "12345678901234567.89"
    assert loads(text.encode())["values"] == [Decimal("0.10"), Decimal("-0.01")]


@settings(max_examples=200, deadline=None)
@given(value=DECIMALS, label=TEXT)
def test_any_decimal_is_written_exactly(value: Decimal, label: str) -> None:
    """Each Decimal appears in the JSON as its own fixed-point digits, next to any
    text, and reads back equal with ``parse_float=Decimal``."""
    text = dumps({"label": label, "value": value, "nested": {"list": [value]}}).decode()
    assert f'"value":{value:f}' in text
    back = json.loads(text, parse_float=Decimal)
    assert back["label"] == label
    assert back["value"] == value
    assert back["nested"]["list"] == [value]


@pytest.mark.parametrize("bad", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_non_finite_decimal_is_refused(bad: Decimal) -> None:
    """JSON has no NaN or infinity: the SDK refuses to send one."""
    with pytest.raises(ValueError, match="non-finite"):
        dumps({"value": bad})
