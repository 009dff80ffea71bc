"""The catalogs area through the Python API (protocol §9): API v3 keys, catalogs, products.

Refusals are V3Refused listing every problem with its §9 reason code and the field
(wire spelling); a refused call changes nothing. Decisions: docs/emulator/decisions.md,
"API v3 product catalogs".
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesmanago_emulator.clock import FrozenClock
from salesmanago_emulator.errors import InvalidField, ReasonCode, V3FieldError, V3Refused
from salesmanago_emulator.state import Account
from salesmanago_emulator.state._v3rules import CURRENCIES, check_money
from salesmanago_emulator.state.catalogs import (
    MAX_CATALOGS,
    Catalog,
    PriceChange,
    ProductWrite,
    QuantityChange,
    SystemDetails,
)

NOW = datetime(2026, 1, 15, 10, 0, tzinfo=timezone.utc)
UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


LONG = "must be at most 255 characters long (got 256)"
URL = "must be an http or https URL with a host"
CENTS = "must have at most 2 digits after the decimal point (got 3)"
DETAIL = "is not a custom detail (use detail1 to detail5)"
ISO = "must be an ISO 4217 currency code such as PLN or EUR"


def _shop(account: Account, **fields: Any) -> Catalog:
    return account.catalogs.upsert_catalog(
        **{"name": "Shop", "currency": "PLN", "set_as_default": True, **fields}
    )


def _refused(call: Any) -> list[tuple[int, str, str]]:
    """The problems of a refused call: (reason code, field, text)."""
    with pytest.raises(V3Refused) as caught:
        call()
    return [(int(p.code), p.field, p.rule) for p in caught.value.problems]


def _state(account: Account) -> Any:
    """Everything the catalogs area holds, to prove "nothing changed"."""
    area = account.catalogs
    return (
        area.keys,
        area.catalogs(),
        [area.products(c.catalog_id) for c in area.catalogs()],
    )


FULL = ProductWrite(
    product_id="p-1",
    name="Linen shirt",
    main_category="Shirts",
    category_external_id="c-7",
    categories=("Tops", "Summer"),
    description="A shirt.",
    product_url="https://shop.example.com/p-1",
    main_image_url="https://img.example.com/p-1.jpg",
    image_urls=("https://img.example.com/p-1b.jpg",),
    available=False,
    active=True,
    quantity=3,
    price=Decimal("10.00"),
    discount_price=Decimal("8.5"),
    unit_price=Decimal("2"),
    system_details=SystemDetails(
        brand="Acme",
        manufacturer="Acme Ltd",
        popularity=7,
        gender=4,
        season="summer",
        color="blue",
        bestseller=True,
        new_product=False,
    ),
    custom_details={"detail2": "short", "detail1": "linen"},
)


# --- API v3 keys ----------------------------------------------------------------------


def test_protocol_9_keys_generated_or_given_and_kept_by_reset(account: Account) -> None:
    generated = account.catalogs.create_key()
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    assert account.catalogs.create_key("my-key_1.~") == "my-key_1.~"
    assert account.catalogs.create_key("my-key_1.~") == "my-key_1.~"  # answered again
    assert account.catalogs.keys == (generated, "my-key_1.~")
    assert account.catalogs.has_key(generated)
    assert not account.catalogs.has_key("other")
    _shop(account)
    account.reset()
    assert account.catalogs.keys == (generated, "my-key_1.~")  # credentials stay
    assert account.catalogs.catalogs() == []


@pytest.mark.parametrize(
    ("key", "rule"),
    [
        ("", "must not be empty"),
        ("a key", "must not hold white space or control characters"),
        ("tab\tkey", "must not hold white space or control characters"),
        ("klucz-ż", "must not hold white space or control characters"),
        ("k" * 257, "must be at most 256 characters long (got 257)"),
        (7, "must be a string"),
    ],
)
def test_protocol_9_a_key_given_by_hand_must_fit_in_a_header(
    account: Account, key: Any, rule: str
) -> None:
    with pytest.raises(InvalidField) as caught:
        account.catalogs.create_key(key)
    assert (caught.value.field, caught.value.rule) == ("apiKey", rule)
    assert account.catalogs.keys == ()


# --- catalogs -------------------------------------------------------------------------


def test_protocol_9_catalog_create_update_and_ids(account: Account, clock: FrozenClock) -> None:
    shop = _shop(account, name="  Shop  ", location="shop-1")
    assert UUID4.fullmatch(shop.catalog_id)
    assert (shop.name, shop.currency, shop.location, shop.set_as_default) == (
        "Shop",
        "PLN",
        "shop-1",
        True,
    )
    clock.advance(timedelta(minutes=1))
    updated = account.catalogs.upsert_catalog(
        catalog_id=shop.catalog_id, name="Shop 2", currency="EUR"
    )
    # an upsert replaces every field: location and setAsDefault take their defaults
    assert (updated.catalog_id, updated.name, updated.currency) == (
        shop.catalog_id,
        "Shop 2",
        "EUR",
    )
    assert (updated.location, updated.set_as_default) == (None, False)
    assert (updated.created_on, updated.modified_on) == (shop.created_on, clock.now())
    assert account.catalogs.catalogs() == [updated]
    assert account.catalogs.catalog(shop.catalog_id) == updated


def test_protocol_9_one_default_catalog_per_account(account: Account) -> None:
    first = _shop(account)
    second = _shop(account, name="Outlet")
    assert account.catalogs.default == second
    assert [c.set_as_default for c in account.catalogs.catalogs()] == [False, True]
    account.catalogs.upsert_catalog(catalog_id=second.catalog_id, name="Outlet", currency="PLN")
    assert account.catalogs.default is None  # false on the default leaves none
    assert account.catalogs.catalog(first.catalog_id).set_as_default is False
    account.catalogs.delete_catalog(first.catalog_id)
    _shop(account, name="Third")
    assert account.catalogs.default is not None
    assert account.catalogs.default.name == "Third"


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"name": "   "}, (13, "catalogName", "must not be empty")),
        ({"name": 5}, (14, "catalogName", "must be a string")),
        ({"name": "n" * 256}, (11, "catalogName", LONG)),
        ({"currency": "pln"}, (18, "currency", f"{ISO} (got 'pln')")),
        ({"currency": "XTS"}, (18, "currency", f"{ISO} (got 'XTS')")),
        ({"currency": ""}, (13, "currency", "must not be empty")),
        ({"location": " "}, (13, "location", "must not be empty")),
        ({"location": "l" * 256}, (11, "location", LONG)),
        ({"set_as_default": "yes"}, (14, "setAsDefault", "must be a boolean")),
        ({"name": "shop"}, (15, "catalogName", "is already the name of catalog {shop}")),
        ({"catalog_id": "nope"}, (16, "catalogId", "names no catalog of this account (got nope)")),
    ],
)
def test_protocol_9_catalog_refusals_name_field_and_code_and_change_nothing(
    account: Account, fields: dict[str, Any], problem: tuple[int, str, str]
) -> None:
    shop = _shop(account)
    before = _state(account)
    expected = (problem[0], problem[1], problem[2].format(shop=shop.catalog_id))
    assert _refused(lambda: _shop(account, **fields)) == [expected]
    assert _state(account) == before


def test_protocol_9_every_type_problem_of_a_catalog_is_listed(account: Account) -> None:
    problems = _refused(lambda: _shop(account, name=" ", currency="zł", set_as_default=1))
    assert [(code, field) for code, field, _ in problems] == [
        (13, "catalogName"),
        (18, "currency"),
        (14, "setAsDefault"),
    ]


def test_protocol_9_renaming_keeps_the_own_name_free_any_case(account: Account) -> None:
    shop = _shop(account)
    renamed = account.catalogs.upsert_catalog(
        catalog_id=shop.catalog_id, name="SHOP", currency="PLN"
    )
    assert renamed.name == "SHOP"


def test_protocol_9_code_19_beyond_the_catalog_limit(account: Account) -> None:
    for index in range(MAX_CATALOGS):
        _shop(account, name=f"Shop {index}")
    before = _state(account)
    assert _refused(lambda: _shop(account, name="One more")) == [
        (19, "catalogName", f"the account holds {MAX_CATALOGS} catalogs, the most it may")
    ]
    assert _state(account) == before
    first = account.catalogs.catalogs()[0]  # an update is no new catalog
    account.catalogs.upsert_catalog(catalog_id=first.catalog_id, name="Renamed", currency="EUR")


def test_protocol_9_delete_drops_the_catalog_and_its_products(account: Account) -> None:
    shop = _shop(account)
    other = _shop(account, name="Other")
    account.catalogs.upsert_products(shop.catalog_id, [FULL])
    account.catalogs.upsert_products(other.catalog_id, [FULL])
    assert account.catalogs.delete_catalog(shop.catalog_id).catalog_id == shop.catalog_id
    assert account.catalogs.catalogs() == [account.catalogs.catalog(other.catalog_id)]
    assert _refused(lambda: account.catalogs.products(shop.catalog_id))[0][0] == 16
    assert len(account.catalogs.products(other.catalog_id)) == 1
    assert _refused(lambda: account.catalogs.delete_catalog(shop.catalog_id)) == [
        (16, "catalogId", f"names no catalog of this account (got {shop.catalog_id})")
    ]
    # a new catalog of the same name starts empty, with a new id
    again = _shop(account)
    assert again.catalog_id != shop.catalog_id
    assert account.catalogs.products(again.catalog_id) == []


# --- products -------------------------------------------------------------------------


def test_protocol_9_a_product_is_stored_with_every_field(
    account: Account, clock: FrozenClock
) -> None:
    shop = _shop(account)
    done = account.catalogs.upsert_products(shop.catalog_id, [FULL])
    assert (done.product_ids, done.warnings) == (("p-1",), ())
    stored = account.catalogs.product(shop.catalog_id, "p-1")
    assert attrs.asdict(stored, recurse=False) == {
        **attrs.asdict(FULL, recurse=False),
        "custom_details": {"detail1": "linen", "detail2": "short"},  # in key order
        "created_on": clock.now(),
        "modified_on": clock.now(),
    }
    assert str(stored.price) == "10.00"  # exact, as given


def test_protocol_9_upsert_replaces_the_whole_product_keeping_creation_and_place(
    account: Account, clock: FrozenClock
) -> None:
    shop = _shop(account)
    account.catalogs.upsert_products(
        shop.catalog_id, [FULL, ProductWrite(product_id="p-2", name="Hat")]
    )
    created = clock.now()
    clock.advance(timedelta(hours=1))
    account.catalogs.upsert_products(
        shop.catalog_id, [ProductWrite(product_id="p-1", name="Shirt")]
    )
    first, second = account.catalogs.products(shop.catalog_id)
    assert (first.product_id, second.product_id) == ("p-1", "p-2")
    assert (first.name, first.price, first.system_details, first.custom_details) == (
        "Shirt",
        None,
        None,
        {},
    )
    assert (first.available, first.active) == (True, True)  # the defaults
    assert (first.created_on, first.modified_on) == (created, clock.now())


def test_protocol_9_same_product_id_in_two_catalogs_is_two_products(account: Account) -> None:
    shop, outlet = _shop(account), _shop(account, name="Outlet")
    account.catalogs.upsert_products(shop.catalog_id, [FULL])
    account.catalogs.upsert_products(outlet.catalog_id, [attrs.evolve(FULL, name="Cheap")])
    assert account.catalogs.product(shop.catalog_id, "p-1").name == "Linen shirt"
    assert account.catalogs.product(outlet.catalog_id, "p-1").name == "Cheap"


def test_protocol_9_code_12_name_and_description_are_trimmed_with_a_warning(
    account: Account,
) -> None:
    shop = _shop(account)
    long = attrs.evolve(FULL, product_id="p-2", name="n" * 300, description="d" * 16_385)
    done = account.catalogs.upsert_products(shop.catalog_id, [FULL, long])
    assert [(int(w.code), w.field, w.rule) for w in done.warnings] == [
        (12, "products[1].name", "was trimmed to 255 characters (got 300)"),
        (12, "products[1].description", "was trimmed to 16384 characters (got 16385)"),
    ]
    stored = account.catalogs.product(shop.catalog_id, "p-2")
    assert (stored.name, stored.description) == ("n" * 255, "d" * 16_384)


BAD_FIELDS = [
    ({"product_id": ""}, 13, "productId", "must not be empty"),
    ({"product_id": "p" * 65}, 11, "productId", "must be at most 64 characters long (got 65)"),
    ({"product_id": 7}, 14, "productId", "must be a string"),
    ({"name": "  "}, 13, "name", "must not be empty"),
    ({"main_category": "m" * 256}, 11, "mainCategory", LONG),
    ({"category_external_id": 5}, 14, "categoryExternalId", "must be a string"),
    ({"categories": ("a",) * 6}, 11, "categories", "must hold at most 5 items"),
    ({"categories": ("a", "c" * 256)}, 11, "categories[1]", LONG),
    ({"product_url": "ftp://shop.example.com/p"}, 18, "productUrl", URL),
    ({"product_url": "https:///p"}, 18, "productUrl", URL),
    ({"product_url": "https://shop.example.com/a b"}, 18, "productUrl", URL),
    (
        {"main_image_url": "https://x.pl/" + "i" * 2036},
        11,
        "mainImageUrl",
        "must be at most 2048 characters long (got 2049)",
    ),
    ({"image_urls": ("https://x.pl/1", "x.pl/2")}, 18, "imageUrls[1]", URL),
    ({"image_urls": ("https://x.pl/",) * 6}, 11, "imageUrls", "must hold at most 5 items"),
    ({"available": None}, 14, "available", "must be a boolean"),
    ({"quantity": -1}, 18, "quantity", "must be 0 or more (got -1)"),
    ({"quantity": 2**31}, 11, "quantity", "must be at most 2147483647 (got 2147483648)"),
    ({"quantity": True}, 14, "quantity", "must be an integer"),
    ({"price": Decimal("-0.01")}, 18, "price", "must be 0 or more (got -0.01)"),
    ({"price": Decimal("1.234")}, 18, "price", CENTS),
    ({"discount_price": Decimal("10.000")}, 18, "discountPrice", CENTS),
    (
        {"unit_price": Decimal("1E+19")},
        11,
        "unitPrice",
        "must have at most 19 digits before the decimal point (got 20)",
    ),
    ({"price": 1.5}, 14, "price", "must be a finite number"),
    (
        {"system_details": SystemDetails(gender=3)},
        18,
        "systemDetails.gender",
        "must be one of -1, 0, 1, 2, 4",
    ),
    (
        {"system_details": SystemDetails(popularity=-5)},
        18,
        "systemDetails.popularity",
        "must be 0 or more (got -5)",
    ),
    (
        {"system_details": SystemDetails(color="c" * 26)},
        11,
        "systemDetails.color",
        "must be at most 25 characters long (got 26)",
    ),
    (
        {"system_details": SystemDetails(new_product="no")},  # type: ignore[arg-type]
        14,
        "systemDetails.newProduct",
        "must be a boolean",
    ),
    ({"custom_details": {"detail6": "x"}}, 18, "customDetails.detail6", DETAIL),
    ({"custom_details": {"detail0": "x"}}, 18, "customDetails.detail0", DETAIL),
    ({"custom_details": {"colour": "x"}}, 18, "customDetails.colour", DETAIL),
    ({"custom_details": {"detail1": "x" * 256}}, 11, "customDetails.detail1", LONG),
]


@pytest.mark.parametrize(("change", "code", "field", "rule"), BAD_FIELDS)
def test_protocol_9_product_checks_name_the_field_and_change_nothing(
    account: Account, change: dict[str, Any], code: int, field: str, rule: str
) -> None:
    shop = _shop(account)
    account.catalogs.upsert_products(shop.catalog_id, [FULL])
    before = _state(account)
    bad = attrs.evolve(FULL, **{"product_id": "p-2", **change})
    good = ProductWrite(product_id="p-3", name="Fine")
    assert _refused(lambda: account.catalogs.upsert_products(shop.catalog_id, [good, bad])) == [
        (code, f"products[1].{field}", rule)
    ]
    assert _state(account) == before


def test_protocol_9_every_product_problem_is_listed_in_order(account: Account) -> None:
    shop = _shop(account)
    products = [
        ProductWrite(product_id="", name=" ", price=Decimal("1.234")),
        ProductWrite(product_id="a", name="A", product_url="mailto:x@example.com"),
        ProductWrite(product_id="a", name="A again"),
    ]
    problems = _refused(lambda: account.catalogs.upsert_products(shop.catalog_id, products))
    assert [(code, field) for code, field, _ in problems] == [
        (13, "products[0].productId"),
        (13, "products[0].name"),
        (18, "products[0].price"),
        (18, "products[1].productUrl"),
        (15, "products[2].productId"),
    ]
    assert problems[-1][2] == "repeats the productId of products[1]"


def test_protocol_11_one_to_a_hundred_products_per_upsert(account: Account) -> None:
    shop = _shop(account)
    many = [ProductWrite(product_id=f"p{i}", name="P") for i in range(101)]
    assert _refused(lambda: account.catalogs.upsert_products(shop.catalog_id, many)) == [
        (11, "products", "must hold at most 100 items")
    ]
    assert _refused(lambda: account.catalogs.upsert_products(shop.catalog_id, [])) == [
        (13, "products", "must hold at least one item")
    ]
    assert account.catalogs.products(shop.catalog_id) == []
    done = account.catalogs.upsert_products(shop.catalog_id, many[:100])
    assert len(done.product_ids) == 100


def test_protocol_9_unknown_catalog_is_code_16_before_the_products(account: Account) -> None:
    assert _refused(lambda: account.catalogs.upsert_products("nope", [])) == [
        (16, "catalogId", "names no catalog of this account (got nope)")
    ]
    shop = _shop(account)
    assert _refused(lambda: account.catalogs.product(shop.catalog_id, "p-9")) == [
        (16, "productId", f"names no product of catalog {shop.catalog_id} (got p-9)")
    ]


# --- prices and quantities ------------------------------------------------------------


def test_protocol_9_update_prices_changes_only_the_prices_given(
    account: Account, clock: FrozenClock
) -> None:
    shop = _shop(account)
    account.catalogs.upsert_products(shop.catalog_id, [FULL])
    clock.advance(timedelta(minutes=5))
    account.catalogs.update_prices(
        shop.catalog_id, [PriceChange(product_id="p-1", discount_price=Decimal("7.99"))]
    )
    stored = account.catalogs.product(shop.catalog_id, "p-1")
    assert (stored.price, stored.discount_price, stored.unit_price) == (
        Decimal("10.00"),
        Decimal("7.99"),
        Decimal("2"),
    )
    assert stored.modified_on == clock.now()
    assert stored.name == FULL.name


def test_protocol_9_update_prices_refusals_all_or_nothing(account: Account) -> None:
    shop = _shop(account)
    account.catalogs.upsert_products(shop.catalog_id, [FULL])
    before = _state(account)
    changes = [
        PriceChange(product_id="p-1", price=Decimal("1")),
        PriceChange(product_id="p-9", price=Decimal("1")),
        PriceChange(product_id="p-1"),
        PriceChange(product_id="p-1", unit_price=Decimal("0.001")),
    ]
    assert _refused(lambda: account.catalogs.update_prices(shop.catalog_id, changes)) == [
        (16, "products[1].productId", f"names no product of catalog {shop.catalog_id} (got p-9)"),
        (13, "products[2].price", "is required: give price, discountPrice or unitPrice"),
        (18, "products[3].unitPrice", "must have at most 2 digits after the decimal point (got 3)"),
        (15, "products[2].productId", "repeats the productId of products[0]"),
        (15, "products[3].productId", "repeats the productId of products[0]"),
    ]
    assert _state(account) == before


def test_protocol_9_update_quantities(account: Account) -> None:
    shop = _shop(account)
    account.catalogs.upsert_products(
        shop.catalog_id, [FULL, ProductWrite(product_id="p-2", name="Hat")]
    )
    account.catalogs.update_quantities(
        shop.catalog_id,
        [
            QuantityChange(product_id="p-1", quantity=0),
            QuantityChange(product_id="p-2", quantity=9),
        ],
    )
    assert [p.quantity for p in account.catalogs.products(shop.catalog_id)] == [0, 9]
    before = _state(account)
    bad = [
        QuantityChange(product_id="p-1", quantity=5),
        QuantityChange(product_id="p-2", quantity=-1),
    ]
    assert _refused(lambda: account.catalogs.update_quantities(shop.catalog_id, bad)) == [
        (18, "products[1].quantity", "must be 0 or more (got -1)")
    ]
    assert _refused(lambda: account.catalogs.update_quantities(shop.catalog_id, [])) == [
        (13, "products", "must hold at least one item")
    ]
    assert _state(account) == before


# --- the rules as properties ----------------------------------------------------------


@given(
    st.decimals(allow_nan=False, allow_infinity=False, places=None, min_value=-10, max_value=10**20)
)
def test_protocol_9_property_a_price_is_kept_exactly_or_refused_by_its_rule(
    value: Decimal,
) -> None:
    text = f"{value:f}"
    integer, _, fraction = text.lstrip("-").partition(".")
    fits = value >= 0 and len(fraction) <= 2 and len(integer.lstrip("0")) <= 19
    if not fits:
        with pytest.raises(V3FieldError) as caught:
            check_money(value, "price")
        assert caught.value.code in (ReasonCode.PATTERN, ReasonCode.OVER_LIMIT)
    else:
        assert f"{check_money(value, 'price'):f}" == text


@given(st.text(min_size=3, max_size=3))
def test_protocol_9_property_a_currency_is_an_upper_case_iso_4217_code(code: str) -> None:
    account = Account("c", "s", ["u@example.com"], clock=FrozenClock(NOW))
    if code in CURRENCIES:
        assert account.catalogs.upsert_catalog(name="Shop", currency=code).currency == code
        assert code == code.upper()
    else:
        codes = [
            problem[0]
            for problem in _refused(
                lambda: account.catalogs.upsert_catalog(name="Shop", currency=code)
            )
        ]
        assert codes in ([18], [13])
