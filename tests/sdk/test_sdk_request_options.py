"""Request options (issue 16, "Conventions"): a per-call ``timeout`` and
``extra_headers`` on every API method, ``default_headers`` on the clients, and a
``timeout`` that takes an ``httpx.Timeout``, as the openai / anthropic / stripe SDKs
offer them. Each option reaches every HTTP request of the call that took it (each
chunk, page, job poll and download), and no other call's; a bad value is refused,
naming the parameter, before anything is sent."""

from __future__ import annotations

import ast
import inspect
import json
import math
import textwrap
import typing
from collections.abc import Callable, Iterable
from typing import Any

import httpx
import pytest
import respx
from sdk_helpers import (
    ACCEPT,
    CONTENT_TYPE,
    ENDPOINT,
    OWNER,
    SETTINGS,
    V3_ENDPOINT,
    V3_KEY,
    AnyClient,
    AnyV3Client,
    answers,
    call,
    envelope,
    ok,
)

from salesmanago import (
    AsyncSalesManago,
    AsyncSalesManagoV3,
    ConfigurationError,
    ContactUpsert,
    RequestOptions,
    SalesManago,
    SalesManagoV3,
    ValidationError,
)
from salesmanago._options import Unpack
from salesmanago.resources._base import AsyncAPIResource, SyncAPIResource

USERS = "/api/user/listByClient"
BATCH_UPSERT = "/api/contact/batchupsert"
PAGES = "/api/contact/paginatedListById"
EXPORT = "/api/contact/paginatedContactList/export"
STATUS = "/api/job/status"
V3_LIST = "/v3/product/catalogList"

DEFAULT = httpx.Timeout(30.0).as_dict()
SHORT = httpx.Timeout(3.5).as_dict()
FINE = httpx.Timeout(10.0, connect=1.0, pool=2.0)
TRACE = {"X-Trace-Id": "trace-17"}


def _requests(router: respx.MockRouter) -> list[httpx.Request]:
    return [c.request for c in router.calls]


def _carry(requests: Iterable[httpx.Request], timeout: dict[str, Any], **headers: str) -> None:
    """Every request has ``timeout`` as its timeout extension and the ``headers``."""
    requests = list(requests)
    assert requests, "no request was sent"
    for request in requests:
        assert request.extensions["timeout"] == timeout, request.url
        for name, value in headers.items():
            assert request.headers.get_list(name) == [value], (request.url, name)


def _lack(requests: Iterable[httpx.Request], *names: str) -> None:
    for request in requests:
        for name in names:
            assert name not in request.headers, (request.url, name)


# every method takes them ---------------------------------------------------------------


def _resource_classes() -> dict[str, type]:
    """Every resource class of both API generations' sync and async clients, found on
    live instances (a resource added later is covered without touching this file)."""
    clients = [
        SalesManago(**SETTINGS),
        AsyncSalesManago(**SETTINGS),
        SalesManagoV3(api_key=V3_KEY),
        AsyncSalesManagoV3(api_key=V3_KEY),
    ]
    found: dict[str, type] = {}
    for client in clients:
        for value in vars(client).values():
            if isinstance(value, (SyncAPIResource, AsyncAPIResource)):
                found[type(value).__qualname__] = type(value)
    return found


def _public_methods(cls: type) -> dict[str, Callable[..., Any]]:
    return {
        name: member
        for name, member in inspect.getmembers(cls, predicate=inspect.isfunction)
        if not name.startswith("_")
    }


def _missing_options(function: Callable[..., Any]) -> str | None:
    """Why ``function`` does not take and use the per-call options, or ``None``."""
    params = inspect.signature(function).parameters
    kwargs = [p for p in params.values() if p.kind is inspect.Parameter.VAR_KEYWORD]
    if [p.name for p in kwargs] != ["options"]:
        return "no **options"
    module = inspect.getmodule(function)
    hints = typing.get_type_hints(function, globalns=vars(module) if module else None)
    if hints.get("options") != Unpack[RequestOptions]:
        return f"**options is {hints.get('options')!r}, not Unpack[RequestOptions]"
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    definition = tree.body[0]
    assert isinstance(definition, (ast.FunctionDef, ast.AsyncFunctionDef))
    used = {
        node.id
        for statement in definition.body
        for node in ast.walk(statement)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
    }
    if "options" not in used:
        return "takes **options but never passes them on"
    return None


