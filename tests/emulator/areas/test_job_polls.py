"""Export jobs that complete after a configurable number of ``job/status`` polls
(protocol §6 exports and ``job/status``; grade D emulator timing), from Python, raw
JSON and the SDK (sync and async, with injected sleeps); the control operations are in
``tests/emulator/control/test_control_exports.py``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from routes_helpers import A_ID, B_ID, URL, Api

from salesmanago import ContactUpsert, ExportDataType, ExportTimeoutError
from salesmanago_emulator import Account, Emulator, FrozenClock

EXPORT = "contact/paginatedContactList/export"
STATUS = "job/status"
STATUS_PATH = "/api/job/status"


def _status_calls(emu: Emulator) -> list[Any]:
    return [c for c in emu.calls if c.path == STATUS_PATH]


# --- the area and raw JSON ---------------------------------------------------------


def test_polls_until_done_default_is_zero_and_checked(account_a: Account) -> None:
    assert account_a.exports.polls_until_done == 0
    for bad in (-1, 1.5, True, "2"):
        with pytest.raises(ValueError, match="polls_until_done"):
            account_a.exports.polls_until_done = bad  # type: ignore[assignment]
    assert account_a.exports.polls_until_done == 0


@pytest.mark.parametrize("n", [0, 1, 3])
def test_first_n_polls_answer_in_progress_then_the_file(
    api: Api, account_a: Account, n: int
) -> None:
    """§6 job/status: with polls_until_done = n, polls 1..n answer a progress text and no
    fileUrl (the file is not served either); poll n+1 and later give the fileUrl."""
    account_a.exports.polls_until_done = n
    api.ok("contact/upsert", contact={"email": "ann@example.com"})
    request_id = api.ok(EXPORT, page=0, size=10)["requestId"]
    job = account_a.exports.job(request_id)
    path = f"/api/job/file/{A_ID}/{request_id}/{job.token}"
    for _ in range(n):
        running = api.ok(STATUS, requestId=request_id)
        assert running["message"] == [f"Export {request_id} in progress"]
        assert "fileUrl" not in running
        assert api.http.get(URL + path).status_code == 404
    assert api.ok(STATUS, requestId=request_id)["fileUrl"] == path
    assert api.ok(STATUS, requestId=request_id)["fileUrl"] == path
    assert account_a.exports.polls(job) == n + 2
    assert api.http.get(URL + path).json()["contacts"][0]["email"] == "ann@example.com"


def test_polls_and_processing_time_must_both_hold(
    api: Api, account_a: Account, clock: FrozenClock
) -> None:
    """A job is done when its processing time has passed *and* more than n polls came:
    polls made while the clock has not reached it still count."""
    account_a.exports.polls_until_done = 1
    account_a.exports.processing_time = timedelta(seconds=10)
    request_id = api.ok(EXPORT, page=0, size=10)["requestId"]
    assert "fileUrl" not in api.ok(STATUS, requestId=request_id)  # poll 1: n not passed
    assert "fileUrl" not in api.ok(STATUS, requestId=request_id)  # poll 2: clock not there
    clock.advance(timedelta(seconds=10))
    assert "fileUrl" in api.ok(STATUS, requestId=request_id)


def test_settings_apply_to_jobs_started_afterwards(api: Api, account_a: Account) -> None:
    """A job keeps the polls it needed at its start; changing the setting later does
    not move it. Refused polls (unknown id) count for no job."""
    first = api.ok(EXPORT, page=0, size=10)["requestId"]
    account_a.exports.polls_until_done = 2
    second = api.ok(EXPORT, page=0, size=10)["requestId"]
    assert api.fail(STATUS, requestId="99")
    assert "fileUrl" in api.ok(STATUS, requestId=first)
    assert "fileUrl" not in api.ok(STATUS, requestId=second)
    account_a.exports.polls_until_done = 0
    assert "fileUrl" not in api.ok(STATUS, requestId=second)
    assert "fileUrl" in api.ok(STATUS, requestId=second)


def test_s1_2_polls_count_per_account(api: Api, api_b: Api, emu: Emulator) -> None:
    """S1.2: the setting and the poll counts belong to one account."""
    emu.account(A_ID).exports.polls_until_done = 1
    a_job = api.ok(EXPORT, page=0, size=10)["requestId"]
    b_job = api_b.ok(EXPORT, page=0, size=10)["requestId"]
    assert a_job == b_job == "1"
    assert "fileUrl" in api_b.ok(STATUS, requestId=b_job)
    assert "fileUrl" not in api.ok(STATUS, requestId=a_job)
    assert emu.account(B_ID).exports.polls_until_done == 0


def test_polls_survive_the_snapshot_and_reset_keeps_the_setting(
    api: Api, emu: Emulator, account_a: Account
) -> None:
    """The state export keeps the setting, each job's needed polls and its count."""
    account_a.exports.polls_until_done = 2
    request_id = api.ok(EXPORT, page=0, size=10)["requestId"]
    api.ok(STATUS, requestId=request_id)
    saved = emu.export_state()
    state = next(a for a in saved["accounts"] if a["clientId"] == A_ID)["exports"]
    assert state["pollsUntilDone"] == 2
    assert (state["jobs"][0]["pollsNeeded"], state["jobs"][0]["polls"]) == (2, 1)
    account_a.exports.polls_until_done = 0
    account_a.exports.reset()
    assert account_a.exports.polls_until_done == 0
    emu.import_state(saved)
    assert emu.account(A_ID).exports.polls_until_done == 2
    assert "fileUrl" not in api.ok(STATUS, requestId=request_id)  # poll 2
    assert "fileUrl" in api.ok(STATUS, requestId=request_id)  # poll 3


