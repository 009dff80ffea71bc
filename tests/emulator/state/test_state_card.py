"""The card (ContactRecord): the per-card slot where areas keep their data."""

from __future__ import annotations

from state_helpers import upsert

from salesmanago_emulator.state import (
    Account,
)


def test_extensions_slot_for_later_areas(account: Account) -> None:
    record = upsert(account)
    assert record.extensions == {}
    assert record.extension("notes") is None
    record.set_extension("notes", ["n1"])
    assert record.extension("notes") == ["n1"]
    record.set_extension("notes", None)
    assert record.extensions == {}
