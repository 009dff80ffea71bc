"""The salesmanago-emulator command line: argument handling, the routes and help commands
(the server itself: test_statefile)."""

from __future__ import annotations

from pathlib import Path

import pytest

from salesmanago_emulator import routes
from salesmanago_emulator.cli import main, parse_account


def test_parse_account_forms() -> None:
    assert parse_account("c1:s:e:cret:me@example.com") == ("c1", "s:e:cret", ["me@example.com"])
    assert parse_account("c1:s:a@x.pl, b@x.pl") == ("c1", "s", ["a@x.pl", "b@x.pl"])
    for bad in ("c1", "c1:s", ":s:a@x.pl", "c1::a@x.pl", "c1:s:"):
        with pytest.raises(ValueError, match="CLIENT_ID:API_SECRET:OWNER_EMAIL"):
            parse_account(bad)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["serve", "--account", "broken"], "CLIENT_ID:API_SECRET:OWNER_EMAIL"),
        (["serve", "--now", "2026-01-15T10:00:00"], "no time zone"),
        (["serve", "--now", "someday"], "not an ISO-8601"),
        (["serve", "--port", "eighty"], "invalid int value"),
        (["serve", "--account", "c:s:not-an-email"], "users[0]"),
    ],
)
def test_serve_argument_errors_exit_2(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert expected in capsys.readouterr().err


def test_serve_unknown_option_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--frobnicate"]) == 2
    assert "unrecognized arguments" in capsys.readouterr().err
    assert main(["serve", "--help"]) == 0
    assert "--state FILE" in capsys.readouterr().out
    assert main(["help"]) == 0
    assert "serve" in capsys.readouterr().out


def test_port_in_use_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 1
    assert "cannot listen" in capsys.readouterr().err


def test_unwritable_state_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing_dir = tmp_path / "no" / "such" / "dir" / "state.json"
    assert main(["serve", "--port", "0", "--state", str(missing_dir)]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_cli_routes_help_serve_unknown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["routes"]) == 0
    out = capsys.readouterr().out
    assert "/api/contact/upsert" in out
    assert f"{len(routes())} routes" in out
    assert main([]) == 0
    assert "usage: salesmanago-emulator" in capsys.readouterr().out
    assert main(["serve", "--now", "2026-01-15T10:00:00"]) == 2  # naive: refused, never served
    assert "no time zone" in capsys.readouterr().err
    assert main(["frobnicate"]) == 2
    assert "unknown command 'frobnicate'" in capsys.readouterr().err
