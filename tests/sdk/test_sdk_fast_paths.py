"""The SDK's fast paths give exactly what the general paths give (issue 17).

* Each model's generated unstructure (`_converter.compile_unstructure`, the
  converter's hook) equals cattrs' ``omit_if_default`` unstructuring built from the
  same ``wire`` metadata, the way the converter built it before: for every request
  model, on random instances (Hypothesis).
* A request built from its endpoint's `RequestTemplate` is the request httpx builds
  itself: method, URL, headers in order, body.
* `_converter.loads` (one decoder, made once) reads what ``json.loads`` with
  ``parse_float=Decimal`` reads, and refuses what it refuses.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
import httpx
import pytest
from cattrs.fns import identity
from cattrs.gen import make_dict_unstructure_fn, override
from hypothesis import given, settings
from hypothesis import strategies as st
from test_sdk_converter_props import REQUEST_MODELS, TEXT, _model

from salesmanago import ContactUpsert
from salesmanago._base_client import HEADERS, RequestTemplate
from salesmanago._converter import converter, dumps, loads, unstructure, unstructurer, wire_key


def _reference(cls: type[Any]) -> Callable[[Any], dict[str, Any]]:
    """The unstructuring the converter used before the generated one: cattrs'
    ``make_dict_unstructure_fn`` with ``omit_if_default``, one function for the top
    level and one per group, each group's object added after the top-level keys
    when it is not empty."""
    fields = attrs.fields(attrs.resolve_types(cls))

    def hook(field: attrs.Attribute[Any]) -> Any:
        if "unstructure" in field.metadata:
            return field.metadata["unstructure"]
        args = getattr(field.type, "__args__", (field.type,))
        through = all(
            a is type(None)
            or (isinstance(a, type) and converter.get_unstructure_hook(a) is identity)
            for a in args
        )
        return identity if through else None

    def part(group: str | None) -> Callable[[Any], dict[str, Any]]:
        overrides = {
            f.name: override(
                rename=wire_key(f),
                omit_if_default=True,
                unstruct_hook=hook(f),
                omit=f.metadata.get("group") != group,
            )
            for f in fields
        }
        return make_dict_unstructure_fn(cls, converter, **overrides)

    flat = part(None)
    groups = [
        (g, part(g))
        for g in dict.fromkeys(f.metadata["group"] for f in fields if "group" in f.metadata)
    ]

    def nested(obj: Any) -> dict[str, Any]:
        out = flat(obj)
        for group, fn in groups:
            inner = fn(obj)
            if inner:
                out[group] = inner
        return out

    return nested


@pytest.mark.parametrize("model", REQUEST_MODELS, ids=lambda m: m.__name__)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_generated_unstructure_equals_cattrs_omit_if_default(
    model: type, data: st.DataObject
) -> None:
    """Same keys, same order, same values as cattrs' generic unstructuring."""
    value = data.draw(_model(model))
    fast = unstructurer(model)(value)
    slow = _reference(model)(value)
    assert fast == slow
    assert dumps(fast) == dumps(slow)  # the same JSON text: key order too


def test_generated_unstructure_is_the_converters_hook() -> None:
    """``unstructure`` and the batch's per-class hook are the one generated function."""
    item = ContactUpsert(email="ann@example.com", name="Ann", tags=["VIP"], properties={"a": "b"})
    assert unstructurer(ContactUpsert)(item) == unstructure(item)
    assert unstructure(item) == {
        "tags": ["VIP"],
        "properties": {"a": "b"},
        "contact": {"email": "ann@example.com", "name": "Ann"},
    }
    assert unstructure(ContactUpsert(email="ann@example.com")) == {
        "contact": {"email": "ann@example.com"}
    }


def test_a_default_taking_self_is_refused() -> None:
    """A default computed from the instance cannot be computed once: said, not guessed."""

    @attrs.frozen
    class Odd:
        a: int = 1
        b: int = attrs.field(default=attrs.Factory(lambda self: self.a, takes_self=True))

    with pytest.raises(TypeError, match="taking self"):
        unstructure(Odd())


@settings(max_examples=100, deadline=None)
@given(
    body=st.binary(min_size=0, max_size=300),
    path=st.sampled_from(["/api/contact/upsert", "/api/contact/batchupsert", "/api/x?y=1"]),
    endpoint=st.sampled_from(["http://bench.local", "https://app3.salesmanago.pl:8443/x"]),
    method=st.sampled_from(["POST", "PUT"]),
)
def test_request_template_builds_what_httpx_builds(
    body: bytes, path: str, endpoint: str, method: str
) -> None:
    """Method, URL, raw headers (names, values, order) and body are httpx's own."""
    url = endpoint + path
    timeout = httpx.Timeout(5.0).as_dict()
    fast = RequestTemplate.of(method, url, HEADERS).request(body, timeout)
    slow = httpx.Request(
        method, url, headers=HEADERS, content=body, extensions={"timeout": timeout}
    )
    assert fast.method == slow.method
    assert fast.url == slow.url
    assert fast.headers.raw == slow.headers.raw
    assert fast.content == slow.content == body
    assert fast.extensions == slow.extensions
    assert b"".join(fast.stream) == body  # type: ignore[arg-type]


JSON_TEXTS = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
).map(lambda v: json.dumps(v, ensure_ascii=False))


@settings(max_examples=200, deadline=None)
@given(text=JSON_TEXTS, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_loads_reads_what_json_loads_reads(text: str, encoding: str) -> None:
    """Every JSON document, in every encoding ``json.loads`` detects, reads the same;
    fractions as exact Decimals."""
    raw = text.encode(encoding)
    assert loads(raw) == json.loads(raw, parse_float=Decimal)
    assert loads(b'{"v": 0.10}')["v"].as_tuple() == Decimal("0.10").as_tuple()


@pytest.mark.parametrize("raw", [b"", b"{", b"[1,]", b"nope", b"\xff\xfe\xfd"])
def test_loads_refuses_what_json_loads_refuses(raw: bytes) -> None:
    """The same ValueError family (JSONDecodeError, UnicodeDecodeError) as ``json.loads``."""
    try:
        json.loads(raw, parse_float=Decimal)
    except ValueError as error:
        expected: type[ValueError] = type(error)
    else:
        pytest.fail(f"json.loads read {raw!r}")
    with pytest.raises(expected):
        loads(raw)
