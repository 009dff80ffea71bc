"""Control operations of API v3 (protocol §9): ``apiv3/keys/create`` and ``catalogs``,
over a real server and through ``Emulator.control``."""

from __future__ import annotations

import re
import urllib.error
import urllib.request

import pytest
from control_helpers import ok, refused
from routes_helpers import A_ID, B_ID

from salesmanago_emulator import ControlError, Emulator, EmulatorServer
from salesmanago_emulator.state.catalogs import ProductWrite


def _catalog_list(server: EmulatorServer, key: str) -> int:
    request = urllib.request.Request(
        f"{server.url}/v3/product/catalogList", headers={"API-KEY": key}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_protocol_9_keys_create_generated_or_given_and_the_key_works(
    server: EmulatorServer, emu: Emulator
) -> None:
    assert _catalog_list(server, "given-key") == 401
    generated = ok(server, "apiv3/keys/create")["apiKey"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    assert emu.account(A_ID).catalogs.keys == (generated,)  # default: the first account
    assert ok(server, "apiv3/keys/create", {"clientId": B_ID, "apiKey": "given-key"}) == {
        "success": True,
        "message": [],
        "apiKey": "given-key",
    }
    assert _catalog_list(server, "given-key") == 200
    assert _catalog_list(server, generated) == 200
    # the same key for the same account again: answered, nothing new
    ok(server, "apiv3/keys/create", {"clientId": B_ID, "apiKey": "given-key"})
    assert emu.account(B_ID).catalogs.keys == ("given-key",)


def test_protocol_9_keys_create_refusals(server: EmulatorServer, emu: Emulator) -> None:
    ok(server, "apiv3/keys/create", {"clientId": B_ID, "apiKey": "taken"})
    assert refused(server, "apiv3/keys/create", {"apiKey": "taken"}) == (
        409,
        "This API v3 key is already held by account 'clientb000000002'",
    )
    assert refused(server, "apiv3/keys/create", {"apiKey": "two words"}) == (
        400,
        "Field 'apiKey' must not hold white space or control characters",
    )
    assert refused(server, "apiv3/keys/create", {"apiKey": 5}) == (
        400,
        "Field 'apiKey' must be a string",
    )
    status, message = refused(server, "apiv3/keys/create", {"clientId": "nobody"})
    assert status == 404
    assert "nobody" in message
    assert refused(server, "apiv3/keys/create", method="GET")[0] == 405  # changes state
    assert emu.account(A_ID).catalogs.keys == ()


def test_protocol_9_catalogs_lists_every_catalog_with_its_products(
    server: EmulatorServer, emu: Emulator
) -> None:
    catalogs = emu.account(A_ID).catalogs
    catalogs.create_key("secret-key")
    shop = catalogs.upsert_catalog(name="Shop", currency="PLN", set_as_default=True)
    outlet = catalogs.upsert_catalog(name="Outlet", currency="EUR", location="o-1")
    catalogs.upsert_products(shop.catalog_id, [ProductWrite(product_id="p-1", name="Hat")])
    listed = ok(server, "catalogs", method="GET")["catalogs"]
    assert [(c["catalogId"], c["catalogName"], c["setAsDefault"]) for c in listed] == [
        (shop.catalog_id, "Shop", True),
        (outlet.catalog_id, "Outlet", False),
    ]
    assert [p["productId"] for p in listed[0]["products"]] == ["p-1"]
    assert listed[0]["products"][0]["available"] is True
    assert listed[1] == {
        "catalogId": outlet.catalog_id,
        "catalogName": "Outlet",
        "currency": "EUR",
        "location": "o-1",
        "setAsDefault": False,
        "createdOn": "2026-01-15T10:00:00+00:00",
        "modifiedOn": "2026-01-15T10:00:00+00:00",
        "products": [],
    }
    assert "secret-key" not in str(ok(server, "catalogs"))  # keys are never shown
    one = ok(server, "catalogs", {"catalogId": outlet.catalog_id})["catalogs"]
    assert [c["catalogId"] for c in one] == [outlet.catalog_id]
    assert refused(server, "catalogs", {"catalogId": "nope"}) == (
        404,
        "Field 'catalogId' names no catalog of this account (got nope)",
    )
    assert ok(server, "catalogs", {"clientId": B_ID})["catalogs"] == []


def test_protocol_9_the_python_twin_and_emulator_control_agree(emu: Emulator) -> None:
    key = emu.control("apiv3/keys/create", {"clientId": A_ID})["apiKey"]
    assert emu.account(A_ID).catalogs.has_key(key)
    assert emu.account(B_ID).catalogs.create_key("python-key") == "python-key"
    with pytest.raises(ControlError) as caught:
        emu.control("apiv3/keys/create", {"apiKey": "python-key"})
    assert caught.value.status == 409
    assert emu.control("catalogs") == {"catalogs": []}


def test_protocol_9_the_call_log_operation_shows_the_key_masked(
    server: EmulatorServer, emu: Emulator
) -> None:
    key = ok(server, "apiv3/keys/create")["apiKey"]
    assert _catalog_list(server, key) == 200
    (call,) = ok(server, "calls", {"path": "/v3/product/catalogList"})["calls"]
    assert (call["method"], call["status"], call["apiKey"]) == ("GET", 200, "***")
    assert key not in str(ok(server, "calls"))
