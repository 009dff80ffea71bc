"""API v3 product catalogs: catalogs (list, upsert, delete) and their products (upsert,
price and quantity updates) (protocol §9; issue 12 wire §4).

These resources belong to [`SalesManagoV3`][salesmanago.SalesManagoV3]: the same call
descriptions as the legacy API's, sent by the v3 wire (``API-KEY`` header, HTTP
statuses, ``problems``). Products go 100 per request (protocol §3.4).
"""

from __future__ import annotations

import builtins
import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from .. import _converter
from .._calls import Call, Endpoint, Envelope, renumber_item_refs
from .._jobs import read_request_id
from .._options import RequestOptions, Unpack
from .._validation import check_model
from .._wire import read_warnings
from ..errors import ValidationError
from ..models.catalogs import (
    CURRENCY,
    Catalog,
    CatalogResult,
    Product,
    ProductPrice,
    ProductsResult,
    check_prices,
    check_product,
    check_product_id,
    check_quantity,
)
from ._base import AsyncAPIResource, SyncAPIResource

__all__ = ["AsyncCatalogs", "AsyncProducts", "Catalogs", "Products"]


def _v3(path: str, *, idempotent: bool, method: str = "POST") -> Endpoint:
    """An API v3 endpoint: unsigned (the key is a header) and without owner."""
    return Endpoint(path, idempotent=idempotent, send_owner=False, signed=False, method=method)


CATALOG_LIST: Final = _v3("/v3/product/catalogList", idempotent=True, method="GET")
# Idempotent when it names the catalog it changes; one that creates is not repeated
# once it may have landed (a repeat would make a second catalog, or be refused).
CATALOG_UPSERT: Final = _v3("/v3/product/catalogUpsert", idempotent=True)
# A repeat finds the catalog gone (reason code 16).
CATALOG_DELETE: Final = _v3("/v3/product/catalogDelete", idempotent=False)
PRODUCT_UPSERT: Final = _v3("/v3/product/upsert", idempotent=True)
UPDATE_PRICE: Final = _v3("/v3/product/updatePrice", idempotent=True)
UPDATE_QUANTITY: Final = _v3("/v3/product/updateQuantity", idempotent=True)

#: Products per request (protocol §3.4: "up to 100 products per request").
PRODUCTS_PER_REQUEST: Final = 100
_ITEMS: Final = "products"


# catalogs ---------------------------------------------------------------------------


def _text(value: object, field: str, rule: str = "must be a non-empty string") -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(field, rule)
    return value


def _catalogs(envelope: Envelope) -> list[Catalog]:
    value = envelope.get("catalogs")
    if not isinstance(value, list):
        raise TypeError("catalogs: expected a list")
    return _converter.structure(value, list[Catalog])


def list_catalogs_call() -> Call[list[Catalog]]:
    """The account's catalogs (``GET catalogList``)."""
    return Call(CATALOG_LIST, {}, _catalogs)


def _catalog_result(envelope: Envelope) -> CatalogResult:
    catalog_id = envelope.get("catalogId")
    if not isinstance(catalog_id, str) or not catalog_id:
        raise TypeError("catalogId: expected a non-empty string")
    return CatalogResult(
        request_id=read_request_id(envelope),
        catalog_id=catalog_id,
        warnings=read_warnings(envelope),
    )


def upsert_catalog_call(
    name: str, currency: str, location: str, set_as_default: bool, catalog_id: str | None
) -> Call[CatalogResult]:
    """Create a catalog, or change the one ``catalog_id`` names."""
    body: dict[str, Any] = {}
    if catalog_id is not None:
        body["catalogId"] = _text(catalog_id, "catalogId", "must be a non-empty catalog id")
    body["catalogName"] = _text(name, "catalogName", "must be a non-empty name")
    if not isinstance(set_as_default, bool):
        raise ValidationError("setAsDefault", "must be a boolean")
    body["setAsDefault"] = set_as_default
    if not isinstance(currency, str) or CURRENCY.fullmatch(currency) is None:
        raise ValidationError(
            "currency", f"must be an ISO 4217 code of 3 upper-case letters (got {currency!r})"
        )
    body["currency"] = currency
    body["location"] = _text(location, "location", "must be a non-empty shop location")
    return Call(CATALOG_UPSERT, body, _catalog_result, repeatable=catalog_id is not None)


def delete_catalog_call(catalog_id: str) -> Call[CatalogResult]:
    """Delete the catalog ``catalog_id``."""
    body = {"catalogId": _text(catalog_id, "catalogId", "must be a non-empty catalog id")}
    return Call(CATALOG_DELETE, body, _catalog_result)


# products ---------------------------------------------------------------------------


