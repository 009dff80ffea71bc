"""salesmanago_emulator: the SALESmanago platform's behaviour, in process.

An :class:`Emulator` holds isolated accounts and answers the legacy JSON API
(``POST /api/...``) through an httpx transport, so code under test talks to it
exactly as it would to the platform::

    import httpx
    from salesmanago_emulator import Emulator

    emu = Emulator()
    emu.add_account(client_id="c1", api_secret="s1", users=["owner@example.com"])
    http = httpx.Client(transport=emu.transport())   # or emu.client() for the SDK

Time comes from an injectable :class:`Clock` (:class:`FrozenClock` in tests);
every request is recorded in :attr:`Emulator.calls` with its signature masked.
The pytest fixtures live in :mod:`salesmanago_emulator.pytest_plugin`.
"""

from ._emulator import Emulator
from ._router import CallRecord, RouteInfo, routes
from .clock import Clock, FrozenClock, SystemClock
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
from .state.account import Account
from .transport import EmulatorTransport

__all__ = [
    "Account",
    "AuthenticationFailed",
    "CallRecord",
    "Clock",
    "Conflict",
    "ContactAlreadyExists",
    "ContactNotFound",
    "Emulator",
    "EmulatorError",
    "EmulatorTransport",
    "FrozenClock",
    "InvalidField",
    "LimitExceeded",
    "MalformedRequest",
    "NotImplementedByEmulator",
    "ReadOnlyOwner",
    "RouteInfo",
    "SystemClock",
    "routes",
]
