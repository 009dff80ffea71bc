"""salesmanago_emulator: the SALESmanago platform's behaviour, in process.

An [`Emulator`][salesmanago_emulator.Emulator] holds isolated accounts and answers the legacy JSON
API (``POST /api/...``) through an httpx transport, so code under test talks to it
exactly as it would to the platform::

    import httpx
    from salesmanago_emulator import Emulator

    emu = Emulator()
    emu.add_account(client_id="c1", api_secret="s1", users=["owner@example.com"])
    http = httpx.Client(transport=emu.transport())   # or emu.client() for the SDK

Time comes from an injectable [`Clock`][salesmanago_emulator.Clock]
([`FrozenClock`][salesmanago_emulator.FrozenClock] in tests); every request is recorded in
[`Emulator.calls`][salesmanago_emulator.Emulator.calls] with its signature masked.
[`Emulator.faults`][salesmanago_emulator.Emulator.faults] injects latency, HTTP errors, dropped
connections and timeouts ([`salesmanago_emulator.faults`][salesmanago_emulator.faults]). The pytest
fixtures live in [`salesmanago_emulator.pytest_plugin`][salesmanago_emulator.pytest_plugin]; the
extension points (areas, control operations, routes, snapshots) in
[`salesmanago_emulator.extension`][salesmanago_emulator.extension].
"""

from ._emulator import EMULATOR_ENDPOINT, Emulator
from ._router import CallRecord
from .clock import Clock, FrozenClock, SystemClock
from .control import ControlError
from .coverage import RouteInfo, routes
from .errors import (
    AuthenticationFailed,
    Conflict,
    ContactAlreadyExists,
    ContactNotFound,
    EmulatorError,
    InvalidField,
    LimitExceeded,
    MalformedRequest,
    NotImplementedByEmulator,
    ReadOnlyOwner,
)
from .faults import (
    FAULT_KINDS,
    ConnectionDroppedError,
    FaultInjector,
    FaultRule,
    InjectedTransportError,
    ResponseTimeoutError,
)
from .server import EmulatorServer
from .snapshot import SnapshotError
from .state import ContactRecord, ContactWrite
from .state.account import Account
from .state.companies import CompanyView
from .transport import EmulatorTransport

__all__ = [
    "EMULATOR_ENDPOINT",
    "FAULT_KINDS",
    "Account",
    "AuthenticationFailed",
    "CallRecord",
    "Clock",
    "CompanyView",
    "Conflict",
    "ConnectionDroppedError",
    "ContactAlreadyExists",
    "ContactNotFound",
    "ContactRecord",
    "ContactWrite",
    "ControlError",
    "Emulator",
    "EmulatorError",
    "EmulatorServer",
    "EmulatorTransport",
    "FaultInjector",
    "FaultRule",
    "FrozenClock",
    "InjectedTransportError",
    "InvalidField",
    "LimitExceeded",
    "MalformedRequest",
    "NotImplementedByEmulator",
    "ReadOnlyOwner",
    "ResponseTimeoutError",
    "RouteInfo",
    "SnapshotError",
    "SystemClock",
    "routes",
]
