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


def test_create_takes_consents_and_consent_forms(server: EmulatorServer, emu: Emulator) -> None:
    """Issue 13: accounts/create sets up the consents (S10.1) and forms (protocol §7)."""
    ok(
        server,
        "accounts/create",
        {
            "clientId": "c3",
            "apiSecret": "s3",
            "users": ["me@example.com"],
            "consents": ["Newsletter", {"name": "Partners", "text": "I agree"}],
            "consentForms": ["Footer", {"name": "Checkout", "intId": 8}],
        },
    )
    optin = emu.account("c3").optin
    assert optin.consents() == ["Newsletter", "Partners"]
    assert optin.consent_text("Partners") == "I agree"
    status, envelope = request(
        server.url, "/api/consent/form/data", signed("c3", "s3", owner="me@example.com")
    )
    assert (status, envelope["consentFormList"]) == (
        200,
        [{"intId": 1, "name": "Footer"}, {"intId": 8, "name": "Checkout"}],
    )


def test_create_refuses_bad_consents_and_unknown_keys_and_creates_nothing(
    server: EmulatorServer, emu: Emulator
) -> None:
    base = {"clientId": "c4", "apiSecret": "s", "users": ["a@b.pl"]}
    cases = [
        ({"consents": "Newsletter"}, "Field 'consents' must be a list of consent names"),
        ({"consents": [" "]}, "Field 'consents[0].name' must not be empty"),
        ({"consentForms": [1]}, "Field 'consentForms' must be a list of consent form names"),
        ({"consent": ["Newsletter"]}, "Field 'consent' is not a key of control operation"),
    ]
    for extra, message in cases:
        status, text = refused(server, "accounts/create", {**base, **extra})
        assert (status, text[: len(message)]) == (400, message)
    assert [a.client_id for a in emu.accounts] == [A_ID, B_ID]
