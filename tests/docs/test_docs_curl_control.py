"""Every curl POST to the control API in the docs and the README sends a JSON content type.

Server mode refuses a control write without ``Content-Type: application/json`` (415,
issue 15: what a cross-site form sends), so a documented command without it fails
when pasted. A POST is a curl line with a body (``-d``) or ``-X POST``; a control
URL is one under ``/_emulator/`` or the docs' ``$E`` shorthand for it.
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


def _control_posts() -> list[tuple[str, str]]:
    found = []
    for page in [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]:
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            if "curl" in line and CONTROL.search(line) and POST.search(line + " "):
                found.append((f"{page.relative_to(ROOT)}:{number}", line))
    return found


def test_every_documented_control_post_sends_json() -> None:
    posts = _control_posts()
    assert len(posts) >= 10  # the server and Contact Manager pages hold many
    missing = [where for where, line in posts if not JSON_TYPE.search(line)]
    assert missing == []
