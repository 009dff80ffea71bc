"""The docs site, built once per session with ``mkdocs build --strict``.

Shared by the docs tests that read the built pages (the coverage table, the API
reference's cross-references); skipped when the docs tools are not installed.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from typing import Final

import pytest

ROOT: Final = Path(__file__).resolve().parents[2]
NEEDED: Final = ("mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers.python")
MISSING: Final = [name for name in NEEDED if importlib.util.find_spec(name.split(".")[0]) is None]
SKIP_REASON: Final = (
    f"the docs tools are not installed ({', '.join(MISSING)}): "
    "pip install -e '.[docs]' to build the site"
)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built with ``mkdocs build --strict`` (any warning fails the build)."""
    if MISSING:
        pytest.skip(SKIP_REASON)
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr}"
    return out
