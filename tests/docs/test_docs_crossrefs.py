"""Docstrings are Markdown: no Sphinx role anywhere, every cross-reference resolves.

mkdocstrings renders docstrings as Markdown, so a Sphinx role (``:class:`X```,
``:meth:`~a.b``` ...) shows as raw text in the API reference (issue 16). A name the
reference documents is written ``[`X`][full.path]`` (resolved by autorefs; an
unresolved one fails the strict build), any other name as plain code. Checked here:

* the source: every docstring under ``src/`` (module, class, function and attribute
  docstrings, read with `ast`) and every comment (``#:`` documents a constant)
  holds no role;
* the docs pages (``docs/**/*.md``) hold none outside code;
* the built site: no page shows one;
* every cross-reference written in a docstring names an anchor of the built site,
  also in docstrings no page renders (a private module's), which the build never sees.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterator
from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parents[2]
SRC: Final = ROOT / "src"
DOCS: Final = ROOT / "docs"

_ROLES: Final = r"(?:py:)?(?:class|meth|func|attr|data|exc|mod|obj|const|type)"
ROLE: Final = re.compile(rf":{_ROLES}:`[^`]*`?")
"""A Sphinx role of the Python domain as written in reStructuredText."""
RENDERED_ROLE: Final = re.compile(rf":{_ROLES}:(?:<code>|`)")
"""The same role once Markdown has rendered its backticks as code."""
CROSS_REFERENCE: Final = re.compile(r"\]\[([A-Za-z_]\w*(?:\.\w+)+)\]")
"""The identifier of a Markdown cross-reference ``[text][package.module.Name]``."""
_FENCE: Final = re.compile(r"^(```|~~~).*?^\1", re.DOTALL | re.MULTILINE)
_CODE_SPAN: Final = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.DOTALL)
_ANCHOR: Final = re.compile(r'\bid="([^"]+)"')


def _sources() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def _docstrings(path: Path) -> Iterator[tuple[int, str]]:
    """``(line, text)`` of every docstring of a module: a string statement anywhere
    (the first of a module, class or function, or one after an assignment)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            yield node.lineno, node.value.value


def _comments(path: Path) -> Iterator[tuple[int, str]]:
    source = io.StringIO(path.read_text(encoding="utf-8"))
    for token in tokenize.generate_tokens(source.readline):
        if token.type == tokenize.COMMENT:
            yield token.start[0], token.string


def _roles_in(path: Path, where: str) -> list[str]:
    """``where:line: role`` for every role in a docstring or comment of ``path``."""
    found = [*_docstrings(path), *_comments(path)]
    return [
        f"{where}:{line + text.count(chr(10), 0, match.start())}: {match.group(0)}"
        for line, text in found
        for match in ROLE.finditer(text)
    ]


def _outside_code(markdown: str) -> str:
    """A Markdown page without its fenced blocks and inline code spans."""
    return _CODE_SPAN.sub("", _FENCE.sub("", markdown))


def test_no_sphinx_role_in_a_docstring_or_comment_under_src() -> None:
    """Each role would show as raw text on the reference pages."""
    left = [hit for path in _sources() for hit in _roles_in(path, str(path.relative_to(ROOT)))]
    assert not left, "Sphinx roles left (write [`Name`][full.path] or `Name`):\n" + "\n".join(left)


def test_the_role_check_sees_docstrings_and_comments(tmp_path: Path) -> None:
    """The scan finds a role where one hides: a module, class, method and attribute
    docstring and a ``#:`` comment (so the test above cannot pass by reading nothing)."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""See :class:`A`."""\n'
        "#: the limit, see :data:`~pkg.LIMIT`.\n"
        "LIMIT = 1\n"
        '"""Or :py:attr:`LIMIT`."""\n'
        "class A:\n"
        '    """A :exc:`ValueError`."""\n'
        "    def f(self) -> None:\n"
        '        """Like :meth:`g`."""\n'
        '        text = ":func:`not a docstring`"\n',
        encoding="utf-8",
    )
    hits = _roles_in(sample, "sample.py")
    assert hits == [
        "sample.py:1: :class:`A`",
        "sample.py:4: :py:attr:`LIMIT`",
        "sample.py:6: :exc:`ValueError`",
        "sample.py:8: :meth:`g`",
        "sample.py:2: :data:`~pkg.LIMIT`",
    ]


def test_no_sphinx_role_on_a_docs_page() -> None:
    """The Markdown pages themselves; a role inside code (showing the syntax) is fine."""
    left = [
        f"{page.relative_to(ROOT)}: {match.group(0)}"
        for page in sorted(DOCS.rglob("*.md"))
        for match in ROLE.finditer(_outside_code(page.read_text(encoding="utf-8")))
    ]
    assert not left, "Sphinx roles on docs pages:\n" + "\n".join(left)


def test_no_raw_role_on_a_built_page(site: Path) -> None:
    """What a reader sees: no page of the site, the API reference above all, shows a
    role's markup."""
    pages = sorted(site.rglob("*.html"))
    assert any(page.parent.parent.name == "api" for page in pages), "no API reference pages"
    left = [
        f"{page.relative_to(site)}: {match.group(0)}"
        for page in pages
        for match in RENDERED_ROLE.finditer(page.read_text(encoding="utf-8"))
    ]
    assert not left, "raw Sphinx roles on built pages:\n" + "\n".join(left)


def test_every_cross_reference_in_a_docstring_is_an_anchor_of_the_site(site: Path) -> None:
    """A cross-reference names the path the reference documents the object under (the
    ``id`` of its heading); docstrings no page renders are checked here too."""
    anchors = {
        anchor
        for page in site.rglob("*.html")
        for anchor in _ANCHOR.findall(page.read_text(encoding="utf-8"))
    }
    written = {
        (f"{path.relative_to(ROOT)}:{line + text.count(chr(10), 0, ref.start())}", ref.group(1))
        for path in _sources()
        for line, text in _docstrings(path)
        for ref in CROSS_REFERENCE.finditer(text)
    }
    assert written, "no cross-reference found in the docstrings"
    unknown = sorted(
        f"{where}: {identifier}" for where, identifier in written if identifier not in anchors
    )
    assert not unknown, "cross-references to no anchor of the site:\n" + "\n".join(unknown)
