"""The --state file: atomic durable saves, saved before the answer, survives kill -9."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from server_helpers import CLIENT_ID, request, signed

from salesmanago import ContactUpsert, SalesManago
from salesmanago_emulator import Emulator, EmulatorServer
from salesmanago_emulator.snapshot import SnapshotError
from salesmanago_emulator.statefile import StateFile, read_state, write_atomic


def test_write_atomic_replaces_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    write_atomic(target, b"one")
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]


def test_every_answered_write_is_already_in_the_file(emu: Emulator, tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    state = StateFile(path, emu)
    with EmulatorServer(emu, state_file=state) as server:
        for i in range(3):
            request(server.url, "/api/contact/upsert", signed(contact={"email": f"a{i}@x.pl"}))
            saved = read_state(path)["accounts"][0]["contacts"]
            assert [c["email"] for c in saved] == [f"a{j}@x.pl" for j in range(i + 1)]
        saves = state.saves
        request(server.url, "/api/contact/list", signed(email=["a0@x.pl"]))
        request(server.url, "/api/no/such/path", {})  # never dispatched: no save attempted
        request(server.url, "/_emulator/calls", method="GET")  # read-only control
        assert state.saves == saves  # nothing changed: the file was not rewritten
        status, _ = request(server.url, "/_emulator/clock/advance", {"hours": 1})
        assert status == 200
        assert read_state(path)["clock"]["now"] == "2026-01-15T11:00:00+00:00"


def test_load_restores_and_bad_file_is_refused(emu: Emulator, tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    emu.account(CLIENT_ID).optin.add_consent("Newsletter")
    StateFile(path, emu).save()
    other = Emulator()
    assert StateFile(path, other).load() is True
    assert other.account(CLIENT_ID).optin.consents() == ["Newsletter"]
    assert StateFile(tmp_path / "missing.json", other).load() is False
    path.write_text("{truncated")
    with pytest.raises(SnapshotError, match="cannot read"):
        StateFile(path, other).load()


def test_concurrent_commits_are_coalesced_and_complete(emu: Emulator, tmp_path: Path) -> None:
    from salesmanago_emulator.state import ContactWrite

    state = StateFile(tmp_path / "state.json", emu)
    account = emu.account(CLIENT_ID)
    # several changes, then one commit: one save covers them all
    with emu.lock:
        for i in range(5):
            account.contacts.upsert(ContactWrite(email=f"g-{i}@x.pl"), "owner@example.com")
    state.commit()
    assert state.saves == 1
    saved = read_state(state.path)["accounts"][0]["contacts"]
    assert sorted(c["email"] for c in saved) == [f"g-{i}@x.pl" for i in range(5)]
    state.commit()  # nothing changed since: the same bytes are not written again
    assert state.saves == 1
    state = StateFile(tmp_path / "state.json", emu)  # the concurrent part counts afresh
    barrier = threading.Barrier(8)

    def write(n: int) -> None:
        barrier.wait()
        for i in range(5):
            with emu.lock:
                account.contacts.upsert(ContactWrite(email=f"c{n}-{i}@x.pl"), "owner@example.com")
            state.commit()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(read_state(state.path)["accounts"][0]["contacts"]) == 45
    assert 1 <= state.saves <= 40


# --- the CLI as a process --------------------------------------------------------------


_SERVE = (sys.executable, "-m", "salesmanago_emulator", "serve", "--port", "0")


def _start(state: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [*_SERVE, "--state", str(state), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first.startswith("salesmanago-emulator serving on http://127.0.0.1:"), first + (
        process.stderr.read() if process.poll() is not None and process.stderr else ""
    )
    return process, first.rsplit(" ", 1)[1].strip()


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(10)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def _client(url: str) -> SalesManago:
    return SalesManago(
        endpoint=url,
        client_id="cli",
        api_secret="cli-secret",
        owner="me@example.com",
        max_retries=0,
        timeout=5,
    )


def test_kill_9_mid_load_keeps_every_acknowledged_write(
    tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    state = tmp_path / "state.json"
    account = "cli:cli-secret:me@example.com"
    first, url = _start(state, "--account", account, "--now", "2026-01-15T10:00:00Z")
    processes.append(first)
    acknowledged: list[str] = []
    halfway = threading.Event()
    cut_off = threading.Event()

    def load() -> None:
        # Writes until the kill cuts it off (bounded only as a safety net), so the
        # kill always lands mid-load however the threads are scheduled.
        with _client(url) as sm:
            for i in range(100_000):
                try:
                    sm.contacts.upsert(ContactUpsert(email=f"load{i}@example.com", tags=["T"]))
                except Exception:
                    cut_off.set()
                    return
                acknowledged.append(f"load{i}@example.com")
                if i == 25:
                    halfway.set()

    writer = threading.Thread(target=load)
    writer.start()
    assert halfway.wait(20)
    os.kill(first.pid, signal.SIGKILL)
    writer.join(20)
    first.wait(10)
    assert cut_off.is_set()  # killed in the middle of the load
    assert len(acknowledged) > 25

    Emulator().import_state(read_state(state))  # the file loads as it was left

    second, url = _start(state, "--account", account, "--now", "2030-01-01T00:00:00Z")
    processes.append(second)
    status, answer = request(url, "/_emulator/contacts", {"clientId": "cli"})
    assert status == 200
    stored = {c["email"] for c in answer["contacts"]}
    assert set(acknowledged) <= stored
    assert len(stored) - len(acknowledged) <= 1  # at most the write the kill cut off
    status, answer = request(url, "/_emulator/clock", method="GET")
    assert answer["now"] == "2026-01-15T10:00:00+00:00"  # the saved frozen clock wins
    second.send_signal(signal.SIGTERM)
    assert second.wait(10) == 0


def test_default_account_printed_and_saved_on_sigterm(
    tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    state = tmp_path / "state.json"
    process, url = _start(state)
    processes.append(process)
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.strip() == (
        "default account: client_id=emulator-client api_secret=emulator-secret "
        "owner=owner@example.com"
    )
    with SalesManago(
        endpoint=url,
        client_id="emulator-client",
        api_secret="emulator-secret",
        owner="owner@example.com",
        max_retries=0,
    ) as sm:
        sm.contacts.upsert(ContactUpsert(email="kept@example.com"))
    process.send_signal(signal.SIGTERM)
    assert process.wait(10) == 0
    saved = json.loads(state.read_text())
    assert saved["clock"] == {"frozen": False}
    assert [c["email"] for c in saved["accounts"][0]["contacts"]] == ["kept@example.com"]


def test_serve_refuses_a_bad_state_file(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"format": "salesmanago-emulator-state", "version": 1}))
    done = subprocess.run(
        [sys.executable, "-m", "salesmanago_emulator", "serve", "--state", str(state)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 2
    assert "accounts: is required" in done.stderr
