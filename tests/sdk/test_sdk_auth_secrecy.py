"""Authentication fields (protocol §2.1, §2.2; S1.1) and secrecy: the API secret and
the ``sha`` (computed, or given ready with ``sha=``) never show in a repr, a str, an
exception or a log record."""

from __future__ import annotations

import logging
import pickle
import time
import traceback
from collections.abc import Callable

import httpx
import pytest
import respx
from sdk_helpers import (
    API_KEY,
    API_SECRET,
    CLIENT_ID,
    OWNER,
    SHA,
    AnyClient,
    answers,
    call,
    envelope,
    failed,
    ok,
    payloads,
)

from salesmanago import ContactUpsert, SalesManagoError
from salesmanago._auth import Credentials, compute_sha

ANN = ContactUpsert(email="ann@example.com")


def test_sha_matches_the_protocol_test_vector() -> None:
    """Protocol §2.2: SHA1(apiKey + clientId + apiSecret), lower-case hex."""
    sha = compute_sha("your-api-key-123", "your-client-id-123", "your-api-secret-123")
    assert sha == "34e3fdc3b06a31900998225a26bad512e6942897"


async def test_request_carries_the_signature_not_the_secret(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """S1.1: every call carries clientId, apiKey, requestTime (integer ms, now) and
    the sha; the secret itself is never sent."""
    route = platform.post("/api/user/listByClient").mock(return_value=envelope(ok(users=[OWNER])))
    before = time.time_ns() // 1_000_000
    await call(client, "users.list")
    after = time.time_ns() // 1_000_000

    payload = payloads(route.calls)[0]
    assert payload["clientId"] == CLIENT_ID
    assert payload["apiKey"] == API_KEY
    assert payload["sha"] == compute_sha(API_KEY, CLIENT_ID, API_SECRET)
    assert type(payload["requestTime"]) is int
    assert before <= payload["requestTime"] <= after
    assert route.call_count == 1
    assert API_SECRET.encode() not in route.calls[0].request.content
    assert API_SECRET not in str(route.calls[0].request.headers)


def test_credentials_hide_the_secret_and_the_sha() -> None:
    """The credentials object prints its public parts only and cannot be pickled."""
    credentials = Credentials(
        client_id=CLIENT_ID, api_secret=API_SECRET, owner=OWNER, api_key=API_KEY
    )
    for text in (repr(credentials), str(credentials), f"{credentials}"):
        assert CLIENT_ID in text
        assert API_SECRET not in text
        assert SHA not in text
    with pytest.raises(TypeError):
        pickle.dumps(credentials)


def test_client_repr_hides_the_secret_and_the_sha(client: AnyClient) -> None:
    """The client's repr and str name the account, never its secret or signature."""
    for obj in (client, client._credentials, client.with_options(max_retries=0)):
        for text in (repr(obj), str(obj)):
            assert API_SECRET not in text
            assert SHA not in text
    assert CLIENT_ID in repr(client)


async def test_no_secret_in_errors_or_debug_logs(
    make_client: Callable[..., AnyClient],
    platform: respx.MockRouter,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A run with retries, refusals, timeouts and bad answers, logged at DEBUG:
    neither the secret nor the sha appears in any record, nor in any raised
    exception's str, repr or formatted traceback."""
    client = make_client(max_retries=1)
    platform.post("/api/contact/upsert").mock(
        side_effect=answers(
            httpx.Response(500, text="oops"),
            ok(contactId="c-1"),
            httpx.ReadTimeout("slow"),
            httpx.ReadTimeout("slow"),
            httpx.ConnectError("refused"),
            httpx.ConnectError("refused"),
            failed("Not authenticated"),
            httpx.Response(429, headers={"Retry-After": "1"}),
            httpx.Response(429, headers={"Retry-After": "1"}),
            httpx.Response(200, text="<html>"),
            ok(),
        )
    )
    platform.post("/api/contact/insert").mock(side_effect=httpx.ReadTimeout("slow"))
    errors: list[BaseException] = []
    with caplog.at_level(logging.DEBUG):
        assert (await call(client, "contacts.upsert", ANN)).contact_id == "c-1"
        for method in ["contacts.upsert"] * 6 + ["contacts.insert"]:
            with pytest.raises(SalesManagoError) as caught:
                await call(client, method, ANN)
            errors.append(caught.value)

    assert len(errors) == 7
    assert {type(e).__name__ for e in errors} >= {
        "APITimeoutError",
        "APIConnectionError",
        "AuthenticationError",
        "RateLimitError",
        "InvalidResponseError",
        "ResponseValidationError",
    }
    assert caplog.records, "the run logs its attempts"
    assert any(r.levelno == logging.DEBUG for r in caplog.records)
    logged = caplog.text + "".join(f"{r.getMessage()}{r.args!r}" for r in caplog.records)
    texts = [logged]
    for error in errors:
        texts += [str(error), repr(error), "".join(traceback.format_exception(error))]
    for text in texts:
        assert API_SECRET not in text
        assert SHA not in text


READY_SHA = compute_sha(API_KEY, CLIENT_ID, "secret-of-a-ready-sha-client")


def test_credentials_with_a_ready_sha_hide_it() -> None:
    """Credentials built from a ready sha print neither it nor anything secret, cannot
    be pickled, and take exactly one of the secret and the sha."""
    credentials = Credentials(client_id=CLIENT_ID, owner=OWNER, api_key=API_KEY, sha=READY_SHA)
    for text in (repr(credentials), str(credentials), f"{credentials}"):
        assert READY_SHA not in text
        assert CLIENT_ID in text
    with pytest.raises(TypeError):
        pickle.dumps(credentials)
    with pytest.raises(SalesManagoError, match="exactly one"):
        Credentials(client_id=CLIENT_ID, owner=OWNER, api_key=API_KEY)


async def test_a_ready_sha_never_shows_in_reprs_errors_or_logs(
    make_client: Callable[..., AnyClient],
    platform: respx.MockRouter,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A client built with ``sha=`` sends it and hides it like a computed one: not in
    the client's repr, nor in a refusal, a timeout or a bad answer, nor in a DEBUG log."""
    client = make_client(api_secret=None, sha=READY_SHA, max_retries=1)
    route = platform.post("/api/contact/upsert").mock(
        side_effect=answers(
            failed("Not authenticated"),
            httpx.ReadTimeout("slow"),
            httpx.ReadTimeout("slow"),
            httpx.Response(200, text="<html>"),
        )
    )
    errors: list[BaseException] = []
    with caplog.at_level(logging.DEBUG):
        for _ in range(3):
            with pytest.raises(SalesManagoError) as caught:
                await call(client, "contacts.upsert", ANN)
            errors.append(caught.value)

    assert {p["sha"] for p in payloads(route.calls)} == {READY_SHA}
    texts = [repr(client), str(client), repr(client.with_options(timeout=5)), caplog.text]
    for error in errors:
        texts += [str(error), repr(error), "".join(traceback.format_exception(error))]
    for text in texts:
        assert READY_SHA not in text
