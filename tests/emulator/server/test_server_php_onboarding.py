"""A PHP client written to the official library's login flow onboards against the
emulator's server (protocol §2.3, §14): ``onboarding.php`` logs in
(``authorization/token``), trades the token for the signature
(``account/integration``) on the endpoint answered, lists the users, upserts a
contact and sends ``integration/upsert`` signed with the ``sha1`` it got, each call
within the library's 2 s timeout.

It runs with ``php`` (with its curl extension) against an in-process
:class:`EmulatorServer` and against a ``salesmanago-emulator serve`` process; the
password is set through the control API, as a harness in any language would.
Skipped only when ``php`` is not installed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Final

import pytest

from salesmanago_emulator import Emulator, EmulatorServer, FrozenClock
from serve_process import start, stop

SCRIPT: Final = Path(__file__).with_name("php") / "onboarding.php"
CLIENT_ID, SECRET, OWNER = "php-client", "php-secret-0123", "owner@shop.example.com"
PASSWORD: Final = "php-onboarding-password"
CONTACT: Final = "buyer@shop.example.com"
TIMEOUT_MS: Final = 2000
NOW: Final = "2026-01-15T10:00:00+00:00"


def _php() -> str:
    php = shutil.which("php")
    if php is None:
        pytest.skip("php is not installed (CI installs php-cli and php-curl: .ci/run)")
    return php


def _post(url: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST ``body`` as JSON to ``url`` + ``path``; the decoded answer."""
    request = urllib.request.Request(
        f"{url}{path}", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        answer: dict[str, Any] = json.loads(response.read())
    assert answer["success"] is True, answer
    return answer


def _signed(**fields: Any) -> dict[str, Any]:
    """A body signed for the checker's own reads (the account's secret, a fixed apiKey)."""
    return {
        "clientId": CLIENT_ID,
        "apiKey": "checker",
        "sha": hashlib.sha1(f"checker{CLIENT_ID}{SECRET}".encode()).hexdigest(),
        "requestTime": 1_768_471_200_000,
        "owner": OWNER,
        **fields,
    }


def _contact(url: str) -> dict[str, Any]:
    """The contact the client made, read back through the API (``contact/listAll``), with
    the number of bulk contacts the import made and the events the batch gave them."""
    [contact] = _post(url, "/api/contact/listAll", _signed(email=[CONTACT]))["contacts"]
    bulk = [f"bulk{i}@shop.example.com" for i in range(100)]
    read = [_post(url, "/api/contact/listAll", _signed(email=bulk[i : i + 50])) for i in (0, 50)]
    cards = [card for answer in read for card in answer["contacts"]]
    events = sum(len(card["contactExtEvents"]) for card in cards)
    return {**contact, "bulk": len(cards), "bulkEvents": events}


def _onboard(url: str) -> list[dict[str, Any]]:
    """Set the owner's password through the control API, run the PHP client; its steps."""
    password = {"clientId": CLIENT_ID, "email": OWNER, "password": PASSWORD}
    _post(url, "/_emulator/users/password", password)
    done = subprocess.run(
        [_php(), str(SCRIPT), url, OWNER, CONTACT],
        env={**os.environ, "SALESMANAGO_PASSWORD": PASSWORD},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    steps = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert done.returncode == 0, (done.stdout, done.stderr)
    assert PASSWORD not in done.stdout
    return steps


def _check(steps: list[dict[str, Any]], port: int, contact: dict[str, Any]) -> None:
    """Every step answered within the library's timeout, in order, with the expected data."""
    assert [s["step"] for s in steps] == [
        "token",
        "integration",
        "users",
        "upsert",
        "integration/upsert",
        "batchupsertv2",
        "job/status",
        "events",
    ]
    assert all(s["ms"] < TIMEOUT_MS for s in steps), steps
    token, integration, users, upsert, both, started, status, events = steps
    assert started["requestId"].isdigit()
    assert status["fileUrl"] is True
    assert (events["createdAmount"], events["failedAmount"]) == (101, 0)
    assert (contact["bulk"], contact["bulkEvents"]) == (100, 101)
    assert token["endpoint"] == f"127.0.0.1:{port}"
    assert (integration["clientId"], integration["sha"]) == (CLIENT_ID, 40)
    assert users["users"] == [OWNER]
    assert upsert["contactId"] == both["contactId"] == contact["id"]
    assert contact["email"] == CONTACT
    assert contact["name"] == "PHP Onboarding"
    assert [t["tag"] for t in contact["contactTags"]] == ["PHP_ONBOARDING"]
    [event] = contact["contactExtEvents"]
    assert (event["eventId"], event["value"]) == (both["eventId"], 49.99)
    assert event["externalId"] == "php-order-1"


def test_s2_3_php_client_onboards_against_an_emulator_server() -> None:
    _php()
    emulator = Emulator(clock=FrozenClock(datetime(2026, 1, 15, 10, tzinfo=timezone.utc)))
    emulator.add_account(client_id=CLIENT_ID, api_secret=SECRET, users=[OWNER])
    with EmulatorServer(emulator) as server:
        steps = _onboard(server.url)
        _check(steps, server.port, _contact(server.url))


@pytest.fixture
def serve() -> Iterator[str]:
    """A ``salesmanago-emulator serve`` process on a free port; its URL."""
    _php()
    process, url = start("--now", NOW, "--account", f"{CLIENT_ID}:{SECRET}:{OWNER}")
    try:
        yield url
    finally:
        stop(process)


def test_s2_3_php_client_onboards_against_serve(serve: str) -> None:
    steps = _onboard(serve)
    _check(steps, int(serve.rsplit(":", 1)[1]), _contact(serve))
