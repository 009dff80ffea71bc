"""Done when (issue 16): "a killed import resumes and ends with every row applied
exactly once".

- Property: a run crashed right after any acknowledged chunk, then resumed, has sent
  every row in exactly one answered ``batchupsert`` (sync and async clients).
- A crash after a request landed but before its answer was read: the resumed run
  sends that chunk again (an upsert repeated leaves the same card), and no other.
- The real thing: ``salesmanago import contacts`` in a subprocess, killed with
  SIGKILL (or stopped with Ctrl-C) mid-run against ``salesmanago-emulator serve
  --state``, then run again with ``--resume``: the rows the checkpoint acknowledged
  are never sent again, the rows in flight at the kill at most once more, and the
  account ends with every row once.
"""

from __future__ import annotations

import asyncio
import csv
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from bulk_helpers import CLIENT_ID, SECRET, contacts, emails, new_emulator, sent_keys
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesmanago import SyncProgress
from salesmanago._checkpoint import CheckpointFile
from serve_process import start, stop


class Crash(BaseException):
    """Stands for the process dying."""


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    count=st.integers(1, 60),
    chunk_size=st.integers(1, 12),
    crash_after=st.integers(1, 12),
    mode=st.sampled_from(["sync", "async"]),
)
def test_resume_after_a_crash_at_any_chunk_boundary_applies_each_row_once(
    tmp_path_factory: pytest.TempPathFactory,
    count: int,
    chunk_size: int,
    crash_after: int,
    mode: str,
) -> None:
    emu = new_emulator()
    checkpoint = tmp_path_factory.mktemp("run") / "sync.checkpoint"
    rows = contacts(count)

    def crash(progress: SyncProgress) -> None:
        if progress.requests == crash_after:
            raise Crash

    def run(**options: Any) -> Any:
        if mode == "sync":
            with emu.client(CLIENT_ID) as client:
                return client.contacts.sync(rows, chunk_size=chunk_size, **options)

        async def run_async() -> Any:
            async with emu.async_client(CLIENT_ID, max_concurrent_requests=2) as client:
                return await client.contacts.sync(rows, chunk_size=chunk_size, **options)

        return asyncio.run(run_async())

    try:
        report = run(checkpoint=checkpoint, progress=crash)
    except Crash:
        assert checkpoint.exists()
        report = run(checkpoint=checkpoint)
    else:  # fewer chunks than the crash's number: the run ended first
        assert -(-count // chunk_size) < crash_after
    assert report.complete
    assert report.progress.applied == count
    assert sent_keys(emu) == dict.fromkeys(emails(rows), 1)
    assert emu.account(CLIENT_ID).count() == count
    assert not checkpoint.exists()


def test_a_crash_after_a_request_landed_resends_only_that_chunk(tmp_path: Path) -> None:
    emu = new_emulator()
    checkpoint = tmp_path / "sync.checkpoint"
    rows = contacts(50)
    inner = emu.transport()
    handled: list[int] = []

    class DiesAfterThirdRequest(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            response = inner.handle_request(request)
            handled.append(1)
            if len(handled) == 3:  # the third chunk landed; its answer is never read
                raise Crash
            return response

    with emu.client(CLIENT_ID, transport=DiesAfterThirdRequest()) as client, pytest.raises(Crash):
        client.contacts.sync(rows, chunk_size=10, checkpoint=checkpoint)
    with emu.client(CLIENT_ID) as client:
        report = client.contacts.sync(rows, chunk_size=10, checkpoint=checkpoint)
    assert report.complete
    assert report.progress.resumed == 20
    sent = sent_keys(emu)
    assert {email for email, times in sent.items() if times == 2} == {
        f"user{i}@example.com" for i in range(20, 30)
    }
    assert set(sent) == emails(rows)
    assert emu.account(CLIENT_ID).count() == 50


# --- the command, killed for real ------------------------------------------------------

ACCOUNT = f"{CLIENT_ID}:{SECRET}:owner@shop.example.com"
ROWS = 3000
CHUNK = 50
CONCURRENCY = 2


def _control(url: str, name: str, body: object) -> Any:
    request = urllib.request.Request(
        f"{url}/_emulator/{name}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """``salesmanago-emulator serve`` with a state file, in its own process."""
    process, url = start("--state", str(tmp_path / "state.json"), "--account", ACCOUNT)
    try:
        yield url
    finally:
        stop(process)


def _import(source: Path, url: str, *extra: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "SALESMANAGO_CLIENT_ID": CLIENT_ID,
        "SALESMANAGO_API_SECRET": SECRET,
        "SALESMANAGO_OWNER": "owner@shop.example.com",
    }
    command = [sys.executable, "-m", "salesmanago._cli", "import", "contacts", str(source)]
    options = ["--endpoint", url, "--chunk-size", str(CHUNK), "--concurrency", str(CONCURRENCY)]
    return subprocess.Popen(
        [*command, *options, "--quiet", *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _acknowledged(checkpoint: Path) -> int:
    """Rows the checkpoint acknowledges; read while the import appends to it, it is
    always readable (a line being written is ignored)."""
    return len(CheckpointFile(checkpoint, "contacts").load().done)


@pytest.mark.parametrize(
    ("stop", "status"),
    [(signal.SIGKILL, -signal.SIGKILL), (signal.SIGINT, 130)],
    ids=["sigkill", "ctrl-c"],
)
def test_an_import_killed_mid_run_resumes_and_applies_every_row_once(
    tmp_path: Path, server: str, stop: signal.Signals, status: int
) -> None:
    """SIGKILL: the process dies at once; Ctrl-C (SIGINT): the command stops, says how
    to resume and exits 130. Either way ``--resume`` finishes the job."""
    source = tmp_path / "contacts.csv"
    with open(source, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["email", "name"])
        writer.writerows([f"user{i}@example.com", f"User {i}"] for i in range(ROWS))
    checkpoint = tmp_path / "contacts.csv.checkpoint"
    # slow each chunk down a little, so that the kill lands mid-run
    _control(server, "faults/add", {"kind": "latency", "seconds": 0.02})

    first = _import(source, server)
    deadline = time.monotonic() + 60
    while _acknowledged(checkpoint) < ROWS // 4 and first.poll() is None:
        assert time.monotonic() < deadline, "the import acknowledged nothing in time"
        time.sleep(0.005)
    first.send_signal(stop)
    _, said = first.communicate(timeout=30)
    assert first.returncode == status, said
    if stop == signal.SIGINT:
        assert "run the same command with --resume to go on" in said
    state = CheckpointFile(checkpoint, "contacts").load()
    acknowledged = {i for start, end in state.done for i in range(start, end)}
    assert ROWS // 4 <= len(acknowledged) < ROWS, "killed mid-run"

    _control(server, "faults/clear", {})
    second = _import(source, server, "--resume")
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, out + err
    assert f"({len(acknowledged)} acknowledged by an earlier run)" in out
    assert not checkpoint.exists()

    calls = _control(server, "calls", {"path": "/api/contact/batchupsert"})["calls"]
    sent: Counter[str] = Counter()
    for call in calls:
        if call["status"] == 200:
            sent.update(item["contact"]["email"] for item in call["request"]["upsertDetails"])
    assert set(sent) == {f"user{i}@example.com" for i in range(ROWS)}
    assert all(sent[f"user{i}@example.com"] == 1 for i in acknowledged), (
        "an acknowledged row is never sent again"
    )
    twice = [email for email, times in sent.items() if times > 1]
    assert max(sent.values()) <= 2
    assert len(twice) <= CONCURRENCY * CHUNK, "only the chunks in flight at the kill"
    cards = _control(server, "contacts", {"clientId": CLIENT_ID})["contacts"]
    assert sorted(card["email"] for card in cards) == sorted(sent)
