"""Failure paths on both clients: ``success: false`` envelopes, HTTP errors, bodies
that are not the envelope, transport failures, and the retry policy (protocol §3;
anthropic-sdk-python's retry habits: 2 retries, 0.5·2ⁿ s capped at 8 s, jitter,
``Retry-After``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx
from sdk_helpers import AnyClient, answers, call, envelope, failed, ok, payloads

import salesmanago._base_client as base_client
from salesmanago import (
    AlreadyExistsError,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ContactUpsert,
    EndpointNotFoundError,
    InternalServerError,
    InvalidFieldError,
    InvalidResponseError,
    NotFoundError,
    RateLimitError,
    RequestFailedError,
    ResponseValidationError,
    UpsertResult,
)

UPSERT = "/api/contact/upsert"
INSERT = "/api/contact/insert"
ANN = ContactUpsert(email="ann@example.com")


def _request() -> httpx.Request:
    return httpx.Request("POST", "https://app3.salesmanago.pl/api/contact/upsert")


# success: false ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("messages", "error"),
    [
        (["Not authenticated"], AuthenticationError),
        (["Api key not specified"], AuthenticationError),
        (["Not authenticated, invalid owner"], AuthenticationError),
        (["Not authenticated, not owner specified"], AuthenticationError),
        (["Contact not found: ann@example.com"], NotFoundError),
        (["Contact with email ann@example.com already exists"], AlreadyExistsError),
        (["Field 'phone' must be at most 255 characters", "second text"], InvalidFieldError),
        (["Something else went wrong"], RequestFailedError),
        ([], RequestFailedError),
    ],
)
async def test_success_false_raises_the_matching_error(
    client: AnyClient,
    platform: respx.MockRouter,
    slept: list[float],
    messages: list[str],
    error: type[RequestFailedError],
) -> None:
    """Protocol §3.2/§3.3: a ``success: false`` envelope (HTTP 200) is a refusal, never
    retried, raised as the most specific class with the texts, endpoint and body
    (S1.3 auth refusals; S2.2 "already exists" / "not found")."""
    body = failed(*messages, values={"email": "ann@example.com"})
    route = platform.post(UPSERT).mock(return_value=envelope(body))

    with pytest.raises(RequestFailedError) as caught:
        await call(client, "contacts.upsert", ANN)

    exc = caught.value
    assert type(exc) is error
    assert exc.messages == tuple(messages)
    assert exc.endpoint == UPSERT
    assert exc.body == body
    assert exc.status_code == 200
    assert exc.values == {"email": "ann@example.com"}
    for text in messages:
        assert text in str(exc)
    assert UPSERT in str(exc)
    assert route.call_count == 1
    assert slept == []


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, BadRequestError),
        (404, EndpointNotFoundError),
        (405, APIStatusError),
        (429, RateLimitError),
        (500, InternalServerError),
        (503, InternalServerError),
    ],
)
async def test_http_error_status_raises_status_error(
    make_client: Callable[..., AnyClient],
    platform: respx.MockRouter,
    status: int,
    error: type[APIStatusError],
) -> None:
    """Protocol §3.2: HTTP 4xx/5xx (gateways, unknown paths) map to status errors
    carrying the status, the endpoint and the body (JSON or raw text)."""
    client = make_client(max_retries=0)
    route = platform.post(UPSERT).mock(
        return_value=httpx.Response(status, json={"message": ["gateway says no"]})
    )

    with pytest.raises(APIStatusError) as caught:
        await call(client, "contacts.upsert", ANN)

    assert type(caught.value) is error
    assert caught.value.status_code == status
    assert caught.value.endpoint == UPSERT
    assert caught.value.body == {"message": ["gateway says no"]}
    assert f"HTTP {status}" in str(caught.value)
    assert "gateway says no" in str(caught.value)
    assert route.call_count == 1


async def test_non_json_body_is_invalid_response(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """Protocol §3.2: an HTTP 200 whose body is not the JSON envelope ("<html>") is
    InvalidResponseError with the raw text; it is not retried."""
    route = platform.post(UPSERT).mock(
        return_value=httpx.Response(200, text="<html>maintenance</html>")
    )

    with pytest.raises(InvalidResponseError) as caught:
        await call(client, "contacts.upsert", ANN)

    assert caught.value.body == "<html>maintenance</html>"
    assert "<html>" in str(caught.value)
    assert route.call_count == 1


@pytest.mark.parametrize("body", [b"[]", b'{"message": []}', b'{"success": "yes"}', b"null"])
async def test_json_that_is_not_an_envelope_is_invalid_response(
    client: AnyClient, platform: respx.MockRouter, body: bytes
) -> None:
    """Protocol §3.1: every answer is an object with a boolean ``success``."""
    platform.post(UPSERT).mock(return_value=httpx.Response(200, content=body))
    with pytest.raises(InvalidResponseError):
        await call(client, "contacts.upsert", ANN)


async def test_missing_required_key_is_response_validation_error(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """A success envelope without what the method needs (upsert without
    ``contactId``) raises ResponseValidationError naming where it is missing."""
    body = ok(externalId="x")
    platform.post(UPSERT).mock(return_value=envelope(body))

    with pytest.raises(ResponseValidationError) as caught:
        await call(client, "contacts.upsert", ANN)

    text = str(caught.value)
    assert "response.contact" in text.lower().replace("_", "")  # e.g. response.contact_id
    assert "missing" in text
    assert caught.value.body == body
    assert caught.value.endpoint == UPSERT


async def test_mistyped_nested_value_names_its_path(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """A mistyped value deep in a listing is reported with its index and field."""
    platform.post("/api/contact/list").mock(
        return_value=envelope(
            ok(contacts=[{"id": "c-1", "email": "a@example.com"}, {"id": "c-2", "email": None}])
        )
    )
    with pytest.raises(ResponseValidationError) as caught:
        await call(client, "contacts.list", ["a@example.com", "b@example.com"])
    assert "response[1].email" in str(caught.value)


async def test_unknown_response_keys_are_tolerated(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """Protocol §3.1: the platform adds fields; unknown keys are read past."""
    platform.post(UPSERT).mock(
        return_value=envelope(ok(contactId="c-1", brandNew={"nested": [1, 2]}, requestId="r-9"))
    )
    assert await call(client, "contacts.upsert", ANN) == UpsertResult(contact_id="c-1")


# retries ---------------------------------------------------------------------------


async def test_server_error_then_success_is_retried(
    client: AnyClient, platform: respx.MockRouter, slept: list[float]
) -> None:
    """A 5xx on an idempotent method is retried after a backoff wait."""
    route = platform.post(UPSERT).mock(
        side_effect=answers(httpx.Response(500), httpx.Response(502), ok(contactId="c-1"))
    )

    assert await call(client, "contacts.upsert", ANN) == UpsertResult(contact_id="c-1")

    assert route.call_count == 3
    assert len(slept) == 2
    assert 0.375 <= slept[0] <= 0.5
    assert 0.75 <= slept[1] <= 1.0


async def test_each_retry_gets_a_fresh_request_time(
    client: AnyClient, platform: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each attempt is signed with its own ``requestTime`` (protocol §2.1)."""
    ticks = iter([1_000, 2_000, 3_000])
    monkeypatch.setattr("salesmanago._auth.now_ms", lambda: next(ticks))
    platform.post(UPSERT).mock(side_effect=answers(httpx.Response(500), ok(contactId="c-1")))
    await call(client, "contacts.upsert", ANN)
    assert [p["requestTime"] for p in payloads(platform.calls)] == [1_000, 2_000]


