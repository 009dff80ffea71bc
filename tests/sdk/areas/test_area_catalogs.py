"""API v3 product catalogs (protocol §9, §3.4; issue 12 wire §4), sync and async:
catalogs' bodies and answers, products sent 100 per request with exact Decimal
prices, warnings and refusals naming the caller's item, and the client-side checks
naming the wire field. The platform is a respx router on the v3 server."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx
from routes_helpers import A_ID
from sdk_helpers import AnyV3Client, call

from salesmanago import (
    AlreadyExistsError,
    AsyncSalesManagoV3,
    AuthenticationError,
    Catalog,
    CatalogResult,
    InvalidFieldError,
    NotFoundError,
    Product,
    ProductPrice,
    ProductsResult,
    ProductSystemDetails,
    SalesManagoV3,
    V3Problem,
    ValidationError,
)
from salesmanago_emulator import EMULATOR_ENDPOINT, Emulator

UPSERT = "/v3/product/upsert"
PRICES = "/v3/product/updatePrice"
QUANTITIES = "/v3/product/updateQuantity"
CATALOG = "0b9e2f6c-1d3a-4e5f-8a7b-6c5d4e3f2a1b"

RICH = Product(
    product_id="sku-1",
    name="Linen shirt",
    main_category="Shirts",
    category_external_id="cat-7",
    categories=["Men", "Summer"],
    description="A shirt",
    product_url="https://shop.example.com/p/sku-1",
    main_image_url="https://shop.example.com/i/sku-1.jpg",
    image_urls=["https://shop.example.com/i/sku-1b.jpg"],
    available=True,
    active=False,
    quantity=0,
    price=Decimal("1234567890123456789.10"),
    discount_price=Decimal("99.90"),
    unit_price=Decimal("0"),
    system_details=ProductSystemDetails(brand="ACME", popularity=5, gender=4, new_product=True),
    custom_details=["linen", "short"],
)
RICH_WIRE = {
    "productId": "sku-1",
    "name": "Linen shirt",
    "mainCategory": "Shirts",
    "categoryExternalId": "cat-7",
    "categories": ["Men", "Summer"],
    "description": "A shirt",
    "productUrl": "https://shop.example.com/p/sku-1",
    "mainImageUrl": "https://shop.example.com/i/sku-1.jpg",
    "imageUrls": ["https://shop.example.com/i/sku-1b.jpg"],
    "available": True,
    "active": False,
    "quantity": 0,
    "price": Decimal("1234567890123456789.10"),
    "discountPrice": Decimal("99.90"),
    "unitPrice": Decimal("0"),
    "systemDetails": {"brand": "ACME", "popularity": 5, "gender": 4, "newProduct": True},
    "customDetails": {"detail1": "linen", "detail2": "short"},
}


def _json(request: httpx.Request) -> dict[str, Any]:
    return dict(json.loads(request.content, parse_float=Decimal))


def _products(count: int) -> list[Product]:
    return [Product(product_id=f"p{i}", name=f"P{i}") for i in range(count)]


def _upserted(request: httpx.Request) -> httpx.Response:
    """Upserts every product sent; the chunk's item 5 gets a code-12 warning."""
    body = _json(request)
    ids = [p["productId"] for p in body["products"]]
    answer: dict[str, Any] = {"requestId": f"r-{ids[0]}", "productIds": ids}
    if len(ids) > 5:
        answer["problems"] = [{"reasonCode": 12, "message": "products[5].name|trimmed"}]
    return httpx.Response(200, json=answer)


