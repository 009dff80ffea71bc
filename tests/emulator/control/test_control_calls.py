"""The call log's control operations: ``calls`` and ``calls/clear`` (over HTTP)."""

from __future__ import annotations

import json
import urllib.request
from decimal import Decimal

from control_helpers import ok, refused, signed_a, upsert
from routes_helpers import NOW
from server_helpers import request

from salesmanago_emulator import EmulatorServer


def test_calls_masked_filtered_limited_cleared(server: EmulatorServer) -> None:
    upsert(server, "a@example.com")
    upsert(server, "b@example.com")
    request(server.url, "/api/no/such", {})
    calls = ok(server, "calls", method="GET")["calls"]
    assert [c["path"] for c in calls] == ["/api/contact/upsert"] * 2 + ["/api/no/such"]
    assert calls[0]["request"]["sha"] == "***"
    assert calls[0]["status"] == 200
    assert calls[0]["at"] == NOW.isoformat()
    assert len(ok(server, "calls", {"limit": 1})["calls"]) == 1
    assert len(ok(server, "calls", method="GET", body=None)["calls"]) == 3
    status, envelope = request(
        server.url, "/_emulator/calls?limit=2&path=/api/contact/upsert", method="GET"
    )
    assert status == 200
    assert [c["request"]["contact"]["email"] for c in envelope["calls"]] == [
        "a@example.com",
        "b@example.com",
    ]
    assert refused(server, "calls", {"limit": "many"})[0] == 400
    ok(server, "calls/clear")
    assert ok(server, "calls")["calls"] == []


def test_calls_keep_money_exact(server: EmulatorServer) -> None:
    """A PURCHASE value in the call log reads back with exactly the digits sent (Decimal).

    ``20.10`` is sent as text: a float would come back as ``20.1``.
    """
    event = {"contactExtEventType": "PURCHASE", "date": 1_768_471_200_000, "value": "@VALUE@"}
    body = json.dumps(signed_a(email="money@example.com", contactEvent=event))
    req = urllib.request.Request(
        f"{server.url}/api/v2/contact/addContactExtEvent",
        data=body.replace('"@VALUE@"', "20.10").encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as response:
        assert json.loads(response.read())["success"] is True
    with urllib.request.urlopen(f"{server.url}/_emulator/calls", timeout=10) as response:
        text = response.read().decode()
    assert '"value":20.10' in text
    calls = json.loads(text, parse_float=Decimal)["calls"]
    assert str(calls[-1]["request"]["contactEvent"]["value"]) == "20.10"
