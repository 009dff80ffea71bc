"""The HTTP edge: methods, paths, bodies, authentication (S1.3), requestTime, owner/user."""

from __future__ import annotations

import json
import logging
from decimal import Decimal

import httpx
import pytest
from routes_helpers import (
    A_ID,
    A_OWNER,
    A_SECOND,
    A_SECRET,
    B_OWNER,
    NOW_MS,
    OMIT,
    URL,
    Api,
    sha,
    snapshot,
)

from salesmanago_emulator import Emulator
from salesmanago_emulator._router import REQUEST_TIME_MILLISECONDS, REQUEST_TIME_SECONDS
from salesmanago_emulator.routes import contacts as contact_routes

# --- HTTP-level answers (protocol §11.1) -------------------------------------------------


def test_unknown_path_is_404_naming_it(api: Api) -> None:
    response = api.send("contact/somethingNew", api.body())
    assert response.status_code == 404
    assert response.json() == {
        "success": False,
        "message": ["Path /api/contact/somethingNew is not implemented by the emulator"],
    }


def test_path_outside_api_is_404(http: httpx.Client) -> None:
    response = http.post(f"{URL}/v4/product/upsert", content=b"{}")
    assert response.status_code == 404
    assert response.json()["message"] == [
        "Path /v4/product/upsert is not implemented by the emulator"
    ]


def test_non_post_is_405_naming_the_method(http: httpx.Client) -> None:
    response = http.get(f"{URL}/api/contact/upsert")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json() == {
        "success": False,
        "message": ["Method GET is not allowed: the API takes POST requests only"],
    }
    assert http.put(f"{URL}/api/contact/upsert", content=b"{}").status_code == 405


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (b"{not json", "Request body is not valid JSON"),
        (b"", "Request body is not valid JSON"),
        (b"\xff\xfe{}", "Request body is not valid JSON"),
        (b'{"a": NaN}', "Request body is not valid JSON"),
        (b"[1, 2]", "Request body must be a JSON object"),
        (b'"text"', "Request body must be a JSON object"),
        (b"null", "Request body must be a JSON object"),
    ],
)
def test_malformed_body_is_400(emu: Emulator, api: Api, raw: bytes, text: str) -> None:
    before = snapshot(emu.account(A_ID))
    response = api.send("contact/upsert", raw)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"success": False, "message": [text]}
    assert snapshot(emu.account(A_ID)) == before


def test_prefix_before_api_is_ignored(api: Api) -> None:
    response = api.http.post("http://any.host/some/prefix/api/user/listByClient", json=api.body())
    assert response.status_code == 200
    assert response.json()["users"] == [A_OWNER, A_SECOND]