async def test_s9_catalog_upsert_and_list(
    v3_client: AnyV3Client, v3_platform: respx.MockRouter
) -> None:
    """``catalogUpsert {catalogId?, catalogName, setAsDefault, currency, location}``
    answers ``{requestId, catalogId}``; ``catalogList`` reads into ``Catalog``."""
    route = v3_platform.post("/v3/product/catalogUpsert").mock(
        return_value=httpx.Response(200, json={"requestId": "r-1", "catalogId": CATALOG})
    )
    created = await call(
        v3_client,
        "catalogs.upsert",
        "Shop PL",
        currency="PLN",
        location="shop_pl",
        set_as_default=True,
    )
    await call(
        v3_client, "catalogs.upsert", "Shop", currency="EUR", location="x", catalog_id=CATALOG
    )
    assert created == CatalogResult(request_id="r-1", catalog_id=CATALOG)
    assert [_json(c.request) for c in route.calls] == [
        {"catalogName": "Shop PL", "setAsDefault": True, "currency": "PLN", "location": "shop_pl"},
        {
            "catalogId": CATALOG,
            "catalogName": "Shop",
            "setAsDefault": False,
            "currency": "EUR",
            "location": "x",
        },
    ]
    v3_platform.get("/v3/product/catalogList").mock(
        return_value=httpx.Response(
            200, json={"catalogs": [{"catalogId": CATALOG, "catalogName": "Shop", "extra": 1}]}
        )
    )
    assert await call(v3_client, "catalogs.list") == [
        Catalog(catalog_id=CATALOG, catalog_name="Shop")
    ]


async def test_s9_product_upsert_sends_every_field_with_exact_money(
    v3_client: AnyV3Client, v3_platform: respx.MockRouter
) -> None:
    """``product/upsert {catalogId, products}``: camelCase fields, nested
    ``systemDetails``, ``customDetails.detailN``; prices are JSON numbers with
    exactly their digits (19 + 2, trailing zeros kept); unset fields are not sent."""
    route = v3_platform.post(UPSERT).mock(side_effect=_upserted)
    result = await call(
        v3_client, "products.upsert", CATALOG, [RICH, Product(product_id="b", name="B")]
    )
    assert result == ProductsResult(request_ids=("r-sku-1",), product_ids=("sku-1", "b"))
    assert _json(route.calls[0].request) == {
        "catalogId": CATALOG,
        "products": [RICH_WIRE, {"productId": "b", "name": "B"}],
    }
    raw = route.calls[0].request.content.decode()
    assert '"price":1234567890123456789.10' in raw
    assert '"discountPrice":99.90' in raw


async def test_s3_4_products_go_100_per_request_named_by_the_callers_index(
    v3_client: AnyV3Client, v3_platform: respx.MockRouter
) -> None:
    """Protocol §3.4: up to 100 products per request; 250 products take requests of
    100, 100 and 50, merged in order; the warning about each request's
    ``products[5]`` names the caller's ``products[5]``, ``[105]`` and ``[205]``."""
    route = v3_platform.post(UPSERT).mock(side_effect=_upserted)
    result = await call(v3_client, "products.upsert", CATALOG, _products(250))
    sizes = sorted((len(_json(c.request)["products"]) for c in route.calls), reverse=True)
    assert sizes == [100, 100, 50]
    assert result.product_ids == tuple(f"p{i}" for i in range(250))
    assert result.request_ids == ("r-p0", "r-p100", "r-p200")
    assert result.warnings == (
        V3Problem(reason_code=12, field="products[5].name", text="trimmed"),
        V3Problem(reason_code=12, field="products[105].name", text="trimmed"),
        V3Problem(reason_code=12, field="products[205].name", text="trimmed"),
    )


async def test_a_refused_request_names_the_callers_item_and_keeps_the_others(
    v3_client: AnyV3Client, v3_platform: respx.MockRouter
) -> None:
    """The 2nd request's ``products[7]`` refused (400, code 19) is the caller's item
    107; the error keeps the code and the field, and the merged result of the
    requests that succeeded is in ``partial_results``."""

    def answer(request: httpx.Request) -> httpx.Response:
        ids = [p["productId"] for p in _json(request)["products"]]
        if ids[0] == "p100":
            problem = {"reasonCode": 19, "message": "products[7].price|above the limit"}
            return httpx.Response(400, json={"problems": [problem]})
        return httpx.Response(200, json={"requestId": f"r-{ids[0]}", "productIds": ids})

    v3_platform.post(UPSERT).mock(side_effect=answer)
    with pytest.raises(InvalidFieldError) as caught:
        await call(v3_client, "products.upsert", CATALOG, _products(150))
    error = caught.value
    assert error.field == "products[107].price"
    assert error.reason_codes == (19,)
    assert error.messages == ("products[107].price|above the limit",)
    assert (error.completed_requests, error.total_requests) == (1, 2)
    assert error.partial_results.product_ids == tuple(f"p{i}" for i in range(100))


