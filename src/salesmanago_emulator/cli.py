"""The ``salesmanago-emulator`` command (also ``python -m salesmanago_emulator``).

Commands:

* ``serve`` -- run the emulator as an HTTP server (`server`) until
  interrupted (Ctrl-C or SIGTERM); see ``docs/emulator/server.md``;
* ``routes`` -- print the paths the emulator serves; ``routes --all`` prints every
  path of the protocol with its status (served, or not implemented and why);
* ``help`` -- the usage text.

``serve`` options:

* ``--host`` (default ``127.0.0.1``) and ``--port`` (default 8765; 0 picks a free one);
* ``--account CLIENT_ID:API_SECRET:OWNER_EMAIL[,OWNER_EMAIL...]``, repeatable;
  with no account at all (none given, none in the state file) one default
  account is created and its credentials printed;
* ``--timezone`` of the accounts created here (default ``Europe/Warsaw``);
* ``--state FILE``: loaded at start if it exists, saved after every change and
  at shutdown (`statefile`);
* ``--now ISO``: freeze the clock at that instant; it then moves only through
  the control API (``/_emulator/clock/...``). A state file saved with a frozen
  clock resumes at its saved instant (it wins over ``--now``).
* ``--control-token TOKEN`` (or the environment variable
  ``SALESMANAGO_EMULATOR_CONTROL_TOKEN``): every control request must carry
  ``Authorization: Bearer TOKEN``;
* ``--allow-host NAME`` (repeatable): a host name accepted in ``Host`` besides the
  loopback names and ``--host`` (``*``: any).

``serve`` needs the ``server`` extra (Starlette, uvicorn); without it, it prints the
install command and exits with status 2. Binding an address that is not loopback
prints a warning naming what it exposes. An ``--account`` that the state file already
holds with another secret, or without one of its owners, is refused (status 2).

``replay CALLS.jsonl`` replays a call log recorded by the SDK (``SalesManago(record=...)``)
against a fresh emulator and prints where the answers differ
([`replay`][salesmanago_emulator.replay]): exit status 0 when all match, 1 when some differ, 2 when
the file cannot be read. Options: ``--ignore FIELD`` (repeatable), ``--json`` (the report as JSON),
``--timezone``.

Once listening, ``serve`` prints ``salesmanago-emulator serving on <url>`` as
its first line on stdout (then the accounts), so a parent process can wait for
it.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TextIO

from ._httpdoor import CONTROL_TOKEN_ENV
from .clock import is_aware, parse_iso

if TYPE_CHECKING:
    from .server import EmulatorServer
    from .state.account import Account

__all__ = ["DEFAULT_ACCOUNT", "DEFAULT_PORT", "USAGE", "main", "parse_account", "replay_command"]

DEFAULT_PORT: Final = 8765
"""The port ``serve`` listens on unless ``--port`` says otherwise."""
DEFAULT_ACCOUNT: Final = ("emulator-client", "emulator-secret", "owner@example.com")
"""Client id, API secret and owner of the account ``serve`` creates when none is given."""

USAGE: Final = """\
usage: salesmanago-emulator <command> [options]

commands:
  serve     run the emulator as an HTTP server (see serve --help)
  routes    print the paths the emulator serves (the coverage table);
            routes --all: every protocol path, served or not implemented and why
  help      show this text
  replay    replay a call log recorded by the SDK against a fresh emulator and
            print where the answers differ (see replay --help)

serve:
  salesmanago-emulator serve [--host 127.0.0.1] [--port 8765]
      [--account CLIENT_ID:API_SECRET:OWNER_EMAIL ...] [--state FILE] [--now ISO]
      [--control-token TOKEN] [--allow-host NAME ...]

replay:
  salesmanago-emulator replay CALLS.jsonl [--ignore FIELD ...] [--json] [--timezone TZ]
      exit status 0: all answers match; 1: some differ; 2: the file cannot be read

