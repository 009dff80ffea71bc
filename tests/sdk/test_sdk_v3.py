"""The API v3 clients (protocol §9; issue 12 wire §4): the key in the ``API-KEY``
header and nowhere else, JSON bodies without auth fields, GET for reads; v3 refusals
(``problems`` / ``messages`` with reason codes) mapped onto the SDK's error tree
with the codes and the field kept; code 12 a warning on the result; the legacy
client's retry policy; construction, environment and secrecy. Both clients; the
platform is a respx router on ``https://api.salesmanago.com``."""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx
from sdk_helpers import ACCEPT, V3_ENDPOINT, V3_KEY, AnyV3Client, answers, call

from salesmanago import (
    DEFAULT_V3_ENDPOINT,
    AlreadyExistsError,
    APITimeoutError,
    AsyncSalesManagoV3,
    AuthenticationError,
    CatalogResult,
    ConfigurationError,
    InternalServerError,
    InvalidFieldError,
    InvalidResponseError,
    NotFoundError,
    RateLimitError,
    RequestFailedError,
    SalesManagoError,
    SalesManagoV3,
    V3Problem,
)

LIST = "/v3/product/catalogList"
UPSERT = "/v3/product/catalogUpsert"
DELETE = "/v3/product/catalogDelete"
REQUEST_ID = "8d2c4b5e-0f1a-4c3b-9d8e-7f6a5b4c3d2e"
CATALOG_ID = "0b9e2f6c-1d3a-4e5f-8a7b-6c5d4e3f2a1b"
CATALOGS = {
    "catalogs": [
        {
            "catalogId": CATALOG_ID,
            "catalogName": "Shop PL",
            "setAsDefault": True,
            "currency": "PLN",
            "location": "shop_pl",
        }
    ]
}
V3_CLIENTS = [SalesManagoV3, AsyncSalesManagoV3]


def answer(status: int, body: object) -> httpx.Response:
    """A v3 answer: ``body`` as JSON with ``status``."""
    return httpx.Response(status, json=body)


def problems(*items: tuple[int, str]) -> dict[str, Any]:
    """``{"problems": [{"reasonCode": N, "message": "field|text"}, ...]}``."""
    return {"problems": [{"reasonCode": code, "message": message} for code, message in items]}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No ``SALESMANAGO_V3_*`` variable leaks in from the developer's shell."""
    monkeypatch.delenv("SALESMANAGO_V3_API_KEY", raising=False)
    monkeypatch.delenv("SALESMANAGO_V3_ENDPOINT", raising=False)


# the wire ---------------------------------------------------------------------------


async def test_s9_the_key_travels_in_the_api_key_header_and_reads_are_gets(
    v3_client: AnyV3Client, v3_platform: respx.MockRouter
) -> None:
    """Protocol §9: ``API-KEY: <key>``, no body auth fields; ``catalogList`` is a GET
    with no body; the answer's catalogs are read."""
    route = v3_platform.get(LIST).mock(return_value=answer(200, CATALOGS))
    catalogs = await call(v3_client, "catalogs.list")
    assert [
        (c.catalog_id, c.catalog_name, c.set_as_default, c.currency, c.location) for c in catalogs
    ] == [(CATALOG_ID, "Shop PL", True, "PLN", "shop_pl")]
    request = route.calls[0].request
    assert request.method == "GET"
    assert str(request.url) == V3_ENDPOINT + LIST
    assert request.headers["API-KEY"] == V3_KEY
    assert request.headers["Accept"] == ACCEPT
    assert request.content == b""


async def test_s9_a_post_sends_only_its_fields(
    v3_client: AnyV3Client, v3_platform: respx.MockRouter
) -> None:
    """A POST's JSON body is exactly the method's fields: no clientId, apiKey,
    requestTime, sha or owner (the key is the header)."""
    route = v3_platform.post(DELETE).mock(
        return_value=answer(200, {"requestId": REQUEST_ID, "catalogId": CATALOG_ID})
    )
    result = await call(v3_client, "catalogs.delete", CATALOG_ID)
    assert result == CatalogResult(request_id=REQUEST_ID, catalog_id=CATALOG_ID)
    assert json.loads(route.calls[0].request.content) == {"catalogId": CATALOG_ID}
    assert route.calls[0].request.headers["API-KEY"] == V3_KEY


# errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "error", "codes", "field"),
    [
        (401, problems((10, "API-KEY|invalid API key")), AuthenticationError, (10,), "API-KEY"),
        (401, {}, AuthenticationError, (), None),
        (400, problems((13, "catalogName|is required")), InvalidFieldError, (13,), "catalogName"),
        (
            400,
            problems((18, "currency|does not match ISO 4217"), (17, "location|must not be null")),
            InvalidFieldError,
            (18, 17),
            "currency",
        ),
        (
            400,
            problems((15, "catalogName|already exists")),
            AlreadyExistsError,
            (15,),
            "catalogName",
        ),
        (400, problems((16, "catalogId|not found")), NotFoundError, (16,), "catalogId"),
        (
            400,
            {"messages": ["Specified json is not valid"], "reasonCode": 14},
            InvalidFieldError,
            (14,),
            None,
        ),
        (400, problems((99, "x|something new")), RequestFailedError, (99,), "x"),
    ],
    ids=[
        "auth-10",
        "auth-bare-401",
        "missing-13",
        "two-problems",
        "exists-15",
        "unknown-id-16",
        "messages-shape",
        "unknown-code",
    ],
)
async def test_s9_refusals_map_onto_the_error_tree_with_codes_and_field(
    v3_client: AnyV3Client,
    v3_platform: respx.MockRouter,
    status: int,
    body: dict[str, Any],
    error: type[RequestFailedError],
    codes: tuple[int, ...],
    field: str | None,
) -> None:
    """Protocol §9: the reason code picks the class (10 authentication, 15 exists,
    16 unknown id, 11/13/14/17/18/19 a field); the codes stay on ``reason_codes``,
    the problems on ``problems``, the field before ``|`` on ``field``, the messages as
    sent on ``messages``; the status on ``status_code``. Refusals are not retried."""
    route = v3_platform.post(UPSERT).mock(return_value=answer(status, body))
    with pytest.raises(error) as caught:
        await call(
            v3_client, "catalogs.upsert", "Shop", currency="PLN", location="shop", catalog_id="c"
        )
    raised = caught.value
    assert type(raised) is error
    assert raised.reason_codes == codes
    assert raised.field == field
    assert raised.status_code == status
    assert route.call_count == 1
    if codes:
        assert f"reason code{'s' if len(codes) > 1 else ''} {', '.join(map(str, codes))}" in str(
            raised
        )
    if "problems" in body:
        sent = [p["message"] for p in body["problems"]]
        assert list(raised.messages) == sent
        assert [p.message for p in raised.problems] == sent


def test_a_problem_reads_its_field_and_text() -> None:
    """``field|text``: the field is the part before the first ``|`` (protocol §9)."""
    problem = V3Problem.parse(18, "products[3].productUrl|must be a URL|really")
    assert (problem.field, problem.text) == ("products[3].productUrl", "must be a URL|really")
    assert problem.message == "products[3].productUrl|must be a URL|really"
    assert not problem.warning
    assert V3Problem.parse(12, "no field here").field is None
    assert V3Problem.parse(12, "name|trimmed").warning


async def test_s9_code_12_is_a_warning_on_the_result(
    v3_client: AnyV3Client, v3_platform: respx.MockRouter
) -> None:
    """Reason code 12 (too long, trimmed) comes with a 200: the request succeeded, the
    warning is on the result, nothing is raised."""
    v3_platform.post(UPSERT).mock(
        return_value=answer(
            200,
            {
                "requestId": REQUEST_ID,
                "catalogId": CATALOG_ID,
                **problems((12, "catalogName|trimmed to 255 characters")),
            },
        )
    )
    result = await call(v3_client, "catalogs.upsert", "S" * 300, currency="PLN", location="x")
    assert result.warnings == (
        V3Problem(reason_code=12, field="catalogName", text="trimmed to 255 characters"),
    )
    assert result.warnings[0].warning


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (httpx.Response(200, text="<html>"), InvalidResponseError),
        (answer(200, [1, 2]), InvalidResponseError),
        (answer(404, {"error": "no route"}), SalesManagoError),
    ],
)
async def test_answers_that_are_no_v3_answer(
    v3_client: AnyV3Client, v3_platform: respx.MockRouter, reply: httpx.Response, error: type
) -> None:
    v3_platform.get(LIST).mock(return_value=reply)
    with pytest.raises(error):
        await call(v3_client, "catalogs.list")


# retries ----------------------------------------------------------------------------


async def test_reads_and_idempotent_writes_are_retried(
    v3_client: AnyV3Client, v3_platform: respx.MockRouter, slept: list[float]
) -> None:
    """The legacy client's policy: a 5xx, a 429 (``Retry-After`` honoured) or a
    timeout of an idempotent call is retried; the problems of a 5xx are in its text."""
    route = v3_platform.get(LIST).mock(
        side_effect=answers(
            answer(503, problems((19, "x|busy"))),
            httpx.Response(429, headers={"Retry-After": "3"}),
            answer(200, CATALOGS),
        )
    )
    assert len(await call(v3_client, "catalogs.list")) == 1
    assert route.call_count == 3
    assert slept[1] == 3.0

    v3_platform.get(LIST).mock(return_value=answer(503, problems((19, "x|busy"))))
    with pytest.raises(InternalServerError, match="x\\|busy"):
        await call(v3_client.with_options(max_retries=0), "catalogs.list")
    v3_platform.get(LIST).mock(return_value=httpx.Response(429))
    with pytest.raises(RateLimitError):
        await call(v3_client.with_options(max_retries=0), "catalogs.list")


