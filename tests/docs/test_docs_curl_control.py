"""Every curl POST to the control API in the docs and the README sends a JSON content type.

Server mode refuses a control write without ``Content-Type: application/json`` (415,
issue 15: what a cross-site form sends), so a documented command without it fails
when pasted. A POST is a curl command (its backslash-continued lines joined) with a
body (``-d``) or ``-X POST``; a control URL is one under ``/_emulator/`` or the docs'
``$E`` shorthand for it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parents[2]
DOCS: Final = ROOT / "docs"
CONTROL: Final = re.compile(r"/_emulator/|\$E/(?!api/)")  # one page's $E is the server
POST: Final = re.compile(r"\s(-d|--data\S*|-X\s+POST)\s")
JSON_TYPE: Final = re.compile(
    r"-H\s+(\"\$J\"|'Content-Type: application/json'|\"Content-Type: application/json\")"
)


def _commands(text: str) -> list[tuple[int, str]]:
    """``(first line number, command)`` of every line, a command continued with a
    trailing backslash joined into one (its ``-d`` or ``-H`` may sit on a later line)."""
    commands: list[tuple[int, str]] = []
    start, parts = 0, []
    for number, line in enumerate(text.splitlines(), 1):
        start = start or number
        parts.append(line.removesuffix("\\"))
        if not line.endswith("\\"):
            commands.append((start, " ".join(parts)))
            start, parts = 0, []
    return commands


def _control_posts() -> list[tuple[str, str]]:
    found = []
    for page in [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]:
        for number, line in _commands(page.read_text(encoding="utf-8")):
            if "curl" in line and CONTROL.search(line) and POST.search(line + " "):
                found.append((f"{page.relative_to(ROOT)}:{number}", line))
    return found


def test_a_command_continued_over_lines_is_read_whole() -> None:
    """A POST whose body or header sits on a continuation line is still seen."""
    text = "$ curl -X POST $E/faults/add \\\n    -d '{}'\nnext"
    assert _commands(text) == [(1, "$ curl -X POST $E/faults/add      -d '{}'"), (3, "next")]


def test_every_documented_control_post_sends_json() -> None:
    posts = _control_posts()
    assert len(posts) >= 10  # the server and Contact Manager pages hold many
    missing = [where for where, line in posts if not JSON_TYPE.search(line)]
    assert missing == []
