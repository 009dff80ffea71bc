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
from serve_process import start, stop


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


def _start(state: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    process, url = start("--state", str(state), *extra)
    assert url.startswith("http://127.0.0.1:"), url  # loopback unless told otherwise
    return process, url


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        stop(process)


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


# --- issue 15: symlinks, modes, every corrupt form ----------------------------------------


def test_a_symlinked_state_file_stays_a_link_and_its_target_is_written(
    emu: Emulator, tmp_path: Path
) -> None:
    target_dir = tmp_path / "real"
    target_dir.mkdir()
    target = target_dir / "state.json"
    StateFile(target, emu).save()
    target.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    state = StateFile(link, emu)
    with EmulatorServer(emu, state_file=state) as server:
        for i in range(2):
            request(server.url, "/api/contact/upsert", signed(contact={"email": f"l{i}@x.pl"}))
    assert link.is_symlink()
    assert link.resolve() == target.resolve()
    emails = [c["email"] for c in read_state(target)["accounts"][0]["contacts"]]
    assert emails == ["l0@x.pl", "l1@x.pl"]  # the target saw every write
    assert target.stat().st_mode & 0o777 == 0o640  # and kept its mode
    assert sorted(p.name for p in target_dir.iterdir()) == ["state.json"]  # no temp left


def test_write_atomic_keeps_the_mode_and_creates_private_files(tmp_path: Path) -> None:
    kept = tmp_path / "kept.json"
    kept.write_bytes(b"old")
    kept.chmod(0o644)
    write_atomic(kept, b"new")
    assert (kept.read_bytes(), kept.stat().st_mode & 0o777) == (b"new", 0o644)
    fresh = tmp_path / "fresh.json"
    write_atomic(fresh, b"x")
    assert fresh.stat().st_mode & 0o777 == 0o600  # the state holds secrets


def _valid_state() -> bytes:
    emu = Emulator()
    emu.add_account(client_id="c", api_secret="s", users=["o@example.com"])
    return json.dumps(emu.export_state()).encode()


_CORRUPT = {
    "bad JSON": b"{not json",
    "truncated": _valid_state()[:40],
    "empty": b"",
    "binary": bytes(range(256)),
    "nested 100 000 deep": b"[" * 100_000 + b"]" * 100_000,
    "nested objects": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "an array": b"[1, 2]",
    "wrong types": json.dumps(
        {"format": "salesmanago-emulator-state", "version": 2, "accounts": "c"}
    ).encode(),
    "a clock of the wrong type": json.dumps(
        {"format": "salesmanago-emulator-state", "version": 2, "clock": 5, "accounts": []}
    ).encode(),
    "a string version": json.dumps(
        {"format": "salesmanago-emulator-state", "version": "2", "accounts": []}
    ).encode(),
}


@pytest.mark.parametrize("form", list(_CORRUPT))
def test_every_corrupt_state_file_exits_2_and_is_left_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], form: str
) -> None:
    from salesmanago_emulator.cli import main

    path = tmp_path / "state.json"
    path.write_bytes(_CORRUPT[form])
    assert main(["serve", "--port", "0", "--state", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err
    assert "Traceback" not in err
    assert path.read_bytes() == _CORRUPT[form]


def test_a_state_file_that_is_a_directory_or_unreadable_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from salesmanago_emulator.cli import main

    directory = tmp_path / "state.json"
    directory.mkdir()
    assert main(["serve", "--port", "0", "--state", str(directory)]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert directory.is_dir()
    unreadable = tmp_path / "unreadable.json"
    unreadable.write_bytes(_valid_state())

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", denied)  # root reads any mode: simulate
    assert main(["serve", "--port", "0", "--state", str(unreadable)]) == 2
    assert "Permission denied" in capsys.readouterr().err
