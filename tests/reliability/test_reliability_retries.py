"""The SDK's retry policy against faults injected in the emulator (docs/errors.md, Retries).

Every test counts the requests the emulator's door saw (its call log, faulted
ones included) and, for writes, how many reached the state. Sync and async
clients run every case; waits go to ``slept`` (nothing really sleeps).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from reliability_helpers import (
    CLIENT_ID,
    IDEMPOTENT_OPS,
    NEW,
    NON_IDEMPOTENT_OPS,
    SERVED,
    AnyClient,
    Op,
    applied,
    calls_to,
    op_params,
    run,
)

from salesmanago import (
    APIConnectionError,
    APITimeoutError,
    InternalServerError,
    RateLimitError,
    SalesManagoError,
)
from salesmanago_emulator import Emulator

UPSERT = "/api/contact/upsert"
INSERT = "/api/contact/insert"
LANDED_TEXT = "may have been applied"


def assert_backoff(slept: list[float]) -> None:
    """The waits are the SDK's 0.5·2ⁿ s backoff, capped at 8 s, minus up to 25 % jitter."""
    for attempt, wait in enumerate(slept):
        full = min(0.5 * 2**attempt, 8.0)
        assert 0.75 * full <= wait <= full, (attempt, wait)


def test_every_op_path_is_served() -> None:
    """No op under test names a route the emulator does not serve (a typo or a renamed
    route would leave its retry tests counting requests that never come)."""
    paths = {op.path for op in IDEMPOTENT_OPS + NON_IDEMPOTENT_OPS}
    assert paths <= SERVED, sorted(paths - SERVED)


RECOVERABLE = [
    pytest.param({"kind": "http_error", "status": 500}, id="http-500"),
    pytest.param({"kind": "http_error", "status": 502}, id="http-502"),
    pytest.param({"kind": "http_error", "status": 503}, id="http-503"),
    pytest.param({"kind": "http_error", "status": 500, "after_write": True}, id="http-500-after"),
    pytest.param({"kind": "rate_limit", "retry_after": 2}, id="http-429"),
    pytest.param({"kind": "connect_error"}, id="connect-error"),
    pytest.param({"kind": "read_timeout"}, id="read-timeout"),
    pytest.param({"kind": "read_timeout", "after_write": True}, id="read-timeout-after"),
]


@pytest.mark.parametrize("fault", RECOVERABLE)
@pytest.mark.parametrize("op", op_params(IDEMPOTENT_OPS))
async def test_idempotent_call_is_retried_until_it_succeeds(
    client: AnyClient, emulator: Emulator, slept: list[float], op: Op, fault: dict[str, Any]
) -> None:
    """Reads and idempotent writes survive two failures of any kind with the default
    two retries: three requests reach the door, the last one answers."""
    rule = emulator.faults.add(**fault, path=op.path, times=2)

    result = await run(client, op)

    records = calls_to(emulator, op.path)
    assert len(records) == 3
    assert [r.fault is not None for r in records] == [True, True, False]
    assert records[-1].success
    assert rule.hits == 2
    assert result is not None
    if fault["kind"] == "rate_limit":
        assert slept == [2.0, 2.0]
    else:
        assert len(slept) == 2
        assert_backoff(slept)


async def test_upsert_repeated_after_a_landed_timeout_leaves_one_contact(
    client: AnyClient, emulator: Emulator
) -> None:
    """An upsert whose answer was lost twice after it was applied is sent three times
    and leaves exactly one card: repeating it is safe, which is why it is retried."""
    emulator.faults.add("read_timeout", after_write=True, path=UPSERT, times=2)
    account = emulator.account(CLIENT_ID)
    before = account.count()

    result = await run(client, IDEMPOTENT_OPS[0])

    assert len(applied(emulator, UPSERT)) == 3
    assert account.count() == before + 1
    assert result.contact_id == account.find(NEW).id  # type: ignore[union-attr]


MAY_HAVE_LANDED = [
    pytest.param(
        {"kind": "read_timeout", "after_write": True}, APITimeoutError, True, id="rt-after"
    ),
    pytest.param({"kind": "read_timeout"}, APITimeoutError, False, id="rt-before"),
    pytest.param({"kind": "http_error", "status": 500}, InternalServerError, False, id="http-500"),
    pytest.param({"kind": "http_error", "status": 502}, InternalServerError, False, id="http-502"),
    pytest.param({"kind": "http_error", "status": 503}, InternalServerError, False, id="http-503"),
    pytest.param(
        {"kind": "http_error", "status": 502, "after_write": True},
        InternalServerError,
        True,
        id="http-502-after",
    ),
]