async def test_server_errors_exhaust_retries(
    client: AnyClient, platform: respx.MockRouter, slept: list[float]
) -> None:
    """Three attempts (two retries by default), then InternalServerError."""
    route = platform.post(UPSERT).mock(return_value=httpx.Response(503, text="busy"))
    with pytest.raises(InternalServerError) as caught:
        await call(client, "contacts.upsert", ANN)
    assert caught.value.body == "busy"
    assert route.call_count == 3
    assert len(slept) == 2


@pytest.mark.parametrize(("header", "wait"), [("7", 7.0), ("0.5", 0.5), ("600", 60.0)])
async def test_rate_limit_waits_retry_after(
    client: AnyClient, platform: respx.MockRouter, slept: list[float], header: str, wait: float
) -> None:
    """429 with ``Retry-After`` waits exactly that long (capped at 60 s), then retries."""
    route = platform.post(UPSERT).mock(
        side_effect=answers(
            httpx.Response(429, headers={"Retry-After": header}), ok(contactId="c-1")
        )
    )

    assert await call(client, "contacts.upsert", ANN) == UpsertResult(contact_id="c-1")

    assert slept == [wait]
    assert route.call_count == 2


async def test_rate_limit_exhausted_carries_retry_after(
    client: AnyClient, platform: respx.MockRouter, slept: list[float]
) -> None:
    """A 429 that persists raises RateLimitError with the platform's ``Retry-After``."""
    route = platform.post(UPSERT).mock(
        return_value=httpx.Response(429, headers={"Retry-After": "3"})
    )
    with pytest.raises(RateLimitError) as caught:
        await call(client, "contacts.upsert", ANN)
    assert caught.value.retry_after == 3.0
    assert slept == [3.0, 3.0]
    assert route.call_count == 3


