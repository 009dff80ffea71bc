"""Helpers of the server tests: signed bodies and a plain urllib client."""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request
from datetime import datetime, timezone
from typing import Any

NOW = datetime(2026, 1, 15, 10, 0, tzinfo=timezone.utc)
CLIENT_ID, SECRET, OWNER = "server-client", "server-secret", "owner@example.com"


def signed(client_id: str = CLIENT_ID, secret: str = SECRET, **fields: Any) -> dict[str, Any]:
    """An authenticated API body (protocol §2.2) plus ``fields``."""
    api_key = "key-1"
    body: dict[str, Any] = {
        "clientId": client_id,
        "apiKey": api_key,
        "requestTime": 1_768_471_200_000,
        "sha": hashlib.sha1((api_key + client_id + secret).encode()).hexdigest(),
        "owner": OWNER,
    }
    body.update(fields)
    return body


def request(
    url: str, path: str, body: object = None, *, method: str = "POST", raw: bytes | None = None
) -> tuple[int, dict[str, Any]]:
    """Send with plain urllib; the HTTP status and the decoded JSON answer (errors too)."""
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    req = urllib.request.Request(f"{url}{path}", data=data, method=method)
    req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def raw_request(port: int, data: bytes, *, timeout: float = 5) -> tuple[int, dict[str, str], bytes]:
    """Send ``data`` as is on a new connection (no client normalises it); the answer's
    status, headers (lower-case names) and body."""
    import http.client
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        response = http.client.HTTPResponse(sock)
        response.begin()
        body = response.read()
        headers = {name.lower(): value for name, value in response.getheaders()}
        return response.status, headers, body


def envelope_of(headers: dict[str, str], body: bytes) -> dict[str, Any]:
    """The JSON envelope of an answer, checking it is one (content type, success false)."""
    assert headers.get("content-type") == "application/json", headers
    envelope: dict[str, Any] = json.loads(body)
    assert envelope["success"] is False
    assert isinstance(envelope["message"], list)
    assert envelope["message"]
    return envelope