def test_whole_emulator_state_round_trip_keeps_poll_counts(emu: Emulator, api: Api) -> None:
    emu.account(A_ID).exports.polls_until_done = 1
    request_id = api.ok(EXPORT, page=0, size=10)["requestId"]
    api.ok(STATUS, requestId=request_id)
    state = emu.export_state()
    api.ok(STATUS, requestId=request_id)
    emu.import_state(state)
    jobs = emu.account(A_ID).exports
    assert jobs.polls(jobs.job(request_id)) == 1
    assert jobs.polls_until_done == 1


# --- through the SDK ---------------------------------------------------------------


@pytest.mark.parametrize("n", [0, 2, 4])
def test_sdk_export_polls_exactly_n_plus_one_times(emu: Emulator, n: int) -> None:
    """The SDK's waiting export polls until the file is there: n + 1 status polls (in
    the emulator's call log), n waits (injected: no real sleep), one file download."""
    emu.control("jobs/configure", {"clientId": A_ID, "pollsUntilDone": n})
    waits: list[float] = []
    with emu.client(A_ID, sleep=waits.append) as client:
        client.contacts.upsert(ContactUpsert(email="ann@example.com"))
        emails = [c.email for c in client.exports.contacts(poll_interval=1.0)]
    assert emails == ["ann@example.com"]
    statuses = _status_calls(emu)
    assert len(statuses) == n + 1
    assert [c.response.get("fileUrl") is None for c in statuses] == [True] * n + [False]
    assert len(waits) == n
    assert len([c for c in emu.calls if c.method == "GET"]) == 1


async def test_async_sdk_export_polls_exactly_n_plus_one_times(emu: Emulator) -> None:
    emu.account(A_ID).exports.polls_until_done = 3
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async with emu.async_client(A_ID, sleep=sleep) as client:
        await client.contacts.upsert(ContactUpsert(email="ann@example.com"))
        file = await client.exports.contact_data(
            ["ann@example.com"], [ExportDataType.CONTACT], poll_interval=1.0
        )
    assert [c["email"] for c in file.json()["contacts"]] == ["ann@example.com"]
    assert len(_status_calls(emu)) == 4
    assert waits == [1.0, 1.5, 2.25]


def test_sdk_export_of_a_job_that_never_completes_times_out(emu: Emulator) -> None:
    """A job that never completes -> ExportTimeoutError naming its requestId once the
    deadline is spent; the injected sleep returns at once, so the test does not wait."""
    emu.account(A_ID).exports.polls_until_done = 1_000_000
    waits: list[float] = []
    with (
        emu.client(A_ID, sleep=waits.append) as client,
        pytest.raises(ExportTimeoutError) as caught,
    ):
        list(client.exports.contacts(deadline=10.0, poll_interval=1.0))
    assert caught.value.request_id == "1"
    assert caught.value.deadline == 10.0
    assert caught.value.messages == ("Export 1 in progress",)
    assert sum(waits) == pytest.approx(10.0)
    assert len(_status_calls(emu)) == len(waits) + 1
    assert not [c for c in emu.calls if c.method == "GET"]


async def test_async_sdk_export_of_a_job_that_never_completes_times_out(
    emu: Emulator,
) -> None:
    emu.account(A_ID).exports.polls_until_done = 1_000_000
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async with emu.async_client(A_ID, sleep=sleep) as client:
        with pytest.raises(ExportTimeoutError) as caught:
            await client.exports.contact_data(
                ["ann@example.com"], [ExportDataType.CONTACT], deadline=5.0, poll_interval=2.0
            )
    assert caught.value.request_id == "1"
    assert sum(waits) == pytest.approx(5.0)
    assert len(_status_calls(emu)) == len(waits) + 1
