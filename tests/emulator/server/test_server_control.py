"""The control API under /_emulator/: over HTTP and through Emulator.control()."""

from __future__ import annotations

import json
import urllib.request
from decimal import Decimal
from typing import Any

import pytest
from server_helpers import CLIENT_ID, NOW, request, signed

from salesmanago_emulator import Emulator, EmulatorServer, SystemClock
from salesmanago_emulator.control import (
    CONTROL_OPERATIONS,
    ControlArgs,
    ControlError,
    ControlledEmulator,
    ControlOperation,
    ControlTable,
)


def ok(server: EmulatorServer, name: str, body: object = None, method: str = "POST") -> Any:
    status, envelope = request(server.url, f"/_emulator/{name}", body, method=method)
    assert (status, envelope["success"], envelope["message"]) == (200, True, []), envelope
    return envelope


def refused(server: EmulatorServer, name: str, body: object = None, method: str = "POST") -> Any:
    status, envelope = request(server.url, f"/_emulator/{name}", body, method=method)
    assert envelope["success"] is False
    assert envelope["message"]
    return status, envelope["message"][0]


def upsert(server: EmulatorServer, email: str, **contact: object) -> str:
    status, envelope = request(
        server.url, "/api/contact/upsert", signed(contact={"email": email, **contact})
    )
    assert (status, envelope["success"]) == (200, True), envelope
    return str(envelope["contactId"])


def test_accounts_list_create_and_conflict(server: EmulatorServer) -> None:
    listed = ok(server, "accounts", method="GET")["accounts"]
    assert listed == [
        {
            "clientId": CLIENT_ID,
            "users": ["owner@example.com", "second@example.com"],
            "timezone": "Europe/Warsaw",
            "contacts": 0,
        }
    ]
    created = ok(
        server,
        "accounts/create",
        {"clientId": "c2", "apiSecret": "s2", "users": ["Me@Example.com"], "timezone": "UTC"},
    )
    assert created["account"]["users"] == ["me@example.com"]
    assert [a["clientId"] for a in ok(server, "accounts")["accounts"]] == [CLIENT_ID, "c2"]
    status, _ = request(
        server.url,
        "/api/contact/upsert",
        signed("c2", "s2", owner="me@example.com", contact={"email": "x@example.com"}),
    )
    assert status == 200
    assert (
        refused(
            server, "accounts/create", {"clientId": "c2", "apiSecret": "s", "users": ["a@b.pl"]}
        )[0]
        == 409
    )
    assert (
        refused(server, "accounts/create", {"clientId": "c3", "apiSecret": "s", "users": []})[0]
        == 400
    )
    assert refused(server, "accounts/create", {"apiSecret": "s", "users": ["a@b.pl"]}) == (
        400,
        "Field 'clientId' is required",
    )


def test_reset_drops_accounts_and_calls(server: EmulatorServer, emu: Emulator) -> None:
    upsert(server, "a@example.com")
    ok(server, "reset")
    assert emu.accounts == []
    assert emu.calls == []
    assert refused(server, "contacts") == (404, "The emulator has no account")


def test_clock_get_set_advance(server: EmulatorServer, emu: Emulator) -> None:
    assert ok(server, "clock", method="GET")["now"] == "2026-01-15T10:00:00+00:00"
    moved = ok(server, "clock/advance", {"hours": 1, "minutes": 30})
    assert (moved["now"], moved["frozen"]) == ("2026-01-15T11:30:00+00:00", True)
    assert ok(server, "clock/set", {"now": "2026-03-01T00:00:00+01:00"})["now"] == (
        "2026-02-28T23:00:00+00:00"
    )
    assert emu.clock.now().isoformat() == "2026-02-28T23:00:00+00:00"
    assert refused(server, "clock/advance", {"seconds": -1})[0] == 400
    assert refused(server, "clock/advance", {})[0] == 400
    assert refused(server, "clock/set", {"now": "2026-03-01T00:00:00"})[0] == 400
    assert refused(server, "clock/set", {"now": "soon"})[0] == 400


