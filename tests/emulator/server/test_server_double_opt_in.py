"""The double opt-in round trip over a real socket, as curl does it (issue 13, protocol
§5.2, §7, S10.2): upsert with ``useApiDoubleOptIn`` -> a pending confirmation ->
``/_emulator/consents/confirm`` -> opted in, with its opt-in/opt-out history entry.

The same requests are shown as curl commands on the server page
(``docs/emulator/server.md``, "Consents and double opt-in"); the second test runs them
with the real ``curl`` when the machine has one.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from server_helpers import NOW, request

from salesmanago_emulator import Emulator, EmulatorServer, FrozenClock

CLIENT, SECRET, OWNER = "emulator-client", "emulator-secret", "owner@example.com"
# sha1("k" + clientId + secret): the signature the docs' curl commands carry (protocol §2.2)
SIGNED = {
    "clientId": CLIENT,
    "apiKey": "k",
    "requestTime": 1768471200000,
    "sha": "9a4aeabb0ecd54893bcd60856f36c1d0a1c5e0b3",
    "owner": OWNER,
}


@pytest.fixture
def served() -> Iterator[tuple[Emulator[FrozenClock], EmulatorServer]]:
    """The server's default account (``salesmanago-emulator serve`` with no --account),
    with the consent ``Newsletter``, on a clock frozen at NOW."""
    emulator = Emulator(clock=FrozenClock(NOW))
    emulator.add_account(
        client_id=CLIENT, api_secret=SECRET, users=[OWNER], consents=["Newsletter"]
    )
    with EmulatorServer(emulator) as server:
        yield emulator, server


def _ok(url: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    status, envelope = request(url, path, body)
    assert (status, envelope["success"]) == (200, True), envelope
    return envelope


def test_double_opt_in_round_trip_over_http(
    served: tuple[Emulator[FrozenClock], EmulatorServer],
) -> None:
    emulator, server = served
    url = server.url
    contact_id = _ok(
        url,
        "/api/contact/upsert",
        {
            **SIGNED,
            "contact": {"email": "ann@example.com"},
            "useApiDoubleOptIn": True,
            "doubleOptInLanguage": "EN",
        },
    )["contactId"]
    pending = _ok(url, "/_emulator/consents/confirmations", {"status": "PENDING"})
    [confirmation] = pending["confirmations"]
    assert (confirmation["contactId"], confirmation["lang"]) == (contact_id, "EN")
    listed = _ok(url, "/api/contact/list", {**SIGNED, "email": ["ann@example.com"]})
    assert listed["contacts"][0]["optedOut"] is True
    done = _ok(url, "/_emulator/consents/confirm", {"requestId": confirmation["requestId"]})
    assert done["confirmation"]["status"] == "CONFIRMED"
    listed = _ok(url, "/api/contact/list", {**SIGNED, "email": ["ann@example.com"]})
    assert listed["contacts"][0]["optedOut"] is False
    history = _ok(url, "/_emulator/optin/history", {"contact": "ann@example.com"})["history"]
    assert history == [
        {
            "at": "2026-01-15T10:00:00+00:00",
            "channel": "EMAIL",
            "status": "OPT_IN",
            "source": "MESSAGE",
        }
    ]
    assert emulator.account(CLIENT).find_live("ann@example.com").opted_out is False


def _curl(url: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    out = subprocess.run(
        [
            "curl",
            "-s",
            f"{url}{path}",
            "-H",
            "Content-Type: application/json",
            "-d",
            json.dumps(body),
        ],
        capture_output=True,
        check=True,
        timeout=20,
    ).stdout
    envelope: dict[str, Any] = json.loads(out)
    assert envelope["success"] is True, envelope
    return envelope


@pytest.mark.skipif(shutil.which("curl") is None, reason="no curl on this machine")
def test_double_opt_in_round_trip_with_curl(
    served: tuple[Emulator[FrozenClock], EmulatorServer],
) -> None:
    """The docs' commands: sendConfirmation with a tag, confirm by contact, read back."""
    _, server = served
    url = server.url
    _curl(url, "/api/contact/upsert", {**SIGNED, "contact": {"email": "ann@example.com"}})
    sent = _curl(
        url,
        "/api/email/sendConfirmation",
        {**SIGNED, "email": "ann@example.com", "lang": "EN", "tag": "DOI"},
    )
    assert sent["requestId"] == "900000001"
    done = _curl(url, "/_emulator/consents/confirm", {"contact": "ann@example.com"})
    assert (done["contact"]["optedOut"], done["contact"]["tags"][0]["tag"]) == (False, "DOI")
    history = _curl(url, "/_emulator/optin/history", {"contact": "ann@example.com"})
    assert [(h["status"], h["source"]) for h in history["history"]] == [("OPT_IN", "MESSAGE")]
