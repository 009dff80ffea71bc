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


# --- issue 15: serve's extra, exposure warning, --account against the state file ----------


def test_serve_without_the_server_extra_names_the_install_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "uvicorn", None)  # import uvicorn -> ImportError
    assert main(["serve", "--port", "0"]) == 2
    assert "pip install 'salesmanago-py[server]'" in capsys.readouterr().err


def test_emulator_server_without_the_extra_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    from salesmanago_emulator import Emulator, EmulatorServer

    monkeypatch.setitem(sys.modules, "starlette", None)
    with pytest.raises(ImportError, match=r"salesmanago-py\[server\]"):
        EmulatorServer(Emulator()).start()


def test_binding_a_non_loopback_address_warns_naming_the_exposure(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from salesmanago_emulator import _uvicorn

    def refuse(host: str, port: int) -> object:
        raise OSError("not binding in a test")

    monkeypatch.setattr(_uvicorn, "bind", refuse)
    assert main(["serve", "--host", "0.0.0.0", "--port", "0"]) == 1
    err = capsys.readouterr().err
    assert "salesmanago-emulator serve: warning: listening on 0.0.0.0" in err
    assert err.count("warning") == 1
    assert "control API" in err
    assert "--control-token" in err
    assert main(["serve", "--host", "127.0.0.1", "--port", "0"]) == 1
    assert "warning" not in capsys.readouterr().err


def test_emulator_server_logs_the_exposure_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from salesmanago_emulator import Emulator, EmulatorServer, _uvicorn

    def refuse(host: str, port: int) -> object:
        raise OSError("not binding in a test")

    monkeypatch.setattr(_uvicorn, "bind", refuse)
    with pytest.raises(OSError, match="not binding"):
        EmulatorServer(Emulator(), host="0.0.0.0").start()
    assert any("listening on 0.0.0.0" in r.getMessage() for r in caplog.records)


def _saved_state(tmp_path: Path) -> Path:
    from salesmanago_emulator import Emulator
    from salesmanago_emulator.statefile import StateFile

    emu = Emulator()
    emu.add_account(client_id="A", api_secret="old-secret", users=["owner@example.com"])
    path = tmp_path / "state.json"
    StateFile(path, emu).save()
    return path


@pytest.mark.parametrize(
    ("account", "expected"),
    [
        ("A:NEWSECRET:owner@example.com", "with another API secret"),
        ("A:old-secret:someone@example.com", "no user someone@example.com"),
    ],
)
def test_an_account_conflicting_with_the_state_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], account: str, expected: str
) -> None:
    """Issue 15: it was silently ignored, and the new secret's requests refused with no hint."""
    path = _saved_state(tmp_path)
    before = path.read_bytes()
    assert main(["serve", "--port", "0", "--state", str(path), "--account", account]) == 2
    err = capsys.readouterr().err
    assert "the state file" in err
    assert "holds account A" in err
    assert expected in err
    assert path.read_bytes() == before
