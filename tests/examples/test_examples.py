"""Every runnable script under ``examples/`` runs on the embedded emulator and says what it did.

Each example is run as the README tells users to run it (``python
examples/<name>.py``) in a child process with every ``SALESMANAGO_*``
variable removed, so it takes the emulator path; it must exit 0 and print.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SCRIPTS = sorted(p for p in EXAMPLES.glob("*.py") if not p.name.startswith("_"))


def _offline_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("SALESMANAGO_")}


def test_examples_are_found() -> None:
    """The quick start is among the examples (guards against an empty parametrisation)."""
    assert "quickstart.py" in {p.name for p in SCRIPTS}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_example_runs_on_the_emulator(script: Path) -> None:
    """The script exits 0 on the emulator, prints its steps, and writes nothing to stderr."""
    done = subprocess.run(
        [sys.executable, str(script)],
        env=_offline_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "emulator" in done.stdout
    assert len(done.stdout.splitlines()) >= 5
    assert done.stderr == ""
