"""No module of ``src/`` imports, directly or through others, a module that imports it back.

The graph (``import_graph.py``) counts every import statement: module-level, under
``if TYPE_CHECKING:`` and inside functions alike, so a cycle cannot hide behind a
deferred import. A cycle is a strongly connected component of more than one module,
or a module importing itself.
"""

from __future__ import annotations

from pathlib import Path

from import_graph import build_graph, cycles, cycles_in


def _report(found: list[list[str]]) -> str:
    return "import cycles:\n" + "\n".join("  " + " <-> ".join(c) for c in found)


def test_the_sdk_has_no_import_cycle() -> None:
    """``salesmanago``: no cycle among its modules."""
    found = cycles_in("salesmanago")
    assert found == [], _report(found)


def test_the_emulator_has_no_import_cycle() -> None:
    """``salesmanago_emulator``: no cycle among its modules."""
    found = cycles_in("salesmanago_emulator")
    assert found == [], _report(found)


# the graph builder itself -------------------------------------------------------------


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_edges_follow_the_documented_rules(tmp_path: Path) -> None:
    """``import a.b`` -> a.b; ``from a import b`` -> a.b if a module, else a; relative
    imports resolved; TYPE_CHECKING and function-local imports count; a submodule gets
    no edge to its parent package; other distributions are left out."""
    root = _tree(
        tmp_path,
        {
            "pkg/__init__.py": "from .sub import thing\n",
            "pkg/sub/__init__.py": "thing = 1\n",
            "pkg/sub/leaf.py": "import os\nfrom .. import other\nfrom ..sub import thing\n",
            "pkg/other.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    import pkg.sub.leaf\n"
                "def late():\n    from pkg import sub\n"
            ),
            "pkg/alone.py": "import pkg.sub.leaf.attribute\n",
        },
    )
    assert build_graph(root) == {
        "pkg": {"pkg.sub"},
        "pkg.sub": set(),
        "pkg.sub.leaf": {"pkg.other", "pkg.sub"},
        "pkg.other": {"pkg.sub.leaf", "pkg.sub"},
        "pkg.alone": {"pkg.sub.leaf"},
    }


def test_cycles_are_components_and_self_loops() -> None:
    """Each strongly connected component of two or more modules, and each self import."""
    graph = {
        "a": {"b"},
        "b": {"c"},
        "c": {"a", "d"},
        "d": set(),
        "e": {"e"},
        "f": {"d"},
    }
    assert cycles(graph) == [["a", "b", "c"], ["e"]]


def test_a_deferred_import_back_is_a_cycle(tmp_path: Path) -> None:
    """A function-local import closes a cycle as much as a module-level one."""
    root = _tree(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/one.py": "from pkg import two\n",
            "pkg/two.py": "def f():\n    from .one import x\n",
        },
    )
    assert cycles_in("pkg", root) == [["pkg.one", "pkg.two"]]