async def test_read_timeout_on_idempotent_method_is_retried_then_raised(
    client: AnyClient, platform: respx.MockRouter, slept: list[float]
) -> None:
    """A timeout on an idempotent method is retried; after the last retry it is
    APITimeoutError, and the request is known to be safe to repeat."""
    route = platform.post(UPSERT).mock(side_effect=httpx.ReadTimeout("read timed out"))

    with pytest.raises(APITimeoutError) as caught:
        await call(client, "contacts.upsert", ANN)

    assert route.call_count == 3
    assert len(slept) == 2
    assert caught.value.endpoint == UPSERT
    assert caught.value.may_have_landed is False
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)


async def test_read_timeout_then_success(
    client: AnyClient, platform: respx.MockRouter, slept: list[float]
) -> None:
    """One timeout, then an answer: the caller sees only the answer."""
    route = platform.post(UPSERT).mock(
        side_effect=answers(httpx.ReadTimeout("slow"), ok(contactId="c-1"))
    )
    assert await call(client, "contacts.upsert", ANN) == UpsertResult(contact_id="c-1")
    assert route.call_count == 2


@pytest.mark.parametrize(
    "failure", [httpx.ReadTimeout("read timed out"), httpx.RemoteProtocolError("reset")]
)
async def test_insert_is_not_repeated_once_it_may_have_landed(
    client: AnyClient, platform: respx.MockRouter, slept: list[float], failure: Exception
) -> None:
    """``insert`` is not idempotent: after the request was sent (read timeout, broken
    answer) it may have created the contact, so it is not sent again and the error
    says so."""
    route = platform.post(INSERT).mock(side_effect=failure)

    with pytest.raises(APIConnectionError) as caught:
        await call(client, "contacts.insert", ANN)

    assert route.call_count == 1
    assert slept == []
    assert caught.value.may_have_landed is True
    assert "not repeated" in str(caught.value)
    assert "may have been applied" in str(caught.value)
    assert isinstance(caught.value, APITimeoutError) == isinstance(failure, httpx.TimeoutException)


async def test_insert_is_not_repeated_after_a_server_error(
    client: AnyClient, platform: respx.MockRouter, slept: list[float]
) -> None:
    """A 5xx answer to ``insert`` may come after the contact was created: one request."""
    route = platform.post(INSERT).mock(
        side_effect=answers(httpx.Response(502), ok(contactId="c-1"))
    )
    with pytest.raises(InternalServerError):
        await call(client, "contacts.insert", ANN)
    assert route.call_count == 1
    assert slept == []


@pytest.mark.parametrize(
    "failure", [httpx.ConnectError("refused"), httpx.ConnectTimeout("no route")]
)
async def test_insert_is_retried_when_it_never_left(
    client: AnyClient, platform: respx.MockRouter, slept: list[float], failure: Exception
) -> None:
    """A connection that was never made cannot have created anything: retried."""
    route = platform.post(INSERT).mock(side_effect=answers(failure, ok(contactId="c-1")))
    assert await call(client, "contacts.insert", ANN) == UpsertResult(contact_id="c-1")
    assert route.call_count == 2
    assert len(slept) == 1


