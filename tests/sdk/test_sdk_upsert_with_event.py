"""``contacts.upsert_with_event``: a contact and an event in one call (protocol §6
``integration/upsert``; issue 12 wire §2; S7.6). The request's exact bodies are in
``test_sdk_methods.py``; here: money and dates on the wire, the checks naming the
part, the platform's refusals, and why the call is never repeated once sent."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx
from sdk_helpers import AnyClient, answers, bodies, call, envelope, failed, ok

from salesmanago import (
    APITimeoutError,
    AuthenticationError,
    ContactEventResult,
    ContactUpsert,
    ExternalEvent,
    ExternalEventType,
    InternalServerError,
    InvalidFieldError,
    ResponseValidationError,
    ValidationError,
)

PATH = "/api/integration/upsert"
WHEN = datetime(2026, 3, 1, 10, 30, 15, 250000, tzinfo=timezone.utc)
WHEN_MS = 1772361015250
ANN = ContactUpsert(email="ann@example.com")


def _event(value: Decimal | None = Decimal("1234567890123456789.05")) -> ExternalEvent:
    return ExternalEvent(date=WHEN, event_type=ExternalEventType.CART, value=value)


async def test_s7_1_money_travels_with_its_exact_digits_and_dates_in_ms(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """The event's Decimal value is a JSON number with exactly its digits (19 + 2, no
    float rounding), its date integer milliseconds; the event goes to ``email``
    when given, not to the contact's e-mail."""
    route = platform.post(PATH).mock(return_value=envelope(ok(contactId="c-1", eventId="e-1")))
    result = await call(
        client, "contacts.upsert_with_event", ANN, _event(), email="other@example.com"
    )
    assert result == ContactEventResult(contact_id="c-1", event_id="e-1")
    raw = route.calls[0].request.content.decode()
    assert '"value":1234567890123456789.05' in raw
    part = bodies(route.calls)[0]["addContactExtEventRequest"]
    assert part["contactEvent"]["date"] == WHEN_MS
    assert type(part["contactEvent"]["date"]) is int
    assert part["email"] == "other@example.com"


@pytest.mark.parametrize(
    ("args", "kwargs", "field"),
    [
        ((), {}, "contactUpsertRequest"),
        ((ContactUpsert(email="ann@"),), {}, "contactUpsertRequest.contact.email"),
        (
            (ContactUpsert(email="ann@example.com", tags=["a,b"]),),
            {},
            "contactUpsertRequest.tags[0]",
        ),
        ((ANN, _event(Decimal("1.005"))), {}, "addContactExtEventRequest.contactEvent.value"),
        ((None, _event()), {}, "addContactExtEventRequest.email"),
        (
            (None, _event()),
            {"email": "a@example.com", "contact_id": "c-1"},
            "addContactExtEventRequest.email",
        ),
        ((None, _event()), {"email": "a@"}, "addContactExtEventRequest.email"),
        ((ANN,), {"email": "a@example.com"}, "addContactExtEventRequest"),
        ((ANN,), {"force_opt_in": True}, "addContactExtEventRequest"),
    ],
    ids=[
        "nothing",
        "contact-email",
        "contact-tag",
        "event-value",
        "event-without-contact",
        "email-and-id",
        "event-email",
        "email-without-event",
        "opt-in-without-event",
    ],
)
async def test_checks_name_the_field_under_its_part(
    client: AnyClient,
    platform: respx.MockRouter,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    field: str,
) -> None:
    """Issue 12 wire §2: fields are named under their part; nothing is sent."""
    with pytest.raises(ValidationError) as caught:
        await call(client, "contacts.upsert_with_event", *args, **kwargs)
    assert caught.value.field == field
    assert not platform.calls


@pytest.mark.parametrize(
    ("text", "error", "field"),
    [
        (
            "Field 'addContactExtEventRequest.contactEvent.value' must be a number",
            InvalidFieldError,
            "addContactExtEventRequest.contactEvent.value",
        ),
        ("Not authenticated", AuthenticationError, None),
    ],
)
async def test_a_refused_call_raises_with_the_platforms_text(
    client: AnyClient,
    platform: respx.MockRouter,
    text: str,
    error: type[Exception],
    field: str | None,
) -> None:
    """A refused part refuses the whole call (issue 12 wire §2, D): the error class
    follows the text, and a field text names the part's field on ``error.field``."""
    platform.post(PATH).mock(return_value=envelope(failed(text)))
    with pytest.raises(error) as caught:
        await call(client, "contacts.upsert_with_event", ANN, _event(Decimal("5")))
    assert getattr(caught.value, "messages", None) == (text,)
    assert getattr(caught.value, "field", None) == field


@pytest.mark.parametrize(
    "failure",
    [httpx.ReadTimeout("slow"), httpx.Response(503)],
    ids=["read-timeout", "http-503"],
)
async def test_once_sent_the_call_is_never_repeated(
    client: AnyClient, platform: respx.MockRouter, failure: Any
) -> None:
    """``integration/upsert`` is not idempotent: a repeat would add the event twice.
    A failure after the request left is raised at once."""
    route = platform.post(PATH).mock(side_effect=answers(failure, ok(contactId="c", eventId="e")))
    with pytest.raises((APITimeoutError, InternalServerError)) as caught:
        await call(client, "contacts.upsert_with_event", ANN, _event())
    assert route.call_count == 1
    assert "may have been applied" in str(caught.value)


async def test_a_connection_never_opened_is_retried(
    client: AnyClient, platform: respx.MockRouter, slept: list[float]
) -> None:
    """A request that never left (connect error) is safe to send again."""
    route = platform.post(PATH).mock(
        side_effect=answers(httpx.ConnectError("refused"), ok(contactId="c-1", eventId="e-1"))
    )
    result = await call(client, "contacts.upsert_with_event", ANN, _event())
    assert result.event_id == "e-1"
    assert route.call_count == 2
    assert len(slept) == 1


@pytest.mark.parametrize(
    ("args", "answer", "missing"),
    [
        ((ANN, _event()), ok(contactId="c-1"), "eventId"),
        ((ANN,), ok(eventId="e-1"), "contactId"),
    ],
)
async def test_an_answer_without_a_sent_parts_id_is_a_response_validation_error(
    client: AnyClient,
    platform: respx.MockRouter,
    args: tuple[Any, ...],
    answer: dict[str, Any],
    missing: str,
) -> None:
    """Each part sent must come back with its id."""
    platform.post(PATH).mock(return_value=envelope(answer))
    with pytest.raises(ResponseValidationError, match=missing):
        await call(client, "contacts.upsert_with_event", *args)


async def test_the_contact_part_is_the_upsert_body_with_a_loyalty_program(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """Protocol §5.2: ``loyaltyProgram`` is an upsert option, sent at the part's top
    level like every other option."""
    route = platform.post(PATH).mock(return_value=envelope(ok(contactId="c-1")))
    contact = ContactUpsert(email="ann@example.com", loyalty_program="Gold Club")
    await call(client, "contacts.upsert_with_event", contact)
    part = json.loads(route.calls[0].request.content)["contactUpsertRequest"]
    assert part["loyaltyProgram"] == "Gold Club"
    assert part["contact"] == {"email": "ann@example.com"}
