"""The batched upsert's fast paths give exactly what the item-by-item paths gave (issue 17).

* The e-mail rule, now one pattern with the local part's length in a look-ahead and each
  domain label as one run, accepts and refuses exactly what the former patterns did, with
  the same texts (protocol §3.4).
* `_converter.bulk_builder` builds the instances ``cls(...)`` builds (equal, same hash,
  same repr), and refuses a class whose ``__init__`` does more than store.
* A chunk's outcomes read column by column equal the item-by-item reading it replaced,
  on random answers: ids missing, spelled in another case or with white space, falsy,
  not strings; ``failures`` by position or e-mail; texts naming items (protocol §5.2).
* Planning a batch checks every item once by one ``map`` when all pass, and one by one
  otherwise: the same checked values and refusals either way.
* A request body is encoded without the circular check: a value holding itself still
  fails before anything is sent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesmanago import BatchUpsertItem, ContactUpsert, SalesManago, ValidationError
from salesmanago._calls import renumber_item_refs
from salesmanago._converter import bulk_builder
from salesmanago._validation import _ADDRESS, check_email
from salesmanago.models.contacts import CheckedUpsert, check_upsert
from salesmanago.resources import _contact_writes as writes

# --- the e-mail rule --------------------------------------------------------------------

_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_OLD_LOCAL = re.compile(rf"{_ATEXT}+(?:\.{_ATEXT}+)*")
_OLD_LABEL = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)"
_OLD_DOMAIN = re.compile(rf"(?:{_OLD_LABEL}\.)+[A-Za-z]{{2,63}}")
_OLD_ADDRESS = re.compile(rf"{_OLD_LOCAL.pattern}@{_OLD_DOMAIN.pattern}")


def _old_check_email(value: object, field: str) -> str:
    """``check_email`` as it was before issue 17 (the reference)."""
    if not isinstance(value, str):
        raise ValidationError(field, "must be a string holding an e-mail address")
    email = value.strip()
    if len(email) <= 254 and _OLD_ADDRESS.fullmatch(email) is not None and email.index("@") <= 64:
        return email
    if len(email) > 254:
        raise ValidationError(field, f"must be at most 254 characters (got {len(email)})")
    local, at, domain = email.rpartition("@")
    if not at or not local or not domain:
        raise ValidationError(field, f"must be an e-mail address (got {email!r})")
    if len(local) > 64:
        raise ValidationError(
            field, f"must have at most 64 characters before '@' (got {len(local)})"
        )
    if not _OLD_LOCAL.fullmatch(local):
        raise ValidationError(field, f"has an invalid part before '@' (got {email!r})")
    if not _OLD_DOMAIN.fullmatch(domain):
        raise ValidationError(field, f"has an invalid domain (got {email!r})")
    return email


def _outcome(check: Any, value: str) -> tuple[str, str]:
    try:
        return "ok", check(value, "contact.email")
    except ValidationError as error:
        return "refused", str(error)


# runs of the characters that matter, with lengths around every limit (63/64 per label
# and local part, 2..63 letters of a TLD, 254 in all)
_PIECE = st.one_of(
    st.sampled_from(["a", "Z", "0", "-", ".", "@", "_", "+", "é", " ", "\n", "..", "-."]),
    st.builds(
        lambda ch, n: ch * n,
        st.sampled_from(["a", "9", "-", "b-", "x."]),
        st.sampled_from([1, 2, 61, 62, 63, 64, 65, 125]),
    ),
)
_ADDRESSISH = st.lists(_PIECE, max_size=12).map("".join)
_LABEL = st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9-]{0,64}[A-Za-z0-9])?", fullmatch=True)
_BUILT = st.builds(
    lambda local, labels, tld: f"{local}@{'.'.join(labels)}.{tld}",
    st.from_regex(rf"{_ATEXT}{{1,66}}(\.{_ATEXT}{{1,3}})?", fullmatch=True),
    st.lists(
        _LABEL | st.sampled_from(["-a", "a-", "", "a" * 63, "b" * 64]), min_size=1, max_size=4
    ),
    st.sampled_from(["pl", "com", "c", "c0m", "x" * 63, "y" * 64, "-co"]),
)


@settings(max_examples=600, deadline=None)
@given(value=_ADDRESSISH | _BUILT)
def test_the_email_rule_accepts_and_refuses_what_it_did(value: str) -> None:
    """Same address returned, or the same ValidationError text (protocol §3.4)."""
    assert _outcome(check_email, value) == _outcome(_old_check_email, value)


@settings(max_examples=600, deadline=None)
@given(value=_ADDRESSISH | _BUILT)
def test_the_one_pattern_takes_every_valid_address(value: str) -> None:
    """The single match is the whole rule for a valid address: none falls through to
    the checks that only name what is wrong."""
    email = value.strip()
    fast = len(email) <= 254 and _ADDRESS.fullmatch(email) is not None
    assert fast == (_outcome(_old_check_email, value)[0] == "ok")


@pytest.mark.parametrize(
    "value",
    [
        "a" * 64 + "@example.com",
        "a" * 65 + "@example.com",
        "jan@" + "a" * 63 + ".pl",
        "jan@" + "a" * 64 + ".pl",
        "jan@a-.pl",
        "jan@-a.pl",
        "jan@a--b.pl",
        "jan@a.b.c.d.pl",
        "jan@@example.com",
        "jan.@example.com",
        " jan@example.com ",
    ],
)
def test_the_email_rule_at_its_limits(value: str) -> None:
    """The limits the look-ahead and the label's run now carry, one by one, each valid
    address taken by the one pattern."""
    assert _outcome(check_email, value) == _outcome(_old_check_email, value)
    email = value.strip()
    fast = len(email) <= 254 and _ADDRESS.fullmatch(email) is not None
    assert fast == (_outcome(_old_check_email, value)[0] == "ok")


# --- building many instances --------------------------------------------------------------

_TEXTS = st.lists(st.text(max_size=6), max_size=3).map(tuple)


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.text(max_size=8), st.none() | st.text(max_size=8), _TEXTS), max_size=20
    )
)
def test_bulk_builder_builds_what_init_builds(
    rows: list[tuple[str, str | None, tuple[str, ...]]],
) -> None:
    """Equal, same hash, same repr, same type, frozen like the ones ``__init__`` builds."""
    fast = bulk_builder(BatchUpsertItem)(
        len(rows),
        email=[r[0] for r in rows],
        contact_id=[r[1] for r in rows],
        errors=[r[2] for r in rows],
    )
    slow = [BatchUpsertItem(email=e, contact_id=c, errors=t) for e, c, t in rows]
    assert fast == slow
    assert [hash(i) for i in fast] == [hash(i) for i in slow]
    assert [repr(i) for i in fast] == [repr(i) for i in slow]
    assert all(type(i) is BatchUpsertItem for i in fast)
    for item in fast:
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            item.email = "x"  # type: ignore[misc]


@attrs.frozen
class _Converted:
    a: str = attrs.field(converter=str)


@attrs.frozen
class _Validated:
    a: str = attrs.field(validator=attrs.validators.instance_of(str))


@attrs.frozen
class _PostInit:
    a: str

    def __attrs_post_init__(self) -> None:
        pass


@attrs.frozen(slots=False)
class _NotSlotted:
    a: str


@pytest.mark.parametrize("cls", [_Converted, _Validated, _PostInit, _NotSlotted])
def test_bulk_builder_refuses_a_class_whose_init_does_more(cls: type) -> None:
    """A class whose ``__init__`` would do more than store cannot be built in bulk."""
    with pytest.raises(TypeError, match="does more than store"):
        bulk_builder(cls)


def test_bulk_builder_wants_every_column() -> None:
    """A column missing or unknown is refused, never left unset."""
    build = bulk_builder(BatchUpsertItem)
    with pytest.raises(TypeError, match="a column for each"):
        build(1, email=["a"], contact_id=[None])


# --- reading a chunk's outcomes -------------------------------------------------------------


def _reference_outcomes(
    envelope: Mapping[str, Any], *, checked: Sequence[CheckedUpsert], indexes: Sequence[int]
) -> tuple[Sequence[int], list[BatchUpsertItem]]:
    """``_batch_items`` as it was before issue 17: one item at a time (the reference)."""
    raw_ids = envelope.get("contactIds") or {}
    if not isinstance(raw_ids, Mapping):
        raise TypeError("contactIds: expected an object of e-mail -> id")
    emails = [values[0] for values in checked]
    errors = writes._item_errors(envelope, emails)
    normalized: dict[str, str] | None = None
    items: list[BatchUpsertItem] = []
    for position, (email, new_email, _, _) in enumerate(checked):
        key = email if new_email is None else new_email
        raw = raw_ids.get(key)
        if raw:
            contact_id: str | None = str(raw)
        else:
            if normalized is None:
                normalized = {str(k).strip().lower(): str(v) for k, v in raw_ids.items() if v}
            contact_id = normalized.get(key.lower())
        if contact_id is not None and position not in errors:
            items.append(BatchUpsertItem(email=email, contact_id=contact_id))
        else:
            texts = errors.get(position) or ["the platform returned no contact id for this item"]
            caller = tuple(renumber_item_refs(t, "upsertDetails", indexes) for t in texts)
            items.append(BatchUpsertItem(email=email, errors=caller))
    return indexes, items


_ADDRESSES = st.sampled_from(["a@x.pl", "B@x.pl", "c@x.pl", "d@y.pl", "E@y.pl"])


@st.composite
def _chunk_and_answer(draw: st.DrawFn) -> tuple[list[CheckedUpsert], list[int], dict[str, Any]]:
    checked: list[CheckedUpsert] = [
        (email, draw(st.none() | _ADDRESSES), (), ())
        for email in draw(st.lists(_ADDRESSES, max_size=8))
    ]
    start = draw(st.integers(0, 2000))
    indexes = sorted(
        draw(st.sets(st.integers(start, start + 40), min_size=len(checked), max_size=len(checked)))
    )
    spelled = st.sampled_from([str, str.upper, str.lower, lambda k: f" {k} "])
    ids = draw(
        st.dictionaries(
            st.builds(lambda k, f: f(k), _ADDRESSES, spelled),
            st.sampled_from(["id-1", "ID-2", "", None, 0, 7, "id-3"]),
            max_size=8,
        )
    )
    answer: dict[str, Any] = {"success": True, "contactIds": ids}
    if draw(st.booleans()):
        answer["failures"] = draw(
            st.dictionaries(
                st.sampled_from(["0", "1", "3", "9", "a@x.pl", " B@X.PL", "nobody@z.pl"]),
                st.sampled_from([["bad"], "worse", [], ["upsertDetails[1].contact is wrong"]]),
                max_size=3,
            )
        )
    if draw(st.booleans()):
        answer["message"] = draw(
            st.lists(
                st.sampled_from(
                    ["upsertDetails[0].contact.email bad", "upsertDetails[2] refused", "other"]
                ),
                max_size=3,
            )
        )
    return checked, indexes, answer


@settings(max_examples=400, deadline=None)
@given(case=_chunk_and_answer())
def test_outcomes_read_by_columns_equal_the_item_by_item_reading(
    case: tuple[list[CheckedUpsert], list[int], dict[str, Any]],
) -> None:
    """Every item's e-mail, id and texts as the item-by-item reading gave them (§5.2)."""
    checked, indexes, answer = case
    assert writes._batch_items(answer, checked=checked, indexes=indexes) == _reference_outcomes(
        answer, checked=checked, indexes=indexes
    )


