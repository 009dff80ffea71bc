"""Conventions integrators expect from an SDK (issue 16): a silent logger unless
asked, errors that name the host and say what to check, a typed error for a wrong
argument and for a closed client."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable

import pytest
from sdk_helpers import call

from salesmanago import (
    APIConnectionError,
    ArgumentTypeError,
    AsyncSalesManago,
    AuthenticationError,
    ClientClosedError,
    ContactUpsert,
    SalesManago,
    ValidationError,
)
from salesmanago._base_client import LOG_ENV, _log_from_env, log
from salesmanago_emulator import Emulator

CLIENT_ID = "conventions"
SECRET = "conventions-secret-9"
OWNER = "owner@example.com"
HOST = "salesmanago.emulator"

AnyClient = SalesManago | AsyncSalesManago


@pytest.fixture
def emulator() -> Emulator:
    emu = Emulator()
    emu.add_account(client_id=CLIENT_ID, api_secret=SECRET, users=[OWNER])
    return emu


@pytest.fixture(params=["sync", "async"])
async def make(
    request: pytest.FixtureRequest, emulator: Emulator
) -> AsyncIterator[Callable[..., AnyClient]]:
    made: list[AnyClient] = []

    def build(**options: object) -> AnyClient:
        options.setdefault("max_retries", 0)
        factory = emulator.client if request.param == "sync" else emulator.async_client
        client: AnyClient = factory(**options)  # type: ignore[arg-type]
        made.append(client)
        return client

    yield build
    for client in made:
        if isinstance(client, SalesManago):
            client.close()
        else:
            await client.close()


async def close(client: AnyClient) -> None:
    if isinstance(client, SalesManago):
        client.close()
    else:
        await client.close()


def test_the_library_logger_has_a_null_handler() -> None:
    """A script that configures no logging sees no retry warnings on stderr."""
    assert any(isinstance(h, logging.NullHandler) for h in log.handlers)


def test_salesmanago_log_env_switches_the_log_on_at_its_level() -> None:
    before_handlers, before_level = list(log.handlers), log.level
    try:
        _log_from_env("DEBUG")
        added = [h for h in log.handlers if h not in before_handlers]
        assert [type(h) for h in added] == [logging.StreamHandler]
        assert log.level == logging.DEBUG
        _log_from_env("")  # unset: nothing more
        assert len(log.handlers) == len(before_handlers) + 1
    finally:
        log.handlers[:] = before_handlers
        log.setLevel(before_level)


def test_salesmanago_log_env_with_an_unknown_level_warns_and_changes_nothing() -> None:
    before = list(log.handlers)
    with pytest.warns(UserWarning, match=f"{LOG_ENV}='loud' is ignored: expected one of debug"):
        _log_from_env("loud")
    assert log.handlers == before


async def test_a_connection_error_names_the_host(
    make: Callable[..., AnyClient], emulator: Emulator
) -> None:
    emulator.faults.add("connect_error")
    client = make()

    with pytest.raises(APIConnectionError) as caught:
        await call(client, "contacts.has_contact", "a@example.com")

    assert caught.value.host == HOST
    assert f"connection to {HOST} failed (ConnectError)" in str(caught.value)


async def test_a_timeout_names_the_host(make: Callable[..., AnyClient], emulator: Emulator) -> None:
    emulator.faults.add("read_timeout")
    client = make()

    with pytest.raises(APIConnectionError, match=f"timed out waiting for {HOST}"):
        await call(client, "contacts.has_contact", "a@example.com")


@pytest.mark.parametrize("cls", [SalesManago, AsyncSalesManago])
async def test_not_authenticated_says_what_to_check(
    emulator: Emulator, cls: type[AnyClient]
) -> None:
    client = cls(
        client_id=CLIENT_ID,
        api_secret="not-the-secret",
        owner=OWNER,
        endpoint=f"http://{HOST}",
        transport=emulator.transport(),
        max_retries=0,
    )

    with pytest.raises(AuthenticationError) as caught:
        await call(client, "contacts.has_contact", "a@example.com")
    await close(client)

    text = str(caught.value)
    assert caught.value.messages == ("Not authenticated",)  # the platform's text, as sent
    assert "check the client id, the API secret or sha, and the owner" in text
    assert f"; and that {HOST} is your account's server: see docs/configuration.md" in text
    assert "not-the-secret" not in text


@pytest.mark.parametrize(
    ("method", "args", "field", "model"),
    [
        ("contacts.upsert", ("a@b.pl",), "contact", "ContactUpsert"),
        ("contacts.insert", ({"email": "a@b.pl"},), "contact", "ContactUpsert"),
        ("contacts.batch_upsert", (["a@b.pl"],), "upsertDetails[0].contact", "ContactUpsert"),
        ("events.update", ("some-id", "PURCHASE"), "contactEvent", "ExternalEvent"),
    ],
)
async def test_a_wrong_argument_type_names_the_model_expected(
    make: Callable[..., AnyClient],
    emulator: Emulator,
    method: str,
    args: tuple[object, ...],
    field: str,
    model: str,
) -> None:
    client = make()

    with pytest.raises(ArgumentTypeError) as caught:
        await call(client, method, *args)

    error = caught.value
    assert isinstance(error, TypeError)
    assert isinstance(error, ValidationError)
    assert error.field == field
    article = "an" if model[0] in "AEIOU" else "a"
    assert error.rule.startswith(f"must be {article} {model}, got ")
    assert emulator.calls == []  # nothing was sent


async def test_a_request_on_a_closed_client_is_a_typed_error(
    make: Callable[..., AnyClient], emulator: Emulator
) -> None:
    client = make()
    await call(client, "contacts.upsert", ContactUpsert(email="a@example.com"))
    await close(client)

    with pytest.raises(ClientClosedError, match=f"closed.*{HOST}.*make a new client"):
        await call(client, "contacts.upsert", ContactUpsert(email="b@example.com"))
    assert len(emulator.calls) == 1


@pytest.mark.parametrize(
    ("method", "args", "field", "rule"),
    [
        ("funnels.add", ("Sales", [3]), "stages[0]", "must be a stage name or a FunnelStage"),
        ("contacts.batch_delete", ([3],), "contacts[0]", "must be an e-mail or an Addressee"),
        (
            "messages.send_with_attachment",
            ("email-id", ["a@example.com"], b"raw bytes"),
            "attachment",
            "must be an Attachment",
        ),
    ],
)
async def test_every_model_argument_is_type_checked_the_same_way(
    make: Callable[..., AnyClient],
    emulator: Emulator,
    method: str,
    args: tuple[object, ...],
    field: str,
    rule: str,
) -> None:
    client = make()

    with pytest.raises(ArgumentTypeError) as caught:
        await call(client, method, *args)

    assert caught.value.field == field
    assert caught.value.rule.startswith(f"{rule}, got ")
    assert emulator.calls == []
