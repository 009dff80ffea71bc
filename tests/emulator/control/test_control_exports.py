"""The export jobs' control operations (protocol §6): ``jobs`` and ``jobs/configure``.

How raw JSON and the SDK see the polls is in ``tests/emulator/routes/test_routes_exports.py``
and ``tests/sdk/areas/test_area_exports.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
from control_helpers import ok, signed_a
from routes_helpers import A_ID, A_OWNER, B_ID, Api
from server_helpers import request

from salesmanago_emulator import Emulator, EmulatorServer
from salesmanago_emulator.control import ControlError

EXPORT = "contact/paginatedContactList/export"
STATUS = "job/status"


def test_control_jobs_configure_and_list(emu: Emulator, api: Api) -> None:
    """/_emulator/jobs/configure sets pollsUntilDone (and processingSeconds) of the named
    account; /_emulator/jobs lists the settings and the jobs' polls (no tokens)."""
    answer = emu.control("jobs/configure", {"clientId": A_ID, "pollsUntilDone": 2})
    assert answer == {"pollsUntilDone": 2, "processingSeconds": 0.0}
    assert emu.account(A_ID).exports.polls_until_done == 2
    assert emu.account(B_ID).exports.polls_until_done == 0
    request_id = api.ok(EXPORT, page=0, size=10)["requestId"]
    api.ok(STATUS, requestId=request_id)
    listed = emu.control("jobs", {"clientId": A_ID})
    assert listed["pollsUntilDone"] == 2
    (job,) = listed["jobs"]
    assert (job["requestId"], job["pollsNeeded"], job["polls"], job["done"]) == ("1", 2, 1, False)
    assert "token" not in job
    assert "content" not in job
    both = emu.control("jobs/configure", {"pollsUntilDone": "0", "processingSeconds": 1.5})
    assert both == {"pollsUntilDone": 0, "processingSeconds": 1.5}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Give pollsUntilDone and/or processingSeconds"),
        ({"pollsUntilDone": -1}, "Field 'pollsUntilDone' must be 0 or more"),
        ({"pollsUntilDone": "x"}, "Field 'pollsUntilDone' must be an integer"),
        ({"pollsUntilDone": 1, "processingSeconds": -2}, "must be 0 or more"),
    ],
)
def test_control_jobs_configure_refusals_change_nothing(
    emu: Emulator, body: dict[str, Any], message: str
) -> None:
    with pytest.raises(ControlError, match=message) as caught:
        emu.control("jobs/configure", body)
    assert caught.value.status == 400
    assert emu.account(A_ID).exports.polls_until_done == 0


def test_control_jobs_unknown_account_is_404(emu: Emulator) -> None:
    with pytest.raises(ControlError) as caught:
        emu.control("jobs/configure", {"clientId": "nope", "pollsUntilDone": 1})
    assert caught.value.status == 404


# --- ``/_emulator/jobs`` shows import jobs (``contact/batchupsertv2``) with ``import``: ----------


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