@pytest.mark.parametrize(("fault", "error", "landed"), MAY_HAVE_LANDED)
@pytest.mark.parametrize("op", op_params(NON_IDEMPOTENT_OPS))
async def test_non_idempotent_write_is_not_repeated_once_it_may_have_landed(
    client: AnyClient,
    emulator: Emulator,
    slept: list[float],
    op: Op,
    fault: dict[str, Any],
    error: type[SalesManagoError],
    landed: bool,
) -> None:
    """insert, add event, add note, add coupon: after the request was sent, a timeout or
    a 5xx may hide an applied write, so exactly one request is made, whether it landed
    (``after_write``) or not, and the error says the write may have been applied."""
    emulator.faults.add(**fault, path=op.path)

    with pytest.raises(error) as caught:
        await run(client, op)

    assert len(calls_to(emulator, op.path)) == 1
    assert len(applied(emulator, op.path)) == (1 if landed else 0)
    assert slept == []
    assert LANDED_TEXT in str(caught.value)
    if isinstance(caught.value, APIConnectionError):
        assert caught.value.may_have_landed is True
    if op.path == INSERT:
        assert (emulator.account(CLIENT_ID).find(NEW) is not None) is landed


@pytest.mark.parametrize("op", op_params(NON_IDEMPOTENT_OPS))
async def test_non_idempotent_write_is_not_repeated_after_a_rate_limit(
    client: AnyClient, emulator: Emulator, slept: list[float], op: Op
) -> None:
    """A 429 to a non-idempotent write is raised as RateLimitError after one request
    (the documented policy: 408/429/5xx are not repeated for such writes)."""
    emulator.faults.add("rate_limit", retry_after=4, path=op.path)

    with pytest.raises(RateLimitError) as caught:
        await run(client, op)

    assert caught.value.retry_after == 4.0
    assert len(calls_to(emulator, op.path)) == 1
    assert applied(emulator, op.path) == []
    assert slept == []


@pytest.mark.parametrize("op", op_params(NON_IDEMPOTENT_OPS))
async def test_non_idempotent_write_is_retried_after_connect_errors(
    client: AnyClient, emulator: Emulator, slept: list[float], op: Op
) -> None:
    """A dropped connection never reached the platform: the write is sent again and
    applied exactly once."""
    emulator.faults.add("connect_error", path=op.path, times=2)

    await run(client, op)

    records = calls_to(emulator, op.path)
    assert [r.fault for r in records] == ["connect error", "connect error", None]
    assert len(applied(emulator, op.path)) == 1
    assert_backoff(slept)
    assert len(slept) == 2
    if op.path == INSERT:
        assert emulator.account(CLIENT_ID).find(NEW) is not None


@pytest.mark.parametrize("op", op_params(NON_IDEMPOTENT_OPS))
async def test_connect_errors_exhaust_retries_without_applying(
    client: AnyClient, emulator: Emulator, slept: list[float], op: Op
) -> None:
    """Connection errors that persist: three attempts, none applied, and
    APIConnectionError (not a timeout) that knows the write did not land."""
    emulator.faults.add("connect_error", path=op.path)

    with pytest.raises(APIConnectionError) as caught:
        await run(client, op)

    assert type(caught.value) is APIConnectionError
    assert caught.value.may_have_landed is False
    assert LANDED_TEXT not in str(caught.value)
    assert len(calls_to(emulator, op.path)) == 3
    assert applied(emulator, op.path) == []
    assert len(slept) == 2


@pytest.mark.parametrize(("retry_after", "wait"), [(7, 7.0), (0.5, 0.5), (0, 0.0), (600, 60.0)])
async def test_retry_after_is_the_wait(
    client: AnyClient, emulator: Emulator, slept: list[float], retry_after: float, wait: float
) -> None:
    """A 429's ``Retry-After`` is exactly the wait the SDK asks for (capped at 60 s)."""
    emulator.faults.add("rate_limit", retry_after=retry_after, path=UPSERT, times=1)

    await run(client, IDEMPOTENT_OPS[0])

    assert slept == [wait]
    assert len(calls_to(emulator, UPSERT)) == 2


