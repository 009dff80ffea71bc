"""Every test asserts something: a test that cannot fail proves nothing.

The rule, read from the source with :mod:`ast` (nothing is run): each test in
``tests/**/test_*.py`` (a function named ``test*`` at module level, or a method named
``test*`` of a class) must contain, anywhere in its body, at least one of

* an ``assert`` statement;
* a call of ``pytest.raises``, ``pytest.warns``, ``pytest.deprecated_call`` or
  ``pytest.fail`` (also imported bare: ``raises(...)``);
* a call of anything named ``assert_*``, ``check_*`` or ``expect*``
  (``route.assert_called_once()``, ``result.assert_outcomes(...)``);
* a call of a function defined in ``tests/`` (any ``.py`` file there, a helper or a
  fixture module) that itself satisfies this rule; matched by name, so one asserting
  helper of a name vouches for every helper of that name.

A test that cannot follow the rule is named in :data:`ALLOWED` with its reason.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import pytest

TESTS: Final = Path(__file__).resolve().parent
PYTEST_CHECKS: Final = frozenset({"raises", "warns", "deprecated_call", "fail"})
CHECK_PREFIXES: Final = ("assert_", "check_", "expect")

#: ``path::test`` (``path`` relative to ``tests/``, ``Class.test`` for a method) -> why
#: the test may stand without an assertion.
ALLOWED: Final[dict[str, str]] = {}

Function = ast.FunctionDef | ast.AsyncFunctionDef


def _called_name(call: ast.Call) -> tuple[str | None, str | None]:
    """``(owner, name)`` of a call: ``pytest.raises(...)`` -> ("pytest", "raises")."""
    func = call.func
    if isinstance(func, ast.Name):
        return None, func.id
    if isinstance(func, ast.Attribute):
        owner = func.value.id if isinstance(func.value, ast.Name) else None
        return owner, func.attr
    return None, None


def _asserts(function: Function, helpers: frozenset[str]) -> bool:
    """Whether ``function``'s body holds an assertion by the module's rule."""
    for node in ast.walk(function):
        if isinstance(node, ast.Assert):
            return True
        if not isinstance(node, ast.Call):
            continue
        owner, name = _called_name(node)
        if name is None:
            continue
        if name in PYTEST_CHECKS and owner in (None, "pytest"):
            return True
        if name.startswith(CHECK_PREFIXES) or name in helpers:
            return True
    return False


def _functions(tree: ast.Module) -> Iterator[tuple[str, Function]]:
    """Each module-level function and each method of a module-level class, with its
    qualified name (``Class.method``)."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node.name, node
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    yield f"{node.name}.{item.name}", item


def _every_function(tree: ast.AST) -> Iterator[Function]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def asserting_helpers(trees: list[ast.Module]) -> frozenset[str]:
    """The names of the functions of ``trees`` that assert, directly or through one
    another (repeated until nothing new is found)."""
    functions = [f for tree in trees for f in _every_function(tree)]
    found: frozenset[str] = frozenset()
    while True:
        more = frozenset(f.name for f in functions if _asserts(f, found))
        if more == found:
            return found
        found = more


def unasserted(tree: ast.Module, helpers: frozenset[str]) -> list[str]:
    """The tests of one module with no assertion by the rule."""
    return [
        qualname
        for qualname, function in _functions(tree)
        if qualname.rpartition(".")[2].startswith("test") and not _asserts(function, helpers)
    ]


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def find_unasserted(root: Path = TESTS) -> list[str]:
    """``path::test`` of every test below ``root`` with no assertion."""
    trees = {path: _parse(path) for path in sorted(root.rglob("*.py"))}
    helpers = asserting_helpers(list(trees.values()))
    return [
        f"{path.relative_to(root).as_posix()}::{name}"
        for path, tree in trees.items()
        if path.name.startswith("test_")
        for name in unasserted(tree, helpers)
    ]


def test_every_test_asserts_something() -> None:
    """No test without an assertion, except the ones :data:`ALLOWED` names."""
    flagged = [name for name in find_unasserted() if name not in ALLOWED]
    assert flagged == [], "tests with no assertion:\n" + "\n".join(flagged)


def test_the_allow_list_names_only_tests_that_need_it() -> None:
    """Each allowed test exists and still has no assertion (an entry is dropped once
    its test asserts), and says why."""
    flagged = set(find_unasserted())
    stale = [name for name in ALLOWED if name not in flagged]
    assert stale == [], "allowed but asserting (or gone):\n" + "\n".join(stale)
    assert all(reason.strip() for reason in ALLOWED.values())


# the rule itself ----------------------------------------------------------------------


def _check(source: str) -> list[str]:
    tree = ast.parse(source)
    return unasserted(tree, asserting_helpers([tree]))


@pytest.mark.parametrize(
    "body",
    [
        "assert 1",
        "with pytest.raises(ValueError):\n        int('x')",
        "with raises(ValueError):\n        int('x')",
        "pytest.fail('no')",
        "with pytest.warns(UserWarning):\n        pass",
        "route.assert_called_once()",
        "check_reply(1)",
        "expect_error()",
        "helper()",
        "outer()",
        "def inner():\n        assert 1\n    inner()",
    ],
)
def test_each_form_of_assertion_counts(body: str) -> None:
    """Each form the rule names makes a test count as asserting, a helper that asserts
    through another helper included."""
    source = (
        "def helper():\n    assert True\n\n"
        "def outer():\n    helper()\n\n"
        f"def test_it():\n    {body}\n"
    )
    assert _check(source) == []


def test_a_test_without_assertion_is_named() -> None:
    """A call of a helper that asserts nothing, or a bare statement, is no assertion;
    methods are named with their class."""
    source = (
        "def quiet():\n    return 1\n\n"
        "def test_calls_quiet():\n    quiet()\n\n"
        "async def test_async_nothing():\n    x = 1\n\n"
        "class TestThing:\n"
        "    def test_method(self):\n        self.run()\n"
        "    def test_ok(self):\n        assert self\n"
        "def test_other_fail():\n    thing.fail()\n"
    )
    assert _check(source) == [
        "test_calls_quiet",
        "test_async_nothing",
        "TestThing.test_method",
        "test_other_fail",
    ]
