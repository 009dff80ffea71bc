"""The ``salesmanago`` command: bulk imports and exports on the SDK (docs/bulk.md).

```
salesmanago import contacts FILE.csv|FILE.jsonl [--map COLUMN=TARGET ...] [--dry-run] [--resume]
salesmanago import events FILE [...]
salesmanago export contacts [--format csv|jsonl] [--output FILE]
```

Credentials come from the ``SALESMANAGO_*`` variables the client reads;
``--endpoint URL`` names the server (e.g. ``salesmanago-emulator serve``);
``--emulator`` runs against a fresh in-process emulator with one account, to try
the command out. Exit status: 0 every row applied, 1 some row not applied (see
the failures file), 2 a usage or configuration error, 130 interrupted (the
checkpoint lets ``--resume`` go on).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Final

from .._bulk import SyncKind
from ..errors import CheckpointError, ConfigurationError, SalesManagoError, ValidationError
from ..models.bulk import RowResult, RowStatus, SyncReport, UnreadableRow
from ._files import READ_ERROR, FailuresFile, InputFile, input_format
from ._mapping import ColumnMap, MappingError
from ._progress import Bar, require_rich

__all__ = ["main"]

#: The account of ``--emulator``.
DEMO_ACCOUNT: Final = ("cli-demo", "cli-demo-secret", "owner@example.com")
#: Requests in flight at once (the async client's default ``concurrency``).
DEFAULT_CONCURRENCY: Final = 4
CHUNK_SIZES: Final = {"contacts": 400, "events": 1000}


class UsageError(Exception):
    """A mistake in the command's arguments or files: printed, exit status 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="salesmanago",
        description="Bulk import and export with the SALESmanago API (docs/bulk.md).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    target = argparse.ArgumentParser(add_help=False)
    where = target.add_mutually_exclusive_group()
    where.add_argument(
        "--endpoint", help="the server's URL (default: SALESMANAGO_ENDPOINT, else the platform)"
    )
    where.add_argument(
        "--emulator", action="store_true", help="a fresh in-process emulator, to try it out"
    )
    target.add_argument("--quiet", action="store_true", help="no progress bar")
    importing = commands.add_parser(
        "import", help="import contacts or events from a file", parents=[target]
    )
    importing.add_argument("kind", choices=("contacts", "events"))
    importing.add_argument("file", type=Path, help="a .csv or .jsonl file")
    importing.add_argument("--format", choices=("csv", "jsonl"), help="default: from the suffix")
    importing.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=TARGET",
        help="fill TARGET (a field, property:NAME, consent:NAME, detailN, or ignore) from COLUMN",
    )
    importing.add_argument("--tag-separator", default=",", help="between tags in a cell (,)")
    importing.add_argument("--chunk-size", type=int, help="rows per request (400; events 1000)")
    importing.add_argument(
        "--concurrency", type=int, default=DEFAULT_CONCURRENCY, help="requests in flight (4)"
    )
    importing.add_argument("--dry-run", action="store_true", help="check every row, send nothing")
    importing.add_argument("--resume", action="store_true", help="go on from the checkpoint")
    importing.add_argument("--checkpoint", type=Path, help="default: FILE.checkpoint")
    importing.add_argument("--failures", type=Path, help="default: FILE.failures.jsonl")
    exporting = commands.add_parser(
        "export", help="export every contact to CSV or JSON Lines", parents=[target]
    )
    exporting.add_argument("kind", choices=("contacts",))
    exporting.add_argument("--format", choices=("csv", "jsonl"), default="jsonl")
    exporting.add_argument("--output", "-o", default="-", help="a file (default: standard output)")
    exporting.add_argument("--page-size", type=int, default=1000)
    exporting.add_argument("--poll-interval", type=float, default=2.0)
    return parser


def _client(args: argparse.Namespace, concurrency: int = DEFAULT_CONCURRENCY) -> Any:
    """The async client the command works with."""
    if args.emulator:
        from salesmanago_emulator import Emulator

        client_id, secret, owner = DEMO_ACCOUNT
        emulator = Emulator()
        emulator.add_account(client_id=client_id, api_secret=secret, users=[owner])
        return emulator.async_client(client_id, max_concurrent_requests=concurrency, max_retries=2)
    from .._client import AsyncSalesManago

    return AsyncSalesManago(endpoint=args.endpoint, max_concurrent_requests=concurrency)


