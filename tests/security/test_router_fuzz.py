"""A hypothesis fuzz of the router: hostile bodies to EVERY route of ``ALL_ROUTES``.

Each route of the table (read at collection time, so new routes are fuzzed
without touching this file) is sent, with valid auth fields merged in and
without any, bodies drawn from:

- valid request shapes of :data:`security_helpers.SAMPLES` with values
  replaced, keys deleted, keys added and containers swapped;
- random JSON objects over the wire keys and random keys;
- JSON that is not an object (arrays, strings, numbers, ``null``);
- bytes that are not JSON: empty, invalid UTF-8, a BOM, ``NaN``, 100 000 open
  brackets, 5 000-digit integers, duplicate keys.

Values: wrong types, missing fields, huge strings (70 000 characters),
unicode with lone surrogates, emoji and NUL, nesting 400 deep, huge integers
(2^64, 10^4000) and numbers written as ``1E+5000``, ``1e-400``, ``NaN``,
``Infinity``, floats, arrays where objects belong, and A's own identifiers.

Properties (protocol §11.1, §11.2; S1.3):

- the answer is a JSON envelope with boolean ``success`` and a ``message``
  list of strings, under HTTP 200 or a 4xx; never a 5xx, never traceback text;
- a refused request (a 4xx, or ``success: false`` that is not a partly
  applied batch) leaves the exported state (:func:`Emulator.export_state`)
  exactly as it was; the clock is frozen so time does not move;
- without auth fields every request is refused.

Also: any method on any path (export file paths included) answers 404/405 or
an envelope, and serves a file only for its exact client id, request id and
token (60 examples). The findings about numbers with huge exponents (a
12-byte ``1E+100000`` becoming a 100 001-digit integer: HTTP 500s, a blocked
emulator, megabyte details) are kept as regression tests at the end; the
router now refuses numbers beyond ``NUMBER_LIMIT`` digits or exponent.

Example counts: 40 per route with auth, 10 per route without (48 routes
today: about 2 400 examples, ~20 s on one core); ``SECURITY_FUZZ_SCALE=10``
multiplies them for a deeper hunt. At the default scale the examples are
derandomized (the same every run); a scaled run draws fresh ones.
``database=None``: nothing is written to the tree.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterator
from typing import Any, Final

import attrs
import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from routes_helpers import A_ID, A_OWNER, A_SECOND, A_SECRET, NOW_MS, URL, Api
from security_helpers import (
    AUTH_KEYS,
    SAMPLES,
    Identifiers,
    check_envelope,
    new_emulator,
    seed_account,
    state_text,
)

from salesmanago_emulator import Emulator, FrozenClock
from salesmanago_emulator.routes import ALL_ROUTES

PATHS: Final = sorted({route.path for route in ALL_ROUTES})
SCALE: Final = float(os.environ.get("SECURITY_FUZZ_SCALE", "1"))
"""Multiply the example counts (``SECURITY_FUZZ_SCALE=10`` for a deeper hunt)."""
WITH_AUTH_EXAMPLES: Final = max(1, int(40 * SCALE))
WITHOUT_AUTH_EXAMPLES: Final = max(1, int(10 * SCALE))


@attrs.frozen
class RawNumber:
    """A JSON number written exactly as ``text`` (``1E+5000``), which ``json`` cannot emit."""

    text: str


def encode(value: object) -> bytes:
    """``value`` as JSON bytes; :class:`RawNumber` leaves become their text; NaN allowed."""
    raws: dict[str, str] = {}

    def default(obj: object) -> object:
        if isinstance(obj, RawNumber):
            mark = f"@@raw{len(raws)}@@"
            raws[f'"{mark}"'] = obj.text
            return mark
        raise TypeError(type(obj).__name__)

    text = json.dumps(value, default=default)
    for mark, raw in raws.items():
        text = text.replace(mark, raw)
    return text.encode("utf-8", "surrogatepass")


def _nested(depth: int) -> object:
    value: object = "bottom"
    for index in range(depth):
        value = [value] if index % 2 else {"k": value}
    return value


# --- strategies ----------------------------------------------------------------------

_WIRE_KEYS: Final = sorted(
    {
        *AUTH_KEYS,
        "user", "email", "contactId", "id", "contact", "contacts", "tags", "removeTags",
        "properties", "dictionaryProperties", "consentDetails", "upsertDetails", "emails",
        "newEmail", "permanently", "from", "to", "page", "size", "funnel", "stage", "stages",
        "group", "potValue", "modify", "requestId", "data", "coupon", "name", "length", "valid",
        "note", "priv", "smContactTaskReq", "finished", "contactEvent", "events", "eventId",
        "externalId", "forceOptIn", "newOwner", "addresseeType", "value", "dataType", "date",
        "contactExtEventType", "birthday", "state", "showSystemTags", "allVisits", "lang", "",
        "__proto__", "constructor",
    }
)  # fmt: skip

_TEXT: Final = st.text(
    st.characters(codec=None, categories=["Lu", "Ll", "Nd", "Po", "Zs", "Cc", "Cs", "So", "Lo"]),
    max_size=12,
)
_SPECIAL_STRINGS: Final = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "\ud800",
        "\udfff\ud800",
        "😀👩‍👩‍👧",
        "é" * 300,
        "x" * 70_000,
        "\u202e" * 50,
        "null",
        "true",
        "NaN",
        "-1",
        "0",
        "1e400",
        "99999999999999999999999",
        "2026-01-15T10:00:00Z",
        "2026-02-30",
        "9999-12-31T23:59:59+14:00",
        "0001-01-01",
        "user@example.com",
        "owner@a.example.com",
        "second@a.example.com",
        "EMAIL",
        "CONTACT_ID",
        "TAG",
        "email",
        "contact_id",
        "tag",
        "CONTACT",
        "EXT_EVENT",
        "PURCHASE",
        "a,b,,c",
        "../../etc/passwd",
        "<script>",
        "'; DROP TABLE contacts;--",
        "%s%n",
        "{}",
        "[]",
    ]
)
_INTEGERS: Final = st.integers() | st.sampled_from(
    [0, -1, 1, 2**31, 2**53 + 1, 2**63, 2**64 + 1, -(2**63) - 1, 10**30, 10**4000, NOW_MS]
)
_RAW_NUMBERS: Final = st.sampled_from(
    [
        "1e400",
        "-1e400",
        "1e-400",
        "1E+5000",
        "-0",
        "1.0",
        "0.1e-99999",
        "1E+100000",
        "1.5",
        "123456789012345678901234567890.123456789",
        "1768471200000.5",
    ]
).map(RawNumber)
_DEEP: Final = st.sampled_from([50, 400]).map(_nested)


def _own(ids: Identifiers) -> st.SearchStrategy[str]:
    return st.sampled_from(sorted(ids.secrets() | set(ids.request_ids)))


def _scalars(ids: Identifiers) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.none(),
        st.booleans(),
        _INTEGERS,
        st.floats(allow_nan=True, allow_infinity=True),
        _RAW_NUMBERS,
        _TEXT,
        _SPECIAL_STRINGS,
        _own(ids),
        _DEEP,
    )


def _keys() -> st.SearchStrategy[str]:
    return st.sampled_from(_WIRE_KEYS) | _TEXT


def _json(ids: Identifiers) -> st.SearchStrategy[Any]:
    return st.recursive(
        _scalars(ids),
        lambda children: (
            st.lists(children, max_size=4) | st.dictionaries(_keys(), children, max_size=4)
        ),
        max_leaves=10,
    )


_NOT_JSON: Final = st.binary(max_size=40) | st.sampled_from(
    [
        b"", b" ", b"null", b"{", b"}", b"[" * 100_000, b'{"a":' * 50_000, b"\xff\xfe\x00",
        b"\xef\xbb\xbf{}", b'{"a": NaN}', b'{"a": -Infinity}', b"1" * 5_000,
        b'{"n": ' + b"9" * 5_000 + b"}", b'{"a": "\\ud800"}', b'{"a": "\\u0000"}',
        b'{"clientId": "x", "clientId": "y"}', b"\x00", b"{'single': 'quotes'}",
    ]
)  # fmt: skip


def _locations(value: Any, out: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """Every (container, key or index) inside ``value``."""
    if isinstance(value, dict):
        for key, item in value.items():
            out.append((value, key))
            _locations(item, out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out.append((value, index))
            _locations(item, out)
    return out


def _like(data: st.DataObject, old: Any, ids: Identifiers) -> Any:
    """A hostile value of the same JSON kind as ``old`` (a string for a string ...)."""
    if isinstance(old, bool):
        return not old
    if isinstance(old, int):
        return data.draw(_INTEGERS | _RAW_NUMBERS)
    if isinstance(old, str):
        return data.draw(_TEXT | _SPECIAL_STRINGS | _own(ids))
    if isinstance(old, list):
        return data.draw(st.lists(_json(ids), max_size=3))
    return data.draw(st.dictionaries(_keys(), _json(ids), max_size=3))


def _mutated(data: st.DataObject, path: str, ids: Identifiers) -> dict[str, Any]:
    """A valid request shape of ``path`` with a few values, keys or containers broken."""
    sequences = SAMPLES[path](ids) if path in SAMPLES else [[{}]]
    body: dict[str, Any] = copy.deepcopy(data.draw(st.sampled_from(sequences))[-1])
    body.pop("_path", None)
    for _ in range(data.draw(st.sampled_from([1, 1, 1, 2, 3]))):
        places = _locations(body, [])
        op = data.draw(st.sampled_from(["like", "like", "like", "set", "delete", "add", "swap"]))
        if op == "add" or not places:
            dicts = [body] + [c[k] for c, k in places if isinstance(c[k], dict)]
            target = data.draw(st.sampled_from(dicts))
            target[data.draw(_keys())] = data.draw(_json(ids))
            continue
        container, key = data.draw(st.sampled_from(places))
        if op == "delete":
            del container[key]
        elif op == "swap":
            old = container[key]
            container[key] = [old] if not isinstance(old, list) else {"0": old}
        elif op == "like":
            container[key] = _like(data, container[key], ids)
        else:
            container[key] = data.draw(_json(ids))
    return body


def _body(data: st.DataObject, path: str, ids: Identifiers) -> object:
    kind = data.draw(st.sampled_from(["mutated", "mutated", "mutated", "object", "value", "bytes"]))
    if kind == "mutated":
        return _mutated(data, path, ids)
    if kind == "object":
        return data.draw(st.dictionaries(_keys(), _json(ids), max_size=6))
    if kind == "value":
        return data.draw(_scalars(ids) | st.lists(_json(ids), max_size=4))
    return data.draw(_NOT_JSON)


# --- the fuzz ------------------------------------------------------------------------


@attrs.define
class Target:
    """One emulator with a seeded account A, and A's raw client."""

    emulator: Emulator[FrozenClock]
    http: httpx.Client
    api: Api
    ids: Identifiers