def test_clock_moves_only_when_frozen() -> None:
    emulator = Emulator(clock=SystemClock())
    with pytest.raises(ControlError) as caught:
        emulator.control("clock/advance", {"days": 1})
    assert caught.value.status == 409
    assert emulator.control("clock")["frozen"] is False


def test_method_and_name_errors(server: EmulatorServer) -> None:
    status, message = refused(server, "reset", method="GET")
    assert status == 405
    assert "use POST" in message
    status, message = refused(server, "no-such-operation")
    assert status == 404
    assert "known:" in message
    assert refused(server, "clock/set", method="PUT")[0] == 405
    status, envelope = request(server.url, "/_emulator/clock/set", raw=b"{bad")
    assert (status, envelope["message"]) == (400, ["Request body is not valid JSON"])
    status, envelope = request(server.url, "/_emulator/clock/set", raw=b"[]")
    assert status == 400


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


def test_contact_view_and_score(server: EmulatorServer) -> None:
    contact_id = upsert(server, "a@example.com", name="Ann")
    card = ok(server, "contact", {"contact": "A@example.com"})["contact"]
    assert (card["id"], card["name"], card["score"]) == (contact_id, "Ann", 0)
    assert ok(server, "contacts/score/set", {"contact": contact_id, "score": 10})["score"] == 10
    assert (
        ok(server, "contacts/score/add", {"contact": "a@example.com", "points": -3})["score"] == 7
    )
    assert ok(server, "contact", {"contact": contact_id})["contact"]["score"] == 7
    assert (
        refused(server, "contacts/score/set", {"contact": "nobody@example.com", "score": 1})[0]
        == 404
    )
    assert refused(server, "contacts/score/set", {"contact": contact_id, "score": 1.5})[0] == 400
    assert refused(server, "contact", {"clientId": "nope", "contact": "a@example.com"})[0] == 404
    assert [c["email"] for c in ok(server, "contacts")["contacts"]] == ["a@example.com"]


def test_purge_now_after_the_clock_passes_two_oclock(server: EmulatorServer) -> None:
    upsert(server, "gone@example.com")
    upsert(server, "kept@example.com")
    request(server.url, "/api/contact/delete", signed(email="gone@example.com"))
    assert ok(server, "purge")["purged"] == []  # 02:00 has not come yet
    deleted = ok(server, "contacts", {"includeDeleted": True})["contacts"]
    assert [(c["email"], c.get("deleted", False)) for c in deleted] == [
        ("gone@example.com", True),
        ("kept@example.com", False),
    ]
    assert deleted[0]["purgeAt"] == "2026-01-16T01:00:00+00:00"  # 02:00 in Warsaw
    ok(server, "clock/set", {"now": "2026-01-16T01:00:00+00:00"})
    purged = ok(server, "purge", {"clientId": CLIENT_ID})["purged"]
    assert [p["email"] for p in purged] == ["gone@example.com"]
    assert [c["email"] for c in ok(server, "contacts", {"includeDeleted": "true"})["contacts"]] == [
        "kept@example.com"
    ]


def test_companies_view(server: EmulatorServer) -> None:
    upsert(server, "a@acme.example.com", company="Acme")
    upsert(server, "b@acme.example.com", company="ACME ")
    companies = ok(server, "companies")["companies"]
    assert [(c["name"], c["persons"]) for c in companies] == [
        ("Acme", ["a@acme.example.com", "b@acme.example.com"])
    ]
    assert ok(server, "companies", {"name": "acme"})["company"]["scoring"] == 0
    assert refused(server, "companies", {"name": "Nobody Inc"})[0] == 404


def _json_round_trip(value: object) -> Any:
    """``value`` as a JSON client reads it back (exact decimals become floats)."""

    def number(item: object) -> float:
        if isinstance(item, Decimal):
            return float(item)
        raise TypeError(f"not JSON: {item!r}")

    return json.loads(json.dumps(value, default=number))


