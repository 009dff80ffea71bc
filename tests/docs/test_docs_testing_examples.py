"""The testing guide's examples run as tests, in both pytest-asyncio modes (issue 16).

Every ``python`` block of docs/testing.md that defines a test is written to a module
of its own (with ``import pytest`` put first, as the guide's blocks show it once) and
run by pytest in a subprocess, once with ``asyncio_mode=strict`` (pytest-asyncio's
default) and once with ``auto``. Every test of every block must pass: a guide whose
example breaks is a failing test, not a reader's surprise.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "testing.md"
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
_TEST = re.compile(r"^(?:async )?def (test_\w+)", re.MULTILINE)


def _blocks() -> list[str]:
    return [b for b in _BLOCK.findall(GUIDE.read_text(encoding="utf-8")) if _TEST.search(b)]


def test_the_guide_has_runnable_examples() -> None:
    names = [name for block in _blocks() for name in _TEST.findall(block)]
    assert "test_async_client" in names
    assert len(names) >= 10, names


@pytest.mark.parametrize("mode", ["strict", "auto"])
def test_the_guide_examples_pass(tmp_path: Path, mode: str) -> None:
    expected: list[str] = []
    for index, block in enumerate(_blocks()):
        (tmp_path / f"test_guide_{index}.py").write_text("import pytest\n" + block)
        expected += _TEST.findall(block)
    (tmp_path / "pytest.ini").write_text(f"[pytest]\nasyncio_mode = {mode}\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            "-rA",
            str(tmp_path),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    passed = re.findall(r"^PASSED \S+::(test_\w+)", result.stdout, re.MULTILINE)
    assert sorted(passed) == sorted(expected)
