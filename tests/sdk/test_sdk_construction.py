"""Building clients: keyword-only settings, ``SALESMANAGO_*`` fallbacks, endpoint
forms (protocol §1), owner and api_key (§2.1), ``with_options`` and closing."""

from __future__ import annotations

import inspect
import re
from typing import Any

import httpx
import pytest
import respx
from sdk_helpers import (
    API_KEY,
    API_SECRET,
    CLIENT_ID,
    ENDPOINT,
    OWNER,
    SETTINGS,
    call,
    envelope,
    ok,
)

from salesmanago import (
    DEFAULT_ENDPOINT,
    AsyncSalesManago,
    ConfigurationError,
    SalesManago,
)
from salesmanago._auth import compute_sha

CLIENTS = [SalesManago, AsyncSalesManago]
ENV = {
    "client_id": "SALESMANAGO_CLIENT_ID",
    "api_secret": "SALESMANAGO_API_SECRET",
    "owner": "SALESMANAGO_OWNER",
    "endpoint": "SALESMANAGO_ENDPOINT",
}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No ``SALESMANAGO_*`` variable leaks in from the developer's shell."""
    for variable in ENV.values():
        monkeypatch.delenv(variable, raising=False)


# keyword-only and environment ---------------------------------------------------------


@pytest.mark.parametrize("cls", CLIENTS)
def test_every_setting_is_keyword_only(cls: type) -> None:
    """Settings are named at the call site: no positional argument is accepted."""
    params = list(inspect.signature(cls).parameters.values())
    assert params
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params)
    with pytest.raises(TypeError):
        cls(CLIENT_ID, API_SECRET, OWNER)


@pytest.mark.parametrize("cls", CLIENTS)
def test_settings_fall_back_to_environment(cls: type, monkeypatch: pytest.MonkeyPatch) -> None:
    """S17.1: client id, secret, owner and endpoint come from ``SALESMANAGO_*``."""
    monkeypatch.setenv("SALESMANAGO_CLIENT_ID", "env-client")
    monkeypatch.setenv("SALESMANAGO_API_SECRET", "env-secret")
    monkeypatch.setenv("SALESMANAGO_OWNER", "env-owner@example.com")
    monkeypatch.setenv("SALESMANAGO_ENDPOINT", "app1.salesmanago.com")

    client = cls(api_key="k")

    assert client.owner == "env-owner@example.com"
    assert client.base_url == "https://app1.salesmanago.com"
    assert client._credentials.client_id == "env-client"
    fields = client._credentials.auth_fields(0)
    assert fields["sha"] == compute_sha("k", "env-client", "env-secret")


def test_arguments_win_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """An argument overrides its variable."""
    for variable in ENV.values():
        monkeypatch.setenv(variable, "from-env")
    client = SalesManago(**SETTINGS)
    assert client.owner == OWNER
    assert client.base_url == ENDPOINT
    assert client._credentials.auth_fields(0)["sha"] == compute_sha(API_KEY, CLIENT_ID, API_SECRET)


def test_endpoint_defaults_to_app2() -> None:
    """No endpoint anywhere: the platform's default server (protocol §1)."""
    client = SalesManago(client_id=CLIENT_ID, api_secret=API_SECRET, owner=OWNER)
    assert client.base_url == DEFAULT_ENDPOINT == "https://app2.salesmanago.pl"