def test_unexpected_error_is_500_without_traceback(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def boom(*args: object, **kwargs: object) -> object:
        raise ZeroDivisionError("secret detail")

    monkeypatch.setattr(contact_routes, "read_write", boom)
    with caplog.at_level(logging.ERROR, logger="salesmanago_emulator"):
        response = api.send("contact/upsert", api.body(contact={"email": "a@example.com"}))
    assert response.status_code == 500
    assert response.json() == {"success": False, "message": ["Internal emulator error"]}
    assert "secret detail" not in response.text
    assert "ZeroDivisionError" in caplog.text


# --- authentication, S1.3: exact texts and no state change -------------------------------


def _upsert_body(api: Api, **auth: object) -> dict[str, object]:
    return api.body(contact={"email": "new@example.com", "name": "New"}, **auth)


@pytest.mark.parametrize(
    ("auth", "text"),
    [
        ({"clientId": "nosuchclient"}, "Not authenticated"),
        ({"clientId": OMIT}, "Not authenticated"),
        ({"clientId": 12345}, "Not authenticated"),
        ({"apiKey": OMIT}, "Api key not specified"),
        ({"apiKey": ""}, "Api key not specified"),
        ({"apiKey": None}, "Api key not specified"),
        ({"sha": "0" * 40}, "Not authenticated"),
        ({"sha": OMIT}, "Not authenticated"),
        ({"sha": sha("key-123", A_ID, A_SECRET).upper()}, "Not authenticated"),
        ({"sha": sha("other-key", A_ID, A_SECRET)}, "Not authenticated"),
        ({"owner": OMIT}, "Not authenticated, not owner specified"),
        ({"owner": ""}, "Not authenticated, not owner specified"),
        ({"owner": "stranger@example.com"}, "Not authenticated, invalid owner"),
        ({"owner": B_OWNER}, "Not authenticated, invalid owner"),
        ({"owner": ["owner@a.example.com"]}, "Not authenticated, invalid owner"),
    ],
)
def test_s1_3_auth_failures_have_exact_texts_and_change_nothing(
    emu: Emulator, api: Api, auth: dict[str, object], text: str
) -> None:
    """S1.3: refused with the platform's text; nothing is created."""
    before = snapshot(emu.account(A_ID))
    response = api.send("contact/upsert", _upsert_body(api, **auth))
    assert response.status_code == 200
    assert response.json() == {"success": False, "message": [text]}
    assert snapshot(emu.account(A_ID)) == before
    assert emu.account(A_ID).has_contact("new@example.com") is None


def test_s1_3_wrong_secret_of_another_account(emu: Emulator, api: Api) -> None:
    """S1.3: a sha made with account B's secret does not open account A."""
    body = _upsert_body(api, sha=sha("key-123", A_ID, "secret-b"))
    assert api.send("contact/upsert", body).json()["message"] == ["Not authenticated"]
    assert emu.account(A_ID).count() == 0


def test_auth_check_order(api: Api) -> None:
    """Protocol §11.2: clientId first, then apiKey, then sha, requestTime, owner."""
    everything_wrong = _upsert_body(
        api, clientId="nope", apiKey=OMIT, sha="bad", requestTime=OMIT, owner=OMIT
    )
    assert api.send("contact/upsert", everything_wrong).json()["message"] == ["Not authenticated"]
    body = _upsert_body(api, apiKey=OMIT, sha="bad", requestTime=OMIT, owner=OMIT)
    assert api.send("contact/upsert", body).json()["message"] == ["Api key not specified"]
    body = _upsert_body(api, sha="bad", requestTime=OMIT, owner=OMIT)
    assert api.send("contact/upsert", body).json()["message"] == ["Not authenticated"]
    body = _upsert_body(api, requestTime=OMIT, owner=OMIT)
    assert api.send("contact/upsert", body).json()["message"] == ["Field 'requestTime' is required"]


def test_owner_is_case_insensitive(api: Api) -> None:
    assert api.ok(
        "contact/upsert", contact={"email": "c@example.com"}, owner=" Owner@A.Example.COM "
    )


def test_api_key_is_any_string(api: Api) -> None:
    """Protocol §2.1: apiKey only salts the signature."""
    key = "0f8fad5b-d9cb-469f-a165-70867728950e"
    body = _upsert_body(api, apiKey=key, sha=sha(key, A_ID, A_SECRET))
    assert api.send("contact/upsert", body).json()["success"] is True


# --- requestTime (protocol §13.1) ----------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [NOW_MS, NOW_MS // 1000, str(NOW_MS), str(NOW_MS // 1000), 1768471200.5, "1768471200.5"],
    ids=["ms", "seconds", "ms-string", "seconds-string", "float", "float-string"],
)
def test_request_time_number_or_numeric_string_seconds_or_ms(api: Api, value: object) -> None:
    assert api.ok("contact/upsert", contact={"email": "t@example.com"}, requestTime=value)


def test_request_time_is_not_checked_for_freshness(api: Api) -> None:
    """A year-old requestTime is accepted: the emulator does not check freshness."""
    old = NOW_MS - 365 * 24 * 3600 * 1000
    assert api.ok("contact/upsert", contact={"email": "t@example.com"}, requestTime=old)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (OMIT, "Field 'requestTime' is required"),
        (None, "Field 'requestTime' is required"),
        ("yesterday", "Field 'requestTime' must be a UNIX timestamp in seconds or milliseconds"),
        ("", "Field 'requestTime' must be a UNIX timestamp in seconds or milliseconds"),
        (True, "Field 'requestTime' must be a UNIX timestamp in seconds or milliseconds"),
        ([1], "Field 'requestTime' must be a UNIX timestamp in seconds or milliseconds"),
        ("2026-01-15T10:00:00Z", "Field 'requestTime' must be a UNIX timestamp"),
    ],
)
def test_request_time_missing_or_garbage_names_the_field(
    emu: Emulator, api: Api, value: object, text: str
) -> None:
    messages = api.fail("contact/upsert", contact={"email": "t@example.com"}, requestTime=value)
    assert len(messages) == 1
    assert messages[0].startswith(text)
    assert emu.account(A_ID).count() == 0


# --- owner / user (protocol §13.4, §14) -----------------------------------------------------


def test_read_methods_take_user_in_place_of_owner(api: Api) -> None:
    """Protocol §13.4: basic, list, ... accept ``user``."""
    api.upsert("r@example.com")
    envelope = api.ok("contact/basic", email=["r@example.com"], owner=OMIT, user=A_OWNER)
    assert [c["email"] for c in envelope["contacts"]] == ["r@example.com"]
    envelope = api.ok("contact/list", email=["r@example.com"], owner=OMIT, user=A_OWNER)
    assert [c["email"] for c in envelope["contacts"]] == ["r@example.com"]


