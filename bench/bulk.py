"""Bulk import benchmarks (issue 16): the ``salesmanago`` command against server mode.

* ``cli_throughput`` -- ``salesmanago import contacts FILE.csv`` (run in this process
  through its ``main``: mapping the columns, checking each row, the checkpoint
  after every chunk, a result per row) vs calling ``contacts.batch_upsert``
  directly, as a hand-written import does: the same CSV read with
  ``csv.DictReader`` into ContactUpserts, then one ``batch_upsert`` with the same
  chunks (400) and the same concurrency (the async client's 4 requests at a time;
  the command's ``--concurrency`` default). Each side imports into a fresh
  ``salesmanago-emulator serve`` process; wall time, since the work is shared
  with the server (on a machine whose cores are busy with other work, every
  client CPU second also slows the server down, and the ratio drops). Ratio: the
  command's throughput over the direct call's, target >= 0.8.
* ``cli_memory`` -- the command's peak resident memory (``ru_maxrss``, measured in
  a fresh Python process per size, so nothing of an earlier run counts) importing
  a large CSV over a small one: the command streams its input, so the ratio
  stays <= 1.2.

Sizes: 40 000 contacts for the throughput (best of 4 alternated runs of each side:
on a shared machine single runs vary by a third) and 20 000 -> 100 000 for the
memory by default (under a minute in all); ``--quick`` uses 10 000 and 10 000 ->
50 000; ``--bulk-full`` runs the issue's sizes (1 000 000 contacts, one run each,
and 100 000 -> 1 000 000 for the memory), which take several minutes.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import anyio

from salesmanago import AsyncSalesManago, ContactUpsert
from salesmanago._cli import main as cli_main

from ._timing import Result
from .contacts import CLIENT_ID, OWNER, SECRET
from .load import server

CHUNK = 400
THROUGHPUT_TARGET = 0.8
MEMORY_TARGET = 1.2
ENV = {
    "SALESMANAGO_CLIENT_ID": CLIENT_ID,
    "SALESMANAGO_API_SECRET": SECRET,
    "SALESMANAGO_OWNER": OWNER,
}


def write_csv(path: Path, count: int) -> Path:
    """A CSV of ``count`` contacts: e-mail, name, phone, two tags."""
    with open(path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["email", "name", "phone", "tags"])
        for i in range(count):
            writer.writerow([f"user{i}@example.com", f"User {i}", f"+48{i:09d}", "VIP,NEW"])
    return path


def _items(source: Path) -> list[ContactUpsert]:
    """The hand-written way: every row of the CSV as a ContactUpsert."""
    with open(source, newline="") as file:
        return [
            ContactUpsert(
                email=row["email"],
                name=row["name"],
                phone=row["phone"],
                tags=row["tags"].split(","),
            )
            for row in csv.DictReader(file)
        ]


def _direct(url: str, source: Path) -> None:
    """A hand-written import: read the CSV, build the contacts, ``batch_upsert`` them."""
    items = _items(source)

    async def upsert() -> None:
        async with AsyncSalesManago(
            client_id=CLIENT_ID, api_secret=SECRET, owner=OWNER, endpoint=url
        ) as client:
            result = await client.contacts.batch_upsert(items, chunk_size=CHUNK)
            assert not result.failed

    anyio.run(upsert)


def _command(url: str, source: Path) -> None:
    saved = {name: os.environ.get(name) for name in ENV}
    os.environ.update(ENV)
    command = ["import", "contacts", str(source), "--endpoint", url, "--quiet"]
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            status = cli_main([*command, "--chunk-size", str(CHUNK)])
        for leftover in source.parent.glob(source.name + ".*"):
            leftover.unlink()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    assert status == 0, f"the command exited {status}"


def _wall(fn: Callable[[], None]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def cli_throughput(count: int, rounds: int = 4) -> Result:
    """The command's import of ``count`` contacts vs ``batch_upsert`` of the same: the
    best of ``rounds`` runs of each, alternated (the machine's load hits both)."""
    with tempfile.TemporaryDirectory() as folder:
        source = write_csv(Path(folder) / "contacts.csv", count)
        warm = write_csv(Path(folder) / "warm.csv", CHUNK)
        with server() as url:  # warm-up of both paths (imports, first-use costs)
            _direct(url, warm)
            _command(url, warm)
        t_direct = t_cli = float("inf")
        for _ in range(rounds):
            with server() as url:
                t_direct = min(t_direct, _wall(lambda: _direct(url, source)))
            with server() as url:
                t_cli = min(t_cli, _wall(lambda: _command(url, source)))
    command, direct = count / t_cli, count / t_direct
    return Result(
        "cli_throughput",
        t_direct / t_cli,
        THROUGHPUT_TARGET,
        False,
        f"{count} contacts: command {command:,.0f}/s vs batch_upsert {direct:,.0f}/s",
    )


_PEAK_SCRIPT = """
import os, resource, sys
from salesmanago._cli import main
status = main(["import", "contacts", sys.argv[1], "--endpoint", sys.argv[2], "--quiet"])
assert status == 0, status
try:  # this process's own high-water mark (Linux)
    with open("/proc/self/status") as status_file:
        peak = next(int(l.split()[1]) for l in status_file if l.startswith("VmHWM:"))
except (OSError, StopIteration):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(peak)
"""
"""The child reports ``VmHWM``, not ``ru_maxrss``: on Linux ``exec`` carries the forking
parent's high-water mark into ``ru_maxrss``, so after the 1 000 000-contact benches the
child would report the parent's size."""


def peak_kib(source: Path) -> int:
    """The command's peak resident memory (KiB) importing ``source``, in a fresh process."""
    with server() as url:
        output = subprocess.run(
            [sys.executable, "-c", _PEAK_SCRIPT, str(source), url],
            env={**os.environ, **ENV},
            capture_output=True,
            text=True,
            check=True,
        )
    return int(output.stdout.split()[-1])


def cli_memory(small: int, large: int) -> Result:
    """Peak memory of the command at ``large`` rows over ``small`` rows."""
    with tempfile.TemporaryDirectory() as folder:
        low = peak_kib(write_csv(Path(folder) / "small.csv", small))
        high = peak_kib(write_csv(Path(folder) / "large.csv", large))
    return Result(
        "cli_memory",
        high / low,
        MEMORY_TARGET,
        True,
        f"peak {low / 1024:.0f} MiB at {small} rows, {high / 1024:.0f} MiB at {large}",
    )


def run(*, quick: bool, only: set[str], full: bool = False) -> list[Result]:
    """The bulk benchmarks; ``full``: the issue's sizes (minutes)."""
    if full:
        sizes = (1_000_000, 100_000, 1_000_000)  # one round each: minutes
    elif quick:
        sizes = (10_000, 10_000, 50_000)
    else:
        sizes = (40_000, 20_000, 100_000)
    results = []
    if not only or only & {"bulk", "cli_throughput"}:
        results.append(cli_throughput(sizes[0], rounds=1 if full else 4))
    if not only or only & {"bulk", "cli_memory"}:
        results.append(cli_memory(sizes[1], sizes[2]))
    return results
