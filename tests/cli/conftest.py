"""Fixtures of the ``salesmanago`` command's tests: an emulator behind a real loopback
socket, the ``SALESMANAGO_*`` variables naming its account, and input files."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cli_helpers import CLIENT_ID, NOW, OWNER, SECRET

from salesmanago_emulator import Emulator, EmulatorServer, FrozenClock


@pytest.fixture
def emu() -> Emulator[FrozenClock]:
    """One account at a frozen instant, with the consent ``Newsletter``."""
    emulator = Emulator(clock=FrozenClock(NOW))
    account = emulator.add_account(client_id=CLIENT_ID, api_secret=SECRET, users=[OWNER])
    account.optin.add_consent("Newsletter")
    return emulator


@pytest.fixture
def endpoint(emu: Emulator[FrozenClock], monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The URL of ``emu`` served on loopback; the account's credentials in the environment."""
    monkeypatch.setenv("SALESMANAGO_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("SALESMANAGO_API_SECRET", SECRET)
    monkeypatch.setenv("SALESMANAGO_OWNER", OWNER)
    monkeypatch.delenv("SALESMANAGO_ENDPOINT", raising=False)
    with EmulatorServer(emu) as server:
        yield server.url
