"""The state's control operations: ``state``, ``state/import`` and ``area`` (over HTTP)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from control_helpers import ok, refused, signed_a, upsert
from routes_helpers import A_ID
from server_helpers import request

from salesmanago_emulator import Emulator, EmulatorServer
from salesmanago_emulator.snapshot import dump_area


def _json_round_trip(value: object) -> Any:
    """``value`` as a JSON client reads it back (exact decimals become floats)."""

    def number(item: object) -> float:
        if isinstance(item, Decimal):
            return float(item)
        raise TypeError(f"not JSON: {item!r}")

    return json.loads(json.dumps(value, default=number))


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
        expected = dump_area(emu.account(A_ID), area.key)
        assert answer["state"] == _json_round_trip(expected), area.key
        states.append(json.dumps(answer["state"]))
    assert any("Called" in state for state in states)  # not only empty areas compared
    assert refused(server, "area", {"area": "nope"})[0] == 404


def test_state_export_import_over_http(server: EmulatorServer, emu: Emulator) -> None:
    upsert(server, "a@example.com", name="Ann")
    exported = ok(server, "state", method="GET")["state"]
    ok(server, "reset")
    assert ok(server, "state/import", {"state": exported})["accounts"] == 2
    assert ok(server, "state")["state"] == exported
    assert emu.account(A_ID).find("a@example.com") is not None
    status, message = refused(server, "state/import", {"state": {"format": "x"}})
    assert status == 400
    assert "format" in message
    assert refused(server, "state/import", {})[0] == 400
    assert ok(server, "state")["state"] == exported  # nothing half-loaded
