"""The ``routes`` operation: every operation of the table, with its flag and description."""

from __future__ import annotations

from control_helpers import ok

from salesmanago_emulator import Emulator, EmulatorServer
from salesmanago_emulator.control import CONTROL_OPERATIONS


def test_routes_lists_every_operation(server: EmulatorServer, emu: Emulator) -> None:
    listed = ok(server, "routes", method="GET")["routes"]
    names = [r["name"] for r in listed]
    assert names == sorted(names)
    assert names == sorted(operation.name for operation in CONTROL_OPERATIONS)
    assert {"reset", "accounts", "accounts/create", "clock", "clock/set", "clock/advance"} <= set(
        names
    )
    assert {"state", "state/import", "calls", "purge", "companies"} <= set(names)
    expected = {
        op.name: {
            "name": op.name,
            "readOnly": op.read_only,
            "description": op.description,
            "keys": list(op.keys),
        }
        for op in CONTROL_OPERATIONS
    }
    assert listed == [expected[name] for name in names]
    assert emu.control("routes") == {"routes": listed}
