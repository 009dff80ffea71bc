"""The login chain (protocol §2.3, §14; issue 12 wire §1) and the ready ``sha``
(protocol §2.2 consequences): ``from_login`` sends ``authorization/token`` then
``account/integration`` on the account's server, unsigned, and returns a client that
signs with the sha the platform answered; ``sha=`` builds such a client directly.
Both clients; the platform is a respx router."""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx
from sdk_helpers import (
    API_KEY,
    CLIENT_ID,
    ENDPOINT,
    OWNER,
    SETTINGS,
    AnyClient,
    answers,
    call,
    envelope,
    failed,
    ok,
    payloads,
)

from salesmanago import (
    AsyncSalesManago,
    AuthenticationError,
    ConfigurationError,
    ResponseValidationError,
    SalesManago,
    SalesManagoError,
)
from salesmanago._auth import compute_sha

TOKEN = "/api/authorization/token"
INTEGRATION = "/api/account/integration"
USERS = "/api/user/listByClient"
USER = "jan@shop.example.com"
PASSWORD = "pass-word-NEVER-SHOWN-91"
TEMPORARY = "token-TEMPORARY-5d0e"
ACCOUNT = "acc-short-id-77"
#: The account's secret, known only to the canned platform: the SDK never sees it.
ACCOUNT_SECRET = "account-secret-for-the-integration-33"
ACCOUNT_SERVER = "app1.salesmanago.pl"


def _sha(api_key: str) -> str:
    return compute_sha(api_key, ACCOUNT, ACCOUNT_SECRET)


def _integration(request: httpx.Request) -> httpx.Response:
    """The integration answer: the sha for the apiKey the request names."""
    api_key = payloads_of(request)["apiKey"]
    return envelope(ok(shortId=ACCOUNT, sha1=_sha(api_key)))


def payloads_of(request: httpx.Request) -> dict[str, Any]:
    """The JSON body of one request."""
    return dict(json.loads(request.content))


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No ``SALESMANAGO_*`` variable leaks in from the developer's shell."""
    for name in ("CLIENT_ID", "API_SECRET", "OWNER", "ENDPOINT"):
        monkeypatch.delenv(f"SALESMANAGO_{name}", raising=False)


@pytest.fixture
def log_in(mode: str, slept: list[float]) -> Callable[..., Any]:
    """``from_login`` of the test's client class with the test's sleep; awaited in
    async mode. Keyword arguments override ``username``, ``password``, ``endpoint``."""

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    async def run(**overrides: Any) -> AnyClient:
        settings: dict[str, Any] = {"username": USER, "password": PASSWORD, "endpoint": ENDPOINT}
        settings.update(overrides)
        if mode == "sync":
            return await call(SalesManago, "from_login", sleep=slept.append, **settings)
        return await call(AsyncSalesManago, "from_login", sleep=sleep, **settings)

    return run


async def test_s2_3_token_then_integration_then_a_client_signing_with_the_answered_sha(
    log_in: Callable[..., Any], platform: respx.MockRouter
) -> None:
    """Protocol §2.3: ``authorization/token {username, password}`` (no auth fields) on
    the login URL; ``account/integration {token, apiKey}`` on the server it answers;
    the client has client_id = shortId, the owner = the username, the endpoint = that
    server, and every call carries sha1 = SHA1(apiKey + clientId + secret) for a
    secret only the platform knows."""
    token = platform.post(TOKEN).mock(
        return_value=envelope(ok(token=TEMPORARY, endpoint=ACCOUNT_SERVER))
    )
    integration = platform.post(f"https://{ACCOUNT_SERVER}{INTEGRATION}").mock(
        side_effect=_integration
    )
    users = platform.post(f"https://{ACCOUNT_SERVER}{USERS}").mock(
        return_value=envelope(ok(users=[USER]))
    )

    client = await log_in(api_key=API_KEY)
    assert await call(client, "users.list") == [USER]

    assert payloads(token.calls) == [{"username": USER, "password": PASSWORD}]
    assert payloads(integration.calls) == [{"token": TEMPORARY, "apiKey": API_KEY}]
    signed = payloads(users.calls)[0]
    assert signed["clientId"] == ACCOUNT
    assert signed["apiKey"] == API_KEY
    assert signed["sha"] == compute_sha(API_KEY, ACCOUNT, ACCOUNT_SECRET)
    assert signed["owner"] == USER
    assert client.owner == USER
    assert client.base_url == f"https://{ACCOUNT_SERVER}"


