"""Product catalogs and their products, and the account's API v3 keys (protocol §9).

An account holds API v3 keys (the ``API-KEY`` header of a v3 request names the
account), catalogs, and in each catalog its products. A catalog has a name
(unique in the account, any case), an ISO 4217 currency, an optional location,
and whether it is the account's default: at most one catalog is, the last one
saved with ``set_as_default=True``. A product is identified by the caller's
``productId`` within its catalog; an upsert replaces it whole (its creation time
stays), ``update_prices`` / ``update_quantities`` change only those fields.
Deleting a catalog deletes its products.

Refusals are [`V3Refused`][salesmanago_emulator.errors.V3Refused], listing every
problem with its §9 reason code and the field, named as the method's arguments
are on the wire (``catalogId``, ``catalogName``, ``products[3].price``).
A request is checked as a whole before anything changes. A product ``name`` or
``description`` over its limit is stored trimmed and reported as a warning
(reason code 12) with the result, never refused.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import ClassVar, Final, TypeVar

import attrs

from ..errors import (
    RULE_AT_LEAST_ONE_ITEM,
    RULE_AT_MOST_ITEMS,
    RULE_CATALOG_LIMIT,
    RULE_CATALOG_NAME_TAKEN,
    RULE_NO_WHITE_SPACE,
    RULE_NOT_EMPTY,
    RULE_OBJECT,
    RULE_PRICE_NEEDED,
    RULE_REPEATED_PRODUCT,
    RULE_STRING,
    RULE_TOO_LONG,
    RULE_TRIMMED,
    RULE_UNKNOWN_CATALOG,
    RULE_UNKNOWN_PRODUCT,
    InvalidField,
    Problem,
    Problems,
    ReasonCode,
    V3FieldError,
    V3Refused,
)
from ._core import AccountArea, AccountCore
from ._v3rules import (
    COLOR_LIMIT,
    DESCRIPTION_LIMIT,
    PRODUCT_ID_LIMIT,
    STRING_LIMIT,
    check_boolean,
    check_count,
    check_currency,
    check_custom_details,
    check_gender,
    check_items,
    check_limited,
    check_money,
    check_required,
    check_string,
    check_url,
    optional,
)

__all__ = [
    "API_KEY_LIMIT",
    "MAX_CATALOGS",
    "MAX_PRODUCTS",
    "Catalog",
    "CatalogsArea",
    "PriceChange",
    "Product",
    "ProductWrite",
    "ProductsUpserted",
    "QuantityChange",
    "SystemDetails",
    "check_api_key",
    "check_product",
    "check_system_details",
]

MAX_CATALOGS: Final = 100
"""Most catalogs of one account (grade D); one more is refused with reason code 19."""
MAX_PRODUCTS: Final = 100
"""Most products of one upsert, price or quantity update (protocol §11)."""
API_KEY_LIMIT: Final = 256
"""Longest API v3 key given by hand."""

_T = TypeVar("_T")
_HEADER_SAFE: Final = re.compile(r"[\x21-\x7e]+", re.ASCII)


@attrs.frozen(kw_only=True)
class Catalog:
    """One product catalog of an account."""

    catalog_id: str
    """The catalog's id: a lower-case UUID the platform made."""
    name: str
    """The catalog's name (``catalogName``), trimmed; unique in the account, any case."""
    currency: str
    """The ISO 4217 code of its prices."""
    location: str | None
    """The shop location it belongs to, or ``None``."""
    set_as_default: bool
    """Whether it is the account's default catalog (at most one is)."""
    created_on: datetime
    """When it was created."""
    modified_on: datetime
    """When it was last saved."""


@attrs.frozen(kw_only=True)
class SystemDetails:
    """A product's standard details (``systemDetails``); ``None``: not given."""

    brand: str | None = None
    manufacturer: str | None = None
    popularity: int | None = None
    gender: int | None = None
    """-1 undefined, 0 female, 1 male, 2 other, 4 unisex."""
    season: str | None = None
    color: str | None = None
    bestseller: bool | None = None
    new_product: bool | None = None


@attrs.frozen(kw_only=True)
class ProductWrite:
    """One product of an upsert, every field of protocol §9's product.

    ``None`` (and an empty tuple or mapping) is "not given"; ``available`` and
    ``active`` default to ``True``. Prices are exact ``Decimal``s.
    """

    product_id: str
    name: str
    main_category: str | None = None
    category_external_id: str | None = None
    categories: tuple[str, ...] = ()
    description: str | None = None
    product_url: str | None = None
    main_image_url: str | None = None
    image_urls: tuple[str, ...] = ()
    available: bool = True
    active: bool = True
    quantity: int | None = None
    price: Decimal | None = None
    discount_price: Decimal | None = None
    unit_price: Decimal | None = None
    system_details: SystemDetails | None = None
    custom_details: Mapping[str, str] = attrs.field(factory=dict)
    """``detail1`` .. ``detail5`` to their texts."""


