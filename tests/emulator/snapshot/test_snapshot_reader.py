"""The one typed reader of snapshot data: each read refuses by path, with the problem."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import pytest

from salesmanago_emulator.errors import InvalidField
from salesmanago_emulator.snapshot import SnapshotError
from salesmanago_emulator.snapshot._reader import Unique, Value, refusing
from salesmanago_emulator.state._normalize import check_text

PATH = "accounts[0].notes[3].priv"


def refused(read: Callable[[Value], object], raw: object) -> str:
    """The problem ``read`` finds in ``raw`` read at PATH (the path is checked)."""
    with pytest.raises(SnapshotError) as caught:
        read(Value(raw, PATH))
    assert caught.value.path == PATH
    assert str(caught.value) == f"bad emulator state at {PATH}: {caught.value.problem}"
    return caught.value.problem


def test_snapshot_error_is_a_value_error_naming_path_and_problem() -> None:
    error = SnapshotError(PATH, "must be true or false")
    assert isinstance(error, ValueError)
    assert f"{PATH}: must be true or false" in str(error)


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("false", "must be true or false (got the string 'false')"),
        (0, "must be true or false (got the number 0)"),
        (None, "must be true or false (got null)"),
        ([], "must be true or false (got a list)"),
        ({}, "must be true or false (got an object)"),
    ],
)
def test_boolean(raw: object, problem: str) -> None:
    assert Value(True, PATH).boolean() is True
    assert refused(Value.boolean, raw) == problem


def test_text() -> None:
    assert Value(" x ", PATH).text() == " x "
    assert refused(Value.text, 5) == "must be a string (got the number 5)"
    assert refused(lambda v: v.text(blank=False), "  ") == "must not be empty"
    long = refused(Value.integer, "x" * 50)  # what was found is shown cut to 40 characters
    assert long == f"must be an integer (got the string {'x' * 40 + '...'!r})"


def test_integer_in_the_wire_s_range() -> None:
    assert Value(10**39, PATH).integer() == 10**39
    assert Value(-(10**39), PATH).integer() == -(10**39)
    assert refused(Value.integer, 10**100) == (
        "must have at most 40 digits, as the wire's numbers (got 101)"
    )
    assert refused(Value.integer, True) == "must be an integer (got true)"
    assert refused(Value.integer, 1.0) == "must be an integer (got the number 1.0)"
    assert refused(Value.integer, Decimal("1")) == "must be an integer (got the number 1)"
    assert refused(lambda v: v.integer(minimum=0), -1) == "must be at least 0 (got -1)"
    assert refused(lambda v: v.integer(maximum=9), 10) == "must be at most 9 (got 10)"


def test_number_is_exact_and_bounded() -> None:
    assert Value(Decimal("12345678901234567.89"), PATH).number() == Decimal("12345678901234567.89")
    assert Value(1.5, PATH).number() == Decimal("1.5")
    assert Value(3, PATH).number() == Decimal(3)
    assert refused(Value.number, Decimal("NaN")).startswith("must be a finite number")
    assert refused(Value.number, float("inf")).startswith("must be a finite number")
    assert refused(Value.number, Decimal("1E+100")).startswith("must have at most 40 digits")
    assert refused(Value.number, "1").startswith("must be a finite number")
    assert (
        refused(lambda v: v.number(minimum=0), Decimal("-0.5")) == "must be at least 0 (got -0.5)"
    )


def test_money_is_a_decimal_string() -> None:
    assert str(Value("10.50", PATH).money()) == "10.50"
    assert refused(Value.money, 10.5).startswith("must be a string")
    for bad in ("ten", "Infinity", "NaN", " 1", ""):
        assert refused(Value.money, bad).startswith("must be a decimal number written as a string")
    assert refused(Value.money, "1E+1") == (
        "must be written '10', as the platform stores it (got '1E+1')"
    )
    assert refused(Value.money, "+5").startswith("must be written '5'")


def test_instant_is_aware_and_in_utc() -> None:
    when = Value("2026-01-15T11:00:00+01:00", PATH).instant()
    assert when == datetime(2026, 1, 15, 10, tzinfo=timezone.utc)
    assert when.tzinfo is timezone.utc
    assert Value("2026-01-15T10:00:00Z", PATH).instant() == when
    assert refused(Value.instant, "2026-01-15T10:00:00") == (
        "must be a timezone-aware instant (got '2026-01-15T10:00:00')"
    )
    assert refused(Value.instant, "soon") == "must be an ISO-8601 date-time (got the string 'soon')"
    assert refused(Value.instant, 1768471200000).startswith("must be a string")


def test_one_of_is_exact() -> None:
    assert Value("A", PATH).one_of(("A", "B")) == "A"
    assert refused(lambda v: v.one_of(("A", "B")), "a") == "must be one of A, B (got 'a')"


def test_email_and_tag_in_stored_form() -> None:
    assert Value("jan@example.com", PATH).email() == "jan@example.com"
    assert refused(Value.email, "not-an-email") == "must be a valid e-mail address"
    assert refused(Value.email, "w1@@x.example.com") == "must be a valid e-mail address"
    assert refused(Value.email, "Jan@Example.com") == (
        "must be written 'jan@example.com', as the platform stores it (got 'Jan@Example.com')"
    )
    assert Value("ZOLTY_KOT_", PATH).tag() == "ZOLTY_KOT_"
    assert refused(Value.tag, "lower case!") == (
        "must be written 'LOWER_CASE_', as the platform stores it (got 'lower case!')"
    )
    assert refused(Value.tag, "żółty kot!").startswith("must be written 'ZOLTY_KOT_'")


def test_rule_runs_the_wire_s_rule_with_the_path_as_field() -> None:
    assert Value("note", PATH).rule(check_text, 10) == "note"
    assert refused(lambda v: v.rule(check_text, 3), "note") == (
        "must be at most 3 characters long (got 4)"
    )
    with pytest.raises(SnapshotError) as caught, refusing():
        raise InvalidField("accounts[0].events[1].value", "is bad")
    assert (caught.value.path, caught.value.problem) == ("accounts[0].events[1].value", "is bad")


def test_fields_refuse_unknown_keys_by_name_and_read_by_name() -> None:
    fields = Value({"priv": True, "gone": None}, "accounts[0].notes[3]").fields(
        "a note", ("priv", "gone", "note")
    )
    assert fields.need("priv").boolean() is True
    assert fields.get("gone", Value.text) is None  # null is missing
    assert fields.items("note") == []
    with pytest.raises(SnapshotError) as caught:
        fields.need("note")
    assert (caught.value.path, caught.value.problem) == ("accounts[0].notes[3].note", "is required")
    with pytest.raises(SnapshotError) as caught:
        Value({"prive": True}, "accounts[0].notes[3]").fields("a note", ("priv",))
    assert caught.value.path == "accounts[0].notes[3].prive"
    assert caught.value.problem == "is not a key of a note (keys: priv)"
    assert refused(lambda v: v.fields("a note", ()), []) == "must be an object (got a list)"


def test_top_level_paths() -> None:
    with pytest.raises(SnapshotError) as caught:
        Value({"x": 1}, "").fields("a state", ())
    assert caught.value.path == "x"
    with pytest.raises(SnapshotError) as caught:
        Value(5, "").fields("a state", ())
    assert caught.value.path == "(top level)"


def test_items_and_entries_name_their_places() -> None:
    assert [v.path for v in Value([1, 2], "a").items()] == ["a[0]", "a[1]"]
    assert [(k, v.path) for k, v in Value({"k": 1}, "a").entries()] == [("k", "a.k")]
    assert refused(Value.items, {}) == "must be a list (got an object)"


def test_json_values_are_checked_all_the_way_down() -> None:
    value: Any = {"a": [1, {"b": Decimal("1.5")}], "c": None, "d": "x", "e": True}
    assert Value(value, PATH).json() is value
    with pytest.raises(SnapshotError) as caught:
        Value({"a": [1, {"b": 10**50}]}, PATH).json()
    assert caught.value.path == f"{PATH}.a[1].b"
    assert refused(Value.json, {1: "x"}) == "must have string keys"
    assert refused(Value.json, object()).startswith("must be a JSON value")


def test_unique_names_where_a_value_was_first() -> None:
    seen = Unique()
    seen.add(Value("x", "a[0]"), "x")
    seen.add(Value("y", "a[1]"), "y")
    with pytest.raises(SnapshotError) as caught:
        seen.add(Value("x", "a[2]"), "x")
    assert (caught.value.path, caught.value.problem) == ("a[2]", "repeats 'x' (already at a[0])")


def test_stored_form_of_none() -> None:
    assert refused(lambda v: v.stored(" ", None), " ") == (
        "must be left out: the platform stores none (got ' ')"
    )
