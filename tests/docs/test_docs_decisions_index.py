"""The decisions page's section index names every section once, in page order.

`docs/emulator/decisions.md` opens with a one-line index of its ``##`` sections (the
page is long and read by people looking for one area's decisions). Each area that
adds a section must add it to the index; this test fails when one is missing,
listed twice, out of order, or links to an anchor the heading does not make.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

PAGE: Final = Path(__file__).resolve().parents[2] / "docs" / "emulator" / "decisions.md"
LINK: Final = re.compile(r"\[([^\]]+)\]\(#([^)]+)\)")


def _anchor(title: str) -> str:
    """The anchor mkdocs (Python-Markdown's toc, default slugify) makes of a heading."""
    text = re.sub(r"[^\w\s-]", "", title.replace("`", "")).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def test_the_index_lists_every_section_once_in_page_order() -> None:
    lines = PAGE.read_text(encoding="utf-8").splitlines()
    index = next(line for line in lines if line.startswith("Sections: "))
    listed = LINK.findall(index)
    headings = [line[3:].strip() for line in lines if line.startswith("## ")]
    assert [title for title, _ in listed] == headings
    assert [anchor for _, anchor in listed] == [_anchor(title) for title in headings]