@pytest.fixture
def target() -> Iterator[Target]:
    """A fresh emulator per test function (not per example: accepted writes may pile up)."""
    emulator = new_emulator()
    with httpx.Client(transport=emulator.transport()) as http:
        api = Api(http, A_ID, A_SECRET, A_OWNER)
        yield Target(emulator, http, api, seed_account(api, emulator))


def _partly_applied(envelope: dict[str, Any]) -> bool:
    """A batch answer with ``success: false`` whose other items applied (by design)."""
    return bool(envelope.get("contactIds")) or bool(envelope.get("createdAmount"))


def _fire(target: Target, path: str, content: bytes) -> tuple[bool, str]:
    """Send ``content``; check the answer; whether it was refused, and the answer text."""
    before = state_text(target.emulator)
    response = target.http.post(
        URL + path, content=content, headers={"Content-Type": "application/json"}
    )
    envelope = check_envelope(response.status_code, response.text)
    assert envelope is not None
    refused = response.status_code != 200 or (
        envelope["success"] is False and not _partly_applied(envelope)
    )
    event(f"HTTP {response.status_code} success={envelope['success']}")
    event(str(envelope["message"][:1])[:60])
    if refused:
        assert state_text(target.emulator) == before, (
            f"refused request changed the state: {content[:300]!r} -> {response.text[:300]}"
        )
    return refused, response.text


