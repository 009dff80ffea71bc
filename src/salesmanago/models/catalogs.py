"""API v3 product catalog models: catalogs, products, price and quantity updates, and
what the calls answer (protocol §9; issue 12 wire §4).

Money is `Decimal` both ways and travels with exactly its digits.
A warning the platform answers with a success (reason code 12: a value too long,
trimmed) is kept on the result's ``warnings``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Final

import attrs
import httpx

from .._converter import wire
from .._validation import check_model, check_money
from ..errors import V3Problem, ValidationError

__all__ = [
    "Catalog",
    "CatalogResult",
    "Product",
    "ProductPrice",
    "ProductSystemDetails",
    "ProductsResult",
    "check_product",
]

#: The longest ``productId`` (issue 12 wire §4).
MAX_PRODUCT_ID: Final = 64
#: An ISO 4217 currency code.
CURRENCY: Final = re.compile(r"[A-Z]{3}")


def _texts(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, (str, bytes)):
        raise TypeError("expected a list of texts, not a single string")
    return tuple(value)


def _details_to_wire(value: Sequence[str]) -> dict[str, str]:
    """``customDetails``: ``{"detail1": ..., "detail2": ...}`` in order."""
    return {f"detail{number}": text for number, text in enumerate(value, start=1)}


@attrs.frozen(kw_only=True)
class Catalog:
    """A product catalog as ``catalogList`` answers it.

    Attributes:
        catalog_id: the catalog's id (a UUID).
        catalog_name: its name.
        set_as_default: whether it is the account's default catalog.
        currency: its ISO 4217 currency.
        location: the shop's id its events carry (``location``).
    """

    catalog_id: str
    catalog_name: str
    set_as_default: bool = False
    currency: str | None = None
    location: str | None = None


@attrs.frozen(kw_only=True)
class CatalogResult:
    """What ``catalogUpsert`` and ``catalogDelete`` answer.

    Attributes:
        request_id: the request's id (a UUID string).
        catalog_id: the catalog made, changed or deleted.
        warnings: the platform's warnings (code 12: a value was trimmed).
    """

    request_id: str
    catalog_id: str
    warnings: tuple[V3Problem, ...] = ()


@attrs.frozen(kw_only=True)
class ProductSystemDetails:
    """A product's standard details (``systemDetails``)."""

    brand: str | None = None
    manufacturer: str | None = None
    popularity: int | None = None
    gender: int | None = None
    season: str | None = None
    color: str | None = None
    bestseller: bool | None = None
    new_product: bool | None = None


@attrs.frozen(kw_only=True)
class Product:
    """One product of a catalog, as ``product/upsert`` sends it (protocol §9).

    ``product_id`` (your id, at most 64 characters) and ``name`` are required; every
    other field is sent only when set. Prices are Decimals (or ints) of at least 0
    with at most 2 digits after the point, sent with exactly their digits;
    ``quantity`` a whole number of at least 0; URLs ``http(s)://``.
    ``custom_details`` are ``customDetails.detail1``, ``detail2`` ... in order.
    [`validate`][salesmanago.models.catalogs.Product.validate] runs the checks ``products.upsert``
    runs before sending.
    """

    product_id: str
    name: str
    main_category: str | None = None
    category_external_id: str | None = None
    categories: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    description: str | None = None
    product_url: str | None = None
    main_image_url: str | None = None
    image_urls: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    available: bool | None = None
    active: bool | None = None
    quantity: int | None = None
    price: Decimal | None = None
    discount_price: Decimal | None = None
    unit_price: Decimal | None = None
    system_details: ProductSystemDetails | None = None
    custom_details: tuple[str, ...] = attrs.field(
        default=(), converter=_texts, metadata=wire(unstructure=_details_to_wire)
    )

    def validate(self) -> None:
        """Run the SDK's checks of this product, sending nothing; raises the
        [`ValidationError`][salesmanago.errors.ValidationError] naming the wire field."""
        check_product(self)


@attrs.frozen(kw_only=True)
class ProductPrice:
    """New prices of one product (``updatePrice``): at least one of the three."""

    product_id: str
    price: Decimal | None = None
    discount_price: Decimal | None = None
    unit_price: Decimal | None = None


@attrs.frozen(kw_only=True)
class ProductsResult:
    """What ``products.upsert``, ``update_prices`` and ``update_quantities`` answer,
    merged over their requests (100 products each).

    Attributes:
        request_ids: each request's id, in order.
        product_ids: the products upserted (empty for updates).
        warnings: the platform's warnings (code 12: a value was trimmed), items
            named by their index in your list.
    """

    request_ids: tuple[str, ...]
    product_ids: tuple[str, ...] = ()
    warnings: tuple[V3Problem, ...] = ()


# checks ----------------------------------------------------------------------------


def check_product_id(value: object, field: str) -> str:
    """A product id: a non-empty string of at most 64 characters."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(field, "must be a non-empty product id")
    if len(value) > MAX_PRODUCT_ID:
        raise ValidationError(
            field, f"must be at most {MAX_PRODUCT_ID} characters (got {len(value)})"
        )
    return value


def check_url(value: object, field: str) -> None:
    """An absolute ``http(s)://`` URL with a host."""
    if value is None:
        return
    if not isinstance(value, str):
        raise ValidationError(field, "must be an http(s):// URL")
    try:
        url = httpx.URL(value)
    except httpx.InvalidURL:
        raise ValidationError(field, f"must be an http(s):// URL (got {value!r})") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ValidationError(field, f"must be an http(s):// URL (got {value!r})")


def check_flag(value: object, field: str) -> None:
    """A boolean when set."""
    if value is not None and not isinstance(value, bool):
        raise ValidationError(field, f"must be a boolean (got {type(value).__name__})")


def check_quantity(value: object, field: str) -> None:
    """A whole number of at least 0 when set."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(field, f"must be a whole number, 0 or more (got {value!r})")


def check_prices(item: Product | ProductPrice, prefix: str) -> None:
    """Each price set: a Decimal (or int) of at least 0, at most 2 digits after the point."""
    for key, value in (
        ("price", item.price),
        ("discountPrice", item.discount_price),
        ("unitPrice", item.unit_price),
    ):
        check_money(value, f"{prefix}{key}", negative=False)


def check_product(product: Product, prefix: str = "") -> None:
    """Every client-side rule of one product (issue 12 wire §4); fields are named as
    the wire spells them, under ``prefix`` (``products[3].``)."""
    check_model(product, Product, prefix.rstrip(".") or "product")
    check_product_id(product.product_id, f"{prefix}productId")
    if not isinstance(product.name, str) or not product.name.strip():
        raise ValidationError(f"{prefix}name", "must be a non-empty name")
    check_url(product.product_url, f"{prefix}productUrl")
    check_url(product.main_image_url, f"{prefix}mainImageUrl")
    for index, url in enumerate(product.image_urls):
        check_url(url, f"{prefix}imageUrls[{index}]")
    check_prices(product, prefix)
    check_quantity(product.quantity, f"{prefix}quantity")
    check_flag(product.available, f"{prefix}available")
    check_flag(product.active, f"{prefix}active")
    details = product.system_details
    if details is not None:
        check_flag(details.bestseller, f"{prefix}systemDetails.bestseller")
        check_flag(details.new_product, f"{prefix}systemDetails.newProduct")
