"""Memory per contact: the state layer must hold a million cards (<= 2 KiB each); a
budget of the card, its store and indexes together."""

from __future__ import annotations

import gc
import tracemalloc
from datetime import datetime, timedelta, timezone

from state_helpers import OWNER

from salesmanago_emulator.clock import FrozenClock
from salesmanago_emulator.state import Account, ContactWrite

BUDGET = 2048


def test_perf_contact_with_3_tags_and_3_details_fits_in_2_kib() -> None:
    clock = FrozenClock(datetime(2026, 1, 15, tzinfo=timezone.utc))
    account = Account("c", "s", [OWNER], clock=clock)
    count = 5_000
    writes = [
        ContactWrite(
            email=f"customer.{i}@example{i % 7}.com",
            name=f"Jan Kowalski {i}",
            phone=f"+48600{i:06d}",
            tags=("vip", "newsletter", f"segment_{i % 20}"),
            properties={"size": str(40 + i % 10), "color": "red", "loyalty_id": f"L{i:08d}"},
        )
        for i in range(count)
    ]
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i, write in enumerate(writes):
            if i % 100 == 0:
                clock.advance(timedelta(seconds=1))
            account.contacts.upsert(write, OWNER)
        used = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    per_contact = used / count
    assert account.count() == count
    assert per_contact <= BUDGET, f"{per_contact:.0f} bytes per contact"