@pytest.mark.parametrize("cls", CLIENTS)
@pytest.mark.parametrize("missing", ["client_id", "api_secret", "owner"])
@pytest.mark.parametrize("empty_variable", [False, True])
def test_missing_setting_names_argument_and_variable(
    cls: type, missing: str, empty_variable: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A required setting absent from both places (or an empty variable) raises
    ConfigurationError naming the argument and the variable."""
    settings = {k: v for k, v in SETTINGS.items() if k != missing}
    if empty_variable:
        monkeypatch.setenv(ENV[missing], "")
    with pytest.raises(ConfigurationError) as caught:
        cls(**settings)
    assert missing in str(caught.value)
    assert ENV[missing] in str(caught.value)


# endpoint, owner, api_key ------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "base"),
    [
        ("app3.salesmanago.pl", "https://app3.salesmanago.pl"),
        ("www.salesmanago.com", "https://www.salesmanago.com"),
        ("APP2.SALESMANAGO.PL", "https://APP2.SALESMANAGO.PL"),
        ("app3.salesmanago.pl/api", "https://app3.salesmanago.pl"),
        ("https://app3.salesmanago.pl/api", "https://app3.salesmanago.pl"),
        ("https://app3.salesmanago.pl/api/", "https://app3.salesmanago.pl"),
        ("https://app3.salesmanago.pl/", "https://app3.salesmanago.pl"),
        ("http://localhost:8080", "http://localhost:8080"),
        ("http://127.0.0.1:9000/api", "http://127.0.0.1:9000"),
        ("https://emulator.internal/prefix", "https://emulator.internal/prefix"),
        ("  app3.salesmanago.pl  ", "https://app3.salesmanago.pl"),
    ],
)
def test_endpoint_forms(given: str, base: str) -> None:
    """A SALESmanago host gets https://; any http(s) URL is taken; ``/api`` dropped."""
    assert SalesManago(**{**SETTINGS, "endpoint": given}).base_url == base


async def test_requests_go_to_the_endpoint_with_api_path(platform: respx.MockRouter) -> None:
    """The path is the endpoint plus ``/api/...``, with ``/api`` given or not."""
    route = platform.post("https://app1.salesmanago.pl/api/user/listByClient").mock(
        return_value=envelope(ok(users=[]))
    )
    client = SalesManago(**{**SETTINGS, "endpoint": "app1.salesmanago.pl/api/"})
    await call(client, "users.list")
    assert route.call_count == 1
    assert str(route.calls[0].request.url) == "https://app1.salesmanago.pl/api/user/listByClient"


@pytest.mark.parametrize(
    "garbage",
    [
        "not a host",
        "example.com",
        "app3.salesmanago.evil.com",
        "ftp://app3.salesmanago.pl",
        "https://",
        "   ",
        "salesmanago.pl",
    ],
)
def test_garbage_endpoint_is_refused(garbage: str) -> None:
    """Anything that is neither a platform host nor an http(s) URL is refused."""
    with pytest.raises(ConfigurationError, match="endpoint"):
        SalesManago(**{**SETTINGS, "endpoint": garbage})


@pytest.mark.parametrize("owner", ["owner", "owner@", "@shop.example.com", "a b@example.com"])
def test_owner_must_be_an_email(owner: str) -> None:
    """S1.1: the owner is a platform user's e-mail."""
    with pytest.raises(ConfigurationError, match="owner"):
        SalesManago(**{**SETTINGS, "owner": owner})


def test_api_key_is_used_as_given_or_random() -> None:
    """Protocol §2.1: ``apiKey`` is any string; the given one is sent unchanged, and
    without one each client draws its own."""
    given = SalesManago(**{**SETTINGS, "api_key": "my key ✓"})
    assert given._credentials.api_key == "my key ✓"
    drawn = [SalesManago(**{k: v for k, v in SETTINGS.items() if k != "api_key"}) for _ in range(2)]
    keys = [c._credentials.api_key for c in drawn]
    assert keys[0] != keys[1]
    assert all(re.fullmatch(r"[0-9a-f]{32}", k) for k in keys)


@pytest.mark.parametrize(("name", "value"), [("timeout", 0), ("timeout", -1), ("max_retries", -1)])
def test_bad_timeout_or_retries_refused(name: str, value: float) -> None:
    """A timeout must be positive and retries 0 or more."""
    with pytest.raises(ConfigurationError, match=name):
        SalesManago(**SETTINGS, **{name: value})
    client = SalesManago(**SETTINGS)
    with pytest.raises(ConfigurationError, match=name):
        client.with_options(**{name: value})


# closing ------------------------------------------------------------------------------


def test_context_manager_closes_an_owned_http_client() -> None:
    """``with SalesManago(...)`` closes the pool it created."""
    with SalesManago(**SETTINGS) as client:
        assert not client._http.is_closed
    assert client._http.is_closed


def test_context_manager_leaves_an_injected_http_client_open() -> None:
    """An injected ``http_client`` belongs to the caller and stays open."""
    http = httpx.Client()
    with SalesManago(**SETTINGS, http_client=http) as client:
        assert client._http is http
    assert not http.is_closed
    http.close()


async def test_async_context_manager_and_aclose() -> None:
    """``async with`` and ``aclose()`` close an owned pool, never an injected one."""
    async with AsyncSalesManago(**SETTINGS) as client:
        assert not client._http.is_closed
    assert client._http.is_closed

    owned = AsyncSalesManago(**SETTINGS)
    await owned.aclose()
    assert owned._http.is_closed

    http = httpx.AsyncClient()
    async with AsyncSalesManago(**SETTINGS, http_client=http):
        pass
    injected = AsyncSalesManago(**SETTINGS, http_client=http)
    await injected.aclose()
    assert not http.is_closed
    await http.aclose()


def test_a_transport_is_sent_through_and_its_client_closed_with_the_sdk() -> None:
    """``transport=``: the SDK's own ``httpx.Client`` sends through it and closes with it."""
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(200, json={"success": True, "message": [], "users": []})

    with SalesManago(**SETTINGS, transport=httpx.MockTransport(answer)) as client:
        assert client.users.list() == []
    assert seen == ["/api/user/listByClient"]
    assert client._http.is_closed


async def test_async_transport_is_sent_through_and_closed() -> None:
    seen: list[str] = []

    async def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(200, json={"success": True, "message": [], "users": []})

    async with AsyncSalesManago(**SETTINGS, transport=httpx.MockTransport(answer)) as client:
        assert await client.users.list() == []
    assert seen == ["/api/user/listByClient"]
    assert client._http.is_closed


@pytest.mark.parametrize(
    ("cls", "http"),
    [(SalesManago, httpx.Client), (AsyncSalesManago, httpx.AsyncClient)],
)
def test_http_client_and_transport_together_are_refused(cls: Any, http: Any) -> None:
    with pytest.raises(ValueError, match="pass http_client or transport, not both") as caught:
        cls(**SETTINGS, http_client=http(), transport=httpx.MockTransport(lambda r: None))
    assert isinstance(caught.value, ConfigurationError)  # the "client cannot be built" error