@attrs.frozen(kw_only=True)
class Product(ProductWrite):
    """A stored product: the write as checked (``name`` and ``description`` trimmed to
    their limits) and its times."""

    created_on: datetime
    """When the product was first upserted into its catalog."""
    modified_on: datetime
    """When it was last upserted or updated."""


@attrs.frozen(kw_only=True)
class PriceChange:
    """One item of ``update_prices``: the product and the prices to set (``None``: kept)."""

    product_id: str
    price: Decimal | None = None
    discount_price: Decimal | None = None
    unit_price: Decimal | None = None


@attrs.frozen(kw_only=True)
class QuantityChange:
    """One item of ``update_quantities``: the product and its new quantity."""

    product_id: str
    quantity: int


@attrs.frozen(kw_only=True)
class ProductsUpserted:
    """What ``upsert_products`` did: the product ids in request order, and the warnings
    (reason code 12: a text stored trimmed)."""

    product_ids: tuple[str, ...]
    warnings: tuple[Problem, ...] = ()


# --- rules ---------------------------------------------------------------------------


def check_api_key(value: object, field: str = "apiKey") -> str:
    """An API v3 key given by hand: 1-256 printable ASCII characters, no white space
    (it travels in an HTTP header); InvalidField naming ``field`` otherwise."""
    if not isinstance(value, str):
        raise InvalidField(field, RULE_STRING)
    if not value:
        raise InvalidField(field, RULE_NOT_EMPTY)
    if len(value) > API_KEY_LIMIT:
        raise InvalidField(field, RULE_TOO_LONG.format(limit=API_KEY_LIMIT, length=len(value)))
    if not _HEADER_SAFE.fullmatch(value):
        raise InvalidField(field, RULE_NO_WHITE_SPACE)
    return value


def _trimmed(value: object, field: str, limit: int, warnings: list[Problem]) -> str:
    """A text as stored: cut to ``limit`` characters, with a warning (reason code 12)."""
    text = check_string(value, field)
    if len(text) <= limit:
        return text
    rule = RULE_TRIMMED.format(limit=limit, length=len(text))
    warnings.append(Problem(ReasonCode.TRIMMED, field, rule))
    return text[:limit]


def check_system_details(details: object, field: str) -> SystemDetails:
    """``systemDetails`` as stored; V3FieldError naming ``field.<key>``."""
    if not isinstance(details, SystemDetails):
        raise V3FieldError(ReasonCode.WRONG_TYPE, field, RULE_OBJECT)
    at = f"{field}."
    return SystemDetails(
        brand=optional(check_limited, details.brand, at + "brand", STRING_LIMIT),
        manufacturer=optional(
            check_limited, details.manufacturer, at + "manufacturer", STRING_LIMIT
        ),
        popularity=optional(check_count, details.popularity, at + "popularity"),
        gender=optional(check_gender, details.gender, at + "gender"),
        season=optional(check_limited, details.season, at + "season", STRING_LIMIT),
        color=optional(check_limited, details.color, at + "color", COLOR_LIMIT),
        bestseller=optional(check_boolean, details.bestseller, at + "bestseller"),
        new_product=optional(check_boolean, details.new_product, at + "newProduct"),
    )


