"""The catalogs area in a snapshot: API v3 keys, catalogs and their products (protocol §9).

``"catalogs": {"apiKeys": ["..."], "catalogs": [catalog, ...]}``::

    catalog: {"catalogId": "<uuid>", "catalogName": "Shop", "currency": "PLN",
              "location": "shop-1" | null, "setAsDefault": true,
              "createdOn": "<instant>", "modifiedOn": "<instant>", "products": [product]}
    product: {"productId": "p-1", "name": "...", "mainCategory": ... | null,
              "categoryExternalId": ... | null, "categories": [...],
              "description": ... | null, "productUrl": ... | null,
              "mainImageUrl": ... | null, "imageUrls": [...], "available": true,
              "active": true, "quantity": 3 | null, "price": "10.50" | null,
              "discountPrice": ... | null, "unitPrice": ... | null,
              "systemDetails": {"brand", "manufacturer", "popularity", "gender",
                                "season", "color", "bestseller", "newProduct"} | null,
              "customDetails": {"detail1": "..."}, "createdOn": ..., "modifiedOn": ...}

Every value is checked by the rule functions the v3 wire uses
(`salesmanago_emulator.state._v3rules`, `check_product`):
a name or description longer than the wire stores (the wire trims them) is refused,
as is a catalog name that is not trimmed. Keys are unique in the account, catalog ids
and names (any case) in the account, product ids in their catalog; at most one
catalog is the default, and an account holds at most 100 catalogs.
"""

from __future__ import annotations

from typing import Any, Final

import attrs

from ..clock import utc_iso
from ..errors import (
    RULE_AT_MOST_ITEMS,
    RULE_SECOND_DEFAULT,
    Problem,
    Problems,
)
from ..state._v3rules import (
    DESCRIPTION_LIMIT,
    STRING_LIMIT,
    check_currency,
    check_limited,
    check_required,
)
from ..state.account import Account
from ..state.catalogs import (
    MAX_CATALOGS,
    Catalog,
    Product,
    ProductWrite,
    SystemDetails,
    check_api_key,
    check_product,
)
from ._reader import SnapshotError, Unique, Value

__all__ = [
    "CATALOG_KEYS",
    "DETAILS_KEYS",
    "KEYS",
    "PRODUCT_KEYS",
    "dump",
    "dump_catalog",
    "dump_product",
    "load",
]

KEYS: Final = ("apiKeys", "catalogs")
"""The keys of the area's object."""
CATALOG_KEYS: Final = (
    "catalogId",
    "catalogName",
    "currency",
    "location",
    "setAsDefault",
    "createdOn",
    "modifiedOn",
    "products",
)
"""The keys of a catalog."""
PRODUCT_KEYS: Final = (
    "productId",
    "name",
    "mainCategory",
    "categoryExternalId",
    "categories",
    "description",
    "productUrl",
    "mainImageUrl",
    "imageUrls",
    "available",
    "active",
    "quantity",
    "price",
    "discountPrice",
    "unitPrice",
    "systemDetails",
    "customDetails",
    "createdOn",
    "modifiedOn",
)
"""The keys of a product."""
DETAILS_KEYS: Final = (
    "brand",
    "manufacturer",
    "popularity",
    "gender",
    "season",
    "color",
    "bestseller",
    "newProduct",
)
"""The keys of a product's ``systemDetails``."""

_MONEY_KEYS: Final = (
    ("price", "price"),
    ("discountPrice", "discount_price"),
    ("unitPrice", "unit_price"),
)


# --- export ----------------------------------------------------------------------------


def _details(details: SystemDetails | None) -> dict[str, Any] | None:
    if details is None:
        return None
    values = attrs.astuple(details)
    return dict(zip(DETAILS_KEYS, values, strict=True))


def dump_product(product: Product) -> dict[str, Any]:
    """One product in the snapshot format (prices as decimal strings)."""
    return {
        "productId": product.product_id,
        "name": product.name,
        "mainCategory": product.main_category,
        "categoryExternalId": product.category_external_id,
        "categories": list(product.categories),
        "description": product.description,
        "productUrl": product.product_url,
        "mainImageUrl": product.main_image_url,
        "imageUrls": list(product.image_urls),
        "available": product.available,
        "active": product.active,
        "quantity": product.quantity,
        **{
            key: None if getattr(product, name) is None else f"{getattr(product, name):f}"
            for key, name in _MONEY_KEYS
        },
        "systemDetails": _details(product.system_details),
        "customDetails": dict(product.custom_details),
        "createdOn": utc_iso(product.created_on),
        "modifiedOn": utc_iso(product.modified_on),
    }


