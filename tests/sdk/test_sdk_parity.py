"""Sync/async parity: every public method of every sync resource, and of the client
itself, has an async twin with the same name and parameters (names, kinds,
defaults, annotations), differing only in awaitability and ``Iterator`` ->
``AsyncIterator``; for the legacy API's clients and API v3's alike. Resources are
found on live client instances, so a resource added later is covered without
touching this file."""

from __future__ import annotations

import collections.abc
import functools
import inspect
import operator
import types
import typing
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest
from sdk_helpers import API_SECRET, CLIENT_ID, ENDPOINT, OWNER

from salesmanago import AsyncSalesManago, AsyncSalesManagoV3, SalesManago, SalesManagoV3
from salesmanago.resources._base import AsyncAPIResource, SyncAPIResource

#: Client methods that build something without sending: synchronous on both clients.
_NO_IO = {"with_options", "_bind_resources"}
_EXTRA_NAMES = {"Callable": collections.abc.Callable}


def _resources(client: object, base: type) -> dict[str, type]:
    return {name: type(value) for name, value in vars(client).items() if isinstance(value, base)}


#: Each API generation's client pair, and the settings that build them.
CLIENTS: list[tuple[type, type, dict[str, Any]]] = [
    (
        SalesManago,
        AsyncSalesManago,
        {"client_id": CLIENT_ID, "api_secret": API_SECRET, "owner": OWNER, "endpoint": ENDPOINT},
    ),
    (SalesManagoV3, AsyncSalesManagoV3, {"api_key": "v3-key"}),
]


def _pairs() -> dict[str, tuple[type, type]]:
    pairs: dict[str, tuple[type, type]] = {}
    for sync_client, async_client, settings in CLIENTS:
        sync = _resources(sync_client(**settings), SyncAPIResource)
        async_ = _resources(async_client(**settings), AsyncAPIResource)
        assert set(sync) == set(async_), "both clients expose the same resources"
        assert not set(sync) & set(pairs), "resource names are unique across the clients"
        pairs.update({name: (sync[name], async_[name]) for name in sorted(sync)})
    return pairs


PAIRS = _pairs()
TWINS: dict[Any, Any] = {
    **{sync: async_ for sync, async_, _ in CLIENTS},
    httpx.Client: httpx.AsyncClient,
    httpx.BaseTransport: httpx.AsyncBaseTransport,
    **dict(PAIRS.values()),
}


def _public_methods(cls: type) -> dict[str, Callable[..., Any]]:
    return {
        name: member
        for name, member in inspect.getmembers(cls, predicate=inspect.isfunction)
        if not name.startswith("_")
    }


def _client_methods(cls: type) -> dict[str, Callable[..., Any]]:
    """Every method of a client class but the special ones (``__init__``, ``__enter__``)."""
    return {
        name: member
        for name, member in inspect.getmembers(cls, predicate=inspect.isfunction)
        if not name.startswith("__")
    }


def _hints(function: Callable[..., Any]) -> dict[str, Any]:
    module = inspect.getmodule(function)
    namespace = {**vars(module), **_EXTRA_NAMES} if module else dict(_EXTRA_NAMES)
    return typing.get_type_hints(function, globalns=namespace)


def _as_async(annotation: Any, *, callbacks: bool = False) -> Any:
    """What the async twin's annotation must be for a sync one."""
    if annotation in TWINS:
        return TWINS[annotation]
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is None or not args:
        return annotation
    if origin is collections.abc.Iterator:
        return AsyncIterator[_as_async(args[0], callbacks=callbacks)]
    if origin is collections.abc.Callable and not callbacks:
        return annotation  # an I/O-free helper (``_execute_all``'s ``merge``): the same
    if origin is collections.abc.Callable and callbacks:
        params, result = args[:-1], args[-1]
        result = None if result is type(None) else result
        return Callable[list(params[0]) if params else ..., Awaitable[result]]  # type: ignore[misc]
    converted = tuple(_as_async(a, callbacks=callbacks) for a in args)
    if origin in (typing.Union, types.UnionType):
        return functools.reduce(operator.or_, converted)
    return origin[converted] if len(converted) > 1 else origin[converted[0]]


def _assert_twins(
    sync: Callable[..., Any],
    twin: Callable[..., Any],
    *,
    callbacks: bool,
    io: bool = True,
    async_only: tuple[str, ...] = (),
) -> None:
    """Assert ``twin`` is the async twin of ``sync``; with ``io=False`` (a constructor,
    ``with_options``) neither side may be a coroutine function. ``async_only`` names
    trailing parameters only the twin has."""
    where = f"{sync.__qualname__} / {twin.__qualname__}"
    ours, theirs = inspect.signature(sync), inspect.signature(twin)
    assert list(ours.parameters) + list(async_only) == list(theirs.parameters), where
    hints, twin_hints = _hints(sync), _hints(twin)
    for name, param in ours.parameters.items():
        other = theirs.parameters[name]
        assert param.kind == other.kind, f"{where}: kind of {name}"
        assert param.default == other.default, f"{where}: default of {name}"
        if name in hints:
            expected = _as_async(hints[name], callbacks=callbacks)
            assert twin_hints.get(name) == expected, f"{where}: annotation of {name}"
    returns = hints.get("return")
    assert twin_hints.get("return") == _as_async(returns), f"{where}: return annotation"
    if not io:
        assert not inspect.iscoroutinefunction(twin), f"{where}: does no I/O, must not be async"
        return
    iterates = typing.get_origin(returns) is collections.abc.Iterator
    if iterates:
        assert not inspect.iscoroutinefunction(twin), f"{where}: must return an async iterator"
    else:
        assert inspect.iscoroutinefunction(twin), f"{where}: must be a coroutine function"
        assert not inspect.iscoroutinefunction(sync), f"{where}: sync side must not be async"


