"""Helpers of the command's tests: the account, writing input files, reading the
failures file and the emulator's call log."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from salesmanago_emulator import Emulator, FrozenClock

CLIENT_ID = "cli-client"
SECRET = "cli-secret"
OWNER = "owner@shop.example.com"
NOW = datetime(2026, 1, 15, 10, tzinfo=timezone.utc)
BATCH_UPSERT = "/api/contact/batchupsert"


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Path:
    """A CSV file with ``header`` and ``rows``."""
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def people(count: int, start: int = 0) -> list[list[object]]:
    """``email,name`` rows."""
    return [[f"user{i}@example.com", f"User {i}"] for i in range(start, start + count)]


def failures(path: Path) -> list[dict[str, Any]]:
    """The entries of a failures file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def sent_emails(emu: Emulator[FrozenClock]) -> Counter[str]:
    """How often each e-mail was sent in an answered ``batchupsert``."""
    counts: Counter[str] = Counter()
    for call in emu.calls:
        if call.path == BATCH_UPSERT and call.status == 200 and call.request is not None:
            counts.update(item["contact"]["email"] for item in call.request["upsertDetails"])
    return counts
