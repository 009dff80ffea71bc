"""The server door: the SDK and a raw client over a real socket, limits and robustness."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import urllib.request

import httpx
import pytest
from server_helpers import CLIENT_ID, OWNER, SECRET, request, signed

from salesmanago import ContactUpsert, SalesManago
from salesmanago_emulator import Emulator, EmulatorServer
from salesmanago_emulator.server import MAX_BODY_BYTES


def _raw_exchange(server: EmulatorServer, data: bytes) -> bytes:
    """Send bytes on a fresh connection and read until the server closes it."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_sdk_over_a_real_socket_same_behaviour_as_transport(
    server: EmulatorServer, emu: Emulator
) -> None:
    with SalesManago(
        endpoint=server.url, client_id=CLIENT_ID, api_secret=SECRET, owner=OWNER, max_retries=0
    ) as sm:
        result = sm.contacts.upsert(ContactUpsert(email="Ann@Example.com", tags=["VIP"]))
        assert result.contact_id == emu.account(CLIENT_ID).has_contact("ann@example.com")
        (contact,) = sm.contacts.list(["ann@example.com"])
        assert contact.email == "ann@example.com"
        sm.contacts.delete("ann@example.com")
    assert emu.account(CLIENT_ID).has_contact("ann@example.com") is None
    assert [c.path for c in emu.calls] == [
        "/api/contact/upsert",
        "/api/contact/list",
        "/api/contact/delete",
    ]
    assert all(c.request is not None and c.request["sha"] == "***" for c in emu.calls)


def test_raw_protocol_with_urllib(server: EmulatorServer) -> None:
    status, envelope = request(
        server.url, "/api/contact/upsert", signed(contact={"email": "raw@example.com"})
    )
    assert status == 200
    assert envelope["success"] is True
    assert envelope["contactId"]
    status, envelope = request(server.url, "/api/contact/upsert", signed(secret="wrong"))
    assert (status, envelope["success"], envelope["message"]) == (
        200,
        False,
        ["Not authenticated"],
    )


def test_any_prefix_before_api_reaches_the_router(server: EmulatorServer) -> None:
    status, envelope = request(
        server.url, "/some/base/api/contact/upsert", signed(contact={"email": "p@example.com"})
    )
    assert (status, envelope["success"]) == (200, True)


def test_bad_json_is_an_envelope_not_a_500(server: EmulatorServer) -> None:
    status, envelope = request(server.url, "/api/contact/upsert", raw=b"{not json")
    assert status == 400
    assert envelope == {"success": False, "message": ["Request body is not valid JSON"]}
    status, envelope = request(server.url, "/api/contact/upsert", raw=b"[1, 2]")
    assert (status, envelope["success"]) == (400, False)


def test_http_errors_of_the_router(server: EmulatorServer) -> None:
    status, envelope = request(server.url, "/api/no/such/path", {})
    assert status == 404
    assert envelope["message"] == ["Path /api/no/such/path is not implemented by the emulator"]
    status, envelope = request(server.url, "/api/contact/upsert", method="GET")
    assert (status, envelope["success"]) == (405, False)
    status, _ = request(server.url, "/elsewhere", {})
    assert status == 404


def test_413_from_content_length_before_the_body_is_sent(server: EmulatorServer) -> None:
    head = (
        "POST /api/contact/upsert HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {MAX_BODY_BYTES + 1}\r\n\r\n"
    ).encode()
    answer = _raw_exchange(server, head + b'{"a":')  # most of the body is never sent
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line.startswith(b"HTTP/1.1 413")
    body = json.loads(rest.split(b"\r\n\r\n", 1)[1])
    assert body["success"] is False
    assert "too large" in body["message"][0]


def test_413_for_a_client_that_sends_the_whole_body(server: EmulatorServer) -> None:
    big = b" " * (MAX_BODY_BYTES + 10)
    with httpx.Client(timeout=10) as http:
        response = http.post(f"{server.url}/api/contact/upsert", content=big)
    assert response.status_code == 413
    assert response.json()["success"] is False
    status, _ = request(server.url, "/api/contact/upsert", signed(contact={"email": "a@b.pl"}))
    assert status == 200  # and the server still serves


