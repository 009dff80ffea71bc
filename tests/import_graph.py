"""The import graph of the packages under ``src/``, read with :mod:`ast` (nothing is imported).

Every ``import`` statement counts, wherever it stands: at module level, under
``if TYPE_CHECKING:`` or inside a function. An edge goes from the importing
module to the module it names:

* ``import a.b`` -> ``a.b``;
* ``from a import b`` -> ``a.b`` when ``a/b.py`` or ``a/b/__init__.py`` exists, else ``a``;
* relative imports (``from ..x import y``) are resolved against the importing module.

A name that is no module under ``src/`` is taken as its longest prefix that is one
(``import a.b.attr`` -> ``a.b``); imports of other distributions are left out. No
edge is added from a submodule to its parent package only because Python runs the
parent's ``__init__`` first.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

Graph = dict[str, set[str]]


def module_files(root: Path = SRC) -> dict[str, Path]:
    """Each module's dotted name -> its file, for every ``.py`` file below ``root``."""
    modules: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _known(name: str, modules: Mapping[str, Path]) -> str | None:
    """``name`` if it is a module, else its longest prefix that is one."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def _package_of(module: str, modules: Mapping[str, Path]) -> str:
    """The package a module's relative imports start from."""
    is_package = modules[module].name == "__init__.py"
    return module if is_package else module.rpartition(".")[0]


def _targets(node: ast.AST, module: str, modules: Mapping[str, Path]) -> Iterator[str]:
    """The dotted names one import statement refers to."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name
    elif isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            package = _package_of(module, modules).split(".")
            anchor = package[: len(package) - (node.level - 1)]
            base = ".".join([*anchor, base] if base else anchor)
        for alias in node.names:
            submodule = f"{base}.{alias.name}"
            yield submodule if submodule in modules else base


def build_graph(root: Path = SRC) -> Graph:
    """Module -> the modules under ``root`` it imports (anywhere in its file)."""
    modules = module_files(root)
    graph: Graph = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            for target in _targets(node, name, modules):
                known = _known(target, modules)
                if known is not None:
                    graph[name].add(known)
    return graph


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Every import cycle: each strongly connected component of more than one module,
    and each module importing itself; sorted, for a stable report (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def cycles_in(package: str, root: Path = SRC) -> list[list[str]]:
    """The import cycles among the modules of ``package`` (itself and its submodules)."""
    graph = build_graph(root)

    def inside(name: str) -> bool:
        return name == package or name.startswith(package + ".")

    own = {n: {t for t in targets if inside(t)} for n, targets in graph.items() if inside(n)}
    return cycles(own)