In process, use salesmanago_emulator.Emulator().transport() with httpx, or the
pytest fixtures salesmanago_emulator / salesmanago_client / salesmanago_server.
"""


def parse_account(text: str) -> tuple[str, str, list[str]]:
    """Read ``CLIENT_ID:API_SECRET:OWNER[,OWNER...]``: (client id, secret, owners) or ValueError."""
    client_id, sep, rest = text.partition(":")
    secret, sep2, owners = rest.rpartition(":")
    users = [owner.strip() for owner in owners.split(",") if owner.strip()]
    if not sep or not sep2 or not client_id.strip() or not secret or not users:
        raise ValueError(f"--account {text!r}: expected CLIENT_ID:API_SECRET:OWNER_EMAIL")
    return client_id.strip(), secret, users


def _parse_now(text: str) -> datetime:
    try:
        when = parse_iso(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO-8601 date-time: {text!r}") from None
    if not is_aware(when):
        raise argparse.ArgumentTypeError(
            f"{text!r} has no time zone: add one, e.g. {text}+00:00 or {text}Z"
        )
    return when


def _serve_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="salesmanago-emulator serve",
        description="Run the SALESmanago emulator as an HTTP server.",
        exit_on_error=False,
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port; 0 = any free")
    parser.add_argument(
        "--account",
        action="append",
        default=[],
        metavar="CLIENT_ID:API_SECRET:OWNER_EMAIL",
        help="an account to create (repeatable; owners comma-separated)",
    )
    parser.add_argument("--timezone", default="Europe/Warsaw", help="time zone of new accounts")
    parser.add_argument("--state", type=Path, metavar="FILE", help="state file to load and keep")
    parser.add_argument("--now", type=_parse_now, metavar="ISO", help="freeze the clock here")
    parser.add_argument(
        "--control-token",
        metavar="TOKEN",
        help=f"require 'Authorization: Bearer TOKEN' on the control API (or {CONTROL_TOKEN_ENV})",
    )
    parser.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a host name accepted in the Host header besides loopback ones (repeatable)",
    )
    return parser


def _conflict(account: Account, secret: str, users: Sequence[str]) -> str | None:
    """Why ``--account`` conflicts with the state file's account of that client id."""
    if account.api_secret != secret:
        return "another API secret"
    missing = [user for user in users if user not in account.users]
    if missing:
        return f"no user {', '.join(missing)} (users: {', '.join(account.users)})"
    return None


def _print_routes(out: TextIO) -> None:
    from .coverage import routes

    table = routes()
    width = max(len(info.path) for info in table)
    out.write(f"{'path':<{width}}  {'area':<9} auth    owner  description\n")
    for info in table:
        owner = "yes" if info.owner_required else "no"
        text = info.description if info.method == "POST" else f"({info.method}) {info.description}"
        out.write(f"{info.path:<{width}}  {info.area:<9} {info.auth:<7} {owner:<5}  {text}\n")
    out.write(f"{len(table)} routes\n")


def _print_coverage(out: TextIO) -> None:
    from .coverage import coverage

    rows = coverage()
    width = max(len(row.path) for row in rows)
    out.write(f"{'path':<{width}}  {'section':<7} {'method':<6} status\n")
    for row in rows:
        status = f"served ({row.area})" if row.served else f"not implemented: {row.reason}"
        section = row.section or "-"
        out.write(f"{row.path:<{width}}  {section:<7} {row.method:<6} {status}\n")
    served = sum(row.served for row in rows)
    out.write(f"{len(rows)} paths, {served} served, {len(rows) - served} not implemented\n")


def serve(argv: Sequence[str], out: TextIO, err: TextIO) -> int:
    """The ``serve`` command: run until SIGINT/SIGTERM; the exit status. The emulator's
    warnings and errors (the exposure of a non-loopback address, a request that broke)
    go to ``err`` while it runs."""
    handler = logging.StreamHandler(err)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("salesmanago-emulator serve: %(message)s"))
    logger = logging.getLogger("salesmanago_emulator")
    logger.addHandler(handler)
    try:
        return _serve(argv, out, err)
    finally:
        logger.removeHandler(handler)


def _serve(argv: Sequence[str], out: TextIO, err: TextIO) -> int:
    from ._emulator import Emulator
    from .clock import Clock, FrozenClock, SystemClock
    from .server import EmulatorServer, missing_server_extra
    from .snapshot import SnapshotError, frozen_instant
    from .statefile import StateFile, read_state

    missing = missing_server_extra()
    if missing is not None:
        err.write(f"salesmanago-emulator serve: {missing}\n")
        return 2
    parser = _serve_parser()
    try:
        args = parser.parse_args(list(argv))
        accounts = [parse_account(text) for text in args.account]
    except (argparse.ArgumentError, ValueError) as error:
        err.write(f"salesmanago-emulator serve: {error}\n")
        return 2
    except SystemExit as exit_:  # argparse's own errors (already printed)
        return exit_.code if isinstance(exit_.code, int) else 2
    now: datetime | None = args.now
    saved: dict[str, Any] | None = None  # the state file's contents, read once
    try:
        if args.state is not None and args.state.exists():
            saved = read_state(args.state)
            # a frozen clock saved in the file resumes where it stood
            now = frozen_instant(saved) or now
        clock: Clock = FrozenClock(now) if now is not None else SystemClock()
        emulator = Emulator(clock=clock)
        if saved is not None:
            emulator.import_state(saved)
    except SnapshotError as error:
        err.write(f"salesmanago-emulator serve: {args.state}: {error}\n")
        return 2
    state_file = StateFile(args.state, emulator) if args.state is not None else None
    created: list[tuple[str, str, str]] = []
    try:
        for client_id, secret, users in accounts:
            saved_account = next((a for a in emulator.accounts if a.client_id == client_id), None)
            conflict = None if saved_account is None else _conflict(saved_account, secret, users)
            if conflict is not None:
                err.write(
                    f"salesmanago-emulator serve: --account {client_id}: the state file "
                    f"{args.state} holds account {client_id} with {conflict}; change the "
                    "account through the control API, or start from another state file\n"
                )
                return 2
            if saved_account is None:
                emulator.add_account(
                    client_id=client_id, api_secret=secret, users=users, timezone=args.timezone
                )
        if not emulator.accounts:
            client_id, secret, owner = DEFAULT_ACCOUNT
            emulator.add_account(
                client_id=client_id, api_secret=secret, users=[owner], timezone=args.timezone
            )
            created.append(DEFAULT_ACCOUNT)
    except ValueError as error:
        err.write(f"salesmanago-emulator serve: {error}\n")
        return 2
    token = args.control_token or os.environ.get(CONTROL_TOKEN_ENV) or None
    server = EmulatorServer(
        emulator,
        args.host,
        args.port,
        state_file=state_file,
        control_token=token,
        allowed_hosts=args.allow_host,
    )
    try:
        server.start()
    except OSError as error:
        err.write(f"salesmanago-emulator serve: cannot listen on {server.url}: {error}\n")
        return 1
    if state_file is not None:
        try:
            state_file.save()
        except OSError as error:
            server.state_file = None
            server.stop()
            err.write(f"salesmanago-emulator serve: cannot write {args.state}: {error}\n")
            return 2
    # SIGTERM is handled before the first line is printed: a supervisor that
    # reads the line and stops the server at once still gets a clean save.
    stop = _stop_on_sigterm()
    out.write(f"salesmanago-emulator serving on {server.url}\n")
    for client_id, secret, owner in created:
        out.write(f"default account: client_id={client_id} api_secret={secret} owner={owner}\n")
    for account in emulator.accounts:
        out.write(f"account {account.client_id}: users {', '.join(account.users)}\n")
    out.write(f"clock: {clock!r}; control API: {server.url}/_emulator/routes\n")
    if token is not None:
        out.write("control API token: required (Authorization: Bearer <token>)\n")
    out.flush()
    return _wait(server, stop)