def check_product(
    write: ProductWrite, prefix: str, problems: Problems, warnings: list[Problem]
) -> ProductWrite:
    """``write`` as stored: every field checked by its rule (each bad field noted in
    ``problems``, named after ``prefix``), ``name`` and ``description`` trimmed with a
    warning. The result is meaningful only when no problem was noted."""

    def rule(check: Callable[..., _T], value: object, key: str, *args: object, default: _T) -> _T:
        return problems.check(check, value, prefix + key, *args, default=default)

    def maybe(check: Callable[..., _T], value: object, key: str, *args: object) -> _T | None:
        return problems.check(optional, check, value, prefix + key, *args, default=None)

    product_id = rule(check_required, write.product_id, "productId", PRODUCT_ID_LIMIT, default="")
    name = rule(check_required, write.name, "name", default="")
    if name:
        name = _trimmed(name, prefix + "name", STRING_LIMIT, warnings)
    return attrs.evolve(
        write,
        product_id=product_id,
        name=name,
        main_category=maybe(check_limited, write.main_category, "mainCategory", STRING_LIMIT),
        category_external_id=maybe(
            check_limited, write.category_external_id, "categoryExternalId", STRING_LIMIT
        ),
        categories=rule(check_items, write.categories, "categories", _text_item, default=()),
        description=maybe(_trimmed, write.description, "description", DESCRIPTION_LIMIT, warnings),
        product_url=maybe(check_url, write.product_url, "productUrl"),
        main_image_url=maybe(check_url, write.main_image_url, "mainImageUrl"),
        image_urls=rule(check_items, write.image_urls, "imageUrls", check_url, default=()),
        available=rule(check_boolean, write.available, "available", default=True),
        active=rule(check_boolean, write.active, "active", default=True),
        quantity=maybe(check_count, write.quantity, "quantity"),
        price=maybe(check_money, write.price, "price"),
        discount_price=maybe(check_money, write.discount_price, "discountPrice"),
        unit_price=maybe(check_money, write.unit_price, "unitPrice"),
        system_details=maybe(check_system_details, write.system_details, "systemDetails"),
        custom_details=rule(
            check_custom_details, write.custom_details, "customDetails", default={}
        ),
    )


def _text_item(value: object, field: str) -> str:
    return check_limited(value, field, STRING_LIMIT)


def _unknown_catalog(catalog_id: object) -> V3Refused:
    rule = RULE_UNKNOWN_CATALOG.format(value=catalog_id)
    return V3Refused([Problem(ReasonCode.UNKNOWN_ID, "catalogId", rule)])


def _check_size(items: Sequence[object], problems: Problems) -> None:
    if not items:
        problems.note(ReasonCode.MISSING, "products", RULE_AT_LEAST_ONE_ITEM)
    elif len(items) > MAX_PRODUCTS:
        rule = RULE_AT_MOST_ITEMS.format(limit=MAX_PRODUCTS)
        problems.note(ReasonCode.OVER_LIMIT, "products", rule)
    problems.raise_any()


def _check_repeats(product_ids: Sequence[str], problems: Problems) -> None:
    first: dict[str, int] = {}
    for index, product_id in enumerate(product_ids):
        if not product_id:  # refused already
            continue
        earlier = first.setdefault(product_id, index)
        if earlier != index:
            rule = RULE_REPEATED_PRODUCT.format(index=earlier)
            problems.note(ReasonCode.EXISTS, f"products[{index}].productId", rule)


_C = TypeVar("_C", PriceChange, QuantityChange)


def _check_prices(change: PriceChange, prefix: str, problems: Problems) -> None:
    prices = (change.price, change.discount_price, change.unit_price)
    if all(price is None for price in prices):
        problems.note(ReasonCode.MISSING, prefix + "price", RULE_PRICE_NEEDED)
    for key, price in zip(("price", "discountPrice", "unitPrice"), prices, strict=True):
        problems.check(optional, check_money, price, prefix + key, default=None)


def _set_prices(old: Product, change: PriceChange, now: datetime) -> Product:
    return attrs.evolve(
        old,
        price=old.price if change.price is None else change.price,
        discount_price=old.discount_price
        if change.discount_price is None
        else change.discount_price,
        unit_price=old.unit_price if change.unit_price is None else change.unit_price,
        modified_on=now,
    )


def _check_quantity(change: QuantityChange, prefix: str, problems: Problems) -> None:
    problems.check(check_count, change.quantity, prefix + "quantity", default=0)


def _set_quantity(old: Product, change: QuantityChange, now: datetime) -> Product:
    return attrs.evolve(old, quantity=change.quantity, modified_on=now)


# --- the area ------------------------------------------------------------------------


