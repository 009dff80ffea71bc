"""The state's control operations: ``state``, ``state/import`` and ``area`` (over HTTP)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from decimal import Decimal
from typing import Any

from control_helpers import ok, refused, signed_a, upsert
from routes_helpers import A_ID, A_SECRET
from server_helpers import request

from salesmanago_emulator import Emulator, EmulatorServer
from salesmanago_emulator._secrets import masked
from salesmanago_emulator.snapshot import SECRETS_MASKED, dump_area

TOKEN = "control-token-1"


def _json_round_trip(value: object) -> Any:
    """``value`` as a JSON client reads it back (exact decimals become floats)."""

    def number(item: object) -> float:
        if isinstance(item, Decimal):
            return float(item)
        raise TypeError(f"not JSON: {item!r}")

    return json.loads(json.dumps(value, default=number))


def _send(server: EmulatorServer, name: str, body: object = None, method: str = "POST") -> Any:
    """A control request carrying the server's token: status and envelope."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"{server.url}/_emulator/{name}", data=data, method=method)
    req.add_header("Content-Type", "application/json")
    req.add_header("Authorization", f"Bearer {TOKEN}")
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _ok(server: EmulatorServer, name: str, body: object = None, method: str = "POST") -> Any:
    status, envelope = _send(server, name, body, method)
    assert (status, envelope["success"]) == (200, True), envelope
    return envelope


def test_area_state_and_unknown_area(server: EmulatorServer, emu: Emulator) -> None:
    areas = list(emu.account(A_ID).areas)
    assert areas  # the areas other engineers attach
    upsert(server, "a@acme.example.com", company="Acme")
    request(
        server.url,
        "/api/contact/addNote",
        signed_a(email="a@acme.example.com", note="Called"),
    )
    states: list[str] = []
    for area in areas:
        answer = ok(server, "area", {"area": area.key})
        assert answer["area"] == area.key
        expected = masked(dump_area(emu.account(A_ID), area.key))  # no control token
        assert answer["state"] == _json_round_trip(expected), area.key
        states.append(json.dumps(answer["state"]))
    assert any("Called" in state for state in states)  # not only empty areas compared
    assert refused(server, "area", {"area": "nope"})[0] == 404


def test_state_export_import_over_http(emu: Emulator) -> None:
    """With a control token (so the state answers its secrets), what ``state`` answers
    ``state/import`` loads back as it was; a bad state changes nothing."""
    with EmulatorServer(emu, control_token=TOKEN) as server:
        upsert(server, "a@example.com", name="Ann")
        exported = _ok(server, "state", method="GET")["state"]
        assert SECRETS_MASKED not in exported
        _ok(server, "reset")
        assert _ok(server, "state/import", {"state": exported})["accounts"] == 2
        assert _ok(server, "state")["state"] == exported
        assert emu.account(A_ID).find("a@example.com") is not None
        for bad in ({"state": {"format": "x"}}, {}):
            status, answer = _send(server, "state/import", bad)
            assert (status, answer["success"]) == (400, False)
        assert _ok(server, "state")["state"] == exported  # nothing half-loaded


def test_a_masked_state_is_refused_by_state_import(server: EmulatorServer, emu: Emulator) -> None:
    """Decision (issue 15): without a control token ``state`` masks the secrets and marks
    the state ``secretsMasked``; importing it would load ``***`` as API secrets, so
    ``state/import`` refuses it, naming the key and the way out, and changes nothing."""
    upsert(server, "a@example.com", name="Ann")
    before = emu.export_state()
    answer = ok(server, "state", method="GET")
    assert answer[SECRETS_MASKED] is True
    assert answer["state"][SECRETS_MASKED] is True
    assert A_SECRET not in json.dumps(answer)
    status, message = refused(server, "state/import", {"state": answer["state"]})
    assert status == 400
    assert message.startswith(f"bad emulator state at {SECRETS_MASKED}: ")
    assert "--control-token" in message
    assert emu.export_state() == before