RESOURCES = _resource_classes()


def test_the_walk_finds_every_resource_of_both_generations() -> None:
    assert {"Contacts", "AsyncContacts", "Exports", "AsyncExports", "Catalogs"} <= set(RESOURCES)
    assert {"Products", "AsyncProducts", "Funnels", "AsyncCampaigns"} <= set(RESOURCES)


@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_every_public_method_takes_the_per_call_options(name: str) -> None:
    """Each public method of each resource, sync and async, takes ``**options:
    Unpack[RequestOptions]`` (``timeout``, ``extra_headers``) and passes them on."""
    methods = _public_methods(RESOURCES[name])
    assert methods, f"{name} has no public method"
    missing = {m: why for m, f in methods.items() if (why := _missing_options(f)) is not None}
    assert missing == {}


def test_the_walk_catches_a_method_without_options() -> None:
    """The check itself fails on a method without the options, or one that drops them."""

    class Forgets(SyncAPIResource):
        def get(self, email: str) -> None:
            raise NotImplementedError

        def drops(self, email: str, **options: Unpack[RequestOptions]) -> None:
            self._client._execute(email)  # type: ignore[arg-type]

        def keeps(self, email: str, **options: Unpack[RequestOptions]) -> None:
            self._with(options)._execute(email)  # type: ignore[arg-type]

    assert _missing_options(Forgets.get) == "no **options"
    assert _missing_options(Forgets.drops) == "takes **options but never passes them on"
    assert _missing_options(Forgets.keeps) is None


# one call ------------------------------------------------------------------------------