def _stop_on_sigterm() -> threading.Event:
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    return stop


def _wait(server: EmulatorServer, stop: threading.Event) -> int:
    try:
        # Short waits, not one endless wait: on some platforms (Windows) an untimed
        # wait cannot be interrupted, and Ctrl-C would go unseen.
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass  # Ctrl-C is the ordinary way to stop `serve`: stop the server, exit 0
    finally:
        server.stop()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the process exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    command = args[0] if args else "help"
    if command in ("help", "-h", "--help"):
        sys.stdout.write(USAGE)
        return 0
    if command == "routes":
        options = args[1:]
        if options not in ([], ["--all"]):
            sys.stderr.write(f"salesmanago-emulator routes: unknown option {options[0]!r}\n")
            return 2
        (_print_coverage if options else _print_routes)(sys.stdout)
        return 0
    if command == "serve":
        if any(a in ("-h", "--help") for a in args[1:]):
            _serve_parser().print_help(sys.stdout)
            return 0
        return serve(args[1:], sys.stdout, sys.stderr)
    if command == "replay":
        if any(a in ("-h", "--help") for a in args[1:]):
            _replay_parser().print_help(sys.stdout)
            return 0
        return replay_command(args[1:], sys.stdout, sys.stderr)
    sys.stderr.write(f"salesmanago-emulator: unknown command {command!r}\n\n{USAGE}")
    return 2


def _replay_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="salesmanago-emulator replay",
        description=(
            "Replay a call log recorded by the SDK (SalesManago(record=...)) against a "
            "fresh emulator and print where the answers differ. Exit status 0: all match; "
            "1: some differ; 2: the file cannot be read."
        ),
        exit_on_error=False,
    )
    parser.add_argument("calls", type=Path, metavar="CALLS.jsonl", help="the recorded call log")
    parser.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="FIELD",
        help="an answer key left out of the comparison wherever it occurs (repeatable)",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--timezone", default="Europe/Warsaw", help="time zone of the accounts created"
    )
    return parser


def replay_command(argv: Sequence[str], out: TextIO, err: TextIO) -> int:
    """The ``replay`` command: 0 when every replayed answer matches, 1 when some differ,
    2 when the arguments or the file cannot be read."""
    from ._jsoncodec import encode_json
    from .replay import CallLogError, read_calls, replay

    try:
        args = _replay_parser().parse_args(list(argv))
    except argparse.ArgumentError as error:
        err.write(f"salesmanago-emulator replay: {error}\n")
        return 2
    except SystemExit as exit_:  # argparse's own errors (already printed)
        return exit_.code if isinstance(exit_.code, int) else 2
    try:
        calls = read_calls(args.calls)
        report = replay(calls, ignore=args.ignore, timezone=args.timezone)
    except CallLogError as error:
        err.write(f"salesmanago-emulator replay: {error}\n")
        return 2
    except ValueError as error:  # an account the log names that cannot be created
        err.write(f"salesmanago-emulator replay: {args.calls}: {error}\n")
        return 2
    out.write(encode_json(report.as_json(), default=str) + "\n" if args.json else report.text())
    return 0 if report.ok else 1