async def test_s9_price_and_quantity_updates(
    v3_client: AnyV3Client, v3_platform: respx.MockRouter
) -> None:
    """``updatePrice`` / ``updateQuantity {catalogId, products: [{productId, ...}]}``
    answer ``{requestId}``; only the prices given are sent."""
    prices = v3_platform.post(PRICES).mock(
        return_value=httpx.Response(200, json={"requestId": "r-p"})
    )
    quantities = v3_platform.post(QUANTITIES).mock(
        return_value=httpx.Response(200, json={"requestId": "r-q"})
    )
    result = await call(
        v3_client,
        "products.update_prices",
        CATALOG,
        [
            ProductPrice(product_id="a", price=Decimal("10.00"), discount_price=Decimal("8.5")),
            ProductPrice(product_id="b", unit_price=Decimal("0.99")),
        ],
    )
    assert result == ProductsResult(request_ids=("r-p",))
    assert _json(prices.calls[0].request) == {
        "catalogId": CATALOG,
        "products": [
            {"productId": "a", "price": Decimal("10.00"), "discountPrice": Decimal("8.5")},
            {"productId": "b", "unitPrice": Decimal("0.99")},
        ],
    }
    assert '"price":10.00' in prices.calls[0].request.content.decode()
    await call(v3_client, "products.update_quantities", CATALOG, {"a": 3, "b": 0})
    assert _json(quantities.calls[0].request) == {
        "catalogId": CATALOG,
        "products": [{"productId": "a", "quantity": 3}, {"productId": "b", "quantity": 0}],
    }


async def test_updates_go_100_per_request_too(
    v3_client: AnyV3Client, v3_platform: respx.MockRouter
) -> None:
    """Our choice (issue 12 wire §4 gives no limit for updates): 100 per request, as
    for upserts."""
    route = v3_platform.post(QUANTITIES).mock(
        return_value=httpx.Response(200, json={"requestId": "r"})
    )
    result = await call(
        v3_client, "products.update_quantities", CATALOG, {f"p{i}": i for i in range(201)}
    )
    assert sorted(len(_json(c.request)["products"]) for c in route.calls) == [1, 100, 100]
    assert result.request_ids == ("r", "r", "r")


@pytest.mark.parametrize(
    ("product", "field", "rule"),
    [
        (Product(product_id="", name="A"), "productId", "non-empty"),
        (Product(product_id="x" * 65, name="A"), "productId", "at most 64 characters (got 65)"),
        (Product(product_id="a", name=" "), "name", "non-empty"),
        (Product(product_id="a", name="A", product_url="ftp://x.pl/a"), "productUrl", "http(s)"),
        (Product(product_id="a", name="A", main_image_url="not a url"), "mainImageUrl", "http(s)"),
        (
            Product(product_id="a", name="A", image_urls=["https://x.pl/1", "/2.jpg"]),
            "imageUrls[1]",
            "http(s)",
        ),
        (Product(product_id="a", name="A", price=Decimal("-1")), "price", "0 or more"),
        (
            Product(product_id="a", name="A", discount_price=Decimal("1.005")),
            "discountPrice",
            "at most 2 digits after the decimal point",
        ),
        (Product(product_id="a", name="A", unit_price=1.5), "unitPrice", "Decimal or an int"),  # type: ignore[arg-type]
        (Product(product_id="a", name="A", quantity=-1), "quantity", "0 or more"),
        (Product(product_id="a", name="A", quantity=True), "quantity", "whole number"),
        (Product(product_id="a", name="A", available="yes"), "available", "boolean"),  # type: ignore[arg-type]
        (
            Product(
                product_id="a",
                name="A",
                system_details=ProductSystemDetails(new_product=1),  # type: ignore[arg-type]
            ),
            "systemDetails.newProduct",
            "boolean",
        ),
    ],
)
async def test_products_are_checked_naming_the_wire_field(
    v3_client: AnyV3Client,
    v3_platform: respx.MockRouter,
    product: Product,
    field: str,
    rule: str,
) -> None:
    """Issue 12 wire §4's product checks run before anything is sent; the error names
    the field under the item's index (``products[1].price``), and
    ``Product.validate()`` raises the same check for the product alone."""
    with pytest.raises(ValidationError) as caught:
        await call(v3_client, "products.upsert", CATALOG, [_products(1)[0], product])
    assert caught.value.field == f"products[1].{field}"
    assert rule in caught.value.rule
    with pytest.raises(ValidationError) as alone:
        product.validate()
    assert alone.value.field == field
    assert not v3_platform.calls