async def test_s2_3_random_api_key_and_an_owner_of_ones_choice(
    log_in: Callable[..., Any], platform: respx.MockRouter
) -> None:
    """Without ``api_key`` the SDK draws one and asks the sha for it; ``owner`` names
    another user than the login."""
    platform.post(TOKEN).mock(
        return_value=envelope(ok(token=TEMPORARY, endpoint="app3.salesmanago.pl"))
    )
    integration = platform.post(INTEGRATION).mock(side_effect=_integration)
    users = platform.post(USERS).mock(return_value=envelope(ok(users=[OWNER])))

    client = await log_in(owner=OWNER)
    await call(client, "users.list")

    asked = payloads(integration.calls)[0]["apiKey"]
    assert len(asked) == 32
    signed = payloads(users.calls)[0]
    assert (signed["apiKey"], signed["sha"], signed["owner"]) == (asked, _sha(asked), OWNER)
    assert client.base_url == ENDPOINT


@pytest.mark.parametrize(
    ("login_url", "answered", "server"),
    [
        ("http://127.0.0.1:8765", "127.0.0.1:8765", "http://127.0.0.1:8765"),
        ("http://salesmanago.emulator", "salesmanago.emulator", "http://salesmanago.emulator"),
        ("https://app3.salesmanago.pl/api", "https://app3.salesmanago.pl", ENDPOINT),
        ("https://app3.salesmanago.pl", None, ENDPOINT),
    ],
    ids=["server-mode", "in-process", "with-scheme", "none-answered"],
)
async def test_s2_3_the_answered_server_takes_the_login_urls_scheme(
    log_in: Callable[..., Any],
    platform: respx.MockRouter,
    login_url: str,
    answered: str | None,
    server: str,
) -> None:
    """Issue 12 wire §1: ``endpoint`` is a host name without a scheme; the client calls
    it with the login URL's scheme (an emulator answers the host[:port] it was reached
    on); an answer without ``endpoint`` keeps the login URL."""
    base = login_url.removesuffix("/api")
    fields = (
        {"token": TEMPORARY} if answered is None else {"token": TEMPORARY, "endpoint": answered}
    )
    token = platform.post(f"{base}{TOKEN}").mock(return_value=envelope(ok(**fields)))
    integration = platform.post(f"{server}{INTEGRATION}").mock(side_effect=_integration)

    client = await log_in(endpoint=login_url, api_key=API_KEY)

    assert client.base_url == server
    assert (token.call_count, integration.call_count) == (1, 1)


@pytest.mark.parametrize(
    ("path", "text"),
    [
        (TOKEN, "User not authenticated"),
        (INTEGRATION, "Authorization failed. Wrong Token"),
        (INTEGRATION, "Token not specified"),
    ],
)
async def test_s2_3_a_refused_login_is_an_authentication_error_with_the_platforms_text(
    log_in: Callable[..., Any], platform: respx.MockRouter, path: str, text: str
) -> None:
    """A wrong user or password, or a token the platform does not take, raises
    AuthenticationError carrying the platform's own text (protocol §3.3); a refused
    token call sends nothing more."""
    token_answer = failed(text) if path == TOKEN else ok(token=TEMPORARY)
    token = platform.post(TOKEN).mock(return_value=envelope(token_answer))
    integration = platform.post(INTEGRATION).mock(return_value=envelope(failed(text)))

    with pytest.raises(AuthenticationError) as caught:
        await log_in()

    assert caught.value.messages == (text,)
    assert caught.value.endpoint == path
    assert token.call_count == 1
    assert integration.call_count == (0 if path == TOKEN else 1)