@pytest.mark.parametrize(
    ("method", "args", "kwargs", "path"),
    [
        ("catalogs.delete", (CATALOG_ID,), {}, DELETE),
        ("catalogs.upsert", ("New",), {"currency": "EUR", "location": "shop_de"}, UPSERT),
    ],
    ids=["delete", "create"],
)
async def test_a_delete_or_a_create_is_never_repeated_once_sent(
    v3_client: AnyV3Client,
    v3_platform: respx.MockRouter,
    method: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    path: str,
) -> None:
    """catalogDelete is not idempotent (a repeat finds the catalog gone); a
    catalogUpsert without ``catalog_id`` creates (a repeat would make another)."""
    route = v3_platform.post(path).mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(APITimeoutError) as caught:
        await call(v3_client, method, *args, **kwargs)
    assert caught.value.may_have_landed
    assert route.call_count == 1


async def test_an_update_of_a_named_catalog_is_retried(
    v3_client: AnyV3Client, v3_platform: respx.MockRouter
) -> None:
    route = v3_platform.post(UPSERT).mock(
        side_effect=answers(
            httpx.ReadTimeout("slow"),
            answer(200, {"requestId": REQUEST_ID, "catalogId": CATALOG_ID}),
        )
    )
    result = await call(
        v3_client, "catalogs.upsert", "Shop", currency="PLN", location="x", catalog_id=CATALOG_ID
    )
    assert result.catalog_id == CATALOG_ID
    assert route.call_count == 2


# construction -----------------------------------------------------------------------


@pytest.mark.parametrize("cls", V3_CLIENTS)
def test_key_and_endpoint_fall_back_to_the_environment(
    cls: type, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``SALESMANAGO_V3_API_KEY`` and ``SALESMANAGO_V3_ENDPOINT``; the default server
    is ``https://api.salesmanago.com``; ``/v3`` and a bare ``api.salesmanago.com``
    are understood."""
    monkeypatch.setenv("SALESMANAGO_V3_API_KEY", "env-key-123")
    client = cls()
    assert client._api_key == "env-key-123"
    assert client.base_url == DEFAULT_V3_ENDPOINT == "https://api.salesmanago.com"
    monkeypatch.setenv("SALESMANAGO_V3_ENDPOINT", "http://127.0.0.1:8765/v3/")
    assert cls().base_url == "http://127.0.0.1:8765"
    assert cls(endpoint="api.salesmanago.com").base_url == "https://api.salesmanago.com"


@pytest.mark.parametrize("cls", V3_CLIENTS)
@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({}, "SALESMANAGO_V3_API_KEY"),
        ({"api_key": " "}, "api_key"),
        ({"api_key": "k", "endpoint": "app3.salesmanago.pl"}, "API v3 host"),
        ({"api_key": "k", "timeout": 0}, "timeout"),
    ],
)
def test_bad_settings_are_configuration_errors(
    cls: type, settings: dict[str, Any], named: str
) -> None:
    with pytest.raises(ConfigurationError, match=named):
        cls(**settings)


async def test_with_options_keeps_the_key_and_the_pool(
    make_v3_client: Callable[..., AnyV3Client], v3_platform: respx.MockRouter
) -> None:
    """A clone sends with the same key through the same pool."""
    client = make_v3_client(max_retries=5)
    clone = client.with_options(timeout=3)
    assert (clone.timeout, clone.max_retries, clone._http) == (3, 5, client._http)
    route = v3_platform.get(LIST).mock(return_value=answer(200, CATALOGS))
    await call(clone, "catalogs.list")
    assert route.calls[0].request.headers["API-KEY"] == V3_KEY


def test_both_v3_clients_close_their_pool() -> None:
    with SalesManagoV3(api_key=V3_KEY) as client:
        assert not client._http.is_closed
    assert client._http.is_closed


async def test_async_v3_client_closes_its_pool() -> None:
    async with AsyncSalesManagoV3(api_key=V3_KEY, max_concurrent_requests=2) as client:
        assert client.max_concurrent_requests == 2
    assert client._http.is_closed


async def test_the_key_never_shows_in_reprs_errors_or_logs(
    make_v3_client: Callable[..., AnyV3Client],
    v3_platform: respx.MockRouter,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Issue 12 wire §4: the API v3 key is a secret like the legacy API's: not in the
    client's repr, nor in an error's str, repr or traceback, nor in a DEBUG log."""
    client = make_v3_client(max_retries=1)
    v3_platform.get(LIST).mock(
        side_effect=answers(
            answer(401, problems((10, "API-KEY|invalid API key"))),
            httpx.ReadTimeout("slow"),
            httpx.ReadTimeout("slow"),
            httpx.Response(500),
            httpx.Response(500),
        )
    )
    errors: list[BaseException] = []
    with caplog.at_level(logging.DEBUG):
        for _ in range(3):
            with pytest.raises(SalesManagoError) as caught:
                await call(client, "catalogs.list")
            errors.append(caught.value)
    texts = [repr(client), str(client), repr(client.with_options(timeout=1)), caplog.text]
    for error in errors:
        texts += [str(error), repr(error), "".join(traceback.format_exception(error))]
    assert "endpoint='https://api.salesmanago.com'" in repr(client)
    for text in texts:
        assert V3_KEY not in text
