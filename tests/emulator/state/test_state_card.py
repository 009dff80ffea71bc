"""The card (ContactRecord): the per-card slot where areas keep their data."""

from __future__ import annotations

import pytest
from state_helpers import upsert

from salesmanago_emulator.state import (
    Account,
    ContactRecord,
    TagEntry,
    _card,
)
from salesmanago_emulator.state._card import COMMON_VALUE_LENGTH, common_value


def test_extensions_slot_for_later_areas(account: Account) -> None:
    record = upsert(account)
    assert record.extensions == {}
    assert record.extension("notes") is None
    record.set_extension("notes", ["n1"])
    assert record.extension("notes") == ["n1"]
    record.set_extension("notes", None)
    assert record.extensions == {}


# --- memory: rarely-set fields, shared values and entries (issue 17) ---------------------


def test_card_fields_names_every_plain_attribute_readable_and_writable(account: Account) -> None:
    """``ContactRecord.FIELDS`` names each plain attribute once; a fresh card reads
    each, and a rarely-set field holds what is written and goes back to ``None``."""
    record = upsert(account)
    assert len(set(ContactRecord.FIELDS)) == len(ContactRecord.FIELDS)
    plain = {name: getattr(record, name) for name in ContactRecord.FIELDS}
    assert plain["phone"] is None
    assert plain["last_visit"] is None
    assert plain["state"] == "PROSPECT"
    assert plain["opted_out"] is True
    public_slots = {s for s in ContactRecord.__slots__ if not s.startswith("_")}
    assert public_slots <= set(ContactRecord.FIELDS)
    record.fax = "+48 22 000"
    assert record.fax == "+48 22 000"
    record.fax = None
    assert record.fax is None


def test_card_without_rarely_set_fields_holds_no_holder(account: Account) -> None:
    """Setting a rarely-set field to ``None`` on a card without any costs nothing (it
    keeps the shared all-``None`` holder); the first value makes the card's own holder,
    and the shared one stays all ``None``."""
    record = upsert(account, name="Jan")
    assert record._rare is _card._NO_RARE
    record.city = None
    assert record._rare is _card._NO_RARE
    record.city = "Kraków"
    assert record._rare is not _card._NO_RARE
    assert record.city == "Kraków"
    other = upsert(account, "other@example.com")
    assert other.city is None
    assert other._rare is _card._NO_RARE
    assert _card._NO_RARE.city is None  # nothing written through to the shared holder


def test_s6_1_equal_short_detail_values_are_one_object_on_every_card(account: Account) -> None:
    """Two cards with the same short detail value hold one string; a long one is kept
    as given (its text equal either way)."""
    long_value = "x" * (COMMON_VALUE_LENGTH + 1)
    first = upsert(account, "a@example.com", properties={"size": "4" + "2", "note": long_value})
    second = upsert(
        account, "b@example.com", properties={"size": "".join(["4", "2"]), "note": "x" * 33}
    )
    assert first.properties["size"] == second.properties["size"] == "42"
    assert first.properties["size"] is second.properties["size"]
    assert second.properties["note"] == long_value
    assert second.properties["note"] is not first.properties["note"]


def test_common_value_table_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past `COMMON_VALUES` distinct values the table stops growing; values are kept as given."""
    table: dict[str, str] = {}
    monkeypatch.setattr(_card, "_common_values", table)
    monkeypatch.setattr(_card, "COMMON_VALUES", 3)
    for i in range(10):
        assert common_value(f"v{i}") == f"v{i}"
    assert list(table) == ["v0", "v1", "v2"]
    late = "".join(["v", "9"])
    assert common_value(late) is late  # not in the table: kept as given


def test_s4_2_tags_put_on_at_one_instant_share_one_entry(account: Account) -> None:
    """New tags at one instant (a batch) share one immutable entry across cards; a later
    instant or another score gets its own, equal to a fresh one."""
    first = upsert(account, "a@example.com", tags=("A", "B"))
    second = upsert(account, "b@example.com", tags=("A",))
    assert first.tags["A"] is first.tags["B"] is second.tags["A"]
    third = upsert(account, "c@example.com", tags=("A",), tag_scoring=True)
    assert third.tags["A"].score == 1
    assert first.tags["A"].score == 0
    assert third.tags["A"] == TagEntry(1, first.tags["A"].created_on)
