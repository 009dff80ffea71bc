"""Fixtures of the contract layer (contract_helpers.py says what it is): ``platform``, a
client of the emulator or of your account (when ``SALESMANAGO_*`` and
``SALESMANAGO_TEST_DOMAIN`` are set), sync and async, cleaned up after each test."""

from __future__ import annotations

import inspect
import os
from collections.abc import AsyncIterator

import pytest
from contract_helpers import (
    EMULATOR_ACCOUNT,
    EMULATOR_DOMAIN,
    EMULATOR_NOW,
    RECORD_VARIABLE,
    Platform,
    live_skip_reason,
)

from salesmanago import AsyncSalesManago, SalesManago
from salesmanago_emulator import Emulator, FrozenClock


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "emulator_only(reason): a contract test the live target skips (with the reason)",
    )


@pytest.fixture(params=["emulator", "live"])
def target(request: pytest.FixtureRequest) -> str:
    """Where the test body runs: the emulator, or your account (when configured)."""
    name = str(request.param)
    if name == "live":
        reason = live_skip_reason(os.environ)
        if reason is not None:
            pytest.skip(reason)
        marker = request.node.get_closest_marker("emulator_only")
        if marker is not None:
            pytest.skip(f"emulator only: {marker.args[0] if marker.args else ''}")
    return name


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    """Which client the test body runs on."""
    return str(request.param)


async def _no_wait(seconds: float) -> None:
    """The emulator's exports are ready at once: nothing to wait for."""


def _emulator_platform(mode: str) -> Platform:
    emulator = Emulator(clock=FrozenClock(EMULATOR_NOW))
    emulator.add_account(**EMULATOR_ACCOUNT)
    client: SalesManago | AsyncSalesManago
    if mode == "sync":
        client = emulator.client(sleep=lambda seconds: None)
    else:
        client = emulator.async_client(sleep=_no_wait)
    raw = {k: str(EMULATOR_ACCOUNT[k]) for k in ("client_id", "api_secret")}
    return Platform("emulator", mode, client, EMULATOR_DOMAIN, raw, emulator)


def _live_platform(mode: str) -> Platform:
    record = os.environ.get(RECORD_VARIABLE) or None
    client: SalesManago | AsyncSalesManago
    client = SalesManago(record=record) if mode == "sync" else AsyncSalesManago(record=record)
    raw = {
        "client_id": os.environ["SALESMANAGO_CLIENT_ID"],
        "api_secret": os.environ["SALESMANAGO_API_SECRET"],
    }
    return Platform("live", mode, client, os.environ["SALESMANAGO_TEST_DOMAIN"].strip(), raw)


@pytest.fixture
async def platform(target: str, mode: str) -> AsyncIterator[Platform]:
    """A client of the test's target and mode; what the test created is removed after."""
    made = _emulator_platform(mode) if target == "emulator" else _live_platform(mode)
    try:
        yield made
    finally:
        try:
            await made.cleanup()
        finally:
            closed = made.client.close()
            if inspect.isawaitable(closed):
                await closed
