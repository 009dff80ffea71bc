"""Smoke test of the bulk benchmarks at tiny sizes, so they cannot rot (the figures
are not checked against their targets: tiny sizes say nothing about throughput)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `bench` lives at the repository root, next to tests/
    sys.path.insert(0, str(ROOT))

from bench import bulk  # noqa: E402


def test_the_bulk_benchmarks_measure_the_command_and_its_memory() -> None:
    throughput = bulk.cli_throughput(800, rounds=1)
    assert throughput.name == "cli_throughput"
    assert throughput.ratio > 0
    assert "800 contacts: command" in throughput.detail
    memory = bulk.cli_memory(200, 400)
    assert memory.name == "cli_memory"
    assert memory.lower_is_better
    assert memory.ratio > 0
