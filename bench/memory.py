"""Memory per contact, measured in a fresh process, contacts ingested through the router.

``memory_bytes`` starts ``python -m bench.memory COUNT`` (a new interpreter, so
nothing this process allocated and freed sits in its heap). The child imports
everything, reads its own ``VmRSS`` from ``/proc/self/status``, then builds an
emulator (call log on, its default size) and sends ``COUNT`` contacts (3 tags,
3 details each) as raw JSON ``batchupsert`` requests of 1 000 items through the
emulator's in-process transport (``httpx.Client(transport=emulator.transport())``):
the router reads, checks and logs each request as any client's. After a
``gc.collect()`` it reads ``VmRSS`` again and its ``VmHWM`` (its own peak:
never a child's ``ru_maxrss``, which inherits the parent's high-water mark
through ``exec``), and prints them as JSON.

Figure: (RSS after - RSS before) / COUNT, in bytes per contact; target <= 1024
(issue 17). The detail also gives the peak over the same baseline, and how many
requests the call log holds (the log keeps each batch's bytes and answer).
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

from ._timing import Result

ROOT = Path(__file__).resolve().parents[1]
BATCH = 1000
TARGET = 1024
REQUEST_TIME_MS = 1_768_471_200_000  # the bench emulator's frozen clock, 2026-01-15 10:00 UTC


def status_kib(field: str) -> int:
    """A ``kB`` field (``VmRSS``, ``VmHWM``) of this process's ``/proc/self/status``, in KiB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def _item(i: int) -> dict[str, object]:
    return {
        "contact": {"email": f"user{i}@example.com", "name": f"User {i}"},
        "tags": ["TAG0", "TAG1", "TAG2"],
        "properties": {f"detail{d}": str(i % 97) for d in range(3)},
    }


def ingest(count: int) -> dict[str, int]:
    """In this process: ``count`` contacts through the router; the /proc figures, in bytes."""
    import httpx

    from salesmanago._auth import compute_sha

    from .contacts import CLIENT_ID, OWNER, SECRET, _emulator

    api_key = "bench-key"
    auth = {
        "clientId": CLIENT_ID,
        "apiKey": api_key,
        "requestTime": REQUEST_TIME_MS,
        "sha": compute_sha(api_key, CLIENT_ID, SECRET),
        "owner": OWNER,
    }
    headers = {"Content-Type": "application/json"}
    gc.collect()
    before = status_kib("VmRSS")
    emu = _emulator()
    with httpx.Client(transport=emu.transport()) as http:
        for start in range(0, count, BATCH):
            items = [_item(i) for i in range(start, min(start + BATCH, count))]
            content = json.dumps({**auth, "upsertDetails": items}).encode()
            response = http.post(
                "http://bench.local/api/contact/batchupsert", content=content, headers=headers
            )
            if response.status_code != 200 or "failures" in response.json():
                raise RuntimeError(f"batch at {start} failed: {response.text[:300]}")
            del items, content, response
    gc.collect()
    after, peak = status_kib("VmRSS"), status_kib("VmHWM")
    stored = emu.account(CLIENT_ID).count()
    if stored != count:
        raise RuntimeError(f"{stored} contacts stored, {count} sent")
    return {
        "count": count,
        "before": before * 1024,
        "after": after * 1024,
        "peak": peak * 1024,
        "calls": len(emu.calls),
    }


def measure(count: int) -> dict[str, int]:
    """:func:`ingest` in a fresh ``python -m bench.memory`` process; its JSON answer."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.memory", str(count)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the memory child failed: {done.stderr[-2000:]}")
    answer: dict[str, int] = json.loads(done.stdout)
    return answer


def memory_bytes(count: int) -> Result:
    """Bytes per contact at ``count`` contacts, fresh process, via the router (target 1024)."""
    m = measure(count)
    per = (m["after"] - m["before"]) / count
    peak = (m["peak"] - m["before"]) / count
    return Result(
        "memory_bytes",
        per,
        TARGET,
        True,
        f"{per:.0f} B per contact at {count} contacts (3 tags, 3 details) in a fresh process, "
        f"ingested by {-(-count // BATCH)} raw batchupsert requests through the router; "
        f"peak {peak:.0f} B per contact; call log holds {m['calls']} requests",
    )


if __name__ == "__main__":
    print(json.dumps(ingest(int(sys.argv[1]))))
