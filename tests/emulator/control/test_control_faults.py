"""The fault rules' control operations: ``faults``, ``faults/add``, ``faults/clear``.

What each fault does at the wire is in ``tests/reliability/test_reliability_faults.py``.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from routes_helpers import Api

from salesmanago_emulator import Emulator
from salesmanago_emulator.control import ControlError, handle_control

HAS = "/api/contact/hasContact"


def has_contact(api: Api) -> httpx.Response:
    """POST a signed ``hasContact`` of account A through the emulator's transport."""
    return api.send(HAS.removeprefix("/api/"), api.body(email="ann@example.com"))


def test_control_api_retry_after_null_sends_no_header(emu: Emulator, api: Api) -> None:
    """``retryAfter: null`` means a 429 without the header, as ``retry_after=None`` does."""
    added = emu.control("faults/add", {"kind": "rate_limit", "retryAfter": None, "path": HAS})
    assert added["faults"][0]["retryAfter"] is None
    response = has_contact(api)
    assert response.status_code == 429
    assert "retry-after" not in response.headers


def test_control_api_adds_lists_and_clears_faults(emu: Emulator, api: Api) -> None:
    """``/_emulator/faults/add`` (camelCase fields, one rule or ``faults: [...]``),
    ``/_emulator/faults`` (with hits) and ``/_emulator/faults/clear``."""
    added = emu.control(
        "faults/add", {"kind": "rate_limit", "retryAfter": 2, "path": HAS, "times": 1}
    )
    assert added["faults"][0]["retryAfter"] == 2
    emu.control(
        "faults/add", {"faults": [{"kind": "read_timeout", "afterWrite": True, "clientId": "x"}]}
    )

    assert has_contact(api).status_code == 429

    listed = emu.control("faults")["faults"]
    assert [(f["kind"], f["hits"], f["spent"]) for f in listed] == [
        ("rate_limit", 1, True),
        ("read_timeout", 0, False),
    ]
    assert listed[1]["clientId"] == "x"
    assert listed[1]["afterWrite"] is True
    emu.control("faults/clear")
    assert emu.control("faults") == {"faults": []}


@pytest.mark.parametrize(
    "payload",
    [{"kind": "explode"}, {"kind": "http_error", "retry": 1}, {"faults": []}, {"faults": [1]}],
)
def test_control_api_refuses_bad_faults(emu: Emulator, payload: dict[str, Any]) -> None:
    """A bad rule is a 400 and adds nothing."""
    with pytest.raises(ControlError) as caught:
        emu.control("faults/add", payload)
    assert caught.value.status == 400
    assert emu.faults.rules == []


def test_control_api_over_http_takes_fractional_seconds(emu: Emulator) -> None:
    """Over HTTP the control API reads fractions exactly (as Decimal); a fault's
    latency and chance still become plain seconds and probabilities."""
    body = b'{"kind": "latency", "seconds": 0.005, "probability": 0.5, "path": "/api/x"}'
    status, answer, _ = handle_control(emu, "POST", "faults/add", body)
    assert status == 200, answer
    [rule] = emu.faults.rules
    assert rule.seconds == 0.005
    assert rule.probability == 0.5
