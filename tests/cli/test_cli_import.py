"""``salesmanago import`` (issue 16, item 2) against the emulator behind a real socket:
column mapping, consent and property columns, bad rows in the failures file, dry run,
the checkpoint with ``--resume`` and Ctrl-C; credentials from ``SALESMANAGO_*``."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import CLIENT_ID, failures, people, sent_emails, write_csv

from salesmanago import SyncProgress
from salesmanago._checkpoint import CheckpointFile
from salesmanago._cli import _progress as progress_module
from salesmanago._cli import main
from salesmanago._cli._mapping import ColumnMap
from salesmanago_emulator import Emulator, FrozenClock


def test_import_contacts_from_csv_applies_every_row(
    emu: Emulator[FrozenClock], endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(tmp_path / "people.csv", ["email", "name"], people(250))
    command = ["import", "contacts", str(source), "--endpoint", endpoint, "--quiet"]
    status = main([*command, "--chunk-size", "100"])
    assert status == 0
    assert capsys.readouterr().out.splitlines() == ["250 rows: 250 applied, 0 refused, 0 not sent"]
    assert emu.account(CLIENT_ID).count() == 250
    assert set(sent_emails(emu).values()) == {1}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["people.csv"], "no checkpoint left"


def test_columns_are_mapped_to_fields_properties_and_consents(
    emu: Emulator[FrozenClock], endpoint: str, tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path / "crm.csv",
        ["E-mail", "Imię", "Newsletter", "Loyalty", "Tags", "City", "Note"],
        [["jan@example.com", "Jan", "yes", "gold", "VIP;B2B", "Kraków", "skip me"]],
    )
    status = main(
        [
            "import",
            "contacts",
            str(source),
            "--endpoint",
            endpoint,
            "--quiet",
            "--map",
            "Imię=name",
            "--map",
            "Newsletter=consent:Newsletter",
            "--map",
            "Loyalty=property:loyalty",
            "--map",
            "Note=ignore",
            "--tag-separator",
            ";",
        ]
    )
    assert status == 0
    (call,) = [c for c in emu.calls if c.path == "/api/contact/batchupsert"]
    (sent,) = call.request["upsertDetails"]  # type: ignore[index]
    assert sent["contact"] == {
        "email": "jan@example.com",
        "name": "Jan",
        "address": {"city": "Kraków"},
    }
    assert sent["tags"] == ["VIP", "B2B"]
    assert sent["properties"] == {"loyalty": "gold"}
    assert sent["consentDetails"] == [{"consentName": "Newsletter", "consentAccept": True}]


def test_a_column_that_maps_to_nothing_is_refused_before_anything_is_sent(
    emu: Emulator[FrozenClock], endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(tmp_path / "x.csv", ["email", "Shoe size"], [["a@example.com", "42"]])
    assert main(["import", "contacts", str(source), "--endpoint", endpoint]) == 2
    error = capsys.readouterr().err
    assert "columns 'Shoe size' map to no field" in error
    assert "--map 'COLUMN=ignore'" in error
    assert emu.calls == []


def test_bad_rows_are_reported_in_the_failures_file_never_dropped(
    emu: Emulator[FrozenClock], endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        ["ok1@example.com", "1990-01-02", "true"],
        ["no-at-sign", "", ""],
        ["ok2@example.com", "02/01/1990", ""],
        ["ok3@example.com", "", "maybe"],
        ["short@example.com"],
        ["ok4@example.com", "", ""],
    ]
    source = write_csv(tmp_path / "in.csv", ["email", "birthday", "opt_in"], rows)
    assert main(["import", "contacts", str(source), "--endpoint", endpoint, "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "6 rows: 2 applied, 4 refused, 0 not sent" in out
    entries = failures(tmp_path / "in.csv.failures.jsonl")
    assert [(e["row"], e["status"]) for e in entries] == [
        (2, "REFUSED"),
        (3, "REFUSED"),
        (4, "REFUSED"),
        (5, "REFUSED"),
    ]
    texts = {e["row"]: e["errors"][0] for e in entries}
    assert texts[2] == (
        "Field 'upsertDetails[1].contact.email' must be an e-mail address (got 'no-at-sign')"
    )
    assert texts[3] == "column 'birthday': expected a date YYYY-MM-DD, got '02/01/1990'"
    assert texts[4] == "column 'opt_in': expected true or false, got 'maybe'"
    assert texts[5] == "row 5 has 1 cells, the header 3"
    assert entries[1]["input"] == {
        "email": "ok2@example.com",
        "birthday": "02/01/1990",
        "opt_in": "",
    }
    assert set(sent_emails(emu)) == {"ok1@example.com", "ok4@example.com"}


def test_the_platforms_refusal_of_a_row_is_in_the_failures_file(
    endpoint: str, tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path / "c.csv",
        ["email", "consent:Newsletter", "consent:Unknown"],
        [["a@example.com", "true", ""], ["b@example.com", "", "false"]],
    )
    assert main(["import", "contacts", str(source), "--endpoint", endpoint, "--quiet"]) == 1
    (entry,) = failures(tmp_path / "c.csv.failures.jsonl")
    assert entry["row"] == 2
    assert entry["errors"] == [
        "Field 'upsertDetails[1].consentDetails[0].consentName' names no consent of this account"
    ]


def test_a_dry_run_checks_every_row_and_sends_nothing(
    emu: Emulator[FrozenClock], endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(
        tmp_path / "d.csv", ["email", "name"], [*people(3), ["bad", "x"], *people(2, 3)]
    )
    assert main(["import", "contacts", str(source), "--dry-run", "--quiet"]) == 1
    assert capsys.readouterr().out.startswith("dry run: 6 rows read, 5 would be sent, 1 refused")
    (entry,) = failures(tmp_path / "d.csv.failures.jsonl")
    assert entry["index"] == 3
    assert "upsertDetails[3].contact.email" in entry["errors"][0]
    assert emu.calls == []
    assert not (tmp_path / "d.csv.checkpoint").exists()


def test_events_from_json_lines(emu: Emulator[FrozenClock], endpoint: str, tmp_path: Path) -> None:
    lines = [
        {
            "email": "jan@example.com",
            "type": "purchase",
            "date": "2026-01-14T12:00:00+01:00",
            "value": "199.99",
            "external_id": "order-1",
            "detail1": "gift",
        },
        {"email": "ola@example.com", "type": "CART", "date": "2026-01-14T12:00:00"},
        "not an object",
        {"email": "ola@example.com", "type": "CART", "date": "2026-01-14T13:00:00Z", "value": 5},
    ]
    source = tmp_path / "events.jsonl"
    source.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    assert main(["import", "events", str(source), "--endpoint", endpoint, "--quiet"]) == 1
    texts = {e["row"]: e["errors"] for e in failures(tmp_path / "events.jsonl.failures.jsonl")}
    assert texts == {
        2: [
            "column 'date': needs a time zone offset (2026-01-15T10:00:00+01:00), "
            "got '2026-01-14T12:00:00'"
        ],
        3: ["line 3 is not a JSON object"],
    }
    (call,) = [c for c in emu.calls if c.path == "/api/contact/batchAddContactExtEvent"]
    first, second = call.request["events"]  # type: ignore[index]
    assert first["contactEvent"]["value"] == Decimal("199.99")
    assert first["contactEvent"]["detail1"] == "gift"
    assert first["contactEvent"]["contactExtEventType"] == "PURCHASE"
    assert second["email"] == "ola@example.com"


def test_an_earlier_runs_checkpoint_is_not_resumed_without_resume(
    endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(tmp_path / "p.csv", ["email"], [[f"u{i}@example.com"] for i in range(3)])
    (tmp_path / "p.csv.checkpoint").write_text("{}")
    assert main(["import", "contacts", str(source), "--endpoint", endpoint]) == 2
    assert "pass --resume to go on with it, or remove it" in capsys.readouterr().err


def test_ctrl_c_leaves_a_checkpoint_that_resume_goes_on_from(
    emu: Emulator[FrozenClock],
    endpoint: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl-C after two acknowledged chunks; ``--resume`` sends only the rest, and every
    row ends applied exactly once."""
    source = write_csv(tmp_path / "big.csv", ["email", "name"], people(500))
    shown = progress_module.Bar.rows

    def interrupted(self: progress_module.Bar, counts: SyncProgress) -> None:
        shown(self, counts)
        if counts.requests == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(progress_module.Bar, "rows", interrupted)
    command = ["import", "contacts", str(source), "--endpoint", endpoint, "--chunk-size", "50"]
    assert main([*command, "--concurrency", "1"]) == 130
    assert "run the same command with --resume" in capsys.readouterr().err
    checkpoint = CheckpointFile(tmp_path / "big.csv.checkpoint", "contacts").load()
    assert list(checkpoint.done) == [(0, 100)]
    monkeypatch.setattr(progress_module.Bar, "rows", shown)
    assert main([*command, "--resume", "--quiet"]) == 0
    assert "(100 acknowledged by an earlier run)" in capsys.readouterr().out
    assert sent_emails(emu) == {f"user{i}@example.com": 1 for i in range(500)}
    assert not (tmp_path / "big.csv.checkpoint").exists()