async def test_connect_errors_exhaust_retries(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """Refused every time: APIConnectionError after three attempts, safe to repeat."""
    route = platform.post(INSERT).mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(APIConnectionError) as caught:
        await call(client, "contacts.insert", ANN)
    assert type(caught.value) is APIConnectionError
    assert caught.value.may_have_landed is False
    assert "not repeated" not in str(caught.value)
    assert route.call_count == 3


@pytest.mark.parametrize(
    "reply",
    [
        httpx.Response(500),
        httpx.Response(429, headers={"Retry-After": "1"}),
        httpx.ReadTimeout("t"),
    ],
)
async def test_max_retries_zero_means_one_attempt(
    make_client: Callable[..., AnyClient],
    platform: respx.MockRouter,
    slept: list[float],
    reply: Any,
) -> None:
    """``max_retries=0``: exactly one attempt whatever the failure."""
    client = make_client(max_retries=0)
    route = platform.post(UPSERT).mock(side_effect=answers(reply))
    with pytest.raises((APIStatusError, APITimeoutError)):
        await call(client, "contacts.upsert", ANN)
    assert route.call_count == 1
    assert slept == []


async def test_backoff_doubles_from_half_a_second_up_to_eight(
    make_client: Callable[..., AnyClient],
    platform: respx.MockRouter,
    slept: list[float],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Waits are 0.5·2ⁿ s capped at 8 s; with no jitter drawn they are exact."""
    monkeypatch.setattr(base_client.random, "random", lambda: 0.0)
    client = make_client(max_retries=7)
    route = platform.post(UPSERT).mock(return_value=httpx.Response(500))
    with pytest.raises(InternalServerError):
        await call(client, "contacts.upsert", ANN)
    assert slept == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert route.call_count == 8


async def test_backoff_jitter_takes_off_at_most_a_quarter(
    make_client: Callable[..., AnyClient],
    platform: respx.MockRouter,
    slept: list[float],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The largest jitter (a draw just under 1) shortens a wait by just under 25 %."""
    monkeypatch.setattr(base_client.random, "random", lambda: 0.999999)
    client = make_client(max_retries=5)
    platform.post(UPSERT).mock(return_value=httpx.Response(500))
    with pytest.raises(InternalServerError):
        await call(client, "contacts.upsert", ANN)
    for wait, full in zip(slept, [0.5, 1.0, 2.0, 4.0, 8.0], strict=True):
        assert 0.75 * full <= wait < 0.7501 * full


def test_backoff_with_real_jitter_stays_in_bounds() -> None:
    """Drawn jitter: every wait lies in [0.75·d, d] for d = min(0.5·2ⁿ, 8), and the
    draws actually vary."""
    for attempt in range(8):
        full = min(0.5 * 2**attempt, 8.0)
        waits = {base_client.retry_delay(attempt, None) for _ in range(200)}
        assert all(0.75 * full <= w <= full for w in waits)
        assert len(waits) > 1


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    """``Retry-After`` is delta-seconds or an HTTP date; garbage is ignored."""

    def header(value: str) -> float | None:
        return base_client.parse_retry_after(
            httpx.Response(429, headers={"Retry-After": value}, request=_request())
        )

    assert header("12") == 12.0
    assert header("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert header("soon") is None
    assert base_client.parse_retry_after(httpx.Response(429)) is None


async def test_batch_failure_is_raised_not_swallowed(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """A refused request of a multi-request operation raises (nothing is swallowed)."""
    platform.post("/api/contact/list").mock(
        side_effect=answers(
            ok(contacts=[]), failed("Not authenticated"), failed("Not authenticated")
        )
    )
    emails = [f"c{i}@example.com" for i in range(120)]
    with pytest.raises(AuthenticationError):
        await call(client, "contacts.list", emails)


@pytest.mark.parametrize("raw", ["nan", "inf", "-inf"])
def test_retry_after_that_is_no_finite_number_is_ignored(raw: str) -> None:
    """A ``Retry-After`` of ``nan`` or ``inf`` falls back to the normal backoff."""
    response = httpx.Response(429, headers={"Retry-After": raw})
    assert base_client.parse_retry_after(response) is None
