"""A client's public names are its resources and its settings, not its plumbing.

``dir(SalesManago)`` (what an IDE completes) lists only ``from_login``,
``with_options``, ``close`` (and ``aclose``), the read-only ``owner`` and
``base_url`` and, on the async client, ``concurrency`` and
``max_concurrent_requests``; an instance adds its resources and its ``timeout`` and
``max_retries``. The API v3 clients show the same minus ``owner`` and
``from_login``, with their ``catalogs`` and ``products``. Request building, retries,
paging and jobs are private (``_execute``, ``_run_job`` ...), so they cannot leak back
unnoticed.
"""

from __future__ import annotations

import inspect

import pytest
from sdk_helpers import SETTINGS

from salesmanago import AsyncSalesManago, AsyncSalesManagoV3, SalesManago, SalesManagoV3

#: ``timeout`` is a property (each request carries its value, built once when set).
SYNC_CLASS = {"base_url", "close", "from_login", "owner", "timeout", "with_options"}
ASYNC_CLASS = SYNC_CLASS | {"aclose", "concurrency", "max_concurrent_requests"}
RESOURCES = {
    "activity",
    "campaigns",
    "contacts",
    "coupons",
    "events",
    "exports",
    "funnels",
    "loyalty",
    "messages",
    "notes",
    "optin",
    "rules",
    "scoring",
    "tags",
    "tasks",
    "users",
    "workflows",
}
SETTINGS_ATTRIBUTES = {"max_retries", "timeout"}
#: API v3's clients (protocol §9): no owner, no login; their own two resources.
V3_SYNC_CLASS = {"base_url", "close", "timeout", "with_options"}
V3_ASYNC_CLASS = V3_SYNC_CLASS | {"aclose", "concurrency", "max_concurrent_requests"}
V3_RESOURCES = {"catalogs", "products"}


def _public(obj: object) -> set[str]:
    return {name for name in dir(obj) if not name.startswith("_")}


CLASSES = [
    (SalesManago, SYNC_CLASS),
    (AsyncSalesManago, ASYNC_CLASS),
    (SalesManagoV3, V3_SYNC_CLASS),
    (AsyncSalesManagoV3, V3_ASYNC_CLASS),
]


@pytest.mark.parametrize(("cls", "expected"), CLASSES)
def test_the_class_shows_no_plumbing(cls: type, expected: set[str]) -> None:
    """The class's public names are exactly the intended ones."""
    assert _public(cls) == expected


@pytest.mark.parametrize(
    ("cls", "expected"), [(SalesManago, SYNC_CLASS), (AsyncSalesManago, ASYNC_CLASS)]
)
def test_an_instance_adds_its_resources_and_settings(cls: type, expected: set[str]) -> None:
    """An instance's public names: the class's, its resources, ``timeout`` and ``max_retries``."""
    client = cls(**SETTINGS)
    assert _public(client) == expected | RESOURCES | SETTINGS_ATTRIBUTES


@pytest.mark.parametrize(
    ("cls", "expected"),
    [(SalesManagoV3, V3_SYNC_CLASS), (AsyncSalesManagoV3, V3_ASYNC_CLASS)],
)
def test_a_v3_instance_adds_its_two_resources_and_settings(cls: type, expected: set[str]) -> None:
    """A v3 client's public names: the class's, ``catalogs``, ``products``, ``timeout``
    and ``max_retries``."""
    client = cls(api_key="v3-key")
    assert _public(client) == expected | V3_RESOURCES | SETTINGS_ATTRIBUTES


@pytest.mark.parametrize("cls", [c for c, _ in CLASSES])
def test_every_public_name_is_documented(cls: type) -> None:
    """Each public method and property of the class has a docstring (``concurrency`` is
    a documented attribute of the async client)."""
    undocumented = [
        name
        for name in _public(cls) - {"concurrency"}
        if not inspect.getdoc(inspect.getattr_static(cls, name))
    ]
    assert undocumented == []


def test_both_clients_are_context_managers() -> None:
    """``with SalesManago(...)`` and ``async with AsyncSalesManago(...)``."""
    assert {"__enter__", "__exit__"} <= set(dir(SalesManago))
    assert {"__aenter__", "__aexit__"} <= set(dir(AsyncSalesManago))