def _products_result(envelope: Envelope, *, indexes: Sequence[int], upsert: bool) -> ProductsResult:
    """One request's answer, its warnings naming items by the caller's indexes."""
    product_ids: tuple[str, ...] = ()
    if upsert:
        raw = envelope.get("productIds")
        if not isinstance(raw, list):
            raise TypeError("productIds: expected a list")
        product_ids = tuple(str(p) for p in raw)
    rename = functools.partial(renumber_item_refs, key=_ITEMS, indexes=indexes)
    return ProductsResult(
        request_ids=(read_request_id(envelope),),
        product_ids=product_ids,
        warnings=read_warnings(envelope, rename),
    )


def merge_products(results: Sequence[ProductsResult]) -> ProductsResult:
    """One result for the requests of one call, in order."""
    return ProductsResult(
        request_ids=tuple(r for result in results for r in result.request_ids),
        product_ids=tuple(p for result in results for p in result.product_ids),
        warnings=tuple(w for result in results for w in result.warnings),
    )


def _chunk_calls(
    endpoint: Endpoint,
    catalog_id: str,
    items: Sequence[dict[str, Any]],
    upsert: bool,
) -> list[Call[ProductsResult]]:
    """``{catalogId, products}`` requests of at most 100 products each."""
    catalog = _text(catalog_id, "catalogId", "must be a non-empty catalog id")
    calls = []
    for start in range(0, len(items), PRODUCTS_PER_REQUEST):
        chunk = items[start : start + PRODUCTS_PER_REQUEST]
        indexes = range(start, start + len(chunk))
        calls.append(
            Call(
                endpoint,
                {"catalogId": catalog, _ITEMS: chunk},
                functools.partial(_products_result, indexes=indexes, upsert=upsert),
                items_key=_ITEMS,
                indexes=indexes,
            )
        )
    return calls


def _items(
    items: Sequence[Any], check: Callable[[Any, str], dict[str, Any]]
) -> list[dict[str, Any]]:
    """Each item checked and turned into its wire object, named ``products[i]``."""
    if isinstance(items, (str, Mapping)):
        raise ValidationError(_ITEMS, "must be a list")
    if not items:
        raise ValidationError(_ITEMS, "must hold at least 1 item (got 0)")
    return [check(item, f"{_ITEMS}[{index}].") for index, item in enumerate(items)]


_unstructure_product: Final = _converter.unstructurer(Product)


def _product(item: Product, prefix: str) -> dict[str, Any]:
    check_product(item, prefix)
    body: dict[str, Any] = _unstructure_product(item)
    return body


def upsert_products_calls(
    catalog_id: str, products: Sequence[Product]
) -> list[Call[ProductsResult]]:
    """Create or replace products of a catalog, 100 per request."""
    return _chunk_calls(PRODUCT_UPSERT, catalog_id, _items(products, _product), upsert=True)


def _price(item: ProductPrice, prefix: str) -> dict[str, Any]:
    check_model(item, ProductPrice, prefix.rstrip("."))
    body: dict[str, Any] = {"productId": check_product_id(item.product_id, f"{prefix}productId")}
    check_prices(item, prefix)
    for key, value in (
        ("price", item.price),
        ("discountPrice", item.discount_price),
        ("unitPrice", item.unit_price),
    ):
        if value is not None:
            body[key] = value
    if len(body) == 1:
        raise ValidationError(f"{prefix}price", "give price, discount_price or unit_price")
    return body


def update_prices_calls(
    catalog_id: str, prices: Sequence[ProductPrice]
) -> list[Call[ProductsResult]]:
    """New prices of products, 100 per request."""
    return _chunk_calls(UPDATE_PRICE, catalog_id, _items(prices, _price), upsert=False)


def update_quantities_calls(
    catalog_id: str, quantities: Mapping[str, int]
) -> list[Call[ProductsResult]]:
    """New quantities of products (product id -> quantity), 100 per request."""
    if not isinstance(quantities, Mapping):
        raise ValidationError(_ITEMS, "must be a mapping of product id -> quantity")

    def quantity(item: tuple[str, int], prefix: str) -> dict[str, Any]:
        product_id, value = item
        body = {"productId": check_product_id(product_id, f"{prefix}productId")}
        if value is None:
            raise ValidationError(f"{prefix}quantity", "must be a whole number, 0 or more")
        check_quantity(value, f"{prefix}quantity")
        return {**body, "quantity": value}

    items = _items(list(quantities.items()), quantity)
    return _chunk_calls(UPDATE_QUANTITY, catalog_id, items, upsert=False)


# resources --------------------------------------------------------------------------


