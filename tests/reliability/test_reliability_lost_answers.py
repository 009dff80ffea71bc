"""A retried call whose earlier attempt landed but whose answer was lost (issue 16).

``events.delete``, ``tasks.finish`` and ``funnels.delete`` are idempotent, so the SDK
retries them after a read timeout. When the first attempt was applied, the retry
finds nothing to delete or finish and the platform refuses it; the SDK must not
report that as a plain "not found": the error says an earlier attempt may have been
applied, and ``may_have_landed`` is set. A refusal after a retry whose earlier
attempt certainly never reached the platform stays a plain refusal.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone

import pytest
from reliability_helpers import KNOWN, AnyClient
from sdk_helpers import call

from salesmanago import ExternalEvent, ExternalEventType, NotFoundError, RequestFailedError
from salesmanago_emulator import Emulator

EVENT_DELETE = "/api/v2/contact/deleteContactExtEvent"
TASK_UPDATE = "/api/contact/updateTask"
FUNNEL_DELETE = "/api/funnel/delete"
LANDED = "an earlier attempt of this call may have been applied"

Setup = Callable[[AnyClient, Emulator], Awaitable[tuple[str, tuple[object, ...]]]]


async def _event(client: AnyClient, emulator: Emulator) -> tuple[str, tuple[object, ...]]:
    event = ExternalEvent(
        date=datetime(2026, 1, 15, 9, 0, tzinfo=timezone.utc),
        event_type=ExternalEventType.PURCHASE,
        description="lost answer",
    )
    event_id = await call(client, "events.add", event, email=KNOWN)
    return "events.delete", (event_id,)


async def _task(client: AnyClient, emulator: Emulator) -> tuple[str, tuple[object, ...]]:
    due = datetime(2026, 1, 20, 9, 0, tzinfo=timezone.utc) + timedelta(days=1)
    task_id = await call(client, "tasks.create", KNOWN, "call back", due)
    return "tasks.finish", (task_id,)


async def _funnel(client: AnyClient, emulator: Emulator) -> tuple[str, tuple[object, ...]]:
    await call(client, "funnels.add", "Sales", ["Lead", "Won"])
    return "funnels.delete", ("Sales",)


CASES = [
    pytest.param(_event, EVENT_DELETE, id="events.delete"),
    pytest.param(_task, TASK_UPDATE, id="tasks.finish"),
    pytest.param(_funnel, FUNNEL_DELETE, id="funnels.delete"),
]


@pytest.mark.parametrize(("setup", "path"), CASES)
async def test_issue16_retry_after_landed_attempt_is_not_a_plain_not_found(
    make_client: Callable[..., AnyClient], emulator: Emulator, setup: Setup, path: str
) -> None:
    client = make_client()
    name, args = await setup(client, emulator)
    emulator.clear_calls()
    emulator.faults.add("read_timeout", path=path, times=1, after_write=True)

    with pytest.raises(RequestFailedError) as caught:
        await call(client, name, *args)

    error = caught.value
    assert error.may_have_landed is True
    assert LANDED in str(error)
    assert isinstance(error, NotFoundError), type(error)
    assert error.messages  # the platform's own text is kept as sent
    attempts = [c for c in emulator.calls if c.path == path]
    assert [c.fault for c in attempts] == ["read timeout after write", None]
    assert attempts[0].success is True  # the first attempt did the work


@pytest.mark.parametrize(("setup", "path"), CASES)
async def test_issue16_retry_after_an_unsent_attempt_stays_a_plain_refusal(
    make_client: Callable[..., AnyClient], emulator: Emulator, setup: Setup, path: str
) -> None:
    """A connect error never reached the platform: the refusal of the retry is the
    plain one (the object really was not there)."""
    client = make_client()
    name, args = await setup(client, emulator)
    await call(client, name, *args)  # done once, answer seen
    emulator.faults.add("connect_error", path=path, times=1)

    with pytest.raises(NotFoundError) as caught:
        await call(client, name, *args)

    assert caught.value.may_have_landed is False
    assert LANDED not in str(caught.value)


async def test_issue16_5xx_after_write_then_refusal_is_marked(
    make_client: Callable[..., AnyClient], emulator: Emulator
) -> None:
    """A 500 may come after the platform applied the request: the refusal of the
    retry is marked like one after a lost answer."""
    client = make_client()
    name, args = await _event(client, emulator)
    emulator.faults.add("http_error", status=500, path=EVENT_DELETE, times=1, after_write=True)

    with pytest.raises(NotFoundError) as caught:
        await call(client, name, *args)

    assert caught.value.may_have_landed is True