def test_both_clients_expose_the_foundation_resources() -> None:
    """The resources found dynamically include the four of the SDK foundation, the
    loyalty programs and API v3's catalogs and products."""
    assert {"contacts", "tags", "optin", "users", "loyalty", "catalogs", "products"} <= set(PAIRS)


@pytest.mark.parametrize("name", list(PAIRS))
def test_resource_methods_have_async_twins(name: str) -> None:
    """Each public sync method has an async twin with the same parameters."""
    sync_cls, async_cls = PAIRS[name]
    sync_methods, async_methods = _public_methods(sync_cls), _public_methods(async_cls)
    assert sync_methods, f"{name} has no public methods"
    assert set(sync_methods) == set(async_methods), name
    for method, function in sync_methods.items():
        _assert_twins(function, async_methods[method], callbacks=False)


@pytest.mark.parametrize(("sync_client", "async_client"), [c[:2] for c in CLIENTS])
def test_client_methods_have_async_twins(sync_client: type, async_client: type) -> None:
    """The client's own methods, public (``with_options``, ``close``) and private
    plumbing (``_execute``, ``_run_job`` ...), match too; the async client adds only
    ``aclose``."""
    sync_methods = _client_methods(sync_client)
    async_methods = _client_methods(async_client)
    assert set(async_methods) - set(sync_methods) == {"aclose"}
    assert set(sync_methods) <= set(async_methods)
    for method, function in sync_methods.items():
        if function is async_methods[method]:
            continue  # shared I/O-free code of BaseClient (_build_request, _read_response ...)
        io = method not in _NO_IO
        _assert_twins(function, async_methods[method], callbacks=False, io=io)


@pytest.mark.parametrize(("sync_client", "async_client"), [c[:2] for c in CLIENTS])
def test_client_constructors_match(sync_client: type, async_client: type) -> None:
    """Both constructors take the same keyword-only settings; ``http_client``,
    ``transport`` and ``sleep`` take the async kinds."""
    _assert_twins(
        sync_client.__init__,
        async_client.__init__,
        callbacks=True,
        io=False,
        async_only=("max_concurrent_requests",),  # many tasks share one async client
    )
    hints = _hints(async_client.__init__)
    assert hints["max_concurrent_requests"] is int
    assert hints["http_client"] == httpx.AsyncClient | None
    assert hints["sleep"] == Callable[[float], Awaitable[None]] | None
    assert hints["transport"] == httpx.AsyncBaseTransport | None
    assert _hints(sync_client.__init__)["transport"] == httpx.BaseTransport | None


def test_from_login_has_an_async_twin() -> None:
    """``AsyncSalesManago.from_login`` is a coroutine classmethod taking the same
    login and client settings (async kinds), plus ``max_concurrent_requests``, and
    returning the async client (issue 12 wire §1)."""
    _assert_twins(
        SalesManago.from_login,
        AsyncSalesManago.from_login,
        callbacks=True,
        async_only=("max_concurrent_requests",),
    )
    assert isinstance(inspect.getattr_static(AsyncSalesManago, "from_login"), classmethod)


@pytest.mark.parametrize(("sync_client", "async_client"), [c[:2] for c in CLIENTS])
def test_async_client_has_async_context_manager_and_aclose(
    sync_client: type, async_client: type
) -> None:
    """``async with`` and ``aclose()`` on the async client; ``with`` on the sync one."""
    assert inspect.iscoroutinefunction(async_client.__aenter__)
    assert inspect.iscoroutinefunction(async_client.__aexit__)
    assert inspect.iscoroutinefunction(async_client.aclose)
    assert callable(sync_client.__enter__)
    assert callable(sync_client.__exit__)
    assert not hasattr(sync_client, "__aenter__")


def test_the_parity_check_catches_a_mismatch() -> None:
    """The checker itself fails on a twin that differs (a default, an iterator)."""

    class Sync(SyncAPIResource):
        def get(self, email: str, *, limit: int = 10) -> Iterator[str]:
            raise NotImplementedError

    class WrongDefault(AsyncAPIResource):
        def get(self, email: str, *, limit: int = 20) -> AsyncIterator[str]:
            raise NotImplementedError

    class NotAsync(AsyncAPIResource):
        def get(self, email: str, *, limit: int = 10) -> Iterator[str]:
            raise NotImplementedError

    for twin in (WrongDefault, NotAsync):
        with pytest.raises(AssertionError):
            _assert_twins(Sync.get, twin.get, callbacks=False)