class Catalogs(SyncAPIResource):
    """The account's product catalogs (API v3, protocol §9)."""

    def list(self, **options: Unpack[RequestOptions]) -> builtins.list[Catalog]:
        """Every catalog of the account."""
        return self._with(options)._execute(list_catalogs_call())

    def upsert(
        self,
        name: str,
        *,
        currency: str,
        location: str,
        set_as_default: bool = False,
        catalog_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> CatalogResult:
        """Create a catalog, or change the one ``catalog_id`` names. ``currency`` is an
        ISO 4217 code (``PLN``), ``location`` the shop's id its events carry. A create
        is not repeated once it may have landed."""
        call = upsert_catalog_call(name, currency, location, set_as_default, catalog_id)
        return self._with(options)._execute(call)

    def delete(self, catalog_id: str, **options: Unpack[RequestOptions]) -> CatalogResult:
        """Delete the catalog ``catalog_id`` (an unknown id raises NotFoundError)."""
        return self._with(options)._execute(delete_catalog_call(catalog_id))


class AsyncCatalogs(AsyncAPIResource):
    """The account's product catalogs (API v3, protocol §9)."""

    async def list(self, **options: Unpack[RequestOptions]) -> builtins.list[Catalog]:
        """Every catalog of the account."""
        return await self._with(options)._execute(list_catalogs_call())

    async def upsert(
        self,
        name: str,
        *,
        currency: str,
        location: str,
        set_as_default: bool = False,
        catalog_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> CatalogResult:
        """Create a catalog, or change the one ``catalog_id`` names. ``currency`` is an
        ISO 4217 code (``PLN``), ``location`` the shop's id its events carry. A create
        is not repeated once it may have landed."""
        call = upsert_catalog_call(name, currency, location, set_as_default, catalog_id)
        return await self._with(options)._execute(call)

    async def delete(self, catalog_id: str, **options: Unpack[RequestOptions]) -> CatalogResult:
        """Delete the catalog ``catalog_id`` (an unknown id raises NotFoundError)."""
        return await self._with(options)._execute(delete_catalog_call(catalog_id))


class Products(SyncAPIResource):
    """The products of a catalog (API v3, protocol §9): 100 per request."""

    def upsert(
        self, catalog_id: str, products: Sequence[Product], **options: Unpack[RequestOptions]
    ) -> ProductsResult:
        """Create or replace ``products`` in the catalog; each is checked first
        ([`Product.validate`][salesmanago.models.catalogs.Product.validate], fields named
        ``products[i]...``). A request that fails for good raises its error with the earlier
        requests' merged result in ``partial_results``."""
        calls = upsert_products_calls(catalog_id, products)
        return merge_products(self._with(options)._execute_all(calls, merge_products))

    def update_prices(
        self, catalog_id: str, prices: Sequence[ProductPrice], **options: Unpack[RequestOptions]
    ) -> ProductsResult:
        """Set the prices of products of the catalog (each item at least one price)."""
        calls = update_prices_calls(catalog_id, prices)
        return merge_products(self._with(options)._execute_all(calls, merge_products))

    def update_quantities(
        self, catalog_id: str, quantities: Mapping[str, int], **options: Unpack[RequestOptions]
    ) -> ProductsResult:
        """Set the quantities of products of the catalog (product id -> quantity)."""
        calls = update_quantities_calls(catalog_id, quantities)
        return merge_products(self._with(options)._execute_all(calls, merge_products))


class AsyncProducts(AsyncAPIResource):
    """The products of a catalog (API v3, protocol §9): 100 per request."""

    async def upsert(
        self, catalog_id: str, products: Sequence[Product], **options: Unpack[RequestOptions]
    ) -> ProductsResult:
        """Create or replace ``products`` in the catalog; each is checked first
        ([`Product.validate`][salesmanago.models.catalogs.Product.validate], fields named
        ``products[i]...``). A request that fails for good raises its error with the earlier
        requests' merged result in ``partial_results``."""
        calls = upsert_products_calls(catalog_id, products)
        return merge_products(await self._with(options)._execute_all(calls, merge_products))

    async def update_prices(
        self, catalog_id: str, prices: Sequence[ProductPrice], **options: Unpack[RequestOptions]
    ) -> ProductsResult:
        """Set the prices of products of the catalog (each item at least one price)."""
        calls = update_prices_calls(catalog_id, prices)
        return merge_products(await self._with(options)._execute_all(calls, merge_products))

    async def update_quantities(
        self, catalog_id: str, quantities: Mapping[str, int], **options: Unpack[RequestOptions]
    ) -> ProductsResult:
        """Set the quantities of products of the catalog (product id -> quantity)."""
        calls = update_quantities_calls(catalog_id, quantities)
        return merge_products(await self._with(options)._execute_all(calls, merge_products))
