"""``salesmanago-emulator serve`` in a process of its own, for the tests that need the
real command: a state file across restarts, a kill -9, a client in another language.

`start` launches it on a free port and waits until it listens; `stop` ends it (if it
still runs) and closes its pipes. Tests in any directory import it
(``from serve_process import start, stop``): ``tests/`` is on the import path.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Final

SERVE: Final = (sys.executable, "-m", "salesmanago_emulator", "serve", "--port", "0")
"""The command, on a port the system picks."""
BANNER: Final = "salesmanago-emulator serving on "
"""The first line ``serve`` prints once it listens, followed by its URL."""


def start(*options: str) -> tuple[subprocess.Popen[str], str]:
    """``serve`` with ``options``, listening: the process and its URL.

    Fails the test with the command's error output if it stops before listening.
    """
    process = subprocess.Popen(
        [*SERVE, *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    if not first.startswith(BANNER):
        if process.poll() is None:
            process.kill()
        said = process.stderr.read() if process.stderr is not None else ""
        stop(process)
        raise AssertionError(f"serve did not start: {first!r} {said}")
    return process, first[len(BANNER) :].strip()


def stop(process: subprocess.Popen[str]) -> None:
    """End ``process`` if it still runs (SIGTERM, SIGKILL after 10 s) and close its pipes."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
    for stream in (process.stdout, process.stderr):
        if stream is not None and not stream.closed:
            stream.close()
