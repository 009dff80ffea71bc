"""``requestTime`` must be a time a request could carry (protocol §2.1, §13.1, §14).

Clients send seconds or milliseconds, as a number or a numeric string (§14); a
number outside any sane range (0, negative, ``1.5``, ``10**39``) is refused with the
same text as a string that reads as no time, and the request changes nothing.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from routes_helpers import A_ID, NOW_MS, Api, snapshot

from salesmanago_emulator import Emulator
from salesmanago_emulator._router import REQUEST_TIME_MILLISECONDS, REQUEST_TIME_SECONDS

REFUSED = "Field 'requestTime' must be a UNIX timestamp in seconds or milliseconds"


def _upsert_with_raw_time(api: Api, number: str) -> dict[str, object]:
    """Upsert with ``requestTime`` written into the JSON text exactly as ``number``."""
    body = json.dumps(api.body(contact={"email": "t@example.com"}))
    body = body.replace(f'"requestTime": {NOW_MS}', f'"requestTime": {number}')
    envelope: dict[str, object] = api.send("contact/upsert", body.encode()).json()
    return envelope


@pytest.mark.parametrize(
    "number",
    ["0", "-1", f"-{NOW_MS}", "1.5", "1E+39", "1000000000000000000000000000000000000000"],
    ids=["zero", "minus-one", "negative-ms", "one-and-a-half", "1e39", "1e39-digits"],
)
def test_protocol_14_request_time_out_of_range_numbers_are_refused(
    emu: Emulator, api: Api, number: str
) -> None:
    """§14 (issue 12): numbers no client sends as a time are refused like garbage text."""
    before = snapshot(emu.account(A_ID))
    envelope = _upsert_with_raw_time(api, number)
    assert envelope["success"] is False
    assert envelope["message"] == [REFUSED + " (a number or a numeric string)"]
    assert snapshot(emu.account(A_ID)) == before


@pytest.mark.parametrize("text", ["0", "1.5", "00", "99999999999", "10000000000000"])
def test_request_time_out_of_range_strings_are_refused_too(api: Api, text: str) -> None:
    """The numeric string forms follow the same range as the numbers."""
    messages = api.fail("contact/upsert", contact={"email": "t@example.com"}, requestTime=text)
    assert messages == [REFUSED + " (a number or a numeric string)"]


@pytest.mark.parametrize(
    "value",
    [
        int(REQUEST_TIME_SECONDS[0]),
        int(REQUEST_TIME_SECONDS[1]) - 1,
        int(REQUEST_TIME_MILLISECONDS[0]),
        int(REQUEST_TIME_MILLISECONDS[1]) - 1,
        f"{NOW_MS // 1000}.250",
        str(NOW_MS),
    ],
    ids=["seconds-low", "seconds-high", "ms-low", "ms-high", "fraction-string", "ms-string"],
)
def test_request_time_range_ends(api: Api, value: object) -> None:
    """Both ends of both spans pass: 2001-09-09 to 2286-11-20, in seconds or ms."""
    assert api.ok("contact/upsert", contact={"email": "t@example.com"}, requestTime=value)


@pytest.mark.parametrize(
    "value",
    [int(REQUEST_TIME_SECONDS[0]) - 1, int(REQUEST_TIME_SECONDS[1]), 10**11, 10**13],
    ids=["before-seconds", "after-seconds", "between", "after-ms"],
)
def test_request_time_just_outside_the_spans_is_refused(api: Api, value: int) -> None:
    """Between the two spans (11-12 digits) a number is neither unit: refused."""
    messages = api.fail("contact/upsert", contact={"email": "t@example.com"}, requestTime=value)
    assert messages == [REFUSED + " (a number or a numeric string)"]


def test_request_time_fractional_seconds_as_a_json_number_still_pass(api: Api) -> None:
    """A JSON fraction arrives as a Decimal; in range it is a time (seconds here)."""
    assert _upsert_with_raw_time(api, str(Decimal(NOW_MS) / 1000 + Decimal("0.5")))["success"]
