"""The wheel the install page tells users to build holds what they need (issue 16):
both packages with ``py.typed``, the emulator's package data, the console scripts and
the pytest plugin's entry point."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_holds_both_packages_their_data_and_entry_points(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    (wheel,) = tmp_path.glob("salesmanago_py-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        entries = archive.read(entry_points).decode()
    for needed in (
        "salesmanago/__init__.py",
        "salesmanago/py.typed",
        "salesmanago_emulator/__init__.py",
        "salesmanago_emulator/py.typed",
        "salesmanago_emulator/data/protocol_paths.json",
        "salesmanago_emulator/data/first_names_pl.txt",
        "salesmanago_emulator/data/first_names_hu.txt",
        "salesmanago_emulator/data/first_names_cs.txt",
        "salesmanago_emulator/data/FIRST_NAMES.md",
        "salesmanago_emulator/dashboard/templates/card.html",
        "salesmanago_emulator/dashboard/templates/_card.html",
    ):
        assert needed in names, needed
    assert not any(name.startswith(("tests/", "docs/", "bench/")) for name in names)
    assert "salesmanago-emulator = salesmanago_emulator.__main__:main" in entries
    assert "salesmanago = salesmanago._cli:main" in entries
    assert "salesmanago = salesmanago_emulator.pytest_plugin" in entries
