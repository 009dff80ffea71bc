"""``salesmanago export contacts`` (issue 16, item 2): the paginated export's jobs,
streamed to CSV or JSON Lines, to a file or standard output."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from cli_helpers import CLIENT_ID

from salesmanago import ContactUpsert
from salesmanago._cli import main
from salesmanago_emulator import Emulator, FrozenClock


@pytest.fixture
def filled(emu: Emulator[FrozenClock]) -> Emulator[FrozenClock]:
    with emu.client(CLIENT_ID) as client:
        client.contacts.batch_upsert(
            [ContactUpsert(email=f"user{i}@example.com", name=f"User {i}") for i in range(12)]
        )
    return emu


def test_export_to_a_csv_file(
    filled: Emulator[FrozenClock], endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "all.csv"
    command = ["export", "contacts", "--format", "csv", "--output", str(target)]
    status = main([*command, "--endpoint", endpoint, "--page-size", "5", "--poll-interval", "0.01"])
    assert status == 0
    with open(target, newline="") as file:
        rows = list(csv.DictReader(file))
    assert [row["email"] for row in rows] == [f"user{i}@example.com" for i in range(12)]
    assert "12 contacts exported" in capsys.readouterr().err
    jobs = [c for c in filled.calls if c.path == "/api/contact/paginatedContactList/export"]
    assert len(jobs) == 3


def test_export_json_lines_to_standard_output(
    filled: Emulator[FrozenClock], endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    command = ["export", "contacts", "--endpoint", endpoint, "--quiet"]
    status = main([*command, "--poll-interval", "0.01"])
    assert status == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 12
    assert lines[0]["name"] == "User 0"