def dump_catalog(account: Account, catalog: Catalog) -> dict[str, Any]:
    """One catalog with its products, in the snapshot format (what the control API's
    ``catalogs`` lists too)."""
    return {
        "catalogId": catalog.catalog_id,
        "catalogName": catalog.name,
        "currency": catalog.currency,
        "location": catalog.location,
        "setAsDefault": catalog.set_as_default,
        "createdOn": utc_iso(catalog.created_on),
        "modifiedOn": utc_iso(catalog.modified_on),
        "products": [dump_product(p) for p in account.catalogs.products(catalog.catalog_id)],
    }


def dump(account: Account) -> dict[str, Any]:
    """The account's API v3 keys and every catalog with its products, oldest first."""
    return {
        "apiKeys": list(account.catalogs.keys),
        "catalogs": [dump_catalog(account, c) for c in account.catalogs.catalogs()],
    }


# --- import ----------------------------------------------------------------------------


def _system_details(value: Value) -> SystemDetails:
    fields = value.fields("systemDetails", DETAILS_KEYS)
    raw = {key: fields.data.get(key) for key in DETAILS_KEYS}
    return SystemDetails(**dict(zip(attrs.fields_dict(SystemDetails), raw.values(), strict=True)))


def _product(value: Value, seen: Unique) -> Product:
    """One product, checked by the wire's rules; stored names not trimmed any more."""
    fields = value.fields("a product", PRODUCT_KEYS)
    data = fields.data
    for key, limit in (("name", STRING_LIMIT), ("description", DESCRIPTION_LIMIT)):
        if isinstance(data.get(key), str):  # stored trimmed: never longer
            fields.need(key).rule(check_limited, limit)
    write = ProductWrite(
        product_id=data.get("productId"),  # type: ignore[arg-type]  # checked below
        name=data.get("name"),  # type: ignore[arg-type]
        main_category=data.get("mainCategory"),
        category_external_id=data.get("categoryExternalId"),
        categories=data.get("categories") or (),
        description=data.get("description"),
        product_url=data.get("productUrl"),
        main_image_url=data.get("mainImageUrl"),
        image_urls=data.get("imageUrls") or (),
        available=data.get("available"),  # type: ignore[arg-type]
        active=data.get("active"),  # type: ignore[arg-type]
        quantity=data.get("quantity"),
        system_details=fields.get("systemDetails", _system_details),
        custom_details=data.get("customDetails") or {},
        **{name: fields.get(key, Value.money) for key, name in _MONEY_KEYS},
    )
    problems, warnings = Problems(), list[Problem]()
    checked = check_product(write, f"{value.path}.", problems, warnings)
    for problem in problems.found[:1]:
        raise SnapshotError(problem.field, problem.rule)
    seen.add(fields.need("productId"), checked.product_id)
    return Product(
        **attrs.asdict(checked, recurse=False),
        created_on=fields.need("createdOn").instant(),
        modified_on=fields.need("modifiedOn").instant(),
    )


def _catalog(value: Value, ids: Unique, names: Unique) -> tuple[Catalog, list[Product]]:
    fields = value.fields("a catalog", CATALOG_KEYS)
    name_value = fields.need("catalogName")
    name = name_value.rule(check_required, STRING_LIMIT)
    names.add(name_value, name_value.stored(name, name.strip()).casefold())
    location = fields.get("location", lambda v: v.rule(check_required, STRING_LIMIT))
    catalog = Catalog(
        catalog_id=fields.need("catalogId").identifier(ids),
        name=name,
        currency=fields.need("currency").rule(check_currency),
        location=location,
        set_as_default=fields.need("setAsDefault").boolean(),
        created_on=fields.need("createdOn").instant(),
        modified_on=fields.need("modifiedOn").instant(),
    )
    product_ids = Unique()
    products = [_product(item, product_ids) for item in fields.items("products")]
    return catalog, products


def load(account: Account, value: Value) -> None:
    """Give ``account`` the API v3 keys and catalogs of ``value``."""
    fields = value.fields("the catalogs area", KEYS)
    keys = Unique()
    for item in fields.items("apiKeys"):
        key = item.rule(check_api_key)
        keys.add(item, key)
        account.catalogs.restore_key(key)
    items = fields.items("catalogs")
    if len(items) > MAX_CATALOGS:
        Value(None, fields.at("catalogs")).refuse(RULE_AT_MOST_ITEMS.format(limit=MAX_CATALOGS))
    ids, names = Unique(), Unique()
    default: str | None = None
    for item in items:
        catalog, products = _catalog(item, ids, names)
        if catalog.set_as_default:
            if default is not None:
                Value(True, f"{item.path}.setAsDefault").refuse(
                    RULE_SECOND_DEFAULT.format(other=default)
                )
            default = item.path
        account.catalogs.restore_catalog(catalog, products)
