"""What the emulator's package root offers: what a user of the emulator needs, and no
extension internals (those live in :mod:`salesmanago_emulator.extension`)."""

from __future__ import annotations

import salesmanago_emulator
from salesmanago_emulator import extension

USER_NAMES = {
    # the emulator, its doors and its clock
    "EMULATOR_ENDPOINT", "Emulator", "EmulatorServer", "EmulatorTransport",
    "Clock", "FrozenClock", "SystemClock",
    # the state a test arranges and reads
    "Account", "CompanyView", "ContactRecord", "ContactWrite",
    # the call log, the coverage table, faults
    "CallRecord", "RouteInfo", "routes", "FAULT_KINDS", "FaultInjector", "FaultRule",
    "ConnectionDroppedError", "InjectedTransportError", "ResponseTimeoutError",
    # what the Python API and Emulator.control / import_state raise
    "EmulatorError", "AuthenticationFailed", "Conflict", "ContactAlreadyExists",
    "ContactNotFound", "InvalidField", "LimitExceeded", "MalformedRequest",
    "NotImplementedByEmulator", "ReadOnlyOwner", "ControlError", "SnapshotError",
}  # fmt: skip


def test_the_root_exports_what_a_user_needs_and_nothing_else() -> None:
    assert set(salesmanago_emulator.__all__) == USER_NAMES
    for name in USER_NAMES:
        assert getattr(salesmanago_emulator, name) is not None


def test_extension_points_are_importable_from_one_module_and_not_from_the_root() -> None:
    for name in extension.__all__:
        assert getattr(extension, name) is not None
        assert name not in salesmanago_emulator.__all__ or name == "ControlError"
    assert {"AccountArea", "ControlOperation", "RouteTable", "Deliverer"} <= set(extension.__all__)
