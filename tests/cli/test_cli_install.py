"""How the command is installed (issue 16, item 2): a console script on the library,
whose own dependency (rich) is an extra the core SDK never imports."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points


def test_the_salesmanago_console_script_runs_the_command() -> None:
    (script,) = entry_points(group="console_scripts", name="salesmanago")
    assert script.value == "salesmanago._cli:main"


def test_the_sdk_needs_none_of_the_commands_dependencies() -> None:
    """Without rich (its import blocked) the SDK imports; the command's package is not
    even loaded."""
    code = (
        "import sys; sys.modules['rich'] = None\n"
        "import salesmanago\n"
        "print('salesmanago._cli' in sys.modules)"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert output.split() == ["False"]


def test_python_m_runs_the_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "salesmanago._cli", "--help"], capture_output=True, text=True
    )
    assert done.returncode == 0
    assert "import" in done.stdout
    assert "export" in done.stdout
