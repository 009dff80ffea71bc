"""The accounts' control operations: ``accounts``, ``accounts/create``, ``reset`` (over HTTP)."""

from __future__ import annotations

from control_helpers import ok, refused, upsert
from routes_helpers import A_ID, A_OWNER, A_SECOND, B_ID, B_OWNER
from server_helpers import request, signed

from salesmanago_emulator import Emulator, EmulatorServer


def test_accounts_list_create_and_conflict(server: EmulatorServer) -> None:
    listed = ok(server, "accounts", method="GET")["accounts"]
    assert listed == [
        {
            "clientId": A_ID,
            "users": [A_OWNER, A_SECOND],
            "timezone": "Europe/Warsaw",
            "contacts": 0,
        },
        {"clientId": B_ID, "users": [B_OWNER], "timezone": "Europe/Warsaw", "contacts": 0},
    ]
    created = ok(
        server,
        "accounts/create",
        {"clientId": "c2", "apiSecret": "s2", "users": ["Me@Example.com"], "timezone": "UTC"},
    )
    assert created["account"]["users"] == ["me@example.com"]
    assert [a["clientId"] for a in ok(server, "accounts")["accounts"]] == [A_ID, B_ID, "c2"]
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
