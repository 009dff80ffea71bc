"""Fixtures of the contract layer (contract_helpers.py says what it is): ``platform``, a
client of the emulator or of your account (when ``SALESMANAGO_*`` and
``SALESMANAGO_TEST_DOMAIN`` are set), sync and async, cleaned up after each test."""

from __future__ import annotations

import inspect
import os
from collections.abc import AsyncIterator

import pytest
from contract_helpers import Platform, emulator_platform, live_platform, live_skip_reason


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


@pytest.fixture
async def platform(target: str, mode: str) -> AsyncIterator[Platform]:
    """A client of the test's target and mode; what the test created is removed after."""
    made = emulator_platform(mode) if target == "emulator" else live_platform(mode)
    try:
        yield made
    finally:
        try:
            await made.cleanup()
        finally:
            closed = made.client.close()
            if inspect.isawaitable(closed):
                await closed
