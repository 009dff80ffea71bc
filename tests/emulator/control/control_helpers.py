"""Helpers of the control API's tests: operations and API calls over a real server."""

from __future__ import annotations

from typing import Any

import pytest
from routes_helpers import A_ID, A_OWNER, A_SECRET
from server_helpers import request, signed

from salesmanago_emulator import Emulator, EmulatorServer
from salesmanago_emulator.control import ControlError


def ok(server: EmulatorServer, name: str, body: object = None, method: str = "POST") -> Any:
    """Run control operation ``name``; expects HTTP 200 and success; the envelope."""
    status, envelope = request(server.url, f"/_emulator/{name}", body, method=method)
    assert (status, envelope["success"], envelope["message"]) == (200, True, []), envelope
    return envelope


def refused(server: EmulatorServer, name: str, body: object = None, method: str = "POST") -> Any:
    """Run control operation ``name``; expects a refusal; its status and first message."""
    status, envelope = request(server.url, f"/_emulator/{name}", body, method=method)
    assert envelope["success"] is False
    assert envelope["message"]
    return status, envelope["message"][0]


def signed_a(**fields: Any) -> dict[str, Any]:
    """An API body authenticated as account A's first user, plus ``fields``."""
    return signed(A_ID, A_SECRET, owner=A_OWNER, **fields)


def upsert(server: EmulatorServer, email: str, **contact: object) -> str:
    """Upsert a contact of account A over HTTP; its id."""
    status, envelope = request(
        server.url, "/api/contact/upsert", signed_a(contact={"email": email, **contact})
    )
    assert (status, envelope["success"]) == (200, True), envelope
    return str(envelope["contactId"])


def refusal(emu: Emulator, name: str, body: dict[str, Any]) -> tuple[int, str]:
    """Run control operation ``name`` in process; expects a refusal; its status and
    first message."""
    with pytest.raises(ControlError) as err:
        emu.control(name, body)
    return err.value.status, err.value.messages[0]