@pytest.mark.parametrize(
    ("method", "args", "kwargs", "field"),
    [
        ("products.upsert", (CATALOG, []), {}, "products"),
        ("products.upsert", (" ", _products(1)), {}, "catalogId"),
        (
            "products.update_prices",
            (CATALOG, [ProductPrice(product_id="a")]),
            {},
            "products[0].price",
        ),
        (
            "products.update_prices",
            (CATALOG, [ProductPrice(product_id="a", price=Decimal("0.001"))]),
            {},
            "products[0].price",
        ),
        ("products.update_quantities", (CATALOG, {"a": -2}), {}, "products[0].quantity"),
        ("products.update_quantities", (CATALOG, {"": 2}), {}, "products[0].productId"),
        ("products.update_quantities", (CATALOG, [("a", 1)]), {}, "products"),
        ("catalogs.upsert", ("Shop",), {"currency": "pln", "location": "x"}, "currency"),
        ("catalogs.upsert", ("Shop",), {"currency": "PLN", "location": " "}, "location"),
        ("catalogs.upsert", (" ",), {"currency": "PLN", "location": "x"}, "catalogName"),
        ("catalogs.delete", ("",), {}, "catalogId"),
    ],
)
async def test_other_arguments_are_checked_before_sending(
    v3_client: AnyV3Client,
    v3_platform: respx.MockRouter,
    method: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    field: str,
) -> None:
    with pytest.raises(ValidationError) as caught:
        await call(v3_client, method, *args, **kwargs)
    assert caught.value.field == field
    assert not v3_platform.calls


# --- The SDK's API v3 clients against the emulator's v3 door, end to end (protocol §9) ----------

KEY = "sdk-key"


@pytest.fixture
def v3(emu: Emulator) -> Iterator[SalesManagoV3]:
    """The sync v3 client of account A on the emulator's transport."""
    emu.account(A_ID).catalogs.create_key(KEY)
    with SalesManagoV3(
        api_key=KEY, endpoint=EMULATOR_ENDPOINT, transport=emu.transport(), max_retries=0
    ) as client:
        yield client


@pytest.fixture
async def av3(emu: Emulator) -> AsyncIterator[AsyncSalesManagoV3]:
    """The async v3 client of account A on the emulator's transport."""
    emu.account(A_ID).catalogs.create_key(KEY)
    async with AsyncSalesManagoV3(
        api_key=KEY, endpoint=EMULATOR_ENDPOINT, transport=emu.transport(), max_retries=0
    ) as client:
        yield client