class CatalogsArea(AccountArea):
    """The account's API v3 keys, catalogs and products (protocol §9)."""

    key: ClassVar[str] = "catalogs"

    def __init__(self, account: AccountCore) -> None:
        """No key, no catalog."""
        super().__init__(account)
        self._keys: dict[str, None] = {}
        self._catalogs: dict[str, Catalog] = {}
        self._products: dict[str, dict[str, Product]] = {}

    # --- API v3 keys ----------------------------------------------------------------

    def create_key(self, api_key: str | None = None) -> str:
        """Give the account an API v3 key: ``api_key`` (checked by `check_api_key`)
        or a new random one; returns it. A key the account holds is answered again.

        This area sees one account: that no other account holds the key is the
        caller's to check (the control operation ``apiv3/keys/create`` does); a key
        two accounts hold authenticates neither.
        """
        key = secrets.token_hex(16) if api_key is None else check_api_key(api_key)
        self._keys[key] = None
        return key

    def has_key(self, api_key: str) -> bool:
        """Whether ``api_key`` is a key of this account."""
        return api_key in self._keys

    @property
    def keys(self) -> tuple[str, ...]:
        """The account's API v3 keys, in the order given."""
        return tuple(self._keys)

    # --- reads ----------------------------------------------------------------------

    def catalogs(self) -> list[Catalog]:
        """Every catalog, oldest first."""
        return list(self._catalogs.values())

    def catalog(self, catalog_id: str) -> Catalog:
        """The catalog ``catalog_id``; V3Refused (reason code 16) if the account has none."""
        catalog = self._catalogs.get(catalog_id) if isinstance(catalog_id, str) else None
        if catalog is None:
            raise _unknown_catalog(catalog_id)
        return catalog

    @property
    def default(self) -> Catalog | None:
        """The account's default catalog, if one is set."""
        return next((c for c in self._catalogs.values() if c.set_as_default), None)

    def products(self, catalog_id: str) -> list[Product]:
        """The products of catalog ``catalog_id``, in the order first upserted."""
        return list(self._products[self.catalog(catalog_id).catalog_id].values())

    def product(self, catalog_id: str, product_id: str) -> Product:
        """One product; V3Refused (reason code 16) for an unknown catalog or product."""
        products = self._products[self.catalog(catalog_id).catalog_id]
        found = products.get(product_id)
        if found is None:
            rule = RULE_UNKNOWN_PRODUCT.format(catalog_id=catalog_id, value=product_id)
            raise V3Refused([Problem(ReasonCode.UNKNOWN_ID, "productId", rule)])
        return found

    # --- catalogs -------------------------------------------------------------------

    def upsert_catalog(
        self,
        *,
        name: str,
        currency: str,
        location: str | None = None,
        set_as_default: bool = False,
        catalog_id: str | None = None,
    ) -> Catalog:
        """Create a catalog, or replace every field of catalog ``catalog_id``.

        ``name`` is stored trimmed and must be unique in the account (any case);
        ``set_as_default=True`` makes it the default (the former default stops being
        one), ``False`` on the default leaves the account with none. Refusals
        (V3Refused): 16 unknown ``catalogId``; 13, 14, 11 ``catalogName``; 13, 14, 18
        ``currency``; 13, 14, 11 ``location``; 14 ``setAsDefault``; 15 a name another
        catalog has; 19 a new catalog beyond `MAX_CATALOGS`.
        """
        now = self.account.tick()
        old = None if catalog_id is None else self.catalog(catalog_id)
        problems = Problems()
        stored_name = problems.check(check_required, name, "catalogName", STRING_LIMIT, default="")
        stored_currency = problems.check(check_currency, currency, "currency", default="")
        if location is not None:
            location = problems.check(
                check_required, location, "location", STRING_LIMIT, default=None
            )
        default = problems.check(check_boolean, set_as_default, "setAsDefault", default=False)
        problems.raise_any()
        stored_name = stored_name.strip()
        self._check_name_free(stored_name, old, problems)
        if old is None and len(self._catalogs) >= MAX_CATALOGS:
            rule = RULE_CATALOG_LIMIT.format(limit=MAX_CATALOGS)
            problems.note(ReasonCode.ABOVE_LIMIT, "catalogName", rule)
        problems.raise_any()
        catalog = Catalog(
            catalog_id=self.account.new_id() if old is None else old.catalog_id,
            name=stored_name,
            currency=stored_currency,
            location=location,
            set_as_default=default,
            created_on=now if old is None else old.created_on,
            modified_on=now,
        )
        if default:
            self._clear_default()
        self._catalogs[catalog.catalog_id] = catalog
        self._products.setdefault(catalog.catalog_id, {})
        return catalog

    def delete_catalog(self, catalog_id: str) -> Catalog:
        """Delete catalog ``catalog_id`` and every product in it; returns it.
        V3Refused (reason code 16) if the account has no such catalog."""
        self.account.tick()
        catalog = self.catalog(catalog_id)
        del self._catalogs[catalog.catalog_id]
        del self._products[catalog.catalog_id]
        return catalog

    def _check_name_free(self, name: str, old: Catalog | None, problems: Problems) -> None:
        folded = name.casefold()
        for other in self._catalogs.values():
            if other is not old and other.name.casefold() == folded:
                rule = RULE_CATALOG_NAME_TAKEN.format(catalog_id=other.catalog_id)
                problems.note(ReasonCode.EXISTS, "catalogName", rule)

    def _clear_default(self) -> None:
        for catalog in list(self._catalogs.values()):
            if catalog.set_as_default:
                self._catalogs[catalog.catalog_id] = attrs.evolve(catalog, set_as_default=False)

    # --- products -------------------------------------------------------------------

    def upsert_products(
        self, catalog_id: str, products: Sequence[ProductWrite]
    ) -> ProductsUpserted:
        """Create or replace 1-100 products of catalog ``catalog_id``, all or nothing.

        A product the catalog holds is replaced whole (its creation time and its
        place in the catalog stay). Refusals (V3Refused, every problem found): 16
        unknown ``catalogId``; 13 no product, 11 more than 100; each product's
        fields (``products[i].<field>``: `check_product`); 15 a ``productId``
        given twice. Warnings (reason code 12): ``name`` over 255 or ``description``
        over 16 384 characters, stored trimmed.
        """
        now = self.account.tick()
        held = self._products[self.catalog(catalog_id).catalog_id]
        problems = Problems()
        _check_size(products, problems)
        warnings: list[Problem] = []
        checked = [
            check_product(write, f"products[{index}].", problems, warnings)
            for index, write in enumerate(products)
        ]
        _check_repeats([write.product_id for write in checked], problems)
        problems.raise_any()
        for write in checked:
            old = held.get(write.product_id)
            held[write.product_id] = Product(
                **attrs.asdict(write, recurse=False),
                created_on=now if old is None else old.created_on,
                modified_on=now,
            )
        return ProductsUpserted(
            product_ids=tuple(write.product_id for write in checked), warnings=tuple(warnings)
        )

    def update_prices(self, catalog_id: str, changes: Sequence[PriceChange]) -> None:
        """Set prices of 1-100 products the catalog holds, all or nothing; a price not
        given is kept. Refusals (V3Refused): 16 unknown ``catalogId``; 13 no item, 11
        more than 100; per item 16 unknown ``productId``, 13 no price given, the
        price rules of `check_money`, 15 a product given twice."""
        self._update(catalog_id, changes, _check_prices, _set_prices)

    def update_quantities(self, catalog_id: str, changes: Sequence[QuantityChange]) -> None:
        """Set the quantity of 1-100 products the catalog holds, all or nothing.
        Refusals (V3Refused): 16 unknown ``catalogId``; 13 no item, 11 more than 100;
        per item 16 unknown ``productId``, 14/18/11 a bad ``quantity``, 15 a product
        given twice."""
        self._update(catalog_id, changes, _check_quantity, _set_quantity)

    def _update(
        self,
        catalog_id: str,
        changes: Sequence[_C],
        check: Callable[[_C, str, Problems], None],
        apply: Callable[[Product, _C, datetime], Product],
    ) -> None:
        """Check every change (``check`` its own fields), then ``apply`` each."""
        now = self.account.tick()
        held = self._products[self.catalog(catalog_id).catalog_id]
        problems = Problems()
        _check_size(changes, problems)
        for index, change in enumerate(changes):
            prefix = f"products[{index}]."
            self._check_known(catalog_id, held, change.product_id, prefix, problems)
            check(change, prefix, problems)
        _check_repeats([change.product_id for change in changes], problems)
        problems.raise_any()
        for change in changes:
            held[change.product_id] = apply(held[change.product_id], change, now)

    @staticmethod
    def _check_known(
        catalog_id: str,
        held: Mapping[str, Product],
        product_id: object,
        prefix: str,
        problems: Problems,
    ) -> None:
        field = prefix + "productId"
        if problems.check(check_required, product_id, field, default=None) is None:
            return
        if product_id not in held:
            rule = RULE_UNKNOWN_PRODUCT.format(catalog_id=catalog_id, value=product_id)
            problems.note(ReasonCode.UNKNOWN_ID, field, rule)

    # --- reset and state import -----------------------------------------------------

    def reset(self) -> None:
        """No catalogs and no products; the API v3 keys stay (credentials, like users)."""
        self._catalogs.clear()
        self._products.clear()

    def restore_key(self, api_key: str) -> None:
        """Put back an API v3 key as a state export saved it (nothing is checked here)."""
        self._keys[api_key] = None

    def restore_catalog(self, catalog: Catalog, products: Sequence[Product]) -> None:
        """Put back a catalog and its products as a state export saved them, after the
        others (a state import: nothing is checked here)."""
        self._catalogs[catalog.catalog_id] = catalog
        self._products[catalog.catalog_id] = {p.product_id: p for p in products}
