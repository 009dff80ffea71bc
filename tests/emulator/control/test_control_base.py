"""The control API's dispatcher (``control/_base.py``): methods, names, bodies, the doors."""

from __future__ import annotations

import httpx
import pytest
from control_helpers import refused
from server_helpers import request

from salesmanago_emulator import Emulator, EmulatorServer
from salesmanago_emulator.control import ControlError, ControlOperation


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


def test_in_process_body_must_be_an_object(emu: Emulator) -> None:
    with pytest.raises(ControlError, match="must be a JSON object") as caught:
        emu.control("calls", [])  # type: ignore[arg-type]
    assert caught.value.status == 400
    with pytest.raises(ControlError) as caught:
        emu.control("no-such-operation")
    assert caught.value.status == 404
    assert emu.control("/clock/") == emu.control("clock")  # slashes around a name are ignored


def test_transport_does_not_serve_control_paths(emu: Emulator) -> None:
    with httpx.Client(transport=emu.transport()) as http:
        response = http.post("http://salesmanago.emulator/_emulator/reset", content=b"{}")
    assert response.status_code == 404
    assert emu.accounts  # nothing was reset


@pytest.mark.parametrize("name", ["", "/reset", " reset", "reset "])
def test_an_operation_name_is_checked(name: str) -> None:
    with pytest.raises(ValueError, match="bad control operation name"):
        ControlOperation(name=name, handler=lambda emulator, args: {})