def _with_auth(data: st.DataObject, target: Target, body: object) -> object:
    if not isinstance(body, dict):
        return body
    auth = target.api.body()
    owner = data.draw(st.sampled_from(["first", "first", "second", "omit"]))
    if owner == "second":
        auth["owner"] = A_SECOND
    elif owner == "omit":
        del auth["owner"]
    return {**body, **auth}


_SETTINGS: Final = settings(
    deadline=None,
    database=None,
    # Reproducible at the default scale (a known open bug cannot flake the suite);
    # a deeper hunt (SECURITY_FUZZ_SCALE) draws fresh examples every run.
    derandomize=SCALE == 1,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)


@pytest.mark.parametrize("path", PATHS, ids=[p.removeprefix("/api/") for p in PATHS])
@settings(_SETTINGS, max_examples=WITH_AUTH_EXAMPLES)
@given(data=st.data())
def test_fuzz_with_auth_never_breaks_the_router(
    target: Target, path: str, data: st.DataObject
) -> None:
    """Hostile bodies with valid auth: an envelope or a 4xx; a refusal changes nothing."""
    body = _with_auth(data, target, _body(data, path, target.ids))
    _fire(target, path, body if isinstance(body, bytes) else encode(body))


@pytest.mark.parametrize("path", PATHS, ids=[p.removeprefix("/api/") for p in PATHS])
@settings(_SETTINGS, max_examples=WITHOUT_AUTH_EXAMPLES)
@given(data=st.data())
def test_fuzz_without_auth_is_always_refused(
    target: Target, path: str, data: st.DataObject
) -> None:
    """S1.3: hostile bodies with no valid auth are refused, and change nothing."""
    body = _body(data, path, target.ids)
    if isinstance(body, dict):
        for key in AUTH_KEYS:
            body.pop(key, None)
    refused, text = _fire(target, path, body if isinstance(body, bytes) else encode(body))
    assert refused, text[:500]


