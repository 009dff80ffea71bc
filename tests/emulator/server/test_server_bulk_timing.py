"""Batch calls against ``serve`` answer within the official library's timeout (protocol §14).

SSO ``ExportControllerTest`` sends 100 contacts and 101 events in one call each and
expects answers well within 2 s, the official library's default timeout. Each call
here is timed on its own against an :class:`EmulatorServer` over a real socket and
must answer in under 2 s: a generous functional bound (a slow CI machine passes it
by a wide margin), not a benchmark — ``bench/`` measures speed.
"""

from __future__ import annotations

import time
from typing import Any

from server_helpers import request, signed

from salesmanago_emulator import Emulator, EmulatorServer

BOUND_SECONDS = 2.0
"""The official library's default timeout (protocol §14)."""


def _timed(server: EmulatorServer, path: str, body: dict[str, Any]) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    status, envelope = request(server.url, path, body)
    elapsed = time.perf_counter() - started
    assert status == 200
    return elapsed, envelope


def test_protocol_14_batch_of_100_contacts_and_101_events_each_within_2_s(
    server: EmulatorServer, emu: Emulator
) -> None:
    details = [
        {
            "contact": {"email": f"buyer{i}@example.com", "name": f"Buyer {i}", "phone": "+48 600"},
            "tags": ["IMPORT", f"BATCH_{i % 7}"],
            "properties": {"source": "shop", "rank": str(i)},
        }
        for i in range(100)
    ]
    elapsed, envelope = _timed(server, "/api/contact/batchupsertv2", signed(upsertDetails=details))
    assert envelope["success"] is True, envelope
    assert elapsed < BOUND_SECONDS, f"batchupsertv2 of 100 took {elapsed:.2f} s"
    elapsed, status = _timed(server, "/api/job/status", signed(requestId=envelope["requestId"]))
    assert "fileUrl" in status, status
    assert elapsed < BOUND_SECONDS, f"the poll applying 100 contacts took {elapsed:.2f} s"
    assert emu.account("server-client").count() == 100

    events = [
        {
            "email": f"buyer{i % 100}@example.com",
            "contactEvent": {
                "contactExtEventType": "PURCHASE",
                "date": 1_768_471_200_000 + i,
                "value": "19.99",
                "products": f"P{i}",
                "externalId": f"order-{i}",
            },
        }
        for i in range(101)
    ]
    elapsed, envelope = _timed(
        server, "/api/contact/batchAddContactExtEvent", signed(events=events)
    )
    assert envelope["success"] is True, envelope
    assert envelope["createdAmount"] == 101
    assert elapsed < BOUND_SECONDS, f"batchAddContactExtEvent of 101 took {elapsed:.2f} s"
