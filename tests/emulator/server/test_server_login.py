"""The login chain and ``integration/upsert`` over a real loopback socket (protocol §2.3,
§6, §14): raw JSON with plain urllib, as a client in any language sends it."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest
from server_helpers import CLIENT_ID, OWNER, SECRET, request, signed

from salesmanago_emulator import Emulator, EmulatorServer, FrozenClock
from salesmanago_emulator.errors import USER_NOT_AUTHENTICATED, WRONG_TOKEN

PASSWORD = "the-server-password"


@pytest.fixture(autouse=True)
def password(emu: Emulator[FrozenClock]) -> None:
    emu.account(CLIENT_ID).users.set_password(OWNER, PASSWORD)


def post(server: EmulatorServer, path: str, body: object) -> dict[str, Any]:
    status, envelope = request(server.url, f"/api/{path}", body)
    assert status == 200, envelope
    return envelope


def test_s2_3_token_answers_the_servers_host_and_port_as_endpoint(server: EmulatorServer) -> None:
    """In server mode the ``endpoint`` is ``127.0.0.1:PORT``: where the client goes next."""
    envelope = post(server, "authorization/token", {"username": OWNER, "password": PASSWORD})
    assert envelope["success"] is True
    assert envelope["endpoint"] == f"127.0.0.1:{server.port}"


def test_s2_3_login_round_trip_over_http(server: EmulatorServer) -> None:
    """token -> integration on the answered endpoint -> the sha1 signs a call."""
    token = post(server, "authorization/token", {"username": OWNER, "password": PASSWORD})
    base = f"http://{token['endpoint']}"
    status, integration = request(
        base, "/api/account/integration", {"token": token["token"], "apiKey": "php-key"}
    )
    assert (status, integration["shortId"]) == (200, CLIENT_ID)
    body = {
        "clientId": integration["shortId"],
        "apiKey": "php-key",
        "sha": integration["sha1"],
        "requestTime": 1_768_471_200,
        "owner": OWNER,
    }
    status, users = request(base, "/api/user/listByClient", body)
    assert (status, users["success"], users["users"][0]) == (200, True, OWNER)


def test_s2_3_refusals_over_http(server: EmulatorServer) -> None:
    wrong = post(server, "system/authorise", {"userName": OWNER, "password": "nope"})
    assert wrong["message"] == [USER_NOT_AUTHENTICATED]
    unknown = post(server, "account/integration", {"token": "x" * 40, "apiKey": "k"})
    assert unknown["message"] == [WRONG_TOKEN]
    refresh = post(server, "authorization/refreshToken", signed(owner="second@example.com"))
    assert refresh["message"] == ["Token refreshed failed"]


def test_a_request_without_host_header_gets_the_servers_address(server: EmulatorServer) -> None:
    """An HTTP/1.0 request may leave ``Host`` out: the endpoint is where the server listens."""
    body = json.dumps({"username": OWNER, "password": PASSWORD}).encode()
    head = (
        f"POST /api/authorization/token HTTP/1.0\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(head + body)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    answer = json.loads(data.split(b"\r\n\r\n", 1)[1])
    assert answer["endpoint"] == f"127.0.0.1:{server.port}"


def test_protocol_14_integration_upsert_over_http(
    server: EmulatorServer, emu: Emulator[FrozenClock]
) -> None:
    part = {"clientId": CLIENT_ID, "owner": OWNER}
    envelope = post(
        server,
        "integration/upsert",
        signed(
            contactUpsertRequest={**part, "contact": {"email": "jan@shop.pl"}},
            addContactExtEventRequest={
                **part,
                "email": "jan@shop.pl",
                "contactEvent": {"contactExtEventType": "CART", "date": "2026-01-15T10:00:00Z"},
            },
        ),
    )
    assert envelope["success"] is True, envelope
    card = emu.account(CLIENT_ID).find("jan@shop.pl")
    assert card is not None
    assert card.id == envelope["contactId"]
    [event] = emu.account(CLIENT_ID).events.events_of(card)
    assert event.event_id == envelope["eventId"]
    refused = post(
        server,
        "integration/upsert",
        signed(contactUpsertRequest={**part, "clientId": "x", "contact": {"email": "b@x.pl"}}),
    )
    assert refused["message"] == ["Not authenticated"]
    assert SECRET not in json.dumps(refused)