# --- findings: tiny numbers that grow huge (fixed: numbers are bounded on decoding) ----


def _raw_post(target: Target, path: str, fields: str) -> httpx.Response:
    """POST A's auth fields plus ``fields``, raw JSON text (for ``1E+...`` numbers)."""
    text = json.dumps(target.api.body())[:-1] + ", " + fields + "}"
    return target.http.post(URL + path, content=text.encode())


@pytest.mark.parametrize(
    "path", ["/api/contact/paginatedModifiedContacts", "/api/contact/paginatedContactList/export"]
)
def test_integer_with_huge_exponent_is_refused(target: Target, path: str) -> None:
    """A page number of 100 001 digits is no page number: it is refused, not computed with."""
    response = _raw_post(target, path, '"from": 0, "to": 1, "page": 1E+100000, "size": 1')
    envelope = check_envelope(response.status_code, response.text)
    assert envelope is not None
    assert envelope["success"] is False, response.text[:300]
    assert response.status_code == 400
    assert envelope["message"] == [
        "Request body holds a number out of range: 1E+100000 "
        "(at most 40 digits, exponent within ±40)"
    ]


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/api/contact/upsert", '"contact": {"email": "%s"}, "properties": {"p": 1E+2000000}'),
        (
            "/api/contact/upsert",
            '"contact": {"email": "%s"}, '
            '"dictionaryProperties": [{"name": "d", "type": "NUMBER", "value": 1E+2000000}]',
        ),
        (
            "/api/funnel/addContact",
            '"funnel": "%%s", "stage": "%%s", "potValue": 1E+2000000, '
            '"contacts": [{"addresseeType": "EMAIL", "value": "%s"}]',
        ),
    ],
    ids=["properties", "dictionaryProperties", "potValue"],
)
def test_small_number_does_not_become_a_huge_value(target: Target, path: str, fields: str) -> None:
    """No stored value, and no read of it, is thousands of times the request that sent it:
    the number is refused with HTTP 400, and nothing is stored."""
    email = target.ids.emails[0]
    text = fields % email
    if "%s" in text:
        text = text % (target.ids.funnels[0], target.ids.stages[1])
    before = state_text(target.emulator)
    response = _raw_post(target, path, text)
    envelope = check_envelope(response.status_code, response.text)
    assert envelope is not None
    assert (response.status_code, envelope["success"]) == (400, False), response.text[:300]
    assert envelope["message"] == [
        "Request body holds a number out of range: 1E+2000000 "
        "(at most 40 digits, exponent within ±40)"
    ]
    assert state_text(target.emulator) == before  # nothing stored
    card = target.api.send("contact/listAll", target.api.body(email=[email]))
    assert len(card.text) < 100_000, f"{len(text)}-byte field -> {len(card.text)}-byte card"