def test_user_is_checked_like_owner(api: Api) -> None:
    messages = api.fail("contact/basic", email=["r@example.com"], owner=OMIT, user="x@example.com")
    assert messages == ["Not authenticated, invalid owner"]


def test_write_methods_do_not_take_user(api: Api) -> None:
    messages = api.fail(
        "contact/upsert", contact={"email": "w@example.com"}, owner=OMIT, user=A_OWNER
    )
    assert messages == ["Not authenticated, not owner specified"]


@pytest.mark.parametrize("path", ["optin", "optout", "phoneoptin", "phoneoptout"])
def test_opt_methods_need_no_owner(api: Api, path: str) -> None:
    """Protocol §14: optin/optout/phoneoptin/phoneoptout are sent without owner."""
    contact_id = api.upsert("o@example.com")
    envelope = api.ok(f"contact/{path}", email="o@example.com", owner=OMIT)
    assert envelope["contactId"] == contact_id


def test_owner_given_where_not_needed_is_still_checked(api: Api) -> None:
    api.upsert("o@example.com")
    messages = api.fail("contact/optin", email="o@example.com", owner="stranger@example.com")
    assert messages == ["Not authenticated, invalid owner"]


def test_opt_methods_still_need_credentials(api: Api) -> None:
    api.upsert("o@example.com")
    messages = api.fail("contact/optin", email="o@example.com", owner=OMIT, sha="f" * 40)
    assert messages == ["Not authenticated"]


# --- call log -----------------------------------------------------------------------------


def test_call_log_masks_sha_and_records_outcomes(emu: Emulator, api: Api) -> None:
    api.upsert("log@example.com")
    api.send("contact/upsert", api.body(sha="0" * 40, apiSecret="leaked"))
    api.http.get(f"{URL}/api/contact/upsert")
    calls = emu.calls
    assert [(c.method, c.path, c.status, c.success) for c in calls] == [
        ("POST", "/api/contact/upsert", 200, True),
        ("POST", "/api/contact/upsert", 200, False),
        ("GET", "/api/contact/upsert", 405, False),
    ]
    first, second, third = calls
    assert first.request is not None
    assert first.request["sha"] == "***"
    assert first.request["contact"] == {"email": "log@example.com"}
    assert first.response["contactId"] == emu.account(A_ID).has_contact("log@example.com")
    assert second.request is not None
    assert second.request["sha"] == "***"
    assert second.request["apiSecret"] == "***"
    assert second.response["message"] == ["Not authenticated"]
    assert third.request is None
    assert all(c.at == emu.clock.now() for c in calls)
    for call in calls:
        assert sha("key-123", A_ID, A_SECRET) not in repr(call)


def test_call_log_masks_nested_sha(emu: Emulator, api: Api) -> None:
    inner = {"clientId": A_ID, "sha": sha("k", A_ID, A_SECRET), "owner": A_OWNER}
    api.send("contact/upsert", api.body(contact={"email": "n@example.com"}, nested=inner))
    request = emu.calls[-1].request
    assert request is not None
    assert request["nested"]["sha"] == "***"
    assert inner["sha"] != "***"  # the caller's object is untouched


def test_call_log_is_bounded_and_clearable(api: Api) -> None:
    small = Emulator(call_log_size=3)
    small.add_account(client_id=A_ID, api_secret=A_SECRET, users=[A_OWNER])
    with httpx.Client(transport=small.transport()) as http:
        local = Api(http, A_ID, A_SECRET, A_OWNER)
        for i in range(5):
            local.upsert(f"u{i}@example.com")
    assert [c.request["contact"]["email"] for c in small.calls if c.request] == [
        "u2@example.com",
        "u3@example.com",
        "u4@example.com",
    ]
    small.clear_calls()
    assert small.calls == []


def test_deeply_nested_body_is_400(api: Api) -> None:
    response = api.send("contact/upsert", b"[" * 200_000 + b"]" * 200_000)
    assert response.status_code == 400
    assert response.json() == {"success": False, "message": ["Request body is not valid JSON"]}


def test_unserialisable_answer_is_500(
    emu: Emulator, api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(contact_routes, "_ids", lambda record: {"contactId": object()})
    with caplog.at_level(logging.ERROR, logger="salesmanago_emulator"):
        response = api.send("contact/upsert", api.body(contact={"email": "a@example.com"}))
    assert response.status_code == 500
    assert response.json() == {"success": False, "message": ["Internal emulator error"]}
    assert emu.calls[-1].status == 500


# --- ``requestTime`` must be a time a request could carry (protocol §2.1, §13.1, §14) ----------

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