def test_area_state_and_unknown_area(server: EmulatorServer, emu: Emulator) -> None:
    areas = list(emu.account(CLIENT_ID).areas)
    assert areas  # the areas other engineers attach
    upsert(server, "a@acme.example.com", company="Acme")
    request(
        server.url,
        "/api/contact/addNote",
        signed(email="a@acme.example.com", note="Called"),
    )
    states: list[str] = []
    for area in areas:
        answer = ok(server, "area", {"area": area.key})
        assert answer["area"] == area.key
        assert answer["state"] == _json_round_trip(area.to_state()), area.key
        states.append(json.dumps(answer["state"]))
    assert any("Called" in state for state in states)  # not only empty areas compared
    assert refused(server, "area", {"area": "nope"})[0] == 404


def test_state_export_import_over_http(server: EmulatorServer, emu: Emulator) -> None:
    upsert(server, "a@example.com", name="Ann")
    exported = ok(server, "state", method="GET")["state"]
    ok(server, "reset")
    assert ok(server, "state/import", {"state": exported})["accounts"] == 1
    assert ok(server, "state")["state"] == exported
    assert emu.account(CLIENT_ID).find("a@example.com") is not None
    status, message = refused(server, "state/import", {"state": {"format": "x"}})
    assert status == 400
    assert "format" in message
    assert refused(server, "state/import", {})[0] == 400
    assert ok(server, "state")["state"] == exported  # nothing half-loaded


def test_routes_lists_the_registry(server: EmulatorServer) -> None:
    names = [r["name"] for r in ok(server, "routes", method="GET")["routes"]]
    assert {"reset", "accounts", "accounts/create", "clock", "clock/set", "clock/advance"} <= set(
        names
    )
    assert {"state", "state/import", "calls", "purge", "companies"} <= set(names)
    assert names == sorted(names)


def test_a_table_with_more_operations_answers_them(emu: Emulator) -> None:
    """An operation added to a new table: run, listed by ``routes``, described by its
    docstring; the built-in table is unchanged and a name listed twice is refused."""
    name = "test-only/echo"

    def _echo(emulator: ControlledEmulator, args: ControlArgs) -> dict[str, Any]:
        """Echo a field (test only)."""
        return {"echo": args.text("say"), "accounts": len(emulator.accounts)}

    echo = ControlOperation(name=name, handler=_echo, read_only=True)
    table = ControlTable((*CONTROL_OPERATIONS, echo))
    assert table.call(emu, name, {"say": "hi"}) == {"echo": "hi", "accounts": 1}
    assert (echo.read_only, echo.description) == (True, "Echo a field (test only).")
    assert name in [r["name"] for r in table.call(emu, "routes")["routes"]]
    with pytest.raises(ValueError, match="listed twice"):
        ControlTable((*table.operations, echo))
    with pytest.raises(ControlError, match="'say' is required"):
        table.call(emu, name)
    with pytest.raises(ControlError) as caught:
        emu.control(name, {"say": "hi"})
    assert caught.value.status == 404


def test_transport_does_not_serve_control_paths(emu: Emulator) -> None:
    import httpx

    with httpx.Client(transport=emu.transport()) as http:
        response = http.post("http://salesmanago.emulator/_emulator/reset", content=b"{}")
    assert response.status_code == 404
    assert emu.accounts  # nothing was reset


def test_calls_keep_money_exact(server: EmulatorServer) -> None:
    """A PURCHASE value in the call log reads back with exactly the digits sent (Decimal).

    ``20.10`` is sent as text: a float would come back as ``20.1``.
    """
    event = {"contactExtEventType": "PURCHASE", "date": 1_768_471_200_000, "value": "@VALUE@"}
    body = json.dumps(signed(email="money@example.com", contactEvent=event))
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