@pytest.mark.parametrize(
    ("answer", "what"),
    [
        (ok(shortId=ACCOUNT, sha1="not-a-sha"), "sha1"),
        (ok(shortId=ACCOUNT), "sha1"),
        (ok(sha1=_sha(API_KEY)), "shortId"),
    ],
)
async def test_an_unusable_integration_answer_is_a_response_validation_error(
    log_in: Callable[..., Any], platform: respx.MockRouter, answer: dict[str, Any], what: str
) -> None:
    """An integration answer without a client id or a well-formed sha cannot make a
    client: ResponseValidationError naming the key (never its value)."""
    platform.post(TOKEN).mock(return_value=envelope(ok(token=TEMPORARY)))
    platform.post(INTEGRATION).mock(return_value=envelope(answer))
    with pytest.raises(ResponseValidationError, match=what) as caught:
        await log_in(api_key=API_KEY)
    assert "not-a-sha" not in str(caught.value)


async def test_the_token_call_is_retried_after_a_5xx(
    log_in: Callable[..., Any], platform: respx.MockRouter, slept: list[float]
) -> None:
    """The login's calls are idempotent (a repeat issues another token, or the same
    integration), so a 5xx is retried with the client's retry policy and sleep."""
    token = platform.post(TOKEN).mock(side_effect=answers(httpx.Response(503), ok(token=TEMPORARY)))
    platform.post(INTEGRATION).mock(side_effect=_integration)
    client = await log_in(api_key=API_KEY, max_retries=1)
    assert token.call_count == 2
    assert len(slept) == 1
    assert client.max_retries == 1


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"username": " "}, "username"),
        ({"password": ""}, "password"),
        ({"username": "jan"}, "owner"),
        ({"owner": "nobody"}, "owner"),
        ({"endpoint": "example.com"}, "endpoint"),
    ],
)
async def test_a_bad_login_is_refused_before_anything_is_sent(
    log_in: Callable[..., Any], platform: respx.MockRouter, settings: dict[str, str], named: str
) -> None:
    """ConfigurationError naming the setting; no request leaves."""
    with pytest.raises(ConfigurationError, match=named):
        await log_in(**settings)
    assert not platform.calls


def test_login_pools_are_handed_over_or_closed() -> None:
    """The pool made for the login is the client's (closed with it); an injected
    ``http_client`` stays the caller's; a failed login closes the pool it made."""

    def platform(request: httpx.Request) -> httpx.Response:
        if request.url.path == TOKEN:
            body = payloads_of(request)
            if body["password"] != PASSWORD:
                return envelope(failed("User not authenticated"))
            return envelope(ok(token=TEMPORARY))
        return _integration(request)

    login = {"username": USER, "password": PASSWORD, "endpoint": ENDPOINT}
    owned = SalesManago.from_login(**login, transport=httpx.MockTransport(platform))
    assert not owned._http.is_closed
    owned.close()
    assert owned._http.is_closed

    http = httpx.Client(transport=httpx.MockTransport(platform))
    with SalesManago.from_login(**login, http_client=http) as injected:
        assert injected._http is http
    assert not http.is_closed

    closed: list[bool] = []
    transport = httpx.MockTransport(platform)
    original_close = transport.close
    transport.close = lambda: (closed.append(True), original_close())[1]  # type: ignore[method-assign]
    with pytest.raises(AuthenticationError):
        SalesManago.from_login(**{**login, "password": "wrong"}, transport=transport)
    assert closed == [True]
    http.close()


@pytest.mark.parametrize(
    "settings",
    [{"timeout": 0}, {"max_retries": -1}, {"max_concurrent_requests": 0}],
    ids=["timeout", "retries", "limit"],
)
async def test_bad_client_settings_are_refused_before_the_login(settings: dict[str, Any]) -> None:
    """A setting the client would refuse is refused before the login's first call."""
    sent: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda request: sent.append(request) or httpx.Response(500))
    login = {"username": USER, "password": PASSWORD, "endpoint": ENDPOINT}
    with pytest.raises(ConfigurationError):
        await AsyncSalesManago.from_login(**login, transport=transport, **settings)
    if "max_concurrent_requests" not in settings:
        with pytest.raises(ConfigurationError):
            SalesManago.from_login(**login, transport=transport, **settings)
    assert sent == []


