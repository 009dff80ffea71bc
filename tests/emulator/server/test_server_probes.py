"""Issue 15: every probe of the old ``http.server`` door, as a test over a raw socket
(where httpx or urllib would normalise the request). Each fails on the hand-written
handler and passes on the ASGI app (Starlette + uvicorn)."""

from __future__ import annotations

import json
import logging
import socket
import struct
import time
from collections.abc import Iterator

import pytest
from server_helpers import CLIENT_ID, SECRET, envelope_of, raw_request, request, signed

from salesmanago_emulator import Emulator, EmulatorServer, _uvicorn


@pytest.fixture(params=["httptools", "h11"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each probe against both HTTP parsers uvicorn may run (httptools: the server extra's)."""
    monkeypatch.setattr(_uvicorn, "HAS_HTTPTOOLS", request.param == "httptools")
    return str(request.param)


@pytest.fixture
def server(emu: Emulator, parser: str) -> Iterator[EmulatorServer]:
    """An EmulatorServer on ``emu`` with the ``parser`` of the test's parameter."""
    with EmulatorServer(emu) as running:
        yield running


def _head(method: str, path: str, *lines: str, host: str = "127.0.0.1") -> bytes:
    text = f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n"
    return (text + "".join(f"{line}\r\n" for line in lines) + "\r\n").encode("latin-1")


def _post(path: str, body: bytes, *lines: str, host: str = "127.0.0.1") -> bytes:
    return _head("POST", path, f"Content-Length: {len(body)}", *lines, host=host) + body


# --- Host: DNS rebinding -------------------------------------------------------------------


def test_a_foreign_host_is_refused_403_with_the_envelope(
    server: EmulatorServer, emu: Emulator
) -> None:
    """A page on evil.example resolving to 127.0.0.1 reads no state and writes nothing."""
    status, headers, body = raw_request(
        server.port, _head("GET", "/_emulator/state", host=f"evil.example:{server.port}")
    )
    assert status == 403
    assert "evil.example" in envelope_of(headers, body)["message"][0]
    assert SECRET.encode() not in body
    upsert = json.dumps(signed(contact={"email": "rebound@example.com"})).encode()
    status, headers, body = raw_request(
        server.port,
        _post("/api/contact/upsert", upsert, "Content-Type: application/json", host="evil.example"),
    )
    assert status == 403
    envelope_of(headers, body)
    assert emu.account(CLIENT_ID).has_contact("rebound@example.com") is None


@pytest.mark.parametrize(
    "host", ["127.0.0.1:{port}", "localhost:{port}", "[::1]:{port}", "127.0.0.2", "LOCALHOST"]
)
def test_loopback_host_names_are_served(server: EmulatorServer, host: str) -> None:
    status, _, body = raw_request(
        server.port, _head("GET", "/_emulator/clock", host=host.format(port=server.port))
    )
    assert (status, json.loads(body)["success"]) == (200, True)


def test_allowed_hosts_add_names(emu: Emulator, parser: str) -> None:
    with EmulatorServer(emu, allowed_hosts=["emulator.test"]) as server:
        status, _, _ = raw_request(
            server.port, _head("GET", "/_emulator/clock", host="emulator.test")
        )
        assert status == 200
        status, _, _ = raw_request(server.port, _head("GET", "/_emulator/clock", host="other.test"))
        assert status == 403


# --- Origin and content type of control writes ----------------------------------------------


_CREATE = json.dumps({"clientId": "x1", "apiSecret": "s", "users": ["u@example.com"]}).encode()


def test_a_cross_site_text_plain_post_creates_no_account(
    server: EmulatorServer, emu: Emulator
) -> None:
    """What a page on another site can send without a preflight: refused, nothing made."""
    data = _post(
        "/_emulator/accounts/create",
        _CREATE,
        "Content-Type: text/plain",
        "Origin: http://evil.example",
    )
    status, headers, body = raw_request(server.port, data)
    assert status == 403
    envelope_of(headers, body)
    assert [a.client_id for a in emu.accounts] == [CLIENT_ID]


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_a_control_post_needs_a_json_content_type(
    server: EmulatorServer, emu: Emulator, content_type: str | None
) -> None:
    lines = [] if content_type is None else [f"Content-Type: {content_type}"]
    status, headers, body = raw_request(
        server.port, _post("/_emulator/accounts/create", _CREATE, *lines)
    )
    assert status == 415
    assert "application/json" in envelope_of(headers, body)["message"][0]
    assert [a.client_id for a in emu.accounts] == [CLIENT_ID]
    status, _, _ = raw_request(server.port, _post("/_emulator/reset", b"", *lines))
    assert status == 415
    assert [a.client_id for a in emu.accounts] == [CLIENT_ID]


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://127.0.0.1:1"])
def test_a_foreign_origin_is_refused_even_with_json(
    server: EmulatorServer, emu: Emulator, origin: str
) -> None:
    data = _post(
        "/_emulator/accounts/create", _CREATE, "Content-Type: application/json", f"Origin: {origin}"
    )
    status, headers, body = raw_request(server.port, data)
    assert status == 403
    envelope_of(headers, body)
    assert [a.client_id for a in emu.accounts] == [CLIENT_ID]


def test_the_servers_own_origin_is_accepted(server: EmulatorServer, emu: Emulator) -> None:
    host = f"127.0.0.1:{server.port}"
    data = _post(
        "/_emulator/accounts/create",
        _CREATE,
        "Content-Type: application/json; charset=utf-8",
        f"Origin: http://{host}",
        host=host,
    )
    status, _, _ = raw_request(server.port, data)
    assert status == 200
    assert [a.client_id for a in emu.accounts] == [CLIENT_ID, "x1"]


# --- methods, sizes and framing: always the envelope --------------------------------------


@pytest.mark.parametrize("method", ["OPTIONS", "TRACE", "FROB", "PUT", "DELETE"])
@pytest.mark.parametrize("path", ["/api/contact/upsert", "/_emulator/accounts", "/elsewhere"])
def test_any_method_gets_the_envelope(
    server: EmulatorServer, parser: str, method: str, path: str
) -> None:
    status, headers, body = raw_request(server.port, _head(method, path))
    # a method llhttp does not know is refused by the parser itself (400), else the route's 405
    assert status == (400 if (method, parser) == ("FROB", "httptools") else 405)
    envelope_of(headers, body)
    assert b"<html" not in body.lower()


def test_trace_echoes_nothing(server: EmulatorServer) -> None:
    status, _, body = raw_request(server.port, _head("TRACE", "/api/x", "X-Secret: abc123"))
    assert status == 405
    assert b"abc123" not in body


def test_an_oversized_url_is_414_with_the_envelope(server: EmulatorServer) -> None:
    for length in (20_000, 70_000):
        status, headers, body = raw_request(server.port, _head("GET", "/api/" + "a" * length))
        assert status in (414, 431)  # past the parser's 64 KiB the head as a whole is refused
        envelope_of(headers, body)
    status, _, _ = raw_request(server.port, _head("GET", "/api/" + "a" * 20_000))
    assert status == 414


@pytest.mark.parametrize("size", [40_000, 70_000])
def test_oversized_headers_are_431_with_the_envelope(server: EmulatorServer, size: int) -> None:
    status, headers, body = raw_request(server.port, _head("GET", "/api/x", "X-Big: " + "b" * size))
    assert status == 431
    envelope_of(headers, body)


def test_too_many_headers_are_431(server: EmulatorServer) -> None:
    lines = [f"X-H{i}: v" for i in range(150)]
    status, headers, body = raw_request(server.port, _head("GET", "/api/x", *lines))
    assert status == 431
    envelope_of(headers, body)


@pytest.mark.parametrize("length", [b"\xb2", "\u0662".encode(), b"1e3", b"-1", b"0x10"])
def test_a_bad_content_length_is_400_not_500(
    server: EmulatorServer, emu: Emulator, length: bytes
) -> None:
    """A Unicode digit (``²`` is a digit to ``str.isdigit``) gave the old door a 500."""
    data = b"POST /api/contact/upsert HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
    status, headers, body = raw_request(server.port, data + length + b"\r\n\r\n{}")
    assert status == 400
    envelope_of(headers, body)
    status, _ = request(server.url, "/api/contact/upsert", signed(contact={"email": "a@b.pl"}))
    assert status == 200  # and the server goes on


def test_expect_100_continue_with_a_unicode_length_is_answered(server: EmulatorServer) -> None:
    """The old door dropped this connection with no answer."""
    data = (
        b"POST /api/contact/upsert HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Expect: 100-continue\r\nContent-Length: \xb2\r\n\r\n{}"
    )
    status, headers, body = raw_request(server.port, data)
    assert status == 400
    envelope_of(headers, body)


def test_expect_100_continue_gets_continue_then_the_answer(
    server: EmulatorServer, emu: Emulator
) -> None:
    body = json.dumps(signed(contact={"email": "expect@example.com"})).encode()
    head = (
        "POST /api/contact/upsert HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        f"Content-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: {len(body)}"
        "\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(head)
        interim = sock.recv(1024)
        assert interim.startswith(b"HTTP/1.1 100 Continue\r\n")
        sock.sendall(body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200 ")
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["success"] is True
    assert emu.account(CLIENT_ID).has_contact("expect@example.com")


def test_a_404_is_the_envelope(server: EmulatorServer) -> None:
    status, headers, body = raw_request(server.port, _post("/nowhere", b"{}"))
    assert status == 404
    envelope_of(headers, body)


# --- connections ---------------------------------------------------------------------------


@pytest.mark.parametrize("reset", [False, True], ids=["fin", "rst"])
def test_a_client_closing_an_idle_keep_alive_connection_logs_no_error(
    server: EmulatorServer, caplog: pytest.LogCaptureFixture, reset: bool
) -> None:
    caplog.set_level(logging.DEBUG)
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    sock.sendall(b"GET /_emulator/clock HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert sock.recv(65536).startswith(b"HTTP/1.1 200")
    if reset:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()
    time.sleep(0.3)
    status, _ = request(server.url, "/_emulator/clock", method="GET")
    assert status == 200
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []


def test_connections_over_the_cap_get_503_with_the_envelope(emu: Emulator, parser: str) -> None:
    """One event loop, and a cap: no thread per connection, no unbounded growth."""
    with EmulatorServer(emu, max_connections=2) as server:
        held = [socket.create_connection(("127.0.0.1", server.port), timeout=5) for _ in range(2)]
        try:
            for sock in held:
                sock.sendall(b"GET /_emulator/clock HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                assert sock.recv(65536).startswith(b"HTTP/1.1 200")
            status, headers, body = raw_request(server.port, _head("GET", "/_emulator/clock"))
            assert status == 503
            assert "2 connections" in envelope_of(headers, body)["message"][0]
        finally:
            for sock in held:
                sock.close()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            status, _, _ = raw_request(server.port, _head("GET", "/_emulator/clock"))
            if status == 200:
                break
            time.sleep(0.05)
        assert status == 200


# --- the control token and the masked state ----------------------------------------------


def test_the_state_masks_secrets_without_a_token(server: EmulatorServer, emu: Emulator) -> None:
    emu.account(CLIENT_ID).users.set_password("second@example.com", "pass-word-1")
    status, answer = request(server.url, "/_emulator/state", method="GET")
    assert status == 200
    assert answer["secretsMasked"] is True
    (account,) = answer["state"]["accounts"]
    assert account["apiSecret"] == "***"
    assert {"email": "second@example.com", "password": "***"}.items() <= account["users"][1].items()
    assert SECRET not in json.dumps(answer)
    assert "pass-word-1" not in json.dumps(answer)


def test_a_control_token_is_required_on_every_control_call(emu: Emulator, parser: str) -> None:
    with EmulatorServer(emu, control_token="t0k-en") as server:
        for path in ("/_emulator/state", "/_emulator/clock"):
            status, headers, body = raw_request(server.port, _head("GET", path))
            assert status == 401
            assert "Authorization: Bearer" in envelope_of(headers, body)["message"][0]
            status, _, _ = raw_request(
                server.port, _head("GET", path, "Authorization: Bearer wrong")
            )
            assert status == 401
        status, _, _ = raw_request(
            server.port, _post("/_emulator/reset", b"{}", "Content-Type: application/json")
        )
        assert status == 401
        assert [a.client_id for a in emu.accounts] == [CLIENT_ID]
        status, _, body = raw_request(
            server.port, _head("GET", "/_emulator/state", "Authorization: Bearer t0k-en")
        )
        assert status == 200
        answer = json.loads(body)
        assert answer["state"]["accounts"][0]["apiSecret"] == SECRET  # the token shows secrets
        assert "secretsMasked" not in answer
        status, _ = request(server.url, "/api/contact/upsert", signed(contact={"email": "a@b.pl"}))
        assert status == 200  # the API itself needs no control token
