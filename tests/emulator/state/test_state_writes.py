"""Checking a write as a whole (``prepare_write``) and the routes' sparse writes (``of``).

A write the routes build with :meth:`ContactWrite.of` holds only the fields sent;
the account must treat it exactly like the full write with the same fields
(S2.2: update changes only the fields sent, whichever way the write was made).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesmanago_emulator.errors import InvalidField
from salesmanago_emulator.state import ContactWrite
from salesmanago_emulator.state._card import Birthday
from salesmanago_emulator.state._writes import PreparedWrite, prepare_write

NOW = datetime(2026, 1, 15, 10, tzinfo=timezone.utc)
CONSENTS = {"marketing": "Marketing"}

# Valid and invalid values per field: every branch of prepare_write's first pass
# (e-mails, strings, state, birthday) and a few of the second (tags, flags, details).
_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "email": st.sampled_from(["a@example.com", "  B@Example.COM ", "not-an-email", "", 5]),
    "name": st.sampled_from(["Jan", "", 5]),
    "phone": st.sampled_from(["+48600100200", 7]),
    "company": st.sampled_from(["ACME", ["ACME"]]),
    "city": st.sampled_from(["Kraków", 1.5]),
    "country": st.sampled_from(["PL", None]),
    "province": st.sampled_from(["małopolskie", True]),
    "lang": st.sampled_from(["pl", 3]),
    "state": st.sampled_from(["customer", " PARTNER ", "bogus", 3]),
    "birthday": st.just(Birthday(year=None, month=2, day=29)),
    "new_email": st.sampled_from(["c@example.com", "bad@", 9]),
    "tags": st.sampled_from([("vip",), ("a b", "Żółw"), ("",)]),
    "remove_tags": st.sampled_from([("old",), ("vip",)]),
    "tag_scoring": st.booleans(),
    "properties": st.sampled_from([{"size": "42"}, {"": "x"}, {"size": 42}]),
    "force_opt_in": st.booleans(),
    "force_opt_out": st.booleans(),
    "force_phone_opt_out": st.booleans(),
}
_ORDER = [field.name for field in attrs.fields(ContactWrite)]


def _outcome(write: ContactWrite, *, require_email: bool) -> PreparedWrite | str:
    try:
        return prepare_write(write, CONSENTS, NOW, require_email=require_email)
    except InvalidField as error:
        return str(error)


@st.composite
def _fields(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.sets(st.sampled_from(sorted(_VALUES))))
    values = {name: draw(_VALUES[name]) for name in names}
    # in the class's field order, as ContactWrite(**fields) holds them
    return {name: values[name] for name in _ORDER if values.get(name) is not None}


@settings(max_examples=300, derandomize=True)
@given(fields=_fields(), require_email=st.booleans())
def test_s2_2_a_sparse_write_is_prepared_like_the_full_write(
    fields: dict[str, Any], require_email: bool
) -> None:
    sparse = ContactWrite.of(fields)
    full = ContactWrite(**fields)
    assert sparse == full
    assert _outcome(sparse, require_email=require_email) == _outcome(
        full, require_email=require_email
    )


def test_a_sparse_write_holds_only_the_fields_sent_and_reads_none_for_the_rest() -> None:
    write = ContactWrite.of({"email": "a@example.com", "name": "Jan"})
    assert vars(write) == {"email": "a@example.com", "name": "Jan"}
    assert write.phone is None
    assert write.tags is None
    assert write.consent_details is None
    assert write == ContactWrite(email="a@example.com", name="Jan")
    assert "name='Jan'" in repr(write)
    assert "phone=None" in repr(write)


def test_s2_1_a_missing_email_is_named_before_any_other_field() -> None:
    write = ContactWrite.of({"name": 5, "state": "bogus"})
    with pytest.raises(InvalidField) as caught:
        prepare_write(write, CONSENTS, NOW, require_email=True)
    assert caught.value.field == "contact.email"
    assert caught.value.rule == "is required"


def test_errors_follow_the_order_the_write_holds_its_fields() -> None:
    first_state = ContactWrite.of({"state": "bogus", "name": 5})
    first_name = ContactWrite.of({"name": 5, "state": "bogus"})
    fields = []
    for write in (first_state, first_name):
        with pytest.raises(InvalidField) as caught:
            prepare_write(write, CONSENTS, NOW, require_email=False)
        fields.append(caught.value.field)
    assert fields == ["contact.state", "contact.name"]


def test_a_write_with_only_first_pass_fields_has_nothing_else_prepared() -> None:
    prepared = prepare_write(
        ContactWrite.of({"email": "A@Example.com", "name": "Jan", "state": "customer"}),
        CONSENTS,
        NOW,
        require_email=True,
    )
    assert prepared == PreparedWrite(
        "a@example.com",
        None,
        (("name", "Jan"), ("state", "CUSTOMER")),
        (),
        (),
        False,
        (),
        (),
        (),
        None,
        None,
    )


_FIRST_PASS = ["email", "name", "phone", "company", "city", "country", "province", "lang"]
_FIRST_PASS += ["state", "birthday", "new_email"]


@settings(max_examples=200, derandomize=True)
@given(fields=_fields())
def test_a_first_pass_write_is_prepared_as_the_general_path_prepares_it(
    fields: dict[str, Any],
) -> None:
    """The hot path (a write of first-pass fields only: e-mails, strings, state, birthday)
    builds its PreparedWrite without the NamedTuple's constructor; adding ``tag_scoring=False``
    (which changes nothing prepared) sends the same write through the general path, and
    both give the same PreparedWrite, of the same type, or the same refusal."""
    plain = {name: value for name, value in fields.items() if name in _FIRST_PASS}
    hot = _outcome(ContactWrite.of(plain), require_email=False)
    general = _outcome(ContactWrite.of({**plain, "tag_scoring": False}), require_email=False)
    assert hot == general
    assert type(hot) is type(general)