async def test_a_calls_timeout_and_headers_reach_its_request_only(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """The options of one call go on its request; the next call has the client's."""
    route = platform.post(USERS).mock(return_value=envelope(ok(users=[OWNER])))

    assert await call(client, "users.list", timeout=3.5, extra_headers=TRACE) == [OWNER]
    await call(client, "users.list")

    first, second = _requests(platform)
    _carry([first], SHORT, **TRACE)
    assert first.headers["Content-Type"] == CONTENT_TYPE
    assert first.headers["Accept"] == ACCEPT
    _carry([second], DEFAULT)
    _lack([second], "X-Trace-Id")
    assert route.call_count == 2


async def test_a_retried_call_keeps_its_options_on_every_attempt(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    platform.post(USERS).mock(side_effect=answers(httpx.Response(503), ok(users=[])))
    await call(client, "users.list", timeout=3.5, extra_headers=TRACE)
    _carry(_requests(platform), SHORT, **TRACE)
    assert len(platform.calls) == 2


async def test_an_httpx_timeout_is_used_as_is(
    make_client: Callable[..., AnyClient], platform: respx.MockRouter
) -> None:
    """``timeout`` takes an ``httpx.Timeout`` on the client and on a call."""
    platform.post(USERS).mock(return_value=envelope(ok(users=[])))
    client = make_client(timeout=FINE)
    assert client.timeout is FINE
    await call(client, "users.list")
    await call(client, "users.list", timeout=httpx.Timeout(None))
    await call(client.with_options(timeout=httpx.Timeout(5.0)), "users.list")
    requests = _requests(platform)
    assert requests[0].extensions["timeout"] == FINE.as_dict()
    assert requests[1].extensions["timeout"] == httpx.Timeout(None).as_dict()
    assert requests[2].extensions["timeout"] == httpx.Timeout(5.0).as_dict()


# multi-request calls -------------------------------------------------------------------


def _apply_all(request: httpx.Request) -> httpx.Response:
    emails = [d["contact"]["email"] for d in json.loads(request.content)["upsertDetails"]]
    return envelope(ok(contactIds={e: f"id-{e}" for e in emails}))


async def test_every_chunk_of_a_batch_carries_the_options(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    route = platform.post(BATCH_UPSERT).mock(side_effect=_apply_all)
    contacts = [ContactUpsert(email=f"c{i}@example.com") for i in range(5)]

    result = await call(
        client, "contacts.batch_upsert", contacts, chunk_size=2, timeout=3.5, extra_headers=TRACE
    )

    assert len(result.contact_ids) == 5
    assert route.call_count == 3
    _carry(_requests(platform), SHORT, **TRACE)


async def test_every_chunk_of_a_bulk_sync_carries_the_options(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    route = platform.post(BATCH_UPSERT).mock(side_effect=_apply_all)
    rows = (ContactUpsert(email=f"c{i}@example.com") for i in range(5))

    report = await call(
        client, "contacts.sync", rows, chunk_size=2, timeout=FINE, extra_headers=TRACE
    )

    assert report.progress.applied == 5
    assert route.call_count == 3
    _carry(_requests(platform), FINE.as_dict(), **TRACE)


async def test_every_page_of_an_iterator_carries_the_options(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    def page(email: str, more: bool) -> httpx.Response:
        return envelope(ok(contacts=[{"id": f"id-{email}", "email": email}], hasMore=more))

    platform.post(PAGES).mock(side_effect=[page("a@example.com", True), page("b@x.pl", False)])

    found = await call(client, "contacts.iter_all", page_size=1, timeout=3.5, extra_headers=TRACE)

    assert [c.email for c in found] == ["a@example.com", "b@x.pl"]
    assert len(platform.calls) == 2
    _carry(_requests(platform), SHORT, **TRACE)


def _contacts_file(*emails: str) -> httpx.Response:
    items = [{"email": e, "exists": True, "id": f"id-{e}"} for e in emails]
    return httpx.Response(200, json={"contacts": items})


async def test_an_export_jobs_start_polls_and_download_carry_the_options(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """A job's start, each status poll and the file's download on the account's server."""
    platform.post(EXPORT).mock(return_value=envelope(ok(requestId="r0")))
    platform.post(STATUS).mock(
        side_effect=answers(ok(message=["Export in progress"]), ok(fileUrl="/files/p0.json"))
    )
    platform.get("/files/p0.json").mock(return_value=_contacts_file("a@example.com"))

    found = await call(client, "exports.contacts", page_size=10, timeout=3.5, extra_headers=TRACE)

    assert [c.email for c in found] == ["a@example.com"]
    requests = _requests(platform)
    assert [r.url.path for r in requests] == [EXPORT, STATUS, STATUS, "/files/p0.json"]
    _carry(requests, SHORT, **TRACE)


async def test_a_file_on_another_host_gets_the_timeout_but_none_of_the_headers(
    make_client: Callable[..., AnyClient], platform: respx.MockRouter
) -> None:
    """Headers of the client or the call may carry a gateway's token: they go to the
    account's server only, never to the storage host a ``fileUrl`` names."""
    client = make_client(default_headers={"X-Gateway-Token": "gw-SECRET"})
    platform.post(EXPORT).mock(return_value=envelope(ok(requestId="r0")))
    platform.post(STATUS).mock(return_value=envelope(ok(fileUrl="https://files.example.com/p")))
    platform.get("https://files.example.com/p").mock(return_value=_contacts_file("a@x.pl"))

    await call(client, "exports.contacts", page_size=10, timeout=3.5, extra_headers=TRACE)

    *api_calls, download = _requests(platform)
    _carry(api_calls, SHORT, **TRACE, **{"X-Gateway-Token": "gw-SECRET"})
    _carry([download], SHORT)
    _lack([download], "X-Trace-Id", "X-Gateway-Token")


# default headers -----------------------------------------------------------------------


async def test_default_headers_go_on_every_request_and_a_call_adds_its_own(
    make_client: Callable[..., AnyClient], platform: respx.MockRouter
) -> None:
    """``default_headers`` after the SDK's own; a call's ``extra_headers`` after them
    (a name given again wins, whatever its case)."""
    client = make_client(default_headers={"X-Shop": "pl", "X-Env": "prod"})
    platform.post(USERS).mock(return_value=envelope(ok(users=[])))
    platform.post(BATCH_UPSERT).mock(side_effect=_apply_all)

    await call(client, "users.list")
    await call(client, "users.list", extra_headers={"x-env": "test", **TRACE})
    contacts = [ContactUpsert(email=f"c{i}@example.com") for i in range(3)]
    await call(client, "contacts.batch_upsert", contacts, chunk_size=2)

    first, second, *chunks = _requests(platform)
    _carry([first, *chunks], DEFAULT, **{"X-Shop": "pl", "X-Env": "prod"})
    _carry([second], DEFAULT, **{"X-Shop": "pl", "X-Env": "test"}, **TRACE)
    assert len(chunks) == 2
    for request in (first, second, *chunks):
        assert request.headers["Content-Type"] == CONTENT_TYPE


async def test_a_default_header_may_replace_accept_and_user_agent(
    make_client: Callable[..., AnyClient], platform: respx.MockRouter
) -> None:
    client = make_client(default_headers={"user-agent": "shop-sync/2.1"})
    platform.post(USERS).mock(return_value=envelope(ok(users=[])))
    await call(client, "users.list", extra_headers={"Accept": "application/json"})
    (request,) = _requests(platform)
    assert request.headers.get_list("User-Agent") == ["shop-sync/2.1"]
    assert request.headers.get_list("Accept") == ["application/json"]


async def test_with_options_merges_default_headers_onto_the_originals(
    make_client: Callable[..., AnyClient], platform: respx.MockRouter
) -> None:
    original = make_client(default_headers={"X-Shop": "pl", "X-Env": "prod"})
    clone = original.with_options(default_headers={"X-Env": "test", "X-Run": "7"})
    platform.post(USERS).mock(return_value=envelope(ok(users=[])))

    await call(clone, "users.list")
    await call(original, "users.list")

    from_clone, from_original = _requests(platform)
    _carry([from_clone], DEFAULT, **{"X-Shop": "pl", "X-Env": "test", "X-Run": "7"})
    _carry([from_original], DEFAULT, **{"X-Shop": "pl", "X-Env": "prod"})
    _lack([from_original], "X-Run")


async def test_from_login_sends_default_headers_on_the_login_and_after(
    mode: str, platform: respx.MockRouter
) -> None:
    platform.post("/api/authorization/token").mock(
        return_value=envelope(ok(token="tok", endpoint="app3.salesmanago.pl"))
    )
    platform.post("/api/account/integration").mock(
        return_value=envelope(ok(shortId="acc", sha1="a" * 40))
    )
    platform.post(USERS).mock(return_value=envelope(ok(users=[])))
    kind = SalesManago if mode == "sync" else AsyncSalesManago
    settings = {"username": OWNER, "password": "pw", "endpoint": ENDPOINT}

    client = await call(kind, "from_login", **settings, default_headers=TRACE, timeout=FINE)
    await call(client, "users.list")

    _carry(_requests(platform), FINE.as_dict(), **TRACE)
    assert len(platform.calls) == 3


async def test_api_v3_sends_default_and_call_headers_beside_its_key(
    make_v3_client: Callable[..., AnyV3Client], v3_platform: respx.MockRouter
) -> None:
    client = make_v3_client(default_headers={"X-Shop": "pl"})
    v3_platform.get(V3_LIST).mock(return_value=httpx.Response(200, json={"catalogs": []}))

    await call(client, "catalogs.list", timeout=3.5, extra_headers=TRACE)

    (request,) = [c.request for c in v3_platform.calls]
    _carry([request], SHORT, **TRACE, **{"X-Shop": "pl", "API-KEY": V3_KEY})
    assert str(request.url) == V3_ENDPOINT + V3_LIST


# bad values ----------------------------------------------------------------------------

BAD_TIMEOUTS = [0, -1.0, math.nan, math.inf, "5", True, None]
RESERVED = ["Content-Type", "content-length", "Host", "Transfer-Encoding", "API-KEY", "api-key"]


@pytest.mark.parametrize("value", BAD_TIMEOUTS)
def test_a_bad_client_timeout_is_a_configuration_error(value: object) -> None:
    for kind in (SalesManago, AsyncSalesManago):
        with pytest.raises(ConfigurationError, match=r"^timeout must be a positive"):
            kind(**SETTINGS, timeout=value)
    for v3 in (SalesManagoV3, AsyncSalesManagoV3):
        with pytest.raises(ConfigurationError, match=r"^timeout "):
            v3(api_key=V3_KEY, timeout=value)


@pytest.mark.parametrize("value", BAD_TIMEOUTS[:-1])
async def test_with_options_refuses_a_bad_timeout(client: AnyClient, value: object) -> None:
    with pytest.raises(ConfigurationError, match=r"^timeout "):
        client.with_options(timeout=value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("headers", "rule"),
    [
        *[({name: "x"}, f"may not set '{name}'") for name in RESERVED],
        ({"X Bad": "x"}, "invalid header name 'X Bad'"),
        ({"X-Ok": "line\r\nInjected: 1"}, "value of 'X-Ok' must be printable"),
        ({"X-Ok": 5}, "value of 'X-Ok' must be printable"),
        (["X-Ok", "x"], "must be a mapping"),
    ],
)
def test_bad_default_headers_are_a_configuration_error(headers: object, rule: str) -> None:
    for kind in (SalesManago, AsyncSalesManago):
        with pytest.raises(ConfigurationError, match=r"^default_headers ") as caught:
            kind(**SETTINGS, default_headers=headers)
        assert rule in str(caught.value)
    with pytest.raises(ConfigurationError, match=r"^default_headers "):
        SalesManagoV3(api_key=V3_KEY, default_headers=headers)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("options", "field"),
    [
        *[({"timeout": value}, "timeout") for value in BAD_TIMEOUTS],
        *[({"extra_headers": {name: "x"}}, "extra_headers") for name in RESERVED],
        ({"extra_headers": {"X-Ok": "a\nb"}}, "extra_headers"),
        ({"extra_headers": "X-Ok: 1"}, "extra_headers"),
        ({"timeuot": 5}, "timeuot"),
    ],
)
async def test_bad_call_options_are_refused_before_sending(
    client: AnyClient, platform: respx.MockRouter, options: dict[str, Any], field: str
) -> None:
    """A ValidationError naming the option; nothing is sent (iterators included)."""
    route = platform.post(USERS).mock(return_value=envelope(ok(users=[])))
    with pytest.raises(ValidationError) as caught:
        await call(client, "users.list", **options)
    assert caught.value.field == field
    with pytest.raises(ValidationError):
        client.contacts.iter_all(**options)
    assert route.call_count == 0
    assert len(platform.calls) == 0


def test_header_values_are_never_shown() -> None:
    """A refused header's value is not in the error; no header is in the client's repr."""
    secret = "tok-NEVER-SHOWN-\n"
    with pytest.raises(ConfigurationError) as caught:
        SalesManago(**SETTINGS, default_headers={"Authorization": secret})
    assert "NEVER-SHOWN" not in str(caught.value)
    client = SalesManago(**SETTINGS, default_headers={"Authorization": "tok-NEVER-SHOWN"})
    assert "NEVER-SHOWN" not in repr(client)
    assert "NEVER-SHOWN" not in repr(client.with_options(default_headers={"X": "y"}))
    v3 = SalesManagoV3(api_key=V3_KEY, default_headers={"X-Shop": "pl"})
    assert V3_KEY not in repr(v3)


def test_a_timeout_set_later_reaches_the_next_request() -> None:
    """``timeout`` is a setting one may change on a client: the next request carries
    the new value (each request's timeout is built once per value, not per request)."""
    seen: list[dict[str, object]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(dict(request.extensions["timeout"]))
        return httpx.Response(200, json={"success": True, "message": [], "result": False})

    with SalesManago(
        client_id="c",
        api_secret="s",
        owner="o@example.com",
        transport=httpx.MockTransport(answer),
    ) as client:
        client.contacts.has_contact("a@example.com")
        client.timeout = 2.5
        client.contacts.has_contact("a@example.com")
    assert [t["read"] for t in seen] == [30.0, 2.5]
