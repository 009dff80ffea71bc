"""The SDK's API v3 clients against the emulator's v3 door, end to end (protocol §9).

``SalesManagoV3`` / ``AsyncSalesManagoV3`` send through the emulator's transport:
both sides spell the wire on their own, so these tests prove they meet: catalogs,
products 100 per request, exact prices, code-12 warnings renumbered to the caller's
items, and v3 refusals mapped onto the SDK's error tree with their reason codes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from decimal import Decimal

import pytest
from routes_helpers import A_ID

from salesmanago import (
    AlreadyExistsError,
    AsyncSalesManagoV3,
    AuthenticationError,
    InvalidFieldError,
    NotFoundError,
    Product,
    ProductPrice,
    ProductSystemDetails,
    SalesManagoV3,
)
from salesmanago_emulator import EMULATOR_ENDPOINT, Emulator

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
