"""The control table (``control/__init__.py``): every module's operations, each once,
built in plain sight; a table of one's own with more operations; no import back."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from import_graph import build_graph
from salesmanago_emulator import Emulator, control
from salesmanago_emulator.control import (
    CONTROL_OPERATIONS,
    CONTROL_TABLE,
    ControlArgs,
    ControlError,
    ControlledEmulator,
    ControlOperation,
    ControlTable,
)

#: Every built-in operation and whether it is read-only: the names others script against.
OPERATION_NAMES = {
    "accounts": True,
    "accounts/create": False,
    "actions/fire": False,
    "actions/register": False,
    "actions/unregister": False,
    "apiv3/keys/create": False,
    "area": True,
    "callbacks": True,
    "callbacks/clear": False,
    "callbacks/deliver": False,
    "callbacks/register": False,
    "callbacks/unregister": False,
    "calls": True,
    "calls/clear": False,
    "catalogs": True,
    "clock": True,
    "clock/advance": False,
    "clock/set": False,
    "companies": True,
    "consents": True,
    "consents/confirm": False,
    "consents/confirmations": True,
    "consents/create": False,
    "consents/expire": False,
    "consents/forms/create": False,
    "contact": True,
    "contacts": True,
    "contacts/score/add": False,
    "contacts/ecommerce": True,
    "contacts/histograms": True,
    "contacts/recommendations": True,
    "contacts/score/set": False,
    "contacts/timeline": True,
    "faults": True,
    "faults/add": False,
    "faults/clear": False,
    "jobs": True,
    "jobs/configure": False,
    "loyalty/programs": True,
    "loyalty/programs/activate": False,
    "loyalty/programs/create": False,
    "loyalty/programs/deactivate": False,
    "optin/change": False,
    "optin/history": True,
    "purge": False,
    "reset": False,
    "routes": True,
    "rules": True,
    "rules/run": False,
    "state": True,
    "state/import": False,
    "users/password": False,
    "visits": True,
    "visits/record": False,
    "visits/stats": True,
    "workflows/create": False,
    "workflows/delete": False,
    "workflows/run": False,
    "email/templates/create": False,
    "messages": True,
    "messages/bounce": False,
    "messages/cancel": False,
    "messages/click": False,
    "messages/complaint": False,
    "messages/open": False,
    "workflows/firings": True,
    "contact-manager/cancel": False,
    "contact-manager/recount": True,
    "contact-manager/run": False,
    "contact-manager/runs": True,
    "contact-manager/schedule": False,
    "contact-manager/segments": True,
    "contact-manager/segments/create": False,
    "contact-manager/segments/delete": False,
    "contact-manager/settings": False,
}


def _area_modules() -> list[ModuleType]:
    """Every public module of the control package, found on disk (not through the table)."""
    names = [info.name for info in pkgutil.iter_modules(control.__path__)]
    return [importlib.import_module(f"{control.__name__}.{n}") for n in names if n[0] != "_"]


def test_the_table_holds_every_operation_once() -> None:
    names = [operation.name for operation in CONTROL_OPERATIONS]
    assert len(names) == len(set(names))
    assert len(CONTROL_TABLE) == len(CONTROL_OPERATIONS)
    assert [op.name for op in CONTROL_TABLE.operations] == sorted(names)
    assert {op.name: op.read_only for op in CONTROL_TABLE.operations} == OPERATION_NAMES


def test_every_module_lists_its_operations_and_the_table_names_every_module() -> None:
    """A module left out of ``CONTROL_OPERATIONS`` (or an operation left out of its
    module's tuple, or one listed nowhere) fails here."""
    modules = _area_modules()
    assert len(modules) == 21
    from_modules: list[ControlOperation] = []
    for module in modules:
        operations = module.OPERATIONS
        assert isinstance(operations, tuple), module.__name__
        assert operations, module.__name__
        assert all(isinstance(op, ControlOperation) for op in operations), module.__name__
        from_modules.extend(operations)
    assert sorted(from_modules, key=lambda op: op.name) == list(CONTROL_TABLE.operations)
    assert len(from_modules) == len(CONTROL_OPERATIONS)


def test_every_operation_is_described() -> None:
    for operation in CONTROL_TABLE.operations:
        assert operation.description, operation.name
        assert operation.description == operation.handler.__doc__.strip().splitlines()[0]


def test_a_table_with_more_operations_answers_them(emu: Emulator) -> None:
    """An operation added to a new table: run, listed by ``routes``, described by its
    docstring; the built-in table is unchanged and a name listed twice is refused."""
    name = "test-only/echo"

    def _echo(emulator: ControlledEmulator, args: ControlArgs) -> dict[str, Any]:
        """Echo a field (test only)."""
        return {"echo": args.text("say"), "accounts": len(emulator.accounts)}

    echo = ControlOperation(name=name, handler=_echo, read_only=True, keys=("say",))
    table = ControlTable((*CONTROL_OPERATIONS, echo))
    assert table.call(emu, name, {"say": "hi"}) == {"echo": "hi", "accounts": 2}
    assert (echo.read_only, echo.description) == (True, "Echo a field (test only).")
    assert name in [r["name"] for r in table.call(emu, "routes")["routes"]]
    status, body, changed = table.handle(emu, "GET", name, b"", "say=there")
    assert (status, changed) == (200, False)
    assert b'"echo":"there"' in body
    with pytest.raises(ValueError, match="listed twice"):
        ControlTable((*table.operations, echo))
    with pytest.raises(ControlError, match="'say' is required"):
        table.call(emu, name)
    with pytest.raises(ControlError) as caught:
        emu.control(name, {"say": "hi"})
    assert caught.value.status == 404
    assert name not in CONTROL_TABLE


def test_the_control_package_imports_nothing_that_imports_it() -> None:
    """The package root, ``Emulator.control`` and the server's app import the control package:
    no control module imports any of them, not even for typing or inside a function
    (handlers see a ``ControlledEmulator``). Edges as ``tests/import_graph.py`` reads them."""
    graph = build_graph()
    package = control.__name__

    def in_control(module: str) -> bool:
        return module == package or module.startswith(f"{package}.")

    outside = [module for module in graph if not in_control(module)]
    importers = {module for module in outside if any(map(in_control, graph[module]))}
    assert {"salesmanago_emulator", "salesmanago_emulator._emulator"} <= importers
    assert "salesmanago_emulator.asgi" in importers  # the server's app (issue 15)
    for module in sorted(filter(in_control, graph)):
        assert not graph[module] & importers, (module, sorted(graph[module] & importers))


_UNKNOWN = "noSuchKey"


@pytest.mark.parametrize("operation", CONTROL_OPERATIONS, ids=lambda op: op.name)
def test_every_operation_refuses_an_unknown_key_by_name_and_changes_nothing(
    emu: Emulator, operation: ControlOperation
) -> None:
    """Issue 13: each operation declares its keys; any other is refused (400) naming it and
    the keys it takes, before anything runs (state, calls and faults unchanged)."""
    before = (emu.export_state(), list(emu.calls), len(emu.faults.rules))
    with pytest.raises(ControlError) as refused:
        CONTROL_TABLE.call(emu, operation.name, {**dict.fromkeys(operation.keys), _UNKNOWN: 1})
    keys = ", ".join(operation.keys) or "none"
    assert (refused.value.status, refused.value.messages) == (
        400,
        [f"Field '{_UNKNOWN}' is not a key of control operation '{operation.name}' (keys: {keys})"],
    )
    assert (emu.export_state(), list(emu.calls), len(emu.faults.rules)) == before


def test_every_key_an_operation_reads_is_declared() -> None:
    """A key read in a module (``args.text("x")``, ``args.data.get("x")``, ``"x" in
    args.data``) is declared by one of its operations (else the dispatcher would refuse
    what the handler needs)."""
    import re

    pattern = re.compile(
        r"args\.(?:text|integer|number|boolean|instant|data\.get)\(\s*\"(\w+)\""
        r"|\"(\w+)\" in args\.data"
    )
    for module in _area_modules():
        source = Path(module.__file__ or "").read_text()
        read = {a or b for a, b in pattern.findall(source)}
        if "args.account(" in source:
            read.add("clientId")
        declared = {key for op in module.OPERATIONS for key in op.keys}
        assert read <= declared, (module.__name__, sorted(read - declared))


def test_a_handler_reading_an_undeclared_key_is_a_bug(emu: Emulator) -> None:
    def _sloppy(emulator: ControlledEmulator, args: ControlArgs) -> dict[str, Any]:
        """Reads a key it does not declare (test only)."""
        return {"value": args.text("undeclared", None)}

    table = ControlTable([ControlOperation(name="test-only/sloppy", handler=_sloppy)])
    with pytest.raises(RuntimeError, match="reads 'undeclared' but does not declare it"):
        table.call(emu, "test-only/sloppy")


def test_an_unknown_query_parameter_is_refused_over_http(emu: Emulator) -> None:
    status, body, changed = CONTROL_TABLE.handle(emu, "GET", "contacts", b"", "includedeleted=1")
    assert (status, changed) == (400, False)
    assert b"Field 'includedeleted' is not a key of control operation 'contacts'" in body