async def test_rate_limit_without_retry_after_uses_the_backoff(
    client: AnyClient, emulator: Emulator, slept: list[float]
) -> None:
    """A 429 with no ``Retry-After`` waits the ordinary backoff."""
    emulator.faults.add("rate_limit", retry_after=None, path=UPSERT, times=2)

    await run(client, IDEMPOTENT_OPS[0])

    assert len(slept) == 2
    assert_backoff(slept)


async def test_rate_limit_exhausted_raises_with_retry_after(
    client: AnyClient, emulator: Emulator, slept: list[float]
) -> None:
    """A 429 that persists: three requests, two waits of ``Retry-After``, RateLimitError."""
    emulator.faults.add("rate_limit", retry_after=3, path=UPSERT)

    with pytest.raises(RateLimitError) as caught:
        await run(client, IDEMPOTENT_OPS[0])

    assert caught.value.retry_after == 3.0
    assert slept == [3.0, 3.0]
    assert len(calls_to(emulator, UPSERT)) == 3


FINAL_ERRORS = [
    pytest.param({"kind": "http_error", "status": 503}, InternalServerError, id="http-503"),
    pytest.param({"kind": "rate_limit", "retry_after": 1}, RateLimitError, id="http-429"),
    pytest.param({"kind": "connect_error"}, APIConnectionError, id="connect-error"),
    pytest.param({"kind": "read_timeout"}, APITimeoutError, id="read-timeout"),
    pytest.param({"kind": "read_timeout", "after_write": True}, APITimeoutError, id="rt-after"),
]


@pytest.mark.parametrize(("fault", "error"), FINAL_ERRORS)
async def test_max_retries_zero_means_one_attempt(
    make_client: Callable[..., AnyClient],
    emulator: Emulator,
    slept: list[float],
    fault: dict[str, Any],
    error: type[SalesManagoError],
) -> None:
    """``max_retries=0``: one request whatever failed, and its error."""
    client = make_client(max_retries=0)
    emulator.faults.add(**fault, path=UPSERT)

    with pytest.raises(error) as caught:
        await run(client, IDEMPOTENT_OPS[0])

    assert type(caught.value) is error
    assert len(calls_to(emulator, UPSERT)) == 1
    assert slept == []


@pytest.mark.parametrize("max_retries", [1, 3])
@pytest.mark.parametrize(("fault", "error"), FINAL_ERRORS)
async def test_exhausted_retries_raise_the_last_failure(
    make_client: Callable[..., AnyClient],
    emulator: Emulator,
    slept: list[float],
    fault: dict[str, Any],
    error: type[SalesManagoError],
    max_retries: int,
) -> None:
    """A failure that persists: ``max_retries + 1`` requests, then the failure's own
    error type; an idempotent call's error does not claim a possibly landed write
    for transport failures (``may_have_landed`` is False: repeating was safe)."""
    client = make_client(max_retries=max_retries)
    emulator.faults.add(**fault, path=UPSERT)

    with pytest.raises(error) as caught:
        await run(client, IDEMPOTENT_OPS[0])

    assert type(caught.value) is error
    assert len(calls_to(emulator, UPSERT)) == max_retries + 1
    assert len(slept) == max_retries
    if isinstance(caught.value, APIConnectionError):
        assert caught.value.may_have_landed is False
    if fault["kind"] != "rate_limit":
        assert_backoff(slept)


async def test_latency_is_waited_through_the_injected_sleep(
    client: AnyClient, emulator: Emulator, slept: list[float], latency_slept: list[float]
) -> None:
    """Latency delays every matching request (the emulator's sleep, not the client's);
    combined with a one-off 503 it applies to both attempts."""
    emulator.faults.add("latency", seconds=0.25, path=UPSERT)
    emulator.faults.add("http_error", status=503, path=UPSERT, times=1)

    await run(client, IDEMPOTENT_OPS[0])

    assert latency_slept == [0.25, 0.25]
    assert [r.fault for r in calls_to(emulator, UPSERT)] == [
        "latency 0.25s; HTTP 503",
        "latency 0.25s",
    ]
    assert len(slept) == 1


async def test_faults_on_other_paths_do_not_touch_a_call(
    client: AnyClient, emulator: Emulator, slept: list[float]
) -> None:
    """Rules for another path and for another account leave the call alone."""
    other_path = emulator.faults.add("http_error", path=INSERT)
    other_account = emulator.faults.add("connect_error", client_id="someone-else")

    await run(client, IDEMPOTENT_OPS[0])

    assert [r.fault for r in calls_to(emulator, UPSERT)] == [None]
    assert other_path.hits == other_account.hits == 0
    assert slept == []
