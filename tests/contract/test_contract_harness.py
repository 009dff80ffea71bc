"""The contract layer itself: when the live target runs or is skipped, that the ledger
deletes only what a test made, and the whole live path (the SDK over HTTP, the cleanup,
the recording) run against the emulator's server mode standing in for an account; its
recording then replays with every answer matching."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from contract_helpers import LIVE_VARIABLES, Platform, emulator_platform, live_skip_reason

from salesmanago import ContactUpsert
from salesmanago_emulator import Emulator, EmulatorServer, FrozenClock
from salesmanago_emulator.cli import main

ROOT = Path(__file__).resolve().parents[2]
LIVE_SETTINGS = {
    "SALESMANAGO_CLIENT_ID": "emulator-client",
    "SALESMANAGO_API_SECRET": "emulator-secret",
    "SALESMANAGO_OWNER": "owner@example.com",
    "SALESMANAGO_TEST_DOMAIN": "live-contract.example.com",
}


def test_live_target_needs_every_variable_and_names_the_missing_ones() -> None:
    """Credentials alone are not enough: the test domain is the explicit opt-in."""
    assert live_skip_reason(LIVE_SETTINGS) is None
    reason = live_skip_reason({**LIVE_SETTINGS, "SALESMANAGO_TEST_DOMAIN": "  "})
    assert reason is not None
    assert "SALESMANAGO_TEST_DOMAIN" in reason
    reason = live_skip_reason({})
    assert reason is not None
    assert "\n" not in reason
    assert all(name in reason for name in LIVE_VARIABLES)


async def test_cleanup_deletes_the_ledger_and_nothing_else() -> None:
    """Live runs never delete what they did not create: a contact made outside the
    ledger (a real customer) stays; the test's contacts and funnels go."""
    platform: Platform = emulator_platform("sync")
    assert platform.emulator is not None
    customer = "customer@contract.example.com"
    await platform.call("contacts.upsert", ContactUpsert(email=customer))
    mine = platform.email("mine")
    await platform.call("contacts.upsert", ContactUpsert(email=mine))
    funnel = platform.funnel_name("mine")
    await platform.call("funnels.add", funnel, ["Lead"])
    platform.email("never-made")  # handed out, never written: its delete is "not found"
    await platform.cleanup()
    account = platform.emulator.accounts[0]
    assert [record.email for record in account.all_contacts()] == [customer]
    assert funnel not in account.funnels.names()
    platform.client.close()


def _run_live(server: EmulatorServer, record: Path, *selection: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        **LIVE_SETTINGS,
        "SALESMANAGO_ENDPOINT": server.url,
        "SALESMANAGO_CONTRACT_RECORD": str(record),
    }
    command = [sys.executable, "-m", "pytest", "-p", "no:randomly", "-rs", "-k", "live"]
    return subprocess.run(
        [*command, *selection], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_live_target_over_http_cleans_up_and_its_recording_replays(
    salesmanago_server: EmulatorServer,
    salesmanago_emulator: Emulator[FrozenClock],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The live path end to end, against server mode standing in for an account: the
    bodies pass over HTTP, the emulator-only purge test is skipped with its reason,
    no test contact is left, and ``salesmanago-emulator replay`` of the recording
    finds every answer the same (exit status 0)."""
    record = tmp_path / "live-calls.jsonl"
    result = _run_live(
        salesmanago_server,
        record,
        "tests/contract/test_contract_contacts.py",
        "tests/contract/test_contract_deletion.py",
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "emulator only: the 02:00 purge needs the clock moved" in result.stdout
    assert "failed" not in result.stdout
    (account,) = salesmanago_emulator.accounts
    assert list(account.all_contacts()) == []
    lines = record.read_text(encoding="utf-8").splitlines()
    assert len(lines) > 50
    assert "emulator-secret" not in record.read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["replay", str(record)]) == 0
    summary = capsys.readouterr().out.splitlines()[-1]
    assert summary == f"{len(lines)} calls: {len(lines)} match, 0 differ, 0 skipped"
