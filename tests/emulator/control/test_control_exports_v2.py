"""``/_emulator/jobs`` shows import jobs (``contact/batchupsertv2``) with ``import``:
the owner, ``fireEvents`` (recorded; no rule or workflow fires on an import in the
emulator yet) and how many items; ``null`` for an export."""

from __future__ import annotations

from control_helpers import ok, signed_a
from routes_helpers import A_ID, A_OWNER
from server_helpers import request

from salesmanago_emulator import Emulator, EmulatorServer


def test_control_jobs_lists_an_import_with_its_fire_events(
    server: EmulatorServer, emu: Emulator
) -> None:
    details = [{"contact": {"email": f"u{i}@example.com"}} for i in range(3)]
    for body in (
        signed_a(page=0, size=10),
        signed_a(upsertDetails=details, fireEvents=False),
    ):
        path = "paginatedContactList/export" if "page" in body else "batchupsertv2"
        status, envelope = request(server.url, f"/api/contact/{path}", body)
        assert (status, envelope["success"]) == (200, True), envelope
    jobs = ok(server, "jobs", {"clientId": A_ID}, method="GET")["jobs"]
    assert [(j["kind"], j["import"], j["done"]) for j in jobs] == [
        ("CONTACT_LIST", None, False),
        ("CONTACT_IMPORT", {"owner": A_OWNER, "fireEvents": False, "items": 3}, False),
    ]
    assert emu.control("jobs", {"clientId": A_ID})["jobs"] == jobs
    status, _ = request(server.url, "/api/job/status", signed_a(requestId="2"))
    assert status == 200
    (_, done) = ok(server, "jobs", {"clientId": A_ID})["jobs"]
    assert (done["polls"], done["done"]) == (1, True)
    assert emu.account(A_ID).count() == 3
