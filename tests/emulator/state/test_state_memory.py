"""Memory per contact: the state layer must hold a million cards (<= 2 KiB each)."""

from __future__ import annotations

import gc
import tracemalloc
import uuid
from datetime import datetime, timedelta, timezone

from salesmanago_emulator.clock import FrozenClock
from salesmanago_emulator.state import Account, ContactWrite

OWNER = "owner@shop.pl"
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


def test_s2_4_ids_are_distinct_lower_case_uuid4(account: Account) -> None:
    ids = {
        account.contacts.upsert(ContactWrite(email=f"u{i}@example.com"), OWNER).id
        for i in range(500)
    }
    assert len(ids) == 500
    for contact_id in ids:
        parsed = uuid.UUID(contact_id)
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122
        assert str(parsed) == contact_id