def _overrides(pairs: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        column, sep, target = pair.partition("=")
        if not sep or not column or not target.strip():
            raise UsageError(f"--map {pair!r}: expected COLUMN=TARGET")
        out[column] = target
    return out


class _Import:
    """One ``import`` run: the file's rows, the failures file, the report."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        path: Path = args.file
        if not path.is_file():
            raise UsageError(f"{path}: no such file")
        try:
            self.source = InputFile(path, input_format(path, args.format))
            self.columns = ColumnMap.build(
                args.kind, self.source.columns, _overrides(args.map), args.tag_separator
            )
        except (ValueError, MappingError) as error:
            raise UsageError(str(error)) from None
        self.chunk_size = args.chunk_size or CHUNK_SIZES[args.kind]
        self.checkpoint: Path = args.checkpoint or path.with_name(path.name + ".checkpoint")
        self.failures = FailuresFile(args.failures or path.with_name(path.name + ".failures.jsonl"))
        self._pending: dict[int, Mapping[str, Any]] = {}
        self._key = b""
        self._signature = repr(
            (args.kind, sorted(self.columns.targets.items()), self.columns.separator)
        ).encode()

    def rows(self) -> Iterator[Any]:
        """The SDK's rows, each record kept until its outcome is written."""
        # The checkpoint tells rows apart by the record read (cheaper than a model's
        # repr), the first one also by the column map: another --map is another input.
        encode = _csv_key if self.source.format == "csv" else _json_key
        for index, record in enumerate(self.source.records()):
            self._pending[index] = record
            self._key = encode(record) if index else self._signature + encode(record)
            reason = record.get(READ_ERROR)
            yield UnreadableRow(str(reason)) if reason is not None else self.columns.row(record)

    def row_key(self, row: object) -> bytes:
        """The checkpoint's identity of the row just read: its record's (see `rows`)."""
        return self._key

    def on_result(self, result: RowResult) -> None:
        """Write a row that was not applied to the failures file."""
        record = self._pending.pop(result.index, None)
        if result.status is not RowStatus.APPLIED:
            self.failures.write(result.index, result.status.value, result.errors, record)

    def leftovers(self, why: str) -> int:
        """Rows read whose outcome never came (the run stopped): written as NOT_SENT."""
        for index in sorted(self._pending):
            self.failures.write(index, RowStatus.NOT_SENT.value, (why,), self._pending[index])
        count = len(self._pending)
        self._pending.clear()
        return count

    def dry_run(self) -> int:
        """Check every row as the SDK would before sending; send nothing."""
        kind = _kind(self.args.kind)
        read = 0
        with Bar("checking", self.source.count(), quiet=self.args.quiet) as bar:
            for index, row in enumerate(self.rows()):
                read += 1
                errors: tuple[str, ...] = ()
                if isinstance(row, UnreadableRow):
                    errors = (row.reason,)
                else:
                    try:
                        kind.prepare(index, row)
                    except ValidationError as error:
                        errors = (str(error),)
                record = self._pending.pop(index, None)
                if errors:
                    self.failures.write(index, RowStatus.REFUSED.value, errors, record)
                bar.contacts(read)
        self.failures.close()
        bad = self.failures.count
        print(f"dry run: {read} rows read, {read - bad} would be sent, {bad} refused", end="")
        print(f" (see {self.failures.path})" if bad else "")
        return 1 if bad else 0

    async def send(self) -> SyncReport:
        """Sync the rows through the SDK."""
        args = self.args
        async with _client(args, args.concurrency) as client:
            resource = client.contacts if args.kind == "contacts" else client.events
            with Bar(f"importing {args.kind}", self.source.count(), quiet=args.quiet) as bar:
                report: SyncReport = await resource.sync(
                    self.rows(),
                    chunk_size=self.chunk_size,
                    checkpoint=self.checkpoint,
                    progress=bar.rows,
                    on_result=self.on_result,
                    keep_results=False,
                    row_key=self.row_key,
                )
        return report

    def run(self) -> int:
        """Run the import (or the dry run); the exit status."""
        if self.args.dry_run:
            return self.dry_run()
        if self.checkpoint.exists() and not self.args.resume:
            raise UsageError(
                f"{self.checkpoint} holds the checkpoint of an earlier run: pass --resume "
                "to go on with it, or remove it to start over"
            )
        try:
            report = asyncio.run(self.send())
        except KeyboardInterrupt:
            self.leftovers("interrupted before this row was acknowledged")
            self.failures.close()
            print(
                f"\ninterrupted: the rows acknowledged so far are in {self.checkpoint}; "
                "run the same command with --resume to go on",
                file=sys.stderr,
            )
            return 130
        except BaseException:
            self.failures.close()
            raise
        return self._summary(report)

    def _summary(self, report: SyncReport) -> int:
        progress = report.progress
        stopped = self.leftovers(report.error or "not acknowledged")
        self.failures.close()
        not_done = progress.not_sent + stopped
        line = (
            f"{progress.read} rows: {progress.applied} applied, {progress.refused} refused, "
            f"{not_done} not sent"
        )
        if progress.resumed:
            line += f" ({progress.resumed} acknowledged by an earlier run)"
        if self.args.emulator:
            line += " (in a fresh in-process emulator: gone when the command ends)"
        print(line)
        if self.failures.count:
            print(f"rows not applied, with the platform's texts: {self.failures.path}")
        if report.error:
            print(f"stopped: {report.error}", file=sys.stderr)
            print(f"run the same command with --resume to send the rest ({self.checkpoint})")
        return 0 if report.complete and not progress.refused else 1


def _csv_key(record: Mapping[str, Any]) -> bytes:
    return "\x1f".join(map(str, record.values())).encode()


def _json_key(record: Mapping[str, Any]) -> bytes:
    return json.dumps(record, sort_keys=True, default=str).encode()


def _kind(name: str) -> SyncKind[Any, Any]:
    if name == "contacts":
        from ..resources._contact_writes import CONTACT_SYNC

        return CONTACT_SYNC
    from ..resources.events import EVENT_SYNC

    return EVENT_SYNC


def _export(args: argparse.Namespace) -> int:
    async def export(stream: IO[str] | str) -> int:
        async with _client(args) as client:
            with Bar("exporting contacts", None, quiet=args.quiet) as bar:
                count: int = await client.exports.to_file(
                    stream,
                    format=args.format,
                    page_size=args.page_size,
                    poll_interval=args.poll_interval,
                    progress=bar.contacts,
                )
        return count

    count = asyncio.run(export(sys.stdout if args.output == "-" else args.output))
    print(f"{count} contacts exported", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns its exit status."""
    args = _parser().parse_args(argv)
    try:
        require_rich()
        if args.command == "import":
            return _Import(args).run()
        return _export(args)
    except ImportError as error:
        print(f"salesmanago: {error}", file=sys.stderr)
        return 2
    except (UsageError, ConfigurationError, CheckpointError, ValidationError) as error:
        print(f"salesmanago: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except SalesManagoError as error:
        print(f"salesmanago: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