def test_body_at_the_limit_is_read(emu: Emulator) -> None:
    with EmulatorServer(emu, max_body=64) as small:
        status, envelope = request(small.url, "/api/contact/upsert", raw=b"[" + b" " * 62 + b"]")
        assert (status, envelope["message"]) == (400, ["Request body must be a JSON object"])
        status, _ = request(small.url, "/api/contact/upsert", raw=b"[" + b" " * 63 + b"]")
        assert status == 413


def test_expect_100_continue_is_refused_with_413(server: EmulatorServer) -> None:
    head = (
        "POST /api/contact/upsert HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
        f"Content-Length: {MAX_BODY_BYTES * 2}\r\n\r\n"
    ).encode()
    answer = _raw_exchange(server, head)
    assert answer.startswith(b"HTTP/1.1 413")
    assert b"100 Continue" not in answer


def test_chunked_body_is_refused_with_411(server: EmulatorServer) -> None:
    head = b"POST /api/contact/upsert HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    assert _raw_exchange(server, head + b"2\r\n{}\r\n0\r\n\r\n").startswith(b"HTTP/1.1 411")


def test_broken_requests_never_kill_the_server(server: EmulatorServer) -> None:
    for garbage in (
        b"\x00\xff garbage\r\n\r\n",
        b"POST /api/x HTTP/1.1\r\nContent-Length: zz\r\n\r\n",
    ):
        _raw_exchange(server, garbage)
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(b"POST /api/contact/upsert HTTP/1.1\r\nContent-Length: 100\r\n\r\n{")
    status, _ = request(server.url, "/api/contact/upsert", signed(contact={"email": "a@b.pl"}))
    assert status == 200


def test_handler_crash_is_a_500_and_the_server_goes_on(
    server: EmulatorServer, emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(emu._router, "handle", boom)
    status, envelope = request(server.url, "/api/contact/upsert", {})
    assert (status, envelope) == (500, {"success": False, "message": ["Internal emulator error"]})
    monkeypatch.undo()
    status, _ = request(server.url, "/api/contact/upsert", signed(contact={"email": "a@b.pl"}))
    assert status == 200


def test_concurrent_clients_every_write_lands(server: EmulatorServer, emu: Emulator) -> None:
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            with SalesManago(
                endpoint=server.url, client_id=CLIENT_ID, api_secret=SECRET, owner=OWNER
            ) as sm:
                for i in range(10):
                    sm.contacts.upsert(ContactUpsert(email=f"t{n}-{i}@example.com"))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert emu.account(CLIENT_ID).count() == 40


def test_start_stop_url_and_keep_alive_connections_are_closed(emu: Emulator) -> None:
    server = EmulatorServer(emu)
    assert not server.running
    server.start()
    assert server.running
    assert server.url == f"http://127.0.0.1:{server.port}"
    assert server.port != 0
    with pytest.raises(RuntimeError, match="already started"):
        server.start()
    http = httpx.Client()
    assert http.post(f"{server.url}/api/x", content=b"{}").status_code == 404  # kept alive
    server.stop()
    assert not server.running
    with pytest.raises(httpx.TransportError):
        http.post(f"{server.url}/api/x", content=b"{}")
    http.close()
    server.stop()  # a second stop is a no-op


def test_pytest_fixture_salesmanago_server(salesmanago_server: EmulatorServer) -> None:
    with urllib.request.urlopen(f"{salesmanago_server.url}/_emulator/accounts") as response:
        accounts = json.loads(response.read())["accounts"]
    assert [a["clientId"] for a in accounts] == ["emulator-client"]


def test_fault_rules_apply_at_the_server_door_too(server: EmulatorServer, emu: Emulator) -> None:
    emu.faults.add("http_error", status=503, path="/api/contact/upsert", times=1)
    emu.faults.add("connect_error", path="/api/contact/upsert", times=1)
    body = signed(contact={"email": "f@example.com"})
    status, envelope = request(server.url, "/api/contact/upsert", body)
    assert (status, envelope["success"]) == (503, False)
    with pytest.raises(http.client.RemoteDisconnected):  # closed with no answer
        request(server.url, "/api/contact/upsert", body)
    status, _ = request(server.url, "/api/contact/upsert", body)
    assert status == 200
    assert [c.fault is not None for c in emu.calls] == [True, True, False]