async def test_async_login_hands_its_pool_and_limit_over() -> None:
    """The async client keeps the login's pool and takes ``max_concurrent_requests``."""

    def platform(request: httpx.Request) -> httpx.Response:
        if request.url.path == TOKEN:
            return envelope(ok(token=TEMPORARY))
        return _integration(request)

    client = await AsyncSalesManago.from_login(
        username=USER,
        password=PASSWORD,
        endpoint=ENDPOINT,
        transport=httpx.MockTransport(platform),
        max_concurrent_requests=3,
    )
    assert client.max_concurrent_requests == 3
    await client.aclose()
    assert client._http.is_closed


async def test_no_password_token_or_sha_in_reprs_errors_or_logs(
    log_in: Callable[..., Any], platform: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 12 wire §1: the login's password and token and the answered sha never show
    in the client's repr, a raised error (str, repr, traceback) or a DEBUG log line."""
    platform.post(TOKEN).mock(
        side_effect=answers(ok(token=TEMPORARY), failed("User not authenticated"))
    )
    platform.post(INTEGRATION).mock(side_effect=_integration)
    platform.post(USERS).mock(return_value=envelope(failed("Not authenticated")))
    errors: list[BaseException] = []
    with caplog.at_level(logging.DEBUG):
        client = await log_in(api_key=API_KEY)
        for attempt in (lambda: call(client, "users.list"), lambda: log_in()):
            with pytest.raises(SalesManagoError) as caught:
                await attempt()
            errors.append(caught.value)

    texts = [repr(client), str(client), repr(client._credentials), caplog.text]
    for error in errors:
        texts += [str(error), repr(error), "".join(traceback.format_exception(error))]
    for text in texts:
        for secret in (PASSWORD, TEMPORARY, _sha(API_KEY)):
            assert secret not in text


# sha= ---------------------------------------------------------------------------------


READY_SHA = compute_sha(API_KEY, CLIENT_ID, "a-secret-this-client-never-sees")
WITHOUT_SECRET = {k: v for k, v in SETTINGS.items() if k != "api_secret"}


async def test_s2_2_a_ready_sha_signs_every_call(
    make_client: Callable[..., AnyClient], platform: respx.MockRouter
) -> None:
    """Protocol §2.2 consequences: a stored sha (for its apiKey) replaces the secret:
    it is sent as given (in lower case), with that apiKey; no secret is needed, and a
    ``with_options`` clone keeps it."""
    route = platform.post(USERS).mock(return_value=envelope(ok(users=[OWNER])))
    client = make_client(api_secret=None, sha=READY_SHA.upper())
    await call(client, "users.list")
    await call(client.with_options(max_retries=0), "users.list")
    for payload in payloads(route.calls):
        assert (payload["sha"], payload["apiKey"]) == (READY_SHA, API_KEY)


@pytest.mark.parametrize("cls", [SalesManago, AsyncSalesManago])
def test_sha_wins_over_a_secret_in_the_environment(
    cls: type, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ``sha=`` the secret is not looked up: a ``SALESMANAGO_API_SECRET`` in the
    environment neither conflicts nor signs."""
    monkeypatch.setenv("SALESMANAGO_API_SECRET", "env-secret-value")
    client = cls(**WITHOUT_SECRET, sha=READY_SHA)
    assert client._credentials.auth_fields(0)["sha"] == READY_SHA


@pytest.mark.parametrize("cls", [SalesManago, AsyncSalesManago])
@pytest.mark.parametrize(
    ("settings", "rule"),
    [
        ({**SETTINGS, "sha": READY_SHA}, "pass api_secret or sha, not both"),
        ({**WITHOUT_SECRET, "api_key": None, "sha": READY_SHA}, "sha needs api_key"),
        ({**WITHOUT_SECRET, "sha": READY_SHA[:-1] + "z"}, "sha must be 40 hexadecimal digits"),
        ({**WITHOUT_SECRET, "sha": READY_SHA[:20]}, "sha must be 40 hexadecimal digits"),
    ],
    ids=["with-secret", "without-api-key", "not-hex", "too-short"],
)
def test_sha_rules_are_configuration_errors_that_never_show_it(
    cls: type, settings: dict[str, Any], rule: str
) -> None:
    """``sha`` excludes ``api_secret``, needs ``api_key`` and must be 40 hex digits;
    each broken rule is a ConfigurationError naming it, without the value."""
    with pytest.raises(ConfigurationError, match=rule) as caught:
        cls(**settings)
    assert READY_SHA[:20] not in str(caught.value)
