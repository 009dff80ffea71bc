"""One module for the emulator's wire texts: ``salesmanago_emulator/errors.py``.

Every text the emulator puts in an envelope's ``message`` (the API, the control API,
injected faults, the state import) is a constant of ``errors.py``. The check reads the
sources: outside ``errors.py`` no module defines a ``TEXT_*`` / ``RULE_*`` constant,
passes a literal string to an error the envelope carries, or writes a literal into a
``"message"`` list.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Final

import pytest

PACKAGE: Final = Path(__file__).resolve().parents[2] / "src" / "salesmanago_emulator"
ERRORS: Final = PACKAGE / "errors.py"
# Errors whose text reaches an envelope, besides every subclass of EmulatorError.
CARRIERS: Final = frozenset({"EmulatorError", "ControlError", "SnapshotError"})
# The first argument of these is a field name, not a text.
FIELD_FIRST: Final = frozenset({"InvalidField", "LimitExceeded", "SnapshotError"})


def _carriers() -> frozenset[str]:
    """EmulatorError's subclasses in errors.py (by name), and the other carriers."""
    bases = {
        node.name: {b.id for b in node.bases if isinstance(b, ast.Name)}
        for node in ast.parse(ERRORS.read_text()).body
        if isinstance(node, ast.ClassDef)
    }
    names = set(CARRIERS)
    while True:
        more = {name for name, parents in bases.items() if parents & names} - names
        if not more:
            return frozenset(names)
        names |= more


def _is_text(node: ast.expr) -> bool:
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str)
    )


def _called(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return func.value.id if func.attr == "field" else func.attr
    return func.id if isinstance(func, ast.Name) else None


def _refuses(node: ast.Call) -> bool:
    """A snapshot value's ``refuse(problem)``: the problem becomes a SnapshotError text."""
    return isinstance(node.func, ast.Attribute) and node.func.attr == "refuse"


def _problems(source: str, where: str, carriers: frozenset[str]) -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id.startswith(("TEXT_", "RULE_")):
                    found.append(f"{where}:{node.lineno}: defines {target.id}")
        elif isinstance(node, ast.Call) and _refuses(node):
            found += [
                f"{where}:{node.lineno}: literal text in .refuse(...)"
                for arg in node.args
                if _is_text(arg)
            ]
        elif isinstance(node, ast.Call) and _called(node) in carriers:
            args = node.args[1:] if _called(node) in FIELD_FIRST else node.args
            if isinstance(node.func, ast.Attribute) and node.func.attr == "field":
                args = node.args[1:]  # ControlError.field(name, RULE_...)
            found += [
                f"{where}:{node.lineno}: literal text in {_called(node)}(...)"
                for arg in args
                if _is_text(arg)
            ]
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if (
                    isinstance(key, ast.Constant)
                    and key.value == "message"
                    and isinstance(value, ast.List)
                    and any(_is_text(item) for item in value.elts)
                ):
                    found.append(f"{where}:{node.lineno}: literal in a message list")
    return found


def test_wire_texts_live_in_errors_py_only() -> None:
    carriers = _carriers()
    problems = [
        problem
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != ERRORS
        for problem in _problems(path.read_text(), str(path.relative_to(PACKAGE)), carriers)
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ('TEXT_X: Final = "x"', "defines TEXT_X"),
        ('raise ContactNotFound("nobody")', "literal text in ContactNotFound"),
        ('raise InvalidField("email", "must be nice")', "literal text in InvalidField"),
        ('raise ControlError.field("limit", "must be small")', "literal text in ControlError"),
        ('answer = {"success": False, "message": [f"bad {x}"]}', "literal in a message list"),
        ('value.refuse("must be nice")', "literal text in .refuse"),
    ],
)
def test_the_check_finds_each_kind_of_text(source: str, problem: str) -> None:
    found = _problems(source, "probe.py", _carriers())
    assert len(found) == 1
    assert problem in found[0]


def test_field_names_and_constants_pass() -> None:
    source = (
        "raise InvalidField('email', RULE_EMAIL)\n"
        "raise ControlError.field('limit', RULE_ZERO_OR_POSITIVE)\n"
        "answer = {'message': [TEXT_NOTE_ADDED]}\n"
    )
    assert _problems(source, "probe.py", _carriers()) == []