def test_protocol_9_sdk_catalogs_and_products_round_trip(v3: SalesManagoV3, emu: Emulator) -> None:
    made = v3.catalogs.upsert("Shop", currency="PLN", location="shop-1", set_as_default=True)
    (listed,) = v3.catalogs.list()
    assert (listed.catalog_id, listed.catalog_name, listed.set_as_default) == (
        made.catalog_id,
        "Shop",
        True,
    )
    assert (listed.currency, listed.location) == ("PLN", "shop-1")
    shirt = Product(
        product_id="sku-1",
        name="Linen shirt",
        categories=["Men"],
        product_url="https://shop.example.com/p/sku-1",
        price=Decimal("1234567890123456789.10"),  # 19 digits before the point
        discount_price=Decimal("99.90"),
        system_details=ProductSystemDetails(brand="ACME", gender=4, new_product=True),
        custom_details=["linen", "short"],
    )
    hats = [Product(product_id=f"hat-{i}", name="Hat") for i in range(149)]
    done = v3.products.upsert(made.catalog_id, [shirt, *hats])
    assert len(done.request_ids) == 2  # 100 per request
    assert done.product_ids == ("sku-1", *(f"hat-{i}" for i in range(149)))
    assert done.warnings == ()
    stored = emu.account(A_ID).catalogs.product(made.catalog_id, "sku-1")
    assert (str(stored.price), str(stored.discount_price)) == ("1234567890123456789.10", "99.90")
    assert dict(stored.custom_details) == {"detail1": "linen", "detail2": "short"}
    assert stored.system_details is not None
    assert (stored.system_details.brand, stored.system_details.new_product) == ("ACME", True)
    v3.products.update_prices(
        made.catalog_id, [ProductPrice(product_id="hat-3", price=Decimal("5"))]
    )
    v3.products.update_quantities(made.catalog_id, {"hat-3": 7, "sku-1": 0})
    hat = emu.account(A_ID).catalogs.product(made.catalog_id, "hat-3")
    assert (hat.price, hat.quantity) == (Decimal("5"), 7)
    assert v3.catalogs.delete(made.catalog_id).catalog_id == made.catalog_id
    assert v3.catalogs.list() == []


def test_protocol_9_sdk_code_12_warnings_name_the_callers_item(v3: SalesManagoV3) -> None:
    catalog = v3.catalogs.upsert("Shop", currency="EUR", location="s").catalog_id
    products = [Product(product_id=f"p-{i}", name="P") for i in range(120)]
    products[110] = Product(product_id="p-110", name="n" * 300)
    done = v3.products.upsert(catalog, products)
    (warning,) = done.warnings
    assert (warning.reason_code, warning.field) == (12, "products[110].name")
    assert warning.text == "was trimmed to 255 characters (got 300)"


def test_protocol_9_sdk_refusals_map_onto_the_error_tree(v3: SalesManagoV3, emu: Emulator) -> None:
    catalog = v3.catalogs.upsert("Shop", currency="PLN", location="s").catalog_id
    with pytest.raises(AlreadyExistsError) as exists:
        v3.catalogs.upsert("SHOP", currency="PLN", location="s")
    assert exists.value.reason_codes == (15,)
    assert exists.value.field == "catalogName"
    with pytest.raises(NotFoundError) as missing:
        v3.products.upsert("no-such-catalog", [Product(product_id="p", name="P")])
    assert missing.value.reason_codes == (16,)
    with pytest.raises(InvalidFieldError) as invalid:  # the SDK lets a 6th detail through
        v3.products.upsert(catalog, [Product(product_id="p", name="P", custom_details=["x"] * 6)])
    assert invalid.value.reason_codes == (18,)
    assert invalid.value.field == "products[0].customDetails.detail6"
    with (
        pytest.raises(AuthenticationError) as refused,
        SalesManagoV3(
            api_key="wrong", endpoint=EMULATOR_ENDPOINT, transport=emu.transport(), max_retries=0
        ) as other,
    ):
        other.catalogs.list()
    assert refused.value.reason_codes == (10,)


async def test_protocol_9_async_sdk_meets_the_emulator_too(
    av3: AsyncSalesManagoV3, emu: Emulator
) -> None:
    made = await av3.catalogs.upsert("Shop", currency="PLN", location="s", set_as_default=True)
    done = await av3.products.upsert(
        made.catalog_id, [Product(product_id="p", name="P", price=Decimal("10.00"))]
    )
    assert done.product_ids == ("p",)
    await av3.products.update_quantities(made.catalog_id, {"p": 2})
    stored = emu.account(A_ID).catalogs.product(made.catalog_id, "p")
    assert (str(stored.price), stored.quantity) == ("10.00", 2)
    assert [c.catalog_id for c in await av3.catalogs.list()] == [made.catalog_id]
