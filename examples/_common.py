"""Shared set-up of the examples: the live platform when ``SALESMANAGO_*`` is set,
the embedded emulator otherwise."""

from __future__ import annotations

import os
from datetime import datetime, timezone

from salesmanago import SalesManago
from salesmanago_emulator import Emulator, FrozenClock

OWNER = "owner@example.com"
CREDENTIAL_VARIABLES = ("SALESMANAGO_CLIENT_ID", "SALESMANAGO_API_SECRET", "SALESMANAGO_OWNER")


def live() -> bool:
    """Whether the credentials of a live account are in the environment."""
    return all(os.environ.get(name) for name in CREDENTIAL_VARIABLES)


def connect() -> tuple[SalesManago, Emulator | None]:
    """A client for the live account, or for a fresh emulator (returned too)."""
    if live():
        return SalesManago(), None
    emulator = Emulator(clock=FrozenClock(datetime(2026, 11, 20, 21, 0, tzinfo=timezone.utc)))
    emulator.add_account(
        client_id="example-client",
        api_secret="example-secret",
        users=[OWNER, "sales@example.com"],
        timezone="Europe/Warsaw",
    )
    return emulator.client(), emulator
