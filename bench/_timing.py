"""Small timing helpers shared by the benchmarks."""

from __future__ import annotations

import contextlib
import gc
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import attrs


@attrs.frozen
class Result:
    """One benchmark's ratio and its target."""

    name: str
    ratio: float
    target: float
    lower_is_better: bool
    detail: str


def best_of(fn: Callable[[], object], repeats: int = 5) -> float:
    """The fastest of ``repeats`` runs of ``fn``, in seconds (GC paused while timing).

    Seconds of CPU time of this process (user + system), not wall time: on a
    shared machine the time other processes hold the CPU does not land on
    whichever side of a ratio happened to be running. Every benchmark timed
    here computes in this process without waiting (the emulator answers in
    process), so nothing it does is left out.
    """
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        gc.disable()
        try:
            t0 = time.process_time()
            fn()
            best = min(best, time.process_time() - t0)
        finally:
            gc.enable()
    return best


@contextlib.contextmanager
def spawn(*command: str) -> Iterator[str]:
    """A server subprocess; yields its URL (read from ``... on <url>`` on its first line)."""
    proc = subprocess.Popen([sys.executable, *command], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if " on http://" not in line:
            raise RuntimeError(f"{command} did not start: {line!r}")
        yield line.rsplit(" ", 1)[1].strip()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


@contextlib.contextmanager
def frozen_gc() -> Iterator[None]:
    """Collect, then freeze what lives (a populated account of millions of objects), so
    a collection during the timed rounds does not walk it; unfreeze after."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
