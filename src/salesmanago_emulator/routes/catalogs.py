"""API v3 product catalogs and products (protocol §9): the v3 route table of this area.

Every path here is served through the router's v3 door (``API-KEY`` header, real
HTTP statuses, ``problems`` with reason codes; see `_v3`). A handler reads
its body with `V3Body`, refuses every type problem at once, then
hands the values to ``account.catalogs``, whose refusals list the rule problems.
A successful ``POST`` answers a new ``requestId`` (a UUID); a product upsert that
trimmed a text also answers ``problems`` with reason code 12.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ..errors import Problems
from ..state.catalogs import (
    Catalog,
    PriceChange,
    ProductWrite,
    QuantityChange,
    SystemDetails,
)
from ._v3 import V3Body, V3Context, V3RouteTable, problem_shapes

__all__ = ["catalog_shape", "table"]

table: Final = V3RouteTable("catalogs")
"""The v3 routes of this module."""


def catalog_shape(catalog: Catalog) -> dict[str, Any]:
    """One catalog as ``catalogList`` shows it."""
    return {
        "catalogId": catalog.catalog_id,
        "catalogName": catalog.name,
        "setAsDefault": catalog.set_as_default,
        "currency": catalog.currency,
        "location": catalog.location,
    }


def _read(body: Mapping[str, Any]) -> tuple[V3Body, Problems]:
    problems = Problems()
    return V3Body(body, problems), problems


@table.get("/v3/product/catalogList")
def catalog_list(ctx: V3Context, body: Mapping[str, Any]) -> dict[str, Any]:
    """List the account's catalogs, oldest first."""
    return {"catalogs": [catalog_shape(c) for c in ctx.account.catalogs.catalogs()]}


@table.post("/v3/product/catalogUpsert")
def catalog_upsert(ctx: V3Context, body: Mapping[str, Any]) -> dict[str, Any]:
    """Create a catalog, or replace catalog ``catalogId``: name, currency, location, default."""
    reader, problems = _read(body)
    catalog_id = reader.text("catalogId")
    name = reader.req_text("catalogName")
    currency = reader.req_text("currency")
    location = reader.text("location")
    default = reader.flag("setAsDefault", False)
    problems.raise_any()
    catalog = ctx.account.catalogs.upsert_catalog(
        name=name,
        currency=currency,
        location=location,
        set_as_default=default,
        catalog_id=catalog_id,
    )
    return {"requestId": ctx.request_id(), "catalogId": catalog.catalog_id}


@table.post("/v3/product/catalogDelete")
def catalog_delete(ctx: V3Context, body: Mapping[str, Any]) -> dict[str, Any]:
    """Delete catalog ``catalogId`` and every product in it."""
    reader, problems = _read(body)
    catalog_id = reader.req_text("catalogId")
    problems.raise_any()
    catalog = ctx.account.catalogs.delete_catalog(catalog_id)
    return {"requestId": ctx.request_id(), "catalogId": catalog.catalog_id}


def _system_details(item: V3Body) -> SystemDetails | None:
    details = item.obj("systemDetails")
    if details is None:
        return None
    return SystemDetails(
        brand=details.text("brand"),
        manufacturer=details.text("manufacturer"),
        popularity=details.integer("popularity"),
        gender=details.integer("gender"),
        season=details.text("season"),
        color=details.text("color"),
        bestseller=details.boolean("bestseller"),
        new_product=details.boolean("newProduct"),
    )


def _product(item: V3Body) -> ProductWrite:
    """One product, its fields read in the order of protocol §9's product."""
    return ProductWrite(
        product_id=item.req_text("productId"),
        name=item.req_text("name"),
        main_category=item.text("mainCategory"),
        category_external_id=item.text("categoryExternalId"),
        categories=item.texts("categories"),
        description=item.text("description"),
        product_url=item.text("productUrl"),
        main_image_url=item.text("mainImageUrl"),
        image_urls=item.texts("imageUrls"),
        available=item.flag("available", True),
        active=item.flag("active", True),
        quantity=item.integer("quantity"),
        price=item.money("price"),
        discount_price=item.money("discountPrice"),
        unit_price=item.money("unitPrice"),
        system_details=_system_details(item),
        custom_details=item.text_map("customDetails"),
    )


@table.post("/v3/product/upsert")
def product_upsert(ctx: V3Context, body: Mapping[str, Any]) -> dict[str, Any]:
    """Create or replace 1-100 products of catalog ``catalogId``, all or nothing."""
    reader, problems = _read(body)
    catalog_id = reader.req_text("catalogId")
    products = [_product(item) for item in reader.objects("products")]
    problems.raise_any()
    done = ctx.account.catalogs.upsert_products(catalog_id, products)
    answer: dict[str, Any] = {"requestId": ctx.request_id(), "productIds": list(done.product_ids)}
    if done.warnings:
        answer["problems"] = problem_shapes(done.warnings)
    return answer


@table.post("/v3/product/updatePrice")
def update_price(ctx: V3Context, body: Mapping[str, Any]) -> dict[str, Any]:
    """Set ``price``, ``discountPrice`` and/or ``unitPrice`` of 1-100 products."""
    reader, problems = _read(body)
    catalog_id = reader.req_text("catalogId")
    changes = [
        PriceChange(
            product_id=item.req_text("productId"),
            price=item.money("price"),
            discount_price=item.money("discountPrice"),
            unit_price=item.money("unitPrice"),
        )
        for item in reader.objects("products")
    ]
    problems.raise_any()
    ctx.account.catalogs.update_prices(catalog_id, changes)
    return {"requestId": ctx.request_id()}


@table.post("/v3/product/updateQuantity")
def update_quantity(ctx: V3Context, body: Mapping[str, Any]) -> dict[str, Any]:
    """Set the ``quantity`` of 1-100 products."""
    reader, problems = _read(body)
    catalog_id = reader.req_text("catalogId")
    changes = [
        QuantityChange(
            product_id=item.req_text("productId"),
            quantity=item.integer("quantity", required=True) or 0,
        )
        for item in reader.objects("products")
    ]
    problems.raise_any()
    ctx.account.catalogs.update_quantities(catalog_id, changes)
    return {"requestId": ctx.request_id()}