def test_contact_ids_that_are_not_an_object_are_refused_alike() -> None:
    """A ``contactIds`` that is not an object is a TypeError, as before."""
    with pytest.raises(TypeError, match="contactIds"):
        writes._batch_items({"contactIds": ["x"]}, checked=[("a@x.pl", None, (), ())], indexes=[0])


# --- planning ----------------------------------------------------------------------------------

_ITEMS = st.lists(
    st.builds(
        ContactUpsert,
        email=st.sampled_from(["a@x.pl", " b@x.pl", "bad", "c@x.pl"]),
        tags=st.sampled_from([(), ("VIP",), ("a,b",)]),
    ),
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(items=_ITEMS, chunk_size=st.integers(1, 5))
def test_planning_checks_like_the_one_by_one_check(
    items: list[ContactUpsert], chunk_size: int
) -> None:
    """The values sent and the refusals are those of checking each item on its own."""
    checked, refused = writes._check_each(items)
    chunks, merge = writes._plan(items, chunk_size)
    assert [c for chunk in chunks for c in chunk.checked] == checked
    sent = [i for chunk in chunks for i in chunk.indexes]
    assert sent == [i for i in range(len(items)) if i not in refused]
    assert [items[i] for i in sent] == [item for chunk in chunks for item in chunk.items]
    assert merge([]).items == tuple(refused[i] for i in sorted(refused))
    if not refused:
        assert checked == [check_upsert(item) for item in items]


# --- encoding ------------------------------------------------------------------------------------


def test_a_value_holding_itself_fails_before_anything_is_sent() -> None:
    """Without the circular check the encoder still stops (RecursionError): nothing sent."""
    sent: list[httpx.Request] = []
    client = SalesManago(
        client_id="c",
        api_secret="s",
        owner="o@example.com",
        endpoint="http://x.local",
        transport=httpx.MockTransport(lambda r: sent.append(r) or httpx.Response(500)),
        max_retries=0,
    )
    loop: list[Any] = []
    loop.append(loop)
    item = ContactUpsert(email="a@example.com", properties={"a": loop})  # type: ignore[dict-item]
    with pytest.raises((RecursionError, ValueError)):
        client.contacts.batch_upsert([item])
    assert sent == []