def test_ctrl_c_while_rows_are_read_exits_130_and_resumes(
    emu: Emulator[FrozenClock],
    endpoint: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl-C landing while the next rows are read, as Python 3.10's ``asyncio.run``
    delivers it: inside the bulk run's task group, whose exception group the run
    unwraps. The command still stops with 130 and the resume hint, and ``--resume``
    applies every row exactly once."""
    source = write_csv(tmp_path / "big.csv", ["email", "name"], people(300))
    reading = ColumnMap.row
    read = 0

    def interrupted(self: ColumnMap, record: Mapping[str, object]) -> Any:
        nonlocal read
        read += 1
        if read == 120:  # in the third chunk of 50, two acknowledged or in flight
            raise KeyboardInterrupt
        return reading(self, record)

    monkeypatch.setattr(ColumnMap, "row", interrupted)
    command = ["import", "contacts", str(source), "--endpoint", endpoint, "--chunk-size", "50"]
    assert main([*command, "--concurrency", "1", "--quiet"]) == 130
    assert "run the same command with --resume" in capsys.readouterr().err
    assert (tmp_path / "big.csv.checkpoint").exists()
    monkeypatch.setattr(ColumnMap, "row", reading)
    assert main([*command, "--resume", "--quiet"]) == 0
    assert sent_emails(emu) == {f"user{i}@example.com": 1 for i in range(300)}
    assert not (tmp_path / "big.csv.checkpoint").exists()


def test_credentials_come_from_the_environment(
    endpoint: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SALESMANAGO_API_SECRET")
    source = write_csv(tmp_path / "p.csv", ["email"], [["a@example.com"]])
    assert main(["import", "contacts", str(source), "--endpoint", endpoint]) == 2
    assert "set the SALESMANAGO_API_SECRET environment variable" in capsys.readouterr().err


def test_emulator_mode_needs_no_credentials(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("CLIENT_ID", "API_SECRET", "OWNER", "ENDPOINT"):
        monkeypatch.delenv(f"SALESMANAGO_{name}", raising=False)
    source = write_csv(tmp_path / "p.csv", ["email", "name"], people(30))
    assert main(["import", "contacts", str(source), "--emulator", "--quiet"]) == 0
    assert "30 rows: 30 applied" in capsys.readouterr().out


def test_without_rich_the_command_says_which_install_fixes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "rich", None)
    source = write_csv(tmp_path / "p.csv", ["email"], [["a@example.com"]])
    assert main(["import", "contacts", str(source), "--emulator"]) == 2
    assert "pip install 'salesmanago-py[cli]'" in capsys.readouterr().err


def test_an_unknown_suffix_asks_for_the_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "people.txt"
    source.write_text("email\na@example.com\n")
    assert main(["import", "contacts", str(source), "--emulator"]) == 2
    assert "pass --format csv|jsonl" in capsys.readouterr().err


def test_resume_with_another_column_map_is_another_input(
    endpoint: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = write_csv(tmp_path / "m.csv", ["email", "Name"], people(100))
    shown = progress_module.Bar.rows

    def interrupted(self: progress_module.Bar, counts: SyncProgress) -> None:
        shown(self, counts)
        raise KeyboardInterrupt

    monkeypatch.setattr(progress_module.Bar, "rows", interrupted)
    command = ["import", "contacts", str(source), "--endpoint", endpoint, "--chunk-size", "10"]
    assert main([*command, "--map", "Name=name"]) == 130
    monkeypatch.setattr(progress_module.Bar, "rows", shown)
    status = main([*command, "--map", "Name=property:name", "--resume", "--quiet"])
    assert status == 2
    assert "differ from those the checkpoint" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("option", "text"),
    [
        (["--chunk-size", "1001"], "Field 'chunk_size' must be at most 1000"),
        (["--concurrency", "0"], "max_concurrent_requests must be a positive integer"),
    ],
)
def test_a_bad_option_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: list[str], text: str
) -> None:
    source = write_csv(tmp_path / "p.csv", ["email"], [["a@example.com"]])
    assert main(["import", "contacts", str(source), "--emulator", "--quiet", *option]) == 2
    assert text in capsys.readouterr().err