_SEGMENT: Final = st.text(
    st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="/?#%\\"),
    max_size=40,
)


@settings(_SETTINGS, max_examples=max(1, int(60 * SCALE)))
@given(
    data=st.data(),
    method=st.sampled_from(["GET", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "POST"]),
)
def test_fuzz_other_methods_and_paths(target: Target, data: st.DataObject, method: str) -> None:
    """Any method on any path (export files included): 404/405 or an answer, never a 5xx;
    a file is served only for its exact client id, request id and token; nothing changes."""
    jobs = target.emulator.account(A_ID).exports.jobs
    known = {f"/api/job/file/{A_ID}/{job.request_id}/{job.token}" for job in jobs}
    parts = data.draw(
        st.lists(
            _SEGMENT | st.sampled_from([A_ID, "1", "2", "..", *target.ids.job_tokens]), max_size=4
        )
    )
    prefix = data.draw(st.sampled_from(["/api/job/file/", "/api/", "/", *PATHS]))
    path = prefix + "/".join(parts)
    before = state_text(target.emulator)
    response = target.http.request(method, URL + path, content=b"{}")
    assert response.status_code < 500, response.text[:300]
    if method == "HEAD":
        return
    if response.status_code != 200 or method == "POST":
        check_envelope(response.status_code, response.text)
    if method == "GET" and response.status_code == 200:
        assert path in known, path
    if method != "POST":
        assert response.status_code in (200, 404, 405), (method, path, response.status_code)
        assert state_text(target.emulator) == before


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/api/funnel/add", '"funnel": "F-NEW", "stages": [{"name": "ONE", "order": 1E+5000}]'),
        ("/api/contact/addContactCoupon", '"email": "%s", "name": "C-NEW", "length": 1E+5000'),
    ],
    ids=["funnel-order", "coupon-length"],
)
def test_integer_of_5001_digits_is_refused_not_a_500(
    target: Target, path: str, fields: str
) -> None:
    """A 5001-digit integer is refused with an envelope naming the field."""
    text = fields % target.ids.emails[0] if "%s" in fields else fields
    before = state_text(target.emulator)
    response = _raw_post(target, path, text)
    envelope = check_envelope(response.status_code, response.text)
    assert envelope is not None
    assert envelope["success"] is False
    assert response.status_code == 400
    assert envelope["message"] == [
        "Request body holds a number out of range: 1E+5000 (at most 40 digits, exponent within ±40)"
    ]
    assert state_text(target.emulator) == before


def test_consent_description_id_of_5001_digits_does_not_poison_the_card(target: Target) -> None:
    """A consent description id too long to print is refused; the card stays exportable."""
    email = target.ids.emails[0]
    consent = target.ids.consents[0]
    before = state_text(target.emulator)
    response = _raw_post(
        target,
        "/api/contact/upsert",
        f'"contact": {{"email": "{email}"}}, "consentDetails": [{{"consentName": "{consent}", '
        '"consentAccept": true, "consentDescriptionId": 1E+5000}]',
    )
    refused = check_envelope(response.status_code, response.text)
    assert refused is not None
    assert (response.status_code, refused["success"]) == (400, False), response.text[:300]
    assert refused["message"] == [
        "Request body holds a number out of range: 1E+5000 (at most 40 digits, exponent within ±40)"
    ]
    assert state_text(target.emulator) == before  # nothing stored
    export = target.api.send(
        "contact/export/data",
        target.api.body(
            contacts=[{"addresseeType": "email", "value": email}], data=[{"dataType": "CONSENTS"}]
        ),
    )
    exported = check_envelope(export.status_code, export.text)
    assert exported is not None
    assert exported["success"] is True, export.text[:300]
    # the export only queues a job: every contact is as it was, and the state still exports
    after = json.loads(state_text(target.emulator))
    assert [a["contacts"] for a in after["accounts"]] == [
        a["contacts"] for a in json.loads(before)["accounts"]
    ]
